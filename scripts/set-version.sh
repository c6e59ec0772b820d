#!/bin/sh
# Sets the project's version everywhere it is written, for a release or the start of the next one (docs/release.md):
# every pom (the parent's version and each module's parent reference, the start-up yardstick's too), the image tag of k8s/base/kustomization.yaml
# and of the compose files, and failoverctl's --version. Versions are plain X.Y.Z: no -SNAPSHOT, so what a release builds is what was tested.
#
#   scripts/set-version.sh 0.3.0
#
# DeploymentFilesTest checks that the image tag is the poms' version and no -SNAPSHOT is left.
set -eu
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
new="${1:?usage: $0 X.Y.Z}"
printf '%s' "$new" | grep -Eq '^[0-9]+\.[0-9]+\.[0-9]+$' || { echo "not a version X.Y.Z: $new" >&2; exit 2; }
# shellcheck source=lib/pom.sh
. "$ROOT/scripts/lib/pom.sh"
old="$(pom_version "$ROOT/pom.xml")"
[ -n "$old" ] || { echo "no <version> in pom.xml" >&2; exit 1; }
cd "$ROOT"
# the parent's own version (two spaces in) and every module's <parent> version (four spaces in)
sed -i "s|^  <version>$old</version>$|  <version>$new</version>|" pom.xml
for pom in */pom.xml scripts/bench/yardstick/pom.xml; do
  sed -i "s|^    <version>$old</version>$|    <version>$new</version>|" "$pom"
done
sed -i "s|\(newName: [^,]*, newTag: \)\"[^\"]*\"|\1\"$new\"|" k8s/base/kustomization.yaml
sed -i "s|version = \"failoverctl [^\"]*\"|version = \"failoverctl $new\"|" failoverctl/src/main/java/dev/failover/ctl/FailoverCtl.java
# the compose files' default image tags (the images scripts/images.sh and docker compose build are tagged so)
sed -i "s|\${FAILOVER_VERSION:-[^}]*}|\${FAILOVER_VERSION:-$new}|g" docker-compose.yml deploy/containers/compose.debian.yml
echo "version $old -> $new; now: CHANGELOG.md heading, the records of $new (docs/release.md, \"Records kept per release\"), commit, tag v$new"
git --no-pager grep -n -- "$old" -- '*.xml' k8s scripts docker-compose.yml || true
