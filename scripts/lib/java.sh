# Sourced by the scripts that run the packaged services (lib/stack.sh, bench-startup.sh, test.sh, region-loss.sh,
# aot-train.sh): which JDK runs them, and with which AOT cache (ADR 0017).
#
# The services are built for Java 17 (maven.compiler.release) but measured and run on JDK 25: the AOT cache of JEP
# 483/514/515 (class loading and linking done ahead, method profiles kept) needs JDK 24 or newer, and JDK 25 is the LTS
# that has it. FAILOVER_JAVA_HOME chooses the runtime; without it the newest JDK 25 or later under /usr/lib/jvm, and
# without one of those the `java` on the PATH.

# runtime_java_home: the JAVA_HOME the services run with (may be empty: then `java` from the PATH)
runtime_java_home() {
  if [[ -n "${FAILOVER_JAVA_HOME:-}" ]]; then
    [[ -x "$FAILOVER_JAVA_HOME/bin/java" ]] || { echo "FAILOVER_JAVA_HOME=$FAILOVER_JAVA_HOME has no bin/java" >&2; return 1; }
    echo "$FAILOVER_JAVA_HOME"
    return
  fi
  local home version best="" best_version=0
  for home in /usr/lib/jvm/*; do
    [[ -x "$home/bin/java" ]] || continue
    version="$(home_feature "$home")"
    if [[ -n "$version" ]] && ((version >= 25 && version > best_version)); then
      best="$home" best_version="$version"
    fi
  done
  echo "$best"
}

# runtime_java: the java binary the services run with
runtime_java() {
  local home
  home="$(runtime_java_home)" || return 1
  if [[ -n "$home" ]]; then echo "$home/bin/java"; else command -v java; fi
}

# home_feature JAVA_HOME: the feature version of that JDK (17, 25), from its release file; empty without one
home_feature() {
  sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$1/release" 2>/dev/null
}

# java_feature JAVA: the feature version of the JDK of that java binary; 0 when its JDK has no release file
java_feature() {
  local feature
  feature="$(home_feature "$(dirname "$(dirname "$(readlink -f "$1")")")")"
  echo "${feature:-0}"
}

# aot_options JAVA SERVICE_DIR: the JVM option that uses the service's AOT cache (app.aot beside quarkus-run.jar, made by
# scripts/aot-train.sh), when there is one. It is only valid for `-jar quarkus-run.jar` run from that directory, with that
# relative path. A cache the JVM cannot use (another JDK build, a jar rebuilt since) is ignored with a warning: the
# service starts, only slower. A JDK older than 25 gets no AOT option at all (it would refuse -XX:AOTCache).
aot_options() {
  if [[ -f "$2/app.aot" ]] && (($(java_feature "$1") >= 25)); then
    echo "-XX:AOTCache=app.aot"
  fi
}
