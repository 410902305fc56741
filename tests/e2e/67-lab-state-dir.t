#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The state directory /run/nsnet: created root-owned 0700; a root-owned one
# with a wider mode is tightened to 0700, unless others could write to it
# and it holds someone else's entry; refused (exit 1, nothing written,
# nothing built) when it is a symlink, not root's or such a tampered one;
# a symlink planted in it for a lab's state, journal or lock is never
# followed: its target is never written.
. "$(dirname "$0")/lib.sh"

F=$REPO/examples/cable.yaml
S=/run/nsnet

# ------------------------------------------------------------ created right
ok -m "no $S in a fresh sandbox" test ! -e "$S"
is "$(nsnet -j labs 2>&1)" "[]" "nsnet -j labs with no $S: []"
ok nsnet up "$F"
is "$(stat -c '%F %a %u %g' "$S")" "directory 700 0 0" "up created $S: a directory, 0700, root:root"
# but the lab's hosts file: the nodes' /etc/hosts, read by any user there
is "$(find "$S" -mindepth 1 \( ! -user 0 -o -perm /077 \) ! -path "$S/*.d/hosts" -printf '%P %m %u\n')" "" \
	"  ... every file in it is root's, not readable by others"
is "$(stat -c '%a %u' "$S/cable.d/hosts")" "644 0" "  ... but the hosts file the nodes see, root's 0644"
ok -m "  ... with the state of cable" test -f "$S/cable.json"
ok nsnet down cable
no_residue "down: nothing left"

# refused_dir NAME - up exits 1 naming /run/nsnet, builds nothing, and
# writes nothing where /run/nsnet points
refused_dir() {
	local rc
	nsnet up "$F" >"$T/out" 2>"$T/err"
	rc=$?
	is "$rc" 1 "$1: up exits 1"
	like "$(cat "$T/err")" "/run/nsnet" "  ... naming /run/nsnet"
	is "$(netns_names)" "" "  ... and builds nothing"
}

# ------------------------------------------------------------ root's, but 0755
# made by something else before nsnet's first run: root's and no symlink,
# so nsnet tightens it to 0700 and goes on
rm -rf "$S"
mkdir -m 0755 "$S"
ok nsnet up "$F"
is "$(stat -c '%F %a %u' "$S")" "directory 700 0" "a root-owned 0755 $S is tightened to 0700"
ok nsnet down cable
no_residue "  ... and down removes everything"
# writable by others: tightened too, if everything in it is root's ...
rm -rf "$S"
mkdir -m 0777 "$S"
: >"$S/left-by-root"
ok nsnet labs
is "$(stat -c '%a' "$S")" "700" "a root-owned 0777 $S holding only root's files is tightened to 0700"
# ... and refused when it holds someone else's entry: it may have been
# tampered with while it was open to all
rm -rf "$S"
mkdir -m 0777 "$S"
: >"$S/planted"
chown 65534:65534 "$S/planted"
refused_dir "$S was 0777 and holds a file of uid 65534"
like "$(cat "$T/err")" "planted.*not root's.*rm -r /run/nsnet" "  ... naming the entry and what to do"
is "$(stat -c '%U %a' "$S/planted" "$S")" $'nobody 644\nroot 777' "  ... and leaves the entry and the mode alone"
refused_dir "  ... so the next run refuses it too"

# ------------------------------------------------------------ not root's
rm -rf "$S"
mkdir -m 0700 "$S"
chown 65534:65534 "$S"
refused_dir "$S is owned by uid 65534"
is "$(ls -A "$S")" "" "  ... and writes nothing in it"
rm -rf "$S"

# ------------------------------------------------------------ a symlink
# to a directory that would otherwise pass (root's, 0700)
mkdir -m 0700 "$T/elsewhere"
ln -s "$T/elsewhere" "$S"
refused_dir "$S is a symlink"
is "$(ls -A "$T/elsewhere")" "" "  ... and writes nothing through it"
nsnet down cable >"$T/out" 2>&1
is "$(ls -A "$T/elsewhere")" "" "down with $S a symlink writes nothing through it"
nsnet plan "$F" >/dev/null 2>&1
nsnet labs >/dev/null 2>&1
nsnet status >/dev/null 2>&1
is "$(ls -A "$T/elsewhere")" "" "plan, labs, status with $S a symlink write nothing through it"
ok -m "  ... and $S is still the symlink" test -L "$S"
rm -f "$S"

# ------------------------------------------------------------ planted symlinks
# target_state - content, size and mtime of the symlink's target
target_state() { stat -c '%s %Y' "$T/target"; cat "$T/target"; }

# planted NAME UP - with $S/NAME a symlink to $T/target, `up` (the lab
# already up if UP is 1) and then `down` never write the target; an up
# that refuses exits 1 and builds nothing (and a refused down leaves the
# lab to a later down)
planted() {
	local name=$1 before rc
	[ "$2" = 1 ] && nsnet up "$F" >/dev/null 2>&1
	[ -d "$S" ] || mkdir -m 0700 "$S"
	printf 'precious, not nsnet state\n' >"$T/target"
	touch -d '2001-01-01' "$T/target"
	rm -f "$S/$name"
	ln -s "$T/target" "$S/$name"
	before=$(target_state)
	nsnet up "$F" >"$T/out" 2>"$T/err"
	rc=$?
	same "$S/$name planted (lab up: $2): up ($rc) leaves the target alone" "$before" "$(target_state)"
	if [ "$rc" = 0 ]; then
		ok -m "  ... up succeeded: the lab is up" can_ping red 10.0.0.2
		if [ -L "$S/$name" ]; then
			pass "  ... and $S/$name is still the planted symlink (never used)"
		else
			ok -m "  ... and $S/$name is no longer a symlink" test ! -L "$S/$name"
		fi
	else
		is "$rc" 1 "  ... up refused: exit 1" || diag "$(cat "$T/err")"
		[ "$2" = 1 ] || is "$(netns_names)" "" "  ... and built nothing"
	fi
	nsnet down cable >"$T/out" 2>&1
	rc=$?
	same "  ... down ($rc) leaves the target alone" "$before" "$(target_state)"
	ok -m "  ... and the target still exists" test -f "$T/target"
	rm -f "$S/$name"
	nsnet down cable >/dev/null 2>&1
	no_residue "  ... with the symlink gone, down removes everything"
}

for name in cable.json cable.journal lock; do
	planted "$name" 0
	planted "$name" 1
done

done_testing
