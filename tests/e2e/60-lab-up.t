#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# `nsnet up` of the three example labs: what iproute2 sees afterwards, real
# pings, status/labs agreeing with the kernel, and a second `up` that
# changes nothing (plan "no changes", every ifindex the same).
. "$(dirname "$0")/lib.sh"

EX=$REPO/examples
FIX=$REPO/tests/fixtures/labs/e2e

# up_again_changes_nothing FILE - plan says "no changes", a second `up`
# lists no operation, and links, addresses, routes and ifindexes are the same
up_again_changes_nothing() {
	local before after snap_before snap_after out
	is "$(nsnet plan "$1" 2>&1)" "no changes" "nsnet plan ${1##*/}: no changes"
	before=$(ifindexes)
	snap_before=$(system_snapshot)
	out=$(nsnet -v up "$1" 2>&1)
	is "$?" 0 "nsnet -v up ${1##*/} again exits 0"
	unlike "$out" '(^|'$'\n'')[-+~] ' "  ... and lists no operation" || diag "$out"
	after=$(ifindexes)
	snap_after=$(system_snapshot)
	same "  ... every ifindex (host and namespaces) is the same" "$before" "$after"
	same "  ... links, addresses and routes are the same" "$snap_before" "$snap_after"
}

# status_agrees LAB - `status LAB` (table and -j) says what iproute2 sees
status_agrees() {
	local want
	want=$(lab_view "$1")
	isnt "$want" "" "ip sees interfaces tagged nsnet:$1"
	is "$(nsnet -j status "$1" | status_view)" "$want" "nsnet -j status $1 agrees with ip"
	is "$(nsnet status "$1" | status_table_view)" "$want" "nsnet status $1 agrees with ip"
}

# ============================================================ house
declare -A IP=([red]=1 [blue]=2 [orange]=3 [gray]=4)
NODES="red blue orange gray"

is "$(nsnet -j labs)" "[]" "nsnet -j labs before any up: []"
out=$(nsnet up "$EX/house.yaml" 2>&1)
is "$?" 0 "nsnet up examples/house.yaml: exit 0"
is "$out" "" "  ... quiet off a terminal (no -v)"
is "$(netns_names)" "$(printf '%s\n' $NODES | sort)" "ip netns: the four nodes"
is "$(link_json - v-net-0 'l["linkinfo"]["info_kind"]')" bridge "ip: v-net-0 is a bridge"
is "$(link_json - v-net-0 '"UP" in l["flags"]')" true "ip: v-net-0 is up"
is "$(addrs4 - v-net-0)" 192.168.15.5/24 "ip: v-net-0 has 192.168.15.5/24"
is "$(ip -j link show master v-net-0 | jpy 'sorted(l["ifname"] for l in d)')" \
	"$(printf 'veth-%s-br\n' $NODES | sort)" "ip: the four peers are v-net-0's ports"
for x in $NODES; do
	is "$(addrs4 "$x" "veth-$x")" "192.168.15.${IP[$x]}/24" "ip -n $x: veth-$x has 192.168.15.${IP[$x]}/24"
	is "$(link_json "$x" "veth-$x" '"UP" in l["flags"]')" true "ip -n $x: veth-$x is up"
	is "$(link_json "$x" lo '"UP" in l["flags"]')" true "ip -n $x: lo is up"
	is "$(routes4 "$x")" "default via 192.168.15.5 dev veth-$x" "ip -n $x: default via 192.168.15.5"
	is "$(link_json - "veth-$x-br" 'l.get("master")')" v-net-0 "ip: veth-$x-br is on v-net-0"
done

# Ownership tags: the alias on every host link, every node link, lo inside
# each node; the host links share one device group that is not "default".
is "$(ip -j link show | jpy 'sorted(set(l.get("ifalias", "-") for l in d if l["ifname"] != "lo"))')" \
	nsnet:house "ip: every host link has alias nsnet:house"
for x in $NODES; do
	is "$(ip -n "$x" -j link show | jpy 'sorted(set(l.get("ifalias", "-") for l in d))')" \
		nsnet:house "ip -n $x: every link (lo too) has alias nsnet:house"
done
groups=$(ip -j link show | jpy 'sorted(set(str(l["group"]) for l in d if l["ifname"] != "lo"))')
is "$(grep -c '' <<<"$groups")" 1 "ip: the host links share one device group"
isnt "$groups" default "  ... which is not the default group"

# Real traffic: the host reaches every node; the nodes reach each other
# (a ring covers every port in both roles) and the host through the bridge.
for x in $NODES; do
	ok can_ping - "192.168.15.${IP[$x]}"
done
ok can_ping red 192.168.15.2
ok can_ping blue 192.168.15.3
ok can_ping orange 192.168.15.4
ok can_ping gray 192.168.15.1
ok can_ping gray 192.168.15.5
# The default route really is used: an address only the host has, outside
# the lab's subnet.
ip addr add 10.99.0.1/32 dev lo
ok can_ping blue 10.99.0.1
ip addr del 10.99.0.1/32 dev lo

status_agrees house
is "$(nsnet -j status | status_view)" "$(lab_view house)" "nsnet -j status (all labs) agrees with ip"
like "$(nsnet labs | grep '^house ')" '^house +4 +1 +[^ ]*examples/house\.yaml$' "nsnet labs: house, 4 nodes, 1 network, its file"
is "$(nsnet -j labs | jpy '[(l["lab"], l["nodes"], l["networks"], l["file"].endswith("examples/house.yaml")) for l in d]')" \
	'["house", 4, 1, true]' "nsnet -j labs: house, 4 nodes, 1 network, its file"

