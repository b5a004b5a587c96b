"""Wall time of `olive-ls check` over the whole corpus, beside Olive's own validation of the same files.

Both sides run as fresh subprocesses in the same run, interpreter start included:
- olive-ls: `python -m olive_ls check --no-env --format json CORPUS`
- Olive 0.13.0: import Olive, parse each config with RunConfig, then for each pass import its module, build
  its config class and validate its parameters (what the corpus labels were made with).

Usage: python benchmarks/check_corpus.py [CORPUS_DIR] [--repeat N]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

DEFAULT_CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "olive-recipes"

OLIVE_VALIDATION = r"""
import copy, json, logging, sys
from pathlib import Path
logging.disable(logging.CRITICAL)
from olive.workflows.run.config import RunConfig
from olive.package_config import OlivePackageConfig
from olive.hardware.accelerator import AcceleratorSpec, Device
from olive.common.config_utils import validate_config
package = OlivePackageConfig.load_default_config()
spec = AcceleratorSpec(accelerator_type=Device.CPU, execution_provider="CPUExecutionProvider")
rejected = 0
files = sorted(Path(sys.argv[1]).rglob("*.json"))
for path in files:
    try:
        config = json.loads(path.read_text())
        run_config = RunConfig.parse_file_or_obj(copy.deepcopy(config))
        for alternatives in run_config.passes.values():
            for pass_config in alternatives:
                pass_class = package.import_pass_module(pass_config.type)
                config_class, _ = pass_class.get_config_class(spec, disable_search=True)
                validate_config(pass_config.config, config_class)
    except BaseException:
        rejected += 1
print(f"{len(files)} {rejected}")
"""


def timed(argv: list[str]) -> tuple[float, str]:
    start = time.perf_counter()
    result = subprocess.run(argv, capture_output=True, text=True)
    return time.perf_counter() - start, result.stdout


def measure(corpus: Path, repeat: int = 3) -> dict:
    """Both sides `repeat` times, interleaved: {"files": N, "ours": [s, ...], "theirs": [s, ...] (empty without
    olive-ai), "olive_summary": "R of N rejected"}."""
    ours, theirs = [], []
    olive_summary = "olive-ai not installed"
    for _ in range(repeat):
        seconds, _ = timed([sys.executable, "-m", "olive_ls", "check", "--no-env", "--format", "json", str(corpus)])
        ours.append(seconds)
        seconds, out = timed([sys.executable, "-c", OLIVE_VALIDATION, str(corpus)])
        if out.strip():
            theirs.append(seconds)
            total, rejected = out.split()
            olive_summary = f"{rejected} of {total} rejected"
    return {"files": len(list(corpus.rglob("*.json"))), "ours": ours, "theirs": theirs, "olive_summary": olive_summary}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("corpus", nargs="?", default=str(DEFAULT_CORPUS))
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    corpus = Path(args.corpus)
    if not corpus.is_dir():
        print(f"no corpus at {corpus}", file=sys.stderr)
        return 2
    result = measure(corpus, args.repeat)
    ours, theirs = result["ours"], result["theirs"]
    print(f"corpus: {corpus} ({result['files']} configs), {args.repeat} run(s) each, wall time incl. interpreter start")
    print(f"{'olive-ls check --no-env':<40} median {statistics.median(ours):6.2f} s   min {min(ours):6.2f} s")
    if theirs:
        print(f"{'Olive 0.13.0 RunConfig + pass configs':<40} median {statistics.median(theirs):6.2f} s   min {min(theirs):6.2f} s   ({result['olive_summary']})")
        print(f"speed-up: {statistics.median(theirs) / statistics.median(ours):.1f}x")
    else:
        print("Olive 0.13.0: not measured (olive-ai is not installed in this Python)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
