#!/usr/bin/env bash
# v6watch test lab: network namespaces that show what breaks under IPv6-only.
#
#   bash tests/lab/lab.sh up       # (re)build the lab; writes tests/lab/lab.env
#   bash tests/lab/lab.sh down     # remove it
#   bash tests/lab/lab.sh status   # what runs, and a few health checks
#   bash tests/lab/lab.sh tunnel-stop    # stop the 6in4 tunnel at both ends (IPv4 stays up)
#   bash tests/lab/lab.sh tunnel-start   # start it again; waits until it carries IPv6
#
# Needs root. Only documentation/test ranges are used, only inside namespaces made here.
# Topology and names: tests/lab/README.md. To extend the lab, add a row to the tables below
# and a line to the relevant setup function; lab.env is generated from these variables.
set -euo pipefail

# ---------------------------------------------------------------------------------------
# The address table: the one place where lab addresses are written down.
# ---------------------------------------------------------------------------------------
LAB_DOMAIN=lab.test
# Every namespace is named v6w-*. Another prefix (V6WATCH_LAB_PREFIX=v6x) builds a second,
# independent lab beside it: one per checkout, each writing its own lab.env.
LAB_PREFIX=${V6WATCH_LAB_PREFIX:-v6w}

LAB_NET_CLIENTS6=2001:db8:1::/64               # client LAN (bridge br-cl in v6w-core)
LAB_NET_CLIENTS4=192.0.2.0/24
LAB_NET_SERVERS6=2001:db8:2::/64               # server LAN (bridge br-srv in v6w-core)
LAB_NET_SERVERS4=198.51.100.0/24

LAB_GW_CLIENTS6=2001:db8:1::1
LAB_GW_CLIENTS4=192.0.2.1
LAB_GW_SERVERS6=2001:db8:2::1
LAB_GW_SERVERS4=198.51.100.1

LAB_C6=2001:db8:1::6                           # v6w-c6: IPv6-only client (no IPv4 at all)
LAB_C46_6=2001:db8:1::46                       # v6w-c46: dual-stack client
LAB_C46_4=192.0.2.46
LAB_WEB46_6=2001:db8:2::46                     # v6w-web46: dual-stack web host
LAB_WEB46_4=198.51.100.46
LAB_WEB6=2001:db8:2::6                         # v6w-web6: IPv6-only web host
LAB_WEB4=198.51.100.4                          # v6w-web4: IPv4-only web host
LAB_DNS6=2001:db8:2::53                        # v6w-dns: dnsmasq, authoritative for lab.test
LAB_DNS4=198.51.100.53

LAB_UNUSED6=2001:db8:1::99                     # on the client LAN, nobody has it
LAB_BLACKHOLE_NET6=2001:db8:dead::/48          # silently dropped by v6w-core
LAB_BLACKHOLE6=2001:db8:dead::1
LAB_NAT64_NET6=64:ff9b::/96                    # well-known NAT64 prefix (no translator yet)
LAB_NAT64_V4ONLY=64:ff9b::c633:6404            # 64:ff9b::198.51.100.4 (v4only, synthesized)
LAB_NAT64_LAB_NET6=2001:db8:64::/96            # tayga in v6w-core translates this prefix
LAB_NAT64_LAB_V4ONLY=2001:db8:64::c633:6404    # 2001:db8:64::198.51.100.4: web4 through NAT64
LAB_NAT64_POOL4=203.0.113.0/24                 # tayga's IPv4 pool (translated sources)
LAB_NAT64_TAYGA4=203.0.113.254                 # tayga's own IPv4 address

LAB_V4ONLY_PORT=8080                           # web46 listens on 0.0.0.0:8080 only
LAB_DNS_CLOSED_PORT=5353                       # nothing listens there on v6w-dns
LAB_BIG_BYTES=4194304                          # size of /big.bin on web46
LAB_TLS_PORT=443                               # web6: HTTPS (openssl s_server) with a lab CA
LAB_V6ONLY_PORT=8086                           # web46 listens on [::]:8086 with IPV6_V6ONLY (exposure)

# Path MTU: a router on the server LAN with two narrower links behind it. Each row:
# short name|link MTU|prefix|router side|host|Packet Too Big delivered (1) or dropped (0).
LAB_MTU_ROUTER6=2001:db8:2::77                 # v6w-mtur on the server LAN
LAB_MTU_PTB6=2001:db8:77::10                   # v6w-mtuptb: behind a 1480 link, PTB works
LAB_MTU_HOLE6=2001:db8:78::10                  # v6w-mtuhole: behind a 1420 link, PTB dropped
LAB_MTU_LINKS=(
  "mtuptb|1480|2001:db8:77::/64|2001:db8:77::1|$LAB_MTU_PTB6|1"
  "mtuhole|1420|2001:db8:78::/64|2001:db8:78::1|$LAB_MTU_HOLE6|0"
)

# TCP black hole: a router on the server LAN whose own link there is narrow while the web host
# behind it and the clients have 1500-byte links, and whose Packet Too Big messages are dropped:
# the host's full-size TCP segments vanish in the middle of the path; small ones pass.
LAB_TCPH_ROUTER6=2001:db8:2::79                # v6w-tcpr on the server LAN, link MTU LAB_TCPH_MTU
LAB_TCPH_MTU=1420
LAB_TCPH_NET6=2001:db8:79::/64                 # the host's link behind v6w-tcpr (MTU 1500)
LAB_TCPH_GW6=2001:db8:79::1                    # v6w-tcpr on that link
LAB_TCPH_WEB6=2001:db8:79::10                  # v6w-tcph: http://[...]/small.html, /large.html

# A 6in4 tunnel (IPv6 in IPv4, IP protocol 41) across the server LAN, like a tunnel broker's:
# userspace (tunnel6in4.py on a TUN device at each end), because this kernel has no sit module.
LAB_TUN_BROKER4=198.51.100.41                  # v6w-tunb: broker end, on the server LAN
LAB_TUN_BROKER6=2001:db8:2::41                 # v6w-tunb's LAN IPv6 (the core routes to it)
LAB_TUN_HOME4=198.51.100.42                    # v6w-tunh: home end, IPv4 only on the LAN
LAB_TUN_NET6=2001:db8:41::/64                  # on-link prefix of the tunnel link
LAB_TUN_BROKER_V6=2001:db8:41::1               # tunnel address, broker end
LAB_TUN_HOME_V6=2001:db8:41::2                 # tunnel address, home end (the far end)
LAB_TUN_ROUTED6=2001:db8:42::/64               # routed by the broker through the tunnel
LAB_TUN_BEHIND6=2001:db8:42::10                # on v6w-tunh's lo: reached only through it
LAB_TUN_MTU=1480                               # TUN MTU at both ends (1500 - 20 for IPv4)
LAB_TUN_DEV=tun6in4                            # the TUN device's name at both ends

