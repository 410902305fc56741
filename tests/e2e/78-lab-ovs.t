#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# `type: ovs`: the tutorial's east/west/central lab on Open vSwitch. The test
# runs its own ovsdb-server and ovs-vswitchd inside the sandbox (run and db
# directory on the sandbox's tmpfs /run, in its network namespace); this
# kernel may lack the openvswitch module, so the userspace datapath is what
# is exercised. Oracles: ovs-vsctl (bridges, ports, external_ids), ip -j,
# ping. Also: a clear exit 1 when OVS is not running, or ovs-vswitchd alone
# is missing, with nothing left behind; rollback at every step; re-up
# changes nothing; down removes only the lab's bridge and ports, also with
# the state lost; the daemons are stopped at the end.
. "$(dirname "$0")/lib.sh"

if ! command -v ovs-vsctl >/dev/null || ! command -v ovs-vswitchd >/dev/null; then
	echo "1..0 # SKIP Open vSwitch is not installed (make deps)"
	exit 0
fi

F=$REPO/examples/ovs.yaml
BR=NAMESPACE-DEMO
ovs_sandbox	# OVS_RUNDIR, DB, vsctl, stop_daemon; the daemons stopped at exit

# --- bad input: exit 2, nothing changed
cat >"$T/bad.yaml" <<'Y'
lab: bad
networks:
  sw0:
    type: foo
    subnet: 10.10.0.0/24
Y
nsnet up "$T/bad.yaml" 2>"$T/err"
is "$?" 2 "type: foo: exit 2"
like "$(head -1 "$T/err")" 'bad.yaml:4:11: type "foo": unknown network type \(bridge or ovs\)' \
	"  ... naming the value and where it is"

# --- OVS not running: exit 1 naming the package and how to start it
fails_with 1 'apt-get install openvswitch-switch' nsnet up "$F"
like "$(nsnet up "$F" 2>&1)" "systemctl start openvswitch-switch" \
	"  ... and how to start it"
is "$(residue)" "" "  ... nothing left behind"

# --- ovsdb-server without ovs-vswitchd: the change times out, rolled back
mkdir -p "$OVS_RUNDIR"
ok ovsdb-tool create "$OVS_RUNDIR/conf.db" /usr/share/openvswitch/vswitch.ovsschema
ok ovsdb-server "$OVS_RUNDIR/conf.db" --remote="punix:$OVS_RUNDIR/db.sock" \
	--pidfile --detach --no-chdir --log-file
ok vsctl --no-wait init
fails_with 1 'ovs-vswitchd did not answer.*systemctl start openvswitch-switch' nsnet up "$F"
is "$(vsctl list-br)" "" "  ... no bridge left in OVSDB"
is "$(vsctl --columns=name list Port)" "" "  ... no port left in OVSDB"
is "$(residue)" "" "  ... no namespace, link or state left"

ok ovs-vswitchd "$DB" --pidfile --detach --no-chdir --log-file
ok wait_for test -e "$OVS_RUNDIR/ovs-vswitchd.pid"

# --- a bridge and a port that are not the lab's: never touched
ok vsctl add-br other -- set Bridge other datapath_type=netdev
ok ip link add other-p type veth peer name other-q
ok vsctl add-port other other-p

# Host links that are not the lab's: the foreign bridge's, and the netdev
# datapath's own device.
KEEP="other other-p other-q ovs-netdev ovs-system"

# --- up: the tutorial's lab on OVS
ok nsnet up "$F"
is "$(vsctl list-br)" "$(printf '%s\n' $BR other | sort)" "list-br: $BR (and the foreign one)"
is "$(vsctl list-ports $BR)" "$(printf '%s\n' ovs-central ovs-east ovs-west)" \
	"list-ports $BR: the three node ports"
is "$(vsctl get Bridge $BR external_ids:nsnet-lab)" ovs "the bridge is tagged as lab ovs's"
is "$(vsctl get Bridge $BR datapath_type)" \
	"$([ -e /sys/module/openvswitch ] && echo system || echo netdev)" \
	"datapath: the kernel's when its module is loaded, else netdev"
for p in ovs-east ovs-west ovs-central; do
	is "$(vsctl get Port $p external_ids:nsnet-lab)" ovs "port $p tagged as lab ovs's"
done
is "$(ip -j addr show dev $BR | jpy 'sorted(a["local"] + "/" + str(a["prefixlen"]) for a in d[0]["addr_info"] if a["family"] == "inet")')" \
	"10.10.0.254/24" "the host's gateway address is on the bridge's internal port"
is "$(ip -j link show dev $BR | jpy 'd[0]["ifalias"]')" "nsnet:ovs" "  ... which is tagged"
is "$(ip -j link show dev ovs-east | jpy '"UP" in d[0]["flags"]')" "true" "the host end ovs-east is up"

