#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The tutorial's road to the LAN and back, by hand with nsnet's imperative
# verbs: masquerade (`nsnet nat`) and a port forward (`nsnet forward`).
#
# The sandbox namespace is "the host": an uplink veth to a namespace `lan`
# playing the LAN host (203.0.113.2, which knows no route to the lab subnet,
# so only masquerade lets it answer), and bridge v-net-0 (192.168.15.5) with
# node `blue` (192.168.15.2, default via .5). Oracles: real traffic (ping,
# socat, curl), `nft -j list table inet nsnet`, /proc/sys/net/ipv4/ip_forward.
# Every address lives in namespaces this test created.
. "$(dirname "$0")/lib.sh"

GOLDEN=$REPO/tests/fixtures/fw/imperative.json

# ip_forward - the sandbox host's net.ipv4.ip_forward
ip_forward() { cat /proc/sys/net/ipv4/ip_forward; }

# nft_rules - the rules of table inet nsnet as "CHAIN COMMENT", one a line,
# from `nft -j` (empty when the table is absent)
nft_rules() {
	nft -j list table inet nsnet 2>/dev/null |
		jpy '["%s %s" % (o["rule"]["chain"], o["rule"].get("comment", "-"))
		     for o in d["nftables"] if "rule" in o]'
}

# nft_normalized - `nft -j list table inet nsnet` without handles and
# version, indented, to compare with the golden dump
nft_normalized() {
	nft -j list table inet nsnet | "$PYTHON" -c '
import json, sys
d = json.load(sys.stdin)["nftables"]
out = []
for o in d:
    if "metainfo" in o:
        continue
    for v in o.values():
        v.pop("handle", None)
    out.append(o)
print(json.dumps({"nftables": out}, indent=1, sort_keys=True))
'
}

# serve_peer NS ADDR PORT - a TCP server in NS answering each connection
# with the peer's address as it sees it
serve_peer() {
	ip netns exec "$1" socat "TCP-LISTEN:$3,bind=$2,reuseaddr,fork" \
		SYSTEM:'echo $SOCAT_PEERADDR' >/dev/null 2>&1 &
}

# listening NS PORT - something listens on TCP PORT in NS
listening() {
	ip netns exec "$1" ss -Hltn "sport = :$2" | grep -q LISTEN
}

# ask NS ADDR PORT - connect from NS ("-": the host) and print the answer
ask() {
	local n=()
	[ "$1" = - ] || n=(ip netns exec "$1")
	"${n[@]}" socat -T3 - "TCP:$2:$3,connect-timeout=3" </dev/null 2>/dev/null
}

# --- the host, the LAN host, the bridge and blue, as in the tutorial
echo 0 >/proc/sys/net/ipv4/ip_forward
is "$(ip_forward)" 0 "ip_forward starts off in the sandbox"
ok nsnet netns add lan
ok nsnet link add uplink type veth peer name eth0 netns lan
ok nsnet addr add 203.0.113.1/24 dev uplink
ok nsnet link set uplink up
ok nsnet -n lan addr add 203.0.113.2/24 dev eth0
ok nsnet -n lan link set eth0 up
ok nsnet -n lan link set lo up

ok nsnet link add v-net-0 type bridge
ok nsnet addr add 192.168.15.5/24 dev v-net-0
ok nsnet link set v-net-0 up
ok nsnet netns add blue
ok nsnet link add veth-blue type veth peer name veth-blue-br
ok nsnet link set veth-blue netns blue
ok nsnet link set veth-blue-br master v-net-0
ok nsnet link set veth-blue-br up
ok nsnet -n blue addr add 192.168.15.2/24 dev veth-blue
ok nsnet -n blue link set veth-blue up
ok nsnet -n blue link set lo up
ok nsnet -n blue route add default via 192.168.15.5
is "$(ip -n lan -j route show | jpy '[r["dst"] for r in d]')" "203.0.113.0/24" \
	"the LAN host knows no route to 192.168.15.0/24"
ok can_ping blue 192.168.15.5
ok can_ping - 203.0.113.2
nok -m "before nat: blue cannot reach the LAN host" \
	ip netns exec blue ping -n -c1 -W1 203.0.113.2

# --- nothing to show yet, and no table
is "$(nsnet nat show)" "" "nat show: nothing"
is "$(nsnet -j forward show)" "[]" "forward show -j: []"
nok -m "no table inet nsnet yet" nft list table inet nsnet

