#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# `nsnet down` removes everything the lab owns - namespaces, host links,
# state - by name or by file, twice, never started, after the state is lost
# (found by its tags), and never touches what is not the lab's. A node name
# taken by a foreign namespace makes `up` refuse (exit 2) and change nothing.
. "$(dirname "$0")/lib.sh"

F=$REPO/examples/house.yaml
NODES="blue gray orange red"
# Foreign objects the lab must never touch (see foreign below)
FOREIGN="keep0 keep1 br-keep"

# foreign - the foreign objects with their ifindexes and namespace inode
foreign() {
	ifindexes | grep -E '^(other |- (keep0|keep1|br-keep) )'
	ip -j addr show dev keep0 | jpy '[a["local"] for a in d[0]["addr_info"] if a["family"] == "inet"]'
}

# lab_gone NAME - nothing of house is left: no node namespace, no host
# link, no state; the foreign objects are exactly as they were
lab_gone() {
	local ns
	for ns in $NODES; do
		if [ -e "/run/netns/$ns" ]; then
			fail "$1: namespace $ns is still there"
			return
		fi
	done
	no_residue "$1: no namespace, host link, /etc/netns entry or state left" $FOREIGN
	same "  ... and the foreign namespace, veth pair and bridge are untouched" \
		"$foreign_before" "$(foreign)"
}

# Not the lab's: a namespace, a veth pair with an address, a bridge.
ok ip netns add other
ok ip link add keep0 type veth peer name keep1
ok ip addr add 10.0.0.1/24 dev keep0
ok ip link add br-keep type bridge
ok ip link set br-keep up
# The netns list without "other", for no_residue: other is foreign.
netns_names() { find /run/netns -mindepth 1 -maxdepth 1 ! -name other -printf '%f\n' 2>/dev/null | sort; }
foreign_before=$(foreign)

# ------------------------------------------------------------ by name
ok nsnet up "$F"
is "$(netns_names | xargs)" "$NODES" "up: the four nodes exist"
ok -m "up: /run/nsnet/house.json exists" test -f /run/nsnet/house.json
ok nsnet -v down house
lab_gone "down house"
ok -m "down house again: exit 0" nsnet down house
ok -m "down house.yaml (already gone): exit 0" nsnet down "$F"
lab_gone "  ... still"
ok -m "down of a lab never started: exit 0" nsnet down neverstarted
ok -m "down of a never-started lab's file: exit 0" nsnet down "$REPO/examples/switch.yaml"

# ------------------------------------------------------------ by file
ok nsnet up "$F"
ok nsnet down "$F"
lab_gone "down FILE"

