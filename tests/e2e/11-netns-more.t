#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The rest of ip-netns: -all netns exec, netns set, netns list-id, netns
# monitor, each compared with the real `ip` (output and exit status); and
# the command line as a new user types it: -j after the verb (never taken
# from a command's words), `nsnet` found next to the running nsnet when it
# is not on PATH, the OVS-not-running message without a stray strerror.
. "$(dirname "$0")/lib.sh"

# both NAME CMD... - nsnet and ip run the same words: same stdout, stderr
# line count and exit status (nsnet's error lines are its own words)
both() {
	local name=$1 o1 o2 r1 r2 e1 e2
	shift
	o1=$(ip "$@" 2>"$T/e1"); r1=$?
	o2=$(nsnet "$@" 2>"$T/e2"); r2=$?
	e1=$(grep -c '' "$T/e1"); e2=$(grep -c '' "$T/e2")
	is "$o2 (exit $r2, $e2 error lines)" "$o1 (exit $r1, $e1 error lines)" "$name: as ip $*"
}

# tmpfs lists newest first: made in this order, readdir gives a, b as the
# sorted order nsnet uses, so the two tools' outputs can be compared whole
ok ip netns add nb
ok nsnet netns add na

# ------------------------------------------------------------ -all netns exec
both "-all netns exec: a header per namespace, the command's status ignored" \
	-all netns exec sh -c 'echo "in $(ip netns identify)"; exit 3'
like "$(nsnet -all netns exec ip netns identify)" $'^\nnetns: na\nna\n\nnetns: nb\nnb$' \
	"  ... each command really ran in its namespace (ip netns identify)"
both "-all netns exec: a command killed by a signal stops the run, exit 1" \
	-all netns exec sh -c 'kill -9 $$'
both "-all netns exec: a command that is not found" -all netns exec no-such-cmd
is "$(nsnet -all netns exec sh -c 'echo $0 -j' -- -j)" $'\nnetns: na\n-- -j\n\nnetns: nb\n-- -j' \
	"  ... its -j words stay the command's"
fails_with 2 'expects a command' nsnet -all netns exec
fails_with 2 '-all: applies to "netns exec" only' nsnet -all netns del na
ok -m "  ... and deleted nothing" test -e /run/netns/na

# ------------------------------------------------------------ set, list-id
both "list-id with no ids" netns list-id
ok nsnet netns set na 5
ok nsnet netns set nb auto
is "$(ip netns list-id)" $'nsid 0 (iproute2 netns name: nb)\nnsid 5 (iproute2 netns name: na)' \
	"ip netns list-id sees the ids nsnet set (5, and auto: 0)"
both "list-id" netns list-id
both "list-id -j" -j netns list-id
both "list-id nsid 5" netns list-id nsid 5
is "$(nsnet netns list)" "$(ip netns list)" "netns list shows the ids as ip does"
fails_with 1 'netns set na 7: Peer netns already has a nsid assigned' nsnet netns set na 7
fails_with 2 'netns nosuch: no such namespace' nsnet netns set nosuch 7
fails_with 2 'netns id "-5": not a number' nsnet netns set na -5
fails_with 2 'netns id "xyz": not a number' nsnet netns set na xyz
fails_with 2 'netns set: expects NAME and ID' nsnet netns set na
fails_with 2 'nsid: missing namespace id' nsnet netns list-id nsid
fails_with 2 'netns list-id: unexpected "foo"' nsnet netns list-id foo
is "$(ip netns list-id)" $'nsid 0 (iproute2 netns name: nb)\nnsid 5 (iproute2 netns name: na)' \
	"  ... refused sets changed no id"

# ------------------------------------------------------------ monitor
# watching PID - PID has an inotify watch in place (its fdinfo lists it)
watching() { grep -qs '^inotify wd:' /proc/"$1"/fdinfo/*; }

stdbuf -oL ip netns monitor >"$T/mon.ip" 2>&1 &
ipmon=$!
"$NSNET" netns monitor >"$T/mon.nsnet" 2>&1 &
nsmon=$!
ok -m "both monitors watch /run/netns" wait_secs 20 eval 'watching $ipmon && watching $nsmon'
ok ip netns add nc
ok nsnet netns del nc
ok nsnet netns add nd
ok ip netns del nd
want=$'add nc\ndelete nc\nadd nd\ndelete nd'
wait_secs 10 grep -q 'delete nd' "$T/mon.nsnet"
wait_secs 10 grep -q 'delete nd' "$T/mon.ip"
is "$(cat "$T/mon.ip")" "$want" "ip netns monitor saw namespaces come and go"
is "$(cat "$T/mon.nsnet")" "$want" "nsnet netns monitor printed the same, line by line"
kill "$ipmon" "$nsmon"
wait "$ipmon" "$nsmon" 2>/dev/null
fails_with 2 'netns monitor: unexpected "x"' nsnet netns monitor x

# ------------------------------------------------------------ -j anywhere
is "$(nsnet netns list -j)" "$(ip -j netns list)" "netns list -j: JSON, as ip -j netns list"
is "$(nsnet netns list --all -j | jpy '[n.get("name", "") for n in d if not n.get("host")]')" \
	$'na\nnb' "netns list --all -j: JSON"
is "$(nsnet netns exec na echo x -j)" "x -j" "netns exec NS CMD -j: -j is the command's"
ok nsnet up "$REPO/examples/cable.yaml"
is "$(nsnet status cable -j | jpy '[i["node"] + ":" + i["ifname"] for i in d[0]["interfaces"]]' | sort | tr '\n' ' ')" \
	"blue:veth-blue red:veth-red " "status LAB -j: JSON"
is "$(nsnet exec cable red -- echo x -j)" "x -j" "exec LAB NODE -- CMD -j: -j is the command's"
is "$(nsnet exec cable red echo -j)" "-j" "exec LAB NODE CMD -j: -j is the command's"

# ------------------------------------------------------------ nsnet next to nsnet
is "$(PATH=/usr/sbin:/usr/bin:/sbin:/bin nsnet netns exec na nsnet netns identify)" na \
	"netns exec NS nsnet ...: the nsnet next to the running one, not on PATH"
is "$(nsnet exec cable red -- nsnet netns identify)" red \
	"exec LAB NODE -- nsnet ...: the same"
ok nsnet down cable

# ------------------------------------------------------------ OVS not running
# the sandbox has no OVS database socket (or no OVS at all): one line,
# naming what to do, and no strerror tacked on after it
nsnet up "$REPO/examples/ovs.yaml" >"$T/out" 2>"$T/err"
is "$?" 1 "up of an OVS lab without OVS: exit 1"
like "$(cat "$T/err")" 'Open vSwitch is not (running|installed).*apt-get install openvswitch-switch' \
	"  ... saying what to do"
unlike "$(cat "$T/err")" ': No such file or directory$' "  ... and no stray strerror at the end"
nsnet down "$REPO/examples/ovs.yaml" >/dev/null 2>&1

ok nsnet netns del na
ok nsnet netns del nb
no_residue "nothing left"

done_testing
