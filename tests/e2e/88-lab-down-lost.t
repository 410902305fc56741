#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Nothing of a lab outlives `down`, even when /run/nsnet was lost: two labs
# up ("lost" and "lost2", whose name starts with the first's), each with a
# host-served DHCP network (dnsmasq on the host), a DHCP client node, a
# `run:` command and NAT (so ip_forward, 0 before, becomes 1). Then
# `rm -rf /run/nsnet/*`: `down lost` stops every process of lost - the
# supervisors, dnsmasq, the DHCP client, the command - and not one of
# lost2's; ip_forward stays 1 while lost2 needs it, and `down lost2` puts
# back the 0 found. Also: with its state, a failed change that replaced
# the table, and an `up` after the state was lost (no service twice).
# Oracles: /proc (pids with their start times, comm,
# environment), /proc/sys/net/ipv4/ip_forward, ip netns.
. "$(dirname "$0")/lib.sh"

fwd() { cat /proc/sys/net/ipv4/ip_forward; }

# lab_file NAME OCTET - a lab: dnsmasq on the host serves `lan`, blue leases
# its address, red runs a sleeper; the lan is NATed
lab_file() {
	cat <<-YAML
	lab: $1
	networks:
	  lan$2:
	    subnet: 10.$2.0.0/24
	    gateway: 10.$2.0.1
	    nat: true
	    dhcp: {range: 10.$2.0.100-10.$2.0.150, lease: 10m}
	nodes:
	  red$2:
	    interfaces:
	      eth0: {network: lan$2, address: 10.$2.0.10}
	    run:
	      - {command: "sleep 1000$2", name: napper}
	  blue$2:
	    interfaces:
	      eth0: {network: lan$2, address: dhcp}
	YAML
}

