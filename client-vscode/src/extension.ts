// VS Code client of olive-ls: starts `PYTHON -m olive_ls serve` over stdio and adds the Olive commands.
//
// Interpreter choice (as the python-tools extension template does): the `olive.python` setting, else the
// Python extension's active interpreter when that extension is installed, else `python3`. A change of
// either restarts the server.

import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import * as vscode from "vscode";
import {
  ExecuteCommandRequest,
  LanguageClient,
  LanguageClientOptions,
  RevealOutputChannelOn,
  ServerOptions,
  State,
  TransportKind,
} from "vscode-languageclient/node";

const CLIENT_ID = "olive-ls";
const CLIENT_NAME = "Olive";
const SECTION = "olive";

// Server-side commands (workspace/executeCommand). The VS Code commands contributed in package.json are
// named olive-ls.* on purpose: vscode-languageclient registers a VS Code command for every command the
// server advertises in executeCommandProvider, and registering a second one with the same id would fail.
const SERVER_RUN_WORKFLOW = "olive.runWorkflow";
const SERVER_CANCEL_RUN = "olive.cancelRun";
const SERVER_SMOKE_TEST = "olive.smokeTest";
const SERVER_NEW_WORKFLOW = "olive.newWorkflow";
const SERVER_CHECK_ENVIRONMENT = "olive.checkEnvironment";

let client: LanguageClient | undefined;
let outputChannel: vscode.OutputChannel;
let starting: Promise<void> | undefined;

// ------------------------------------------------------------------------------------------------ Python

// The part of the Python extension's API used here (ms-python.python, `environments` API, and the older
// `settings.getExecutionDetails`). Typed locally so that the extension is optional and not a dependency.
interface PythonExtensionApi {
  environments?: {
    getActiveEnvironmentPath(resource?: vscode.Uri): { id: string; path: string };
    resolveEnvironment(env: { id: string; path: string } | string): Promise<{ executable: { uri?: vscode.Uri } } | undefined>;
    onDidChangeActiveEnvironmentPath: vscode.Event<unknown>;
  };
  settings?: {
    getExecutionDetails(resource?: vscode.Uri): { execCommand: string[] | undefined };
  };
}

async function pythonExtensionApi(): Promise<PythonExtensionApi | undefined> {
  const ext = vscode.extensions.getExtension<PythonExtensionApi>("ms-python.python");
  if (!ext) {
    return undefined;
  }
  try {
    return ext.isActive ? ext.exports : await ext.activate();
  } catch (err) {
    outputChannel.appendLine(`Python extension could not be activated: ${err}`);
    return undefined;
  }
}

interface Interpreter {
  command: string;
  args: string[];
  source: string;
}

async function resolveInterpreter(): Promise<Interpreter> {
  const resource = vscode.workspace.workspaceFolders?.[0]?.uri;
  const configured = vscode.workspace.getConfiguration(SECTION, resource).get<string>("python", "").trim();
  if (configured) {
    return { command: expandPath(configured, resource), args: [], source: "the olive.python setting" };
  }
  const api = await pythonExtensionApi();
  if (api?.environments) {
    try {
      const env = await api.environments.resolveEnvironment(api.environments.getActiveEnvironmentPath(resource));
      const exe = env?.executable.uri?.fsPath;
      if (exe) {
        return { command: exe, args: [], source: "the Python extension's active interpreter" };
      }
    } catch (err) {
      outputChannel.appendLine(`Python extension: no active interpreter (${err})`);
    }
  }
  const exec = api?.settings?.getExecutionDetails(resource).execCommand;
  if (exec && exec.length > 0) {
    return { command: exec[0], args: exec.slice(1), source: "the Python extension's active interpreter" };
  }
  return { command: "python3", args: [], source: "the default (python3 on PATH)" };
}

function expandPath(value: string, folder: vscode.Uri | undefined): string {
  let result = value.replace(/\$\{workspaceFolder\}/g, folder?.fsPath ?? "");
  if (result.startsWith("~/")) {
    result = path.join(process.env.HOME ?? "", result.slice(2));
  }
  if (folder && !path.isAbsolute(result) && result.includes(path.sep)) {
    result = path.join(folder.fsPath, result);
  }
  return result;
}

