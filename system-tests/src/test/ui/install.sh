#!/usr/bin/env bash
# The operator page's browser test (OperatorPageIT) in target/ui: its script, its package and playwright-core from the
# lock file (npm ci: the npm registry the first time, npm's cache after). Run by the build before the system tests, in
# the build's own network (scripts/region-loss.sh runs its Maven in a namespace with no route out, and skips it).
#
#   install.sh TARGET_DIR
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
dir="${1:?usage: install.sh TARGET_DIR}/ui"
mkdir -p "$dir"
cp "$here/package.json" "$here/package-lock.json" "$here/operator-page.mjs" "$dir/"
# npm ci again only when the lock changed since the last install
if ! cmp -s "$dir/package-lock.json" "$dir/node_modules/.package-lock.json.installed" 2>/dev/null; then
  (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
  cp "$dir/package-lock.json" "$dir/node_modules/.package-lock.json.installed"
fi
