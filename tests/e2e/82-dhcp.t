#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# nsnet's DHCP client against a real dnsmasq started with the command line
# dnsmasq_argv() builds: a bridge with the gateway address in the sandbox
# host, two namespaces on it, a lease each (distinct, in range, with the
# lease as the address lifetime), a default route proto dhcp, traffic,
# dnsmasq's lease file naming both nodes, resolv.conf lines, a renewal at
# a server-sent T1, a release on SIGTERM that leaves nothing, --once, two
# clients in one namespace, refused input, and a hostile server (a bad
# renewal ACK, a forged NAK while rebinding) that the client survives.
. "$(dirname "$0")/lib.sh"

UNIT_DIR=${UNIT_DIR:-$(dirname "$NSNET")/tests}
if ! command -v dnsmasq >/dev/null || [ ! -x "$UNIT_DIR/test_dhcp" ]; then
	echo "1..0 # SKIP needs dnsmasq (make deps) and $UNIT_DIR/test_dhcp (make test)"
	exit 0
fi

GW=10.77.0.1
LEASE=120

# (an OFFER from dnsmasq takes a moment: waits use lib.sh's wait_secs)

# addr_of NS DEV - DEV's IPv4 address (no prefix length), from `ip -j`
addr_of() {
	ip -n "$1" -4 -j addr show dev "$2" |
		jpy '[a["local"] for l in d for a in l.get("addr_info", [])]'
}

# lft_of NS DEV - DEV's IPv4 address's valid lifetime, from `ip -j`
lft_of() {
	ip -n "$1" -4 -j addr show dev "$2" |
		jpy '[a["valid_life_time"] for l in d for a in l.get("addr_info", [])]'
}

# dhcp_route NS - "default via GW dev DEV proto dhcp" lines, from `ip -j`
dhcp_route() {
	ip -n "$1" -4 -j route show |
		jpy '["%s via %s dev %s proto %s" % (r["dst"], r.get("gateway"), r["dev"], r.get("protocol"))
		     for r in d if r["dst"] == "default"]'
}

# in_range ADDR - ADDR is in dnsmasq's range 10.77.0.100-150
in_range() {
	[[ $1 =~ ^10\.77\.0\.([0-9]+)$ ]] && ((BASH_REMATCH[1] >= 100 && BASH_REMATCH[1] <= 150))
}

# leased NAME - dnsmasq's lease file has a lease for hostname NAME
leased() { awk -v n="$1" '$4 == n { f = 1 } END { exit !f }' "$T/st/leases"; }

# --- the switch, the gateway and two nodes (iproute2: the oracle's side)
# br0 gets an address of its own: a bridge without one takes the lowest MAC
# of its ports, so adding blue-eth1 below would change the gateway's MAC and
# the nodes' neighbour entries would point at a MAC nobody owns for seconds
# (their unicast renewals and RELEASEs lost). nsnet pins its bridges' MACs.
ok ip link add br0 address 02:00:0a:4d:00:01 type bridge
ok ip addr add $GW/24 dev br0
ok ip link set br0 up
for n in red blue; do
	ok ip netns add $n
	at_exit ip netns del $n
	ok ip link add $n-eth0 type veth peer name eth0 netns $n
	ok ip link set $n-eth0 master br0 up
	ok ip -n $n link set lo up
done

# --- dnsmasq, from the builder's argv, with its files in a 0700 root dir
mkdir -m 0700 "$T/st"
mapfile -t DNSMASQ < <("$UNIT_DIR/test_dhcp" --dnsmasq-argv ifname=br0 listen=$GW \
	subnet=10.77.0.0/24 start=10.77.0.100 end=10.77.0.150 lease=$LEASE \
	router=$GW dns=$GW domain=lab renew=3 upstream=127.0.0.1 \
	pid="$T/st/dnsmasq.pid" leases="$T/st/leases")
