#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# examples/tutorial.sh - replay the network namespaces tutorial with nsnet
#
# The walkthrough of ../shared/tutorials/000 ("Network Namespaces"), with
# every `ip` command replaced by `nsnet`:
#
#   1. two namespaces, red and blue, joined by a direct veth cable
#      (veth-red <-> veth-blue, 192.168.15.1/24 and .2/24), a ping across it
#      and the ARP table that ping filled in; then the cable is deleted;
#   2. a virtual switch: the Linux bridge v-net-0, with four namespaces
#      red, blue, orange and gray (192.168.15.1-.4) each plugged in by a veth
#      pair veth-X (in the namespace) / veth-X-br (on the bridge);
#   3. the host joins the network as 192.168.15.5 on v-net-0 and reaches
#      every namespace;
#   4. the road to the LAN and back: "the LAN" is a namespace `lan`
#      (203.0.113.2/24) behind an uplink veth of the host (203.0.113.1/24).
#      blue has no route to it (network unreachable); with a route via the
#      host still no answer (the host does not forward yet, and the LAN has
#      no route back to 192.168.15.0/24); `nsnet nat add 192.168.15.0/24`
#      (the tutorial's MASQUERADE) makes it work, and a small TCP server in
#      `lan` sees the host's uplink address as its peer; blue's default route
#      goes via the host; then blue serves a web page on port 80 and
#      `nsnet forward add 80 to 192.168.15.2:80` (the tutorial's DNAT) lets
#      the LAN fetch it from http://203.0.113.1:80/. Both rules are removed
#      again, which also turns net.ipv4.ip_forward back off.
#
# Safety: the script never touches the machine's real network. It re-executes
# itself inside a sandbox (unshare(1)): a fresh network namespace plays "the
# host", and a private mount namespace gets its own tmpfs on /run (so its
# /run/netns and /run/nsnet) and on /etc/netns, and its own /sys. When the
# script ends, the kernel destroys the sandbox and everything in it; the
# script also deletes what it created, to show `nsnet netns del`, and stops
# the servers it started. Pings and connections only go to addresses inside
# the sandbox; the nftables rules of `nsnet nat` and `nsnet forward` live in
# the sandbox's network namespace, and so does its ip_forward.
#
# Usage (as root, after `make`):  examples/tutorial.sh
# Environment: NSNET, the nsnet binary (default: <repo>/build/nsnet).
# Exit status: 0 when every step did what the tutorial says, 1 otherwise.

set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
NSNET=${NSNET:-$REPO/build/nsnet}
export NSNET

# ------------------------------------------------------------------ sandbox

# shellcheck source=examples/sandbox.sh
. "$REPO/examples/sandbox.sh"
sandbox_enter tutorial.sh "$@"

# die MSG - stop with a one-line reason
die() {
	echo "tutorial.sh: $*" >&2
	exit 1
}

# ------------------------------------------------------------------ helpers

# Where the script is when something fails unexpectedly (set -e).
trap 'echo "tutorial.sh: line $LINENO failed: $BASH_COMMAND" >&2' ERR

STEPS=0

# nsnet ARGS... - the binary, so the steps below read like the tutorial
nsnet() { "$NSNET" "$@"; }

# say TEXT - a heading between steps
say() { printf '\n### %s\n' "$*"; }

# step CMD... - print the command as "==> nsnet ...", run it, print its
# output indented ("ok" if it printed nothing, "(empty)" for an empty
# list); stop on failure
step() {
	local out rc
	STEPS=$((STEPS + 1))
	echo "==> $*"
	set +e
	out=$("$@" 2>&1)
	rc=$?
	set -e
	if [ "$rc" != 0 ]; then
		[ -z "$out" ] || printf '%s\n' "$out" | sed 's/^/    /'
		echo "FAILED (exit status $rc): $*"
		die "step $STEPS failed: $*"
	fi
	if [ -n "$out" ]; then
		printf '%s\n' "$out" | sed 's/^/    /'
	elif [[ " $* " == *" show "* || " $* " == *" list "* ]]; then
		echo "    (empty)"
	else
		echo "    ok"
	fi
}

