#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# A lab with services (dnsmasq on the host, four DHCP clients, two `run:`
# commands), four rounds of: `up` SIGKILLed at a random point of its run
# (40-80% of a clean up, while services start), then an `up` that fails
# (NSNET_FAIL_AT=1) and is rolled back, then `down`: every round ends with
# no supervisor, dnsmasq, DHCP client or command left and no residue,
# although the failed `up` saw no state of the killed one; then two rounds
# of a killed `up` followed by one that converges (each service runs once)
# and `down`. Oracles: /proc
# (ps), ip netns, ip link, /run/nsnet.
. "$(dirname "$0")/lib.sh"

F=$T/ks.yaml
cat >"$F" <<'YAML'
lab: ks
networks:
  lan:
    subnet: 10.93.0.0/24
    gateway: 10.93.0.1
    dhcp: {range: 10.93.0.100-10.93.0.199, lease: 10m}
nodes:
  s1:
    interfaces: {eth0: {network: lan, address: 10.93.0.11}}
    run: [{command: "sleep 1931", name: nap1}]
  s2:
    interfaces: {eth0: {network: lan, address: 10.93.0.12}}
    run: [{command: "sleep 1932", name: nap2}]
  c1: {interfaces: {eth0: {network: lan, address: dhcp}}}
  c2: {interfaces: {eth0: {network: lan, address: dhcp}}}
  c3: {interfaces: {eth0: {network: lan, address: dhcp}}}
  c4: {interfaces: {eth0: {network: lan, address: dhcp}}}
YAML

# ms - milliseconds since the epoch
ms() { echo $(($(date +%s%N) / 1000000)); }

# leftovers - "PID COMM" of every live process a lab could leave
leftovers() {
	ps -e -o pid=,stat=,comm= | awk '$2 !~ /^Z/ && $3 ~ /^(nsnet|dnsmasq|sleep)/ { print $1, $3 }'
}

# scrub - after a failed round, remove by hand what is left (only
# processes of this sandbox, by pid), so that a bug shows once
scrub() {
	local f pid comm
	while read -r pid comm; do
		[ -n "$pid" ] && kill -KILL "$pid" 2>/dev/null
	done <<<"$(leftovers)"
	for f in /run/netns/*; do
		[ -e "$f" ] || continue
		umount -l "$f" 2>/dev/null
		rm -f "$f"
	done
	ip link del lan 2>/dev/null
	rm -rf /run/nsnet/ks.* /run/nsnet/sysctl:forwarding
	rm -rf /etc/netns/*
}

at_exit "$NSNET" down ks

# counts - how many of each process a lab leaves running, "N COMM ..."
counts() { leftovers | awk '{ print $2 }' | sort | uniq -c | awk '{ print $1, $2 }' | xargs; }

# kill_up - an up SIGKILLed 40-80% of a clean up's time (t_up) into its
# run; sets delay to when, in ms
kill_up() {
	local pid
	delay=$((t_up * (40 + RANDOM % 41) / 100))
	"$NSNET" up "$F" >/dev/null 2>&1 &
	pid=$!
	sleep "$(printf '%d.%03d' $((delay / 1000)) $((delay % 1000)))"
	kill -KILL "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
}

t0=$(ms)
ok -m "a clean up (waits for four leases)" nsnet up "$F"
t_up=$(($(ms) - t0))
is "$(counts)" "1 dnsmasq 11 nsnet-sup 2 sleep" \
	"  ... dnsmasq, two commands, four DHCP clients (children of their supervisors), each supervised"
ok -m "clean down" nsnet down ks
is "$(leftovers)" "" "  ... no process left"
no_residue "  ... nothing left"
diag "clean up: $t_up ms"

for round in 1 2 3 4; do
	kill_up
	mid="$(netns_names | grep -c '') namespaces, $(leftovers | grep -c '') processes"
	NSNET_FAIL_AT=1 nsnet up "$F" >"$T/out" 2>&1
	rc=$?
	# exit 0 only when the killed run had done everything already
	like "$rc" '^[01]$' "round $round: up killed after $delay ms ($mid), then an up failing at its first operation: exit $rc" ||
		diag "$(cat "$T/out")"
	nsnet down ks >"$T/out" 2>&1
	is "$?" 0 "  ... then down: exit 0" || diag "$(cat "$T/out")"
	left=$(leftovers)
	is "$left" "" "  ... no supervisor, dnsmasq, DHCP client or command left"
	no_residue "  ... no namespace, link, /etc/netns entry or state left" || left=x
	[ -z "$left" ] || scrub
done

# Killed, then an `up` that converges: every service once, none twice.
for round in 5 6; do
	kill_up
	nsnet up "$F" >"$T/out" 2>&1
	is "$?" 0 "round $round: up killed after $delay ms, then up: exit 0" ||
		diag "$(cat "$T/out")"
	is "$(counts)" "1 dnsmasq 11 nsnet-sup 2 sleep" "  ... every service runs, once"
	nsnet down ks >"$T/out" 2>&1
	is "$?" 0 "  ... then down: exit 0" || diag "$(cat "$T/out")"
	left=$(leftovers)
	is "$left" "" "  ... no process left"
	no_residue "  ... nothing left" || left=x
	[ -z "$left" ] || scrub
done

done_testing
