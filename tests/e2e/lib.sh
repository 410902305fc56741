# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=bash
#
# tests/e2e/lib.sh - sandbox and TAP helpers for nsnet's end-to-end tests.
#
# Every test starts with
#
#	#!/bin/bash
#	. "$(dirname "$0")/lib.sh"
#
# Sourcing this file re-executes the test, exactly once, inside a sandbox:
#
#   unshare --mount --net --pid --fork --kill-child --mount-proc
#           --propagation private
#
#   - a fresh network namespace plays "the host": nothing the test does can
#     reach the real host's links, addresses, routes or firewall;
#   - a private mount namespace, in which /run is a fresh tmpfs (so /run/netns
#     and /run/nsnet start absent and empty, exactly as on a freshly booted
#     machine, and everything written there vanishes with the sandbox),
#     /etc/netns is empty and writable (see _sandbox_etc_netns), and /sys is
#     remounted so it shows the sandbox's interfaces;
#   - a PID namespace whose init is the test itself: when the test exits, or
#     when prove/timeout kills it, the kernel kills every process it started,
#     so no `sleep`, ping or dnsmasq can outlive it. `netns pids`/`identify`
#     see only the sandbox's processes in the remounted /proc.
#
# When the last process of the sandbox is gone the kernel destroys its
# network namespace (and every veth/bridge in it) and its mount namespace
# (and every named namespace bind-mounted in its /run/netns). Tests therefore
# run in parallel without colliding on names, and clean up even when they fail.
#
# Network safety: tests only send traffic to loopback and to addresses in
# namespaces they created; the sandbox has no route anywhere else anyway.
#
# Environment: NSNET (the binary under test, default <repo>/build/nsnet),
# NSNET_E2E_TIMEOUT (seconds a test may run, default 300), PYTHON.

_E2E_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$_E2E_DIR/../.." && pwd)
: "${NSNET:=$REPO/build/nsnet}"
export NSNET

# ------------------------------------------------------------------- sandbox

if [ "${NSNET_E2E_SANDBOX:-}" != 1 ]; then
	if [ "$(id -u)" != 0 ]; then
		echo "1..0 # SKIP e2e tests need root (network namespaces)"
		exit 0
	fi
	if ! unshare --mount --net --pid --fork --kill-child --mount-proc \
		--propagation private true 2>/dev/null; then
		echo "Bail out! cannot create a sandbox with unshare(1)"
		exit 255
	fi
	_self="$(cd "$(dirname "$0")" && pwd)/$(basename "$0")"
	# Remember the outer namespaces so the inner side can prove it left them.
	export NSNET_E2E_SANDBOX=1
	NSNET_E2E_OUTER="$(readlink /proc/self/ns/net) $(readlink /proc/self/ns/mnt)"
	export NSNET_E2E_OUTER
	# On timeout SIGKILL unshare (it ignores SIGTERM while it waits);
	# --kill-child then SIGKILLs the sandbox's init, and with it the whole
	# PID namespace. prove reports the missing plan.
	exec timeout --foreground -s KILL "${NSNET_E2E_TIMEOUT:-300}" \
		unshare --mount --net --pid --fork --kill-child --mount-proc \
		--propagation private -- "$BASH" "$_self" "$@"
fi

# bail_out MSG - stop the whole test run: something is badly wrong
bail_out() {
	echo "Bail out! $*"
	exit 255
}

