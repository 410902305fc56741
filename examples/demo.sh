#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# examples/demo.sh - nsnet's main job in one run: a lab file in, a network out
#
# `make demo` runs this. It takes the tutorial's house (examples/house.yaml:
# the bridge v-net-0 with red, blue, orange and gray at 192.168.15.1-.4, the
# host as their gateway at .5) and shows, step by step:
#
#   1. the lab file, and `nsnet plan`: what `up` would do;
#   2. `nsnet up` (timed), `nsnet status house` and `nsnet labs`;
#   3. real traffic: the host pings every node, blue pings red; then
#      `nsnet check house` (every node pings every other node and the
#      gateway: a matrix, all ok), `nsnet doctor house` (no problems) and
#      `nsnet graph house` (a picture: SVG with Graphviz, else DOT);
#   4. idempotence: `plan` says "no changes", a second `up` touches nothing
#      (every interface keeps its ifindex);
#   5. change: a copy of the lab with a fifth node, purple (address: auto,
#      which picks 192.168.15.6); `plan` and `up` touch purple only;
#   6. `nsnet down house`: no namespace, no link but lo, no state is left.
#
# Safety: the demo never touches the machine's real network. Like
# examples/tutorial.sh it re-executes itself inside a sandbox (unshare(1)):
# a fresh network namespace plays "the host", and a private mount namespace
# gets its own tmpfs on /run (so its own /run/netns and /run/nsnet) and on
# /etc/netns, and its own /sys. When the demo ends, the kernel destroys the
# sandbox and everything in it. Pings only go to addresses in the sandbox.
#
# Usage (as root, after `make`):  examples/demo.sh     (or: make demo)
# Environment: NSNET, the nsnet binary (default: <repo>/build/nsnet).
# Exit status: 0 when every step did what it should, 1 otherwise (the
# failing step is named).

set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
NSNET=${NSNET:-$REPO/build/nsnet}
export NSNET

# ------------------------------------------------------------------ sandbox

# shellcheck source=examples/sandbox.sh
. "$REPO/examples/sandbox.sh"
sandbox_enter demo.sh "$@"

# die MSG - stop with a one-line reason
die() {
	echo "demo.sh: $*" >&2
	exit 1
}
cd "$REPO"

# ------------------------------------------------------------------ helpers

trap 'echo "demo.sh: line $LINENO failed: $BASH_COMMAND" >&2' ERR

STEPS=0
LAB=examples/house.yaml
EDITED=/run/demo/house.yaml	# the edited copy (on the sandbox's tmpfs)

# nsnet ARGS... - the binary, so the steps below read like a user's session
nsnet() { "$NSNET" "$@"; }

# say TEXT - a heading between parts
say() { printf '\n### %s\n' "$*"; }

# note TEXT - a line of explanation, or a check that passed
note() { printf '    -> %s\n' "$*"; }

# fail STEP_TEXT WHY - report the failing step and stop
fail() {
	echo "FAILED: $1"
	die "step $STEPS failed: $1: $2"
}

# run CMD... - print the command as "==> CMD", run it, keep its output in
# $OUT, print it indented ("ok" if it printed nothing, "(empty)" for a
# listing); stop on failure
OUT=
run() {
	local rc
	STEPS=$((STEPS + 1))
	echo "==> $*"
	set +e
	OUT=$("$@" 2>&1)
	rc=$?
	set -e
	if [ -n "$OUT" ]; then
		printf '%s\n' "$OUT" | sed 's/^/    /'
	elif [[ " $* " == *" show "* || " $* " == *" list "* || " $* " == *" labs "* ]]; then
		echo "    (empty)"
	elif [ "$rc" = 0 ]; then
		echo "    ok"
	fi
	[ "$rc" = 0 ] || fail "$*" "exit status $rc"
}

# timed CMD... - like run, and say how long it took
timed() {
	local t0 t1 rc
	STEPS=$((STEPS + 1))
	echo "==> $*"
	t0=$EPOCHREALTIME
	set +e
	OUT=$("$@" 2>&1)
	rc=$?
	set -e
	t1=$EPOCHREALTIME
	[ -z "$OUT" ] || printf '%s\n' "$OUT" | sed 's/^/    /'
	[ "$rc" = 0 ] || fail "$*" "exit status $rc"
	echo "    done in $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }') s"
}

# links [NS] - "IFINDEX NAME" of every interface of the host (or of NS),
# sorted by name: what must not change when nothing is to be changed
links() {
	nsnet ${1:+-n "$1"} link show |
		sed -nE 's/^([0-9]+): ([^:@]+)[:@].*/\1 \2/p' | sort -k2
}

# snapshot - the interfaces of the host and of every node of the house
# (but purple's, which step 5 adds)
snapshot() {
	local ns
	echo "host: $(links | grep -v purple | tr '\n' ' ')"
	for ns in red blue orange gray; do
		echo "$ns: $(links "$ns" | tr '\n' ' ')"
	done
}

