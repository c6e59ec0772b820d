#!/usr/bin/env bash
# A release's artifacts, made here from the commit checked out (docs/release.md, "Making a release"):
#
#   scripts/release.sh 0.2.0          into target/release/0.2.0/
#   scripts/release.sh --cli 0.2.0    the standalone failoverctl and its checksum only (no podman needed: a forge's
#                                     workflow builds the images itself, .github/workflows/release.yml)
#
# What it makes, each named <name>-<version>:
#   probe-service, decision-service, actuator-service, failoverctl   .oci.tar: the image (scripts/images.sh: Debian's
#       packages, user 185, OCI labels) as an OCI archive, for `podman load -i`, `skopeo copy oci-archive:<file>
#       docker://<registry>/failover/<name>:<version>` or a registry's import; .cdx.json: its CycloneDX SBOM
#   failoverctl-<version>.tar.gz   the operators' CLI on its own: bin/failoverctl (the launcher) and lib/ (the packaged
#       application with its JVM options); it needs a Java 17 or later and nothing else, no Maven, no repository
#   SHA256SUMS                     the SHA-256 of each (`sha256sum -c SHA256SUMS` checks them)
# and prints each with its size and checksum.
#
# VERSION must be the poms' version (scripts/set-version.sh sets it) and the tree must have no change of a tracked file:
# what is released is a commit, whose suite ran green (CI runs ./scripts/test.sh on it; this script runs no test).
# ALLOW_CHANGES=1 makes the artifacts of a tree with changes, to try the script; the images then say so in their
# revision label (<commit>-dirty), and nothing of it may be published. The images here are built for this machine's
# architecture; a forge's workflow builds and signs the multi-architecture ones from the same Containerfile
# (.github/workflows/release.yml, docs/release.md).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
# shellcheck source=lib/pom.sh
. "$ROOT/scripts/lib/pom.sh"

cli_only=false
[[ "${1:-}" == --cli ]] && { cli_only=true; shift; }
version="${1:?usage: scripts/release.sh [--cli] VERSION (the version in the poms, X.Y.Z)}"
poms="$(pom_version "$ROOT/pom.xml")"
[[ "$version" == "$poms" ]] || { echo "release.sh: VERSION $version is not the poms' version $poms (scripts/set-version.sh $version first)" >&2; exit 2; }
if [[ -n "$(git status --porcelain --untracked-files=no 2>/dev/null)" && "${ALLOW_CHANGES:-0}" != 1 ]]; then
  echo "release.sh: the tree has changes to tracked files; a release is a commit (ALLOW_CHANGES=1 to try the script)" >&2
  exit 2
fi

OUT="$ROOT/target/release/$version"
PREFIX=${IMAGE_PREFIX:-localhost/failover}
APPS=(probe-service decision-service actuator-service failoverctl)
$cli_only && APPS=(failoverctl)
export CONTAINERS_CONF="${CONTAINERS_CONF:-$ROOT/deploy/containers/containers.conf}"
rm -rf "$OUT" && mkdir -p "$OUT"

echo "packaging (mvn package, no tests: the commit's suite is CI's)"
mvn -B -q -DskipTests -Daot.train.skip=true -pl "$(IFS=,; echo "${APPS[*]}")" -am package
if ! $cli_only; then
  scripts/images.sh
  for app in "${APPS[@]}"; do
    podman save --quiet --format oci-archive -o "$OUT/$app-$version.oci.tar" "$PREFIX/$app:$version"
    cp "target/images/$app-$version.cdx.json" "$OUT/"
  done
fi

# the standalone CLI: the packaged application and a launcher that finds it beside itself
cli="$(mktemp -d)"
trap 'rm -rf "$cli"' EXIT
dir="$cli/failoverctl-$version"
mkdir -p "$dir/bin" "$dir/lib"
cp -r failoverctl/target/quarkus-app "$dir/lib/"
cp failoverctl/src/main/jvm/jvm.options "$dir/lib/"
cat >"$dir/bin/failoverctl" <<'LAUNCHER'
#!/bin/sh
# failoverctl: the operators' command line of the failover control plane (failoverctl --help). Needs a Java 17 or
# later: JAVA_HOME's, or the java on the PATH.
lib="$(cd "$(dirname "$(readlink -f "$0")")/../lib" && pwd)" # through a symlink too (e.g. in ~/bin)
java="${JAVA_HOME:+$JAVA_HOME/bin/}java"
exec "$java" @"$lib/jvm.options" -jar "$lib/quarkus-app/quarkus-run.jar" "$@"
LAUNCHER
chmod 755 "$dir/bin/failoverctl"
cp LICENSE "$dir/"
# the entries' times and owners from the commit, not from this machine and its clock
created="$(git log -1 --format=%cI 2>/dev/null || date -u +%FT%TZ)"
tar --sort=name --owner=0 --group=0 --numeric-owner --mtime="$created" -C "$cli" -cf - "failoverctl-$version" \
  | gzip -n >"$OUT/failoverctl-$version.tar.gz"

(cd "$OUT" && find . -maxdepth 1 -type f ! -name SHA256SUMS -printf '%P\n' | sort | xargs sha256sum -- >SHA256SUMS)
echo "release $version in ${OUT#"$ROOT"/}:"
while read -r sum file; do
  printf '  %-42s %10s  sha256 %s\n' "$file" "$(du -h "$OUT/$file" | cut -f1)" "$sum"
done <"$OUT/SHA256SUMS"