# _sandbox_etc_netns - give the sandbox an empty, writable /etc/netns
#
# /etc/netns/NAME/* is what `netns exec` binds over /etc, so tests must be able
# to write there without touching the host. If the host has /etc/netns, a
# tmpfs is mounted over it (private mount namespace: invisible outside).
# If it has not, creating it on the host would be a visible change, and a
# tmpfs over all of /etc would hide passwd, hosts, resolv.conf, ... So /etc
# becomes an overlay: the host's /etc read-only underneath, a tmpfs (in the
# sandbox's /run) on top; /etc/netns is then created in the tmpfs layer only.
# Mounts below /etc (containers bind resolv.conf, hosts, hostname) would be
# hidden by the overlay, so they are carried over onto it. Only if overlayfs
# is unavailable is an empty /etc/netns made on the host: iproute2's own
# directory, normal to exist, holding nothing after the test.
_sandbox_etc_netns() {
	local top=/run/.e2e/etc mp n=0
	local -a subs=()

	if [ -d /etc/netns ]; then
		mount -t tmpfs -o mode=0755 nsnet-e2e /etc/netns
		return
	fi
	mkdir -p "$top/upper" "$top/work" "$top/keep"
	while read -r mp; do
		subs+=("$(printf '%b' "$mp")")	# mountinfo escapes as \040
	done < <(awk '$5 ~ "^/etc/" { print $5 }' /proc/self/mountinfo)
	for mp in "${subs[@]}"; do
		if [ -d "$mp" ]; then mkdir "$top/keep/$n"; else : >"$top/keep/$n"; fi
		mount --bind "$mp" "$top/keep/$n"
		n=$((n + 1))
	done
	if mount -t overlay nsnet-e2e \
		-o "lowerdir=/etc,upperdir=$top/upper,workdir=$top/work" /etc; then
		n=0
		for mp in "${subs[@]}"; do
			mount --bind "$top/keep/$n" "$mp"
			n=$((n + 1))
		done
		mkdir /etc/netns
	else
		echo "# no overlayfs: creating an empty /etc/netns on the host" >&2
		mkdir /etc/netns
		mount -t tmpfs -o mode=0755 nsnet-e2e /etc/netns
	fi
	n=0
	for mp in "${subs[@]}"; do
		umount "$top/keep/$n"
		n=$((n + 1))
	done
}

# sandbox_resolv TEXT - make TEXT the sandbox's /etc/resolv.conf
#
# Tests must not depend on the machine's resolver: every sandbox starts with
# `nameserver 127.0.0.53` (systemd-resolved's stub, the commonest host
# setup, and dead in every namespace but the real host's), and DNS tests
# try other files. /etc/resolv.conf is often a symlink into /run
# (systemd-resolved, resolvconf), which dangles on the sandbox's fresh /run:
# then the file is made where the link points, inside the sandbox's /run;
# otherwise a file of the sandbox's is bind-mounted over it.
sandbox_resolv() {
	local f=/run/.e2e/resolv.conf target
	target=$(readlink -m /etc/resolv.conf)
	if [ "${target#/run/}" != "$target" ]; then
		mkdir -p "$(dirname "$target")" &&
			printf '%s\n' "$1" >"$target"
		return
	fi
	printf '%s\n' "$1" >"$f" || return 1
	# one bind is enough: later calls write through it
	if [ -z "$_E2E_RESOLV_BOUND" ]; then
		[ -e /etc/resolv.conf ] || : >/etc/resolv.conf || return 1
		mount --bind "$f" /etc/resolv.conf || return 1
		_E2E_RESOLV_BOUND=1
	fi
}
_E2E_RESOLV_BOUND=

