# shellcheck shell=bash
# SPDX-License-Identifier: GPL-2.0-or-later
# sandbox.sh - sourced by the example scripts (tutorial.sh, demo.sh): run the
# calling script inside a sandbox of its own, so an example never touches
# the real host's network.
#
# sandbox_enter NAME ARGS... re-executes the calling script under
# `unshare --mount --net --propagation private` (a fresh network namespace
# plays "the host", a private mount namespace gets its own /run and /sys),
# once; inside, it checks that both namespaces really are new, then mounts
# a tmpfs on /run (so its own /run/netns; /run/nsnet is left to nsnet, which
# creates it root-only), one on /etc/netns when the host has that
# directory, remounts /sys for the new namespace and brings lo up. When the
# script ends, the kernel destroys the sandbox and everything in it.
# Needs NSNET (the binary) set; NAME is used in messages.
#
# It also holds the steps both examples take the same way (ping_from);
# they count STEPS and call the script's own `fail CMD WHY` on failure.

# sandbox_die NAME MSG - stop with a one-line reason
sandbox_die() {
	echo "$1: $2" >&2
	exit 1
}

# sandbox_enter NAME ARGS... - be inside the sandbox when this returns
sandbox_enter() {
	local name=$1 outer_net outer_mnt self
	shift
	if [ "${NSNET_EXAMPLE_SANDBOXED:-}" != 1 ]; then
		[ "$(id -u)" = 0 ] ||
			sandbox_die "$name" "needs root: it creates network namespaces and mounts (run it as root)"
		[ -x "$NSNET" ] || sandbox_die "$name" "no nsnet binary at $NSNET: run make first"
		self="$(cd "$(dirname "$0")" && pwd)/$(basename "$0")"
		export NSNET_EXAMPLE_SANDBOXED=1
		# The inner side checks that it really left these two namespaces.
		NSNET_EXAMPLE_OUTER="$(readlink /proc/self/ns/net) $(readlink /proc/self/ns/mnt)"
		export NSNET_EXAMPLE_OUTER
		exec unshare --mount --net --propagation private -- "$BASH" "$self" "$@"
	fi
	read -r outer_net outer_mnt <<<"${NSNET_EXAMPLE_OUTER:-}"
	# Everything after this mounts and changes the network freely: refuse
	# to go on unless both namespaces really are new.
	if [ -z "$outer_net" ] || [ "$(readlink /proc/self/ns/net)" = "$outer_net" ]; then
		sandbox_die "$name" "not in a private network namespace; refusing to run"
	fi
	if [ -z "$outer_mnt" ] || [ "$(readlink /proc/self/ns/mnt)" = "$outer_mnt" ]; then
		sandbox_die "$name" "not in a private mount namespace; refusing to run"
	fi
	unset NSNET_EXAMPLE_SANDBOXED NSNET_EXAMPLE_OUTER
	mount -t tmpfs -o mode=0755 "nsnet-$name" /run ||
		sandbox_die "$name" "cannot mount a tmpfs on /run"
	mkdir /run/netns
	if [ -d /etc/netns ]; then
		mount -t tmpfs -o mode=0755 "nsnet-$name" /etc/netns ||
			sandbox_die "$name" "cannot mount a tmpfs on /etc/netns"
	fi
	{ umount -l /sys && mount -t sysfs none /sys; } ||
		sandbox_die "$name" "cannot remount /sys"
	ip link set lo up 2>/dev/null || "$NSNET" link set lo up ||
		sandbox_die "$name" "cannot bring lo up"
}

# ping_from WHO ADDR - WHO ("host" or a node) pings ADDR: one echo request,
# two seconds, up to three tries (the first one also resolves ARP); prints
# ping's summary line
ping_from() {
	local who=$1 addr=$2 out rc _
	local -a cmd
	if [ "$who" = host ]; then
		cmd=(ping -n -c1 -W2 "$addr")
	else
		cmd=(nsnet netns exec "$who" ping -n -c1 -W2 "$addr")
	fi
	STEPS=$((STEPS + 1))
	echo "==> ${cmd[*]}"
	for _ in 1 2 3; do
		set +e
		out=$("${cmd[@]}" 2>&1)
		rc=$?
		set -e
		[ "$rc" != 0 ] || break
	done
	printf '%s\n' "$out" | grep -E 'packets transmitted|unreachable|^ping:|^nsnet:' |
		sed 's/^/    /' || true
	[ "$rc" = 0 ] || fail "${cmd[*]}" "no answer from $addr (sent from $who)"
}