# --- masquerade
ok nsnet nat add 192.168.15.0/24
is "$(ip_forward)" 1 "nat add turned ip_forward on"
is "$(nft_rules)" "postrouting nat 192.168.15.0/24" \
	"nft -j: one masquerade rule, named by its comment"
is "$(nsnet nat show)" "192.168.15.0/24" "nat show"
is "$(nsnet -j nat show)" '[{"subnet":"192.168.15.0/24"}]' "nat show -j"
ok can_ping blue 203.0.113.2
serve_peer lan 203.0.113.2 7000
wait_for listening lan 7000
is "$(ask blue 203.0.113.2 7000)" "203.0.113.1" \
	"the LAN host's server sees the host's uplink address (masquerade)"
is "$(ask - 203.0.113.2 7000)" "203.0.113.1" \
	"and the host's own connection, as itself"
fails_with 1 'nat 192\.168\.15\.0/24: exists' nsnet nat add 192.168.15.0/24

# --- port forward: the LAN host reaches blue's web server via host:8080
mkdir -p "$T/www"
echo "blue's page" >"$T/www/index.html"
(cd "$T/www" && exec ip netns exec blue "$PYTHON" -m http.server 80 \
	--bind 192.168.15.2 >/dev/null 2>&1) &
wait_for listening blue 80
# a server on the LAN host's port 8080: traffic to it passes the host and
# must not be taken by the forward (only traffic to the host itself is)
ip netns exec lan socat TCP-LISTEN:8080,bind=203.0.113.2,reuseaddr,fork \
	SYSTEM:'echo lan' >/dev/null 2>&1 &
wait_for listening lan 8080

ok nsnet forward add 8080 to 192.168.15.2:80
is "$(nft_rules)" "$(printf '%s\n' \
	'postrouting nat 192.168.15.0/24' \
	'prerouting forward tcp 8080 to 192.168.15.2:80' \
	'output forward tcp 8080 to 192.168.15.2:80')" \
	"nft -j: a DNAT rule in prerouting and in output"
is "$(nsnet forward show)" "proto tcp 8080 to 192.168.15.2:80" "forward show"
is "$(nsnet -j forward show)" \
	'[{"proto":"tcp","port":8080,"to":"192.168.15.2","to_port":80}]' \
	"forward show -j"
is "$(ip netns exec lan curl -s --max-time 3 http://203.0.113.1:8080/)" \
	"blue's page" "the LAN host fetches blue's page through host:8080"
is "$(curl -s --max-time 3 http://203.0.113.1:8080/)" "blue's page" \
	"the host itself too, through its own address"
nok -m "but not through 127.0.0.1 (no route_localnet)" \
	curl -s --max-time 3 http://127.0.0.1:8080/
nok -m "an unforwarded port does not answer" \
	ip netns exec lan curl -s --max-time 3 http://203.0.113.1:8081/
is "$(ask blue 203.0.113.2 8080)" "lan" \
	"port 8080 of another host, through this one, is not forwarded"
is "$(cat /proc/sys/net/ipv4/conf/all/route_localnet)" 0 \
	"route_localnet stays off"

if [ -f "$GOLDEN" ] && [ "${UPDATE_GOLDEN:-}" != 1 ]; then
	same "nft -j list table inet nsnet matches $(basename "$GOLDEN") (handles aside)" \
		"$(cat "$GOLDEN")" "$(nft_normalized)"
else
	nft_normalized >"$GOLDEN"
	pass "wrote $GOLDEN"
fi

fails_with 1 'forward tcp 8080 to 192\.168\.15\.2:80: exists' \
	nsnet forward add 8080 to 192.168.15.2:80
fails_with 1 'exists' nsnet forward add 8080 to 192.168.15.3:80
ok -m "udp 8080 is another forward" \
	nsnet forward add proto udp 8080 to 192.168.15.2
is "$(nsnet forward show | sort)" "$(printf '%s\n' \
	'proto tcp 8080 to 192.168.15.2:80' 'proto udp 8080 to 192.168.15.2:8080')" \
	"forward show: both"
ok nsnet forward del proto udp 8080 to 192.168.15.2:8080

