#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Failure injected at each operation (NSNET_FAIL_AT=N makes the Nth
# operation of a run fail): `up` exits 1 naming the operation, and rolls
# back everything the run created - of a new lab nothing remains, a changed
# lab keeps nothing the run added. Then a plain `up` converges. `down`
# failing half-way is finished by the next `down`.
. "$(dirname "$0")/lib.sh"

F=$REPO/examples/house.yaml
export LC_ALL=C		# sort and comm agree

# ------------------------------------------------------------ a new lab
mapfile -t OPS < <(plan_ops "$F")
n=${#OPS[@]}
diag "house.yaml: $n operations"
ok -m "plan house.yaml lists operations" test "$n" -gt 0
empty=$(system_snapshot)
stateful=""
for ((i = 1; i <= n; i++)); do
	NSNET_FAIL_AT=$i nsnet up "$F" >"$T/out" 2>"$T/err"
	rc=$?
	after=$(system_snapshot)
	left=$(residue | grep -v '^state ')
	[ -z "$(state_files house)" ] || stateful+=" $i ($(state_files house | xargs))"
	if [ "$rc" = 1 ] && grep -qF -- "${OPS[i - 1]}" "$T/err" &&
		grep -q 'failure injected' "$T/err" &&
		[ "$after" = "$empty" ] && [ -z "$left" ]; then
		pass "NSNET_FAIL_AT=$i up: exit 1 at '${OPS[i - 1]}', no namespace, link, address left"
	else
		fail "NSNET_FAIL_AT=$i up: exit 1 at '${OPS[i - 1]}', no namespace, link, address left"
		diag "exit status $rc; stderr:" "$(cat "$T/err")"
		[ -z "$left" ] || diag "left behind:" "$left"
		[ "$after" = "$empty" ] || diag "$(diff <(echo "$empty") <(echo "$after") | head -20)"
		# start the next round from nothing
		nsnet down house >/dev/null 2>&1
	fi
	rm -rf /run/nsnet/house.*	# reported once, below
done
is "$stateful" "" "no failed up left a state file (/run/nsnet/house.*)"
NSNET_FAIL_AT=$n nsnet up "$F" >/dev/null 2>&1
is "$(nsnet -j labs)" "[]" "after a failed up, nsnet -j labs: []"
NSNET_FAIL_AT=$((n + 1)) nsnet up "$F" >"$T/out" 2>&1
is "$?" 0 "NSNET_FAIL_AT=$((n + 1)) (past the last operation): up succeeds" || diag "$(cat "$T/out")"
ok nsnet down house
ok nsnet up "$F"
is "$(nsnet plan "$F" 2>&1)" "no changes" "  ... then plan: no changes"
ok can_ping - 192.168.15.4
ok can_ping red 192.168.15.2

# ------------------------------------------------------------ a change
# house is up; the new file adds a node and a network, removes a node,
# changes an address and a route. A failed run keeps nothing it added
# (links, namespaces, addresses, routes): whatever is there afterwards was
# there before. Then `up` of the new file converges, and `up` of the old
# one brings the lab back for the next round.
G=$T/changed.yaml
cp "$F" "$G"
cat >>"$G" <<'EOF'
  purple:
    interfaces:
      eth0: {network: v-net-0, address: 192.168.15.6/24}
      eth1: {network: v-net-1, address: 192.168.16.6/24}
    routes: [default via 192.168.15.5]
EOF
sed -i -e '/^  gray:/,/routes:/d' \
	-e 's|192\.168\.15\.2/24|192.168.15.22/24|' \
	-e '/^  red:/,/routes:/ s|routes: .*|routes: [10.99.0.0/24 via 192.168.15.5]|' \
	-e '/^nodes:/i\  v-net-1:\n    subnet: 192.168.16.0/24\n    gateway: 192.168.16.5' "$G"

# facts - every namespace, link (with ifindex), IPv4 address and route,
# one per line: "created nothing" is "no line after that was not before"
facts() {
	local ns n
	{
		ifindexes
		for ns in - $(netns_names); do
			n=()
			[ "$ns" = - ] || n=(-n "$ns")
			ip "${n[@]}" -4 -j addr show |
				NS=$ns jpy '["%s addr %s %s/%s" % (__import__("os").environ["NS"], l["ifname"],
				                                   a["local"], a["prefixlen"])
				            for l in d for a in l.get("addr_info", []) if "local" in a]'
			routes4 "$ns" | sed "s|^|$ns route |"
		done
	} | sort
}

