"""Completion: keys valid at the cursor with value snippets, and values from the catalog and the config.

Two halves:
- the Olive model of a config: which keys an object at a given place takes, with their types, defaults,
  allowed values and docs (`places`, `key_specs`, `framework_keys`, `tables`), and their markdown docs
  (`docs`). Hover reads the same model.
- the completion items (`items`, `request`): keys with a value snippet (`skeletons`, written as snippets by
  `snippets`), values (`values`: pass types, EPs per device, precisions per pass, enum values, the config's own
  system/evaluator/data config names), JSON and YAML, with text edits that replace exactly the word or string
  being typed. The items' docs are written inline, or only on completionItem/resolve for a client that resolves
  them (`resolve`).

Per-catalog tables (key specs, rendered docs) are built once and cached by catalog path.
"""

from olive_ls.features.completion.docs import (
    data_config_ref_doc,
    device_doc,
    ep_doc,
    evaluator_ref_doc,
    key_doc,
    metric_type_doc,
    model_type_doc,
    pass_type_doc,
    precision_doc,
    sampler_doc,
    system_ref_doc,
    system_type_doc,
)
from olive_ls.features.completion.key_specs import MISSING, KeySpec
from olive_ls.features.completion.places import EVALUATORS, PASSES, SYSTEMS, Place, place_at, place_of
from olive_ls.features.completion.request import MAX_ITEMS, complete, completion_items
from olive_ls.features.completion.resolve import DeferredDocs
from olive_ls.features.completion.tables import Tables, key_spec, keys_at, tables_for
from olive_ls.features.completion.values import ValueOption, value_options

__all__ = [
    "EVALUATORS",
    "MAX_ITEMS",
    "MISSING",
    "PASSES",
    "SYSTEMS",
    "DeferredDocs",
    "KeySpec",
    "Place",
    "Tables",
    "ValueOption",
    "complete",
    "completion_items",
    "data_config_ref_doc",
    "device_doc",
    "ep_doc",
    "evaluator_ref_doc",
    "key_doc",
    "key_spec",
    "keys_at",
    "metric_type_doc",
    "model_type_doc",
    "pass_type_doc",
    "place_at",
    "place_of",
    "precision_doc",
    "sampler_doc",
    "system_ref_doc",
    "system_type_doc",
    "tables_for",
    "value_options",
]
