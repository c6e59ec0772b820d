#!/bin/sh
# The Kafka broker of the compose stack's image made from Debian's packages (deploy/containers/Containerfile.kafka):
# apache/kafka's conventions, the ones docker-compose.yml uses, so the same file runs either image. Every variable
# KAFKA_X_Y is the broker setting x.y ("__" is "_", "___" is "-"), except the JVM's own (KAFKA_HEAP_OPTS, KAFKA_OPTS);
# an empty data directory is formatted once, with CLUSTER_ID or a random one.
set -eu
conf=/var/lib/kafka/server.properties
data=/var/lib/kafka/data
: >"$conf"
# each variable split at its first "=" by hand: read with IFS='=' would drop a value's trailing "=" (base64)
env | sort | while IFS= read -r line; do
    key=${line%%=*}
    value=${line#*=}
    case "$key" in
        KAFKA_HEAP_OPTS | KAFKA_OPTS | KAFKA_LOG_LEVEL) continue ;;
        KAFKA_*) ;;
        *) continue ;;
    esac
    name=$(printf '%s' "${key#KAFKA_}" | sed -e 's/___/-/g' -e 's/__/@/g' -e 's/_/./g' -e 's/@/_/g' | tr 'A-Z' 'a-z')
    printf '%s=%s\n' "$name" "$value" >>"$conf"
done
grep -q '^log\.dirs=' "$conf" || echo "log.dirs=$data" >>"$conf"
libs='/opt/kafka/libs/*'
level=${KAFKA_LOG_LEVEL:-warn}
if [ ! -f "$data/meta.properties" ]; then
    # Kafka's Uuid: 16 random bytes, URL-safe base64 without padding
    id=${CLUSTER_ID:-$(head -c 16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=')}
    java -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -cp "$libs" kafka.tools.StorageTool format --cluster-id "$id" \
        --config "$conf" --ignore-formatted >/dev/null
fi
# shellcheck disable=SC2086 # KAFKA_HEAP_OPTS and KAFKA_OPTS are lists of options
exec java ${KAFKA_HEAP_OPTS:--Xms256m -Xmx512m} ${KAFKA_OPTS:-} -Dorg.slf4j.simpleLogger.defaultLogLevel="$level" \
    -cp "$libs" kafka.Kafka "$conf"