# ------------------------------------------------------------ state lost
# /run/nsnet emptied (a reboot of the state, a careless admin): down finds
# the lab's objects by their tags
ok nsnet up "$F"
rm -rf /run/nsnet/*
ok -m "down house after rm -rf /run/nsnet/*: exit 0" nsnet down house
lab_gone "down house after rm -rf /run/nsnet/*"

ok nsnet up "$F"
rm -rf /run/nsnet
ok -m "down house.yaml after rm -rf /run/nsnet: exit 0" nsnet down "$F"
lab_gone "down house.yaml after rm -rf /run/nsnet"

# After a state loss, `up` adopts what it finds (the objects are tagged):
# it converges without "File exists".
ok nsnet up "$F"
rm -rf /run/nsnet/*
ok -m "up after the state was lost: exit 0" nsnet up "$F"
is "$(nsnet plan "$F" 2>&1)" "no changes" "  ... then plan: no changes"
ok can_ping - 192.168.15.4
ok nsnet down house
lab_gone "down after an up that adopted the lab"

# ------------------------------------------------------------ forged state
# A state file naming foreign objects, with the device group of a foreign
# link: down removes only what carries the lab's tag.
ok nsnet up "$F"
group=$(ip -j link show dev v-net-0 | jpy 'd[0]["group"]')
ok -m "keep1 put into the lab's device group ($group)" ip link set keep1 group "$group"
foreign_before=$(foreign)
"$PYTHON" - <<-'PY'
	import json
	p = "/run/nsnet/house.json"
	s = json.load(open(p))
	s["host_links"] += ["keep0", "keep1", "br-keep"]
	s["nodes"] += ["other"]
	json.dump(s, open(p, "w"))
	PY
ok nsnet down house
lab_gone "down house with a forged state and a foreign link in its group"
ok -m "keep1 is still there" ip link show dev keep1
ok -m "the namespace other is still there" test -e /run/netns/other
ok ip link set keep1 group default
foreign_before=$(foreign)

# ------------------------------------------------------------ foreign names
# A namespace named like a node (created with ip netns add, so untagged):
# down of the lab leaves it alone, and up refuses with exit 2 naming it.
ok ip netns add blue
ok nsnet down house
ok -m "down house leaves the foreign namespace blue alone" test -e /run/netns/blue
before=$(system_snapshot)
nsnet up "$F" >"$T/out" 2>"$T/err"
is "$?" 2 "up with a foreign namespace named blue: exit 2"
like "$(cat "$T/err")" "house\.yaml:[0-9]+:[0-9]+: .*blue" "  ... an error FILE:LINE:COL naming blue"
like "$(tail -n1 "$T/err")" "house\.yaml: .*nothing was changed" "  ... and saying nothing was changed"
same "  ... and nothing was changed" "$before" "$(system_snapshot)"
is "$(state_files house)" "" "  ... and no state was written"
ok ip netns del blue

# A host link named like a lab's bridge or host end: refused the same way.
ok ip link add veth-gray-br type veth peer name keep2
before=$(system_snapshot)
nsnet up "$F" >"$T/out" 2>"$T/err"
is "$?" 2 "up with a foreign link named veth-gray-br: exit 2"
like "$(cat "$T/err")" "house\.yaml:[0-9]+:[0-9]+: .*veth-gray-br" "  ... an error FILE:LINE:COL naming veth-gray-br"
same "  ... and nothing was changed" "$before" "$(system_snapshot)"
ok nsnet down house
ok -m "down house leaves the foreign veth-gray-br alone" ip link show dev veth-gray-br
ok ip link del veth-gray-br

# ------------------------------------------------------------ stale entries
# A node's /run/netns file with nothing mounted on it: what a SIGKILL
# between the unmount and the unlink of a down leaves (or between the
# create and the bind mount of an up). It is the lab's: down removes it,
# up makes the namespace again.
ok nsnet up "$F"
ok -m "gray made stale (umount /run/netns/gray)" umount /run/netns/gray
ok -m "down with gray stale: exit 0" nsnet down house
lab_gone "  ... and the stale gray is gone too"
rm -f /run/netns/gray	# for the next case, if down left it

ok nsnet up "$F"
ok -m "gray made stale (umount /run/netns/gray)" umount /run/netns/gray
nsnet up "$F" >"$T/out" 2>&1
is "$?" 0 "up with gray stale: exit 0" || diag "$(cat "$T/out")"
ok -m "  ... gray is a namespace again" ip -n gray link show dev veth-gray
ok can_ping gray 192.168.15.5
is "$(nsnet plan "$F" 2>&1)" "no changes" "  ... then plan: no changes"
nsnet down house >/dev/null 2>&1
umount /run/netns/gray 2>/dev/null
rm -f /run/netns/gray

# A stale file nobody can attribute (no lab state) is reported, not used.
mkdir -p /run/netns && : >/run/netns/red
before=$(system_snapshot 2>/dev/null)
nsnet up "$F" >"$T/out" 2>"$T/err"
is "$?" 2 "up with an unattributed stale /run/netns/red: exit 2"
like "$(cat "$T/err")" "house\.yaml:[0-9]+:[0-9]+: .*red.*stale|stale.*red" "  ... reporting red as stale"
same "  ... and nothing was changed" "$before" "$(system_snapshot 2>/dev/null)"
rm -f /run/netns/red

# ------------------------------------------------------------ pinned
# Another mount namespace holding copies of the nodes' mounts (a container,
# `unshare -m`): down still removes them, there too.
ok nsnet up "$F"
unshare --mount --propagation unchanged sleep 60 &
holder=$!
at_exit "kill $holder 2>/dev/null"
wait_for test -e "/proc/$holder/ns/mnt"
is "$(grep -cE ' /run/netns/(red|blue|orange|gray) ' "/proc/$holder/mountinfo")" 4 "the holder sees the four nodes' mounts"
ok nsnet down house
lab_gone "down house while another mount namespace holds the nodes"
is "$(grep -cE ' /run/netns/(red|blue|orange|gray) ' "/proc/$holder/mountinfo")" 0 "  ... and the holder's copies are gone too"
kill "$holder" 2>/dev/null
wait "$holder" 2>/dev/null

# ------------------------------------------------------------ names
# down FILE with a plain file name (no '/'), from the file's directory
ok nsnet up "$F"
(cd "$REPO/examples" && "$NSNET" down house.yaml) >"$T/out" 2>&1
is "$?" 0 "cd examples && nsnet down house.yaml: exit 0" || diag "$(cat "$T/out")"
lab_gone "  ... the lab is gone"

# The lab's objects under another lab's name: a copy of the file naming
# lab house2 is refused while house is up, naming what is taken.
ok nsnet up "$F"
sed 's/^lab: house$/lab: house2/' "$F" >"$T/house2.yaml"
before=$(system_snapshot)
nsnet up "$T/house2.yaml" >"$T/out" 2>"$T/err"
is "$?" 2 "up house2.yaml (house's nodes and bridge) while house is up: exit 2"
like "$(cat "$T/err")" "house2\.yaml:[0-9]+:[0-9]+: .*red" "  ... naming node red"
like "$(cat "$T/err")" "house2\.yaml:[0-9]+:[0-9]+: .*v-net-0" "  ... naming network v-net-0"
same "  ... and nothing was changed" "$before" "$(system_snapshot)"
ok -m "down house2 (never up): exit 0" nsnet down house2
same "  ... and it does not touch house" "$before" "$(system_snapshot)"
ok nsnet down house

# Hostile lab names: refused (exit 2) before anything is touched
ok nsnet up "$F"
before=$(system_snapshot)
for name in ../../etc a/b "" . .. -x "a b" "$(printf 'x%.0s' {1..70})"; do
	fails_with 2 "lab" nsnet down "$name"
done
same "  ... and nothing was changed" "$before" "$(system_snapshot)"
ok nsnet down house

# ------------------------------------------------------------ down, up, down...
# The same names again and again: never "File exists" (kernel namespace
# cleanup is asynchronous)
fails=0
for i in $(seq 20); do
	nsnet up "$F" >"$T/out" 2>&1 || { fails=$((fails + 1)); diag "up #$i: $(cat "$T/out")"; }
	nsnet down house >"$T/out" 2>&1 || { fails=$((fails + 1)); diag "down #$i: $(cat "$T/out")"; }
done
is "$fails" 0 "20 x up + down with the same names: no failure"
lab_gone "after 20 x up + down"

done_testing
