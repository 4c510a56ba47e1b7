#!/usr/bin/env bash
# The deploy step: copy a built public site to the web server's folder, refusing an
# internal preview. Usage: bash tools/deploy.sh SITE_DIR DESTINATION
# DESTINATION is anything rsync accepts (a local folder or host:folder).
# A preview marker ANYWHERE in the site refuses the whole deploy (a preview built inside
# the site folder would otherwise go out with it); the project lock and the staging and
# retired folders of a build in progress or killed are never copied.
set -euo pipefail
site=${1:?usage: deploy.sh SITE_DIR DESTINATION}
dest=${2:?usage: deploy.sh SITE_DIR DESTINATION}
if [ ! -d "$site" ]; then
  echo "deploy.sh: $site: no such folder: build the site first (portal build)" >&2
  exit 1
fi
marker=$(find "$site" -name .portal-preview -print -quit)
if [ -n "$marker" ]; then
  echo "deploy.sh: $site is an internal preview or holds one ($marker): refusing to publish it" >&2
  exit 1
fi
if [ ! -f "$site/index.html" ] || [ ! -d "$site/pagefind" ]; then
  echo "deploy.sh: $site does not look like a built portal site (no index.html or pagefind/)" >&2
  exit 1
fi
rsync -a --delete \
  --exclude='.portal.lock' --exclude='.*.building-*/' --exclude='.*.previous-*/' \
  --exclude='.portal-preview' \
  "$site/" "$dest/"
echo "deployed $site to $dest"