# fail CMD WHY - report the failing step and stop (ping_from calls it)
fail() {
	echo "FAILED: $1"
	die "step $STEPS failed: $2"
}

# unreachable_from_host ADDR - the host has no way to ADDR yet: the ping
# must fail (the sandbox has no route at all, so nothing is sent anywhere)
unreachable_from_host() {
	local out rc
	STEPS=$((STEPS + 1))
	echo "==> ping -n -c1 -W2 $1"
	set +e
	out=$(ping -n -c1 -W2 "$1" 2>&1)
	rc=$?
	set -e
	printf '%s\n' "$out" | grep -E 'packets transmitted|unreachable|^ping:' |
		sed 's/^/    /' || true
	if [ "$rc" = 0 ]; then
		echo "FAILED: $1 answered, but the host has no address on 192.168.15.0/24 yet"
		die "step $STEPS failed: ping $1 should not have worked"
	fi
	echo "    not reachable, as the tutorial says"
}

# no_answer_from WHO ADDR HOW WHY - the namespace WHO must get no answer
# from ADDR (one echo request, one second), and ping's output must match the
# extended regex HOW ("Network is unreachable", or " 0 received" for a
# request sent but never answered); prints ping's summary or error, and WHY
# (what the tutorial says about it)
no_answer_from() {
	local out rc
	STEPS=$((STEPS + 1))
	echo "==> nsnet netns exec $1 ping -n -c1 -W1 $2"
	set +e
	out=$(nsnet netns exec "$1" ping -n -c1 -W1 "$2" 2>&1)
	rc=$?
	set -e
	printf '%s\n' "$out" | grep -E 'packets transmitted|unreachable|^ping:|^nsnet:' |
		sed 's/^/    /' || true
	if [ "$rc" = 0 ]; then
		echo "FAILED: $2 answered $1"
		die "step $STEPS failed: ping $2 from $1 should not have worked ($4)"
	fi
	if ! grep -qE -- "$3" <<<"$out"; then
		echo "FAILED: expected \"$3\" in ping's output"
		die "step $STEPS failed: ping $2 from $1 failed, but not as expected ($4)"
	fi
	echo "    -> $4"
}

# step_is WANT CMD... - like step, and the output must be exactly WANT
step_is() {
	local want=$1 out rc
	shift
	STEPS=$((STEPS + 1))
	echo "==> $*"
	set +e
	out=$("$@" 2>&1)
	rc=$?
	set -e
	[ -z "$out" ] || printf '%s\n' "$out" | sed 's/^/    /'
	if [ "$rc" != 0 ]; then
		echo "FAILED (exit status $rc): $*"
		die "step $STEPS failed: $*"
	fi
	if [ "$out" != "$want" ]; then
		echo "FAILED: expected \"$want\""
		die "step $STEPS failed: $* did not print \"$want\""
	fi
}

# Servers started in the background (their pids): stopped at the end, also
# when a step fails, so no process keeps a namespace of the sandbox alive.
SERVERS=()
stop_servers() {
	local pid
	for pid in "${SERVERS[@]}"; do
		kill "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
	done
	SERVERS=()
}
trap stop_servers EXIT

# serve CMD... - print the command as "==> CMD &" and start it in the
# background, its output discarded. `nsnet netns exec` execs CMD in place,
# so the pid recorded is the server's own.
serve() {
	local -a cmd=("$@")
	[ "${cmd[0]}" != nsnet ] || cmd[0]=$NSNET
	STEPS=$((STEPS + 1))
	echo "==> $* &"
	"${cmd[@]}" >/dev/null 2>&1 &
	SERVERS+=("$!")
	echo "    started (pid $!)"
}

# wait_listening ADDR PORT - wait (up to 15 s) until a TCP server answers on
# ADDR:PORT, asked from the host (the namespaces' own loopback is down, so
# they cannot reach even their own addresses). Python's http.server looks
# its address up in DNS before it listens, which may take a few seconds.
wait_listening() {
	local i
	for i in $(seq 150); do
		if timeout 1 bash -c "exec 3<>/dev/tcp/$1/$2" 2>/dev/null; then
			return 0
		fi
		sleep 0.1
	done
	die "no server answers on $1:$2"
}

