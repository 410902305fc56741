#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Cables and ports re-wired under the same names: every end name still
# exists after the edit, but the ends are no longer each other's. up must
# notice (ifindexes repeat in every namespace, so names and ifindexes are
# not enough) and re-create the pairs; status must name the right peers.
. "$(dirname "$0")/lib.sh"

F=$T/wire.yaml
cables() {
	cat >"$F" <<EOF2
lab: wire
nodes: {a: {}, b: {}, c: {}, d: {}}
links:
  - {a: a:x, b: $1:y, addresses: [10.1.0.1/24, 10.1.0.2/24]}
  - {a: c:x, b: $2:y, addresses: [10.2.0.1/24, 10.2.0.2/24]}
EOF2
}
cables b d
ok nsnet up "$F"
ok can_ping a 10.1.0.2
is "$(nsnet -j status wire | jpy '[i["node"] + ":" + i["ifname"] + ">" + i["peer"] for i in d[0]["interfaces"]]' | sort | tr '\n' ' ')" \
	"a:x>b:y b:y>a:x c:x>d:y d:y>c:x " "status: a-b and c-d"

cables d b
like "$(nsnet plan "$F")" "cable a:x <-> d:y" "plan re-creates a:x <-> d:y"
like "$(nsnet plan "$F")" "cable c:x <-> b:y" "... and c:x <-> b:y"
ok nsnet up "$F"
ok can_ping a 10.1.0.2
is "$(ip -n d -j addr show dev y | jpy '[a["local"] for o in d for a in o["addr_info"] if a["family"] == "inet"]')" \
	"10.1.0.2" "d:y has a's peer address"
ok -m "a reaches d across the new cable" ip netns exec a ping -c1 -W1 10.1.0.2
ok -m "c reaches b across the new cable" ip netns exec c ping -c1 -W1 10.2.0.2
is "$(nsnet -j status wire | jpy '[i["node"] + ":" + i["ifname"] + ">" + i["peer"] for i in d[0]["interfaces"]]' | sort | tr '\n' ' ')" \
	"a:x>d:y b:y>c:x c:x>b:y d:y>a:x " "status names the new peers"
is "$(nsnet plan "$F")" "no changes" "and then nothing to do"

# --- ports: peer: names swapped between two nodes on different networks
P=$T/ports.yaml
ports() {
	cat >"$P" <<EOF2
lab: ports
networks:
  n1: {subnet: 10.31.0.0/24, gateway: 10.31.0.254}
  n2: {subnet: 10.32.0.0/24, gateway: 10.32.0.254}
nodes:
  p: {interfaces: {eth0: {network: n1, address: 10.31.0.1/24, peer: $1}}}
  q: {interfaces: {eth0: {network: n2, address: 10.32.0.1/24, peer: $2}}}
EOF2
}
ports hp hq
ok nsnet up "$P"
ports hq hp
ok nsnet up "$P"
is "$(ip -j link show master n1 | jpy '[l["ifname"] for l in d]')" "hq" "n1's port is now hq"
is "$(nsnet -j link show hq | jpy '[l["peer_netns"] for l in d]')" "p" "... and hq leads to p"
ok can_ping p 10.31.0.254
ok can_ping q 10.32.0.254
is "$(nsnet plan "$P")" "no changes" "and then nothing to do"
ok nsnet down wire
ok nsnet down ports
done_testing
