#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# An edited lab file converges by touching only what changed: add a node,
# remove a node, change an address, change a route, add a network. Each
# step is checked with ip (and ping); everything else keeps its ifindex.
. "$(dirname "$0")/lib.sh"

F=$T/house.yaml
export LC_ALL=C		# sort and comm agree
cp "$REPO/examples/house.yaml" "$F"

# others_untouched NAME BEFORE REGEX - the lines of BEFORE (an ifindexes
# snapshot) not matching REGEX are all still there, unchanged
others_untouched() {
	local kept now missing
	kept=$(grep -Ev "$3" <<<"$2")
	now=$(ifindexes)
	missing=$(comm -23 <(echo "$kept") <(echo "$now"))
	if [ -z "$missing" ]; then
		pass "$1"
	else
		fail "$1"
		diag "gone or recreated:" "$missing"
	fi
}

# converged - plan says "no changes" after an up
converged() {
	is "$(nsnet plan "$F" 2>&1)" "no changes" "  ... then plan: no changes"
}

ok nsnet up "$F"
ok can_ping - 192.168.15.2

# ------------------------------------------------------------ add a node
before=$(ifindexes)
br_mac=$(link_json - v-net-0 'l["address"]')
cat >>"$F" <<'EOF'
  purple:
    interfaces:
      eth0: {network: v-net-0, address: 192.168.15.6/24}
    routes: [default via 192.168.15.5]
EOF
ops=$(plan_ops "$F")
isnt "$ops" "" "add purple: plan lists operations"
is "$(grep -v purple <<<"$ops")" "" "  ... all of them about purple"
ok nsnet up "$F"
ok -m "ip netns: purple exists" test -e /run/netns/purple
is "$(addrs4 purple eth0)" 192.168.15.6/24 "ip -n purple: eth0 has 192.168.15.6/24"
is "$(routes4 purple)" "default via 192.168.15.5 dev eth0" "ip -n purple: default via 192.168.15.5"
is "$(link_json - purple-eth0 'l.get("master")')" v-net-0 "ip: host end purple-eth0 is on v-net-0"
others_untouched "  ... and every other link keeps its ifindex" "$before" '^$'
# A bridge left to itself takes its lowest port MAC: the gateway's MAC would
# change under every node's ARP cache (unicasts lost until they re-probe).
is "$(link_json - v-net-0 'l["address"]')" "$br_mac" "  ... and the bridge keeps its MAC ($br_mac)"
ok can_ping - 192.168.15.6
ok can_ping purple 192.168.15.1
ok can_ping red 192.168.15.6
converged

# ------------------------------------------------------------ remove a node
before=$(ifindexes)
sed -i '/^  gray:/,/routes:/d' "$F"
ops=$(plan_ops "$F")
isnt "$ops" "" "remove gray: plan lists operations"
is "$(grep -v gray <<<"$ops")" "" "  ... all of them about gray"
ok nsnet up "$F"
nok -m "ip netns: gray is gone" test -e /run/netns/gray
nok -m "ip: veth-gray-br is gone" ip link show dev veth-gray-br
is "$(netns_names)" "$(printf '%s\n' blue orange purple red)" "ip netns: the others remain"
others_untouched "  ... with every link's ifindex unchanged" "$before" '^(gray |- veth-gray-br )'
ok can_ping - 192.168.15.1
ok can_ping orange 192.168.15.6
converged

# ------------------------------------------------------------ change an address
before=$(ifindexes)
sed -i 's|192\.168\.15\.2/24|192.168.15.22/24|' "$F"
ops=$(plan_ops "$F")
is "$(grep -v '192\.168\.15\.22*/24 dev veth-blue (netns blue)' <<<"$ops")" "" \
	"change blue's address: plan only touches blue's address"
ok nsnet up "$F"
is "$(addrs4 blue veth-blue)" 192.168.15.22/24 "ip -n blue: 192.168.15.22/24 replaced 192.168.15.2/24"
is "$(routes4 blue)" "default via 192.168.15.5 dev veth-blue" "ip -n blue: the default route is still there"
same "  ... and no link was recreated" "$before" "$(ifindexes)"
ok can_ping - 192.168.15.22
nok -m "nobody answers at 192.168.15.2 any more" ping -c1 -W1 192.168.15.2
ok can_ping red 192.168.15.22
converged

