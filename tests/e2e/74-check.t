#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# `nsnet check LAB`: the reachability matrix of a lab, checked against real
# pings sent with iputils' ping from inside the namespaces; it fails naming
# the pairs of a node whose interface is down (or whose namespace is gone)
# and passes again once it is back; an island the host is not attached to
# is "--" and still passes; a path the topology does not have shows up as
# LEAK; a node that drops UDP but answers ICMP is a FAIL that says so;
# leased addresses (a node's dnsmasq, the host's) are the ones the nodes
# hold, and a node that only answers still has its row and column;
# --from, --to and --sample pick the probes; a 20-node lab takes about a
# second at most. 74-check-scale.t has the large labs.
. "$(dirname "$0")/lib.sh"

EX=$REPO/examples

# ping_view - `nsnet -j check` on stdin: "FROM ADDRESS REACHABLE" per probe,
# where REACHABLE is what a real ping from FROM's namespace says (two echo
# requests, one second's wait, every probe at once), sorted
ping_view() {
	local from addr i=0
	mkdir -p "$T/ping"
	rm -f "$T/ping/"*
	while read -r from addr; do
		i=$((i + 1))
		( if ip netns exec "$from" ping -n -q -c2 -i0.2 -W1 "$addr" >/dev/null 2>&1
		  then r=true; else r=false; fi
		  echo "$from $addr $r" >"$T/ping/$i" ) &
	done < <(jpy '["%s %s" % (p["from"], p["address"]) for p in d]')
	wait
	cat "$T/ping/"* 2>/dev/null | sort
}

# check_view - `nsnet -j check` on stdin: "FROM ADDRESS REACHABLE", sorted
check_view() {
	jpy 'sorted("%s %s %s" % (p["from"], p["address"], str(p["reachable"]).lower()) for p in d)'
}

# agrees_with_ping LAB - what check says answered is what ping says answers
agrees_with_ping() {
	local j
	j=$(nsnet -j check "$1" 2>/dev/null)
	same "nsnet -j check $1: every probe's \"reachable\" agrees with ping" \
		"$(ping_view <<<"$j")" "$(check_view <<<"$j")"
}

# cells LAB - the matrix of `nsnet check LAB` without its header: "ROW CELL..."
cells() {
	nsnet check "$1" 2>/dev/null | awk 'NR > 1 && !/^check / && !/:/'
}

# ms CMD... - run CMD quietly, print how long it took in milliseconds
ms() {
	local s
	s=$(date +%s%N)
	"$@" >/dev/null 2>&1
	echo $((($(date +%s%N) - s) / 1000000))
}

# ============================================================ house
ok nsnet up "$EX/house.yaml"
out=$(nsnet check house 2>"$T/err")
is "$?" 0 "nsnet check house: exit 0"
is "$(cat "$T/err")" "" "  ... nothing on stderr"
is "$(head -1 <<<"$out")" 'FROM\TO  red  blue  orange  gray  host' "  ... columns: the nodes in file order, then the host"
is "$(cells house)" "$(printf '%s\n' \
	'red      .    ok    ok      ok    ok' \
	'blue     ok   .     ok      ok    ok' \
	'orange   ok   ok    .       ok    ok' \
	'gray     ok   ok    ok      .     ok')" "  ... every cell ok, a node to itself '.'"
is "$(tail -1 <<<"$out")" "check house: 16 probes: 16 ok, 0 isolated (--), 0 FAIL, 0 LEAK" "  ... summary"

j=$(nsnet -j check house)
is "$?" 0 "nsnet -j check house: exit 0"
is "$(jpy 'len(d)' <<<"$j")" 16 "  ... 16 probes"
is "$(jpy 'sorted(set(tuple(sorted(p)) for p in d if p["to"] != "host"))' <<<"$j")" \
	'["address", "expected", "from", "interface", "probe", "reachable", "to"]' "  ... keys of a node probe"
