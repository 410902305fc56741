#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Bad input: exit 2 (invalid input) or 1 (operation failed), one stderr line
# "nsnet: <what>: <why>" naming the offending value, and no change at all.
. "$(dirname "$0")/lib.sh"

# refused CODE REGEX CMD... - CMD fails as fails_with says, and the system
# snapshot (links, addresses, routes, namespaces) is the same afterwards
refused() {
	local before after
	before=$(system_snapshot)
	fails_with "$@"
	after=$(system_snapshot)
	shift 2
	if [ "$before" = "$after" ]; then
		pass "  ... and changed nothing"
	else
		fail "  ... and changed nothing"
		diag "$(diff <(echo "$before") <(echo "$after") | head -40)"
	fi
}

# Something to change by mistake: a namespace, and a down veth pair on the
# sandbox host with an address.
ok ip netns add red
ok ip link add keep0 type veth peer name keep1
ok ip addr add 10.0.0.1/24 dev keep0

# --- namespace names
refused 2 '(empty|"")' nsnet netns add ""
refused 2 "nsnet: .*[ '\"]\\.[ '\"):]" nsnet netns add .
refused 2 '\.\.' nsnet netns add ..
refused 2 'a/b' nsnet netns add a/b
refused 2 '\.\./\.\./etc' nsnet netns add ../../etc
refused 2 'a b' nsnet netns add "a b"
refused 2 'a:b' nsnet netns add a:b
refused 2 '-x' nsnet netns add -x
refused 2 'a/b' nsnet netns del a/b
refused 2 '\.\./\.\./etc' nsnet netns delete ../../etc
refused 2 '\.\./red' nsnet -n ../red link show
refused 2 'a/b' nsnet netns exec a/b true
refused 2 'a/b' nsnet link set keep1 netns a/b

# --- interface names (16 bytes and more), on every side of a command
refused 2 'abcdefghijklmnop' nsnet link add abcdefghijklmnop type veth peer name okpeer
refused 2 'abcdefghijklmnop' nsnet link add okname type veth peer name abcdefghijklmnop
refused 2 'averyveryverylongname' nsnet link add v type veth peer name averyveryverylongname
nok -m "v was not created" ip link show dev v
refused 2 'abcdefghijklmnop' nsnet link add abcdefghijklmnop type bridge
refused 2 'a/b' nsnet link add a/b type bridge
refused 2 'a b' nsnet link add "a b" type bridge
refused 2 'abcdefghijklmnop' nsnet link set keep0 name abcdefghijklmnop
refused 2 'abcdefghijklmnop' nsnet link set keep0 mtu 1400 name abcdefghijklmnop
refused 2 'abcdefghijklmnop' nsnet link add okname type veth peer name abcdefghijklmnop netns red

# --- addresses and routes
refused 2 '10\.0\.0\.300/24' nsnet addr add 10.0.0.300/24 dev lo
refused 2 '10\.0\.0\.1/33' nsnet addr add 10.0.0.1/33 dev lo
refused 2 '10\.0\.0\.1/24x' nsnet addr add 10.0.0.1/24x dev lo
refused 2 '1\.2\.3/24' nsnet addr add 1.2.3/24 dev lo
refused 2 '::1/129' nsnet addr add ::1/129 dev lo
refused 2 '10\.0\.0\.300/24' nsnet addr del 10.0.0.300/24 dev keep0
refused 2 '10\.0\.0\.1/24' nsnet route add 10.0.0.1/24 dev lo
refused 2 '10\.0\.0\.300' nsnet route add 10.1.0.0/24 via 10.0.0.300
refused 2 '10\.0\.0\.0/33' nsnet route add 10.0.0.0/33 dev lo
refused 2 'dev' nsnet addr add 10.0.0.2/24

# --- link types, values, verbs and objects
refused 2 'foo' nsnet link add x type foo
nok -m "x was not created" ip link show dev x
refused 2 'abc' nsnet link set keep0 mtu abc
refused 2 'abc' nsnet link set keep0 up mtu abc
refused 2 'sideways' nsnet link set keep0 sideways
refused 2 'frobnicate' nsnet frobnicate
refused 2 'frob' nsnet link frob
refused 2 'frob' nsnet netns frob
refused 2 'lin' nsnet lin show
refused 2 'sh' nsnet link sh

# --- missing namespaces
refused 2 'nope' nsnet -n nope link show
refused 2 'nope' nsnet link set lo netns nope
refused 2 'nope' nsnet link set keep0 up netns nope
refused 2 'nope' nsnet netns del nope
refused 2 'nope' nsnet netns exec nope true
refused 2 'nope' nsnet netns pids nope
refused 2 'nope' nsnet link add okname type veth peer name okpeer netns nope

# --- missing interfaces
refused 2 'nope' nsnet link set nope up
refused 2 'nope' nsnet link set dev nope mtu 1400
refused 2 'nope' nsnet -n red link set nope up
refused 2 'nope' nsnet link del nope
refused 2 'nope' nsnet addr add 10.0.0.2/24 dev nope
refused 2 'nope' nsnet route add 10.1.0.0/24 dev nope
refused 2 'nope' nsnet link set keep0 master nope
refused 2 'nope' nsnet link show nope

# --- names that exist already: the operation fails, nothing changes
refused 1 'red' nsnet netns add red
refused '1|2' 'keep0' nsnet link add keep0 type bridge
refused '1|2' 'keep1' nsnet link add okname type veth peer name keep1
nok -m "okname was not created" ip link show dev okname
refused 1 '10\.0\.0\.1/24' nsnet addr add 10.0.0.1/24 dev keep0

# --- lab names: every verb that takes a LAB refuses a name no lab file
# could give, the same way, exit 2 (a 300-byte name is no "File name too
# long" failure: it is bad input); with /run/nsnet there, as after any run
mkdir -m 0700 /run/nsnet
before=$(system_snapshot; ls -A /run/nsnet)
long=$(printf 'l%.0s' {1..300})
for lab in 'a;b' $'\xff\xfe' "$long"; do
	case $lab in
	"$long") why='name too long' ;;
	*) why="only letters, digits, '.', '_' and '-'" ;;
	esac
	shown=${lab//$'\xff'/\\xff}
	shown=${shown//$'\xfe'/\\xfe}
	shown=${shown:0:40}
	for verb in status graph check down ps logs exec run stop; do
		case $verb in
		logs) set -- x ;;
		exec | run) set -- node -- true ;;
		stop) set -- --all ;;
		*) set -- ;;
		esac
		fails_with 2 "^nsnet: lab \"${shown//\\/\\\\}(\.\.\.)?\": $why\$" nsnet "$verb" "$lab" "$@"
	done
done
is "$(system_snapshot; ls -A /run/nsnet)" "$before" "  ... and none of them changed anything"
# a valid name of a lab that is not up: the same answer from every verb
for verb in ps stop logs status; do
	case $verb in logs) set -- x ;; stop) set -- --all ;; *) set -- ;; esac
	refused 2 'nosuchlab' nsnet "$verb" nosuchlab "$@"
done

done_testing
