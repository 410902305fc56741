#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# SIGKILL at a random moment of `up` of a 150-node lab, five times: the next
# `up` exits 0 and converges (150 namespaces, each with its own address, a
# re-plan with no changes), and `down` - itself killed once at a random
# moment first - leaves zero residue.
. "$(dirname "$0")/lib.sh"

N=150
F=$T/big.yaml
{
	echo "lab: big"
	echo "networks:"
	echo "  br77: {subnet: 10.77.0.0/16, gateway: 10.77.0.1}"
	echo "nodes:"
	for i in $(seq -w 1 $N); do
		echo "  n$i:"
		echo "    interfaces:"
		echo "      eth0: {network: br77, address: auto}"
	done
} >"$F"

# ms - milliseconds since the epoch
ms() { echo $(($(date +%s%N) / 1000000)); }

# killed_at MAX VERB ARG - start `nsnet VERB ARG`, SIGKILL it after a random
# 20..MAX ms (MAX > 20); prints the delay
killed_at() {
	local delay=$((20 + RANDOM % ($1 - 19))) pid
	"$NSNET" "$2" "$3" >/dev/null 2>&1 &
	pid=$!
	sleep "$(printf '%d.%03d' $((delay / 1000)) $((delay % 1000)))"
	kill -KILL "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	echo "$delay"
}

# converged NAME - the lab is whole: N namespaces, each eth0 up with one
# address of 10.77.0.0/16 (not the gateway), all distinct, every host end
# on br77, and plan says "no changes"
converged() {
	local view problems
	view=$(lab_view big)
	problems=$(N=$N "$PYTHON" -c '
import ipaddress, os, sys
n = int(os.environ["N"])
rows = [l.split() for l in sys.stdin.read().splitlines() if l]
bad = []
nodes = sorted(r[0] for r in rows)
if nodes != ["n%03d" % i for i in range(1, n + 1)]:
    bad.append("nodes with an interface: %d of %d" % (len(set(nodes)), n))
addrs = []
for node, ifname, peer, master, state, a in rows:
    if ifname != "eth0" or master != "br77" or state != "UP" or "," in a or a == "-":
        bad.append("%s: %s %s %s %s %s" % (node, ifname, peer, master, state, a))
        continue
    ip = ipaddress.ip_interface(a)
    if ip.network != ipaddress.ip_network("10.77.0.0/16") or str(ip.ip) == "10.77.0.1":
        bad.append("%s: address %s" % (node, a))
    addrs.append(str(ip.ip))
if len(set(addrs)) != len(addrs):
    bad.append("an address handed out twice: %d addresses, %d distinct" % (len(addrs), len(set(addrs))))
print("\n".join(bad))
' <<<"$view")
	[ "$(netns_names | grep -c '')" = "$N" ] || problems+=$'\n'"$(netns_names | grep -c '') namespaces"
	[ "$(ip -j link show master br77 | jpy 'len(d)')" = "$N" ] ||
		problems+=$'\n'"$(ip -j link show master br77 | jpy 'len(d)') ports on br77"
	[ "$(nsnet plan "$F" 2>&1)" = "no changes" ] ||
		problems+=$'\n'"plan: $(nsnet plan "$F" 2>&1 | head -5)"
	if [ -z "${problems//$'\n'/}" ]; then
		pass "$1"
	else
		fail "$1"
		diag "$problems"
	fi
}

# scrub - after a failed round, remove by hand what is left, so that the
# next round starts clean and a bug shows once
scrub() {
	local f
	nsnet down big >/dev/null 2>&1
	for f in /run/netns/*; do
		[ -e "$f" ] || continue
		umount -l "$f" 2>/dev/null
		rm -f "$f"
	done
	ip link del br77 2>/dev/null
	rm -rf /run/nsnet/big.*
}

# A clean run first, to measure and to scale the kill window
t0=$(ms)
ok nsnet up "$F"
t_up=$(($(ms) - t0))
converged "clean up of $N nodes"
t0=$(ms)
ok -m "up again (nothing to do)" nsnet up "$F"
t_noop=$(($(ms) - t0))
ok can_ping - "$(addrs4 n077 eth0 | cut -d/ -f1)"
t0=$(ms)
ok nsnet down big
t_down=$(($(ms) - t0))
no_residue "clean down: nothing left"
diag "clean up: $t_up ms, up with nothing to do: $t_noop ms, clean down: $t_down ms"
# kill windows: 20 ms to a little past a clean run (most kills land mid-run)
max_up=$((t_up * 5 / 4 > 100 ? t_up * 5 / 4 : 100))
max_down=$((t_down * 5 / 4 > 60 ? t_down * 5 / 4 : 60))

for round in 1 2 3 4 5; do
	d_up=$(killed_at "$max_up" up "$F")
	mid="$(netns_names | grep -c '') namespaces, $(host_links | grep -c '') host links"
	t0=$(ms)
	nsnet up "$F" >"$T/out" 2>&1
	rc=$?
	t_conv=$(($(ms) - t0))
	is "$rc" 0 "round $round: up killed after $d_up ms ($mid), then up: exit 0" ||
		diag "$(cat "$T/out")"
	converged "  ... and the lab converged"
	# a few nodes really answer, one of them at random
	ok can_ping - "$(addrs4 "n$(printf '%03d' $((1 + RANDOM % N)))" eth0 | cut -d/ -f1)"

	d_down=$(killed_at "$max_down" down big)
	mid="$(netns_names | grep -c '') namespaces, $(host_links | grep -c '') host links"
	if [ $((round % 2)) = 1 ]; then
		# after a killed down, up converges again
		nsnet up "$F" >"$T/out" 2>&1
		is "$?" 0 "  ... down killed after $d_down ms ($mid), then up: exit 0" ||
			diag "$(cat "$T/out")"
		converged "  ... and the lab converged"
	else
		pass "  ... down killed after $d_down ms ($mid)"
	fi
	t0=$(ms)
	nsnet down big >"$T/out" 2>&1
	rc=$?
	t_clean=$(($(ms) - t0))
	is "$rc" 0 "  ... then down: exit 0" || diag "$(cat "$T/out")"
	no_residue "  ... and nothing is left (namespaces, host links, /run/nsnet/big.*)" ||
		scrub
	diag "round $round: converging up $t_conv ms, final down $t_clean ms"
done

done_testing
