"""How long loading the shipped Olive catalog takes, in a fresh interpreter.

    python benchmarks/catalog_load.py [--repeat N] [--json]

Prints milliseconds for: importing olive_ls.catalog, load_catalog() (json.load of catalog.json), the lazy
run-config schema, and a cached second load_catalog(). Never imports Olive. --json: the medians as one JSON object
(with "heavy": the heavy modules imported), for benchmarks/bench.py.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time


def measure_once() -> dict[str, float]:
    start = time.perf_counter()
    from olive_ls.catalog import load_catalog

    imported = time.perf_counter()
    load_catalog.cache_clear()
    catalog = load_catalog()
    loaded = time.perf_counter()
    catalog.schema
    schema_loaded = time.perf_counter()
    load_catalog()
    cached = time.perf_counter()
    return {
        "import olive_ls.catalog": (imported - start) * 1000,
        "load_catalog()": (loaded - imported) * 1000,
        "catalog.schema": (schema_loaded - loaded) * 1000,
        "load_catalog() cached": (cached - schema_loaded) * 1000,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="loads to time (the import is timed once)")
    parser.add_argument("--json", action="store_true", help="print the medians as one JSON object")
    args = parser.parse_args()
    runs = [measure_once() for _ in range(max(1, args.repeat))]
    medians = {label: statistics.median([run[label] for run in runs] if label != "import olive_ls.catalog" else [runs[0][label]]) for label in runs[0]}
    heavy = [m for m in ("olive", "torch", "transformers", "onnxruntime") if m in sys.modules]
    if args.json:
        print(json.dumps({"ms": medians, "repeat": len(runs), "heavy": heavy}))
        return 1 if heavy else 0
    for label, value in medians.items():
        print(f"{label:28s} {value:8.2f} ms (median of {1 if label == 'import olive_ls.catalog' else len(runs)})")
    print(f"heavy modules imported: {heavy or 'none'}")
    return 1 if heavy else 0


if __name__ == "__main__":
    sys.exit(main())