like "${DNSMASQ[*]}" "--conf-file=/dev/null .*--dhcp-range=10.77.0.100,10.77.0.150,255.255.255.0,$LEASE" \
	"the builder's command line"
"${DNSMASQ[@]}" 2>"$T/dnsmasq.log" &
DNSMASQ_PID=$!
at_exit kill $DNSMASQ_PID
ok -m "dnsmasq is running (pid file written)" wait_secs 10 test -s "$T/st/dnsmasq.pid"
is "$(stat -c %U "/proc/$DNSMASQ_PID")" "dnsmasq" "dnsmasq dropped root (runs as user dnsmasq)"

# --- a client in each node
"$NSNET" -n red dhcp eth0 --lease-file "$T/red.lease" --resolv-file "$T/red.resolv" \
	2>"$T/red.err" &
RED=$!
at_exit kill $RED
: >"$T/blue.resolv"
BLUE_INODE=$(stat -c %i "$T/blue.resolv")
"$NSNET" -n blue dhcp eth0 --lease-file "$T/blue.lease" --resolv-file "$T/blue.resolv" \
	2>"$T/blue.err" &
BLUE=$!
at_exit kill $BLUE
ok -m "red's client writes its lease file" wait_secs 20 test -s "$T/red.lease"
ok -m "blue's client writes its lease file" wait_secs 20 test -s "$T/blue.lease"
ok -m "red's client runs in red" in_other_netns $RED

red_ip=$(addr_of red eth0)
blue_ip=$(addr_of blue eth0)
ok -m "red got an address in the range ($red_ip)" in_range "$red_ip"
ok -m "blue got an address in the range ($blue_ip)" in_range "$blue_ip"
isnt "$red_ip" "$blue_ip" "the two addresses differ"
is "$(ip -n red -4 -j addr show dev eth0 | jpy '[a["prefixlen"] for l in d for a in l["addr_info"]]')" \
	"24" "the prefix length comes from the netmask"
lft=$(lft_of red eth0)
ok -m "the valid lifetime is finite and at most the lease ($lft)" \
	test "$lft" -gt 0 -a "$lft" -le $LEASE
is "$(dhcp_route red)" "default via $GW dev eth0 proto dhcp" "red: default route via the gateway, proto dhcp"
is "$(dhcp_route blue)" "default via $GW dev eth0 proto dhcp" "blue: default route via the gateway, proto dhcp"
ok can_ping red "$blue_ip"
ok can_ping red $GW
ok can_ping blue "$red_ip"

ok -m "dnsmasq's lease file names red" leased red
ok -m "dnsmasq's lease file names blue" leased blue
is "$(awk '$4 == "red" { print $3 }' "$T/st/leases")" "$red_ip" "dnsmasq leased red the address red has"

# dns_a NS NAME - the IPv4 address dnsmasq (at the gateway) gives for NAME,
# asked from inside NS with a plain DNS query
dns_a() {
	ip netns exec "$1" "$PYTHON" - "$2" "$GW" <<-'PY'
	import socket, struct, sys
	name, server = sys.argv[1], sys.argv[2]
	q = struct.pack(">HHHHHH", 0x4e53, 0x0100, 1, 0, 0, 0)
	q += b"".join(bytes([len(p)]) + p.encode() for p in name.split(".")) + b"\0"
	q += struct.pack(">HH", 1, 1)
	s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
	s.settimeout(2)
	s.sendto(q, (server, 53))
	r = s.recv(512)
	if struct.unpack(">H", r[6:8])[0] and r[-6:-4] == b"\0\x04":
	    print(socket.inet_ntoa(r[-4:]))
	PY
}
is "$(dns_a blue red.lab)" "$red_ip" "dnsmasq answers red.lab with red's address (the hostname was sent)"

is "$(jpy '[d["ifname"], d["address"], str(d["prefixlen"]), d["router"], d["server"], d["domain"]] + d["dns"]' \
	<"$T/red.lease" | tr '\n' ' ')" "eth0 $red_ip 24 $GW $GW lab $GW " "the lease file's JSON"
