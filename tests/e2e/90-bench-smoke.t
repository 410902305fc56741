#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# `make bench` must not rot: a star-20 smoke round of every builder
# (bench/run --quick, verification on), and bench/floor checked on its own
# with iproute2 and pings. No timing assertions: timings are noisy.
. "$(dirname "$0")/lib.sh"

RUN=$REPO/bench/run
FLOOR=$(dirname "$NSNET")/bench/floor
J=$T/bench.json

if [ ! -x "$FLOOR" ]; then
	echo "1..0 # SKIP no $FLOOR (make test builds it)"
	exit 0
fi

# ---- bench/floor by itself, seen by iproute2
ok "$FLOOR" up 6 2
is "$(netns_names | tr '\n' ' ')" "n00001 n00002 n00003 n00004 n00005 n00006 " \
	"floor: six namespaces"
is "$(ip -j link show master bbr0 | jpy '[l["ifname"] for l in d]' | tr '\n' ' ')" \
	"n00001-eth0 n00002-eth0 n00003-eth0 " "floor: bbr0 holds the first three"
is "$(ip -j link show master bbr1 | jpy 'len(d)')" 3 "floor: bbr1 holds three"
is "$(addrs4 n00005 eth0)" "10.101.0.3/16" "floor: n00005 is the second node of bbr1"
is "$(routes4 n00005)" "default via 10.101.0.1 dev eth0" "floor: default route"
is "$(link_json n00005 eth0 'l["inet6_addr_gen_mode"]')" none \
	"floor: no IPv6 link-local on the node end"
ok can_ping n00005 10.101.0.1
ok can_ping n00001 10.100.0.4
ok "$FLOOR" down 6 2
ok -m "floor: nothing left" wait_for test -z "$(residue)"
fails_usage() { "$FLOOR" up 0 1 2>/dev/null; [ $? = 2 ]; }
ok -m "floor: bad usage exits 2" fails_usage

# ---- bench/run: bad input
bad_sizes() { "$RUN" --sizes 100,x --json "$J" >/dev/null 2>&1; [ $? = 2 ]; }
ok -m "bench/run --sizes 100,x exits 2" bad_sizes
bad_builder() { "$RUN" --builders floor,bogus --json "$J" >/dev/null 2>&1; [ $? = 2 ]; }
ok -m "bench/run --builders bogus exits 2" bad_builder
is "$(ls -A "$T" | grep -c bench.json)" 0 "refused runs wrote no JSON"

# ---- bench/run --quick: every builder, one round, in a sandbox of its own
builders=(floor nsnet ip-batch ip-script cni)
ok "$RUN" --quick --timeout 240 --nsnet "$NSNET" --floor "$FLOOR" --json "$J"
"$RUN" --help >"$T/help" 2>&1
like "$(cat "$T/help")" "--quick" "bench/run --help explains --quick"
ok -m "the JSON file is JSON" is_json <"$J"
for b in "${builders[@]}"; do
	if [ "$b" = cni ] && [ ! -x /usr/lib/cni/bridge ]; then
		skip "containernetworking-plugins not installed" 3
		continue
	fi
	r=$(B=$b jpy '[r for r in d["results"] if r["builder"] == __import__("os").environ["B"]
	             and r["workload"] == "star-20"]' <"$J")
	isnt "$r" "" "$b: a star-20 result"
	is "$(jpy 'd["verified"], d["errors"]' <<<"$r" | tr '\n' ' ')" "true [] " \
		"$b: verified, no errors"
	is "$(jpy 'all(isinstance(d[k], (int, float)) and d[k] > 0
	             for k in ("up_s", "down_s", "peak_rss_kib"))' <<<"$r")" "true" \
		"$b: up, down and peak RSS are numbers"
done
is "$(jpy '[r["reup_s"] > 0 for r in d["results"] if r["builder"] == "nsnet"]' <"$J")" \
	"true" "nsnet: a re-up time"
is "$(jpy 'd["machine"]["cpus"] > 0 and bool(d["machine"]["kernel"])' <"$J")" "true" \
	"the machine is recorded"
no_residue "bench/run left nothing in the test's sandbox"

done_testing
