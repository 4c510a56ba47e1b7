#!/usr/bin/env bash
# The deploy step: copy a built public site to the web server's folder, refusing an
# internal preview. Usage: bash tools/deploy.sh SITE_DIR DESTINATION
# DESTINATION is anything rsync accepts (a local folder or host:folder).
# A preview is refused by either of its two marks, ANYWHERE in the site: the marker file
# .portal-preview, and the mark every preview page carries (<meta name="portal-preview">
# and the INTERNAL PREVIEW banner), which a copy such as `cp -r preview/* s2/` keeps
# though the * skips the dot-file. A site holding .eml files (an outbox's embargoed packs)
# (any letter case, .msg and .mbox too) is refused too, and so is a symbolic link. The project lock and the staging and retired folders of a build in
# progress or killed are never copied.
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
# grep: 0 a preview page found, 1 none, 2 a file that cannot be read (refused as well).
status=0
page=$(grep -rlF --include='*.html' --include='*.htm' \
  -e '<meta name="portal-preview"' -e 'class="portal-preview-banner"' "$site" | head -n 1) || status=$?
if [ -n "$page" ]; then
  echo "deploy.sh: $site holds pages of an internal preview ($page has the preview's mark):" \
       "refusing to publish it" >&2
  exit 1
fi
if [ "$status" -gt 1 ] && [ "$status" -ne 141 ]; then
  echo "deploy.sh: $site: some files cannot be read, so it cannot be checked for preview pages:" \
       "refusing to publish it" >&2
  exit 1
fi
eml=$(find "$site" \( -iname '*.eml' -o -iname '*.msg' -o -iname '*.mbox' \) -print -quit)
if [ -n "$eml" ]; then
  echo "deploy.sh: $site holds an email pack ($eml), which may be embargoed: refusing to publish it" >&2
  exit 1
fi
# A build never writes a symbolic link; one in the site could lead anywhere (a preview, the
# register), and the checks above do not look through it.
link=$(find "$site" -mindepth 1 -type l -print -quit)
if [ -n "$link" ]; then
  echo "deploy.sh: $site holds a symbolic link ($link), which a build never writes: refusing to publish it" >&2
  exit 1
fi
if [ ! -f "$site/index.html" ] || [ ! -d "$site/pagefind" ]; then
  echo "deploy.sh: $site does not look like a built portal site (no index.html or pagefind/)" >&2
  exit 1
fi
rsync -a --delete \
  --exclude='.portal.lock' --exclude='.*.building-*/' --exclude='.*.previous-*/' \
  "$site/" "$dest/"
echo "deployed $site to $dest"
