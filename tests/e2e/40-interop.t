#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Interoperability with `ip netns`, both ways: namespaces made by one tool are
# used and deleted by the other. Here ip creates /run/netns first.
. "$(dirname "$0")/lib.sh"

ip_netns_names() { ip netns list | awk '{ print $1 }' | sort; }
nsnet_netns_names() { nsnet -j netns list | jpy 'sorted(n["name"] for n in d)'; }

ok ip netns add ipns
ok nsnet netns add nsns
is "$(nsnet_netns_names)" "ipns
nsns" "nsnet sees both namespaces"
is "$(ip_netns_names)" "ipns
nsns" "ip sees both namespaces"

# --- nsnet works in ip's namespace, ip in nsnet's
ok nsnet link add veth-i type veth peer name veth-n
ok nsnet link set veth-i netns ipns
ok nsnet -n ipns addr add 10.1.1.1/24 dev veth-i
ok nsnet -n ipns link set veth-i up
ok ip link set veth-n netns nsns
ok ip -n nsns addr add 10.1.1.2/24 dev veth-n
ok ip -n nsns link set veth-n up
ok -m "ip -n ipns sees veth-i" ip -n ipns link show dev veth-i
like "$(nsnet -n nsns -j link show | jpy '[l["ifname"] for l in d]')" 'veth-n' \
	"nsnet -n nsns sees veth-n"
ok nsnet netns exec nsns ping -c1 -W1 10.1.1.1
ok ip netns exec ipns ping -c1 -W1 10.1.1.2

# --- the same namespace, whichever tool opens it
is "$(nsnet netns exec ipns readlink /proc/self/ns/net)" \
	"$(ip netns exec ipns readlink /proc/self/ns/net)" \
	"nsnet netns exec ipns enters the namespace ip made"
is "$(ip netns exec nsns readlink /proc/self/ns/net)" \
	"$(nsnet netns exec nsns readlink /proc/self/ns/net)" \
	"ip netns exec nsns enters the namespace nsnet made"

# --- identify across tools
ip netns exec nsns sleep 4401 &
ok -m "ip netns exec nsns sleep started" wait_for in_other_netns "$!"
is "$(nsnet netns identify $!)" nsns "nsnet identifies a process ip started"
nsnet netns exec ipns sleep 4402 &
ok -m "nsnet netns exec ipns sleep started" wait_for pgrep -f '^sleep 4402$'
pid=$(pgrep -f '^sleep 4402$')
is "$(ip netns identify "$pid")" ipns "ip identifies a process nsnet started"
like "$(ip netns pids ipns)" "(^|"$'\n'")$pid(\$|"$'\n'")" "ip netns pids ipns lists it"

# --- a veth into a running process's namespace, by PID (a "container")
unshare -n sleep 4403 &
cpid=$!
ok -m "unshare -n sleep started" wait_for in_other_netns "$cpid"
ok nsnet link add veth-host type veth peer name veth-cont
ok nsnet link set veth-cont netns "$cpid"
ok -m "nsenter sees veth-cont in the process's namespace" \
	nsenter -t "$cpid" -n ip link show dev veth-cont
nok -m "veth-cont left the host" ip link show dev veth-cont

# --- delete with the other tool
ok ip netns del nsns
ok test ! -e /run/netns/nsns
is "$(nsnet_netns_names)" ipns "nsnet sees nsns gone"
ok nsnet netns del ipns
ok test ! -e /run/netns/ipns
is "$(ip_netns_names)" "" "ip sees ipns gone"

# --- and once more with nothing left: recreate the same names
ok nsnet netns add ipns
ok ip netns add nsns
ok ip netns exec ipns true
ok nsnet netns exec nsns true

done_testing
