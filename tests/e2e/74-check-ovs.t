#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# `nsnet check` sees a switch that passes ICMP but not UDP: on Open
# vSwitch's userspace datapath a frame crosses the switch as the node's end
# sent it, so a veth left to offload its checksums (the tutorial's manual
# steps leave it so) sends UDP and TCP the receiver drops, while ping, whose
# checksum is always computed, passes. check's probes are UDP with a real
# payload: the pairs of such a node FAIL, each saying ICMP answers. Oracles:
# ping and a socat UDP exchange between the namespaces, ethtool -k.
. "$(dirname "$0")/lib.sh"

if ! command -v ovs-vsctl >/dev/null || ! command -v ovs-vswitchd >/dev/null ||
	! command -v ethtool >/dev/null; then
	echo "1..0 # SKIP Open vSwitch or ethtool is not installed (make deps)"
	exit 0
fi
if [ -e /sys/module/openvswitch ]; then
	echo "1..0 # SKIP the kernel datapath computes checksums itself"
	exit 0
fi

F=$REPO/examples/ovs.yaml
ovs_sandbox	# OVS_RUNDIR, DB, vsctl, stop_daemon; the daemons stopped at exit

# udp_echo FROM ADDR - what FROM gets back from west's UDP echo at ADDR:7001
udp_echo() { echo ping | ip netns exec "$1" socat -T3 - "UDP4:$2:7001" 2>/dev/null; }

mkdir -p "$OVS_RUNDIR"
ok ovsdb-tool create "$OVS_RUNDIR/conf.db" /usr/share/openvswitch/vswitch.ovsschema
ok ovsdb-server "$OVS_RUNDIR/conf.db" --remote="punix:$OVS_RUNDIR/db.sock" \
	--pidfile --detach --no-chdir --log-file
ok vsctl --no-wait init
ok ovs-vswitchd "$DB" --pidfile --detach --no-chdir --log-file
ok wait_for test -e "$OVS_RUNDIR/ovs-vswitchd.pid"
at_exit "$NSNET" down ovs
ok nsnet up "$F"

out=$(nsnet check ovs 2>"$T/err")
is "$?" 0 "nsnet check ovs: exit 0 (the lab's node ends compute their checksums)" ||
	diag "$out" "$(cat "$T/err")"
ip netns exec west socat UDP4-RECVFROM:7001,fork SYSTEM:'echo pong' >/dev/null 2>&1 &
ECHO=$!
wait_for ip netns exec west sh -c 'grep -q ":1B59 " /proc/net/udp'
is "$(udp_echo central 10.10.0.2)" pong "  ... and UDP passes: central gets west's echo"

# east's end offloads its checksums again, as a veth does by default.
ok ip netns exec east ethtool -K east tx on
like "$(ip netns exec east ethtool -k east | grep '^tx-checksumming')" ': on' "  ... ethtool -k: east offloads tx checksums"
is "$(udp_echo east 10.10.0.2)" "" "  ... UDP from east gets no answer (socat)"
ok -m "  ... ping still passes: east -> west" can_ping east 10.10.0.2
out=$(nsnet check ovs 2>"$T/err")
is "$?" 1 "nsnet check ovs: exit 1"
ok -m "  ... every failing pair is east's" test -s "$T/err" -a "$(grep -vcE '(: | -> )east ' "$T/err")" = 0
like "$(cat "$T/err")" 'east -> west \(10\.10\.0\.2\): no answer over UDP, though ICMP echo answers' \
	"  ... east -> west fails over UDP, ICMP answering" || diag "$(cat "$T/err")"
is "$(nsnet -j check ovs --from east --to west 2>/dev/null | jpy '[[p["probe"], p["reachable"], p.get("icmp")] for p in d]')" \
	'["udp", false, true]' "  ... -j: probe udp, reachable false, icmp true"

ok ip netns exec east ethtool -K east tx off
ok -m "offload off again: nsnet check ovs exits 0" nsnet check ovs
kill "$ECHO"
wait "$ECHO" 2>/dev/null
ok nsnet down ovs
no_residue "nothing left"
done_testing