is "$(jpy 'str(d["expires"] - d["obtained"] == d["lease_time"] == '$LEASE')' <"$T/red.lease")" "True" \
	"the lease file's times"
is "$(cat "$T/red.resolv")" $'# nsnet: from DHCP\nnameserver '$GW$'\nsearch lab' "red's resolv file"
is "$(stat -c %i "$T/blue.resolv")" "$BLUE_INODE" "blue's resolv file was rewritten in place (same inode)"
like "$(cat "$T/blue.resolv")" "nameserver $GW" "blue's resolv file has the nameserver"

# --- the server's T1 (3 s) is honoured: a renewal, and a fresh lifetime
red_mac=$(ip -n red -j link show dev eth0 | jpy 'd[0]["address"]')
discovers() { grep -c "DHCPDISCOVER(br0) $red_mac" "$T/dnsmasq.log"; }
renewed() { test "$(grep -c "DHCPACK(br0) $red_ip $red_mac red" "$T/dnsmasq.log")" -ge 2; }
n_discover=$(discovers)
ok -m "red renews at T1 (a second DHCPACK in dnsmasq's log)" wait_secs 15 renewed
lft=$(lft_of red eth0)
ok -m "the renewal refreshed the lifetime ($lft s left of $LEASE)" test "$lft" -ge $((LEASE - 4))
is "$(addr_of red eth0)" "$red_ip" "the address stays the same over renewal"
is "$(discovers)" "$n_discover" "  ... renewed with a REQUEST, not a new DISCOVER"

# --- two clients in one namespace, one per interface
ok ip link add blue-eth1 type veth peer name eth1 netns blue
ok ip link set blue-eth1 master br0 up
ok nsnet -n blue dhcp eth1 --once --timeout 20 --hostname blue2
blue2_ip=$(addr_of blue eth1)
ok -m "blue's second interface got its own address ($blue2_ip)" in_range "$blue2_ip"
isnt "$blue2_ip" "$blue_ip" "  ... other than eth0's"
is "$(addr_of blue eth0)" "$blue_ip" "  ... and eth0's client kept its address"

# --- SIGTERM: release, and nothing left
ok kill -TERM $RED
wait $RED
is "$?" 0 "red's client exits 0 on SIGTERM"
is "$(cat "$T/red.err")" "" "  ... and prints nothing"
is "$(addr_of red eth0)" "" "red's address is gone"
is "$(dhcp_route red)" "" "red's default route is gone"
nok -m "red's lease file is gone" test -e "$T/red.lease"
ok -m "dnsmasq released red's lease (gone from its lease file)" \
	wait_secs 5 bash -c "! grep -q ' red ' '$T/st/leases'"
ok -m "dnsmasq logged the DHCPRELEASE" grep -q "DHCPRELEASE(br0) $red_ip" "$T/dnsmasq.log"
ok -m "blue kept its lease" leased blue

# --- --once: exit 0 once configured, the address stays
ok nsnet -n red dhcp eth0 --once --timeout 20
ok -m "--once left an address in the range" in_range "$(addr_of red eth0)"
is "$(dhcp_route red)" "default via $GW dev eth0 proto dhcp" "  ... and the default route"

# --- no server: --once times out with one error line, exit 1, nothing left
ok ip link add lone type veth peer name eth9 netns red
fails_with 1 'dhcp eth9: no lease' nsnet -n red dhcp eth9 --once --timeout 2
is "$(addr_of red eth9)" "" "no address was left on eth9"
ok ip link del lone

# --- a failure halfway (the lease file cannot be written) leaves nothing
ok ip -n red addr flush dev eth0
fails_with 1 'lease file' nsnet -n red dhcp eth0 --once --timeout 20 --lease-file "$T/nodir/lease"
is "$(addr_of red eth0)" "" "no address was left on eth0"
is "$(dhcp_route red)" "" "no route was left"

