#!/usr/bin/env bash
# The container images of the plane, built with podman from Debian's packages, no registry needed (ADR 0033):
#
#   scripts/images.sh                 base image (once), then probe-service, decision-service, actuator-service and
#                                     failoverctl from this build's target/quarkus-app (packaged first when missing)
#   scripts/images.sh --base          the base image only
#   scripts/images.sh --rebuild-base  a new base even when one of this name exists (Debian's security updates)
#   scripts/images.sh --compose       also what docker-compose.yml takes from registries, made here (once each): Kafka
#                                     (the base and the build's Kafka jars), BIND9, Prometheus and Alertmanager (each
#                                     Debian's package); deploy/containers/compose.debian.yml names them
#   scripts/images.sh --prefetch      only the images made from Debian's mirror (the base, BIND9, Prometheus,
#                                     Alertmanager), the part that needs no build: scripts/test.sh makes them in
#                                     the background while the modules build, so that the image tests find them made
#
# The base: Debian bookworm's essential packages, openjdk-17-jre-headless and ca-certificates, nothing else, made by
# mmdebstrap and imported (localhost/failover/base:bookworm-jre17); docs, man pages and locales left out, each
# package's copyright kept; a user 185 (the services' user). Its package list, with versions, is written beside the
# images (target/images/<base>.packages.txt) and into each image's SBOM. The images: deploy/containers/Containerfile,
# tagged localhost/failover/<name>:<version> with the OCI labels (version, revision, source, created), and an SBOM
# (CycloneDX JSON) each in target/images/. A user with a registry builds the same Containerfile with docker and a JRE 25
# base (its default). Podman runs with deploy/containers/containers.conf unless CONTAINERS_CONF names another (runc and
# lowered limits, for hosts with hybrid cgroups; docs/containers.md).
#
# Environment: DEBIAN_MIRROR (http://deb.debian.org/debian), DEBIAN_SUITE (bookworm), IMAGE_PREFIX (localhost/failover).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
SUITE=${DEBIAN_SUITE:-bookworm}
PREFIX=${IMAGE_PREFIX:-localhost/failover}
BASE="$PREFIX/base:$SUITE-jre17"
export CONTAINERS_CONF="${CONTAINERS_CONF:-$ROOT/deploy/containers/containers.conf}"
PACKAGES="$ROOT/target/images/${BASE//[:\/]/-}.packages.txt" # the base's packages, for the SBOMs of images built on it
OUT="$ROOT/target/images"
APPS=(probe-service decision-service actuator-service failoverctl)
# shellcheck source=lib/pom.sh
. "$ROOT/scripts/lib/pom.sh"
VERSION=$(pom_version "$ROOT/pom.xml")
REVISION=$(git rev-parse HEAD 2>/dev/null || echo unknown)
# a tree with changes to tracked files is not the commit: its images say so
[[ -z "$(git status --porcelain --untracked-files=no 2>/dev/null)" ]] || REVISION="$REVISION-dirty"
# the commit's time, not the clock's: two builds of one commit label their images alike
CREATED=$(git log -1 --format=%cI 2>/dev/null || date -u +%FT%TZ)

base_only=false rebuild_base=false compose=false prefetch=false
for arg in "$@"; do
  case "$arg" in
    --base) base_only=true ;;
    --rebuild-base) rebuild_base=true ;;
    --compose) compose=true ;;
    --prefetch) prefetch=true compose=true ;;
    *) echo "images.sh: unknown argument '$arg' (--base, --rebuild-base, --compose, --prefetch)" >&2; exit 2 ;;
  esac
done
for tool in podman mmdebstrap; do
  command -v "$tool" >/dev/null || { echo "images.sh: $tool is needed (apt-get install $tool)" >&2; exit 2; }
done
mkdir -p "$OUT"
# one build at a time per tree: two (ContainerImagesIT and ComposeStackIT in two test forks) would share the rootfs tar
# and the images' context directories
exec 9>"$OUT/.lock"
flock 9