# ------------------------------------------------------------ change a route
# red: default route out, a route to 10.99.0.0/24 via the host in.
# 10.99.0.1 lives on the sandbox host's lo: reachable only through a route.
ip addr add 10.99.0.1/32 dev lo
ip addr add 10.98.0.1/32 dev lo
before=$(ifindexes)
sed -i '/^  red:/,/routes:/ s|routes: .*|routes: [10.99.0.0/24 via 192.168.15.5]|' "$F"
ops=$(plan_ops "$F")
is "$(grep -v 'route .*(netns red)' <<<"$ops")" "" "change red's route: plan only touches red's routes"
ok nsnet up "$F"
is "$(routes4 red)" "10.99.0.0/24 via 192.168.15.5 dev veth-red" \
	"ip -n red: 10.99.0.0/24 via 192.168.15.5 replaced the default route"
same "  ... and no link was recreated" "$before" "$(ifindexes)"
ok can_ping red 10.99.0.1
nok -m "red no longer reaches 10.98.0.1 (no default route)" ip netns exec red ping -c1 -W1 10.98.0.1
ok can_ping blue 10.98.0.1
converged

# ------------------------------------------------------------ add a network
# v-net-1 with the host at 192.168.16.5, and orange on it as well
before=$(ifindexes)
sed -i '/^nodes:/i\  v-net-1:\n    subnet: 192.168.16.0/24\n    gateway: 192.168.16.5' "$F"
sed -i '/veth-orange:/a\      eth1: {network: v-net-1, address: 192.168.16.3/24, peer: orange-v1}' "$F"
ops=$(plan_ops "$F")
# The lab's nftables table lists its bridges (isolation), so it changes
# too, and the host now routes between two networks (ip_forward).
is "$(grep -Ev 'v-net-1|192\.168\.16\.|orange|nftables table inet nsnet-house|sysctl net.ipv4.ip_forward' <<<"$ops")" "" \
	"add v-net-1: plan only touches v-net-1, orange's new interface, the table and forwarding"
ok nsnet up "$F"
is "$(link_json - v-net-1 'l["linkinfo"]["info_kind"]')" bridge "ip: v-net-1 is a bridge"
is "$(addrs4 - v-net-1)" 192.168.16.5/24 "ip: v-net-1 has 192.168.16.5/24"
is "$(link_json - orange-v1 'l.get("master")')" v-net-1 "ip: orange-v1 (peer:) is on v-net-1"
is "$(addrs4 orange eth1)" 192.168.16.3/24 "ip -n orange: eth1 has 192.168.16.3/24"
is "$(addrs4 orange veth-orange)" 192.168.15.3/24 "ip -n orange: veth-orange kept 192.168.15.3/24"
others_untouched "  ... and every existing link keeps its ifindex" "$before" '^$'
ok can_ping - 192.168.16.3
ok can_ping orange 192.168.16.5
ok can_ping - 192.168.15.3
converged

# ------------------------------------------------------------ and back
# The original file again: every change undone, only the changed parts
before=$(ifindexes)
ok nsnet up "$REPO/examples/house.yaml"
is "$(netns_names)" "$(printf '%s\n' blue gray orange red)" "back to house.yaml: the four nodes"
nok -m "ip: v-net-1 is gone" ip link show dev v-net-1
nok -m "ip -n orange: eth1 is gone" ip -n orange link show dev eth1
is "$(addrs4 blue veth-blue)" 192.168.15.2/24 "ip -n blue: 192.168.15.2/24 again"
is "$(routes4 red)" "default via 192.168.15.5 dev veth-red" "ip -n red: default via 192.168.15.5 again"
others_untouched "  ... everything else keeps its ifindex" "$before" \
	'^(purple |orange eth1 |- (purple-eth0|orange-v1|v-net-1) )'
for a in 1 2 3 4; do
	ok can_ping - "192.168.15.$a"
done
is "$(nsnet plan "$REPO/examples/house.yaml" 2>&1)" "no changes" "  ... then plan: no changes"