# DNS records: name|IPv4|IPv6 (empty = no such record). Names are under LAB_DOMAIN.
LAB_RECORDS=(
  "dual|$LAB_WEB46_4|$LAB_WEB46_6"
  "v6only||$LAB_WEB6"
  "v4only|$LAB_WEB4|"
  "blackhole||$LAB_BLACKHOLE6"
  "unused||$LAB_UNUSED6"
  "nat64||$LAB_NAT64_V4ONLY"
  "v4port|$LAB_WEB46_4|$LAB_WEB46_6"
  "multi||$LAB_WEB6"
  "multi||2001:db8:dead::2"
  "ns|$LAB_DNS4|$LAB_DNS6"
  "tls-wrong||$LAB_WEB6"                      # web6, but not named in its certificate
  # Dependency hosts for the verdict pages (/pages/*.html):
  "font4|$LAB_WEB4|"                          # IPv4 only: fonts pulled in by a stylesheet
  "cdn6||$LAB_WEB6"                           # IPv6 only
  "nat64web||$LAB_NAT64_LAB_V4ONLY"           # web4 reached through tayga (working NAT64)
  "v6dead|$LAB_WEB46_4|2001:db8:dead::46"      # A works, AAAA black-holed: never `ok` over IPv6
  # Path MTU hosts (LAB_MTU_LINKS):
  "mtuptb||$LAB_MTU_PTB6"                     # behind a 1480 link, Packet Too Big works
  "mtuhole||$LAB_MTU_HOLE6"                   # behind a 1420 link, Packet Too Big dropped
)
# The benchmark pages' dependency hosts (write_bench_pages), dep01..dep50: every tenth is
# IPv4 only (web4), every other third IPv6 only (web6), the rest dual-stack (web46).
LAB_BENCH_DEPS=50
for i in $(seq -w 1 "$LAB_BENCH_DEPS"); do
  if (( 10#$i % 10 == 0 )); then LAB_RECORDS+=("dep$i|$LAB_WEB4|")
  elif (( 10#$i % 3 == 0 )); then LAB_RECORDS+=("dep$i||$LAB_WEB6")
  else LAB_RECORDS+=("dep$i|$LAB_WEB46_4|$LAB_WEB46_6"); fi
done
LAB_BENCH_SERVICES=100                         # /pages/bench/svc001.html .. svc100.html
# Names the web6 certificate is valid for.
LAB_TLS_NAMES="DNS:v6only.$LAB_DOMAIN,IP:$LAB_WEB6"

LAB_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
LAB_ENV="$LAB_DIR/lab.env"
LAB_TUN_PROG="$LAB_DIR/tunnel6in4.py"          # one end of the 6in4 tunnel (setup_tunnel)
LAB_RUN="${V6WATCH_LAB_RUN:-/tmp/v6watch-lab${V6WATCH_LAB_PREFIX:+-$V6WATCH_LAB_PREFIX}}"   # docroots, logs; removed by `down`

NS_CORE=$LAB_PREFIX-core
NS_C6=$LAB_PREFIX-c6
NS_C46=$LAB_PREFIX-c46
NS_WEB46=$LAB_PREFIX-web46
NS_WEB6=$LAB_PREFIX-web6
NS_WEB4=$LAB_PREFIX-web4
NS_DNS=$LAB_PREFIX-dns
NS_MTUR=$LAB_PREFIX-mtur
NS_MTUPTB=$LAB_PREFIX-mtuptb
NS_MTUHOLE=$LAB_PREFIX-mtuhole
NS_TUNB=$LAB_PREFIX-tunb
NS_TUNH=$LAB_PREFIX-tunh
NS_TCPR=$LAB_PREFIX-tcpr
NS_TCPH=$LAB_PREFIX-tcph
ALL_NS=("$NS_C6" "$NS_C46" "$NS_WEB46" "$NS_WEB6" "$NS_WEB4" "$NS_DNS" "$NS_MTUPTB" "$NS_MTUHOLE"
  "$NS_MTUR" "$NS_TUNB" "$NS_TUNH" "$NS_TCPH" "$NS_TCPR" "$NS_CORE")

log() { printf 'lab: %s\n' "$*" >&2; }
ns_exists() { ip netns list | awk '{print $1}' | grep -qx -- "$1"; }
in_ns() { local ns=$1; shift; ip netns exec "$ns" "$@"; }

need_root() {
  if [ "$(id -u)" -ne 0 ]; then
    log "must run as root (network namespaces)"; exit 1
  fi
}

ensure_packages() {
  local missing=()
  command -v tayga >/dev/null || missing+=(tayga)
  command -v ip >/dev/null || missing+=(iproute2)
  command -v ping >/dev/null || missing+=(iputils-ping)
  command -v dig >/dev/null || missing+=(bind9-dnsutils)
  command -v dnsmasq >/dev/null || missing+=(dnsmasq-base)
  command -v busybox >/dev/null || missing+=(busybox)
  command -v openssl >/dev/null || missing+=(openssl)
  command -v nft >/dev/null || missing+=(nftables)
  command -v python3 >/dev/null || missing+=(python3-minimal)
  if [ ${#missing[@]} -gt 0 ]; then
    log "installing ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
}

# ---------------------------------------------------------------------------------------
# down
# ---------------------------------------------------------------------------------------
lab_down() {
  local ns pid
  for ns in "${ALL_NS[@]}"; do
    if ns_exists "$ns"; then
      for pid in $(ip netns pids "$ns" 2>/dev/null); do kill "$pid" 2>/dev/null || true; done
    fi
  done
  sleep 0.1
  for ns in "${ALL_NS[@]}"; do
    if ns_exists "$ns"; then
      for pid in $(ip netns pids "$ns" 2>/dev/null); do kill -9 "$pid" 2>/dev/null || true; done
      ip netns del "$ns"
    fi
  done
  rm -rf "$LAB_RUN" "/etc/netns/$NS_C6" "/etc/netns/$NS_C46"
  rm -f "$LAB_ENV"
}

# ---------------------------------------------------------------------------------------
# up
# ---------------------------------------------------------------------------------------
make_ns() {
  local ns=$1
  ip netns add "$ns"
  # No DAD and no router advertisements: addresses are usable at once, routes are static.
  in_ns "$ns" sysctl -qw net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0
  in_ns "$ns" sysctl -qw net.ipv6.conf.all.accept_ra=0 net.ipv6.conf.default.accept_ra=0
  # Unprivileged ping inside the lab, so non-root probes work too.
  in_ns "$ns" sysctl -qw net.ipv4.ping_group_range="0 2147483647"
  ip -n "$ns" link set lo up
}

# plug NS into bridge BR of the core: eth0 in NS, PORT in the core.
plug() {
  local ns=$1 port=$2 br=$3
  ip link add eth0 netns "$ns" type veth peer name "$port" netns "$NS_CORE"
  ip -n "$NS_CORE" link set "$port" master "$br"
  ip -n "$NS_CORE" link set "$port" up
  ip -n "$ns" link set eth0 up
}

addr6() { ip -n "$1" -6 addr add "$2/64" dev eth0 nodad; }
addr4() { ip -n "$1" addr add "$2/24" dev eth0; }

setup_core() {
  make_ns "$NS_CORE"
  in_ns "$NS_CORE" sysctl -qw net.ipv6.conf.all.forwarding=1 net.ipv4.ip_forward=1
  local br
  for br in br-cl br-srv; do
    ip -n "$NS_CORE" link add "$br" type bridge mcast_snooping 0
    ip -n "$NS_CORE" link set "$br" up
  done
  ip -n "$NS_CORE" -6 addr add "$LAB_GW_CLIENTS6/64" dev br-cl nodad
  ip -n "$NS_CORE" addr add "$LAB_GW_CLIENTS4/24" dev br-cl
  ip -n "$NS_CORE" -6 addr add "$LAB_GW_SERVERS6/64" dev br-srv nodad
  ip -n "$NS_CORE" addr add "$LAB_GW_SERVERS4/24" dev br-srv
  # A silent drop: probes to this prefix time out.
  ip -n "$NS_CORE" -6 route add blackhole "$LAB_BLACKHOLE_NET6"
}

# NAT64: tayga (userspace, TUN) in the core translates LAB_NAT64_LAB_NET6 to IPv4. It refuses
# the well-known prefix 64:ff9b::/96 for non-global IPv4 (the lab's documentation ranges), so
# the lab uses a network-specific prefix; 64:ff9b::/96 stays unrouted (nat64.lab.test).
setup_nat64() {
  local dir="$LAB_RUN/tayga"
  mkdir -p "$dir"
  cat >"$dir/tayga.conf" <<CONF
tun-device nat64
ipv4-addr $LAB_NAT64_TAYGA4
prefix $LAB_NAT64_LAB_NET6
dynamic-pool $LAB_NAT64_POOL4
data-dir $dir
CONF
  in_ns "$NS_CORE" tayga -c "$dir/tayga.conf" --mktun >/dev/null
  ip -n "$NS_CORE" link set nat64 up
  ip -n "$NS_CORE" addr add "$LAB_GW_SERVERS4" dev nat64
  ip -n "$NS_CORE" -6 addr add "$LAB_GW_SERVERS6" dev nat64 nodad
  ip -n "$NS_CORE" route add "$LAB_NAT64_POOL4" dev nat64
  ip -n "$NS_CORE" -6 route add "$LAB_NAT64_LAB_NET6" dev nat64
  daemon "$NS_CORE" tayga tayga -c "$dir/tayga.conf" --nodetach
}

setup_clients() {
  make_ns "$NS_C6"
  plug "$NS_C6" c6 br-cl
  addr6 "$NS_C6" "$LAB_C6"
  ip -n "$NS_C6" -6 route add default via "$LAB_GW_CLIENTS6"

  make_ns "$NS_C46"
  plug "$NS_C46" c46 br-cl
  addr6 "$NS_C46" "$LAB_C46_6"
  addr4 "$NS_C46" "$LAB_C46_4"
  ip -n "$NS_C46" -6 route add default via "$LAB_GW_CLIENTS6"
  ip -n "$NS_C46" route add default via "$LAB_GW_CLIENTS4"

  # `ip netns exec` bind-mounts these over /etc/resolv.conf.
  local ns
  for ns in "$NS_C6" "$NS_C46"; do
    mkdir -p "/etc/netns/$ns"
    printf 'nameserver %s\n' "$LAB_DNS6" >"/etc/netns/$ns/resolv.conf"
  done
}

setup_servers() {
  make_ns "$NS_WEB46"
  plug "$NS_WEB46" web46 br-srv
  addr6 "$NS_WEB46" "$LAB_WEB46_6"
  addr4 "$NS_WEB46" "$LAB_WEB46_4"
  ip -n "$NS_WEB46" -6 route add default via "$LAB_GW_SERVERS6"
  ip -n "$NS_WEB46" route add default via "$LAB_GW_SERVERS4"

  make_ns "$NS_WEB6"
  plug "$NS_WEB6" web6 br-srv
  addr6 "$NS_WEB6" "$LAB_WEB6"
  ip -n "$NS_WEB6" -6 route add default via "$LAB_GW_SERVERS6"

  make_ns "$NS_WEB4"
  plug "$NS_WEB4" web4 br-srv
  in_ns "$NS_WEB4" sysctl -qw net.ipv6.conf.eth0.disable_ipv6=1
  addr4 "$NS_WEB4" "$LAB_WEB4"
  ip -n "$NS_WEB4" route add default via "$LAB_GW_SERVERS4"

  make_ns "$NS_DNS"
  plug "$NS_DNS" dns br-srv
  addr6 "$NS_DNS" "$LAB_DNS6"
  addr4 "$NS_DNS" "$LAB_DNS4"
  ip -n "$NS_DNS" -6 route add default via "$LAB_GW_SERVERS6"
  ip -n "$NS_DNS" route add default via "$LAB_GW_SERVERS4"
}

# Path MTU links (LAB_MTU_LINKS): the router v6w-mtur on the server LAN, one host namespace
# per row behind a veth of the row's MTU. Where PTB is dropped, nft in the router discards the
# Packet Too Big messages quoting a packet for that prefix (the quoted IPv6 destination starts
# 32 bytes into the ICMPv6 message): large packets then vanish, a PMTU black hole.
setup_mtu() {
  make_ns "$NS_MTUR"
  in_ns "$NS_MTUR" sysctl -qw net.ipv6.conf.all.forwarding=1
  plug "$NS_MTUR" mtur br-srv
  addr6 "$NS_MTUR" "$LAB_MTU_ROUTER6"
  ip -n "$NS_MTUR" -6 route add default via "$LAB_GW_SERVERS6"
  in_ns "$NS_MTUR" nft add table ip6 v6watch_lab
  in_ns "$NS_MTUR" nft add chain ip6 v6watch_lab out '{ type filter hook output priority 0; }'
  local row name mtu prefix gw host ptb net
  for row in "${LAB_MTU_LINKS[@]}"; do
    IFS='|' read -r name mtu prefix gw host ptb <<<"$row"
    local ns=$LAB_PREFIX-$name
    make_ns "$ns"
    ip link add eth0 netns "$ns" mtu "$mtu" type veth peer name "$name" netns "$NS_MTUR" mtu "$mtu"
    ip -n "$ns" link set eth0 up
    ip -n "$NS_MTUR" link set "$name" up
    ip -n "$NS_MTUR" -6 addr add "$gw/64" dev "$name" nodad
    addr6 "$ns" "$host"
    ip -n "$ns" -6 route add default via "$gw"
    ip -n "$NS_CORE" -6 route add "$prefix" via "$LAB_MTU_ROUTER6"
    if [ "$ptb" = 0 ]; then
      local a b c d
      IFS=: read -r a b c d <<<"${prefix%%::/64}"
      net=$(printf '0x%04x%04x%04x%04x' "0x$a" "0x${b:-0}" "0x${c:-0}" "0x${d:-0}")
      in_ns "$NS_MTUR" nft add rule ip6 v6watch_lab out icmpv6 type packet-too-big @th,256,64 "$net" drop
    fi
  done
}

# TCP black hole (LAB_TCPH_*): v6w-tcpr plugged into the server LAN with an MTU of
# LAB_TCPH_MTU, v6w-tcph behind it on a 1500-byte link. Both ends of a connection announce an
# MSS for 1500, the host's full-size segments are too big for v6w-tcpr's LAN link, and nft
# drops the Packet Too Big it sends back. Linux's TCP MTU probing is off by default, so the
# stall lasts.
setup_tcp_hole() {
  make_ns "$NS_TCPR"
  in_ns "$NS_TCPR" sysctl -qw net.ipv6.conf.all.forwarding=1
  plug "$NS_TCPR" tcpr br-srv
  ip -n "$NS_TCPR" link set eth0 mtu "$LAB_TCPH_MTU"
  addr6 "$NS_TCPR" "$LAB_TCPH_ROUTER6"
  ip -n "$NS_TCPR" -6 route add default via "$LAB_GW_SERVERS6"
  make_ns "$NS_TCPH"
  ip link add eth0 netns "$NS_TCPH" type veth peer name tcph netns "$NS_TCPR"
  ip -n "$NS_TCPH" link set eth0 up
  ip -n "$NS_TCPR" link set tcph up
  ip -n "$NS_TCPR" -6 addr add "$LAB_TCPH_GW6/64" dev tcph nodad
  addr6 "$NS_TCPH" "$LAB_TCPH_WEB6"
  ip -n "$NS_TCPH" -6 route add default via "$LAB_TCPH_GW6"
  ip -n "$NS_CORE" -6 route add "$LAB_TCPH_NET6" via "$LAB_TCPH_ROUTER6"
  in_ns "$NS_TCPR" nft add table ip6 v6watch_lab
  in_ns "$NS_TCPR" nft add chain ip6 v6watch_lab out '{ type filter hook output priority 0; }'
  in_ns "$NS_TCPR" nft add rule ip6 v6watch_lab out icmpv6 type packet-too-big drop
  local dir="$LAB_RUN/www/tcph" i
  mkdir -p "$dir"
  printf '<!doctype html>\n<title>small</title>\n<p>fits in one packet</p>\n' >"$dir/small.html"
  {
    printf '<!doctype html>\n<title>large</title>\n'
    for i in $(seq 1 400); do printf '<p>line %03d of a page that needs many full-size packets</p>\n' "$i"; done
  } >"$dir/large.html"
  daemon "$NS_TCPH" tcph busybox httpd -f -p "[::]:80" -h "$dir"
}

# 6in4 tunnel: v6w-tunb (broker end, dual stack, forwarding) and v6w-tunh (home end, IPv4
# only on the LAN) on the server LAN, joined by tunnel6in4.py (IPv4 protocol 41) on a TUN
# device of MTU LAB_TUN_MTU at each end. The home end's only IPv6 is the tunnel's: its
# default route goes through it, and LAB_TUN_BEHIND6 (on lo) sits in the routed prefix.
setup_tunnel() {
  make_ns "$NS_TUNB"
  in_ns "$NS_TUNB" sysctl -qw net.ipv6.conf.all.forwarding=1
  plug "$NS_TUNB" tunb br-srv
  addr6 "$NS_TUNB" "$LAB_TUN_BROKER6"
  addr4 "$NS_TUNB" "$LAB_TUN_BROKER4"
  ip -n "$NS_TUNB" -6 route add default via "$LAB_GW_SERVERS6"
  ip -n "$NS_TUNB" route add default via "$LAB_GW_SERVERS4"

  make_ns "$NS_TUNH"
  plug "$NS_TUNH" tunh br-srv
  in_ns "$NS_TUNH" sysctl -qw net.ipv6.conf.eth0.disable_ipv6=1
  addr4 "$NS_TUNH" "$LAB_TUN_HOME4"
  ip -n "$NS_TUNH" route add default via "$LAB_GW_SERVERS4"
  ip -n "$NS_TUNH" -6 addr add "$LAB_TUN_BEHIND6/128" dev lo nodad

  ip -n "$NS_CORE" -6 route add "$LAB_TUN_NET6" via "$LAB_TUN_BROKER6"
  ip -n "$NS_CORE" -6 route add "$LAB_TUN_ROUTED6" via "$LAB_TUN_BROKER6"
  tunnel_start
}

# The tunnel's links, idempotent. The TUN devices are persistent (`ip tuntap add`): their
# MTU, addresses and routes stay while the program is stopped (tunnel-stop), and what is
# routed into a TUN device nobody reads is dropped, silently.
tunnel_links() {
  local ns len=${LAB_TUN_NET6#*/}
  for ns in "$NS_TUNB" "$NS_TUNH"; do
    ip -n "$ns" link show "$LAB_TUN_DEV" >/dev/null 2>&1 \
      || ip -n "$ns" tuntap add dev "$LAB_TUN_DEV" mode tun
    ip -n "$ns" link set "$LAB_TUN_DEV" mtu "$LAB_TUN_MTU" up
  done
  ip -n "$NS_TUNB" -6 addr replace "$LAB_TUN_BROKER_V6/$len" dev "$LAB_TUN_DEV" nodad
  ip -n "$NS_TUNH" -6 addr replace "$LAB_TUN_HOME_V6/$len" dev "$LAB_TUN_DEV" nodad
  ip -n "$NS_TUNB" -6 route replace "$LAB_TUN_ROUTED6" via "$LAB_TUN_HOME_V6" dev "$LAB_TUN_DEV"
  ip -n "$NS_TUNH" -6 route replace default via "$LAB_TUN_BROKER_V6" dev "$LAB_TUN_DEV"
}

# tunnel_pids NS: the ids of the tunnel program's processes in NS.
tunnel_pids() {
  local pid
  for pid in $(ip netns pids "$1" 2>/dev/null); do
    if tr '\0' ' ' 2>/dev/null <"/proc/$pid/cmdline" | grep -qF -- "$LAB_TUN_PROG"; then
      echo "$pid"
    fi
  done
}

# Start the tunnel program at each end where it does not run (tunnel-start, and up).
tunnel_start() {
  mkdir -p "$LAB_RUN/log"
  tunnel_links
  [ -n "$(tunnel_pids "$NS_TUNB")" ] || daemon "$NS_TUNB" tunnel-broker python3 "$LAB_TUN_PROG" \
    --dev "$LAB_TUN_DEV" --local "$LAB_TUN_BROKER4" --peer "$LAB_TUN_HOME4"
  [ -n "$(tunnel_pids "$NS_TUNH")" ] || daemon "$NS_TUNH" tunnel-home python3 "$LAB_TUN_PROG" \
    --dev "$LAB_TUN_DEV" --local "$LAB_TUN_HOME4" --peer "$LAB_TUN_BROKER4"
}

# Stop it at both ends (tunnel-stop): the namespaces and their IPv4 stay, IPv6 to the home
# end and behind it is lost.
tunnel_stop() {
  local ns pid i
  for ns in "$NS_TUNB" "$NS_TUNH"; do
    for pid in $(tunnel_pids "$ns"); do kill "$pid" 2>/dev/null || true; done
  done
  for i in $(seq 1 20); do
    [ -n "$(tunnel_pids "$NS_TUNB")$(tunnel_pids "$NS_TUNH")" ] || return 0
    sleep 0.05
  done
  for ns in "$NS_TUNB" "$NS_TUNH"; do
    for pid in $(tunnel_pids "$ns"); do kill -9 "$pid" 2>/dev/null || true; done
  done
}

# Wait (up to ~5 s) until the dual-stack client reaches the host behind the tunnel.
wait_tunnel() {
  local end=$(( $(date +%s%N) / 1000000 + 5000 ))
  while [ "$(( $(date +%s%N) / 1000000 ))" -lt "$end" ]; do
    if in_ns "$NS_C46" ping -6 -c1 -W0.2 "$LAB_TUN_BEHIND6" >/dev/null 2>&1; then return 0; fi
    sleep 0.05
  done
  log "the 6in4 tunnel carries no IPv6 to $LAB_TUN_BEHIND6; logs in $LAB_RUN/log/tunnel-*.log"
  return 1
}

# A CGI script for busybox httpd that answers a redirect.
cgi_redirect() {
  local file=$1 location=$2
  printf '#!/bin/sh\nprintf '"'"'Status: 302 Found\\r\\nLocation: %s\\r\\nContent-Type: text/plain\\r\\n\\r\\nmoved\\n'"'"'\n' \
    "$location" >"$file"
  chmod +x "$file"
}

write_docroots() {
  local host dir
  for host in web46 web6 web4; do
    dir="$LAB_RUN/www/$host"
    mkdir -p "$dir/cgi-bin"
    printf '<!doctype html>\n<title>v6watch lab %s</title>\n<h1>v6watch lab: %s</h1>\n' \
      "$host" "$host" >"$dir/index.html"
  done
  dir="$LAB_RUN/www/web46"
  head -c "$LAB_BIG_BYTES" /dev/zero >"$dir/big.bin"
  cgi_redirect "$dir/cgi-bin/to-v4only" "http://v4only.$LAB_DOMAIN/"
  cgi_redirect "$dir/cgi-bin/to-v6only" "http://v6only.$LAB_DOMAIN/"
  cgi_redirect "$dir/cgi-bin/loop" "/cgi-bin/loop"
  printf '#!/bin/sh\nprintf '"'"'Status: 302 Found\\r\\nContent-Type: text/plain\\r\\n\\r\\nno location\\n'"'"'\n' \
    >"$dir/cgi-bin/no-location"
  printf '#!/bin/sh\nsleep 30\nprintf '"'"'Content-Type: text/plain\\r\\n\\r\\nslow\\n'"'"'\n' \
    >"$dir/cgi-bin/slow"
  chmod +x "$dir/cgi-bin/no-location" "$dir/cgi-bin/slow"
}

# Pages for the verdict stage: each pulls resources from hosts that do or do not work over
# IPv6. Dependency files need not exist (any HTTP answer counts), but most do.
write_pages() {
  local d="$LAB_DOMAIN" web46="$LAB_RUN/www/web46/pages" web6="$LAB_RUN/www/web6/pages"
  local web4="$LAB_RUN/www/web4/pages"
  mkdir -p "$web46" "$web6" "$web4"
  printf 'console.log("v6watch lab");\n' | tee "$web6/app.js" >"$web4/app.js"
  printf 'PNG' | tee "$web46/logo.png" "$web46/bg.png" "$web6/logo-2x.png" >"$web4/logo-3x.png"
  printf 'wOF2' >"$web4/f.woff2"
  # Everything over IPv6: http://dual.lab.test/pages/ready.html
  cat >"$web46/ready.html" <<HTML
<!doctype html>
<title>ready over IPv6</title>
<link rel=stylesheet href="http://cdn6.$d/pages/plain.css">
<script src="http://v6only.$d/pages/app.js"></script>
<img src="/pages/logo.png" alt="">
HTML
  printf 'body { background: url(http://dual.%s/pages/bg.png); }\n' "$d" >"$web6/plain.css"
  # Works, but several dependencies do not: http://dual.lab.test/pages/partial.html
  cat >"$web46/partial.html" <<HTML
<!doctype html>
<title>partial over IPv6</title>
<link rel=stylesheet href="http://cdn6.$d/pages/fonts.css">
<script src="http://v4only.$d/pages/app.js"></script>
<script src="http://missing.$d/app.js"></script>
<img src="http://dual.$d/pages/logo.png" alt=""
  srcset="http://v6only.$d/pages/logo-2x.png 2x, http://nat64web.$d/pages/logo-3x.png 3x">
<iframe src="http://blackhole.$d/frame.html"></iframe>
<img src="http://v4port.$d:$LAB_V4ONLY_PORT/pages/logo.png" alt="">
HTML
  # A font that only the stylesheet (on an IPv6-only host) names, on an IPv4-only host.
  printf '@font-face { font-family: lab; src: url(http://font4.%s/pages/f.woff2) format("woff2"); }\n' \
    "$d" >"$web6/fonts.css"
  # Ready, with one dependency reached only through NAT64: http://v6only.lab.test/pages/nat64.html
  cat >"$web6/nat64.html" <<HTML
<!doctype html>
<title>NAT64 dependency</title>
<img src="http://nat64web.$d/pages/logo-3x.png" alt="">
HTML
}

# A lab CA and a certificate for web6, signed by it. Tests trust $LAB_RUN/tls/ca.pem only.
# Pages whose IPv4-only dependency only a browser finds: it is asked for by a script (fetch,
# an inserted <script>, a module import, a WebSocket) or by the page inside an iframe.
# http://dual.lab.test/pages/js/<name>.html
write_script_pages() {
  local d="$LAB_DOMAIN" web46="$LAB_RUN/www/web46/pages/js" web6="$LAB_RUN/www/web6/pages/js"
  local web4="$LAB_RUN/www/web4/pages"
  mkdir -p "$web46" "$web6"
  printf 'export const lab = 1;\n' >"$web4/mod.js"
  # Would load cdn6 if it ever ran: a cascade the IPv6-only browser never reaches.
  printf 'fetch("http://cdn6.%s/pages/app.js");\n' "$d" >"$web4/loader.js"
  page() { printf '<!doctype html>\n<title>%s</title>\n%s\n' "$2" "$3" >"$1"; }
  page "$web46/fetch.html" "fetch" \
    "<script>fetch('http://v4only.$d/pages/app.js').catch(() => {});</script>"
  page "$web46/inserted.html" "inserted script" \
    "<script>const s = document.createElement('script'); s.src = 'http://v4only.$d/pages/loader.js'; document.head.append(s);</script>"
  page "$web46/module.html" "module import" \
    "<script type=module>import 'http://v4only.$d/pages/mod.js';</script>"
  page "$web46/websocket.html" "websocket" \
    "<script>try { new WebSocket('ws://v4only.$d/socket'); } catch (e) {}</script>"
  page "$web46/iframe.html" "iframe" "<iframe src=\"http://v6only.$d/pages/js/inner.html\"></iframe>"
  page "$web6/inner.html" "inside the frame" \
    "<script>fetch('http://font4.$d/pages/f.woff2').catch(() => {});</script>"
  page "$web46/v6script.html" "script from an IPv6-only host" \
    "<script>const s = document.createElement('script'); s.src = 'http://cdn6.$d/pages/app.js'; document.head.append(s);</script>"
  # IPv4 works, IPv6 is black-holed: broken (timeout) from the dual-stack client too.
  page "$web46/v6dead.html" "IPv6 black-holed" \
    "<script>fetch('http://v6dead.$d/pages/app.js').catch(() => {});</script>"
  # A dedicated worker's own requests: the page's session does not report them.
  printf 'fetch("http://v4only.%s/pages/app.js").catch(() => {});\n' "$d" >"$web46/worker.js"
  page "$web46/worker.html" "worker" "<script>new Worker('/pages/js/worker.js');</script>"
  page "$web46/nat64script.html" "script through NAT64" \
    "<script>const s = document.createElement('script'); s.src = 'http://nat64web.$d/pages/app.js'; document.head.append(s);</script>"
}

# Pages for verdict/benches/browser.rs. http://dual.lab.test/pages/bench/deps50.html has one
# dependency on each of dep01..dep50, in turn a script, a stylesheet, an image and a fetch()
# (which only the browser judge sees). svc001..svc100.html are small service pages of four
# dependencies each (stylesheet, script, image, fetch), odd ones on dual.lab.test, even ones on
# v6only.lab.test (both docroots have them all).
write_bench_pages() {
  local d="$LAB_DOMAIN" host i n dir tags=""
  for host in web46 web6 web4; do
    dir="$LAB_RUN/www/$host/pages/bench"
    mkdir -p "$dir"
    printf 'console.log("v6watch bench");\n' >"$dir/a.js"
    printf 'p { color: #222; }\n' >"$dir/s.css"
    printf 'PNG' >"$dir/i.png"
  done
  dep() {  # dep NN KIND: one dependency on depNN.lab.test
    local url="http://dep$1.$d/pages/bench"
    case $2 in
      0) printf '<script src="%s/a.js"></script>\n' "$url" ;;
      1) printf '<link rel=stylesheet href="%s/s.css">\n' "$url" ;;
      2) printf '<img src="%s/i.png" alt="">\n' "$url" ;;
      3) printf '<script>fetch("%s/a.js").catch(() => {});</script>\n' "$url" ;;
    esac
  }
  for i in $(seq 1 "$LAB_BENCH_DEPS"); do tags+=$(dep "$(printf %02d "$i")" $((i % 4))); tags+=$'\n'; done
  printf '<!doctype html>\n<title>%s dependencies</title>\n%s' "$LAB_BENCH_DEPS" "$tags" \
    >"$LAB_RUN/www/web46/pages/bench/deps50.html"
  for i in $(seq 1 "$LAB_BENCH_SERVICES"); do
    tags=""
    for n in 0 1 2 3; do
      tags+=$(dep "$(printf %02d $(( (i + 13 * n) % LAB_BENCH_DEPS + 1 )))" "$n"); tags+=$'\n'
    done
    for host in web46 web6; do
      printf '<!doctype html>\n<title>service %s</title>\n%s' "$i" "$tags" \
        >"$LAB_RUN/www/$host/pages/bench/svc$(printf %03d "$i").html"
    done
  done
}

write_tls() {
  local dir="$LAB_RUN/tls"
  mkdir -p "$dir"
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 30 \
    -subj "/CN=v6watch lab CA" -keyout "$dir/ca.key" -out "$dir/ca.pem" 2>/dev/null
  openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
    -subj "/CN=v6only.$LAB_DOMAIN" -addext "subjectAltName=$LAB_TLS_NAMES" \
    -keyout "$dir/web6.key" -out "$dir/web6.csr" 2>/dev/null
  openssl x509 -req -in "$dir/web6.csr" -CA "$dir/ca.pem" -CAkey "$dir/ca.key" \
    -CAcreateserial -copy_extensions copy -days 30 -out "$dir/web6.pem" 2>/dev/null
}

# Run a daemon inside a namespace, detached, logging to $LAB_RUN/log/NAME.log.
daemon() {
  local ns=$1 name=$2; shift 2
  in_ns "$ns" setsid -f "$@" >"$LAB_RUN/log/$name.log" 2>&1 </dev/null
}

start_web() {
  mkdir -p "$LAB_RUN/log"
  # busybox httpd on [::] is a dual-stack socket.
  daemon "$NS_WEB46" web46 busybox httpd -f -p "[::]:80" -h "$LAB_RUN/www/web46"
  daemon "$NS_WEB46" web46-v4port busybox httpd -f -p "0.0.0.0:$LAB_V4ONLY_PORT" -h "$LAB_RUN/www/web46"
  daemon "$NS_WEB6" web6 busybox httpd -f -p "[::]:80" -h "$LAB_RUN/www/web6"
  daemon "$NS_WEB4" web4 busybox httpd -f -p "0.0.0.0:80" -h "$LAB_RUN/www/web4"
  # HTTPS: serves files of the docroot by name (`/index.html`; `/` is not an index).
  (cd "$LAB_RUN/www/web6" && daemon "$NS_WEB6" web6-tls openssl s_server -quiet -WWW \
    -accept "[::]:$LAB_TLS_PORT" -cert "$LAB_RUN/tls/web6.pem" -key "$LAB_RUN/tls/web6.key")
}

# Exposure scan: a port that answers over IPv6 only (like Docker < 27 publishing over IPv6
# with no ip6tables rules). busybox httpd cannot set IPV6_V6ONLY, so a tiny python listener.
start_v6only_listener() {
  daemon "$NS_WEB46" web46-v6only python3 -c '
import socket, sys
s = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
s.bind(("::", int(sys.argv[1])))
s.listen(64)
while True:
    s.accept()[0].close()
' "$LAB_V6ONLY_PORT"
}

start_dns() {
  local args=(-k --conf-file=/dev/null --no-resolv --no-hosts --bind-interfaces
    --listen-address="$LAB_DNS6" --listen-address="$LAB_DNS4" --except-interface=lo
    --local="/$LAB_DOMAIN/" --pid-file= --user=root --group=root
    --log-queries --log-facility="$LAB_RUN/log/dnsmasq-queries.log")
  local row name v4 v6 value
  for row in "${LAB_RECORDS[@]}"; do
    IFS='|' read -r name v4 v6 <<<"$row"
    value="$name.$LAB_DOMAIN"
    [ -n "$v4" ] && value="$value,$v4"
    [ -n "$v6" ] && value="$value,$v6"
    args+=(--host-record="$value")
  done
  daemon "$NS_DNS" dnsmasq dnsmasq "${args[@]}"
}

# (busybox 1.35's `wget -T` crashes: bound wget with timeout(1) instead.)

# First packets must not wait for neighbour discovery: resolve neighbours now.
prime() {
  local target
  for target in "$LAB_C6" "$LAB_C46_6" "$LAB_WEB46_6" "$LAB_WEB6" "$LAB_DNS6"; do
    in_ns "$NS_CORE" ping -6 -c1 -W1 "$target" >/dev/null 2>&1 || true
  done
  for target in "$LAB_C46_4" "$LAB_WEB46_4" "$LAB_WEB4" "$LAB_DNS4"; do
    in_ns "$NS_CORE" ping -4 -c1 -W1 "$target" >/dev/null 2>&1 || true
  done
  in_ns "$NS_C6" ping -6 -c1 -W1 "$LAB_GW_CLIENTS6" >/dev/null 2>&1 || true
  in_ns "$NS_C46" ping -6 -c1 -W1 "$LAB_GW_CLIENTS6" >/dev/null 2>&1 || true
  in_ns "$NS_C46" ping -4 -c1 -W1 "$LAB_GW_CLIENTS4" >/dev/null 2>&1 || true
  # The tunnel: the core and the broker's LAN side, then the IPv4 between the two ends.
  in_ns "$NS_CORE" ping -6 -c1 -W1 "$LAB_TUN_BROKER6" >/dev/null 2>&1 || true
  # The TCP black hole's router, and its host from it.
  in_ns "$NS_CORE" ping -6 -c1 -W1 "$LAB_TCPH_ROUTER6" >/dev/null 2>&1 || true
  in_ns "$NS_TCPR" ping -6 -c1 -W1 "$LAB_TCPH_WEB6" >/dev/null 2>&1 || true
  for target in "$LAB_TUN_BROKER4" "$LAB_TUN_HOME4"; do
    in_ns "$NS_CORE" ping -4 -c1 -W1 "$target" >/dev/null 2>&1 || true
  done
  in_ns "$NS_TUNB" ping -4 -c1 -W1 "$LAB_TUN_HOME4" >/dev/null 2>&1 || true
  in_ns "$NS_TUNH" ping -4 -c1 -W1 "$LAB_TUN_BROKER4" >/dev/null 2>&1 || true
}

wait_ready() {
  local i
  for i in $(seq 1 50); do
    if in_ns "$NS_C6" dig +time=1 +tries=1 +short AAAA "dual.$LAB_DOMAIN" "@$LAB_DNS6" 2>/dev/null \
        | grep -q "$LAB_WEB46_6" \
      && in_ns "$NS_C6" timeout 1 busybox wget -q -O /dev/null "http://[$LAB_WEB6]/" 2>/dev/null; then
      return 0
    fi
    sleep 0.1
  done
  log "lab did not become ready; logs in $LAB_RUN/log"
  return 1
}

write_env() {
  {
    echo "# Generated by tests/lab/lab.sh up; do not edit (edit the table in lab.sh)."
    local var
    for var in LAB_DOMAIN LAB_NET_CLIENTS6 LAB_NET_CLIENTS4 LAB_NET_SERVERS6 LAB_NET_SERVERS4 \
      LAB_GW_CLIENTS6 LAB_GW_CLIENTS4 LAB_GW_SERVERS6 LAB_GW_SERVERS4 \
      LAB_C6 LAB_C46_6 LAB_C46_4 LAB_WEB46_6 LAB_WEB46_4 LAB_WEB6 LAB_WEB4 LAB_DNS6 LAB_DNS4 \
      LAB_UNUSED6 LAB_BLACKHOLE_NET6 LAB_BLACKHOLE6 LAB_NAT64_NET6 LAB_NAT64_V4ONLY \
      LAB_NAT64_LAB_NET6 LAB_NAT64_LAB_V4ONLY LAB_NAT64_POOL4 LAB_NAT64_TAYGA4 \
      LAB_V4ONLY_PORT LAB_DNS_CLOSED_PORT LAB_BIG_BYTES LAB_TLS_PORT LAB_RUN \
      LAB_MTU_ROUTER6 LAB_MTU_PTB6 LAB_MTU_HOLE6 LAB_V6ONLY_PORT LAB_BENCH_DEPS \
      LAB_BENCH_SERVICES LAB_TUN_BROKER4 LAB_TUN_BROKER6 LAB_TUN_HOME4 LAB_TUN_NET6 \
      LAB_TUN_BROKER_V6 LAB_TUN_HOME_V6 LAB_TUN_ROUTED6 LAB_TUN_BEHIND6 LAB_TUN_MTU \
      LAB_TUN_DEV LAB_TCPH_ROUTER6 LAB_TCPH_MTU LAB_TCPH_NET6 LAB_TCPH_WEB6; do
      echo "$var=${!var}"
    done
    echo "LAB_TLS_CA=$LAB_RUN/tls/ca.pem"
    echo "LAB_NS_CORE=$NS_CORE"
    echo "LAB_NS_C6=$NS_C6"
    echo "LAB_NS_C46=$NS_C46"
    echo "LAB_NS_WEB46=$NS_WEB46"
    echo "LAB_NS_WEB6=$NS_WEB6"
    echo "LAB_NS_WEB4=$NS_WEB4"
    echo "LAB_NS_DNS=$NS_DNS"
    echo "LAB_NS_MTUR=$NS_MTUR"
    echo "LAB_NS_TUNB=$NS_TUNB"
    echo "LAB_NS_TUNH=$NS_TUNH"
  } >"$LAB_ENV"
}

lab_up() {
  ensure_packages
  lab_down
  mkdir -p "$LAB_RUN/log"
  setup_core
  setup_clients
  setup_servers
  write_docroots
  write_pages
  write_script_pages
  write_bench_pages
  write_tls
  start_web
  start_v6only_listener
  start_dns
  setup_nat64
  setup_mtu
  setup_tcp_hole
  setup_tunnel
  prime
  wait_ready
  wait_tunnel
  write_env
  log "up: namespaces ${ALL_NS[*]}; addresses in $LAB_ENV"
}

# ---------------------------------------------------------------------------------------
# status
# ---------------------------------------------------------------------------------------
check() {
  local what=$1; shift
  if "$@" >/dev/null 2>&1; then echo "  ok    $what"; else echo "  FAIL  $what"; return 1; fi
}

lab_status() {
  local ns failed=0
  for ns in "${ALL_NS[@]}"; do
    if ns_exists "$ns"; then
      echo "$ns: $(ip netns pids "$ns" | xargs -r -n1 ps -o comm= -p | sort | uniq -c | xargs echo)"
    else
      echo "$ns: missing"; failed=1
    fi
  done
  [ "$failed" -eq 0 ] || return 1
  echo "checks:"
  check "c6 resolves dual.$LAB_DOMAIN AAAA" \
    sh -c "ip netns exec $NS_C6 dig +short AAAA dual.$LAB_DOMAIN @$LAB_DNS6 | grep -q ." || failed=1
  check "c6 pings web6 over IPv6" in_ns "$NS_C6" ping -6 -c1 -W1 "$LAB_WEB6" || failed=1
  check "c6 fetches http://[$LAB_WEB46_6]/" \
    in_ns "$NS_C6" timeout 2 busybox wget -q -O /dev/null "http://[$LAB_WEB46_6]/" || failed=1
  check "c46 fetches http://$LAB_WEB4/" \
    in_ns "$NS_C46" timeout 2 busybox wget -q -O /dev/null "http://$LAB_WEB4/" || failed=1
  check "c46 fetches http://$LAB_WEB46_4:$LAB_V4ONLY_PORT/" \
    in_ns "$NS_C46" timeout 2 busybox wget -q -O /dev/null "http://$LAB_WEB46_4:$LAB_V4ONLY_PORT/" || failed=1
  check "c6 fetches https://[$LAB_WEB6]/index.html (lab CA)" \
    sh -c "printf 'GET /index.html HTTP/1.0\r\n\r\n' | ip netns exec $NS_C6 timeout 2 \
      openssl s_client -quiet -verify_return_error -CAfile $LAB_RUN/tls/ca.pem \
      -verify_ip $LAB_WEB6 -connect [$LAB_WEB6]:$LAB_TLS_PORT 2>/dev/null | grep -q 'v6watch lab'" || failed=1
  check "c6 fetches http://[$LAB_NAT64_LAB_V4ONLY]/ (web4 through NAT64)" \
    in_ns "$NS_C6" timeout 2 busybox wget -q -O /dev/null "http://[$LAB_NAT64_LAB_V4ONLY]/" || failed=1
  check "c6 has no IPv4 route" sh -c "! ip -n $NS_C6 -4 route | grep -q ." || failed=1
  check "c46 pings the tunnel's home end $LAB_TUN_HOME4 over IPv4" \
    in_ns "$NS_C46" ping -4 -c1 -W1 "$LAB_TUN_HOME4" || failed=1
  check "c46 pings $LAB_TUN_HOME_V6 over IPv6 (the 6in4 tunnel's far end)" \
    in_ns "$NS_C46" ping -6 -c1 -W1 "$LAB_TUN_HOME_V6" || failed=1
  check "c46 pings $LAB_TUN_BEHIND6 over IPv6 (behind the tunnel)" \
    in_ns "$NS_C46" ping -6 -c1 -W1 "$LAB_TUN_BEHIND6" || failed=1
  check "a $LAB_TUN_MTU-byte packet crosses the tunnel unfragmented (ping -M do -s $((LAB_TUN_MTU - 48)))" \
    in_ns "$NS_C46" ping -6 -c1 -W1 -M do -s $((LAB_TUN_MTU - 48)) "$LAB_TUN_BEHIND6" || failed=1
  check "a $((LAB_TUN_MTU + 1))-byte packet does not: Packet Too Big, mtu $LAB_TUN_MTU (the broker's TUN)" \
    tunnel_too_big || failed=1
  return "$failed"
}

# One byte over the tunnel MTU: the ping fails, and what stops it is a Packet Too Big of mtu
# LAB_TUN_MTU: from the broker's LAN address, or (once it is cached) c46's own path MTU for
# the address, learned from that message.
tunnel_too_big() {
  local out
  if out=$(in_ns "$NS_C46" ping -6 -c1 -W1 -M do -s $((LAB_TUN_MTU - 47)) "$LAB_TUN_BEHIND6" 2>&1); then
    return 1
  fi
  grep -Eq "From $LAB_TUN_BROKER6 .*[Pp]acket too big: mtu=$LAB_TUN_MTU|message too long, mtu[=:] ?$LAB_TUN_MTU" \
    <<<"$out" || return 1
  ip -n "$NS_C46" -6 route get "$LAB_TUN_BEHIND6" | grep -q " mtu $LAB_TUN_MTU "
}

need_lab() {
  if ! ns_exists "$NS_TUNB" || ! ns_exists "$NS_TUNH" || ! ns_exists "$NS_C46"; then
    log "the lab is not up: bash tests/lab/lab.sh up"; exit 1
  fi
}

main() {
  need_root
  case "${1:-}" in
    up) lab_up ;;
    down) lab_down; log "down" ;;
    status) lab_status ;;
    tunnel-stop) need_lab; tunnel_stop; log "tunnel stopped ($NS_TUNB, $NS_TUNH)" ;;
    tunnel-start) need_lab; tunnel_start; wait_tunnel; log "tunnel up: $LAB_TUN_BEHIND6 answers" ;;
    *) echo "usage: $0 up|down|status|tunnel-stop|tunnel-start" >&2; exit 2 ;;
  esac
}

main "$@"
