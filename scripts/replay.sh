#!/usr/bin/env bash
# Replays recorded probe results through the decision core with alternative thresholds.
#
#   scripts/replay.sh --topology config/failover.yaml --results results.jsonl [--failures-to-down N] ...
#
# Record results with any Kafka consumer, one JSON value per line, e.g. from the local stack:
#   java -cp ".stack/kafka-lib/*" kafka.tools.ConsoleConsumer --bootstrap-server 127.0.0.1:19092 \
#        --topic failover.probe-results --from-beginning --timeout-ms 5000 > results.jsonl
# (kafka-console-consumer.sh of a Kafka distribution does the same.)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
APP="$ROOT/decision-service/target/quarkus-app"
if [[ ! -d "$APP" ]]; then
  (cd "$ROOT" && mvn -B -q -DskipTests -pl decision-service -am install)
fi
exec java -cp "$APP/app/*:$APP/lib/main/*" dev.failover.decision.replay.Replay "$@"
