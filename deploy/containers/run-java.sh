#!/bin/sh
# The entry point of every image of ours (deploy/containers/Containerfile): the app's JVM options (jvm.options), then
# JAVA_OPTS_APPEND (so a later option wins, e.g. -Xmx), then the app's own arguments. No AOT cache: one is valid only
# for the JDK build that wrote it (ADR 0017), and the build's is written by the build machine's JDK. A JVM out of
# memory exits, so that the orchestrator starts a new one, as the Red Hat images' run-java.sh had it do.
set -euf # -f: JAVA_OPTS_APPEND is split into words below, never expanded as file names
cd /deployments
# word-split on purpose: JAVA_OPTS_APPEND is a list of options, as in the Red Hat images' run-java.sh
# shellcheck disable=SC2086
exec java @jvm.options -XX:+ExitOnOutOfMemoryError ${JAVA_OPTS_APPEND:-} -jar quarkus-run.jar "$@"
