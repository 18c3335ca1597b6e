#!/usr/bin/env bash
# Set up zoomadmin on a fresh Debian machine: system libraries Qt needs, a virtual
# environment in .venv and the package with its test tools. Safe to run again.
# With --tests, also what only the test suite uses.
set -euo pipefail
cd "$(dirname "$0")/.."

apt_packages=(
  python3-venv
  # Qt's offscreen and xcb platforms
  libegl1 libgl1 libxkbcommon0 libxkbcommon-x11-0 libfontconfig1 libdbus-1-3
  libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-shape0 libxcb-randr0
  libxcb-render-util0 libxcb-image0 libxcb-xinerama0 libxcb-xkb1 fonts-dejavu-core
  # the real-keyring test: SecretService from gnome-keyring in a private D-Bus session
  gnome-keyring dbus dbus-x11 libsecret-tools
)
if [ "${1:-}" = "--tests" ]; then
  # ffprobe/ffmpeg read and decode the sandbox's recordings: proof they are real media files.
  apt_packages+=(ffmpeg)
  # The shared-database tests start a throw-away PostgreSQL cluster (initdb in a temp folder).
  apt_packages+=(postgresql)
fi
missing=()
for p in "${apt_packages[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ] && command -v apt-get >/dev/null 2>&1; then
  sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
  echo "Installing system packages: ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

python=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$python" -m venv .venv
fi
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -e '.[test]'
# Zoom's Node SDK for the third-party client test (the test skips without it).
if command -v npm >/dev/null 2>&1; then
  npm install --prefix tests/sandbox/thirdparty --no-audit --no-fund --silent
fi
