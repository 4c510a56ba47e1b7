#!/usr/bin/env bash
# The deploy step: copy a built public site to the web server's folder, refusing an
# internal preview. Usage: bash tools/deploy.sh SITE_DIR DESTINATION
# DESTINATION is anything rsync accepts (a local folder or host:folder).
set -euo pipefail
site=${1:?usage: deploy.sh SITE_DIR DESTINATION}
dest=${2:?usage: deploy.sh SITE_DIR DESTINATION}
if [ -e "$site/.portal-preview" ]; then
  echo "deploy.sh: $site is an internal preview (it has .portal-preview): refusing to publish it" >&2
  exit 1
fi
if [ ! -f "$site/index.html" ] || [ ! -d "$site/pagefind" ]; then
  echo "deploy.sh: $site does not look like a built portal site (no index.html or pagefind/)" >&2
  exit 1
fi
rsync -a --delete "$site/" "$dest/"
echo "deployed $site to $dest"
