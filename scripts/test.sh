#!/usr/bin/env bash
# Set up zoomadmin and run every check: ruff, mypy --strict and the whole test suite
# offscreen, the real-keyring test included (inside a private D-Bus session).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --tests
export QT_QPA_PLATFORM=offscreen
.venv/bin/python -m ruff check zoomadmin tests benchmarks
.venv/bin/python -m ruff format --check zoomadmin tests benchmarks
.venv/bin/python -m mypy
# dbus-run-session gives the keyring test a private session bus; the test itself starts
# and unlocks gnome-keyring inside it.
exec dbus-run-session -- .venv/bin/python -m pytest "$@"