# _sandbox_setup - runs once, as the sandbox's init, before the test body
_sandbox_setup() {
	local outer_net outer_mnt
	read -r outer_net outer_mnt <<<"$NSNET_E2E_OUTER"
	# Refuse to go on unless we really are in new namespaces: every later
	# step mounts and changes the network freely.
	if [ -z "$outer_net" ] || [ "$(readlink /proc/self/ns/net)" = "$outer_net" ]; then
		bail_out "not in a private network namespace"
	fi
	if [ -z "$outer_mnt" ] || [ "$(readlink /proc/self/ns/mnt)" = "$outer_mnt" ]; then
		bail_out "not in a private mount namespace"
	fi
	[ $$ = 1 ] || bail_out "not the init of a private PID namespace"

	mount -t tmpfs -o mode=0755 nsnet-e2e /run || bail_out "tmpfs on /run"
	mkdir -p /run/.e2e/tmp
	_sandbox_etc_netns || bail_out "cannot make /etc/netns private"
	sandbox_resolv "nameserver 127.0.0.53" ||
		bail_out "cannot give the sandbox its own /etc/resolv.conf"
	{ umount -l /sys && mount -t sysfs sysfs /sys; } || bail_out "remount /sys"
	ip link set lo up || bail_out "lo up"
	# A new namespace copies the machine's IPv4 settings, ip_forward
	# among them (1 on any Docker host): start from a fresh host's 0.
	sysctl -qw net.ipv4.ip_forward=0 net.ipv6.conf.all.forwarding=0 ||
		bail_out "forwarding off in the sandbox"

	export TMPDIR=/run/.e2e/tmp
	T=$TMPDIR		# per-test scratch directory, gone with the sandbox
	unset NSNET_E2E_SANDBOX NSNET_E2E_OUTER
	[ -x "$NSNET" ] || bail_out "no nsnet binary at $NSNET (run make)"
	PATH="$(dirname "$NSNET"):$PATH"	# for scripts that call plain `nsnet`
	export PATH
	if [ -z "${PYTHON:-}" ]; then
		if [ -x /usr/bin/python3 ]; then PYTHON=/usr/bin/python3; else PYTHON=python3; fi
	fi
	trap _e2e_exit EXIT
}

_E2E_ATEXIT=()

# at_exit CMD... - run CMD when the test exits (in reverse order)
at_exit() {
	_E2E_ATEXIT=("$(printf '%q ' "$@")" "${_E2E_ATEXIT[@]}")
}

# _e2e_exit - EXIT trap: registered cleanups, then every background job.
# The PID namespace would kill the rest anyway; this keeps the order tidy.
_e2e_exit() {
	local c pids
	for c in "${_E2E_ATEXIT[@]}"; do eval "$c" >/dev/null 2>&1; done
	pids=$(jobs -p)
	if [ -n "$pids" ]; then
		# shellcheck disable=SC2086
		kill $pids 2>/dev/null
		wait 2>/dev/null
	fi
}

# ----------------------------------------------------------------------- TAP

_T_N=0
_T_FAIL=0
_T_PLAN=

# plan N - announce N tests (optional: done_testing prints the count)
plan() {
	_T_PLAN=$1
	echo "1..$1"
}

# done_testing - print the plan if none was given; exit 0 only if all passed
done_testing() {
	if [ -z "$_T_PLAN" ]; then
		echo "1..$_T_N"
	elif [ "$_T_PLAN" != "$_T_N" ]; then
		diag "planned $_T_PLAN tests but ran $_T_N"
		exit 1
	fi
	if [ "$_T_FAIL" != 0 ]; then
		diag "failed $_T_FAIL of $_T_N tests"
		exit 1
	fi
	exit 0
}

# diag MSG... - diagnostics on stderr, every line prefixed with "# "
diag() {
	local arg line
	for arg in "$@"; do
		while IFS= read -r line; do
			printf '# %s\n' "$line"
		done <<<"$arg"
	done >&2
}

# _name ARGS... - a printable test name for a command line
_name() {
	local s
	if [ "${1:-}" = "$NSNET" ]; then
		shift
		set -- nsnet "$@"
	fi
	s=$(printf '%q ' "$@")
	printf '%s' "${s% }"
}