# --- refused input
fails_with 2 'dhcp nosuch0: no such interface' nsnet -n red dhcp nosuch0
fails_with 2 'netns nosuchns' nsnet -n nosuchns dhcp eth0
fails_with 2 'timeout' nsnet -n red dhcp eth0 --once --timeout soon
fails_with 2 'missing interface' nsnet -n red dhcp
fails_with 2 'interface' nsnet -n red dhcp ../x

# --- a NAK: the server now hands out another range; blue's renewal is
# refused, and blue starts over and gets an address in the new range
ok kill $DNSMASQ_PID
wait $DNSMASQ_PID 2>/dev/null
mapfile -t DNSMASQ < <("$UNIT_DIR/test_dhcp" --dnsmasq-argv ifname=br0 listen=$GW \
	subnet=10.77.0.0/24 start=10.77.0.200 end=10.77.0.250 lease=$LEASE \
	router=$GW dns=$GW domain=lab renew=3 upstream=127.0.0.1 \
	pid="$T/st/dnsmasq2.pid" leases="$T/st/leases2")
"${DNSMASQ[@]}" 2>"$T/dnsmasq2.log" &
DNSMASQ_PID=$!
at_exit kill $DNSMASQ_PID
in_new_range() { [[ $(addr_of blue eth0) =~ ^10\.77\.0\.2[0-5][0-9]$ ]]; }
ok -m "after a NAK blue has an address in the new range" wait_secs 30 in_new_range
ok -m "  ... the server NAKed blue's renewal" grep -q "DHCPNAK(br0) $blue_ip" "$T/dnsmasq2.log"
is "$(ip -n blue -4 -j addr show dev eth0 | jpy 'len(d[0]["addr_info"])')" 1 \
	"  ... and the old address is gone (one address on eth0)"
ok -m "  ... and the lease file has the new address" \
	grep -q "\"address\":\"$(addr_of blue eth0)\"" "$T/blue.lease"
is "$(dhcp_route blue)" "default via $GW dev eth0 proto dhcp" "  ... and the default route is back"

like "$(nsnet help dhcp)" "dhcp IFACE .*--once.*--lease-file F.*--resolv-file F" "nsnet help dhcp"
like "$(nsnet --help)" "nsnet dhcp IFACE" "nsnet --help lists dhcp"

ok kill -TERM $BLUE
wait $BLUE
is "$?" 0 "blue's client exits 0 on SIGTERM"
is "$(addr_of blue eth0)" "" "blue's eth0 address is gone"

# --- a hostile or broken server (a stand-in in Python, in its own namespace):
# the OFFER and first ACK are good; every renewal is ACKed with a /32 mask and
# a router (the kernel refuses that), every rebinding REQUEST is NAKed by
# another server id. The client keeps its lease, says why in its log, and
# goes on running.
ok ip netns add evil
at_exit ip netns del evil
ok ip netns add prey
at_exit ip netns del prey
ok ip -n evil link add eth0 type veth peer name eth0 netns prey
ok ip -n evil addr add 10.78.0.1/24 dev eth0
ok ip -n evil link set eth0 up
cat >"$T/evil.py" <<'PY'
import socket, struct, sys, time
log = open(sys.argv[1], "a", buffering=1)
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.setsockopt(socket.SOL_SOCKET, socket.SO_BROADCAST, 1)
s.setsockopt(socket.SOL_SOCKET, socket.SO_BINDTODEVICE, b"eth0")
s.setsockopt(socket.IPPROTO_IP, getattr(socket, "IP_PKTINFO", 8), 1)
s.bind(("", 67))
s.settimeout(1)
ip = socket.inet_aton
def opts(b):
    o, i = {}, 240
    while i < len(b) and b[i] != 255:
        if b[i] == 0:
            i += 1
            continue
        o[b[i]] = b[i + 2:i + 2 + b[i + 1]]
        i += 2 + b[i + 1]
    return o