# debian_image IMAGE PACKAGES [mmdebstrap options] [-- podman import --change options]: Debian's essential packages and
# PACKAGES (comma-separated), without docs (each package's copyright kept), man pages, locales or apt's lists
debian_image() {
  local image=$1 packages=$2 tar="$OUT/rootfs.tar" options=() changes=()
  shift 2
  while (($#)) && [[ "$1" != -- ]]; do options+=("$1"); shift; done
  (($#)) && shift
  for change in "$@"; do changes+=(--change "$change"); done
  echo "image $image: Debian $SUITE essential + $packages, from $MIRROR"
  # SOURCE_DATE_EPOCH: the rootfs's times are the commit's, so that its tar depends only on the packages
  SOURCE_DATE_EPOCH=$(git log -1 --format=%ct 2>/dev/null || date +%s) mmdebstrap --quiet --variant=essential \
    --include="$packages" \
    --customize-hook='find "$1/usr/share/doc" -type f ! -name copyright -delete' \
    --customize-hook='rm -rf "$1"/usr/share/man/* "$1"/usr/share/locale/* "$1"/var/cache/apt/* "$1"/var/lib/apt/lists/*' \
    "${options[@]}" "$SUITE" "$tar" "$MIRROR"
  podman import --quiet --change 'ENV LANG=C.UTF-8' "${changes[@]}" \
    --message "Debian $SUITE essential + $packages (scripts/images.sh)" "$tar" "$image" >/dev/null
  rm -f "$tar"
}

if $rebuild_base || ! podman image exists "$BASE"; then
  debian_image "$BASE" openjdk-17-jre-headless,ca-certificates \
    --customize-hook='echo "failover:x:185:185:failover:/tmp:/usr/sbin/nologin" >>"$1/etc/passwd"' \
    --customize-hook='echo "failover:x:185:" >>"$1/etc/group"' \
    --customize-hook='chroot "$1" dpkg-query -W -f "\${Package}\t\${Version}\t\${Architecture}\n" >"'"$PACKAGES"'"' \
    -- 'USER 185:185'
fi
if [[ ! -s "$PACKAGES" ]]; then # a base imported by an earlier run whose list was removed
  podman run --rm "$BASE" dpkg-query -W -f '${Package}\t${Version}\t${Architecture}\n' >"$PACKAGES"
fi
$base_only && { echo "base: $BASE ($(podman image inspect --format '{{.Size}}' "$BASE") bytes)"; exit 0; }

if $compose; then
  kafka_version=$(pom_property kafka.version "$ROOT/pom.xml")
  # the Kafka image takes the build's Kafka jars (scripts/kafka.sh runs Maven): not while prefetching beside a build
  if ! $prefetch && ! podman image exists "$PREFIX/kafka:$kafka_version"; then
    context="$OUT/kafka-context"
    rm -rf "$context" && mkdir -p "$context/libs"
    cp "$(scripts/kafka.sh lib)"/*.jar "$context/libs/"
    cp deploy/containers/kafka-run.sh "$context/"
    podman build --quiet -f deploy/containers/Containerfile.kafka --build-arg BASE="$BASE" \
      --build-arg KAFKA_VERSION="$kafka_version" -t "$PREFIX/kafka:$kafka_version" "$context" >/dev/null
    rm -rf "$context"
  fi
  podman image exists "$PREFIX/bind9:$SUITE" || debian_image "$PREFIX/bind9:$SUITE" bind9 \
    -- 'ENTRYPOINT ["/usr/sbin/named", "-g", "-u", "bind"]' 'CMD ["-c", "/etc/bind/named.conf"]' 'EXPOSE 53/udp' 'EXPOSE 53/tcp'
  podman image exists "$PREFIX/prometheus:$SUITE" || debian_image "$PREFIX/prometheus:$SUITE" prometheus \
    --customize-hook='mkdir -p "$1/prometheus" && chroot "$1" chown prometheus:prometheus /prometheus' \
    -- 'USER prometheus' 'ENTRYPOINT ["/usr/bin/prometheus"]' \
    'CMD ["--config.file=/etc/prometheus/prometheus.yml", "--storage.tsdb.path=/prometheus"]' 'EXPOSE 9090'
  podman image exists "$PREFIX/alertmanager:$SUITE" || debian_image "$PREFIX/alertmanager:$SUITE" prometheus-alertmanager \
    --customize-hook='mkdir -p "$1/alertmanager" && chroot "$1" chown prometheus:prometheus /alertmanager' \
    -- 'USER prometheus' 'ENTRYPOINT ["/usr/bin/prometheus-alertmanager"]' \
    'CMD ["--config.file=/etc/alertmanager/alertmanager.yml", "--storage.path=/alertmanager"]' 'EXPOSE 9093'
fi
$prefetch && exit 0

missing=()
for app in "${APPS[@]}"; do
  [[ -f "$app/target/quarkus-app/quarkus-run.jar" ]] || missing+=("$app")
done
if ((${#missing[@]} > 0)); then
  echo "packaging ${missing[*]} (mvn package)"
  mvn -B -q -DskipTests -Daot.train.skip=true -pl "$(IFS=,; echo "${missing[*]}")" -am package
fi

for app in "${APPS[@]}"; do
  image="$PREFIX/$app:$VERSION"
  podman build --quiet -f deploy/containers/Containerfile --build-arg BASE="$BASE" --build-arg SERVICE="$app" \
    --build-arg VERSION="$VERSION" --build-arg REVISION="$REVISION" --build-arg CREATED="$CREATED" -t "$image" . >/dev/null
  "$ROOT/scripts/sbom.py" --name "$app" --version "$VERSION" --revision "$REVISION" --created "$CREATED" \
    --dependencies "$app/target/quarkus-app/quarkus-app-dependencies.txt" --packages "$PACKAGES" \
    >"$OUT/$app-$VERSION.cdx.json"
  printf '%-48s %6d MB  sbom %s\n' "$image" $(($(podman image inspect --format '{{.Size}}' "$image") / 1000000)) \
    "target/images/$app-$VERSION.cdx.json"
done
