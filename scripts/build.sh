#!/usr/bin/env bash
# Build the frozen desktop app with PyInstaller into dist/zoomadmin, then smoke-test the
# binary offscreen: it opens the main window on the sandbox, shows every tab until each has
# loaded, checks the keyring backend and exits 0; then the same binary runs `zoomadmin agent`
# until it leads and stops it with SIGTERM. Every file the smoke tests write goes into a
# throw-away folder.
set -euo pipefail
cd "$(dirname "$0")/.."

[ -x .venv/bin/python ] || bash scripts/setup.sh
.venv/bin/python -m pip install -q -e '.[build]'

start=$(date +%s)
.venv/bin/python -m PyInstaller --noconfirm --clean --log-level WARN \
  --distpath dist --workpath build/pyinstaller zoomadmin.spec
echo "Built dist/zoomadmin in $(( $(date +%s) - start )) s"

binary=dist/zoomadmin/zoomadmin
[ -x "$binary" ] || binary=dist/zoomadmin/zoomadmin.exe
basedir=$(mktemp -d)
trap 'rm -rf "$basedir"' EXIT
export QT_QPA_PLATFORM=offscreen
smoke=("$binary" --basedir "$basedir" --smoke-test)
# The keyring check needs a session bus for SecretService; give it a private one if we can.
if command -v dbus-run-session >/dev/null 2>&1 && [ -z "${DBUS_SESSION_BUS_ADDRESS:-}" ]; then
  smoke=(dbus-run-session -- "${smoke[@]}")
fi
"${smoke[@]}"
echo "Smoke test passed: every tab opened"
echo "Size of dist/zoomadmin: $(du -sh dist/zoomadmin | cut -f1)"

# The same binary runs the headless agent: on the sandbox it leads the account's jobs (as
# `agent status` from the same binary says), and SIGTERM stops it with exit code 0.
agent_dir="$basedir/agent"
"$binary" --basedir "$agent_dir" agent 2>"$basedir/agent.log" &
agent_pid=$!
trap 'kill -KILL "$agent_pid" 2>/dev/null || true; rm -rf "$basedir"' EXIT
led=""
for _ in $(seq 1 120); do
  kill -0 "$agent_pid" 2>/dev/null || break  # it ended: report below
  leader=$("$binary" --basedir "$agent_dir" agent status --json 2>/dev/null \
    | .venv/bin/python -c 'import json, sys; print((json.load(sys.stdin)["leader"] or {}).get("pid"))' \
    || true)
  if [ "$leader" = "$agent_pid" ]; then
    led=yes
    break
  fi
  sleep 0.5
done
kill -TERM "$agent_pid" 2>/dev/null || true
agent_code=0
# SIGTERM lets it finish what it sends; 30 s is plenty, then it is killed.
for _ in $(seq 1 60); do kill -0 "$agent_pid" 2>/dev/null || break; sleep 0.5; done
kill -KILL "$agent_pid" 2>/dev/null || true
wait "$agent_pid" || agent_code=$?
if [ -z "$led" ] || [ "$agent_code" -ne 0 ]; then
  echo "Agent smoke test failed (led: ${led:-no}, exit code $agent_code):" >&2
  tail -n 20 "$basedir/agent.log" >&2
  exit 1
fi
echo "Agent smoke test passed: the frozen agent led and stopped with 0"