# --- bad input: exit 2, one line, nothing changed
before=$(nft_rules)
fails_with 2 'port "0"' nsnet forward add 0 to 192.168.15.2:80
fails_with 2 'port "70000"' nsnet forward add 70000 to 192.168.15.2:80
fails_with 2 'to "blue": not an IP address' nsnet forward add 8081 to blue:80
fails_with 2 'to port "0"' nsnet forward add 8081 to 192.168.15.2:0
fails_with 2 'proto "sctp"' nsnet forward add proto sctp 8081 to 192.168.15.2
fails_with 2 'missing "to' nsnet forward add 8081
fails_with 2 'forward tcp 9999: no such rule' nsnet forward del 9999
fails_with 2 'no such rule' nsnet forward del 8080 to 192.168.15.3:80
fails_with 2 'subnet "192.168.15.1/24": host bits' nsnet nat add 192.168.15.1/24
fails_with 2 'missing SUBNET' nsnet nat add
fails_with 2 'dev "a/b"' nsnet nat add 10.0.0.0/8 dev a/b
fails_with 2 "contains '\\*'" nsnet nat add 10.0.0.0/8 dev 'eth*'
fails_with 2 'nat 10\.0\.0\.0/8: no such rule' nsnet nat del 10.0.0.0/8
fails_with 2 'nat 192\.168\.15\.0/24 dev uplink: no such rule' \
	nsnet nat del 192.168.15.0/24 dev uplink
fails_with 2 '-n blue: does not apply' nsnet -n blue nat show
# the tutorial's iptables words, and a bare protocol: the wrong word is
# named, with the form that works
fails_with 2 'option "--dport": .*iptables.*forward add 8081 to 192\.168\.15\.2:80$' \
	nsnet forward add --dport 8081 --to-destination 192.168.15.2:80
fails_with 2 'option "-p": .*forward add proto udp 8081 to 192\.168\.15\.2$' \
	nsnet forward add -p udp --dport 8081 -j DNAT --to-destination 192.168.15.2
fails_with 2 '"tcp": a protocol is written "proto tcp"' \
	nsnet forward add tcp 8081 to 192.168.15.2:80
fails_with 2 'unexpected "8082" after PORT 8081 \(forward add \[proto tcp\|udp\] PORT to' \
	nsnet forward add 8081 8082 to 192.168.15.2:80
# a mistyped uplink would masquerade nothing, silently
fails_with 2 'dev uplnk: no such interface on the host.*--force' \
	nsnet nat add 10.9.0.0/24 dev uplnk
same "refused commands changed no rule" "$before" "$(nft_rules)"

# --- del removes the rules; the last one takes the table and ip_forward
ok nsnet forward del 8080
is "$(nft_rules)" "postrouting nat 192.168.15.0/24" "only the nat rule is left"
nok -m "after forward del, host:8080 does not answer" \
	ip netns exec lan curl -s --max-time 3 http://203.0.113.1:8080/
is "$(ip_forward)" 1 "ip_forward stays on while a rule is left"
ok nsnet nat del 192.168.15.0/24
nok -m "the table is gone with its last rule" nft list table inet nsnet
is "$(ip_forward)" 0 "ip_forward is restored to 0"
ok -m "the forwarding record is gone" test ! -e /run/nsnet/sysctl:forwarding
nok -m "after nat del, blue cannot reach the LAN host" \
	ip netns exec blue ping -n -c1 -W1 203.0.113.2

# --- a host that forwarded already keeps forwarding
echo 1 >/proc/sys/net/ipv4/ip_forward
ok nsnet nat add 192.168.15.0/24 dev uplink
is "$(nft_rules)" "postrouting nat 192.168.15.0/24 dev uplink" "nat with an uplink"
is "$(ask blue 203.0.113.2 7000)" "203.0.113.1" "masquerade through uplink"
# without dev, del removes the one rule of the subnet; two are named
ok nsnet nat add 192.168.15.0/24 dev later0 --force
is "$(nsnet nat show)" "$(printf '%s\n' '192.168.15.0/24 dev uplink' '192.168.15.0/24 dev later0')" \
	"nat add --force: a rule for an uplink that does not exist yet"
fails_with 2 'nat del 192\.168\.15\.0/24: 2 rules masquerade it \(dev uplink, dev later0\): say which' \
	nsnet nat del 192.168.15.0/24
ok nsnet nat del 192.168.15.0/24 dev later0
ok nsnet nat del 192.168.15.0/24
nok -m "nat del SUBNET removed its one rule, dev uplink (and the table with it)" \
	nft list table inet nsnet
is "$(ip_forward)" 1 "ip_forward was on before: left on"
is "$(ls -A /run/nsnet | grep -v '^lock$')" "" "nothing left in /run/nsnet"

done_testing