# _result STATUS NAME - print one TAP line; STATUS 0 passes
_result() {
	local name=${2//$'\n'/ }
	name=${name//#/\\#}		# '#' would start a TAP directive
	_T_N=$((_T_N + 1))
	if [ "$1" = 0 ]; then
		echo "ok $_T_N - $name"
	else
		echo "not ok $_T_N - $name"
		_T_FAIL=$((_T_FAIL + 1))
	fi
	return "$1"
}

# pass NAME / fail NAME - record a result computed by the test itself
pass() { _result 0 "$*"; }
fail() { _result 1 "$*"; }

# ok [-m NAME] CMD... - pass if CMD exits 0; shows its output on failure.
# CMD runs in a subshell with its output captured: don't background in it.
ok() {
	local name out rc
	if [ "$1" = -m ]; then name=$2; shift 2; else name=$(_name "$@"); fi
	out=$("$@" 2>&1)
	rc=$?
	_result "$rc" "$name" || diag "exit status $rc; output:" "$out"
	return "$rc"
}

# nok [-m NAME] CMD... - pass if CMD fails (exits non-zero)
nok() {
	local name out rc
	if [ "$1" = -m ]; then name=$2; shift 2; else name="fails: $(_name "$@")"; fi
	out=$("$@" 2>&1)
	rc=$?
	if [ "$rc" != 0 ]; then
		_result 0 "$name"
	else
		_result 1 "$name"
		diag "exit status 0; output:" "$out"
		return 1
	fi
}

# is GOT EXPECTED NAME - string equality
is() {
	if [ "$1" = "$2" ]; then
		_result 0 "$3"
	else
		_result 1 "$3"
		diag "     got: '$1'" "expected: '$2'"
		return 1
	fi
}

# isnt GOT UNEXPECTED NAME - string inequality
isnt() {
	if [ "$1" != "$2" ]; then
		_result 0 "$3"
	else
		_result 1 "$3"
		diag "     got: '$1'" "expected anything else"
		return 1
	fi
}

# like GOT REGEX NAME - GOT matches the extended regular expression
like() {
	if [[ $1 =~ $2 ]]; then
		_result 0 "$3"
	else
		_result 1 "$3"
		diag "     got: '$1'" "expected to match: /$2/"
		return 1
	fi
}

# unlike GOT REGEX NAME - GOT does not match the extended regular expression
unlike() {
	if ! [[ $1 =~ $2 ]]; then
		_result 0 "$3"
	else
		_result 1 "$3"
		diag "     got: '$1'" "expected not to match: /$2/"
		return 1
	fi
}

# skip REASON [N] - record N (default 1) skipped tests
skip() {
	local i
	for ((i = 0; i < ${2:-1}; i++)); do
		_T_N=$((_T_N + 1))
		echo "ok $_T_N # skip $1"
	done
}

# fails_with CODE REGEX CMD... - CMD exits with CODE (an ERE: 2, or 1|2) and
# writes exactly one line to stderr, "nsnet: <what>: <why>", matching REGEX.
fails_with() {
	local code=$1 re=$2 out err rc lines name
	shift 2
	name="exit $code, one error line matching /$re/: $(_name "$@")"
	out=$("$@" 2>"$T/fails_with.err")
	rc=$?
	err=$(cat "$T/fails_with.err")
	lines=$(grep -c '' "$T/fails_with.err")
	if [[ $rc =~ ^($code)$ ]] && [ "$lines" = 1 ] &&
		[[ $err =~ ^nsnet:\ .+:\ .+ ]] && [[ $err =~ $re ]]; then
		_result 0 "$name"
	else
		_result 1 "$name"
		diag "exit status $rc (want $code); stderr ($lines lines):" "$err" \
			"stdout:" "$out"
		return 1
	fi
}

# --------------------------------------------------------------- utilities

# nsnet ARGS... - the binary under test (so test names read "nsnet ...")
nsnet() { "$NSNET" "$@"; }

# ns_exec NS CMD... - run CMD in named namespace NS, the iproute2 way
ns_exec() {
	local ns=$1
	shift
	ip netns exec "$ns" "$@"
}

# can_ping NS ADDR - ADDR answers a real ping sent from NS ("-" = the
# sandbox host); up to eight tries of a second, for the first ARP or a port
# just coming up on a loaded machine (`no_ping` for what must not answer)
can_ping() {
	local i
	for i in 1 2 3 4 5 6 7 8; do
		if [ "$1" = - ]; then
			ping -n -c1 -W1 "$2" >/dev/null 2>&1 && return 0
		else
			ip netns exec "$1" ping -n -c1 -W1 "$2" >/dev/null 2>&1 && return 0
		fi
	done
	echo "no answer from $2 (sent from ${1/#-/the host})"
	return 1
}

# no_ping NS ADDR - ADDR does not answer two pings sent from NS
no_ping() {
	local i
	for i in 1 2; do
		if [ "$1" = - ]; then
			ping -n -c1 -W1 "$2" >/dev/null 2>&1 && return 1
		else
			ip netns exec "$1" ping -n -c1 -W1 "$2" >/dev/null 2>&1 && return 1
		fi
	done
	return 0
}

# wait_secs SECONDS CMD... - poll CMD (quietly) until it succeeds, for up
# to SECONDS
wait_secs() {
	local i n=$(($1 * 10))
	shift
	for ((i = 0; i < n; i++)); do
		"$@" >/dev/null 2>&1 && return 0
		sleep 0.1
	done
	return 1
}

# wait_for CMD... - poll CMD (quietly) until it succeeds, for up to 30 s:
# a loaded 2-core machine (load average 6 while the suite runs) is normal
wait_for() { wait_secs 30 "$@"; }

# in_other_netns PID - PID's network namespace is not the test's own
in_other_netns() {
	local ns
	ns=$(readlink "/proc/$1/ns/net") || return 1
	[ "$ns" != "$(readlink /proc/self/ns/net)" ]
}

# jpy EXPR - evaluate python EXPR over the JSON document `d` read from stdin;
# a list prints one element per line, a string as is, anything else as JSON.
# Fails (exit 1) when stdin is not JSON.
jpy() {
	"$PYTHON" -c '
import json, sys
d = json.load(sys.stdin)
r = eval(sys.argv[1])
def show(v):
    print(v if isinstance(v, str) else json.dumps(v, sort_keys=True))
if isinstance(r, (list, tuple)):
    for v in r:
        show(v)
elif r is not None:
    show(r)
' "$1"
}

# is_json - exit 0 if stdin is one JSON document
is_json() { "$PYTHON" -c 'import json, sys; json.load(sys.stdin)'; }

# system_snapshot - the state a refused command must not change: the
# sandbox host's links, addresses and routes, its named namespaces
# and their links, addresses and routes
system_snapshot() {
	local f ns
	ip -j -p link show
	ip -j -p addr show
	ip -j -p route show
	ip -j -p -6 route show
	ls -A /run/netns 2>/dev/null
	ls -A /etc/netns 2>/dev/null
	for f in /run/netns/*; do
		[ -e "$f" ] || continue
		ns=${f##*/}
		echo "== $ns"
		ip -n "$ns" -j -p link show
		ip -n "$ns" -j -p addr show
		ip -n "$ns" -j -p route show
	done
}

# ------------------------------------------------------------ lab helpers
# Oracles for the lab tests (6x-lab-*.t): everything here reads the system
# with iproute2 and the file system, never with nsnet (plan_ops aside).

# netns_names - the named namespaces (entries of /run/netns), sorted
netns_names() {
	ls -A /run/netns 2>/dev/null | sort
}

# host_links - the sandbox host's links other than lo, sorted
host_links() {
	ip -j link show | jpy 'sorted(l["ifname"] for l in d if l["ifname"] != "lo")'
}

# ifindexes - "WHERE IFNAME IFINDEX" for every link of the sandbox host
# (WHERE "-") and of every named namespace, plus "NAME netns INODE" for each
# namespace, sorted. Equal before and after a command: nothing was deleted
# and created again.
ifindexes() {
	local f ns
	{
		ip -j link show | jpy '["- %s %s" % (l["ifname"], l["ifindex"]) for l in d]'
		for f in /run/netns/*; do
			[ -e "$f" ] || continue
			ns=${f##*/}
			echo "$ns netns $(stat -L -c %i "$f")"
			ip -n "$ns" -j link show |
				NS=$ns jpy '["%s %s %s" % (__import__("os").environ["NS"], l["ifname"], l["ifindex"]) for l in d]'
		done
	} | sort
}