is "$(jpy 'sorted(set(p["probe"] for p in d))' <<<"$j")" udp "  ... each probe a UDP request and reply"
is "$(jpy '[p for p in d if p["to"] == "host"][0]["network"]' <<<"$j")" v-net-0 "  ... a gateway probe names its network"
is "$(jpy 'all(p["expected"] and p["reachable"] for p in d)' <<<"$j")" true "  ... all expected, all reachable"
# The probed addresses are the ones iproute2 shows on the nodes and the host.
want=$(for x in red blue orange gray; do
	for y in red blue orange gray; do
		[ "$x" = "$y" ] || echo "$x $y $(addrs4 "$y" "veth-$y" | cut -d/ -f1)"
	done
	echo "$x host $(addrs4 - v-net-0 | cut -d/ -f1)"
done | sort)
is "$(jpy 'sorted("%s %s %s" % (p["from"], p["to"], p["address"]) for p in d)' <<<"$j")" \
	"$want" "  ... the probed addresses are those ip shows"
agrees_with_ping house
t=$(ms nsnet check house)
ok -m "  ... a healthy check ends as soon as all answered (${t} ms < 500 ms)" test "$t" -lt 500

# One node's cable down: every pair with blue fails, each named on stderr.
ip -n blue link set veth-blue down
out=$(nsnet check house 2>"$T/err")
is "$?" 1 "veth-blue down: nsnet check house exits 1"
is "$(sort "$T/err")" "$(printf '%s: no answer (neither UDP nor ICMP echo)\n' \
	'nsnet: check house: blue -> gray (192.168.15.4)' \
	'nsnet: check house: blue -> host (192.168.15.5)' \
	'nsnet: check house: blue -> orange (192.168.15.3)' \
	'nsnet: check house: blue -> red (192.168.15.1)' \
	'nsnet: check house: gray -> blue (192.168.15.2)' \
	'nsnet: check house: orange -> blue (192.168.15.2)' \
	'nsnet: check house: red -> blue (192.168.15.2)' | sort)" \
	"  ... stderr names exactly blue's seven pairs, neither UDP nor ICMP answering"
is "$(cells house)" "$(printf '%s\n' \
	'red      .     FAIL  ok      ok    ok' \
	'blue     FAIL  .     FAIL    FAIL  FAIL' \
	'orange   ok    FAIL  .       ok    ok' \
	'gray     ok    FAIL  ok      .     ok')" "  ... FAIL in blue's row and column"
like "$(tail -1 <<<"$out")" '16 probes: 9 ok, 0 isolated \(--\), 7 FAIL, 0 LEAK$' "  ... summary counts 7 FAIL"
nok -m "  ... and ping agrees: red gets no answer from blue" ip netns exec red ping -n -c1 -W1 192.168.15.2
agrees_with_ping house
t=$(ms nsnet check house)
# A second round for what did not answer, then half a round of ICMP.
ok -m "  ... a failing check gives up after about 2.5 seconds (${t} ms < 5000 ms)" test "$t" -lt 5000

ip -n blue link set veth-blue up
ok -m "veth-blue up again: nsnet check house exits 0" nsnet check house

# blue drops UDP, ICMP still passes (a filter by protocol, or a switch that
# breaks transport checksums): the same seven pairs fail, each saying so.
ip netns exec blue nft -f - <<'EOF'
table inet t {
	chain input {
		type filter hook input priority 0;
		meta l4proto udp drop
	}
}
EOF
nsnet check house >/dev/null 2>"$T/err"
is "$?" 1 "blue drops UDP: nsnet check house exits 1"
is "$(grep -c 'no answer over UDP, though ICMP echo answers' "$T/err")" 7 "  ... its seven pairs fail over UDP, ICMP answering" || diag "$(cat "$T/err")"
is "$(grep -vcE '(: | -> )blue ' "$T/err")" 0 "  ... each of them blue's"
ok -m "  ... ping agrees: red -> blue answers" can_ping red 192.168.15.2
is "$(nsnet -j check house 2>/dev/null | jpy 'sorted(set((p["reachable"], p.get("icmp")) for p in d if "blue" in (p["from"], p["to"])))')" \
	"[false, true]" "  ... -j: reachable false, \"icmp\": true"
ip netns exec blue nft delete table inet t
ok -m "the filter gone: nsnet check house exits 0" nsnet check house

