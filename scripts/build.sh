#!/usr/bin/env bash
# Build the frozen desktop app with PyInstaller into dist/zoomadmin, then smoke-test the
# binary offscreen: it opens the main window on the sandbox, checks the keyring backend and
# exits 0. Every file the smoke test writes goes into a throw-away folder.
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
echo "Smoke test passed"