// Runs `python -c "import olive_ls"` first so that a missing package or a wrong path gives one clear
// message instead of the client's "server crashed 5 times" loop.
function checkInterpreter(interp: Interpreter): Promise<string | undefined> {
  return new Promise((resolve) => {
    execFile(
      interp.command,
      [...interp.args, "-c", "import olive_ls, sys; print(sys.version.split()[0])"],
      { timeout: 30000 },
      (err, _stdout, stderr) => {
        if (!err) {
          resolve(undefined);
        } else if ((err as NodeJS.ErrnoException).code === "ENOENT") {
          resolve(`Python interpreter '${interp.command}' (from ${interp.source}) was not found.`);
        } else if (/No module named .?olive_ls/.test(stderr)) {
          resolve(
            `olive-ls is not installed in '${interp.command}' (from ${interp.source}): run \`${interp.command} -m pip install olive-ls\` or set olive.python.`
          );
        } else {
          resolve(`'${interp.command} -c "import olive_ls"' failed: ${stderr.trim() || err.message}`);
        }
      }
    );
  });
}

// ------------------------------------------------------------------------------------------------ client

async function startClient(): Promise<void> {
  const interp = await resolveInterpreter();
  const commandLine = [interp.command, ...interp.args, "-m", "olive_ls", "serve"].join(" ");
  outputChannel.appendLine(`Starting olive-ls: ${commandLine} (Python from ${interp.source})`);
  const problem = await checkInterpreter(interp);
  if (problem) {
    outputChannel.appendLine(problem);
    const choice = await vscode.window.showErrorMessage(`Olive: ${problem}`, "Open Settings", "Show Output");
    if (choice === "Open Settings") {
      void vscode.commands.executeCommand("workbench.action.openSettings", "olive.python");
    } else if (choice === "Show Output") {
      outputChannel.show();
    }
    return;
  }

  const run = { command: interp.command, args: [...interp.args, "-m", "olive_ls", "serve"], transport: TransportKind.stdio };
  const serverOptions: ServerOptions = { run, debug: run };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { scheme: "file", language: "json" },
      { scheme: "untitled", language: "json" },
      { scheme: "file", language: "yaml" },
      { scheme: "untitled", language: "yaml" },
    ],
    synchronize: { configurationSection: SECTION },
    initializationOptions: { [SECTION]: plainSettings() },
    outputChannel,
    revealOutputChannelOn: RevealOutputChannelOn.Never,
    middleware: {
      // The "Run workflow" code lens calls olive.runWorkflow directly: save the config first, as the
      // palette command does (the server refuses to run a config with unsaved changes).
      executeCommand: async (command, args, next) => {
        if (command === SERVER_RUN_WORKFLOW && typeof args[0] === "string") {
          const document = vscode.workspace.textDocuments.find((d) => d.uri.toString() === args[0]);
          if (document && !(await saveForRun(document))) {
            return undefined;
          }
        }
        return next(command, args);
      },
    },
  };
  const next = new LanguageClient(CLIENT_ID, CLIENT_NAME, serverOptions, clientOptions);
  client = next;
  try {
    await next.start();
    const info = next.initializeResult?.serverInfo;
    outputChannel.appendLine(`${info?.name ?? "olive-ls"} ${info?.version ?? ""} is running`.replace("  ", " "));
  } catch (err) {
    outputChannel.appendLine(`olive-ls failed to start: ${err}`);
    void vscode.window.showErrorMessage(`Olive: the language server failed to start (see the Olive output): ${err}`);
  }
}

function plainSettings(): Record<string, unknown> {
  const config = vscode.workspace.getConfiguration(SECTION, vscode.workspace.workspaceFolders?.[0]?.uri);
  return {
    configFiles: config.get("configFiles", []),
    diagnostics: { severity: config.get("diagnostics.severity", {}) },
    environmentChecks: config.get("environmentChecks", true),
    python: config.get("python", ""),
    oliveVersion: config.get("oliveVersion", ""),
  };
}

