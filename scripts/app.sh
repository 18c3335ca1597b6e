#!/usr/bin/env bash
# Set up zoomadmin and open it; with no real account configured it opens on the sandbox.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec .venv/bin/python -m zoomadmin "$@"
