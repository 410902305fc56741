#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# examples/dhcp.yaml, the tutorial's DHCP walkthrough: dnsmasq runs in the
# server node (`server:`), not on the host; the client leases an address
# from it, reaches the server's web server by name, and the lab leaves
# nothing behind. Oracles: iproute2, /proc, curl inside the client.
. "$(dirname "$0")/lib.sh"

F=$REPO/examples/dhcp.yaml
at_exit "$NSNET" down ptp
ok -m "up examples/dhcp.yaml" nsnet up "$F"

a=$(ip -n client -j addr show dev ptp-veth-client | jpy '[a["local"] for a in d[0]["addr_info"] if a["family"] == "inet"]')
like "$a" '^10\.80\.0\.1[0-9][0-9]$' "the client leased an address in the range ($a)"
pid=$(ps -e -o pid=,comm= | awk '$2 == "dnsmasq" { print $1 }')
ok -m "one dnsmasq runs" test "$(echo "$pid" | wc -w)" = 1
same "  ... inside the server node" "$(readlink /proc/$pid/ns/net)" "$(ip netns exec server readlink /proc/self/ns/net)"
like "$(nsnet exec ptp client -- cat /etc/resolv.conf)" "nameserver 10.80.0.1" \
	"the client's resolver is the server's dnsmasq"
# `ready: tcp:8000`: up returned once the web server accepted connections
ok -m "the client reaches the server's web server by name, at once" \
	nsnet exec ptp client -- curl -sf --max-time 20 -o /dev/null http://server:8000/
is "$(nsnet exec ptp server -- getent hosts client.ptp | awk '{ print $1 }')" "$a" \
	"the server resolves the client by the name it sent with its lease"

ok -m "down" nsnet down ptp
is "$(ps -e -o comm= | grep -cE '^(dnsmasq|nsnet|python3)')" 0 "no dnsmasq, client or web server left"
no_residue "nothing else left"
done_testing
