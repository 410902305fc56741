#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Name resolution in nodes never hangs, whatever the host's resolv.conf says:
# the same lab is brought up under four host setups, each in this sandbox:
#   stub     nameserver 127.0.0.53 and nobody listening there (systemd-
#            resolved's stub seen from any namespace but the real host's)
#   unreach  nameserver 192.0.2.53, to which the host has no route
#   resolved the stub, and /run/systemd/resolve/resolv.conf naming a
#            resolver the host can reach (a namespace "upstream" here)
#   live     a resolver really listening on 127.0.0.53 of the host
# In each: the lab's names are answered, an outside name nobody can answer
# fails at once (well under glibc's 5 s timeout), outside names are
# forwarded only where an answer can come from, and `ready:` makes `up`
# return only once a node's web server accepts connections.
# Oracles: getent and curl inside the nodes, dnsmasq's /proc cmdline.
. "$(dirname "$0")/lib.sh"

cat >"$T/dns.yaml" <<'EOF'
lab: dns
networks:
  lan:                                  # dnsmasq on the host (the gateway)
    subnet: 10.86.0.0/24
    gateway: 10.86.0.254
    dhcp: {range: 10.86.0.100-10.86.0.150}
  p2p:                                  # dnsmasq in node srv
    subnet: 10.87.0.0/24
    dhcp: {range: 10.87.0.100-10.87.0.150, server: srv}
  bare:                                 # no dnsmasq
    subnet: 10.88.0.0/24
nodes:
  srv:
    interfaces: {eth0: {network: p2p, address: 10.87.0.1}}
    run:
      - {command: "python3 -m http.server 8000", ready: "tcp:8000"}
  cli:
    interfaces: {eth0: {network: p2p, address: dhcp}}
  a:
    interfaces: {eth0: {network: lan, address: 10.86.0.1}}
  b:
    interfaces: {eth0: {network: lan, address: dhcp}}
  lone:
    interfaces: {eth0: {network: bare, address: 10.88.0.1}}
EOF

# ms CMD... - print how many milliseconds CMD took; its exit status
ms() {
	local t0 rc
	t0=$(date +%s%N)
	"$@" >/dev/null 2>&1
	rc=$?
	echo $((($(date +%s%N) - t0) / 1000000))
	return "$rc"
}

# fast_fail NAME CMD... - CMD fails, and in less than 3 s (a lookup that
# waits for a resolver's timeout takes 5 s or more)
fast_fail() {
	local name=$1 t rc
	shift
	t=$(ms "$@")
	rc=$?
	if [ "$rc" != 0 ] && [ "$t" -lt 3000 ]; then
		pass "$name (${t} ms)"
	else
		fail "$name"
		diag "exit status $rc after $t ms"
	fi
}

# dnsmasq_cmd NET - the command line of the lab's dnsmasq for network NET
dnsmasq_cmd() {
	local p
	for p in $(pgrep -x dnsmasq); do
		tr '\0' ' ' <"/proc/$p/cmdline" | grep -e "--pid-file=[^ ]*/dnsmasq-$1.pid" && return
	done
}

# An "upstream" resolver in a namespace of its own, reachable from the host
# through a veth, answering outside.test (and nothing else).
ip netns add upstream
ip link add up-host type veth peer name up-ns netns upstream
ip addr add 10.99.0.1/24 dev up-host
ip link set up-host up
ip -n upstream addr add 10.99.0.53/24 dev up-ns
ip -n upstream link set up-ns up
ip -n upstream link set lo up
at_exit ip netns del upstream
ip netns exec upstream dnsmasq --keep-in-foreground --conf-file=/dev/null \
	--no-hosts --no-resolv --bind-interfaces --listen-address=10.99.0.53 \
	--user=root --pid-file="$T/upstream.pid" --log-facility=- \
	--address=/outside.test/198.51.100.7 2>"$T/upstream.log" &
UPSTREAM=$!
at_exit kill "$UPSTREAM"
wait_for ip netns exec upstream sh -c 'grep -q "0035 00000000:0000 07" /proc/net/udp' ||
	bail_out "the test's upstream resolver did not start"