# --from, --to, --sample pick the probes.
is "$(nsnet -j check house --from red | jpy '["%s %s" % (p["from"], p["to"]) for p in d]')" \
	"$(printf 'red %s\n' blue orange gray host)" "--from red: red's four probes"
is "$(nsnet -j check --to blue house | jpy '["%s %s" % (p["from"], p["to"]) for p in d]')" \
	"$(printf '%s blue\n' red orange gray)" "--to blue: the three to blue"
is "$(nsnet -j check house --to host | jpy 'len([p for p in d if p["to"] == "host"])')" 4 "--to host: the four gateway probes"
is "$(nsnet -j check house --from red --to host | jpy '["%s %s" % (p["from"], p["to"]) for p in d]')" "red host" "--from red --to host: one"
out=$(nsnet check house --to blue)
is "$(head -1 <<<"$out")" 'FROM\TO  blue' "  ... the matrix has blue's column only"
is "$(nsnet -j check house --sample 6 | jpy '[len(d), len(set(p["from"] for p in d))]')" "$(printf '6\n4')" \
	"--sample 6: six probes, every node sends"
fails_with 2 '^nsnet: --from nope: the lab has no such node$' nsnet check house --from nope
fails_with 2 '^nsnet: --to nope: the lab has no such node' nsnet check house --to nope
fails_with 2 'check --sample "0": expects a count' nsnet check house --sample 0
fails_with 2 'check --sample "x": expects a count' nsnet check house --sample x
fails_with 2 'check --from: expects a NODE' nsnet check house --from
fails_with 2 'check: option "--bogus": unknown' nsnet check house --bogus

# A node whose namespace is gone: its pairs fail, nothing else breaks.
# The node chosen is one whose host end did not lend the bridge its MAC
# address: a bridge without an address of its own takes its ports' lowest,
# so removing that port changes it, and the other nodes' ARP caches keep
# the old one for a while (the host goes unreachable: a finding of check's,
# not what this test is about).
bmac=$(link_json - v-net-0 'l["address"]')
for gone in gray orange blue red; do
	[ "$(link_json - "veth-$gone-br" 'l["address"]')" = "$bmac" ] || break
done
ip netns del "$gone"
# The kernel destroys a namespace (and its links) asynchronously.
ok -m "$gone's namespace deleted, its host end gone" wait_for sh -c "! ip link show veth-$gone-br"
fails_lines=$(nsnet check house 2>&1 >/dev/null)
rc=$?
is "$rc" 1 "$gone's namespace deleted: nsnet check house exits 1"
is "$(grep -c '' <<<"$fails_lines")" 7 "  ... seven failing pairs" || diag "$fails_lines"
is "$(grep -vcE "(: | -> )$gone " <<<"$fails_lines")" 0 "  ... each of them $gone's"
ok nsnet up "$EX/house.yaml"
ok -m "nsnet up puts $gone back: nsnet check house exits 0" nsnet check house
ok nsnet down house

# ============================================================ errors
fails_with 2 'lab nope: no such lab is up' nsnet check nope
fails_with 2 'lab "\.\./x"' nsnet check ../x
fails_with 2 'check: expects one LAB' nsnet check
fails_with 2 'check: expects one LAB' nsnet check a b
like "$(nsnet --help)" 'nsnet check LAB \[--from NODE\] \[--to NODE\] \[--sample N\]' "nsnet --help lists check and its options"

# ============================================================ an island
# lan is attached to the host, dark is not (no gateway): dark's nodes reach
# each other and nothing else, and that is what the lab says.
cat >"$T/island.yaml" <<'EOF'
lab: island
networks:
  lan:
    subnet: 10.31.0.0/24
    gateway: 10.31.0.1
  dark:
    subnet: 10.32.0.0/24
nodes:
  a1:
    interfaces:
      eth0: {network: lan, address: auto}
    routes: [default via 10.31.0.1]
  a2:
    interfaces:
      eth0: {network: lan, address: 10.31.0.20/24}
    routes: [default via 10.31.0.1]
  b1:
    interfaces:
      eth0: {network: dark, address: 10.32.0.10/24}
  b2:
    interfaces:
      eth0: {network: dark, address: auto}
    routes: [default dev eth0]