# start_of PID - the process's start time (field 22 of /proc/PID/stat), or
# nothing when it is gone or a zombie
start_of() {
	local s
	s=$(cat "/proc/$1/stat" 2>/dev/null) || return 0
	s=${s##*) }
	set -- $s
	[ "$1" = Z ] || [ "$1" = X ] || echo "${20}"
}

# lab_procs LAB - "PID START COMM" of every live process of LAB, told
# apart without nsnet's tags: it is in one of the lab's namespaces, or its
# command line names the lab's runtime directory (dnsmasq's files), or it
# descends from one of those, or it is a supervisor (nsnet-sup) whose child
# is one
lab_procs() {
	LAB=$1 T=$T "$PYTHON" - <<-'PY'
	import os
	lab = os.environ["LAB"]
	with open(os.environ["T"] + "/nodes-" + lab) as f:
	    nodes = f.read().split()
	nsino = set(os.stat("/run/netns/" + n).st_ino for n in nodes
	            if os.path.exists("/run/netns/" + n))
	procs = {}
	for p in os.listdir("/proc"):
	    if not p.isdigit() or p == "1":
	        continue
	    try:
	        with open("/proc/%s/stat" % p) as f:
	            st = f.read()
	        rest = st[st.rindex(")") + 2:].split()
	        if rest[0] in "ZX":
	            continue
	        comm = st[st.index("(") + 1:st.rindex(")")]
	        cmd = open("/proc/%s/cmdline" % p, "rb").read()
	        ino = os.stat("/proc/%s/ns/net" % p).st_ino
	    except (OSError, ValueError):
	        continue
	    procs[int(p)] = dict(ppid=int(rest[1]), start=rest[19], comm=comm,
	                         mine=ino in nsino or
	                         ("/run/nsnet/%s.d/" % lab).encode() in cmd)
	grew = True
	while grew:
	    grew = False
	    for pid, q in procs.items():
	        par = procs.get(q["ppid"])
	        if not q["mine"] and par and par["mine"]:
	            q["mine"] = grew = True
	for pid, q in procs.items():
	    kids = [c for c in procs.values() if c["ppid"] == pid and c["mine"]]
	    if q["comm"] == "nsnet-sup" and kids:
	        q["mine"] = True
	for pid in sorted(procs):
	    q = procs[pid]
	    if q["mine"]:
	        print(pid, q["start"], q["comm"])
	PY
}

# alive LIST - the entries of "PID START COMM" lines still alive as the
# same process
alive() {
	local pid start comm
	while read -r pid start comm; do
		[ -n "$pid" ] || continue
		[ "$(start_of "$pid")" = "$start" ] && echo "$pid $start $comm"
	done <<<"$1"
}

# comms LIST - the sorted COMM column of a "PID START COMM" list
comms() { awk '{ print $3 }' <<<"$1" | sort | xargs; }

lab_file lost 91 >"$T/lost.yaml"
lab_file lost2 92 >"$T/lost2.yaml"
echo "red91 blue91" >"$T/nodes-lost"
echo "red92 blue92" >"$T/nodes-lost2"
at_exit "$NSNET" down lost2
at_exit "$NSNET" down lost

# A new namespace inherits the real host's ip_forward: start from a host
# that does not forward (this is the sandbox's own namespace).
echo 0 >/proc/sys/net/ipv4/ip_forward
is "$(fwd)" 0 "ip_forward is 0 before any lab"
ok -m "up lost" nsnet up "$T/lost.yaml"
ok -m "up lost2" nsnet up "$T/lost2.yaml"
is "$(fwd)" 1 "  ... ip_forward is 1 while they are up"
p1=$(lab_procs lost)
p2=$(lab_procs lost2)
is "$(comms "$p1")" "dnsmasq nsnet-sup nsnet-sup nsnet-sup nsnet-sup sleep" \
	"lost runs dnsmasq, a sleeper and a DHCP client (a child of its supervisor), each supervised"
is "$(comms "$p2")" "$(comms "$p1")" "  ... and so does lost2"
like "$(nsnet exec lost blue91 -- ip -4 -o addr show dev eth0)" "10\\.91\\.0\\.1[0-5][0-9]/24" \
	"  ... blue91 leased its address"

# Not supervised: one sleeper by hand inside a node of lost (it would keep
# the namespace alive), one on the host that is no lab's at all.
ip netns exec red91 sleep 1091 &
byhand=$!
tail -f /dev/null &
foreign=$!
at_exit kill "$foreign"
wait_for test -n "$(start_of $byhand)"
byhand_start=$(start_of $byhand)
foreign_start=$(start_of $foreign)

lose_state() { rm -rf /run/nsnet/*; }
ok -m "the state is lost: rm -rf /run/nsnet/*" lose_state
ok -m "  ... /run/nsnet is empty" test -z "$(ls -A /run/nsnet)"

ok -m "down lost: exit 0" nsnet down lost
is "$(alive "$p1")" "" "  ... no process of lost is left (supervisors, dnsmasq, DHCP client, sleeper)"
is "$(lab_procs lost)" "" "  ... and no process in its namespaces or naming its runtime directory"
is "$(alive "$p2")" "$p2" "  ... every process of lost2 runs on, untouched"
isnt "$(start_of $byhand)" "$byhand_start" "  ... the process started by hand in red91 went too"
is "$(start_of $foreign)" "$foreign_start" "  ... the host's own sleeper runs on"
ok -m "  ... lost's namespaces are gone" test ! -e /run/netns/red91 -a ! -e /run/netns/blue91
ok -m "  ... lost2's namespaces are there" test -e /run/netns/red92 -a -e /run/netns/blue92
is "$(fwd)" 1 "  ... ip_forward stays 1: lost2 still needs it"
ok -m "  ... lost2 still works: blue92 reaches its gateway" can_ping blue92 10.92.0.1

ok -m "down lost2: exit 0" nsnet down lost2
is "$(alive "$p2")" "" "  ... no process of lost2 is left"
is "$(ps -e -o stat=,comm= | awk '$1 !~ /^Z/ && $2 ~ /^(nsnet|dnsmasq|sleep)/' | wc -l)" 0 \
	"  ... no nsnet-sup, nsnet-dhcp, dnsmasq or sleep process at all"
is "$(fwd)" 0 "  ... ip_forward is back to 0, as found"
is "$(start_of $foreign)" "$foreign_start" "  ... the host's own sleeper still runs"
kill "$foreign"
wait "$foreign" "$byhand" 2>/dev/null
no_residue "  ... no namespace, link, /etc/netns entry or state left"

# ------------------------------------------------------------ records kept
# With its state, `down` still stops the lab's processes by their records
# and restores forwarding from /run/nsnet: the tags change nothing there.
ok -m "up lost again" nsnet up "$T/lost.yaml"
is "$(fwd)" 1 "  ... ip_forward 1"
ok -m "down lost (state kept)" nsnet down lost
is "$(ps -e -o stat=,comm= | awk '$1 !~ /^Z/ && $2 ~ /^(nsnet|dnsmasq|sleep)/' | wc -l)" 0 \
	"  ... no process left"
is "$(fwd)" 0 "  ... ip_forward back to 0"
no_residue "  ... nothing left"

# ------------------------------------------------------------ failed change
# A change that fails after the table was replaced is rolled back; the
# table put back still carries the lab's forwarding tag, so a state lost
# afterwards still lets `down` restore ip_forward.
tag_chains() {
	nft -j list chains | jpy '[c["chain"]["name"] for c in d["nftables"]
	    if "chain" in c and c["chain"]["table"] == "nsnet-lost" and c["chain"]["name"].startswith("forwarding_")]'
}
ok -m "up lost" nsnet up "$T/lost.yaml"
is "$(tag_chains)" "forwarding_ipv4_was_0" "  ... its table carries the tag: ipv4 forwarding was 0"
{
	cat "$T/lost.yaml"
	echo "forwards:"
	echo "  - {port: 8091, to: red91:80}"
} | sed 's/sleep 100091/sleep 200091/' >"$T/changed.yaml"
ops=$(plan_ops "$T/changed.yaml")
like "$ops" "nftables table inet nsnet-lost" "the change replaces the table"
like "$(tail -1 <<<"$ops")" "process napper" "  ... and then restarts the sleeper"
NSNET_FAIL_AT=$(grep -c '' <<<"$ops") nsnet up "$T/changed.yaml" >/dev/null 2>&1
is "$?" 1 "  ... failing at that last step: exit 1, rolled back"
is "$(tag_chains)" "forwarding_ipv4_was_0" "  ... the table put back still carries the tag"
is "$(plan_ops "$T/lost.yaml")" "" "  ... and is the one recorded: plan of the old file has no change"
ok -m "the state is lost again" lose_state
ok -m "down lost" nsnet down lost
is "$(fwd)" 0 "  ... ip_forward back to 0"
is "$(ps -e -o stat=,comm= | awk '$1 !~ /^Z/ && $2 ~ /^(nsnet|dnsmasq|sleep)/' | wc -l)" 0 \
	"  ... no process left"
no_residue "  ... nothing left"

# ------------------------------------------------------------ up again
# `up` after the state was lost starts the services afresh, and the old
# ones, which no record names any more, are stopped first: none runs twice.
ok -m "up lost" nsnet up "$T/lost.yaml"
p1=$(lab_procs lost)
ok -m "the state is lost again" lose_state
ok -m "up lost, without its state" nsnet up "$T/lost.yaml"
is "$(alive "$p1")" "" "  ... none of the old processes is left"
is "$(comms "$(lab_procs lost)")" "dnsmasq nsnet-sup nsnet-sup nsnet-sup nsnet-sup sleep" \
	"  ... and each service runs once"
like "$(nsnet exec lost blue91 -- ip -4 -o addr show dev eth0)" "10\\.91\\.0\\.1[0-5][0-9]/24" \
	"  ... blue91 has its lease"
ok -m "down lost" nsnet down lost
is "$(ps -e -o stat=,comm= | awk '$1 !~ /^Z/ && $2 ~ /^(nsnet|dnsmasq|sleep)/' | wc -l)" 0 \
	"  ... no process left"
is "$(fwd)" 0 "  ... ip_forward back to 0"
no_residue "  ... nothing left"

done_testing