mapfile -t OPS < <(plan_ops "$G")
m=${#OPS[@]}
diag "changed.yaml against house: $m operations"
for ((i = 1; i <= m; i++)); do
	# the plan from where the lab is now (the same, if it came back whole)
	mapfile -t OPS < <(plan_ops "$G")
	if [ "$i" -gt "${#OPS[@]}" ]; then
		fail "change, NSNET_FAIL_AT=$i: the plan has only ${#OPS[@]} operations now"
		continue
	fi
	before=$(facts)
	NSNET_FAIL_AT=$i nsnet up "$G" >"$T/out" 2>"$T/err"
	rc=$?
	created=$(comm -13 <(echo "$before") <(facts))
	if [ "$rc" = 1 ] && grep -qF -- "${OPS[i - 1]}" "$T/err" && [ -z "$created" ]; then
		pass "change, NSNET_FAIL_AT=$i: exit 1 at '${OPS[i - 1]}', nothing it added remains"
	else
		fail "change, NSNET_FAIL_AT=$i: exit 1 at '${OPS[i - 1]}', nothing it added remains"
		diag "exit status $rc; stderr:" "$(cat "$T/err")"
		[ -z "$created" ] || diag "added and still there:" "$created"
	fi
	nsnet up "$G" >"$T/out" 2>&1
	if [ $? = 0 ] && [ "$(nsnet plan "$G" 2>&1)" = "no changes" ] &&
		[ "$(addrs4 blue veth-blue)" = 192.168.15.22/24 ] &&
		[ "$(addrs4 purple eth1)" = 192.168.16.6/24 ] &&
		[ "$(routes4 red)" = "10.99.0.0/24 via 192.168.15.5 dev veth-red" ] &&
		[ ! -e /run/netns/gray ]; then
		pass "  ... then up changed.yaml converges"
	else
		fail "  ... then up changed.yaml converges"
		diag "$(cat "$T/out")" "plan:" "$(nsnet plan "$G" 2>&1)"
	fi
	nsnet up "$F" >"$T/out" 2>&1
	if [ $? = 0 ] && [ "$(nsnet plan "$F" 2>&1)" = "no changes" ]; then
		pass "  ... and up house.yaml brings the lab back"
	else
		fail "  ... and up house.yaml brings the lab back"
		diag "$(cat "$T/out")" "plan:" "$(nsnet plan "$F" 2>&1)"
	fi
done
ok can_ping - 192.168.15.2
ok can_ping gray 192.168.15.1
nok -m "ip: v-net-1 is gone" ip link show dev v-net-1

# ------------------------------------------------------------ down
# A down failing half-way exits 1; the next down removes the rest.
k=$(nsnet -v down house 2>&1 | grep -cE '^[-+~] ')
diag "down: $k operations"
ok -m "down -v lists operations" test "$k" -gt 0
for ((i = 1; i <= k; i++)); do
	nsnet up "$F" >/dev/null 2>&1
	NSNET_FAIL_AT=$i nsnet down house >"$T/out" 2>"$T/err"
	rc=$?
	is "$rc" 1 "NSNET_FAIL_AT=$i down: exit 1" || diag "$(cat "$T/err")"
	like "$(cat "$T/err")" 'failure injected' "  ... 'failure injected'"
	ok -m "  ... then down: exit 0" nsnet down house
	no_residue "  ... and nothing is left"
done

done_testing
