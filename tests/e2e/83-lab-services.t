#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# A lab's services: dnsmasq on a `dhcp:` network hands two `address: dhcp`
# nodes distinct leases in range with a default route; `dns:` and `hosts:`
# become /etc/netns files seen inside `nsnet exec` while the host's
# /etc/resolv.conf stays as it was; nodes find each other by name (hosts
# file for static addresses, the lab's dnsmasq for leased ones); a `run:`
# web server is reachable from another node and restarted when killed; an
# unchanged re-up changes nothing; `down` leaves no process, lease, file or
# state. Oracles: iproute2, /proc, curl, getent inside the node.
. "$(dirname "$0")/lib.sh"

F=$REPO/tests/fixtures/labs/e2e/services.yaml
host_resolv=$(sha256sum /etc/resolv.conf 2>/dev/null)

# procs_named NAME - pids of processes whose comm is NAME
procs_named() { ps -e -o pid=,comm= | awk -v n="$1" '$2 == n { print $1 }'; }
# addr_of NS - the IPv4 address of eth0 in NS
addr_of() { ip -n "$1" -j addr show dev eth0 | jpy '[a["local"] for a in d[0]["addr_info"] if a["family"] == "inet"]'; }

at_exit "$NSNET" down svc
ok -m "up: exit 0 (waits for the leases)" nsnet up "$F"

# ------------------------------------------------------------ DHCP
b=$(addr_of blue)
g=$(addr_of green)
like "$b" '^10\.77\.0\.1([0-4][0-9]|50)$' "blue leased an address in the range ($b)"
like "$g" '^10\.77\.0\.1([0-4][0-9]|50)$' "green leased an address in the range ($g)"
isnt "$b" "$g" "the two leases differ"
lft=$(ip -n blue -j addr show dev eth0 | jpy '[a["valid_life_time"] for a in d[0]["addr_info"] if a["family"] == "inet"]')
ok -m "blue's address expires with its lease ($lft s <= 600)" test "$lft" -le 600
is "$(ip -n blue -j route show default | jpy '[r["gateway"] for r in d]')" "10.77.0.1" \
	"blue's default route is via the gateway dnsmasq gave"
ok -m "blue reaches the gateway" can_ping blue 10.77.0.1
ok -m "blue reaches green over the leased addresses" can_ping blue "$g"
is "$(procs_named dnsmasq | wc -l)" 1 "one dnsmasq runs"
dpid=$(procs_named dnsmasq)
same "  ... in the host's network namespace" "$(readlink /proc/$dpid/ns/net)" "$(readlink /proc/self/ns/net)"
leases=$(cat /run/nsnet/svc.d/dnsmasq-lan.leases 2>/dev/null)
like "$leases" "$b blue" "dnsmasq's lease file in the lab's state lists blue"
like "$leases" "$g green" "  ... and green"
is "$(nsnet -j status svc | B=$b jpy '[l["hostname"] for l in d[0]["leases"] if l["address"] == __import__("os").environ["B"]]')" \
	"blue" "status lists blue's lease"
like "$(nsnet status svc)" "lease +$b blue " "  ... also as text"

# ------------------------------------------------------------ files
resolv=$(nsnet exec svc green -- cat /etc/resolv.conf)
like "$resolv" "nameserver 10.77.0.1" "green's resolv.conf inside exec: its nameserver"
like "$resolv" "search svc example.org" "  ... its search domains"
like "$resolv" "options ndots:2" "  ... its options"
like "$(nsnet exec svc blue -- cat /etc/resolv.conf)" "nameserver 10.77.0.1" \
	"blue (no dns:) asks the lab's dnsmasq"
is "$(sha256sum /etc/resolv.conf 2>/dev/null)" "$host_resolv" "the host's /etc/resolv.conf is unchanged"
is "$(nsnet exec svc blue -- getent hosts red | awk '{ print $1 }')" "10.77.0.10" \
	"blue resolves red (static) by name"
is "$(nsnet exec svc blue -- getent hosts red.svc | awk '{ print $1 }')" "10.77.0.10" \
	"  ... and as red.svc"
is "$(nsnet exec svc red -- getent hosts green.svc | awk '{ print $1 }')" "$g" \
	"red resolves green (leased) through the lab's dnsmasq"
is "$(nsnet exec svc red -- getent hosts db | awk '{ print $1 }')" "10.9.9.9" \
	"red's own hosts: entry"
nok -m "  ... which blue does not have" nsnet exec svc blue -- getent hosts db

# ------------------------------------------------------------ run
ok -m "red's web server is reachable from blue" \
	wait_for ip netns exec blue curl -sf -o /dev/null http://10.77.0.10:8000/
web=$(nsnet -j ps svc | jpy '[p["pid"] for p in d if p["id"] == "web"]')
same "  ... and runs in red's namespace" "$(readlink /proc/$web/ns/net)" "$(ip netns exec red readlink /proc/self/ns/net)"
ok kill -9 "$web"
restarted() { [ "$(nsnet -j ps svc | jpy '[p["restarts"] for p in d if p["id"] == "web"]')" -ge 1 ]; }
ok -m "killing it is noticed: ps shows a restart" wait_for restarted
ok -m "  ... and it serves again" \
	wait_for ip netns exec blue curl -sf -o /dev/null http://10.77.0.10:8000/