async function stopClient(): Promise<void> {
  const old = client;
  client = undefined;
  if (old) {
    try {
      await old.stop();
    } catch (err) {
      outputChannel.appendLine(`olive-ls did not stop cleanly: ${err}`);
    }
  }
}

// Serialised: a restart while one is under way waits for it instead of starting two servers.
function restart(): Promise<void> {
  const previous = starting ?? Promise.resolve();
  starting = previous
    .then(stopClient)
    .then(startClient)
    .finally(() => {
      starting = undefined;
    });
  return starting;
}

async function runningClient(): Promise<LanguageClient | undefined> {
  if (starting) {
    await starting;
  }
  if (!client || client.state !== State.Running) {
    const choice = await vscode.window.showErrorMessage("Olive: the language server is not running.", "Restart Server", "Show Output");
    if (choice === "Restart Server") {
      void vscode.commands.executeCommand("olive-ls.restartServer");
    } else if (choice === "Show Output") {
      outputChannel.show();
    }
    return undefined;
  }
  return client;
}

// The message of a command error, without pygls' "module.Class: " prefix. `shown` is true for the
// server's CommandError: the server has already shown it (window/showMessage) before refusing.
function commandError(err: unknown): { message: string; shown: boolean } {
  const raw = err instanceof Error ? err.message : String(err);
  const refused = /^[\w.]*CommandError: /.exec(raw);
  return refused ? { message: raw.slice(refused[0].length), shown: true } : { message: raw, shown: false };
}

async function executeServerCommand(command: string, args: unknown[], title?: string): Promise<unknown> {
  const lc = await runningClient();
  if (!lc) {
    return undefined;
  }
  const advertised = lc.initializeResult?.capabilities.executeCommandProvider?.commands ?? [];
  if (!advertised.includes(command)) {
    void vscode.window.showErrorMessage(`Olive: this olive-ls server does not implement ${command}; update olive-ls.`);
    return undefined;
  }
  outputChannel.appendLine(`${command} ${JSON.stringify(args)}`);
  const send = () => lc.sendRequest(ExecuteCommandRequest.type, { command, arguments: args });
  try {
    // Long commands (run, smoke test) report their own cancellable progress (window/workDoneProgress);
    // the status-bar item here only says that the request is still open.
    return await (title ? vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title }, send) : send());
  } catch (err) {
    const { message, shown } = commandError(err);
    outputChannel.appendLine(`${command} failed: ${message}`);
    if (!shown) {
      void vscode.window.showErrorMessage(`Olive: ${command} failed: ${message}`, "Show Output").then((choice) => {
        if (choice) {
          outputChannel.show();
        }
      });
    }
    return undefined;
  }
}

// The server tells the user how a command went (window/showMessage); the full result goes to the output.
function logResult(command: string, result: unknown): void {
  if (result !== undefined && result !== null) {
    outputChannel.appendLine(`${command} result: ${JSON.stringify(result, null, 2)}`);
  }
}

// ------------------------------------------------------------------------------------------------ commands

async function configDocument(uri: vscode.Uri | undefined, verb: string): Promise<vscode.TextDocument | undefined> {
  const document = uri
    ? vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString()) ?? (await vscode.workspace.openTextDocument(uri))
    : vscode.window.activeTextEditor?.document;
  if (!document || !["json", "jsonc", "yaml"].includes(document.languageId)) {
    void vscode.window.showErrorMessage(`Olive: open a workflow config (.json or .yaml) to ${verb} it.`);
    return undefined;
  }
  return document;
}

// Olive reads the file on disk, and the server refuses to run a config whose editor text differs from it.
async function saveForRun(document: vscode.TextDocument): Promise<boolean> {
  if (document.isUntitled) {
    void vscode.window.showErrorMessage("Olive: save the config to a file first; Olive runs it from its folder.");
    return false;
  }
  if (document.isDirty && !(await document.save())) {
    void vscode.window.showErrorMessage(`Olive: could not save ${path.basename(document.uri.fsPath)}; not running it.`);
    return false;
  }
  return true;
}