# --- traffic: every node to every other, host to every node and back
for a in east west central; do
	for b in 10.10.0.1 10.10.0.2 10.10.0.3 10.10.0.254; do
		ok -m "$a pings $b through OVS" can_ping $a $b
	done
done
for b in 10.10.0.1 10.10.0.2 10.10.0.3; do
	ok -m "the host pings $b through OVS" can_ping - $b
done

# --- TCP and UDP pass too: on the userspace datapath a frame crosses the
# switch as the node end sent it, so the node ends must compute their own
# checksums (ping passes either way: ICMP is always checksummed)
ip netns exec west python3 -m http.server 8000 >/dev/null 2>&1 &
WEB=$!
ip netns exec west socat UDP4-RECVFROM:7001,fork SYSTEM:'echo pong' >/dev/null 2>&1 &
ECHO=$!
wait_for ip netns exec west sh -c 'grep -q ":1F40 00000000:0000 0A" /proc/net/tcp'
ok -m "east fetches a page from west over TCP through OVS" \
	ip netns exec east curl -sf --max-time 10 -o /dev/null http://10.10.0.2:8000/
ok -m "the host fetches a page from west over TCP through OVS" \
	curl -sf --max-time 10 -o /dev/null http://10.10.0.2:8000/
is "$(echo ping | ip netns exec central socat -T5 - UDP4:10.10.0.2:7001 2>/dev/null)" pong \
	"central gets an answer from west over UDP through OVS"
kill "$WEB" "$ECHO"
wait "$WEB" "$ECHO" 2>/dev/null

# --- the bridge's own port down: only the host is cut off, and doctor says so
ip link set $BR down
ok -m "with $BR's internal port down, east still reaches west" can_ping east 10.10.0.2
out=$(nsnet doctor ovs)
is "$?" 1 "doctor ovs: exit 1 with the host's port down"
unlike "$out" "nothing passes between its ports" "  ... never says nothing passes the switch"
like "$out" "the host's port $BR on Open vSwitch bridge $BR is down" "  ... says the host's port is down"
ip link set $BR up

# --- the tutorial's manual steps on a userspace switch: doctor names the
# checksum offload that drops TCP and UDP, and its fix works
ip netns add manual
ip link add man0 type veth peer name man0-ovs
ip link set man0 netns manual
ip link set man0-ovs up
ip -n manual link set man0 up
ip -n manual link set lo up
ok vsctl add-port other man0-ovs
if [ -e /sys/module/openvswitch ]; then
	skip "the kernel datapath computes checksums itself" 3
else
	out=$(nsnet -j doctor manual | jpy '[f["fix"] for f in d if f["check"] == "ovs-checksum"]')
	is "$out" "nsnet netns exec manual ethtool -K man0 tx off" \
		"doctor manual: man0 leaves its checksums to a userspace switch, and the fix"
	ok -m "  ... the fix runs" bash -c "$out"
	nsnet -j doctor manual | jpy '[f["check"] for f in d]' >"$T/checks"
	unlike "$(cat "$T/checks")" "ovs-checksum" "  ... and doctor no longer reports it"
fi
ok vsctl del-port other man0-ovs
ip netns del manual

# --- status, link show, graph: OVS ports show their bridge like bridge ports
is "$(nsnet -j status ovs | jpy 'sorted(i["node"] + ":" + i["master"] for n in (d if isinstance(d, list) else [d]) for i in n.get("interfaces", []))' 2>/dev/null ||
      nsnet -j status ovs)" \
	"$(printf '%s\n' central:$BR east:$BR west:$BR)" "status: each node's interface is on $BR"
is "$(nsnet -j link show ovs-west | jpy 'd[0]["master"]')" "$BR" "link show ovs-west: master $BR"
is "$(nsnet -j link show master $BR | jpy 'sorted(l["ifname"] for l in d)')" \
	"$(printf '%s\n' ovs-central ovs-east ovs-west)" "link show master $BR: the three ports"
ok nsnet graph ovs -o "$T/g.dot"
like "$(cat "$T/g.dot")" "$BR" "graph: the OVS switch is drawn"

# --- check and doctor see a healthy lab
ok nsnet check ovs
nsnet doctor ovs >"$T/doctor" 2>&1
is "$?" 0 "doctor ovs: nothing wrong" || diag "$(cat "$T/doctor")"

# --- re-up: nothing changes
snap() {
	ip -j link show | jpy 'sorted("%s %s" % (l["ifname"], l["ifindex"]) for l in d)'
	vsctl --columns=_uuid,name list Port | sort
	vsctl --columns=_uuid list Bridge | sort
}
before=$(snap)
is "$(nsnet plan "$F" 2>&1)" "no changes" "plan after up: no changes"
ok nsnet up "$F"
is "$(snap)" "$before" "re-up: same links, same OVS ports and bridges"

