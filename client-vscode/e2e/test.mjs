// Drives code-server in Debian's Chromium like a person would; started by e2e/run.sh (which sets the E2E_* variables
// and writes the workspace's olive-config.json: a ModelBuilder pass with the typo "int4_blok_size" (OLV302) and
// CUDAExecutionProvider on device "cpu" (OLV401), and tiny-run.json: samples/tiny-llama/config.json on a tiny
// random-weight Llama that run.sh builds offline).
// Checks, with the olive-ls extension installed from its .vsix:
//   1. the Problems panel shows the server's OLV302 (int4_blok_size) and OLV401 (CUDAExecutionProvider) with their codes;
//   2. the "Run workflow" code lens is shown above the config (on open: a warning only, see below; after step 6: required);
//   3. hover over the pass type "ModelBuilder" shows the pass's documentation;
//   4. completion on a new line inside the pass object offers ModelBuilder's parameters (int4_block_size, ...);
//   5. the command palette lists Olive: Run Workflow / Cancel Run / Smoke-Test Model / New Workflow / Restart Server;
//   6. Olive: Restart Server, then fixing the typo clears OLV302 while OLV401 stays (the new server answers), and the
//      code lens is there;
//   7. tiny-run.json, run from its "Run workflow" lens (else the palette): while it runs, the status bar shows the
//      server's work-done progress "Olive: tiny-run.json: Running pass builder ..." and the lens turns into "Olive
//      is running this config"; then the "Olive produced <WS>/out/int4 (...)" notification, and the Olive output
//      channel has Olive's "Running pass builder:modelbuilder" and "Saved output model to .../out/int4";
//   8. that folder is on disk with genai_config.json (a llama model) and a .onnx file;
//   9. the "Smoke-test output: int4" lens appears; clicking it shows "int4: N tokens, X tokens/s" with N, X > 0;
//  10. olive.python pointing at a Python without olive_ls gives a clear error notification, not a crash.
// Screenshots: E2E_OUT/*.png. Exit status 1 when any check fails.
import { createRequire } from "node:module";
import * as fs from "node:fs";
import * as path from "node:path";

const { E2E_URL, E2E_OUT, E2E_CHROMIUM, E2E_PLAYWRIGHT, E2E_SETTINGS, E2E_BAD_PYTHON, E2E_WORKSPACE, E2E_LOGS } = process.env;
const { chromium } = createRequire(import.meta.url)(E2E_PLAYWRIGHT);

// 1-based positions in the workspace's olive-config.json (see run.sh).
const TYPE_POS = "21:18"; // inside "ModelBuilder"
const TYPO_POS = "23:14"; // inside "int4_blok_size"
const LAST_PARAM_LINE = 24; // `      "int4_accuracy_level": 4` (last key of the pass)
const TIMEOUT = 120_000;

const shot = (page, name) => page.screenshot({ path: path.join(E2E_OUT, `${name}.png`) });
const log = (msg) => console.error(`[e2e] ${msg}`);
const failures = [];

