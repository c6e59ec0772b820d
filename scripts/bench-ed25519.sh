#!/usr/bin/env bash
# Ed25519 by the JDK's provider against Bouncy Castle's (ADR 0032), on the JDK the services run on: a program with
# printed results, not a test. Needs the packaged decision-service (mvn -B -q -o -DskipTests package) for its jar.
#   scripts/bench-ed25519.sh [N=2000]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=lib/java.sh
source "$ROOT/scripts/lib/java.sh"
bc=$(ls "$ROOT"/decision-service/target/quarkus-app/lib/main/org.bouncycastle.bcprov-*.jar 2>/dev/null | head -1)
[[ -n $bc ]] || { echo "no Bouncy Castle jar under decision-service/target/quarkus-app: package first" >&2; exit 2; }
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
java=$(runtime_java)
"${java%/java}/javac" -d "$out" -cp "$bc" "$ROOT/scripts/bench/EdBench.java"
"$java" -cp "$bc:$out" EdBench "${1:-2000}"