# run_mode NAME OUTSIDE_FROM_LAN [CHECK] - one host setup; OUTSIDE_FROM_LAN
# is the address node a (behind the host's dnsmasq) gets for outside.test,
# or ""; CHECK is a function run while the lab is up
run_mode() {
	local mode=$1 want=$2 check=${3:-} t got

	at_exit "$NSNET" down dns
	t=$(ms "$NSNET" up "$T/dns.yaml")
	ok -m "$mode: up" test $? = 0
	ok -m "$mode: srv's web server accepts connections as soon as up returns ($t ms)" \
		"$NSNET" exec dns cli -- curl -sf --max-time 10 -o /dev/null http://10.87.0.1:8000/

	# the lab's own names, both dnsmasqs
	is "$("$NSNET" exec dns cli -- getent hosts srv | awk '{ print $1 }')" 10.87.0.1 \
		"$mode: cli (leased) resolves srv through the node's dnsmasq"
	got=$("$NSNET" exec dns a -- getent hosts b | awk '{ print $1 }')
	like "$got" '^10\.86\.0\.1([0-4][0-9]|50)$' "$mode: a resolves b (leased) through the host's dnsmasq"
	ok -m "$mode: cli reaches the web server by name" \
		"$NSNET" exec dns cli -- curl -sf --max-time 10 -o /dev/null http://srv:8000/

	# names nobody in the lab knows
	fast_fail "$mode: an unknown outside name fails at once in cli" \
		"$NSNET" exec dns cli -- getent hosts nosuch.example.org
	fast_fail "$mode: ... in a" "$NSNET" exec dns a -- getent hosts nosuch.example.org
	fast_fail "$mode: ... in lone (no dnsmasq on its network)" \
		"$NSNET" exec dns lone -- getent hosts nosuch.example.org
	fast_fail "$mode: a reverse lookup of an unknown lab address fails at once" \
		"$NSNET" exec dns a -- getent hosts 10.86.0.77
	fast_fail "$mode: ... and of 0.0.0.0 (python's http.server asks)" \
		"$NSNET" exec dns cli -- getent hosts 0.0.0.0

	# outside names go only where an answer can come from
	unlike "$(dnsmasq_cmd p2p)" "--server=" \
		"$mode: srv's dnsmasq forwards nowhere (no route out of the node)"
	if [ -n "$want" ]; then
		is "$("$NSNET" exec dns a -- getent hosts outside.test | awk '{ print $1 }')" "$want" \
			"$mode: a resolves an outside name through the host's resolver"
	else
		unlike "$(dnsmasq_cmd lan)" "--server=" \
			"$mode: the host's dnsmasq forwards nowhere (no reachable resolver)"
		fast_fail "$mode: so an outside name fails at once in a" \
			"$NSNET" exec dns a -- getent hosts outside.test
	fi
	[ -z "$check" ] || "$check"
	ok -m "$mode: down" "$NSNET" down dns
}

check_stub() {
	ok -m "stub: lone is not told about the host's stub" \
		sh -c '! grep -q "^nameserver" /etc/netns/lone/resolv.conf'
}
run_mode stub "" check_stub

check_unreach() {
	like "$(cat /etc/netns/lone/resolv.conf 2>/dev/null || cat /etc/resolv.conf)" \
		"nameserver 192.0.2.53" "unreach: lone keeps the host's resolver (it has no route to it)"
}
sandbox_resolv "nameserver 192.0.2.53"
run_mode unreach "" check_unreach

check_resolved() {
	like "$(cat /etc/netns/lone/resolv.conf)" "nameserver 10.99.0.53" \
		"resolved: a node without dnsmasq is given resolved's upstream, not the stub"
	like "$(dnsmasq_cmd lan)" "--server=10.99.0.53" \
		"resolved: the host's dnsmasq forwards to resolved's upstream"
}
sandbox_resolv "nameserver 127.0.0.53"
mkdir -p /run/systemd/resolve
echo "nameserver 10.99.0.53" >/run/systemd/resolve/resolv.conf
run_mode resolved 198.51.100.7 check_resolved
rm -r /run/systemd

# a resolver on the host's own 127.0.0.53 (what systemd-resolved is on the
# real host): the host's dnsmasq, in the host's namespace, may use it
dnsmasq --keep-in-foreground --conf-file=/dev/null --no-hosts --no-resolv \
	--bind-interfaces --listen-address=127.0.0.53 --user=root \
	--pid-file="$T/stub.pid" --log-facility=- \
	--address=/outside.test/198.51.100.8 2>"$T/stub.log" &
STUB=$!
at_exit kill "$STUB"
wait_for sh -c 'grep -q "3500007F:0035" /proc/net/udp' || bail_out "the test's stub resolver did not start"
check_live() {
	like "$(dnsmasq_cmd lan)" "--server=127.0.0.53" \
		"live: the host's dnsmasq forwards to the stub on the host's loopback"
}
run_mode live 198.51.100.8 check_live
kill "$STUB" "$UPSTREAM"
wait "$STUB" "$UPSTREAM" 2>/dev/null

# More services than the planner's first array holds (it grows while the
# DHCP clients are added): an unchanged re-up compares each one again.
{
	echo "lab: many"
	echo "networks: {sw: {subnet: 10.89.0.0/24, gateway: 10.89.0.254, dhcp: {range: 10.89.0.10-10.89.0.99}}}"
	echo "nodes:"
	for i in $(seq 12); do echo "  m$i: {interfaces: {eth0: {network: sw, address: dhcp}}}"; done
} >"$T/many.yaml"
at_exit "$NSNET" down many
ok -m "up of a lab with 12 DHCP clients" "$NSNET" up "$T/many.yaml"
is "$("$NSNET" plan "$T/many.yaml" 2>&1)" "no changes" "  ... plan again: no changes"
ok -m "  ... and an unchanged re-up" "$NSNET" up "$T/many.yaml"
is "$("$NSNET" -j ps many | jpy 'len(d)')" 13 "  ... 12 clients and a dnsmasq, each once"
ok -m "  ... down" "$NSNET" down many

is "$(ps -e -o comm= | grep -cE '^(dnsmasq|nsnet|python3)')" 0 "no dnsmasq, client or web server left"
ip netns del upstream
no_residue "nothing else left"
done_testing