# addrs4 NS DEV - DEV's IPv4 addresses as CIDRs, sorted, from `ip -j addr`
# (NS "-": the sandbox host)
addrs4() {
	local n=()
	[ "$1" = - ] || n=(-n "$1")
	ip "${n[@]}" -4 -j addr show dev "$2" |
		jpy 'sorted("%s/%s" % (a["local"], a["prefixlen"])
		     for l in d for a in l.get("addr_info", []) if "local" in a)'
}

# routes4 NS - "DST via GW dev DEV" for each IPv4 route of NS ("-": the
# host) that is not a kernel (proto kernel) route, sorted
routes4() {
	local n=()
	[ "$1" = - ] || n=(-n "$1")
	ip "${n[@]}" -4 -j route show |
		jpy 'sorted("%s via %s dev %s" % (r["dst"], r.get("gateway", "-"), r.get("dev", "-"))
		     for r in d if r.get("protocol") != "kernel")'
}

# link_json NS DEV EXPR - python EXPR over `l`, DEV's `ip -j -d link` object
# (NS "-": the sandbox host)
link_json() {
	local n=()
	[ "$1" = - ] || n=(-n "$1")
	ip "${n[@]}" -j -d link show dev "$2" | jpy "(lambda l: $3)(d[0])"
}

# lab_view LAB - what iproute2 sees of LAB, one line per interface of a node
# (a link tagged nsnet:LAB in a named namespace, lo aside), sorted:
#   NODE IFNAME PEER MASTER OPERSTATE ADDR[,ADDR...]
# PEER is the host end's name, or NODE:IFNAME for a cable between two nodes;
# MASTER the host end's bridge ("-" for none); ADDR the addresses as CIDRs,
# IPv6 link-local ones aside ("-" for none).
# The same shape as status_view, to compare nsnet's report with the kernel.
lab_view() {
	"$PYTHON" - "$1" <<-'PY'
	import json, os, subprocess, sys
	tag = "nsnet:" + sys.argv[1]
	def ipj(*args):
	    out = subprocess.run(["ip", "-j", *args], capture_output=True,
	                         text=True, check=True).stdout
	    return json.loads(out or "[]")
	host = {l["ifindex"]: l for l in ipj("link", "show")}
	names = sorted(os.listdir("/run/netns")) if os.path.isdir("/run/netns") else []
	links = {ns: {l["ifindex"]: l for l in ipj("-n", ns, "link", "show")} for ns in names}
	rows = []
	for ns in names:
	    ids = {e["id"]: e["name"] for e in ipj("-n", ns, "netns", "list") if "id" in e}
	    addrs = {l["ifindex"]: [a for a in l.get("addr_info", [])
	                            if "local" in a and a.get("scope") != "link"]
	             for l in ipj("-n", ns, "addr", "show")}
	    for idx, l in links[ns].items():
	        if l["ifname"] == "lo" or l.get("ifalias") != tag:
	            continue
	        peer, master = "-", "-"
	        if "link_index" in l:
	            other = ids.get(l.get("link_netnsid"))
	            if other is not None:
	                p = links.get(other, {}).get(l["link_index"])
	                if p:
	                    peer = "%s:%s" % (other, p["ifname"])
	            else:
	                p = host.get(l["link_index"])
	                if p:
	                    peer, master = p["ifname"], p.get("master", "-")
	        a = sorted("%s/%s" % (x["local"], x["prefixlen"]) for x in addrs.get(idx, []))
	        rows.append("%s %s %s %s %s %s" % (ns, l["ifname"], peer, master,
	                                          l["operstate"], ",".join(a) or "-"))
	print("\n".join(sorted(rows)))
	PY
}

