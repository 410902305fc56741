#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Every lab feature at once (tests/fixtures/labs/good/full.yaml): an IPv6
# network, a network without subnet (L2 only), a cable with and one without
# addresses, routes of every shape, a node whose host-end name must be
# shortened. Checked with ip and ping; a second up changes nothing.
. "$(dirname "$0")/lib.sh"

F=$REPO/tests/fixtures/labs/good/full.yaml
LONG=a-node-with-a-long-name

# addrs6 NS DEV - DEV's global IPv6 addresses, sorted (NS "-": the host)
addrs6() {
	local n=()
	[ "$1" = - ] || n=(-n "$1")
	ip "${n[@]}" -6 -j addr show dev "$2" scope global |
		jpy 'sorted("%s/%s" % (a["local"], a["prefixlen"])
		     for l in d for a in l.get("addr_info", []) if "local" in a)'
}

# routes6 NS - "DST via GW dev DEV" of NS's IPv6 routes other than the
# kernel's and multicast
routes6() {
	ip -n "$1" -6 -j route show |
		jpy 'sorted("%s via %s dev %s" % (r["dst"], r.get("gateway", "-"), r.get("dev", "-"))
		     for r in d if r.get("protocol") != "kernel" and r.get("type") != "multicast")'
}

ok nsnet up "$F"
is "$(netns_names)" "$(printf '%s\n' $LONG blue red)" "ip netns: red, blue, $LONG"

# --- networks on the host
is "$(addrs4 - v-net-0)" 192.168.15.5/24 "ip: v-net-0 has 192.168.15.5/24"
is "$(addrs6 - v-net-6)" fd00:15::1/64 "ip: v-net-6 has fd00:15::1/64"
is "$(link_json - l2-only 'l["linkinfo"]["info_kind"]')" bridge "ip: l2-only is a bridge"
is "$(addrs4 - l2-only)$(addrs6 - l2-only)" "" "  ... with no address on the host"
is "$(routes4 - | grep -c 172.16.)" 0 "  ... and no host route to its nodes' addresses"

# --- red: four switch ports, one cable
is "$(addrs4 red veth-red)" 192.168.15.1/24 "ip -n red: veth-red has 192.168.15.1/24"
auto=$(addrs4 red eth0)
like "$auto" '^192\.168\.15\.([2-46-9]|[1-9][0-9]|1[0-9][0-9]|2[0-4][0-9]|25[0-4])/24$' \
	"ip -n red: eth0 (auto) has an address of 192.168.15.0/24, not .1 or .5"
is "$(link_json - red-uplink 'l.get("master")')" v-net-0 "ip: red-uplink (peer:) is on v-net-0"
is "$(addrs6 red eth6)" fd00:15::10/64 "ip -n red: eth6 has fd00:15::10/64"
is "$(addrs4 red raw)" 172.16.0.1/30 "ip -n red: raw has 172.16.0.1/30"
is "$(link_json - red-raw 'l.get("master")')" l2-only "ip: red-raw is on l2-only"
is "$(addrs4 red ptp-red)" 10.0.0.1/24 "ip -n red: ptp-red has 10.0.0.1/24"
is "$(routes4 red)" "$(printf '%s\n' \
	"10.0.1.0/24 via 10.0.0.2 dev ptp-red" \
	"10.8.0.0/16 via - dev eth0" \
	"10.9.0.0/16 via 192.168.15.5 dev veth-red" \
	"172.17.0.0/16 via 172.16.0.2 dev raw" \
	"default via 192.168.15.5 dev veth-red" | sort)" "ip -n red: the five IPv4 routes of the file"
is "$(routes6 red)" "default via fd00:15::1 dev eth6" "ip -n red: default via fd00:15::1"

# --- blue and the long-named node
is "$(addrs4 blue eth0)" "" "ip -n blue: eth0 (no address:) has none"
is "$(addrs4 blue ptp-blue)" 10.0.0.2/24 "ip -n blue: ptp-blue has 10.0.0.2/24"
is "$(routes4 blue)" "default via - dev ptp-blue" "ip -n blue: default dev ptp-blue"
is "$(lab_view full | awk '$1 == "blue" && $2 == "to-long" { print $3 }')" "$LONG:to-blue" \
	"ip: blue's to-long is cabled to $LONG's to-blue"
host_end=$(lab_view full | awk -v n=$LONG '$1 == n && $2 == "eth0" { print $3 }')
like "$host_end" '^.{1,15}$' "ip: $LONG's host end has a name of at most 15 bytes ($host_end)"
is "$(link_json - "$host_end" 'l.get("master")')" l2-only "  ... on l2-only"

# --- real traffic
ok can_ping - 192.168.15.1
ok can_ping - "${auto%/*}"
ok can_ping red 10.0.0.2
ok -m "red reaches fd00:15::1 (after DAD)" wait_for ip netns exec red ping -c1 -W1 fd00:15::1
ok -m "the host reaches fd00:15::10" wait_for ping -c1 -W1 fd00:15::10

# --- status, idempotence, down
is "$(nsnet -j status full | status_view)" "$(lab_view full)" "nsnet -j status full agrees with ip"
is "$(nsnet plan "$F" 2>&1)" "no changes" "plan full.yaml: no changes"
# IPv6 link-local addresses finish duplicate address detection on their
# own time ("tentative" in the dumps): compare only once all have settled.
settled() {
	local f
	! ip -6 addr show | grep -q tentative || return 1
	for f in /run/netns/*; do
		! ip -n "${f##*/}" -6 addr show | grep -q tentative || return 1
	done
}
ok wait_for settled
before=$(ifindexes)
snap=$(system_snapshot)
ok nsnet up "$F"
same "  ... a second up keeps every ifindex" "$before" "$(ifindexes)"
same "  ... and every link, address and route" "$snap" "$(system_snapshot)"
is "$(addrs4 red eth0)" "$auto" "  ... and red's auto address"
ok nsnet down full
no_residue "down full: nothing left"

done_testing
