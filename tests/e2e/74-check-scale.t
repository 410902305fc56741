#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# `nsnet check` on labs too large to probe one ICMP echo per pair: 120 nodes
# on one bridge (14,400 probes) all answer, as real pings agree; one node
# down fails exactly its own 239 pairs, every other pair still ok; the
# host's neighbour table, shared by every namespace of the machine, does
# not overflow (the old check filled it: 1,024 entries, then ~1,000 answers
# whatever the size); a second network the host is not attached to is "--"
# to the first, no LEAK, no FAIL; --sample keeps every sender.
. "$(dirname "$0")/lib.sh"

N=120

# fulls - the neighbour tables' overflow count so far (ARP and NDP: the
# machine's, shared by every namespace; netlink tells it in any of them)
fulls() {
	ip -s -j ntable show | jpy 'sum(t["table_fulls"] for t in d if "table_fulls" in t)'
}

# ms CMD... - run CMD quietly, print how long it took in milliseconds
ms() {
	local s
	s=$(date +%s%N)
	"$@" >/dev/null 2>&1
	echo $((($(date +%s%N) - s) / 1000000))
}

{
	echo "lab: big"
	echo "networks:"
	echo "  sw: {subnet: 10.94.0.0/16, gateway: 10.94.0.1}"
	echo "nodes:"
	for i in $(seq 1 $N); do
		echo "  s$i:"
		echo "    interfaces: {eth0: {network: sw, address: auto}}"
		echo "    routes: [default via 10.94.0.1]"
	done
} >"$T/big.yaml"
ok nsnet up "$T/big.yaml"

f0=$(fulls)
t=$(ms nsnet check big)
out=$(nsnet check big 2>"$T/err")
is "$?" 0 "nsnet check big ($N nodes): exit 0"
is "$(grep -c '' "$T/err")" 0 "  ... nothing on stderr" || diag "$(head -5 "$T/err")"
is "$(tail -1 <<<"$out")" "check big: 14400 probes: 14400 ok, 0 isolated (--), 0 FAIL, 0 LEAK" "  ... 14,400 probes, all ok"
ok -m "  ... in ${t} ms (< 15000 ms on a loaded machine; ~200 ms idle)" test "$t" -lt 15000
# The table is the machine's: another test running meanwhile may fill it.
if [ "$(fulls)" = "$f0" ]; then
	pass "  ... the host's neighbour table did not overflow"
else
	skip "the host's neighbour table overflowed meanwhile: this check's, or another test's"
fi
j=$(nsnet -j check big)
diag "probes by kind: $(jpy 'sorted("%s %d" % (k, sum(p["probe"] == k for p in d)) for k in set(p["probe"] for p in d))' <<<"$j" | tr '\n' ' ')"
is "$(jpy 'sorted(set(p["probe"] for p in d) - {"udp", "broadcast"})' <<<"$j")" "" "  ... every probe UDP (unicast or broadcast)"

# The oracle: real pings between 24 pairs spread over the lab, all at once.
pairs=$(for k in $(seq 0 23); do a=$((k * 5 + 1)); b=$(((k * 37 + 60) % N + 1)); [ $a = $b ] && b=$((b % N + 1)); echo "s$a s$b"; done)
fails=0
while read -r a b; do
	addr=$(jpy "[p['address'] for p in d if p['from'] == '$a' and p['to'] == '$b'][0]" <<<"$j")
	( ip netns exec "$a" ping -n -q -c2 -i0.2 -W2 "$addr" >/dev/null 2>&1 || echo "$a $b" >>"$T/pingfail" ) &
done <<<"$pairs"
wait
is "$(cat "$T/pingfail" 2>/dev/null)" "" "  ... ping agrees on 24 pairs spread over the lab"

# One node down: exactly its pairs fail, from it and to it.
ip -n s60 link set eth0 down
out=$(nsnet check big 2>"$T/err")
is "$?" 1 "s60's cable down: exit 1"
is "$(grep -c '' "$T/err")" 239 "  ... 239 failing pairs: 119 from s60, 119 to it, s60 -> host"
is "$(grep -vcE '(: | -> )s60 ' "$T/err")" 0 "  ... each of them s60's"
like "$(tail -1 <<<"$out")" '14400 probes: 14161 ok, 0 isolated \(--\), 239 FAIL, 0 LEAK$' "  ... every other pair ok"
nok -m "  ... ping agrees: s1 gets no answer from s60" ip netns exec s1 ping -n -c1 -W1 "$(jpy "[p['address'] for p in d if p['to'] == 's60'][0]" <<<"$j")"
ip -n s60 link set eth0 up
ok -m "s60 back: exit 0" nsnet check big

# --sample: fewer probes, every node still sends.
is "$(nsnet -j check big --sample 1000 | jpy '[len(d), len(set(p["from"] for p in d)), all(p["reachable"] for p in d)]')" \
	"$(printf '1000\n120\ntrue')" "--sample 1000: 1,000 probes, all 120 senders, all answer"
is "$(nsnet -j check big --from s7 | jpy '[len(d), all(p["reachable"] for p in d)]')" \
	"$(printf '120\ntrue')" "--from s7: 120 probes, all answer"
ok nsnet down big

# Two networks of 40, the host attached to one: 3,240 isolated pairs.
{
	echo "lab: halves"
	echo "networks:"
	echo "  lan: {subnet: 10.95.0.0/24, gateway: 10.95.0.1}"
	echo "  dark: {subnet: 10.96.0.0/24}"
	echo "nodes:"
	for i in $(seq 1 40); do
		echo "  a$i: {interfaces: {eth0: {network: lan, address: auto}}, routes: [default via 10.95.0.1]}"
	done
	for i in $(seq 1 40); do
		echo "  b$i: {interfaces: {eth0: {network: dark, address: auto}}}"
	done
} >"$T/halves.yaml"
ok nsnet up "$T/halves.yaml"
out=$(nsnet check halves 2>"$T/err")
is "$?" 0 "two halves: exit 0"
is "$(tail -1 <<<"$out")" "check halves: 6400 probes: 3160 ok, 3240 isolated (--), 0 FAIL, 0 LEAK" "  ... 3,160 ok, 3,240 isolated"
# A path from lan to dark: the host on dark, b1 routing through it.
ip addr add 10.96.0.254/24 dev dark
ip -n b1 route add default via 10.96.0.254
sysctl -qw net.ipv4.ip_forward=1
nsnet check halves >/dev/null 2>"$T/err"
is "$?" 1 "a path from lan to dark: exit 1"
is "$(grep -c 'answered, though' "$T/err")" 80 "  ... 80 LEAKs: a1..a40 -> b1 and back" || diag "$(head -3 "$T/err")"
is "$(grep -vcE '(: | -> )b1 ' "$T/err")" 0 "  ... each of them b1's"
ok nsnet down halves
no_residue "nothing left"

done_testing