# ------------------------------------------------------------ drift
# Changes made behind nsnet's back: up puts back what the file says and
# leaves the rest alone. A link of our own inside a node (made with ip,
# untagged) is not the lab's: it stays.
H=$REPO/examples/house.yaml
ok ip -n blue link add mine0 type veth peer name mine1
before=$(ifindexes)
ok ip netns exec red ip addr del 192.168.15.1/24 dev veth-red
ok ip -n orange link set veth-orange down
ok ip -n gray route del default
ok ip link del veth-blue-br
ok ip addr del 192.168.15.5/24 dev v-net-0
ops=$(plan_ops "$H")
like "$ops" '192\.168\.15\.1/24 dev veth-red \(netns red\)' "plan: red's address to add back"
like "$ops" 'veth-orange up \(netns orange\)' "plan: orange's link to bring up"
like "$ops" 'route default via 192\.168\.15\.5 \(netns gray\)' "plan: gray's default route to add back"
like "$ops" 'veth-blue-br' "plan: blue's cable to make again"
like "$ops" '192\.168\.15\.5/24 dev v-net-0' "plan: the bridge's address to add back"
ok nsnet up "$H"
is "$(addrs4 red veth-red)" 192.168.15.1/24 "up: red's address is back"
is "$(link_json orange veth-orange '"UP" in l["flags"]')" true "up: orange's veth-orange is up again"
is "$(routes4 gray)" "default via 192.168.15.5 dev veth-gray" "up: gray's default route is back"
is "$(link_json - veth-blue-br 'l.get("master")')" v-net-0 "up: veth-blue-br is back on v-net-0"
is "$(addrs4 - v-net-0)" 192.168.15.5/24 "up: v-net-0 has 192.168.15.5/24 again"
is "$(addrs4 blue veth-blue)" 192.168.15.2/24 "up: blue's new veth-blue has its address"
is "$(routes4 blue)" "default via 192.168.15.5 dev veth-blue" "  ... and blue its default route"
ok -m "ip -n blue: mine0 (not the lab's) is still there" ip -n blue link show dev mine0
others_untouched "  ... and everything else keeps its ifindex" "$before" '^(blue veth-blue |- veth-blue-br )'
for a in 1 2 3 4; do
	ok can_ping - "192.168.15.$a"
done
is "$(nsnet plan "$H" 2>&1)" "no changes" "  ... then plan: no changes"
ok -m "a deleted namespace: ip netns del gray" ip netns del gray
like "$(plan_ops "$H")" '\+ netns gray' "plan: gray to make again"
ok nsnet up "$H"
# gray first: its new MAC replaces the old one in the host's ARP cache
ok can_ping gray 192.168.15.5
ok can_ping gray 192.168.15.1
ok can_ping - 192.168.15.4
is "$(nsnet plan "$H" 2>&1)" "no changes" "  ... then plan: no changes"
# right after `ip netns del` the kernel is still tearing the old namespace
# and its veth down: up must cope, every time
fails=0
for i in $(seq 10); do
	ip netns del gray
	nsnet up "$H" >"$T/out" 2>&1 || { fails=$((fails + 1)); diag "#$i: $(cat "$T/out")"; }
done
is "$fails" 0 "10 x (ip netns del gray; up at once): up never fails"
is "$(nsnet plan "$H" 2>&1)" "no changes" "  ... then plan: no changes"

ok nsnet down house
no_residue "down: nothing left"

# ------------------------------------------------------------ auto addresses
# Adding and removing nodes never moves another node's auto address; a
# static address in the file is never handed out.
S=$T/switch.yaml
cp "$REPO/examples/switch.yaml" "$S"
sed -i '/^  east:/i\  static:\n    interfaces:\n      eth0: {network: sw0, address: 10.10.0.1/24}' "$S"
ok nsnet up "$S"
# autos - "NODE ADDR" for every node, from ip
autos() {
	local x
	for x in $(netns_names); do echo "$x $(addrs4 "$x" eth0)"; done
}
first=$(autos)
is "$(awk '{ print $2 }' <<<"$first" | sort | uniq -d)" "" "no address handed out twice"
is "$(awk '$1 != "static" && $2 == "10.10.0.1/24"' <<<"$first")" "" "no node but static has 10.10.0.1"
cat >>"$S" <<'EOF'
  aaa:
    interfaces:
      eth0: {network: sw0, address: auto}
EOF
ok nsnet up "$S"
is "$(autos | grep -v '^aaa ')" "$first" "a node added (first by name): the others keep their addresses"
a=$(addrs4 aaa eth0)
is "$(autos | awk '{ print $2 }' | sort | uniq -d)" "" "  ... and it got an address of its own ($a)"
ok can_ping - "${a%/*}"
sed -i '/^  west:/,/eth0:/d' "$S"
ok nsnet up "$S"
is "$(autos)" "$({ grep -v '^west ' <<<"$first"; echo "aaa $a"; } | sort)" \
	"west removed: the others keep their addresses"
ok nsnet down switch
no_residue "down switch: nothing left"

done_testing