echo "nsnet tutorial: $NSNET, in a sandbox (private network and mount namespaces)"

# --------------------------------------------------- 1. namespaces, a cable

say "Create the network namespaces red and blue"
step nsnet netns add red
step nsnet netns add blue
step nsnet netns list

say "The (sandbox) host's links; inside a namespace only its own loopback, no ARP entries, no routes"
step nsnet link show
step nsnet netns exec red ip link
step nsnet -n red link
step nsnet -n red neigh show
step nsnet -n red route show

say "A virtual cable (veth pair) between red and blue"
step nsnet link add veth-red type veth peer name veth-blue
step nsnet link set veth-red netns red
step nsnet link set veth-blue netns blue
step nsnet -n red addr add 192.168.15.1/24 dev veth-red
step nsnet -n blue addr add 192.168.15.2/24 dev veth-blue
step nsnet -n red link set veth-red up
step nsnet -n blue link set veth-blue up
ping_from red 192.168.15.2

say "red's ARP table now knows blue's MAC address, and blue knows red's"
step nsnet -n red neigh show
step nsnet -n blue neigh show

say "Delete the cable: deleting one end deletes the other"
step nsnet -n red link del veth-red
step nsnet -n blue link show

# ------------------------------------------------ 2. a switch, four rooms

say "A virtual switch: the Linux bridge v-net-0 on the host"
step nsnet link add v-net-0 type bridge
step nsnet link set dev v-net-0 up

say "Two more namespaces"
step nsnet netns add orange
step nsnet netns add gray

say "One cable per namespace: veth-X in the namespace, veth-X-br on the bridge"
i=0
for ns in red blue orange gray; do
	i=$((i + 1))
	step nsnet link add "veth-$ns" type veth peer name "veth-$ns-br"
	step nsnet link set "veth-$ns" netns "$ns"
	step nsnet link set "veth-$ns-br" master v-net-0
	step nsnet -n "$ns" addr add "192.168.15.$i/24" dev "veth-$ns"
	step nsnet -n "$ns" link set "veth-$ns" up
	step nsnet link set "veth-$ns-br" up
done
step nsnet link show master v-net-0

say "The namespaces reach each other through the switch"
ping_from red 192.168.15.2
ping_from blue 192.168.15.3
ping_from orange 192.168.15.4
ping_from gray 192.168.15.1

# ---------------------------------------- 3. the host joins the network

say "The host is on another network: it cannot reach the namespaces yet"
unreachable_from_host 192.168.15.1

say "The bridge is also the host's interface: give it 192.168.15.5"
step nsnet addr add 192.168.15.5/24 dev v-net-0
step nsnet addr show dev v-net-0
for i in 1 2 3 4; do
	ping_from host "192.168.15.$i"
done

say "And the namespaces reach the host: it is on their network"
ping_from blue 192.168.15.5

# ---------------------------------------- 4. the LAN, and back: NAT

say "The LAN: a host at 203.0.113.2 behind the host's Ethernet port (here the namespace lan behind the veth uplink, 203.0.113.1)"
step nsnet netns add lan
step nsnet link add uplink type veth peer name eth0 netns lan
step nsnet addr add 203.0.113.1/24 dev uplink
step nsnet link set uplink up
step nsnet -n lan addr add 203.0.113.2/24 dev eth0
step nsnet -n lan link set eth0 up
step nsnet -n lan link set lo up
ping_from host 203.0.113.2
step nsnet -n lan route show

say "blue tries to reach the LAN host: its routing table knows only 192.168.15.0/24"
step nsnet -n blue route show
no_answer_from blue 203.0.113.2 "Network is unreachable" "blue has no route to 203.0.113.0/24"

say "The host is the gateway between the two networks: route the LAN via 192.168.15.5"
step nsnet -n blue route add 203.0.113.0/24 via 192.168.15.5
step nsnet -n blue route show
no_answer_from blue 203.0.113.2 " 0 received" "no more \"unreachable\", but no answer either: the LAN host has no route back to 192.168.15.0/24 (and the host does not forward yet)"
step cat /proc/sys/net/ipv4/ip_forward