# --- a port removed by hand comes back with up
ok vsctl del-port ovs-central
like "$(nsnet plan "$F")" "[+] ovs port ovs-central on $BR" "plan: puts the missing port back"
ok nsnet up "$F"
ok -m "central reaches east again" can_ping central 10.10.0.1

# --- the switch changes type: ovs -> Linux bridge -> ovs, converging each time
sed 's/type: ovs/type: bridge/' "$F" >"$T/linux.yaml"
ok nsnet up "$T/linux.yaml"
is "$(vsctl list-br)" "other" "type bridge: the OVS bridge is gone"
is "$(ip -j -d link show dev $BR | jpy 'd[0]["linkinfo"]["info_kind"]')" "bridge" "  ... a Linux bridge took its place"
is "$(ip -j link show master $BR | jpy 'sorted(l["ifname"] for l in d)')" \
	"$(printf '%s\n' ovs-central ovs-east ovs-west)" "  ... with the three ports"
ok -m "  ... east pings central" can_ping east 10.10.0.3
ok -m "  ... the host pings west" can_ping - 10.10.0.2
ok nsnet up "$F"
is "$(vsctl list-ports $BR)" "$(printf '%s\n' ovs-central ovs-east ovs-west)" "back to ovs: the three ports"
is "$(ip -j -d link show dev $BR | jpy 'd[0]["linkinfo"]["info_kind"]')" "tun" "  ... the bridge is OVS's internal port again"
ok -m "  ... east pings central" can_ping east 10.10.0.3
ok -m "  ... the host pings west" can_ping - 10.10.0.2
is "$(nsnet plan "$F" 2>&1)" "no changes" "  ... and plan: no changes"

# --- rollback at every operation of a fresh up
ok nsnet down ovs
mapfile -t OPS < <(plan_ops "$F")
diag "ovs.yaml: ${#OPS[@]} operations"
bad=""
for ((i = 1; i <= ${#OPS[@]}; i++)); do
	NSNET_FAIL_AT=$i nsnet up "$F" >/dev/null 2>"$T/err"
	rc=$?
	left="$(residue $KEEP)$(vsctl list-br | grep -vx other)$(vsctl --columns=name list Port | grep -v other)"
	if [ "$rc" != 1 ] || [ -n "$left" ]; then
		bad+=" $i"
		diag "NSNET_FAIL_AT=$i: exit $rc; $(cat "$T/err")" "$left"
		nsnet down ovs >/dev/null 2>&1
	fi
done
is "$bad" "" "a failure at any operation leaves no bridge, port, link or namespace"

# --- down finds the lab's OVS objects by their tag, with the state lost
ok nsnet up "$F"
rm -rf /run/nsnet/ovs.*
ok nsnet down ovs
is "$(vsctl list-br)" "other" "down (state lost): the lab's bridge is gone, the foreign one stays"
is "$(vsctl list-ports other)" "other-p" "  ... with its port"
is "$(vsctl --columns=name,external_ids find Port external_ids:nsnet-lab=ovs)" "" \
	"  ... no port tagged as the lab's"
is "$(residue $KEEP)" "" "  ... no namespace, link or state left"
ok nsnet down ovs
ok nsnet up "$F"
ok nsnet down ovs
is "$(vsctl list-br)" "other" "up then down: only the foreign bridge"

# --- 40 nodes: their ports go in as one OVSDB transaction
{
	echo "lab: star"
	echo "networks:"
	echo "  sw-star: {type: ovs, subnet: 10.20.0.0/24, gateway: 10.20.0.254}"
	echo "nodes:"
	for i in $(seq 40); do
		echo "  s$i: {interfaces: {eth0: {network: sw-star, address: auto}}}"
	done
} >"$T/star.yaml"
start=$(date +%s%N)
ok nsnet up "$T/star.yaml"
diag "up of 40 nodes on OVS: $(( ($(date +%s%N) - start) / 1000000 )) ms"
is "$(vsctl list-ports sw-star | wc -l)" 40 "list-ports sw-star: 40 ports"
is "$(vsctl --columns=name find Port external_ids:nsnet-lab=star | grep -c name)" 40 \
	"  ... all tagged as lab star's"
ok -m "s1 pings s40 (10.20.0.40)" can_ping s1 10.20.0.40
ok -m "the host pings s20" can_ping - 10.20.0.20
is "$(nsnet plan "$T/star.yaml" 2>&1)" "no changes" "  ... plan: no changes"
ok nsnet down star
is "$(vsctl list-br)" "other" "down star: only the foreign bridge"
is "$(residue $KEEP)" "" "  ... no namespace, link or state left"

# --- the daemons stop with the test
ok vsctl del-br other
ok ip link del other-p
stop_daemon ovs-vswitchd
stop_daemon ovsdb-server
is "$(ps -e -o comm= | grep -cE '^ovs')" "0" "no OVS daemon left running"

done_testing