async function step(page, name, fn) {
  const t0 = Date.now();
  try {
    await fn();
    log(`ok   ${name} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
  } catch (err) {
    failures.push(name);
    log(`FAIL ${name}: ${err.message.split("\n")[0]}`);
    await shot(page, `fail-${name.replace(/\W+/g, "-")}`).catch(() => {});
    await page.keyboard.press("Escape").catch(() => {});
  }
}

const browser = await chromium.launch({
  executablePath: E2E_CHROMIUM,
  args: [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
  ],
});
const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
page.setDefaultTimeout(30_000);

const editorLines = () => page.locator(".monaco-editor .view-lines").first();
const problems = page.locator(".markers-panel");
const problemRow = (text) => page.locator(".markers-panel .monaco-list-row", { hasText: text }).first();

// Runs a command from the palette (F1) by its title.
async function palette(title) {
  await page.keyboard.press("F1");
  const input = page.locator(".quick-input-widget:visible input");
  await input.waitFor();
  await input.fill(`>${title}`);
  await page.locator(".quick-input-list .monaco-list-row", { hasText: title }).first().waitFor();
  await page.keyboard.press("Enter");
  await page.waitForTimeout(300);
}

// Puts the cursor at "line:column" (1-based) in the active editor (quick input ":line:column").
async function goTo(position) {
  await page.keyboard.press("F1");
  const input = page.locator(".quick-input-widget:visible input");
  await input.waitFor();
  await input.fill(`:${position}`);
  await page.locator(".quick-input-widget:visible", { hasText: "Go to line" }).first().waitFor().catch(() => {});
  await page.waitForTimeout(200);
  await page.keyboard.press("Enter");
  await page.waitForTimeout(300);
}

// The Olive output channel as the extension host wrote it (UD/logs/<session>/.../N-Olive.log; the newest one).
function oliveOutputLog() {
  const found = [];
  const walk = (dir) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        walk(full);
      } else if (/-Olive\.log$/.test(entry.name)) {
        found.push(full);
      }
    }
  };
  walk(E2E_LOGS);
  if (!found.length) {
    throw new Error(`no *-Olive.log under ${E2E_LOGS}`);
  }
  found.sort((a, b) => fs.statSync(b).mtimeMs - fs.statSync(a).mtimeMs);
  return fs.readFileSync(found[0], "utf8");
}

async function problemsText() {
  return (await problems.innerText()).replace(/\s+/g, " ");
}

try {
  await page.goto(E2E_URL);
  await page.waitForSelector(".monaco-workbench", { timeout: TIMEOUT });
  await page.waitForSelector(".part.statusbar", { timeout: TIMEOUT });
  await page.waitForTimeout(3000); // extension host, welcome views
  await shot(page, "01-workbench");

  await step(page, "open the config", async () => {
    await page.keyboard.press("Control+P");
    const input = page.locator(".quick-input-widget:visible input");
    await input.waitFor();
    await input.fill("olive-config.json");
    await page.locator(".quick-input-list .monaco-list-row", { hasText: "olive-config.json" }).first().waitFor();
    await page.keyboard.press("Enter");
    await page.locator(".monaco-editor .view-lines", { hasText: "int4_blok_size" }).first().waitFor();
    await shot(page, "02-editor");
  });

  await step(page, "Problems panel shows OLV302 (pass parameter typo) and OLV401 (EP/device) with their codes", async () => {
    await palette("View: Focus Problems");
    await problemRow("int4_blok_size").waitFor({ timeout: TIMEOUT });
    await problemRow("CUDAExecutionProvider").waitFor({ timeout: TIMEOUT });
    const text = await problemsText();
    log(`     problems: ${text.slice(0, 400)}`);
    for (const want of [/int4_blok_size.*?OLV302|OLV302.*?int4_blok_size/, /CUDAExecutionProvider.*?OLV401|OLV401.*?CUDAExecutionProvider/]) {
      if (!want.test(text)) {
        throw new Error(`${want} not in the Problems panel: ${text.slice(0, 400)}`);
      }
    }
    // The editor draws its squiggles a moment after the Problems panel lists the diagnostics: wait for them.
    try {
      await page.locator(".monaco-editor .squiggly-error").first().waitFor({ timeout: 15_000 });
    } catch {
      throw new Error("no error squiggle in the editor");
    }
    await shot(page, "03-problems");
  });

  // Soft check (a warning, not a failure): in code-server 4.139 the lens of a config opened while the server
  // starts sometimes appears only after the first edit, because VS Code does not ask for code lenses
  // (no textDocument/codeLens in the trace) - in about 1 run of 3 here. The hard check comes after the edit below.
  const lens = page.locator(".monaco-editor .codelens-decoration", { hasText: "Run workflow" }).first();
  await step(page, "the Run workflow code lens is shown on open (soft)", async () => {
    try {
      await lens.waitFor({ timeout: 20_000 });
      await shot(page, "04-codelens");
    } catch {
      log("WARN the Run workflow code lens did not appear on open (known code-server flake; checked again after an edit)");
    }
  });

  await step(page, "hover over the pass type shows the ModelBuilder docs", async () => {
    await editorLines().click();
    await goTo(TYPE_POS);
    await palette("Show or Focus Hover");
    const hover = page.locator(".monaco-hover:visible", { hasText: "ModelBuilder" }).first();
    await hover.waitFor({ timeout: 30_000 });
    const text = await hover.innerText();
    log(`     hover: ${text.replace(/\s+/g, " ").slice(0, 160)}`);
    if (!/Converts a Huggingface generative/i.test(text) || !/Precisions/.test(text)) {
      throw new Error(`hover has no pass documentation: ${text.slice(0, 300)}`);
    }
    await shot(page, "05-hover");
    await page.keyboard.press("Escape");
  });

  await step(page, "completion inside the pass object offers ModelBuilder's parameters", async () => {
    await editorLines().click();
    await goTo(`${LAST_PARAM_LINE}:1`);
    await page.keyboard.press("End");
    await page.keyboard.type(",");
    await page.keyboard.press("Enter");
    await page.waitForTimeout(500);
    await page.keyboard.press("Control+Space");
    const widget = page.locator(".suggest-widget.visible");
    await widget.waitFor({ timeout: 30_000 });
    await widget.locator(".monaco-list-row", { hasText: "int4_block_size" }).first().waitFor({ timeout: 30_000 });
    const labels = await widget.locator(".monaco-list-row .label-name").allInnerTexts();
    log(`     suggestions: ${labels.slice(0, 15).join(", ")}`);
    for (const want of ["int4_block_size", "int4_is_symmetric"]) {
      if (!labels.some((l) => l.includes(want))) {
        throw new Error(`"${want}" is not offered: ${labels.join(", ")}`);
      }
    }
    await shot(page, "06-completion");
    await page.keyboard.press("Escape");
    await palette("File: Revert File"); // back to the text on disk
    await page.waitForFunction(
      // Monaco renders spaces as U+00A0
      () => !document.querySelector(".monaco-editor .view-lines")?.textContent?.replace(/\u00a0/g, " ").includes('"int4_accuracy_level": 4,'),
      undefined,
      { timeout: 10_000 }
    );
  });

  await step(page, "Olive commands are in the command palette", async () => {
    await editorLines().click();
    await page.keyboard.press("F1");
    const input = page.locator(".quick-input-widget:visible input");
    await input.waitFor();
    await input.fill(">Olive:");
    const rows = page.locator(".quick-input-list .monaco-list-row", { hasText: "Olive:" });
    await rows.first().waitFor();
    const titles = (await rows.allInnerTexts()).map((t) => t.split("\n")[0]);
    log(`     commands: ${titles.join(" | ")}`);
    for (const want of ["Olive: Run Workflow", "Olive: Cancel Run", "Olive: Smoke-Test Model", "Olive: New Workflow", "Olive: Restart Server"]) {
      if (!titles.some((t) => t.includes(want))) {
        throw new Error(`"${want}" is not in the palette`);
      }
    }
    await shot(page, "07-commands");
    await page.keyboard.press("Escape");
  });

  await step(page, "Olive: Restart Server, then fixing the typo clears OLV302 (OLV401 stays)", async () => {
    await editorLines().click();
    await palette("Olive: Restart Server");
    await page.waitForTimeout(4000); // the new server starts (Python import) and gets the open document again
    await editorLines().click();
    await goTo(TYPO_POS);
    await page.keyboard.press("Control+D"); // select the word int4_blok_size
    await page.keyboard.type("int4_block_size");
    await page.locator(".monaco-editor .view-lines", { hasText: '"int4_block_size": 32' }).first().waitFor();
    // Typing goes through intermediate texts ("int4_b", ...) with their own OLV302: wait for the final state.
    await page
      .waitForFunction(
        () => {
          const text = document.querySelector(".markers-panel")?.textContent ?? "";
          return text.includes("OLV401") && !text.includes("OLV302");
        },
        undefined,
        { timeout: 30_000 }
      )
      .catch(async () => {
        throw new Error(`expected OLV401 and no OLV302 after the fix: ${(await problemsText()).slice(0, 400)}`);
      });
    await page.keyboard.press("Escape");
    await page.keyboard.press("Control+Home"); // the lens sits above line 2, rendered only when that is in view
    await lens.waitFor({ timeout: 20_000 }).catch(() => {
      throw new Error("no Run workflow code lens after the edit");
    });
    await shot(page, "08-fixed-after-restart");
  });

  // --- the main loop: run tiny-run.json (the tiny local Llama, see run.sh), then smoke-test what it produced ---
  const tinyEditor = page.locator(".part.editor .monaco-editor", { hasText: "tiny-llama" }).first();
  const tinyLens = (title) => tinyEditor.locator(".codelens-decoration a", { hasText: title }).first();
  const toast = (text) => page.locator(".notifications-toasts .notification-toast", { hasText: text }).first();
  let runToastText = "";
  let outputDir = "";

  await step(page, "open tiny-run.json", async () => {
    await editorLines().click();
    await page.keyboard.press("Control+P");
    const input = page.locator(".quick-input-widget:visible input");
    await input.waitFor();
    await input.fill("tiny-run.json");
    await page.locator(".quick-input-list .monaco-list-row", { hasText: "tiny-run.json" }).first().waitFor();
    await page.keyboard.press("Enter");
    await tinyEditor.locator(".view-lines", { hasText: "CPUExecutionProvider" }).waitFor();
    await shot(page, "10-tiny-run");
  });

  await step(page, "run tiny-run.json: progress while the pass runs, then 'Olive produced' the model", async () => {
    // Record, from before the run starts, every status bar text that mentions the config (the server's
    // work-done progress shows there) and whether the "Olive is running this config" lens was ever shown:
    // both change within seconds, so polling from here could miss them.
    await page.evaluate(() => {
      const seen = (window.__oliveSeen = { status: [], runningLens: false });
      const record = () => {
        for (const item of document.querySelectorAll(".part.statusbar .statusbar-item")) {
          const text = item.textContent.replace(/\s+/g, " ").trim();
          if (text.includes("tiny-run.json") && !seen.status.includes(text)) {
            seen.status.push(text);
          }
        }
        for (const lens of document.querySelectorAll(".part.editor .codelens-decoration")) {
          if (lens.textContent.includes("Olive is running this config")) {
            seen.runningLens = true;
          }
        }
      };
      window.__oliveObserver = new MutationObserver(record);
      window.__oliveObserver.observe(document.body, { subtree: true, childList: true, characterData: true });
    });
    // The lens on open has the same code-server flake as above: click it when it is there, else the palette.
    let via = "the Run workflow code lens";
    try {
      await tinyLens("Run workflow").waitFor({ timeout: 20_000 });
      await tinyLens("Run workflow").click();
    } catch {
      via = "the palette (no Run workflow code lens on open)";
      await tinyEditor.locator(".view-lines").click();
      await palette("Olive: Run Workflow");
    }
    log(`     started via ${via}`);
    await page
      .waitForFunction(() => window.__oliveSeen.status.some((t) => t.includes("Running pass")), undefined, { timeout: 60_000 })
      .then(() => shot(page, "11-running"))
      .catch(() => {}); // only the screenshot; the assertions on what was seen follow the run
    const done = toast("Olive produced");
    const failed = toast("produced no model");
    await done.or(failed).first().waitFor({ timeout: 240_000 }).catch(() => {
      throw new Error("neither 'Olive produced' nor 'produced no model' within 240 s");
    });
    if (await failed.count()) {
      throw new Error(`the run failed: ${(await failed.innerText()).replace(/\s+/g, " ")}`);
    }
    runToastText = (await done.innerText()).replace(/\s+/g, " ");
    log(`     notification: ${runToastText.slice(0, 300)}`);
    await shot(page, "12-run-done");
    const m = /Olive produced (\S+) \(/.exec(runToastText);
    if (!m) {
      throw new Error(`the notification does not name the output folder: ${runToastText}`);
    }
    outputDir = m[1];
    // What the page showed while the run went on (recorded by the observer installed before the click).
    const seen = await page.evaluate(() => {
      window.__oliveObserver.disconnect();
      return window.__oliveSeen;
    });
    log(`     status bar while running: ${seen.status.join(" || ").slice(0, 500)}`);
    if (!seen.status.some((t) => /Olive: tiny-run\.json: Running pass builder/.test(t))) {
      throw new Error("the status bar never showed the work-done progress 'Olive: tiny-run.json: Running pass builder ...'");
    }
    if (!seen.runningLens) {
      throw new Error("the code lens never changed to 'Olive is running this config' during the run");
    }
    // The Olive output channel (its log file, written by the extension host) has Olive's own log lines.
    const channel = oliveOutputLog();
    for (const want of [/Running pass builder:modelbuilder/, /Saved output model to .*out[\\/]int4/]) {
      if (!want.test(channel)) {
        throw new Error(`${want} is not in the Olive output channel (${channel.length} chars)`);
      }
    }
  });

  await step(page, "the output folder is on disk with genai_config.json", async () => {
    const expected = path.join(E2E_WORKSPACE, "out", "int4");
    if (outputDir !== expected) {
      throw new Error(`the run reported ${outputDir || "no folder"}, expected ${expected} (the config's output_dir)`);
    }
    const genai = JSON.parse(fs.readFileSync(path.join(outputDir, "genai_config.json"), "utf8"));
    if (!genai.model || genai.model.type !== "llama") {
      throw new Error(`genai_config.json has no llama model: ${JSON.stringify(genai).slice(0, 200)}`);
    }
    const onnx = fs.readdirSync(outputDir).filter((f) => f.endsWith(".onnx"));
    if (!onnx.length) {
      throw new Error(`no .onnx file in ${outputDir}: ${fs.readdirSync(outputDir).join(", ")}`);
    }
    log(`     ${outputDir}: ${fs.readdirSync(outputDir).join(", ")}`);
  });

  await step(page, "the Smoke-test output lens appears; clicking it reports tokens and tokens/s", async () => {
    await tinyEditor.locator(".view-lines").click();
    await page.keyboard.press("Control+Home"); // the lenses sit above line 2
    const smokeLens = tinyLens("Smoke-test output: int4");
    await smokeLens.waitFor({ timeout: 30_000 }).catch(() => {
      throw new Error("no 'Smoke-test output: int4' code lens after the run");
    });
    await shot(page, "13-smoke-lens");
    await smokeLens.click();
    const result = toast(/int4: \d+ tokens, [\d.]+ tokens\/s/);
    const failed = toast("Smoke test of int4 failed");
    await result.or(failed).first().waitFor({ timeout: 120_000 }).catch(() => {
      throw new Error("no smoke-test notification within 120 s");
    });
    if (await failed.count()) {
      throw new Error(`the smoke test failed: ${(await failed.innerText()).replace(/\s+/g, " ")}`);
    }
    await shot(page, "14-smoke-result");
    const text = (await result.innerText()).replace(/\s+/g, " ");
    log(`     notification: ${text.slice(0, 200)}`);
    const [, tokens, rate] = /int4: (\d+) tokens, ([\d.]+) tokens\/s/.exec(text);
    if (!(Number(tokens) > 0 && Number(rate) > 0)) {
      throw new Error(`the smoke test generated nothing: ${text}`);
    }
  });

  await step(page, "olive.python without olive_ls: a clear error message, not a crash", async () => {
    const settings = JSON.parse(fs.readFileSync(E2E_SETTINGS, "utf8"));
    settings["olive.python"] = E2E_BAD_PYTHON;
    fs.writeFileSync(E2E_SETTINGS, JSON.stringify(settings, null, 2));
    const toast = page.locator(".notifications-toasts .notification-toast", { hasText: "olive-ls is not installed" }).first();
    await toast.waitFor({ timeout: 60_000 });
    const text = (await toast.innerText()).replace(/\s+/g, " ");
    log(`     notification: ${text.slice(0, 200)}`);
    if (!text.includes(E2E_BAD_PYTHON) || !/Open Settings/.test(text)) {
      throw new Error(`notification does not name the interpreter or offer the setting: ${text}`);
    }
    await shot(page, "15-no-olive-ls");
  });
} finally {
  await shot(page, "99-final").catch(() => {});
  await browser.close();
}

if (failures.length) {
  log(`${failures.length} check(s) failed: ${failures.join("; ")} (screenshots in ${E2E_OUT})`);
  process.exit(1);
}
log(`all checks passed (screenshots in ${E2E_OUT})`);
