#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# NAT, a port forward and isolation from a lab file, with real traffic: the
# sandbox host has an uplink to a namespace playing "the LAN host", which
# knows no route to the lab's subnet. Masquerade must make the LAN see the
# host's uplink address; the forward must reach blue's web server through
# host:8080 and nothing else; another lab must not reach house's nodes;
# `nft flush ruleset` is drift that status reports and up repairs; down
# removes the table and restores ip_forward.
. "$(dirname "$0")/lib.sh"

FIX=$(cd "$(dirname "$0")/../fixtures/labs/e2e" && pwd)

# --- the LAN: 203.0.113.2 behind the host's uplink 203.0.113.1
ok ip netns add lan
ok ip link add uplink type veth peer name eth0 netns lan
ok ip addr add 203.0.113.1/24 dev uplink
ok ip link set uplink up
ok ip -n lan addr add 203.0.113.2/24 dev eth0
ok ip -n lan link set eth0 up
ok ip -n lan link set lo up
# A new namespace inherits the real host's ip_forward: start from a host
# that does not forward (this is the sandbox's own namespace).
echo 0 >/proc/sys/net/ipv4/ip_forward
is "$(cat /proc/sys/net/ipv4/ip_forward)" "0" "ip_forward starts off"

ok nsnet up "$FIX/nat-house.yaml"
is "$(cat /proc/sys/net/ipv4/ip_forward)" "1" "up turned ip_forward on (NAT needs it)"
ok -m "the lab's table exists" nft list table inet nsnet-house
is "$(nft -j list tables | jpy '[t["table"]["name"] for t in d["nftables"] if "table" in t]')" \
	"nsnet-house" "one table, the lab's"

# --- masquerade: out to the LAN in the host's name
ok can_ping blue 203.0.113.2
ip netns exec lan python3 -c '
import socket
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("203.0.113.2", 7000)); s.listen(4)
while True:
    c, a = s.accept(); c.sendall((a[0] + "\n").encode()); c.close()
' &
at_exit kill $!
ok wait_for ip netns exec blue bash -c 'exec 3<>/dev/tcp/203.0.113.2/7000'
is "$(ip netns exec blue timeout 3 bash -c 'exec 3<>/dev/tcp/203.0.113.2/7000; head -1 <&3')" \
	"203.0.113.1" "the LAN host sees the host's uplink address, not blue's"

# --- the forward: LAN -> host:8080 -> blue:80, and nothing else
mkdir -p "$T/www" && echo "hello from blue" >"$T/www/index.html"
ip netns exec blue python3 -m http.server 80 --bind 192.168.15.2 --directory "$T/www" >/dev/null 2>&1 &
at_exit kill $!
ip netns exec blue python3 -m http.server 81 --bind 192.168.15.2 --directory "$T/www" >/dev/null 2>&1 &
at_exit kill $!
ok wait_for ip netns exec blue bash -c 'exec 3<>/dev/tcp/192.168.15.2/80'
is "$(ip netns exec lan curl -s --max-time 3 http://203.0.113.1:8080/)" "hello from blue" \
	"the LAN fetches blue's page through host:8080"
nok -m "an unforwarded host port does not answer" \
	ip netns exec lan curl -s --max-time 2 http://203.0.113.1:8081/
# A LAN host that routes to the lab's subnet through the host reaches only
# forwarded ports: blue's port 81 stays closed to it.
ok ip -n lan route add 192.168.15.0/24 via 203.0.113.1
nok -m "routing through the host reaches no unforwarded port of a node" \
	ip netns exec lan curl -s --max-time 2 http://192.168.15.2:81/
ok ip -n lan route del 192.168.15.0/24 via 203.0.113.1

# --- isolation: another lab's node cannot reach house's nodes
ok nsnet up "$FIX/nat-other.yaml"
ok can_ping intruder 10.60.0.1
nok -m "a node of another lab does not reach blue" \
	ip netns exec intruder ping -n -c1 -W1 192.168.15.2
nok -m "... nor blue's web server" \
	ip netns exec intruder curl -s --max-time 2 http://192.168.15.2:80/

# --- one host port, one forward: a second lab cannot take 8080 too
out=$(nsnet up "$FIX/nat-clash.yaml" 2>&1)
is "$?" "2" "a second forward of host port 8080 is refused (exit 2)"
like "$out" "nat-clash.yaml:12:5: forward tcp 8080: lab house forwards that port already" \
	"... naming the line and the lab that has it"
nok -m "... and clash was not built" test -e /run/netns/web

# --- drift: ip_forward turned off under the lab
ok sh -c 'echo 0 > /proc/sys/net/ipv4/ip_forward'
is "$(nsnet -j status house | jpy 'd[0].get("forwarding_off")')" "true" \
	"status reports forwarding off"
like "$(nsnet plan "$FIX/nat-house.yaml")" "sysctl net.ipv4.ip_forward=1" \
	"plan says up turns it on"
ok nsnet up "$FIX/nat-house.yaml"
is "$(cat /proc/sys/net/ipv4/ip_forward)" "1" "up turned it on again"

# --- drift: a flushed ruleset is reported and repaired
ok nft flush ruleset
is "$(nsnet -j status house | jpy 'd[0]["nftables"]')" "missing" "status reports the table missing"
like "$(nsnet status house)" "MISSING" "... in the table view too"
like "$(nsnet plan "$FIX/nat-house.yaml")" "nftables table inet nsnet-house" "plan restores it"
ok nsnet up "$FIX/nat-house.yaml"
is "$(nsnet -j status house | jpy 'd[0]["nftables"]')" "ok" "up put it back"
is "$(ip netns exec lan curl -s --max-time 3 http://203.0.113.1:8080/)" "hello from blue" \
	"the forward works again"
is "$(nsnet plan "$FIX/nat-house.yaml")" "no changes" "and a re-plan is empty"

# --- golden: the rules the lab file generates (handles stripped)
norm() {
	nft -j list table inet "$1" | "$PYTHON" -c '
import json, sys
def strip(o):
    if isinstance(o, dict):
        return {k: strip(v) for k, v in o.items() if k != "handle"}
    if isinstance(o, list):
        return [strip(v) for v in o]
    return o
d = json.load(sys.stdin)["nftables"]
print(json.dumps([strip(e) for e in d if "metainfo" not in e], indent=1, sort_keys=True))'
}
GOLDEN=$(dirname "$0")/golden/lab-nat-house.json
if [ -n "${UPDATE_GOLDEN:-}" ]; then
	mkdir -p "$(dirname "$GOLDEN")" && norm nsnet-house >"$GOLDEN"
fi
is "$(norm nsnet-house)" "$(cat "$GOLDEN")" "the table matches $GOLDEN"

# --- down: table gone, ip_forward restored when the last lab goes
ok nsnet down other
is "$(cat /proc/sys/net/ipv4/ip_forward)" "1" "house still needs forwarding"
ok nsnet down house
nok -m "the table is gone" nft list table inet nsnet-house
is "$(cat /proc/sys/net/ipv4/ip_forward)" "0" "ip_forward restored"

done_testing
