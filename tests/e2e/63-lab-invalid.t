#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Invalid lab files: `nsnet up` exits 2, prints every problem at once as
# "nsnet: FILE:LINE:COL: message", then "nsnet: FILE: ... nothing was
# changed", and changes nothing. One fixture per error in
# tests/fixtures/labs/bad (each starts with "# expect: LINE:COL: message"
# lines; 0:0 is a problem without a position, "nsnet: FILE: message"),
# plus conflicts only the system can reveal (tests/fixtures/labs/e2e): a
# subnet overlapping a host route or another lab, a name already taken.
. "$(dirname "$0")/lib.sh"

cd "$REPO" || bail_out "cd $REPO"
BAD=tests/fixtures/labs/bad
E2E=tests/fixtures/labs/e2e

# refused VERB FILE - `nsnet VERB FILE` exits 2; every "# expect: L:C: msg"
# line of FILE is on stderr as "nsnet: FILE:L:C: ...msg...", no other
# FILE:L:C line is, the last line says nothing was changed, and nothing was:
# same system snapshot, no namespace, no state file.
refused() {
	local verb=$1 f=$2 before after rc e loc msg missing="" errs extra
	local name="nsnet $verb $f"
	before=$(system_snapshot)
	timeout 20 "$NSNET" "$verb" "$f" >"$T/out" 2>"$T/err"
	rc=$?
	after=$(system_snapshot)
	errs=$(grep -F "nsnet: $f:" "$T/err" | grep -E "^nsnet: [^ ]*:[0-9]+:[0-9]+: ")
	while IFS= read -r e; do
		[ -n "$e" ] || continue
		loc=${e%%: *}
		msg=${e#*: }
		if [ "$loc" = 0:0 ]; then	# no position: "nsnet: FILE: msg"
			grep -F "nsnet: $f: " "$T/err" | grep -qF -- "$msg"
		else
			grep -F "nsnet: $f:$loc: " <<<"$errs" | grep -qF -- "$msg"
		fi || missing+="$e"$'\n'
	done < <(sed -n 's/^# expect: //p' "$f")
	extra=$(( $(grep -c . <<<"$errs") - $(grep -c '^# expect: [1-9]' "$f") ))
	if [ "$rc" = 2 ] && [ -z "$missing" ] && [ "$extra" = 0 ] &&
		[[ $(tail -n1 "$T/err") =~ ^nsnet:\ $f:\ .*nothing\ was\ changed$ ]] &&
		[ "$before" = "$after" ] && [ -z "$(netns_names)" ] &&
		[ -z "$(find /run/nsnet -mindepth 1 ! -name lock 2>/dev/null)" ]; then
		pass "$name: exit 2, the expected FILE:LINE:COL errors, nothing changed"
	else
		fail "$name: exit 2, the expected FILE:LINE:COL errors, nothing changed"
		diag "exit status $rc" "stderr:" "$(head -c 3000 "$T/err")"
		[ -z "$missing" ] || diag "missing:" "$missing"
		[ "$extra" = 0 ] || diag "$extra FILE:LINE:COL lines more than expected"
		[ "$before" = "$after" ] || diag "changed:" "$(diff <(echo "$before") <(echo "$after") | head -20)"
		[ -z "$(netns_names)" ] || diag "namespaces: $(netns_names | xargs)"
		diag "/run/nsnet: $(find /run/nsnet -mindepth 1 -printf '%f ' 2>/dev/null)"
	fi
}

# ------------------------------------------------------------ bad/ fixtures
n=0
for f in "$BAD"/*.yaml; do
	[ -e "$f" ] || continue
	if ! grep -q '^# expect: [0-9]*:[0-9]*: ' "$f"; then
		fail "$f has no '# expect: LINE:COL: message' line"
		continue
	fi
	refused up "$f"
	refused plan "$f"
	n=$((n + 1))
done
if [ "$n" = 0 ]; then
	skip "no fixtures in $BAD yet"
else
	diag "$n fixtures in $BAD"
fi

# ------------------------------------------------------------ host routes
# The sandbox host gets routes to 10.55.0.0/16 (from an address) and to
# 10.57.0.0/16 (via a gateway); a lab attached to the host on subnets inside
# them would make those routes ambiguous.
ok ip link add hr0 type bridge
ok ip link set hr0 up
ok ip addr add 10.55.0.1/16 dev hr0
ok ip route add 10.57.0.0/16 via 10.55.0.2
refused up "$E2E/overlap-route.yaml"
refused plan "$E2E/overlap-route.yaml"
ok ip link del hr0
# without the routes the same file is fine
ok nsnet up "$E2E/overlap-route.yaml"
ok nsnet down ovl
no_residue "down ovl: nothing left"

# ------------------------------------------------------------ another lab
# laba is up, not attached to the host: only its state claims 10.66.0.0/24.
ok nsnet up "$E2E/overlap-lab-a.yaml"
laba=$(system_snapshot)
refused_b() {
	local rc
	nsnet up "$E2E/overlap-lab-b.yaml" >"$T/out" 2>"$T/err"
	rc=$?
	is "$rc" 2 "up overlap-lab-b.yaml while laba is up: exit 2"
	like "$(cat "$T/err")" \
		"nsnet: $E2E/overlap-lab-b\.yaml:8:13: subnet of nb overlaps 10\.66\.0\.0/24 of lab laba" \
		"  ... FILE:LINE:COL at nb's subnet, naming lab laba"
	same "  ... and nothing was changed (laba untouched, nothing of labb)" "$laba" "$(system_snapshot)"
	is "$(state_files labb)" "" "  ... and no state for labb"
}
refused_b
ok nsnet down laba
ok nsnet up "$E2E/overlap-lab-b.yaml"
ok nsnet down labb
no_residue "down labb: nothing left"

# ------------------------------------------------------------ names taken
# A bridge named like the lab's network, made with ip: not the lab's.
ok ip link add v-net-0 type bridge
before=$(system_snapshot)
nsnet up examples/house.yaml >"$T/out" 2>"$T/err"
is "$?" 2 "up house.yaml with a foreign bridge v-net-0: exit 2"
like "$(cat "$T/err")" "nsnet: examples/house\.yaml:[0-9]+:[0-9]+: .*v-net-0" \
	"  ... FILE:LINE:COL naming v-net-0"
like "$(tail -n1 "$T/err")" "^nsnet: examples/house\.yaml: .*nothing was changed$" \
	"  ... and saying nothing was changed"
same "  ... and nothing was changed" "$before" "$(system_snapshot)"
ok nsnet down house
ok -m "down house leaves the foreign v-net-0 alone" ip link show dev v-net-0
ok ip link del v-net-0

# A host end (peer:) name taken by a foreign veth, and a node name taken by
# a foreign namespace, at once: both reported.
ok ip link add veth-red-br type veth peer name other-end
ok ip netns add gray
before=$(system_snapshot)
nsnet up examples/house.yaml >"$T/out" 2>"$T/err"
is "$?" 2 "up house.yaml with foreign veth-red-br and namespace gray: exit 2"
like "$(cat "$T/err")" "nsnet: examples/house\.yaml:[0-9]+:[0-9]+: [^"$'\n'"]*veth-red-br" \
	"  ... one error names veth-red-br"
like "$(cat "$T/err")" "nsnet: examples/house\.yaml:[0-9]+:[0-9]+: [^"$'\n'"]*gray" \
	"  ... another names gray"
same "  ... and nothing was changed" "$before" "$(system_snapshot)"
ok ip link del veth-red-br
ok ip netns del gray

# ------------------------------------------------------ dhcp and routes
# bad/route-default-dhcp.yaml is what a node with a leased address cannot
# have; a route with dev and no via it can: set before the lease, kept
# after it, and a second up changes nothing.
if command -v dnsmasq >/dev/null || [ -x /usr/sbin/dnsmasq ]; then
	cat >"$T/dhcp-dev.yaml" <<'EOF'
lab: dd
networks:
  core:
    subnet: 10.70.0.0/24
    gateway: 10.70.0.1
    dhcp: {range: 10.70.0.100-10.70.0.150}
nodes:
  a:
    interfaces:
      eth0: {network: core, address: dhcp}
    routes: [10.99.0.0/24 dev eth0]
EOF
	routes_a() { ip -n a -j -4 route show | jpy '" ".join(sorted(r["dst"] for r in d))'; }
	ok nsnet up "$T/dhcp-dev.yaml"
	is "$(routes_a)" "10.70.0.0/24 10.99.0.0/24 default" \
		"leased node: its static dev route and the lease's default route"
	is "$(nsnet plan "$T/dhcp-dev.yaml")" "no changes" "  ... then plan: no changes"
	ok -m "  ... a second up" nsnet up "$T/dhcp-dev.yaml"
	is "$(routes_a)" "10.70.0.0/24 10.99.0.0/24 default" "  ... the same routes"
	ok nsnet down dd
else
	skip "dnsmasq is not installed" 6
fi

no_residue "nothing left at the end"
done_testing