def reply(req, typ, sid, mask):
    p = bytearray(240)
    p[0:4] = b"\x02\x01\x06\x00"
    p[4:8] = req[4:8]
    p[10:12] = b"\x80\x00"
    p[16:20] = ip("10.78.0.50") if typ != 6 else bytes(4)
    p[28:44] = req[28:44]
    p[236:240] = b"\x63\x82\x53\x63"
    p += bytes([53, 1, typ, 54, 4]) + ip(sid)
    if typ != 6:
        p += bytes([51, 4]) + struct.pack(">I", 30) + bytes([58, 4]) + struct.pack(">I", 1)
        p += bytes([59, 4]) + struct.pack(">I", 6) + bytes([1, 4]) + ip(mask)
        p += bytes([3, 4]) + ip("10.78.0.1")
    p += b"\xff" + bytes(60)
    s.sendto(bytes(p), ("255.255.255.255", 68))
end = time.time() + 60
while time.time() < end:
    try:
        req, anc, _, _ = s.recvmsg(1500, 256)
    except socket.timeout:
        continue
    o = opts(req)
    dst = socket.inet_ntoa(anc[0][2][8:12]) if anc else "?"
    t = o.get(53, b"\0")[0]
    if t == 1:
        log.write("discover\n"); reply(req, 2, "10.78.0.1", "255.255.255.0")
    elif t == 3 and 50 in o:
        log.write("request\n"); reply(req, 5, "10.78.0.1", "255.255.255.0")
    elif t == 3 and dst == "10.78.0.1":
        log.write("renew\n"); reply(req, 5, "10.78.0.1", "255.255.255.255")
    elif t == 3:
        log.write("rebind\n"); reply(req, 6, "10.78.0.9", "0.0.0.0")
PY
ip netns exec evil "$PYTHON" "$T/evil.py" "$T/evil.log" &
EVIL=$!
at_exit kill $EVIL
"$NSNET" -n prey dhcp eth0 --lease-file "$T/prey.lease" 2>"$T/prey.err" &
PREY=$!
at_exit kill $PREY
ok -m "prey got the good first lease" wait_secs 20 test -s "$T/prey.lease"
is "$(ip -n prey -4 -j addr show dev eth0 | jpy '[a["local"] + "/" + str(a["prefixlen"]) for l in d for a in l["addr_info"]]')" \
	"10.78.0.50/24" "  ... 10.78.0.50/24"
rebound() { grep -q rebind "$T/evil.log" && grep -q "DHCPNAK from 10.78.0.9 refused" "$T/prey.err"; }
ok -m "the client renewed, then rebound, and the forged NAK was refused" wait_secs 30 rebound
ok -m "the client is still running" kill -0 $PREY
like "$(cat "$T/prey.err")" "dhcp eth0: DHCPACK from 10.78.0.1 refused: router 10.78.0.1 is outside the subnet; keeping the lease" \
	"  ... and logged why it refused the /32 ACK"
is "$(ip -n prey -4 -j addr show dev eth0 | jpy '[a["local"] + "/" + str(a["prefixlen"]) for l in d for a in l["addr_info"]]')" \
	"10.78.0.50/24" "  ... and kept its address and prefix"
is "$(dhcp_route prey)" "default via 10.78.0.1 dev eth0 proto dhcp" "  ... and its default route"
ok -m "  ... and its lease file" grep -q '"address":"10.78.0.50"' "$T/prey.lease"
ok kill -TERM $PREY
wait $PREY
is "$?" 0 "prey's client exits 0 on SIGTERM"
is "$(ip -n prey -4 -j addr show dev eth0 | jpy 'sum(len(l.get("addr_info", [])) for l in d)')" 0 \
	"  ... and takes its address off"

done_testing
