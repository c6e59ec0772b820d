# Sourced by the scripts that start the packaged services on this host (scripts/lib/stack.sh, scripts/lib/bench.sh,
# the benches, scripts/compose-demo.sh). Each service serves /q (health, metrics, OpenAPI) on its management port, not
# on its API's (ADR 0034); services sharing a host each need one of their own, and a person needs to know where it is.

# management_port API_PORT: the management port of the service whose API listens on API_PORT: API_PORT + 1000 (the
# demo's 8181-8183, 8280, 8380 -> 9181-9183, 9280, 9380; docker-compose.yml publishes the same). Every readiness poll
# and scrape of a service started by a script asks this port.
management_port() { echo $(($1 + 1000)); }