async function runWorkflow(uri?: vscode.Uri | string): Promise<void> {
  const document = await configDocument(typeof uri === "string" ? vscode.Uri.parse(uri) : uri, "run");
  if (!document || !(await saveForRun(document))) {
    return;
  }
  const name = path.basename(document.uri.fsPath);
  logResult(SERVER_RUN_WORKFLOW, await executeServerCommand(SERVER_RUN_WORKFLOW, [document.uri.toString()], `Olive: running ${name}`));
}

async function cancelRun(uri?: vscode.Uri): Promise<void> {
  const document = await configDocument(uri, "cancel the run of");
  if (!document) {
    return;
  }
  const cancelled = await executeServerCommand(SERVER_CANCEL_RUN, [document.uri.toString()]);
  if (cancelled === false) {
    void vscode.window.showInformationMessage(`Olive: no run of ${path.basename(document.uri.fsPath)} is in progress.`);
  }
}

async function smokeTest(folder?: vscode.Uri | string): Promise<void> {
  if (typeof folder === "string") {
    folder = /^[a-z][\w+.-]*:/i.test(folder) && !/^[a-z]:[\\/]/i.test(folder) ? vscode.Uri.parse(folder) : vscode.Uri.file(folder);
  }
  if (!folder) {
    const picked = await vscode.window.showOpenDialog({
      canSelectFiles: false,
      canSelectFolders: true,
      canSelectMany: false,
      defaultUri: vscode.workspace.workspaceFolders?.[0]?.uri,
      openLabel: "Smoke-Test Model",
      title: "Olive: pick a model folder (with genai_config.json)",
    });
    folder = picked?.[0];
  }
  if (!folder) {
    return;
  }
  const name = path.basename(folder.fsPath);
  logResult(SERVER_SMOKE_TEST, await executeServerCommand(SERVER_SMOKE_TEST, [folder.toString()], `Olive: smoke-testing ${name}`));
}

// What `olive-ls new` offers: ModelBuilder targets by device (server/olive_ls/execution/new_config.py).
const DEVICE_PROVIDERS: Record<string, string[]> = {
  cpu: ["CPUExecutionProvider"],
  gpu: ["CUDAExecutionProvider", "DmlExecutionProvider", "NvTensorRTRTXExecutionProvider", "WebGpuExecutionProvider", "JsExecutionProvider"],
  npu: ["DmlExecutionProvider"],
};

function mtime(file: string): number | undefined {
  try {
    return fs.statSync(file).mtimeMs;
  } catch {
    return undefined;
  }
}

// Asks what `olive-ls new` needs and sends it as one object:
// olive.newWorkflow({model, path, device, provider, precision, overwrite}); the server writes the file.
async function newWorkflow(): Promise<void> {
  const model = await vscode.window.showInputBox({
    title: "Olive: New Workflow (1/5)",
    prompt: "Hugging Face hub id (org/name) or local model folder",
    placeHolder: "microsoft/Phi-3.5-mini-instruct",
    ignoreFocusOut: true,
    validateInput: (v) => (v.trim() ? undefined : "a model is required"),
  });
  if (!model) {
    return;
  }
  const device = await vscode.window.showQuickPick(Object.keys(DEVICE_PROVIDERS), {
    title: "Olive: New Workflow (2/5): target device",
    ignoreFocusOut: true,
  });
  if (!device) {
    return;
  }
  const provider = await vscode.window.showQuickPick(DEVICE_PROVIDERS[device], {
    title: "Olive: New Workflow (3/5): execution provider",
    ignoreFocusOut: true,
  });
  if (!provider) {
    return;
  }
  const precision = await vscode.window.showQuickPick(["int4", "int8", "fp32", "fp16", "bf16"], {
    title: "Olive: New Workflow (4/5): precision",
    ignoreFocusOut: true,
  });
  if (!precision) {
    return;
  }
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
  const output = await vscode.window.showSaveDialog({
    title: "Olive: New Workflow (5/5): config file",
    defaultUri: folder ? vscode.Uri.joinPath(folder, "olive-config.json") : undefined,
    filters: { "Olive config": ["json", "yaml", "yml"] },
    saveLabel: "Create",
  });
  if (!output) {
    return;
  }
  // The save dialog has already asked whether to replace an existing file.
  const before = output.scheme === "file" ? mtime(output.fsPath) : undefined;
  const args = [{ model: model.trim(), device, provider, precision, path: output.toString(), overwrite: before !== undefined }];
  const result = await executeServerCommand(SERVER_NEW_WORKFLOW, args, "Olive: writing a new workflow");
  logResult(SERVER_NEW_WORKFLOW, result);
  // The server opens the file (window/showDocument); open it here too in case it could not, including when
  // the command failed after writing the file.
  const written = resultLocation(result) ?? (output.scheme === "file" && mtime(output.fsPath) !== before ? output : undefined);
  if (written) {
    await vscode.window.showTextDocument(written);
  }
}