# same_as BEFORE WHAT - the host and the nodes still have the very same
# interfaces (names and ifindexes) as in BEFORE
same_as() {
	local now
	STEPS=$((STEPS + 1))
	now=$(snapshot)
	if [ "$now" != "$1" ]; then
		diff <(printf '%s\n' "$1") <(printf '%s\n' "$now") | sed 's/^/    /' || true
		fail "$2" "interfaces were recreated or changed"
	fi
	note "$2"
}

echo "nsnet demo: $NSNET, in a sandbox (private network and mount namespaces)"

# ------------------------------------------------------ 1. the lab file

say "1. A lab file says what the network should be; plan says what up would do"
run cat "$LAB"
run nsnet plan "$LAB"
n_ops=$(printf '%s\n' "$OUT" | grep -c .)
note "$n_ops operations: nothing exists yet, so everything is to be built"

# ---------------------------------------------------------- 2. up, status

say "2. Build it"
timed nsnet up "$LAB"
run nsnet status house
run nsnet labs

# ------------------------------------------------------------ 3. traffic

say "3. It works: the host (their gateway, 192.168.15.5) reaches every node, blue reaches red"
for i in 1 2 3 4; do
	ping_from host "192.168.15.$i"
done
ping_from blue 192.168.15.1
run nsnet check house
note "every node reaches every other node and the gateway, as the lab says"
run nsnet doctor house
[ "$OUT" = "no problems found" ] || fail "nsnet doctor house" "expected \"no problems found\""
mkdir -p /run/demo
if command -v dot >/dev/null; then picture=/run/demo/house.svg; else picture=/run/demo/house.dot; fi
run nsnet graph house -o "$picture"
for n in red blue orange gray; do
	grep -q ">$n<" "$picture" || fail "nsnet graph house -o $picture" "the picture does not name $n"
done
note "$picture: the host, v-net-0 and the four nodes with their cables and addresses"

# ------------------------------------------------------- 4. idempotence

say "4. Again: an unchanged lab plans nothing, and up touches nothing"
before=$(snapshot)
run nsnet plan "$LAB"
[ "$OUT" = "no changes" ] || fail "nsnet plan $LAB" "expected \"no changes\""
timed nsnet up "$LAB"
same_as "$before" "every interface of the host and of the nodes kept its ifindex"

# ------------------------------------------------------------ 5. change

say "5. Change the lab: a copy with a fifth node, purple, address auto"
mkdir -p "$(dirname "$EDITED")"
cp "$LAB" "$EDITED"
cat >>"$EDITED" <<'EOF'
  purple:
    interfaces:
      veth-purple: {network: v-net-0, address: auto, peer: veth-purple-br}
    routes: [default via 192.168.15.5]
EOF
STEPS=$((STEPS + 1))
echo "==> diff -u $LAB $EDITED"
diff -u --label "$LAB" --label "$EDITED" "$LAB" "$EDITED" | sed 's/^/    /' || true

run nsnet plan "$EDITED"
if printf '%s\n' "$OUT" | grep -qv purple; then
	fail "nsnet plan $EDITED" "the plan touches more than purple"
fi
printf '%s\n' "$OUT" | grep -q '192\.168\.15\.6/24' ||
	fail "nsnet plan $EDITED" "auto did not pick 192.168.15.6 (the lowest free address)"
note "only purple; auto picked 192.168.15.6 (.1-.4 are taken, .5 is the gateway)"

before=$(snapshot)
timed nsnet up "$EDITED"
same_as "$before" "red, blue, orange, gray and the bridge were not touched"
run nsnet status house
ping_from host 192.168.15.6
ping_from purple 192.168.15.1
run nsnet plan "$EDITED"
[ "$OUT" = "no changes" ] || fail "nsnet plan $EDITED" "expected \"no changes\""

# -------------------------------------------------------------- 6. down

say "6. Take it down: everything the lab owns goes, nothing else"
timed nsnet down house
run nsnet labs
[ -z "$OUT" ] || fail "nsnet labs" "a lab is still listed"
run nsnet netns list
[ -z "$OUT" ] || fail "nsnet netns list" "namespaces are left"
run nsnet link show
[ "$(links | awk '{ print $2 }')" = lo ] || fail "nsnet link show" "links other than lo are left"
run ls -A /run/nsnet
[ "$OUT" = lock ] || fail "ls -A /run/nsnet" "state is left (only the lock file should be there)"
note "nothing left: no namespace, no link but lo, no state"
run nsnet down house
note "down again: already gone, still a success"

echo
echo "demo.sh: all $STEPS steps done"
echo
echo "On your own machine (as root), the same commands build the house for real:"
echo "    build/nsnet up examples/house.yaml && build/nsnet status house"
echo "    build/nsnet netns exec blue ping -c1 192.168.15.1"
echo "and this takes it all down again:"
echo "    build/nsnet down house"