EOF
ok nsnet up "$T/island.yaml"
out=$(nsnet check island 2>"$T/err")
is "$?" 0 "nsnet check island: exit 0"
is "$(cat "$T/err")" "" "  ... nothing on stderr"
is "$(cells island)" "$(printf '%s\n' \
	'a1       .   ok  --  --  ok' \
	'a2       ok  .   --  --  ok' \
	'b1       --  --  .   ok  --' \
	'b2       --  --  ok  .   --')" "  ... dark's nodes are '--' to the rest and the host, ok to each other"
like "$(tail -1 <<<"$out")" '16 probes: 6 ok, 10 isolated \(--\), 0 FAIL, 0 LEAK$' "  ... summary"
j=$(nsnet -j check island)
is "$(jpy 'sorted(set(p["to"] for p in d if p["from"] == "b1" and not p["expected"]))' <<<"$j")" \
	"$(printf '%s\n' a1 a2 host)" "nsnet -j check island: b1 expects nothing from a1, a2, the host"
is "$(jpy '[p["address"] for p in d if p["from"] == "a1" and p["to"] == "b2"][0]' <<<"$j")" \
	"$(addrs4 b2 eth0 | cut -d/ -f1)" "  ... b2's auto address is the one ip shows"
agrees_with_ping island
t=$(ms nsnet check island)
ok -m "  ... isolated pairs cost a short wait only (${t} ms < 1000 ms)" test "$t" -lt 1000

# A path the lab does not have: the host joins dark and b1 routes through
# it, so a1 and b1 answer each other: LEAK, exit 1.
ip addr add 10.32.0.254/24 dev dark
ip -n b1 route add default via 10.32.0.254
sysctl -qw net.ipv4.ip_forward=1
out=$(nsnet check island 2>"$T/err")
is "$?" 1 "a path from lan to dark: nsnet check island exits 1"
like "$(cat "$T/err")" 'nsnet: check island: a1 -> b1 \(10\.32\.0\.10\): answered, though' "  ... names a1 -> b1"
like "$(cat "$T/err")" 'nsnet: check island: b1 -> a1 \(10\.31\.0\.[0-9]+\): answered, though' "  ... names b1 -> a1"
is "$(grep -vc 'answered, though the lab.s topology isolates it$' "$T/err")" 0 "  ... every line is a LEAK"
like "$(grep '^a1 ' <<<"$out")" '^a1 +\. +ok +LEAK ' "  ... a1's row: LEAK under b1"
ok -m "  ... ping agrees: a1 -> b1 answers" can_ping a1 10.32.0.10
ip -n b1 route del default via 10.32.0.254
ip addr del 10.32.0.254/24 dev dark
ok -m "the path removed: nsnet check island exits 0" nsnet check island
ok nsnet down island

# ============================================================ full.yaml
# Every feature at once: cables, an L2-only network, IPv6, auto addresses,
# a node whose default route is a cable.
ok nsnet up "$REPO/tests/fixtures/labs/good/full.yaml"
out=$(nsnet check full 2>"$T/err")
is "$?" 0 "nsnet check full: exit 0" || diag "$out" "$(cat "$T/err")"
like "$out" '(^|'$'\n'')red: 192\.168\.15\.1 veth-red, ' "  ... a legend for red's several addresses"
agrees_with_ping full
ok nsnet down full