# ------------------------------------------------------------ re-up
is "$(plan_ops "$F")" "" "plan of the running lab: no change"
ok -m "re-up: exit 0" nsnet up "$F"
is "$(addr_of blue)" "$b" "  ... blue keeps its lease"
is "$(procs_named dnsmasq)" "$dpid" "  ... the same dnsmasq runs"

# ------------------------------------------------------------ change
sed -e 's/--bind 10.77.0.10 8000/--bind 10.77.0.10 8001/' \
	-e '/dns: {nameservers/d' "$F" >"$T/changed.yaml"
plan=$(plan_ops "$T/changed.yaml")
like "$plan" "~ process web \\(in red\\): python3 -m http.server --bind 10.77.0.10 8001" \
	"plan of a changed command: web is restarted"
like "$plan" "~ file /etc/netns/green/resolv.conf" "  ... and green's resolv.conf rewritten"
inode=$(stat -c %i /etc/netns/green/resolv.conf)
ok -m "up the changed file" nsnet up "$T/changed.yaml"
ok -m "  ... web now serves on 8001" \
	wait_for ip netns exec blue curl -sf -o /dev/null http://10.77.0.10:8001/
nok -m "  ... and no longer on 8000" ip netns exec blue curl -sf -o /dev/null http://10.77.0.10:8000/
unlike "$(cat /etc/netns/green/resolv.conf)" "example.org" "  ... green's resolv.conf follows the file"
is "$(stat -c %i /etc/netns/green/resolv.conf)" "$inode" "  ... rewritten in place (same inode)"
is "$(procs_named dnsmasq)" "$dpid" "  ... dnsmasq untouched"
web=$(nsnet -j ps svc | jpy '[p["pid"] for p in d if p["id"] == "web"]')

# ------------------------------------------------------------ down
ok -m "nsnet run adds a process of its own" nsnet run svc blue --name napper -- sleep 1000
napper=$(nsnet -j ps svc | jpy '[p["pid"] for p in d if p["id"] == "napper"]')
ok -m "down: exit 0" nsnet down svc
ok -m "  ... stopped the process nsnet run started too" test ! -e "/proc/$napper"
is "$(procs_named dnsmasq)" "" "down: no dnsmasq left"
is "$(ps -e -o comm= | grep -c '^nsnet')" 0 "  ... no supervisor or DHCP client left"
ok -m "  ... no web server left" test ! -e "/proc/$web"
no_residue "  ... no namespace, link, /etc/netns entry, lease or state left"

# ------------------------------------------------------------ bad input
mkdir -p /etc/netns/green
echo "nameserver 10.1.1.1" >/etc/netns/green/resolv.conf
fails_with 2 "/etc/netns/green/resolv.conf: exists and is not this lab's" nsnet up "$F"
is "$(cat /etc/netns/green/resolv.conf)" "nameserver 10.1.1.1" "  ... the foreign file is untouched"
ok -m "  ... and no namespace was made" test ! -e /run/netns/green
rm -r /etc/netns/green
cat >"$T/bad.yaml" <<'YAML'
lab: bad
networks:
  sw: {subnet: 10.78.0.0/24}
nodes:
  red:
    interfaces:
      eth0: {network: sw, address: 10.78.0.1}
    run: [no-such-command-here --flag]
YAML
fails_with 2 "no-such-command-here: command not found" nsnet up "$T/bad.yaml"
no_residue "  ... and changes nothing"

# ------------------------------------------------------------ loopback resolvers
# The sandbox's /etc is its own (an overlay): play a host whose resolver is
# systemd-resolved's stub on loopback, unreachable from any namespace.
printf 'nameserver 127.0.0.53\noptions edns0 trust-ad\nsearch example.com\n' >/etc/resolv.conf
cat >"$T/plain.yaml" <<'YAML'
lab: plain
networks:
  sw: {subnet: 10.79.0.0/24, gateway: 10.79.0.1}
nodes:
  red:
    interfaces:
      eth0: {network: sw, address: 10.79.0.2}
YAML
ok -m "up a lab without dnsmasq, the host's resolver on loopback" nsnet up "$T/plain.yaml"
r=$(nsnet exec plain red -- cat /etc/resolv.conf)
is "$(grep -c '^nameserver' <<<"$r")" 0 "  ... red's resolv.conf names no loopback resolver"
like "$r" "# nameserver 127.0.0.53: the host's, unreachable" "  ... and says why"
like "$r" "search example.com" "  ... and keeps the host's search domain"
like "$r" "options edns0 trust-ad" "  ... and options"
ok -m "down plain" nsnet down plain
ok -m "  ... removes red's resolv.conf" test ! -e /etc/netns/red

done_testing