# status_view - `nsnet -j status` output on stdin, in lab_view's shape
# (all labs together), sorted
status_view() {
	jpy 'sorted("%s %s %s %s %s %s" % (i["node"], i["ifname"], i.get("peer") or "-",
	     i.get("master") or "-", i["operstate"], ",".join(sorted(i["addresses"])) or "-")
	     for lab in d for i in lab["interfaces"])'
}

# status_table_view - `nsnet status` table on stdin, in lab_view's shape:
# the rows under each "NODE INTERFACE PEER SWITCH STATE ADDRESSES" header
status_table_view() {
	awk '$1 == "NODE" && $2 == "INTERFACE" { rows = 1; next }
	     /^lab / { rows = 0; next }
	     $1 == "nat" || $1 == "forward" || $1 == "nftables" { next }
	     rows && NF >= 5 {
		a = ""; for (i = 6; i <= NF; i++) { gsub(/,$/, "", $i); a = a (a == "" ? "" : ",") $i }
		if (a == "") a = "-"
		print $1, $2, $3, $4, $5, a
	     }' | sort
}

# state_files LAB - the entries of /run/nsnet that belong to LAB
state_files() {
	find /run/nsnet -mindepth 1 -maxdepth 1 -name "$1.*" -printf '%f\n' 2>/dev/null | sort
}

