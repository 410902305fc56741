#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Concurrency: two different labs brought up (and down) at the same time
# both come out right; one lab brought up by two processes at once - the
# lock serializes them - ends correct, with no address handed out twice.
. "$(dirname "$0")/lib.sh"

# gen LAB NET N - a lab of N nodes on bridge NET, 10.<NET's number>.0.0/24,
# the host at .1, every node with address: auto
gen() {
	local lab=$1 net=$2 n=$3 i
	echo "lab: $lab"
	echo "networks:"
	echo "  $net: {subnet: 10.${net#br}.0.0/24, gateway: 10.${net#br}.0.1}"
	echo "nodes:"
	for ((i = 1; i <= n; i++)); do
		echo "  $lab-$i:"
		echo "    interfaces:"
		echo "      eth0: {network: $net, address: auto}"
	done
}

N=80
gen pa br81 $N >"$T/pa.yaml"
gen pb br82 $N >"$T/pb.yaml"

# lab_right LAB NET - N nodes of LAB, each eth0 up on NET with its own
# address of NET's subnet; the host reaches the first and the last; plan
# says "no changes"
lab_right() {
	local lab=$1 net=$2 view sub=10.${2#br}.0 addrs
	view=$(lab_view "$lab")
	is "$(awk '{ print $1 }' <<<"$view" | sort -u | grep -c .)" "$N" "$lab: $N nodes with an interface"
	is "$(awk -v m="$net" '$4 != m || $5 != "UP"' <<<"$view")" "" "  ... every one up, its host end on $net"
	addrs=$(awk '{ print $6 }' <<<"$view")
	is "$(grep -vcE "^${sub//./\\.}\.([2-9]|[1-9][0-9]|1[0-9][0-9]|2[0-4][0-9]|25[0-4])/24$" <<<"$addrs")" 0 \
		"  ... every address one of $sub.0/24 (not the gateway)"
	is "$(sort -u <<<"$addrs" | grep -c .)" "$N" "  ... no address handed out twice"
	ok can_ping - "$(addrs4 "$lab-1" eth0 | cut -d/ -f1)"
	ok can_ping "$lab-$N" "$(addrs4 "$lab-1" eth0 | cut -d/ -f1)"
	is "$(nsnet plan "$T/$lab.yaml" 2>&1)" "no changes" "  ... plan $lab.yaml: no changes"
}

# together CMD1 -- CMD2 - run both at once; "RC1 RC2", outputs in $T/p1, $T/p2
together() {
	local a=() p1 p2 r1 r2
	while [ "$1" != -- ]; do a+=("$1"); shift; done
	shift
	"${a[@]}" >"$T/p1" 2>&1 &
	p1=$!
	"$@" >"$T/p2" 2>&1 &
	p2=$!
	wait "$p1"; r1=$?
	wait "$p2"; r2=$?
	echo "$r1 $r2"
}

# ------------------------------------------------------------ two labs
for round in 1 2 3; do
	is "$(together nsnet up "$T/pa.yaml" -- nsnet up "$T/pb.yaml")" "0 0" \
		"round $round: up pa and up pb at once: both exit 0" ||
		diag "$(cat "$T/p1" "$T/p2")"
	lab_right pa br81
	lab_right pb br82
	ga=$(ip -j link show master br81 | jpy 'sorted(set(str(l["group"]) for l in d))')
	gb=$(ip -j link show master br82 | jpy 'sorted(set(str(l["group"]) for l in d))')
	is "$(grep -c . <<<"$ga") $(grep -c . <<<"$gb")" "1 1" "  ... each lab's host ends share one device group"
	isnt "$ga" "$gb" "  ... and the two labs' groups differ"
	is "$(nsnet -j labs | jpy 'sorted("%s %d" % (l["lab"], l["nodes"]) for l in d)')" \
		"$(printf 'pa %d\npb %d' $N $N)" "  ... nsnet -j labs: pa and pb, $N nodes each"
	is "$(together nsnet down pa -- nsnet down pb)" "0 0" "  ... down pa and down pb at once: both exit 0" ||
		diag "$(cat "$T/p1" "$T/p2")"
	no_residue "  ... and nothing is left"
done

# one lab up while the other goes down
ok nsnet up "$T/pa.yaml"
is "$(together nsnet down pa -- nsnet up "$T/pb.yaml")" "0 0" "down pa while up pb: both exit 0" ||
	diag "$(cat "$T/p1" "$T/p2")"
is "$(netns_names | grep -c '^pa-')" 0 "  ... pa is gone"
lab_right pb br82
ok nsnet down pb
no_residue "  ... and after down pb nothing is left"

# ------------------------------------------------------------ one lab, twice
for round in 1 2 3; do
	is "$(together nsnet up "$T/pa.yaml" -- nsnet up "$T/pa.yaml")" "0 0" \
		"round $round: up pa from two processes at once: both exit 0" ||
		diag "$(cat "$T/p1" "$T/p2")"
	lab_right pa br81
	is "$(together nsnet down pa -- nsnet down "$T/pa.yaml")" "0 0" \
		"  ... down pa from two processes at once: both exit 0" ||
		diag "$(cat "$T/p1" "$T/p2")"
	no_residue "  ... and nothing is left"
done

# Two labs claiming one node name (and bridge) at once: the lock makes the
# check and the build one step, so exactly one wins, whole, and the other
# is refused (exit 2) having changed nothing.
sed -e 's/^lab: pa$/lab: pc/' -e 's/10\.81\./10.83./g' "$T/pa.yaml" >"$T/pc.yaml"
for round in 1 2 3; do
	rcs=$(together nsnet up "$T/pa.yaml" -- nsnet up "$T/pc.yaml")
	like "$rcs" '^(0 2|2 0)$' "round $round: up pa and up pc (same node names) at once: one exits 0, the other 2" ||
		diag "$(cat "$T/p1" "$T/p2")"
	if [ "$rcs" = "2 0" ]; then winner=pc; else winner=pa; fi
	is "$(nsnet -j labs | jpy '[l["lab"] for l in d]')" "$winner" "  ... only $winner is up"
	like "$(lab_view $winner | awk '{ print $6 }' | sort -u | head -1)" \
		"^10\.8$([ $winner = pa ] && echo 1 || echo 3)\." "  ... with $winner's addresses"
	is "$(lab_view $winner | grep -c .)" "$N" "  ... and all its $N interfaces"
	ok nsnet down $winner
	no_residue "  ... and down leaves nothing"
done

# up and down of one lab at once: whichever runs second wins, whole
ok nsnet up "$T/pa.yaml"
ok nsnet down pa
is "$(together nsnet up "$T/pa.yaml" -- nsnet down pa)" "0 0" "up pa and down pa at once: both exit 0" ||
	diag "$(cat "$T/p1" "$T/p2")"
if [ -z "$(netns_names)" ]; then
	no_residue "  ... down ran last: nothing is left"
else
	lab_right pa br81
	ok nsnet down pa
fi
no_residue "nothing left at the end"

done_testing
