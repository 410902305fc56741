#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# `nsnet doctor [LAB|NS]`: quiet (exit 0) on healthy labs; each usual fault,
# injected with ip, sysctl or nft, is named (what and where, exit 1) with a
# fix; running the printed fixes, as printed, makes doctor quiet again.
# Oracles for the repairs: iproute2, /proc/sys, nft, and real pings where
# the fault is one that traffic feels.
. "$(dirname "$0")/lib.sh"

EX=$REPO/examples
FIX=$REPO/tests/fixtures/labs/e2e

# diagnose LABEL CHECK WHERE [TARGET] - doctor names the fault: exit 1; a
# text block "problem: ... / where: ... / fix: ..." whose where matches the
# regex WHERE; in -j, a finding of CHECK there, with a fix
diagnose() {
	local label=$1 check=$2 where=$3 out rc nl=$'\n'
	shift 3
	out=$(nsnet doctor "$@")
	rc=$?
	is "$rc" 1 "$label: nsnet doctor${*:+ $*} exits 1" || diag "$out"
	like "$out" "(^|$nl)problem: [^$nl]+${nl}where: +[^$nl]*$where[^$nl]*${nl}fix: +[^$nl]+" \
		"$label: ... prints the problem, where ($where) and a fix"
	out=$(nsnet -j doctor "$@" | CHECK=$check WHERE=$where jpy '
[f["fix"] for f in d if f["check"] == __import__("os").environ["CHECK"]
 and __import__("re").search(__import__("os").environ["WHERE"], f["where"])]')
	isnt "$out" "" "$label: ... -j has a $check finding there, with a fix"
}

# cure LABEL [TARGET] - run every fix doctor prints, in the order printed;
# each succeeds, and then doctor exits 0 saying "no problems found"
cure() {
	local label=$1 fixes fix out rc=0
	shift
	fixes=$(nsnet doctor "$@" | sed -n 's/^fix:     //p')
	while IFS= read -r fix; do
		[ -n "$fix" ] || continue
		if ! out=$(bash -c "$fix" 2>&1); then
			rc=1
			diag "fix failed: $fix" "$out"
		fi
	done <<<"$fixes"
	is "$rc" 0 "$label: every printed fix runs" || diag "fixes:" "$fixes"
	out=$(nsnet doctor "$@")
	rc=$?
	is "$rc" 0 "$label: after the fixes, nsnet doctor${*:+ $*} exits 0" || diag "$out"
	is "$out" "no problems found" "$label: ... and says no problems found"
}

# healthy LABEL [TARGET] - doctor exits 0 with nothing alarming, text and -j
healthy() {
	local label=$1 out rc
	shift
	out=$(nsnet doctor "$@")
	rc=$?
	is "$rc" 0 "$label: nsnet doctor${*:+ $*} exits 0" || diag "$out"
	is "$out" "no problems found" "$label: ... and says no problems found"
	is "$(nsnet -j doctor "$@")" "[]" "$label: nsnet -j doctor${*:+ $*}: []"
}

# ================================================ a healthy lab, and names
ok nsnet up "$EX/house.yaml"
healthy "healthy house"
healthy "healthy house" house
healthy "healthy node" red
fails_with 2 'no such lab is up, and no such namespace' nsnet doctor nope
fails_with 2 'doctor' nsnet doctor ../etc
is "$(nsnet doctor house extra 2>&1; echo "rc=$?")" \
	$'nsnet: doctor: expects at most one LAB or NS\nrc=2' "doctor with two names: usage, exit 2"

# ================================================ one fault at a time
# An interface down: the kernel also drops the routes through it, so both
# are reported, the link first (its fix must run before the route's).
ip -n red link set veth-red down
diagnose "link down" link-down 'lab house, node red, interface veth-red'
diagnose "link down (doctor NODE)" link-down 'node red, interface veth-red' red
out=$(nsnet -j doctor | jpy '[f["check"] for f in d]')
is "$out" $'link-down\nroute-missing' "link down: -j lists link-down, then route-missing"
is "$(nsnet -j doctor | jpy 'sorted(set(k for f in d for k in f))')" \
	"$(printf '%s\n' check fix severity what where)" "link down: -j objects are {severity, check, what, where, fix}"
cure "link down"
is "$(link_json red veth-red '"UP" in l["flags"]')" true "link down: ip -n red: veth-red is up again"
is "$(routes4 red)" "default via 192.168.15.5 dev veth-red" "link down: ip -n red: the default route is back"
ok can_ping red 192.168.15.5

ip -n blue link set lo down
diagnose "lo down" lo-down 'lab house, node blue, interface lo'
cure "lo down"
ok -m "lo down: blue pings its own 192.168.15.2 again" ip netns exec blue ping -n -c1 -W1 192.168.15.2

ip -n orange addr del 192.168.15.3/24 dev veth-orange
diagnose "address removed" addr-missing 'lab house, node orange, interface veth-orange'
cure "address removed"
is "$(addrs4 orange veth-orange)" 192.168.15.3/24 "address removed: ip -n orange: 192.168.15.3/24 is back"
ok can_ping orange 192.168.15.5

ip -n gray route del default
diagnose "route removed" route-missing 'lab house, node gray'
cure "route removed"
is "$(routes4 gray)" "default via 192.168.15.5 dev veth-gray" "route removed: ip -n gray: default via 192.168.15.5"

ip link set veth-blue-br down
diagnose "bridge port down" port-down 'lab house, host, interface veth-blue-br'
cure "bridge port down"
ok can_ping blue 192.168.15.1

ip link set veth-red-br mtu 1400
diagnose "MTU mismatch" mtu-mismatch 'lab house, host, interface veth-red-br'
cure "MTU mismatch"
is "$(link_json - veth-red-br 'l["mtu"]') $(link_json red veth-red 'l["mtu"]') $(link_json - v-net-0 'l["mtu"]')" \
	"1500 1500 1500" "MTU mismatch: ip: veth-red-br, veth-red and v-net-0 at 1500 again"

ip -n blue addr add 192.168.15.1/24 dev veth-blue
diagnose "duplicate address" addr-duplicate 'lab house, node blue, interface veth-blue'
cure "duplicate address"
is "$(addrs4 blue veth-blue) $(addrs4 red veth-red)" "192.168.15.2/24 192.168.15.1/24" \
	"duplicate address: ip: the copy on blue is gone, red keeps its own"

# br_netfilter sends bridged frames through the IPv4 forward hook, where a
# drop policy (Docker's `ip filter FORWARD`) stops traffic between nodes.
# Its sysctl is per namespace: set here it changes nothing outside.
if [ -e /proc/sys/net/bridge/bridge-nf-call-iptables ] &&
	sysctl -qw net.bridge.bridge-nf-call-iptables=1 2>/dev/null; then
	nft add table ip filter
	nft add chain ip filter FORWARD '{ type filter hook forward priority 0; policy drop; }'
	ok -m "br_netfilter: red cannot ping blue through the drop policy" no_ping red 192.168.15.2
	diagnose "br_netfilter" br-netfilter 'lab house, host, interface v-net-0'
	cure "br_netfilter"
	ok can_ping red 192.168.15.2
	is "$(nft -j list chain ip filter FORWARD | jpy '[c["chain"]["policy"] for c in d["nftables"] if "chain" in c]')" \
		drop "br_netfilter: the chain's policy is left alone (still drop)"
	nft delete table ip filter
else
	skip "br_netfilter is not loaded, and loading a module would change the real host" 6
fi

touch /run/netns/ghost
diagnose "stale entry" netns-stale 'netns ghost'
diagnose "stale entry (doctor NS)" netns-stale 'netns ghost' ghost
cure "stale entry"
ok -m "stale entry: /run/netns/ghost is gone" test ! -e /run/netns/ghost

nft flush ruleset
diagnose "nft flush ruleset" nft-missing 'lab house, host, nftables table inet nsnet-house'
cure "nft flush ruleset"
ok -m "nft flush ruleset: the table inet nsnet-house is back" nft list table inet nsnet-house

# Several faults at once: each is named, and the fixes, run in the order
# printed, repair all of them.
ip -n red link set veth-red down
ip -n red addr del 192.168.15.1/24 dev veth-red
ip link set veth-gray-br down
out=$(nsnet -j doctor | jpy '[f["check"] + " " + f["where"] for f in d]')
is "$out" "$(printf '%s\n' 'link-down lab house, node red, interface veth-red' \
	'addr-missing lab house, node red, interface veth-red' \
	'route-missing lab house, node red' \
	'port-down lab house, host, interface veth-gray-br')" "three faults: four findings, link before address before route"
cure "three faults"
ok can_ping red 192.168.15.4

# ================================================ a namespace of no lab
# A fresh namespace has lo down; its cable's two ends are down too.
ip netns add solo
ip link add solo-host type veth peer name eth0 netns solo
ip -n solo addr add 10.99.0.2/24 dev eth0
diagnose "plain namespace" lo-down 'netns solo, interface lo' solo
diagnose "plain namespace" link-down 'netns solo, interface eth0' solo
diagnose "plain namespace" link-down 'host, interface solo-host' solo
# a plain `doctor` looks at namespaces of no lab too
diagnose "plain namespace, plain doctor" lo-down 'netns solo, interface lo'
diagnose "plain namespace, plain doctor" link-down 'host, interface solo-host'
cure "plain namespace" solo
is "$(link_json solo lo '"UP" in l["flags"]') $(link_json solo eth0 '"UP" in l["flags"]') $(link_json - solo-host '"UP" in l["flags"]')" \
	"true true true" "plain namespace: ip: lo, eth0 and solo-host are up"
ip netns del solo
ok nsnet down house

# ================================================ tutorial 000 as written
# Its steps never bring the bridge ends veth-*-br up: plain doctor finds it.
ip netns add red
ip netns add blue
ip link add v-net-0 type bridge
ip link set dev v-net-0 up
for n in red blue; do
	ip link add veth-$n type veth peer name veth-$n-br
	ip link set veth-$n netns $n
	ip link set veth-$n-br master v-net-0
	ip -n $n link set lo up
done
ip -n red addr add 192.168.15.1/24 dev veth-red
ip -n blue addr add 192.168.15.2/24 dev veth-blue
ip -n red link set veth-red up
ip -n blue link set veth-blue up
ok -m "tutorial 000 as written: red cannot reach blue" no_ping red 192.168.15.2
diagnose "tutorial 000 as written" port-down 'host, interface veth-red-br'
diagnose "tutorial 000 as written" port-down 'host, interface veth-blue-br'
cure "tutorial 000 as written"
ok -m "tutorial 000 as written: after the fixes red reaches blue" can_ping red 192.168.15.2
ip netns del red
ip netns del blue
ip link del v-net-0

# ================================================ NAT needs forwarding
ok nsnet up "$FIX/nat-house.yaml"
healthy "healthy NAT lab"
sysctl -qw net.ipv4.ip_forward=0
diagnose "ip_forward off" ip-forward 'lab house, host'
cure "ip_forward off"
is "$(cat /proc/sys/net/ipv4/ip_forward)" 1 "ip_forward off: /proc/sys/net/ipv4/ip_forward is 1 again"
ok nsnet down house

# ================================================ routing between networks
cat >"$T/two.yaml" <<'EOF'
lab: two
networks:
  net-a: {subnet: 10.81.1.0/24, gateway: 10.81.1.1}
  net-b: {subnet: 10.81.2.0/24, gateway: 10.81.2.1}
nodes:
  ra:
    interfaces:
      eth0: {network: net-a, address: 10.81.1.10/24}
    routes: [default via 10.81.1.1]
  rb:
    interfaces:
      eth0: {network: net-b, address: auto}
    routes: [default via 10.81.2.1]
EOF
ok nsnet up "$T/two.yaml"
healthy "healthy two-network lab"
rb=$(addrs4 rb eth0)
ok can_ping ra "${rb%/*}"
sysctl -qw net.ipv4.conf.all.rp_filter=1
diagnose "rp_filter strict" rp-filter 'lab two, host, interface net-a'
diagnose "rp_filter strict" rp-filter 'lab two, host, interface net-b'
cure "rp_filter strict"
for br in net-a net-b; do
	v=$(cat /proc/sys/net/ipv4/conf/all/rp_filter /proc/sys/net/ipv4/conf/$br/rp_filter | sort -n | tail -1)
	is "$v" 2 "rp_filter strict: the value that applies on $br is loose (2)"
done
ok can_ping ra "${rb%/*}"

# An `auto` address is compared with what up recorded for it.
ip -n rb addr del "$rb" dev eth0
diagnose "auto address removed" addr-missing 'lab two, node rb, interface eth0'
cure "auto address removed"
is "$(addrs4 rb eth0)" "$rb" "auto address removed: ip -n rb: $rb is back"
ok nsnet down two

healthy "nothing up"
done_testing
