"""LSP commands that run things: olive.runWorkflow, olive.cancelRun, olive.smokeTest, olive.newWorkflow.

Olive and onnxruntime-genai only ever run in subprocesses (execution/), started on an explicit command.
Handlers are async, so the server keeps answering while a run goes on.
"""

from __future__ import annotations

import asyncio
import logging
import sys
import uuid
from pathlib import Path
from typing import Any

from lsprotocol import types
from pygls.exceptions import JsonRpcInvalidParams

from olive_ls.lsp.server import OliveLanguageServer, server
from olive_ls.uris import uri_to_path

log = logging.getLogger(__name__)


class CommandError(JsonRpcInvalidParams):
    """A command refused with a message the user should see; it becomes the command's error response as is
    (a JSON-RPC error, so no traceback travels with it)."""


def _show_document(ls: OliveLanguageServer, uri: str) -> None:
    """Open a file in the editor when the client can be asked to (window/showDocument, LSP 3.16)."""
    if ls.session.client.show_document:
        params = types.ShowDocumentParams(uri=uri, take_focus=True)
        asyncio.ensure_future(ls.ask_client(lambda _: ls.window_show_document_async(params)))


def _python(ls: OliveLanguageServer) -> str:
    return (ls.session.service.settings.python if ls.session else "") or sys.executable


def _notify(ls: OliveLanguageServer, kind: types.MessageType, message: str) -> None:
    ls.window_show_message(types.ShowMessageParams(type=kind, message=message))


def _refuse(ls: OliveLanguageServer, message: str):
    _notify(ls, types.MessageType.Error, message)
    raise CommandError(message)


class _Progress:
    """window/workDoneProgress when the client supports it; a no-op otherwise. Client cancel sets `cancelled`."""

    def __init__(self, ls: OliveLanguageServer, title: str):
        self.ls, self.title = ls, title
        self.token = f"olive-{uuid.uuid4().hex[:8]}"
        self.cancelled = asyncio.Event()
        self.enabled = ls.session.client.work_done_progress

    async def __aenter__(self) -> "_Progress":
        if self.enabled:
            await self.ls.work_done_progress.create_async(self.token)
            self.ls.work_done_progress.begin(self.token, types.WorkDoneProgressBegin(title=self.title, cancellable=True, percentage=0))
            loop = asyncio.get_running_loop()
            future = self.ls.work_done_progress.tokens.get(self.token)
            if future is not None:
                future.add_done_callback(lambda f: loop.call_soon_threadsafe(self.cancelled.set) if f.cancelled() else None)
        return self

    def report(self, message: str, percentage: int | None = None) -> None:
        if self.enabled:
            self.ls.work_done_progress.report(self.token, types.WorkDoneProgressReport(message=message, percentage=percentage))

    async def __aexit__(self, *exc) -> None:
        if self.enabled:
            self.ls.work_done_progress.end(self.token, types.WorkDoneProgressEnd(message="done"))


@server.command("olive.runWorkflow")
async def run_workflow(ls: OliveLanguageServer, *args: Any) -> dict:
    from olive_ls.execution.config_file import ConfigInputError
    from olive_ls.execution.workflow_run import RunInProgressError, RunStartError
    from olive_ls.execution.workflow_run import run_workflow as run

    uri = args[0] if args and isinstance(args[0], str) else None
    path = uri_to_path(uri) if uri else None
    if path is None:
        _refuse(ls, "olive.runWorkflow needs the file URI of a config")
    if not path.is_file():
        _refuse(ls, f"Cannot run {path}: no such file")
    document = ls.workspace.text_documents.get(uri)
    if document is not None and document.source != path.read_text(encoding="utf-8", errors="replace"):
        _refuse(ls, f"Save {path.name} before running it: Olive reads the file on disk, not the editor's unsaved text")
    if ls.session is None:
        _refuse(ls, "olive.runWorkflow before initialize")
    runs = ls.session.runs
    runs.feedback.pop(uri, None)
    try:
        async with _Progress(ls, f"Olive: {path.name}") as progress:
            cancel = progress.cancelled
            runs.cancels[uri] = cancel
            ls.refresh_code_lenses()
            result = await run(
                path,
                python=_python(ls),
                on_log=lambda line: ls.window_log_message(types.LogMessageParams(type=types.MessageType.Log, message=line)),
                on_progress=lambda message, percent: progress.report(message, percent),
                cancel_event=cancel,
            )
    except (ConfigInputError, RunInProgressError, RunStartError) as exc:
        _refuse(ls, str(exc))
    finally:
        runs.cancels.pop(uri, None)

    payload = result.to_json()
    doc = ls.open_document(uri) or ls.session.service.parse(uri, path.read_text(encoding="utf-8", errors="replace"))
    if not result.cancelled:
        from olive_ls.features import run_feedback

        runs.feedback[uri] = run_feedback.run_findings(doc, payload["errors"], result.no_model_reason)
    runs.outputs[uri] = result.output_dirs if result.produced_model else []
    if result.cancelled:
        _notify(ls, types.MessageType.Warning, f"Olive run of {path.name} cancelled")
    elif result.produced_model:
        _notify(ls, types.MessageType.Info, f"Olive produced {', '.join(result.output_dirs)} ({result.footprint_summary})")
    else:
        reason = result.no_model_reason or (payload["errors"][0]["message"] if payload["errors"] else "see the log")
        _notify(ls, types.MessageType.Error, f"Olive run of {path.name} produced no model: {reason}")
    ls.schedule_diagnostics(uri, 0, force_push=True)
    ls.refresh_code_lenses()
    return payload