say "NAT on the host: masquerade 192.168.15.0/24 (iptables -t nat -A POSTROUTING -s 192.168.15.0/24 -j MASQUERADE)"
step nsnet nat add 192.168.15.0/24
step nsnet nat show
echo "    -> the rule is in the nftables table inet nsnet; forwarding was off, so nsnet turned it on:"
step_is 1 cat /proc/sys/net/ipv4/ip_forward
ping_from blue 203.0.113.2

say "The LAN host sees the host's address, not blue's: a small TCP (HTTP) server in lan answers with its peer's address"
PEER=/run/tutorial-peer.py
cat >"$PEER" <<'EOF'
# answer every HTTP GET with the address the connection came from
import http.server, socketserver
class Peer(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        body = ("you are %s\n" % self.client_address[0]).encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
socketserver.TCPServer(("203.0.113.2", 8000), Peer).serve_forever()
EOF
step cat "$PEER"
serve nsnet netns exec lan python3 "$PEER"
wait_listening 203.0.113.2 8000
step_is "you are 203.0.113.1" nsnet netns exec blue curl -sS --max-time 5 http://203.0.113.2:8000/
echo "    -> 203.0.113.1 is the host's uplink: masquerade at work"

say "To reach any network the host can reach (the internet behind the LAN), blue's default route goes via the host"
step nsnet -n blue route del 203.0.113.0/24 via 192.168.15.5
step nsnet -n blue route add default via 192.168.15.5
step nsnet -n blue route show
ping_from blue 203.0.113.2

# ------------------------------------- 5. from the LAN in: a port forward

say "blue hosts a web application on port 80"
WWW=/run/tutorial-www
mkdir -p "$WWW"
echo "Hello from the blue namespace" >"$WWW/index.html"
serve nsnet netns exec blue python3 -m http.server 80 --bind 192.168.15.2 --directory "$WWW"
wait_listening 192.168.15.2 80
echo "    -> the host reaches it: it is on the private network"
step curl -sS --max-time 5 http://192.168.15.2:80/

say "The LAN does not know the private network 192.168.15.0/24"
no_answer_from lan 192.168.15.2 "Network is unreachable" "the LAN host has no route to the namespaces' private network"

say "Forward the host's port 80 to blue's port 80 (iptables -t nat -A PREROUTING -p tcp --dport 80 -j DNAT --to-destination 192.168.15.2:80)"
step nsnet forward add 80 to 192.168.15.2:80
step nsnet forward show
step_is "Hello from the blue namespace" nsnet netns exec lan curl -sS --max-time 5 http://203.0.113.1:80/
echo "    -> the LAN fetched blue's page from the host's address"

say "Both rules, as nsnet shows them"
step nsnet nat show
step nsnet forward show
step nsnet -j forward show
if command -v nft >/dev/null; then
	echo "    -> nsnet wrote them through libnftables into one table of its own (no other table is touched):"
	step nft list table inet nsnet
fi

say "Remove them: the last one takes the table and restores ip_forward"
step nsnet forward del 80 to 192.168.15.2:80
step nsnet nat del 192.168.15.0/24
step nsnet nat show
step nsnet forward show
step_is 0 cat /proc/sys/net/ipv4/ip_forward
no_answer_from blue 203.0.113.2 " 0 received" "without NAT (and forwarding) the LAN is out of reach again"
stop_servers
rm -rf "$WWW" "$PEER"

# ------------------------------------------------------------- clean up

say "Clean up (the sandbox would vanish anyway): deleting a namespace deletes its veth ends"
for ns in red blue orange gray lan; do
	step nsnet netns del "$ns"
done
step nsnet link del v-net-0
# The kernel dismantles a deleted namespace in the background: its veth ends
# on the host vanish a moment after `netns del` returns.
for i in $(seq 50); do
	nsnet link show | grep -qE 'veth-|uplink' || break
	sleep 0.1
done
step nsnet netns list
step nsnet link show

echo
echo "tutorial.sh: all $STEPS steps done"