up_again_changes_nothing "$EX/house.yaml"
ok can_ping - 192.168.15.1

ok nsnet down house
no_residue "down house: nothing left"

# ============================================================ cable
ok nsnet up "$EX/cable.yaml"
is "$(netns_names)" "$(printf '%s\n' blue red)" "ip netns: red and blue"
is "$(host_links)" "" "ip: a cable puts nothing on the host"
is "$(addrs4 red veth-red)" 10.0.0.1/24 "ip -n red: veth-red has 10.0.0.1/24"
is "$(addrs4 blue veth-blue)" 10.0.0.2/24 "ip -n blue: veth-blue has 10.0.0.2/24"
is "$(lab_view cable)" "$(printf '%s\n' \
	"blue veth-blue red:veth-red - UP 10.0.0.2/24" \
	"red veth-red blue:veth-blue - UP 10.0.0.1/24")" \
	"ip: veth-red and veth-blue are the two ends of one cable, both up"
ok can_ping red 10.0.0.2
ok can_ping blue 10.0.0.1
status_agrees cable
like "$(nsnet labs | grep '^cable ')" '^cable +2 +' "nsnet labs: cable, 2 nodes"
up_again_changes_nothing "$EX/cable.yaml"
ok can_ping red 10.0.0.2
ok nsnet down "$EX/cable.yaml"
no_residue "down cable.yaml: nothing left"

# ============================================================ switch
# address: auto - three distinct addresses of 10.10.0.0/24, none of them
# the gateway (10.10.0.254), the network or the broadcast address
SW="east west central"

# sw_addrs - "NODE ADDR" for the three nodes, from ip
sw_addrs() {
	local x
	for x in $SW; do echo "$x $(addrs4 "$x" eth0)"; done
}

ok nsnet up "$EX/switch.yaml"
is "$(netns_names)" "$(printf '%s\n' $SW | sort)" "ip netns: east, west, central"
is "$(addrs4 - sw0)" 10.10.0.254/24 "ip: sw0 has 10.10.0.254/24"
first=$(sw_addrs)
is "$(awk '{ print $2 }' <<<"$first" | sort -u | grep -cE '^10\.10\.0\.([1-9]|[1-9][0-9]|1[0-9][0-9]|2[0-4][0-9]|25[0-3])/24$')" 3 \
	"ip: three distinct addresses in 10.10.0.0/24, not .0, .254 or .255"
for x in $SW; do
	is "$(link_json - "$x-eth0" 'l.get("master")')" sw0 "ip: host end $x-eth0 (<node>-<iface>) is on sw0"
done
for x in $SW; do
	a=$(awk -v n="$x" '$1 == n { sub(/\/.*/, "", $2); print $2 }' <<<"$first")
	ok can_ping - "$a"
	ok can_ping "$x" 10.10.0.254
done
ok can_ping east "$(addrs4 west eth0 | cut -d/ -f1)"
ok can_ping west "$(addrs4 central eth0 | cut -d/ -f1)"
ok can_ping central "$(addrs4 east eth0 | cut -d/ -f1)"
status_agrees switch
up_again_changes_nothing "$EX/switch.yaml"
is "$(sw_addrs)" "$first" "auto addresses are the same after a second up"
ok nsnet down switch
no_residue "down switch: nothing left"
ok nsnet up "$EX/switch.yaml"
is "$(sw_addrs)" "$first" "auto addresses are the same after down and up (deterministic)"
ok nsnet down switch

# ============================================================ long names
# "<node>-<iface>" over 15 bytes: shortened, unique, at most 15 bytes, and
# the same on every up
ok nsnet up "$FIX/longnames.yaml"
peers=$(lab_view longnames | awk '{ print $3 }')
is "$(grep -c '' <<<"$peers")" 3 "ip: three host ends"
is "$(sort -u <<<"$peers" | grep -c '')" 3 "  ... with distinct names"
is "$(awk 'length($0) > 15' <<<"$peers")" "" "  ... of at most 15 bytes"
is "$(ip -j link show master lan | jpy 'len(d)')" 3 "  ... on bridge lan"
for a in 11 12 13; do
	ok can_ping - "10.20.0.$a"
done
status_agrees longnames
ok nsnet down longnames
no_residue "down longnames: nothing left"
ok nsnet up "$FIX/longnames.yaml"
is "$(lab_view longnames | awk '{ print $3 }')" "$peers" "the same host-end names after down and up"
ok nsnet down longnames

# ============================================================ two labs
# house and switch side by side: each down removes only its own lab
ok nsnet up "$EX/house.yaml"
ok nsnet up "$EX/switch.yaml"
is "$(nsnet -j labs | jpy 'sorted(l["lab"] for l in d)')" "$(printf '%s\n' house switch)" \
	"nsnet -j labs: house and switch"
is "$(netns_names | grep -c '')" 7 "ip netns: 4 + 3 nodes"
sw_before=$(ifindexes | grep -E '^(east|west|central|- (sw0|[a-z]+-eth0)) ')
ok nsnet down house
is "$(netns_names)" "$(printf '%s\n' $SW | sort)" "down house: only switch's nodes remain"
same "  ... and switch's links are untouched (same ifindexes)" "$sw_before" \
	"$(ifindexes | grep -E '^(east|west|central|- (sw0|[a-z]+-eth0)) ')"
ok can_ping east 10.10.0.254
ok nsnet down switch
no_residue "down switch: nothing left"

done_testing