function resultLocation(result: unknown): vscode.Uri | undefined {
  const candidates: unknown[] = [result];
  if (result && typeof result === "object") {
    const r = result as Record<string, unknown>;
    candidates.push(r.uri, r.path);
  }
  for (const c of candidates) {
    if (typeof c !== "string" || !c) {
      continue;
    }
    const uri = /^[a-z][\w+.-]*:\/\//i.test(c) ? vscode.Uri.parse(c) : vscode.Uri.file(c);
    if (uri.scheme !== "file" || fs.existsSync(uri.fsPath)) {
      return uri;
    }
  }
  return undefined;
}

// `olive-ls doctor` through the server: the configured Python and this machine, plus what the open config
// needs when one is active. The report's text goes to the Olive output; the server shows a one-line summary.
async function checkEnvironment(): Promise<void> {
  const document = vscode.window.activeTextEditor?.document;
  const config =
    document && ["json", "jsonc", "yaml"].includes(document.languageId) && !document.isUntitled ? document.uri.toString() : undefined;
  const result = await executeServerCommand(SERVER_CHECK_ENVIRONMENT, config ? [config] : [], "Olive: checking the environment");
  if (!result || typeof result !== "object") {
    return;
  }
  const text = (result as Record<string, unknown>).text;
  outputChannel.appendLine(typeof text === "string" ? text : JSON.stringify(result, null, 2));
  outputChannel.show(true);
}

// ------------------------------------------------------------------------------------------------ Olive version

// The server's `olive/version` request: which Olive the active config is checked as, and why.
const VERSION_REQUEST = "olive/version";

interface OliveVersionInfo {
  version?: string;
  reason?: string;
  label?: string;
  setting?: string;
  available?: string[];
  error?: string;
}

let versionItem: vscode.StatusBarItem | undefined;

function isConfigCandidate(document: vscode.TextDocument | undefined): document is vscode.TextDocument {
  return !!document && ["json", "jsonc", "yaml"].includes(document.languageId);
}

async function askVersion(document: vscode.TextDocument | undefined): Promise<OliveVersionInfo | undefined> {
  const lc = client;
  if (!lc || lc.state !== State.Running) {
    return undefined;
  }
  try {
    const uri = document && !document.isUntitled ? document.uri.toString() : null;
    return await lc.sendRequest<OliveVersionInfo>(VERSION_REQUEST, { uri });
  } catch (err) {
    outputChannel.appendLine(`${VERSION_REQUEST} failed: ${err}`);
    return undefined;
  }
}

