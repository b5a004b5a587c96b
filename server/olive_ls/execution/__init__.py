"""Running Olive workflows and smoke-testing their output (issue 5).

Public API (all light to import: nothing here imports olive, torch, onnxruntime or onnxruntime_genai; those run
in subprocesses):

- `run_workflow(config_path, *, python, on_log, on_progress, cancel_event, env) -> RunResult`  (workflow_run)
- `smoke_test(model_dir, *, prompt, max_tokens, python) -> SmokeResult`                        (smoke_test)
- `make_config(...)` / `write_config(...)` for `olive-ls new`                                   (new_config)
- errors: `ConfigInputError`, `RunInProgressError`, `RunStartError`, `SmokeInputError`, `NewConfigError`

`smoke_worker` is the only module that imports onnxruntime_genai; never import it in the server process.
"""

from olive_ls.execution.config_file import ConfigInputError, format_path
from olive_ls.execution.olive_log import RunError
from olive_ls.execution.smoke_test import SmokeInputError, SmokeResult, smoke_test
from olive_ls.execution.workflow_run import (
    RunInProgressError,
    RunResult,
    RunStartError,
    is_running,
    run_workflow,
    running_configs,
)

__all__ = [
    "ConfigInputError",
    "RunError",
    "RunInProgressError",
    "RunResult",
    "RunStartError",
    "SmokeInputError",
    "SmokeResult",
    "format_path",
    "is_running",
    "run_workflow",
    "running_configs",
    "smoke_test",
]