# residue [KEEP...] - whatever a lab could leave behind: named namespaces,
# host links other than lo (and the KEEP names), files in /run/nsnet other
# than the lock, entries of /etc/netns; one per line, empty when clean
residue() {
	local l k keep
	netns_names | sed 's/^/netns /'
	for l in $(host_links); do
		keep=
		for k in "$@"; do [ "$l" = "$k" ] && keep=1; done
		[ -n "$keep" ] || echo "link $l"
	done
	find /run/nsnet -mindepth 1 -maxdepth 1 ! -name lock -printf 'state %f\n' 2>/dev/null | sort
	ls -A /etc/netns 2>/dev/null | sed 's/^/etc-netns /'
}

# no_residue NAME [KEEP...] - one test: residue is empty
no_residue() {
	local name=$1 r
	shift
	r=$(residue "$@")
	if [ -z "$r" ]; then
		pass "$name"
	else
		fail "$name"
		diag "left behind:" "$r"
		return 1
	fi
}

# same NAME BEFORE AFTER - one test: two snapshots are equal (a diff otherwise)
same() {
	if [ "$2" = "$3" ]; then
		pass "$1"
	else
		fail "$1"
		diag "$(diff <(echo "$2") <(echo "$3") | head -40)"
		return 1
	fi
}

# ovs_sandbox - Open vSwitch's run and db directory in the sandbox's /run
# (OVS_RUNDIR, DB), `vsctl` talking to it, `stop_daemon NAME` to stop one
# of the daemons a test starts there, both stopped when the test exits
ovs_sandbox() {
	export LC_ALL=C
	export OVS_RUNDIR=/run/openvswitch OVS_DBDIR=/run/openvswitch \
		OVS_LOGDIR=/run/openvswitch OVS_SYSCONFDIR=/run/openvswitch
	DB=unix:$OVS_RUNDIR/db.sock
	at_exit stop_daemon ovsdb-server
	at_exit stop_daemon ovs-vswitchd
}

# vsctl ARGS... - ovs-vsctl on the sandbox's OVSDB (ovs_sandbox)
vsctl() { ovs-vsctl --db="$DB" --timeout=10 "$@"; }

# stop_daemon NAME - ask an OVS daemon of ours to exit, then make sure
stop_daemon() {
	local pid
	pid=$(cat "$OVS_RUNDIR/$1.pid" 2>/dev/null) || return 0
	ovs-appctl -t "$OVS_RUNDIR/$1.$pid.ctl" exit >/dev/null 2>&1 ||
		kill "$pid" 2>/dev/null
	for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
	kill -9 "$pid" 2>/dev/null
}

# plan_ops FILE - `nsnet plan FILE`, the operation lines only
plan_ops() {
	"$NSNET" plan "$1" | grep -E '^[-+~] '
}

_sandbox_setup
