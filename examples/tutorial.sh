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
#      every namespace; blue gets a default route via the host.
#
# Not yet here: the tutorial's last part (reaching the LAN through the host
# with NAT/masquerade, and the DNAT port forward to blue:80). nsnet's `nat`
# and `forward` verbs are a later issue.
#
# Safety: the script never touches the machine's real network. It re-executes
# itself inside a sandbox (unshare(1)): a fresh network namespace plays "the
# host", and a private mount namespace gets its own tmpfs on /run (so its
# /run/netns and /run/nsnet) and on /etc/netns, and its own /sys. When the
# script ends, the kernel destroys the sandbox and everything in it; the
# script also deletes what it created, to show `nsnet netns del`.
# Pings only go to addresses inside the sandbox.
#
# Usage (as root, after `make`):  examples/tutorial.sh
# Environment: NSNET, the nsnet binary (default: <repo>/build/nsnet).
# Exit status: 0 when every step did what the tutorial says, 1 otherwise.

set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
NSNET=${NSNET:-$REPO/build/nsnet}
export NSNET

# ------------------------------------------------------------------ sandbox

if [ "${NSNET_TUTORIAL_SANDBOXED:-}" != 1 ]; then
	if [ "$(id -u)" != 0 ]; then
		echo "tutorial.sh: needs root: it creates network namespaces and mounts (run it as root)" >&2
		exit 1
	fi
	if [ ! -x "$NSNET" ]; then
		echo "tutorial.sh: no nsnet binary at $NSNET: run make first" >&2
		exit 1
	fi
	self="$(cd "$(dirname "$0")" && pwd)/$(basename "$0")"
	export NSNET_TUTORIAL_SANDBOXED=1
	# The inner side checks that it really left these two namespaces.
	NSNET_TUTORIAL_OUTER="$(readlink /proc/self/ns/net) $(readlink /proc/self/ns/mnt)"
	export NSNET_TUTORIAL_OUTER
	exec unshare --mount --net --propagation private -- "$BASH" "$self" "$@"
fi

# die MSG - stop with a one-line reason
die() {
	echo "tutorial.sh: $*" >&2
	exit 1
}

# sandbox_setup - make the fresh namespaces look like a freshly booted host
sandbox_setup() {
	local outer_net outer_mnt
	read -r outer_net outer_mnt <<<"${NSNET_TUTORIAL_OUTER:-}"
	# Everything below mounts and changes the network freely: refuse to go
	# on unless both namespaces really are new.
	if [ -z "$outer_net" ] || [ "$(readlink /proc/self/ns/net)" = "$outer_net" ]; then
		die "not in a private network namespace; refusing to run"
	fi
	if [ -z "$outer_mnt" ] || [ "$(readlink /proc/self/ns/mnt)" = "$outer_mnt" ]; then
		die "not in a private mount namespace; refusing to run"
	fi
	unset NSNET_TUTORIAL_SANDBOXED NSNET_TUTORIAL_OUTER

	mount -t tmpfs -o mode=0755 nsnet-tutorial /run || die "cannot mount a tmpfs on /run"
	mkdir /run/netns /run/nsnet
	# /etc/netns/NAME/* is what `netns exec` binds over /etc. If the host
	# has none, /etc is left alone (the tutorial does not use it).
	if [ -d /etc/netns ]; then
		mount -t tmpfs -o mode=0755 nsnet-tutorial /etc/netns ||
			die "cannot mount a tmpfs on /etc/netns"
	fi
	{ umount -l /sys && mount -t sysfs none /sys; } || die "cannot remount /sys"
	ip link set lo up 2>/dev/null || "$NSNET" link set lo up || die "cannot bring lo up"
}

sandbox_setup

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

# ping_from WHO ADDR - WHO ("host" or a namespace) pings ADDR: one echo
# request, two seconds, up to three tries (the first one also resolves ARP);
# prints ping's summary line
ping_from() {
	local who=$1 addr=$2 out rc i
	local -a cmd
	if [ "$who" = host ]; then
		cmd=(ping -n -c1 -W2 "$addr")
	else
		cmd=(nsnet netns exec "$who" ping -n -c1 -W2 "$addr")
	fi
	STEPS=$((STEPS + 1))
	echo "==> ${cmd[*]}"
	for i in 1 2 3; do
		set +e
		out=$("${cmd[@]}" 2>&1)
		rc=$?
		set -e
		[ "$rc" != 0 ] || break
	done
	printf '%s\n' "$out" | grep -E 'packets transmitted|unreachable|^ping:|^nsnet:' |
		sed 's/^/    /' || true
	if [ "$rc" != 0 ]; then
		echo "FAILED (exit status $rc): ${cmd[*]}"
		die "step $STEPS failed: no answer from $addr (sent from $who)"
	fi
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

say "The host is the namespaces' gateway: blue's default route goes via 192.168.15.5"
step nsnet -n blue route add default via 192.168.15.5
step nsnet -n blue route show
step nsnet netns exec blue ip route
ping_from blue 192.168.15.5

echo
echo "### Not covered yet: reaching the LAN through the host with NAT (masquerade)"
echo "### and forwarding host port 80 to blue (DNAT): nsnet's nat/forward verbs"
echo "### come in a later issue."

# ------------------------------------------------------------- clean up

say "Clean up (the sandbox would vanish anyway): deleting a namespace deletes its veth ends"
for ns in red blue orange gray; do
	step nsnet netns del "$ns"
done
step nsnet link del v-net-0
# The kernel dismantles a deleted namespace in the background: its veth ends
# on the host vanish a moment after `netns del` returns.
for i in $(seq 50); do
	nsnet link show | grep -q 'veth-' || break
	sleep 0.1
done
step nsnet netns list
step nsnet link show

echo
echo "tutorial.sh: all $STEPS steps done"