// "Olive 0.12.1 (installed)" in the status bar while a JSON/YAML file is active; a click switches it.
async function updateVersionItem(): Promise<void> {
  const item = versionItem;
  if (!item) {
    return;
  }
  const document = vscode.window.activeTextEditor?.document;
  if (!isConfigCandidate(document)) {
    item.hide();
    return;
  }
  const info = await askVersion(document);
  if (!info || (!info.version && !info.error)) {
    item.hide();
    return;
  }
  if (info.error) {
    item.text = "$(warning) Olive: no catalog";
    item.tooltip = info.error;
  } else {
    item.text = info.label ?? `Olive ${info.version}`;
    item.tooltip = `This config is checked as Olive ${info.version} (${info.reason}). Click to choose another version.`;
  }
  item.show();
}

async function selectOliveVersion(): Promise<void> {
  const info = await askVersion(vscode.window.activeTextEditor?.document);
  const available = info?.available ?? [];
  if (available.length === 0) {
    void vscode.window.showErrorMessage("Olive: the language server is not running, or has no Olive catalogs.");
    return;
  }
  const automatic = "Automatic";
  const items: vscode.QuickPickItem[] = [
    {
      label: automatic,
      description: info?.setting ? "" : "current",
      detail: "Per config: the olive-ai installed in olive.python, a pin in requirements.txt or the AI Toolkit runtime file, else the newest release",
    },
    ...[...available].reverse().map((version) => ({
      label: version,
      description: info?.setting === version ? "current" : version === "main" ? "Olive's main branch" : "",
    })),
  ];
  const picked = await vscode.window.showQuickPick(items, { placeHolder: `Check Olive configs as (now: ${info?.label ?? "unknown"})` });
  if (!picked) {
    return;
  }
  const value = picked.label === automatic ? "" : picked.label;
  const target = vscode.workspace.workspaceFolders?.length ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global;
  // The server hears of it through workspace/didChangeConfiguration and re-checks the open configs.
  await vscode.workspace.getConfiguration(SECTION).update("oliveVersion", value, target);
}

// ------------------------------------------------------------------------------------------------ lifecycle

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  outputChannel = vscode.window.createOutputChannel(CLIENT_NAME);
  context.subscriptions.push(
    outputChannel,
    vscode.commands.registerCommand("olive-ls.runWorkflow", runWorkflow),
    vscode.commands.registerCommand("olive-ls.cancelRun", cancelRun),
    vscode.commands.registerCommand("olive-ls.smokeTest", smokeTest),
    vscode.commands.registerCommand("olive-ls.showOutput", () => outputChannel.show()),
    vscode.commands.registerCommand("olive-ls.newWorkflow", newWorkflow),
    vscode.commands.registerCommand("olive-ls.restartServer", () => restart()),
    vscode.commands.registerCommand("olive-ls.checkEnvironment", checkEnvironment),
    vscode.commands.registerCommand("olive-ls.selectOliveVersion", selectOliveVersion),
    vscode.workspace.onDidChangeConfiguration((e) => {
      // The other olive.* settings reach the running server through workspace/didChangeConfiguration.
      if (e.affectsConfiguration("olive.python")) {
        outputChannel.appendLine("olive.python changed: restarting the server");
        void restart().then(updateVersionItem);
      } else if (e.affectsConfiguration("olive.oliveVersion")) {
        // Give the server a moment to take the new settings before asking it again.
        setTimeout(() => void updateVersionItem(), 300);
      }
    }),
    vscode.window.onDidChangeActiveTextEditor(() => void updateVersionItem())
  );
  versionItem = vscode.window.createStatusBarItem("olive-ls.version", vscode.StatusBarAlignment.Right, 100);
  versionItem.name = "Olive Version";
  versionItem.command = "olive-ls.selectOliveVersion";
  context.subscriptions.push(versionItem);
  const api = await pythonExtensionApi();
  if (api?.environments?.onDidChangeActiveEnvironmentPath) {
    context.subscriptions.push(
      api.environments.onDidChangeActiveEnvironmentPath(() => {
        if (!vscode.workspace.getConfiguration(SECTION).get<string>("python", "").trim()) {
          outputChannel.appendLine("Python interpreter changed: restarting the server");
          void restart();
        }
      })
    );
  }
  await restart();
  await updateVersionItem();
}

export async function deactivate(): Promise<void> {
  await stopClient();
}
