#!/usr/bin/env bash
# End-to-end run: the extension in a real VS Code (code-server) driven by Chromium.
#
#   bash scripts/e2e/run.sh                 # setup if needed, build + package the VSIX, run test/e2e/*.e2e.ts
#   bash scripts/e2e/run.sh --smoke         # only the harness smoke suite (throwaway extension, no packaging)
#   bash scripts/e2e/run.sh test/e2e/x.e2e.ts ...   # just these files
#
# Environment:
#   PROVENANCE_LENS_TOOLS         tools folder (default ~/.cache/provenance-lens/tools)
#   PROVENANCE_LENS_E2E_TIMEOUT   overall budget for the test run, seconds (default 1800)
#   PROVENANCE_LENS_E2E_KEEP=1    keep code-server temp folders;  PROVENANCE_LENS_E2E_HEADED=1  visible browser
#   PROVENANCE_LENS_VSIX          use this VSIX instead of packaging one
#
# Screenshots and logs: test-artifacts/e2e/. Exits non-zero on any failure and
# leaves no process running (every code-server process group the harness
# started is killed, and so is the test runner's own process group).
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT="$PWD"

log() { printf '[e2e] %s\n' "$*"; }

smoke_only=0
files=()
for a in "$@"; do
  case "$a" in
    --smoke) smoke_only=1 ;;
    -h|--help) sed -n '2,16p' "$0"; exit 0 ;;
    *) files+=("$a") ;;
  esac
done

ARTIFACTS="$ROOT/test-artifacts/e2e"
rm -rf "$ARTIFACTS"
mkdir -p "$ARTIFACTS"
export PROVENANCE_LENS_E2E_ARTIFACTS="$ARTIFACTS"
PID_DIR="$(mktemp -d "${TMPDIR:-/tmp}/provenance-lens-e2e-pids.XXXXXX")"
export PROVENANCE_LENS_E2E_PID_DIR="$PID_DIR"
runner_pgid=""

cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  if [ -n "$runner_pgid" ] && kill -0 -- "-$runner_pgid" 2>/dev/null; then
    kill -TERM -- "-$runner_pgid" 2>/dev/null || true
    sleep 2
    kill -KILL -- "-$runner_pgid" 2>/dev/null || true
  fi
  for f in "$PID_DIR"/*.pgid; do
    [ -e "$f" ] || continue
    pg="$(cat "$f")"
    if kill -0 -- "-$pg" 2>/dev/null; then
      log "killing leftover code-server process group $pg"
      kill -KILL -- "-$pg" 2>/dev/null || true
    fi
  done
  rm -rf "$PID_DIR"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

t_all=$SECONDS

# 1. tools (idempotent; fast when already installed)
t=$SECONDS
bash "$ROOT/scripts/e2e/setup.sh"
# shellcheck disable=SC1091
source "${PROVENANCE_LENS_TOOLS:-$HOME/.cache/provenance-lens/tools}/env.sh"
log "setup: $((SECONDS - t))s"

# 2. the real extension's VSIX
if [ "$smoke_only" = 0 ] && [ -z "${PROVENANCE_LENS_VSIX:-}" ]; then
  t=$SECONDS
  mkdir -p "$ROOT/.e2e"
  vsix="$ROOT/.e2e/provenance-lens.vsix"
  rm -f "$vsix"
  npm run --silent package -- -o "$vsix" </dev/null >"$ARTIFACTS/package.log" 2>&1 \
    || { tail -40 "$ARTIFACTS/package.log"; log "packaging the VSIX failed (log: $ARTIFACTS/package.log)"; exit 1; }
  export PROVENANCE_LENS_VSIX="$vsix"
  log "packaged $vsix ($(du -h "$vsix" | cut -f1)) in $((SECONDS - t))s"
fi

# 3. the suite
if [ ${#files[@]} -eq 0 ]; then
  if [ "$smoke_only" = 1 ]; then
    files=(test/e2e/smoke.e2e.ts)
  else
    mapfile -t files < <(ls test/e2e/*.e2e.ts | sort)
  fi
fi
log "running: ${files[*]}"
t=$SECONDS
set +e
# Own process group, so cleanup() can take down the runner, its test
# processes and the Chromium instances they launched in one go.
setsid timeout --kill-after=30 "${PROVENANCE_LENS_E2E_TIMEOUT:-1800}" \
  node --import tsx --test --test-concurrency=1 "${files[@]}" </dev/null &
runner_pgid=$!
wait "$runner_pgid"
rc=$?
set -e
log "suite: $((SECONDS - t))s, exit code $rc; screenshots and logs in ${ARTIFACTS#"$ROOT"/}"
log "total: $((SECONDS - t_all))s"
exit "$rc"
