#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The tutorial's point-to-point cable: red and blue joined by one veth pair.
. "$(dirname "$0")/lib.sh"

# link_field NS DEV EXPR - python EXPR over `l`, DEV's `ip -j link` object
link_field() { ip -n "$1" -j link show dev "$2" | jpy "(lambda l: $3)(d[0])"; }

# inet_addrs NS DEV - DEV's IPv4 addresses as ADDR/LEN, from `ip -j addr`
inet_addrs() {
	ip -n "$1" -j addr show dev "$2" |
		jpy '[a["local"] + "/" + str(a["prefixlen"]) for l in d
		      for a in l["addr_info"] if a["family"] == "inet"]'
}

ok nsnet netns add red
ok nsnet netns add blue

# --- the cable, then each end into its namespace
ok nsnet link add veth-red type veth peer name veth-blue
is "$(ip -j -d link show dev veth-red | jpy 'd[0]["linkinfo"]["info_kind"]')" veth \
	"ip sees veth-red, a veth"
ok -m "ip sees its peer veth-blue" ip link show dev veth-blue
ok nsnet link set veth-red netns red
ok nsnet link set veth-blue netns blue
nok -m "veth-red left the host" ip link show dev veth-red
nok -m "veth-blue left the host" ip link show dev veth-blue
is "$(link_field red veth-red 'l["ifname"]')" veth-red "ip -n red sees veth-red"
is "$(link_field blue veth-blue 'l["ifname"]')" veth-blue "ip -n blue sees veth-blue"

# --- addresses (both argument orders, both object names) and links up
ok nsnet -n red addr add 192.168.15.1/24 dev veth-red
ok nsnet -n blue address add dev veth-blue 192.168.15.2/24
ok nsnet -n red link set veth-red up
ok nsnet -n blue link set veth-blue up
is "$(inet_addrs red veth-red)" 192.168.15.1/24 "ip -n red: veth-red has 192.168.15.1/24"
is "$(inet_addrs blue veth-blue)" 192.168.15.2/24 "ip -n blue: veth-blue has 192.168.15.2/24"
is "$(link_field red veth-red '"UP" in l["flags"]')" true "ip -n red: veth-red is UP"
is "$(link_field blue veth-blue 'l["operstate"]')" UP "ip -n blue: veth-blue operstate UP"

# --- real traffic, both directions
ok nsnet netns exec red ping -c1 -W1 192.168.15.2
ok can_ping blue 192.168.15.1

# --- IPv6 on the same cable: addresses, a real ping6, a route
# no_tentative NS - no address of NS is still in duplicate address detection
no_tentative() { ! ip -n "$1" -6 addr show tentative | grep -q inet6; }
ok nsnet -n red addr add fd00:15::1/64 dev veth-red
ok nsnet -n blue addr add fd00:15::2/64 dev veth-blue
like "$(ip -n red -j -6 addr show dev veth-red |
	jpy '[a["local"] + "/" + str(a["prefixlen"]) for l in d for a in l["addr_info"]]')" \
	'fd00:15::1/64' "ip -n red: veth-red has fd00:15::1/64"
ok -m "duplicate address detection done" wait_for no_tentative red
ok -m "... in blue too" wait_for no_tentative blue
ok can_ping red fd00:15::2
ok nsnet -n red route add fd00:99::/64 via fd00:15::2
is "$(ip -n red -6 -j route show fd00:99::/64 | jpy '[r["gateway"] + " " + r["dev"] for r in d]')" \
	"fd00:15::2 veth-red" "ip -n red -6 route: fd00:99::/64 via fd00:15::2 dev veth-red"
ok nsnet -n red route del fd00:99::/64 via fd00:15::2
is "$(ip -n red -6 -j route show fd00:99::/64 | jpy 'len(d)')" 0 "... and deleted"
ok nsnet -n red addr del fd00:15::1/64 dev veth-red
unlike "$(ip -n red -6 addr show dev veth-red)" 'fd00:15::1' "ip -n red: fd00:15::1 deleted"

# --- the ARP table: red learned blue's MAC
blue_mac=$(link_field blue veth-blue 'l["address"]')
out=$(nsnet -n red neigh show)
like "${out,,}" "192\.168\.15\.2 .*${blue_mac,,}" "nsnet -n red neigh show: 192.168.15.2 is $blue_mac"
out=$(nsnet -n red neigh)
like "${out,,}" "${blue_mac,,}" "nsnet -n red neigh (no verb) shows it too"

# --- addr del
ok nsnet -n blue addr del 192.168.15.2/24 dev veth-blue
is "$(inet_addrs blue veth-blue)" "" "ip -n blue: the address is gone"
nok -m "no answer from blue without its address" \
	ip netns exec red ping -c1 -W1 192.168.15.2
ok nsnet -n blue addr add 192.168.15.2/24 dev veth-blue
ok can_ping red 192.168.15.2

# --- deleting one end removes the cable
ok nsnet -n red link del veth-red
nok -m "veth-red is gone from red" ip -n red link show dev veth-red
nok -m "veth-blue is gone from blue" ip -n blue link show dev veth-blue

# --- a veth whose peer goes straight into a namespace, in one command
ok nsnet link add a type veth peer name b netns blue
ok -m "a is on the host" ip link show dev a
nok -m "b is not on the host" ip link show dev b
ok -m "b is in blue" ip -n blue link show dev b
ok nsnet link delete a
nok -m "b went with a" ip -n blue link show dev b

# --- the same from inside a namespace: -n red link add ... peer netns blue
ok nsnet -n red link add veth-r type veth peer name veth-b netns blue
ok -m "veth-r is in red" ip -n red link show dev veth-r
ok -m "veth-b is in blue" ip -n blue link show dev veth-b
nok -m "neither end is on the host" ip link show dev veth-r

done_testing
