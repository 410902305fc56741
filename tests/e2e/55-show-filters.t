#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The show verbs' filters behave like ip's: an existing but empty bridge has
# no ports (exit 0, no output), a missing name is an error (exit 2), and a
# keyword without its value is refused rather than taken as a name. Showing
# the host's own state needs no privileges.
. "$(dirname "$0")/lib.sh"

ok nsnet link add br0 type bridge
is "$(nsnet link show master br0)" "" "link show master of a bridge without ports: nothing"
ok nsnet link show master br0
is "$(nsnet -j link show master br0)" "[]" "-j: an empty array"
ok nsnet link add p0 type veth peer name p1
ok nsnet link set p0 master br0
is "$(nsnet -j link show master br0 | jpy '[l["ifname"] for l in d]')" "p0" \
	"link show master br0 lists exactly its port"
is "$(ip -j link show master br0 | jpy '[l["ifname"] for l in d]')" "p0" \
	"(ip agrees)"
fails_with 2 'dev nosuch: no such interface' nsnet link show master nosuch
fails_with 2 'dev nosuch: no such interface' nsnet link show nosuch
fails_with 2 'dev nosuch: no such interface' nsnet addr show dev nosuch
fails_with 2 'dev nosuch: no such interface' nsnet neigh show dev nosuch
fails_with 2 'missing interface name' nsnet addr show dev
fails_with 2 'missing interface name' nsnet neigh show dev
fails_with 2 'missing bridge name' nsnet link show master
is "$(nsnet addr show dev p1 | head -1 | cut -d: -f2)" " p1@p0" "addr show dev p1 shows p1 and its peer"

# --- read-only commands as an unprivileged user, like ip
as_nobody() { setpriv --reuid=nobody --regid=nogroup --clear-groups "$@"; }
ok -m "link show as nobody" as_nobody "$NSNET" link show
ok -m "addr show as nobody" as_nobody "$NSNET" addr show
ok -m "route show as nobody" as_nobody "$NSNET" route show
ok -m "neigh show as nobody" as_nobody "$NSNET" neigh show
fails_with 1 'netns add x' as_nobody "$NSNET" netns add x
nok -m "nobody created nothing" test -e /run/netns/x

done_testing
