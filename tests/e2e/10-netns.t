#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# netns add/list/del/exec/identify/pids/attach, checked with iproute2.
. "$(dirname "$0")/lib.sh"

# ip_netns_names - the names `ip netns list` prints, one per line, sorted
ip_netns_names() { ip netns list | awk '{ print $1 }' | sort; }

# --- add, and both tools list it
ok nsnet netns add red
ok test -e /run/netns/red
like "$(ip_netns_names)" '(^|'$'\n'')red($|'$'\n'')' "ip netns list sees red"
is "$(findmnt -n -o PROPAGATION /run/netns)" shared \
	"/run/netns is a shared mount, as iproute2 makes it"
ok ip netns add x
out=$(nsnet netns list)
like "$out" '(^|[[:space:]])x([[:space:]]|$)' "nsnet netns list sees x (made by ip)"
like "$out" '(^|[[:space:]])red([[:space:]]|$)' "nsnet netns list sees red"
out=$(nsnet netns)
like "$out" '(^|[[:space:]])x([[:space:]]|$)' "nsnet netns (no verb) lists x"
like "$out" '(^|[[:space:]])red([[:space:]]|$)' "nsnet netns (no verb) lists red"
is "$(nsnet -j netns list | jpy 'sorted(n["name"] for n in d)')" "red
x" "nsnet -j netns list: JSON objects with \"name\""
fails_with 1 'red' nsnet netns add red

# --- exec: the namespace's links, exit status, /sys, /etc/netns
is "$(nsnet netns exec red ip -j link | jpy '[l["ifname"] for l in d]')" lo \
	"netns exec red: only lo inside"
nsnet netns exec red sh -c 'exit 7'
is "$?" 7 "netns exec passes the exit status through"
fails_with '[1-9][0-9]*' '/nonexistent/cmd' nsnet netns exec red /nonexistent/cmd
is "$(nsnet netns exec red ls /sys/class/net)" lo \
	"netns exec: /sys shows the namespace's interfaces"
mkdir -p /etc/netns/red
echo "nameserver 192.0.2.53" >/etc/netns/red/resolv.conf
is "$(nsnet netns exec red cat /etc/resolv.conf)" "nameserver 192.0.2.53" \
	"netns exec: /etc/netns/red/resolv.conf bound over /etc/resolv.conf"
isnt "$(cat /etc/resolv.conf)" "nameserver 192.0.2.53" \
	"the bind mount did not leak out of netns exec"
is "$(nsnet netns exec red "$NSNET" netns identify)" red \
	"netns identify without a PID, inside red"

# --- identify and pids of a process started by ip netns exec
ip netns exec red sleep 4201 &
pid=$!
ok -m "ip netns exec red sleep is in red" wait_for in_other_netns "$pid"
is "$(nsnet netns identify "$pid")" red "netns identify PID prints red"
like "$(nsnet netns pids red)" '(^|'$'\n'')'"$pid"'($|'$'\n'')' \
	"netns pids red lists $pid"
unlike "$(nsnet netns pids x)" '(^|'$'\n'')'"$pid"'($|'$'\n'')' \
	"netns pids x does not list it"

# --- attach a running process's namespace under a name
unshare -n sleep 4202 &
upid=$!
ok -m "unshare -n sleep has its own namespace" wait_for in_other_netns "$upid"
ok nsnet netns attach green "$upid"
is "$(ip netns identify "$upid")" green "ip netns identify PID prints green"
ok -m "green is the namespace of $upid" \
	test "$(ip netns exec green readlink /proc/self/ns/net)" = \
	"$(readlink /proc/$upid/ns/net)"

# --- del and delete remove the file; both tools agree
ok nsnet netns del x
ok test ! -e /run/netns/x
unlike "$(ip_netns_names)" '(^|'$'\n'')x($|'$'\n'')' "ip netns list: x gone"
unlike "$(nsnet netns list)" '(^|[[:space:]])x([[:space:]]|$)' "nsnet netns list: x gone"
ok nsnet netns delete green
ok test ! -e /run/netns/green
ok -m "the attached process lives on" kill -0 "$upid"
ok nsnet netns del red
ok test ! -e /run/netns/red
is "$(ip_netns_names)" "" "ip netns list is empty"
is "$(nsnet -j netns list | jpy 'len(d)')" 0 "nsnet -j netns list is []"

done_testing
