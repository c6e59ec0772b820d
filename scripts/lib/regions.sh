# Sourced: three "regions" and an "internet" side on one machine, as Linux network namespaces (iproute2, nftables;
# root). Each region is a namespace with one address on a shared bridge; the bridge lives in a namespace of its own,
# so nothing is added to the host's network and only addresses inside these namespaces are used.
#
#   <prefix>-core   the bridge (br0) and one veth end per side: the "backbone"
#   <prefix>-a/b/c  a region: eth0 10.77.0.1/.2/.3
#   <prefix>-inet   the internet side (authoritative DNS, the clients that resolve): eth0 10.77.0.4
#
# Faults, each real:
#   regions_cut R           region R loses its network entirely (its backbone link down): every packet to or from it
#                           is gone, connections to it time out or fail
#   regions_heal R          its link back up, and any partition of it lifted
#   regions_partition R P.. region R silently drops every packet from and to the addresses of regions P.. (nftables in
#                           R's namespace), as a partition between regions does; R still reaches the others
#   regions_drop_connections R ADDRESS PORT LOCAL_PORT..
#                           region R silently drops the TCP connections between its local ports LOCAL_PORT.. and
#                           ADDRESS:PORT (nftables in R's namespace): one process's connections to one server, whatever
#                           else runs in R. A connection that is not yet closed carries on when it is lifted (regions_heal)
#   regions_drop_port R PORT
#                           the processes of region R silently lose every connection to PORT, on any address, their own
#                           region's included (nftables in R's namespace): R's clients cut off from every Kafka broker,
#                           while R still reaches everything else and R's own broker still serves the other regions
#
# REGIONS_PREFIX (default fo) names the namespaces, so two runs can coexist.

REGIONS_PREFIX="${REGIONS_PREFIX:-fo}"
REGIONS_SUBNET="10.77.0"
REGIONS_SIDES=(a b c inet)

# the address of a side: a b c inet
regions_address() {
  case "$1" in
    a) echo "$REGIONS_SUBNET.1" ;; b) echo "$REGIONS_SUBNET.2" ;; c) echo "$REGIONS_SUBNET.3" ;;
    inet) echo "$REGIONS_SUBNET.4" ;; *) echo "unknown side '$1' (a, b, c or inet)" >&2; return 1 ;;
  esac
}

regions_ns() { echo "$REGIONS_PREFIX-$1"; }

# run a command inside a side's namespace
regions_exec() {
  local side="$1"; shift
  ip netns exec "$(regions_ns "$side")" "$@"
}

regions_up() {
  [[ $(id -u) -eq 0 ]] || { echo "network namespaces need root" >&2; return 1; }
  command -v ip >/dev/null || { echo "ip (iproute2) is required" >&2; return 1; }
  command -v nft >/dev/null || { echo "nft (nftables) is required" >&2; return 1; }
  regions_down 2>/dev/null || true
  local core side
  core="$(regions_ns core)"
  ip netns add "$core"
  ip -n "$core" link set lo up
  ip -n "$core" link add br0 type bridge
  ip -n "$core" link set br0 up
  for side in "${REGIONS_SIDES[@]}"; do
    ip netns add "$(regions_ns "$side")"
    ip -n "$(regions_ns "$side")" link set lo up
    # the pair is made inside the core namespace, then one end moves into the side and is renamed eth0
    ip -n "$core" link add "c-$side" type veth peer name "s-$side"
    ip -n "$core" link set "s-$side" netns "$(regions_ns "$side")"
    ip -n "$(regions_ns "$side")" link set "s-$side" name eth0
    ip -n "$(regions_ns "$side")" addr add "$(regions_address "$side")/24" dev eth0
    ip -n "$(regions_ns "$side")" link set eth0 up
    ip -n "$core" link set "c-$side" master br0
    ip -n "$core" link set "c-$side" up
    # an empty table of our own, for regions_partition
    ip netns exec "$(regions_ns "$side")" nft add table inet partition
  done
}

regions_down() {
  local side
  for side in "${REGIONS_SIDES[@]}" core; do
    ip netns pids "$(regions_ns "$side")" 2>/dev/null | xargs -r kill -9 2>/dev/null || true
    ip netns del "$(regions_ns "$side")" 2>/dev/null || true
  done
}

regions_cut() {
  ip -n "$(regions_ns core)" link set "c-$1" down
}

regions_heal() {
  ip -n "$(regions_ns core)" link set "c-$1" up
  regions_exec "$1" nft flush table inet partition
  regions_exec "$1" nft delete table inet partition
  regions_exec "$1" nft add table inet partition
}

regions_partition() {
  local side="$1" peer address set=""
  shift
  for peer in "$@"; do
    address="$(regions_address "$peer")"
    set="${set:+$set, }$address"
  done
  regions_exec "$side" nft add chain inet partition input '{ type filter hook input priority 0; policy accept; }'
  regions_exec "$side" nft add chain inet partition output '{ type filter hook output priority 0; policy accept; }'
  regions_exec "$side" nft add rule inet partition input ip saddr "{ $set }" drop
  regions_exec "$side" nft add rule inet partition output ip daddr "{ $set }" drop
}

regions_drop_connections() {
  local side="$1" address="$2" port="$3" ports
  shift 3
  ports="$(IFS=,; echo "$*")"
  regions_exec "$side" nft add chain inet partition input '{ type filter hook input priority 0; policy accept; }'
  regions_exec "$side" nft add chain inet partition output '{ type filter hook output priority 0; policy accept; }'
  regions_exec "$side" nft add rule inet partition input ip saddr "$address" tcp sport "$port" tcp dport "{ $ports }" drop
  regions_exec "$side" nft add rule inet partition output ip daddr "$address" tcp dport "$port" tcp sport "{ $ports }" drop
}

regions_drop_port() {
  local side="$1" port="$2"
  regions_exec "$side" nft add chain inet partition input '{ type filter hook input priority 0; policy accept; }'
  regions_exec "$side" nft add chain inet partition output '{ type filter hook output priority 0; policy accept; }'
  # what R's processes send to the port, and what comes back from it to them (local traffic passes both hooks)
  regions_exec "$side" nft add rule inet partition output tcp dport "$port" drop
  regions_exec "$side" nft add rule inet partition input tcp sport "$port" drop
}
