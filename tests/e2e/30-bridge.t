#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The tutorial's switch: red, blue, orange and gray on bridge v-net-0, the
# host at 192.168.15.5 on the bridge; then routes and every `link set` change.
. "$(dirname "$0")/lib.sh"

declare -A N=([red]=1 [blue]=2 [orange]=3 [gray]=4)
NODES="red blue orange gray"

# link_field NS DEV EXPR - python EXPR over `l`, DEV's `ip -j -d link`
# object; NS "-" is the sandbox host
link_field() {
	local n=()
	[ "$1" = - ] || n=(-n "$1")
	ip "${n[@]}" -j -d link show dev "$2" | jpy "(lambda l: $3)(d[0])"
}

# routes NS - "DST via GW dev DEV" for each IPv4 route of NS, from `ip -j route`
routes() {
	ip -n "$1" -j route show |
		jpy '["%s via %s dev %s" % (r["dst"], r.get("gateway", "-"), r.get("dev", "-"))
		      for r in d]'
}

ok nsnet link add v-net-0 type bridge
is "$(link_field - v-net-0 'l["linkinfo"]["info_kind"]')" bridge "ip: v-net-0 is a bridge"
ok nsnet link set dev v-net-0 up

for x in $NODES; do
	ok nsnet netns add "$x"
	ok nsnet link add "veth-$x" type veth peer name "veth-$x-br"
	ok nsnet link set "veth-$x" netns "$x"
	ok nsnet link set "veth-$x-br" master v-net-0
	ok nsnet link set "veth-$x-br" up
	ok nsnet -n "$x" addr add "192.168.15.${N[$x]}/24" dev "veth-$x"
	ok nsnet -n "$x" link set "veth-$x" up
done
ok nsnet addr add 192.168.15.5/24 dev v-net-0

is "$(ip -j link show master v-net-0 | jpy 'sorted(l["ifname"] for l in d)')" \
	"$(printf 'veth-%s-br\n' blue gray orange red)" \
	"ip link show master v-net-0: the four ports"

# --- the host reaches every namespace through the bridge, and they reach
# each other (a ring covers every port in both roles)
for x in $NODES; do
	ok can_ping - "192.168.15.${N[$x]}"
done
ok can_ping red 192.168.15.2
ok can_ping blue 192.168.15.3
ok can_ping orange 192.168.15.4
ok can_ping gray 192.168.15.1
ok can_ping gray 192.168.15.5

# --- routes: a subnet via the host, then a default route via the host.
# 10.99.0.1 lives on the sandbox host's lo: reachable only through a route.
ip addr add 10.99.0.1/32 dev lo
ok nsnet -n blue route add 192.168.1.0/24 via 192.168.15.5
like "$(routes blue)" '192\.168\.1\.0/24 via 192\.168\.15\.5 dev veth-blue' \
	"ip -n blue route: 192.168.1.0/24 via 192.168.15.5"
nok -m "blue cannot reach 10.99.0.1 yet" ip netns exec blue ping -c1 -W1 10.99.0.1
ok nsnet -n blue route add default via 192.168.15.5
like "$(routes blue)" 'default via 192\.168\.15\.5 dev veth-blue' \
	"ip -n blue route: default via 192.168.15.5"
ok can_ping blue 10.99.0.1
ok nsnet -n blue route del 192.168.1.0/24 via 192.168.15.5
unlike "$(routes blue)" '192\.168\.1\.0' "ip -n blue route: 192.168.1.0/24 gone"
ok nsnet -n blue route delete default
unlike "$(routes blue)" 'default' "ip -n blue route: default gone"
nok -m "blue cannot reach 10.99.0.1 any more" ip netns exec blue ping -c1 -W1 10.99.0.1
ok nsnet -n red route add 10.99.0.0/24 via 192.168.15.5 dev veth-red
like "$(routes red)" '10\.99\.0\.0/24 via 192\.168\.15\.5 dev veth-red' \
	"ip -n red route: 10.99.0.0/24 via 192.168.15.5 dev veth-red"
ok can_ping red 10.99.0.1
ok nsnet -n red route add 10.98.0.0/16 dev veth-red
like "$(routes red)" '10\.98\.0\.0/16 via - dev veth-red' \
	"ip -n red route: 10.98.0.0/16 dev veth-red"
ok nsnet -n red route del 10.98.0.0/16 dev veth-red
unlike "$(routes red)" '10\.98\.' "ip -n red route: 10.98.0.0/16 gone"

# --- nomaster / master
ok nsnet link set veth-red-br nomaster
is "$(link_field - veth-red-br 'l.get("master", "")')" "" "ip: veth-red-br has no master"
nok -m "the host no longer reaches red" ping -c1 -W1 192.168.15.1
ok nsnet link set veth-red-br master v-net-0
is "$(link_field - veth-red-br 'l.get("master", "")')" v-net-0 "ip: veth-red-br on v-net-0 again"
ok can_ping - 192.168.15.1

# --- mtu, on the host and in a namespace
ok nsnet link set veth-gray-br mtu 1400
is "$(link_field - veth-gray-br 'l["mtu"]')" 1400 "ip: veth-gray-br mtu 1400"
ok nsnet -n gray link set dev veth-gray mtu 1400
is "$(link_field gray veth-gray 'l["mtu"]')" 1400 "ip -n gray: veth-gray mtu 1400"
ok can_ping - 192.168.15.4

# --- down, then rename (a down link: older kernels refuse to rename up ones)
ok nsnet -n orange link set veth-orange down
is "$(link_field orange veth-orange '"UP" in l["flags"]')" false "ip -n orange: veth-orange is down"
nok -m "the host no longer reaches orange" ping -c1 -W1 192.168.15.3
ok nsnet -n orange link set veth-orange name eth0
ok -m "ip -n orange: eth0 exists" ip -n orange link show dev eth0
nok -m "ip -n orange: veth-orange is gone" ip -n orange link show dev veth-orange
like "$(ip -n orange -j addr show dev eth0 | jpy '[a["local"] for a in d[0]["addr_info"]]')" \
	'192\.168\.15\.3' "ip -n orange: eth0 kept 192.168.15.3"
ok nsnet -n orange link set eth0 up
ok can_ping - 192.168.15.3

# --- several changes in one command, applied as ip applies them
ok nsnet -n gray link set dev veth-gray down
ok nsnet -n gray link set dev veth-gray name eth1 mtu 1280 up
is "$(link_field gray eth1 '"%s %s" % (l["mtu"], "UP" in l["flags"])')" "1280 True" \
	"ip -n gray: eth1, mtu 1280, up"
ok nsnet link set veth-gray-br mtu 1280
ok can_ping - 192.168.15.4

# --- delete the bridge: its ports stay, masterless
ok nsnet link del v-net-0
nok -m "ip: v-net-0 is gone" ip link show dev v-net-0
is "$(link_field - veth-blue-br 'l.get("master", "")')" "" "ip: veth-blue-br has no master"

done_testing
