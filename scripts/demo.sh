#!/usr/bin/env bash
# Provenance Lens demo in a real VS Code (code-server), reachable from a browser.
#
#   bash scripts/demo.sh [WORKSPACE_DIR]        # default: demo/workspace
#   bash scripts/demo.sh --screenshot out.png   # non-interactive check: screenshot, then stop
#
# 1. installs the tools if needed (scripts/e2e/setup.sh: Chromium, Node 24, code-server),
# 2. builds and packages the extension (npm run package) unless PROVENANCE_LENS_VSIX is set,
# 3. starts the fixture registry (test/fixture-registry/main.ts) and code-server with the VSIX,
#    the user setting provenanceLens.registry pointing at the registry,
# 4. prints the URL and stays up until Ctrl-C, then stops everything.
#
# Environment: DEMO_WORKSPACE (folder), DEMO_PORT (code-server port, default 8080; a free one
# if busy), DEMO_REGISTRY_PORT (default: any free port), DEMO_SETTINGS (JSON merged into the
# user settings), PROVENANCE_LENS_VSIX (skip packaging), PROVENANCE_LENS_TOOLS (tools folder).
# Other options: --registry URL (use a running registry), --port N, --registry-port N.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD"

bash "$ROOT/scripts/e2e/setup.sh"
# shellcheck disable=SC1091
source "${PROVENANCE_LENS_TOOLS:-$HOME/.cache/provenance-lens/tools}/env.sh"

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
