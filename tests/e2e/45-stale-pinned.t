#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Namespace files in odd states: a stale entry (a plain file with nothing
# mounted, left by a crash) is reported, never used, and removable; a
# namespace pinned by another mount namespace is still deleted for real.
. "$(dirname "$0")/lib.sh"

# --- a stale entry: what a crash between create and bind mount leaves
ok nsnet netns add live
mkdir -p /run/netns && : > /run/netns/ghost
like "$(nsnet netns list)" 'ghost \(stale' "netns list reports ghost as stale"
is "$(nsnet -j netns list | jpy '[n["name"] for n in d if n.get("stale")]')" \
	"ghost" "-j marks only ghost as stale"
fails_with 2 'netns ghost: stale entry' nsnet -n ghost link show
fails_with 2 'netns ghost: stale entry' nsnet link add g0 type veth peer name g1 netns ghost
nok -m "no g0 was created" ip link show dev g0
ok nsnet netns del ghost
ok -m "the stale file is gone" test ! -e /run/netns/ghost

# --- a namespace pinned by another mount namespace that holds its mount
ino=$(ip netns exec live stat -L -c %i /proc/self/ns/net)
unshare --mount --propagation unchanged sleep 30 &
holder=$!
at_exit "kill $holder 2>/dev/null"
wait_for test -e /proc/$holder/ns/mnt
ok nsnet netns del live
ok -m "the name is gone" test ! -e /run/netns/live
# With /run/netns shared, MNT_DETACH reached the holder's copy too, so no
# bind mount of the namespace survives anywhere.
is "$(grep -c ' /run/netns/live ' /proc/$holder/mountinfo)" "0" \
	"the holder's mount namespace no longer has the namespace mounted"
nok -m "nothing references inode $ino any more" \
	sh -c "ls -l /proc/*/ns/net 2>/dev/null | grep -q 'net:\[$ino\]'"

done_testing
