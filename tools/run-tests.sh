#!/usr/bin/env bash
# Set-up command 2: install what is needed (once), including Debian's Chromium for the
# browser tests, and run the whole test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/install.sh
if ! command -v chromium >/dev/null 2>&1; then
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium fonts-liberation >/dev/null
fi
.venv/bin/python -m pytest -n 2 "$@"