@server.command("olive.cancelRun")
def cancel_run(ls: OliveLanguageServer, *args: Any) -> bool:
    uri = args[0] if args and isinstance(args[0], str) else None
    cancel = ls.session.runs.cancels.get(uri) if ls.session else None
    if cancel is None:
        return False
    cancel.set()
    return True


@server.command("olive.smokeTest")
async def smoke_test(ls: OliveLanguageServer, *args: Any) -> dict:
    from olive_ls.execution.smoke_test import SmokeInputError
    from olive_ls.execution.smoke_test import smoke_test as smoke

    target = args[0] if args else None
    options = args[1] if len(args) > 1 and isinstance(args[1], dict) else {}
    if not isinstance(target, str) or not target:
        _refuse(ls, "olive.smokeTest needs a model folder (a path or file URI)")
    folder = uri_to_path(target) if target.startswith("file:") else Path(target)
    prompt = options.get("prompt") if isinstance(options.get("prompt"), str) else None
    max_tokens = options.get("maxTokens") if isinstance(options.get("maxTokens"), int) else 32
    async with _Progress(ls, f"Smoke test: {folder.name}") as progress:
        progress.report("loading the model with onnxruntime-genai")
        try:
            kwargs = {"prompt": prompt} if prompt else {}
            result = await smoke(folder, max_tokens=max_tokens, python=_python(ls), **kwargs)
        except SmokeInputError as exc:
            _refuse(ls, str(exc))
    if result.ok:
        _notify(ls, types.MessageType.Info, f"{folder.name}: {result.generated_tokens} tokens, {result.tokens_per_second:.1f} tokens/s")
    else:
        _notify(ls, types.MessageType.Error, f"Smoke test of {folder.name} failed: {result.error}")
    return result.to_json()


@server.command("olive.newWorkflow")
def new_workflow(ls: OliveLanguageServer, *args: Any) -> dict:
    from olive_ls.execution.new_config import NewConfigError, make_config, write_config

    options = args[0] if args and isinstance(args[0], dict) else None
    if options is None or not isinstance(options.get("model"), str) or not isinstance(options.get("path"), str):
        _refuse(ls, 'olive.newWorkflow needs {"model": ..., "path": ..., "device"?, "provider"?, "precision"?}')
    path = uri_to_path(options["path"]) if options["path"].startswith("file:") else Path(options["path"])
    try:
        config = make_config(
            model=options["model"],
            device=options.get("device"),
            provider=options.get("provider"),
            precision=options.get("precision") or "int4",
            config_dir=path.parent,
        )
        written = write_config(path, config, force=bool(options.get("overwrite")))
    except (NewConfigError, FileExistsError) as exc:
        _refuse(ls, str(exc))
    _show_document(ls, written.resolve().as_uri())
    return {"path": str(written)}


@server.feature(types.TEXT_DOCUMENT_CODE_LENS)
def code_lens(ls: OliveLanguageServer, params: types.CodeLensParams) -> list[types.CodeLens]:
    uri = params.text_document.uri
    doc = ls.open_document(uri)
    if doc is None or not ls.session.service.is_olive_config(uri, doc):
        return []
    from olive_ls.execution.workflow_run import is_running  # the run machinery loads when first needed, not at start

    path = uri_to_path(uri)
    running = path is not None and is_running(path)
    from olive_ls.features import run_feedback

    return run_feedback.code_lenses(doc, uri, ls.session.runs.outputs.get(uri, []), running)


@server.command("olive.checkEnvironment")
async def check_environment(ls: OliveLanguageServer, *args: Any) -> dict:
    """`olive-ls doctor` for the configured Python (and the config whose URI or path is given): the report as
    JSON, with its text form under "text", and a one-line summary shown to the user."""
    from olive_ls.cli.doctor import MARKS, ConfigReadError, as_text, build_report

    target = args[0] if args and isinstance(args[0], str) and args[0] else None
    config = (uri_to_path(target) if target.startswith("file:") else Path(target)) if target else None
    if config is not None and not config.is_file():
        config = None  # an unsaved or untitled document: the environment alone
    python = _python(ls)
    try:
        report = await asyncio.to_thread(build_report, None if python == sys.executable else python, config)
    except ConfigReadError as exc:
        _refuse(ls, str(exc))
    report["text"] = as_text(report, MARKS)
    counts = report["counts"]
    kind = types.MessageType.Error if counts["problem"] else types.MessageType.Warning if counts["warning"] else types.MessageType.Info
    _notify(
        ls,
        kind,
        f"Olive environment ({report['python']['path']}): {counts['ok']} ok, {counts['warning']} warning(s), "
        f"{counts['problem']} problem(s) (details in the report)",
    )
    return report
