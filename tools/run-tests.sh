#!/usr/bin/env bash
# Set-up command 2: install what is needed (once), including Debian's Chromium and rsync
# and axe-core (npm) for the browser and accessibility tests, and run the whole test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/install.sh
if ! command -v chromium >/dev/null 2>&1 || ! command -v rsync >/dev/null 2>&1; then
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium fonts-liberation rsync >/dev/null
fi
if [ ! -f node_modules/axe-core/axe.min.js ]; then
  npm ci --silent --no-audit --no-fund
fi
.venv/bin/python -m pytest -n 2 "$@"
