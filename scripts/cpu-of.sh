#!/usr/bin/env bash
# Runs a command and prints its wall time and the machine's busy core-seconds meanwhile (user, nice, system, irq,
# softirq and steal from /proc/stat): what a build or a test run costs on a CPU-bound machine, its children and the
# processes they detach (brokers, services) included. Meaningful on an otherwise quiet machine.
#
#   scripts/cpu-of.sh LABEL COMMAND [ARGS...]     e.g. scripts/cpu-of.sh package mvn -o -B -q package -DskipTests
set -uo pipefail
if (($# < 2)); then
  echo "usage: $0 LABEL COMMAND [ARGS...]" >&2
  exit 2
fi
label=$1
shift
busy() {
  local _cpu user nice system _idle _iowait irq softirq steal _rest
  read -r _cpu user nice system _idle _iowait irq softirq steal _rest </proc/stat
  echo $((user + nice + system + irq + softirq + steal))
}
start_ns=$(date +%s%N)
start_busy=$(busy)
"$@"
rc=$?
end_ns=$(date +%s%N)
end_busy=$(busy)
hz=$(getconf CLK_TCK)
awk -v l="$label" -v rc="$rc" -v ns=$((end_ns - start_ns)) -v t=$((end_busy - start_busy)) -v hz="$hz" \
  'BEGIN { printf "%s: exit %d, wall %.1f s, busy %.1f core-s\n", l, rc, ns / 1e9, t / hz }'
exit "$rc"
