#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# What lives where: `netns list --all` finds named, unnamed (a process's)
# and elsewhere-mounted namespaces with their processes, marks a lab's
# nodes and stale entries; `link show` names the namespace and interface
# at the other end of every veth, unnamed namespaces included (pid:PID).
. "$(dirname "$0")/lib.sh"

EX=$(cd "$(dirname "$0")/../../examples" && pwd)

ok nsnet up "$EX/house.yaml"
unshare -n sleep 300 &
lone=$!
at_exit kill $lone
# own_netns PID - the process has left our network namespace (unshare ran)
own_netns() { [ "$(readlink "/proc/$1/ns/net")" != "$(readlink /proc/self/ns/net)" ]; }
ok wait_for own_netns $lone
lone_ino=$(stat -L -c %i /proc/$lone/ns/net)
ip netns exec red sleep 300 &
inred=$!
at_exit kill $inred
mkdir -p /run/elsewhere && touch /run/elsewhere/ns
unshare -n sleep 300 &
other=$!
at_exit kill $other
ok wait_for own_netns $other
ok mount --bind /proc/$other/ns/net /run/elsewhere/ns
: >/run/netns/ghost

all=$(nsnet -j netns list --all)
ok is_json <<<"$all"
is "$(jpy "[str(n['process_count']) for n in d if n['inode'] == $lone_ino]" <<<"$all")" "1" \
	"the unnamed namespace of 'unshare -n sleep' is listed, with one process"
is "$(jpy "[p['pid'] for n in d if n['inode'] == $lone_ino for p in n['processes']]" <<<"$all")" \
	"$lone" "... and it is that sleep's pid"
is "$(jpy "[p['comm'] for n in d if n['inode'] == $lone_ino for p in n['processes']]" <<<"$all")" \
	"sleep" "... named sleep"
is "$(jpy '[n["name"] for n in d if n.get("lab") == "house"]' <<<"$all" | sort | tr '\n' ' ')" \
	"blue gray orange red " "the lab's four nodes carry its name"
like "$(jpy '[p["pid"] for n in d if n.get("name") == "red" for p in n["processes"]]' <<<"$all")" \
	"^$inred$" "red lists the process started with ip netns exec red"
is "$(jpy '[n["path"] for n in d if n.get("path")]' <<<"$all")" "/run/elsewhere/ns" \
	"a namespace mounted outside /run/netns is found by its mount"
is "$(jpy '[n["name"] for n in d if n.get("stale")]' <<<"$all")" "ghost" \
	"a plain file in /run/netns is reported stale"
is "$(jpy '[n["links"] for n in d if n.get("name") == "blue"]' <<<"$all")" "2" \
	"blue has two interfaces (lo and veth-blue)"
is "$(jpy '[1 for n in d if n.get("host")]' <<<"$all")" "1" "exactly one namespace is the host"
like "$(nsnet netns list --all)" "ghost +- +- +stale" "the table marks ghost stale"
is "$(nsnet netns identify $inred)" "red" "identify names red's sleep"
like "$(nsnet netns pids red)" "^$inred$" "pids lists it"

# --- veth peers, across namespaces, as ip -j cannot name them
peers=$(nsnet -j link show)
for n in red blue orange gray; do
	is "$(jpy "[l['peer_netns'] + ':' + l['peer_ifname'] for l in d if l['ifname'] == 'veth-$n-br']" <<<"$peers")" \
		"$n:veth-$n" "host end veth-$n-br: its peer is $n:veth-$n"
done
is "$(nsnet -n blue -j link show veth-blue | jpy '[l["peer_netns"] + ":" + l["peer_ifname"] for l in d]')" \
	"host:veth-blue-br" "from inside blue, the peer is the host's veth-blue-br"
ok ip link add lone-a type veth peer name lone-b netns $lone
is "$(nsnet -j link show lone-a | jpy '[l["peer_netns"] + ":" + l["peer_ifname"] for l in d]')" \
	"pid:$lone:lone-b" "a peer in an unnamed namespace is shown by pid"
like "$(nsnet link show lone-a)" "link-netns pid:$lone peer lone-b" "... in the text too"
# cross-check with the kernel: the peer's ifindex is what ip reports as link_index
is "$(ip -j link show lone-a | jpy '[l["link_index"] for l in d]')" \
	"$(nsenter -t $lone -n ip -j link show lone-b | jpy '[l["ifindex"] for l in d]')" \
	"(ip agrees on the peer's ifindex)"

ok umount /run/elsewhere/ns
ok nsnet down house
done_testing