# ============================================================ 20 nodes
# Two networks through the host, ten nodes each: 420 probes.
{
	echo "lab: twenty"
	echo "networks:"
	echo "  ev: {subnet: 10.60.0.0/24, gateway: 10.60.0.1}"
	echo "  od: {subnet: 10.61.0.0/24, gateway: 10.61.0.1}"
	echo "nodes:"
	for i in $(seq 1 20); do
		if ((i % 2)); then net=od; gw=10.61.0.1; else net=ev; gw=10.60.0.1; fi
		echo "  node$i:"
		echo "    interfaces: {eth0: {network: $net, address: auto}}"
		echo "    routes: [default via $gw]"
	done
} >"$T/twenty.yaml"
ok nsnet up "$T/twenty.yaml"
t=$(ms nsnet check twenty)
out=$(nsnet check twenty 2>&1)
is "$?" 0 "nsnet check twenty: exit 0"
is "$(tail -1 <<<"$out")" "check twenty: 420 probes: 420 ok, 0 isolated (--), 0 FAIL, 0 LEAK" "  ... 420 probes, all ok"
like "$(head -1 <<<"$out")" '^FROM\\TO +1 +2 +3 .* 20 +host$' "  ... too wide to name the columns: numbered"
like "$(sed -n 2p <<<"$out")" '^ 1 node1 ' "  ... rows carry the numbers"
ok -m "  ... in ${t} ms (< 1500 ms)" test "$t" -lt 1500
ip -n node7 link set eth0 down
t=$(ms nsnet check twenty)
is "$(nsnet check twenty 2>&1 >/dev/null | grep -c node7)" 40 "node7 down: its 40 pairs fail"
ok -m "  ... in ${t} ms (< 5000 ms)" test "$t" -lt 5000
ok nsnet down twenty

# ============================================================ leases
# examples/dhcp.yaml: the server node runs dnsmasq, the client leases its
# address. The lab file does not know it; the check takes what the client
# holds, and the server (which only answers) has its row and column.
ok nsnet up "$EX/dhcp.yaml"
lease=$(ip -n client -j addr show dev ptp-veth-client | jpy '[a["local"] for a in d[0]["addr_info"] if a["family"] == "inet"][0]')
like "$lease" '^10\.80\.0\.1[0-9][0-9]$' "dhcp.yaml: the client leased $lease"
out=$(nsnet check ptp 2>"$T/err")
is "$?" 0 "nsnet check ptp: exit 0" || diag "$out" "$(cat "$T/err")"
is "$(cat "$T/err")" "" "  ... nothing on stderr"
is "$(head -1 <<<"$out")" 'FROM\TO  server  client' "  ... both nodes are columns"
is "$(cells ptp)" "$(printf '%s\n' 'server   .       ok' 'client   ok      .')" "  ... and rows, ok both ways"
is "$(tail -1 <<<"$out")" "check ptp: 2 probes: 2 ok, 0 isolated (--), 0 FAIL, 0 LEAK" "  ... summary"
is "$(nsnet -j check ptp | jpy '[p["address"] for p in d if p["to"] == "client"][0]')" "$lease" \
	"  ... the client's address probed is its lease, as ip shows it"
agrees_with_ping ptp
ok nsnet down ptp

# The host serves DHCP (dnsmasq on the gateway): two leased nodes, one
# static, the host.
cat >"$T/hdhcp.yaml" <<'EOF'
lab: hdhcp
networks:
  lan:
    subnet: 10.85.0.0/24
    gateway: 10.85.0.1
    dhcp: {range: 10.85.0.100-10.85.0.150}
nodes:
  c1:
    interfaces: {eth0: {network: lan, address: dhcp}}
  c2:
    interfaces: {eth0: {network: lan, address: dhcp}}
  s:
    interfaces: {eth0: {network: lan, address: 10.85.0.10/24}}
EOF
ok nsnet up "$T/hdhcp.yaml"
out=$(nsnet check hdhcp 2>"$T/err")
is "$?" 0 "the host serves DHCP: nsnet check hdhcp exits 0" || diag "$out" "$(cat "$T/err")"
is "$(tail -1 <<<"$out")" "check hdhcp: 9 probes: 9 ok, 0 isolated (--), 0 FAIL, 0 LEAK" "  ... 9 probes, all ok"
is "$(nsnet -j check hdhcp | jpy 'sorted(p["address"] for p in d if p["to"] in ("c1", "c2") and p["from"] == "s")')" \
	"$(for x in c1 c2; do addrs4 "$x" eth0 | cut -d/ -f1; done | sort)" "  ... the leased addresses probed are those ip shows"
agrees_with_ping hdhcp
ok nsnet down hdhcp
no_residue "nothing left"

done_testing
