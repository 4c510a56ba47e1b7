#!/usr/bin/env bash
# Set-up command 1: install what is needed (once) and build the example site into site/.
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/install.sh
.venv/bin/portal build "$@"
