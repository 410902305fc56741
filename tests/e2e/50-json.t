#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# -j output: valid JSON, iproute2's key names, the same values `ip -j` shows.
. "$(dirname "$0")/lib.sh"

# same_json WHAT KEY FIELDS NSNET_FILE IP_FILE - compare two JSON lists of
# objects matched by python expression KEY over `o`; FIELDS is a python list
# of (name, expression over `o`) compared per object. Prints the differences.
same_json() {
	"$PYTHON" - "$@" <<'EOF'
import json, sys
what, key, fields, nf, jf = sys.argv[1:6]
key = eval("lambda o: " + key)
fields = [(n, eval("lambda o: " + e)) for n, e in eval(fields)]
ours, theirs = (json.load(open(f)) for f in (nf, jf))
bad = 0
def index(lst, who):
    global bad
    out = {}
    for o in lst:
        try:
            out[key(o)] = o
        except Exception as e:
            print(f"{who}: {what} entry without its key ({e!r}): {json.dumps(o)}")
            bad += 1
    return out
a, b = index(ours, "nsnet"), index(theirs, "ip")
if sorted(a) != sorted(b):
    print(f"{what}: nsnet has {sorted(map(str, a))}, ip has {sorted(map(str, b))}")
    bad += 1
for k in sorted(set(a) & set(b), key=str):
    for name, f in fields:
        try:
            got = f(a[k])
        except Exception as e:
            got = f"<missing: {e!r}>"
        want = f(b[k])
        if got != want:
            print(f"{what} {k}: {name}: nsnet {got!r}, ip {want!r}")
            bad += 1
sys.exit(1 if bad else 0)
EOF
}

# compare WHAT KEY FIELDS NSNET_ARGS -- IP_ARGS - run both, compare
compare() {
	local what=$1 key=$2 fields=$3 out
	shift 3
	local nargs=() iargs=()
	while [ "$1" != -- ]; do nargs+=("$1"); shift; done
	shift
	iargs=("$@")
	nsnet "${nargs[@]}" >"$T/nsnet.json"
	ip "${iargs[@]}" >"$T/ip.json"
	if ! is_json <"$T/nsnet.json"; then
		fail "nsnet ${nargs[*]}: same $what as ip ${iargs[*]}"
		diag "not JSON:" "$(head -c 2000 "$T/nsnet.json")"
		return 1
	fi
	out=$(same_json "$what" "$key" "$fields" "$T/nsnet.json" "$T/ip.json")
	is "$out" "" "nsnet ${nargs[*]}: same $what as ip ${iargs[*]}"
}

LINK_FIELDS='[("ifindex", "o[\"ifindex\"]"), ("mtu", "o[\"mtu\"]"),
	("operstate", "o[\"operstate\"]"), ("flags", "sorted(o[\"flags\"])"),
	("address", "o.get(\"address\", \"\").lower()")]'
ADDR_FIELDS='[("ifindex", "o[\"ifindex\"]"), ("addr_info",
	"sorted((a[\"family\"], a[\"local\"], a[\"prefixlen\"]) for a in o[\"addr_info\"])")]'
ROUTE_FIELDS='[("dev", "o.get(\"dev\")"), ("gateway", "o.get(\"gateway\")")]'
ROUTE_KEY='(o["dst"], o.get("gateway"), o.get("dev"))'
NEIGH_FIELDS='[("lladdr", "o.get(\"lladdr\", \"\").lower()")]'
NEIGH_KEY='(o["dst"], o["dev"])'

# --- a small network: the sandbox host and red, one cable, routes both ways
ok nsnet netns add red
ok nsnet link add veth-h type veth peer name veth-r netns red
ok nsnet addr add 10.9.0.1/24 dev veth-h
ok nsnet link set veth-h up
ok nsnet -n red addr add 10.9.0.2/24 dev veth-r
ok nsnet -n red link set veth-r up
ok nsnet -n red link set lo up
ok nsnet route add 10.8.0.0/24 via 10.9.0.2
ok nsnet -n red route add default via 10.9.0.1
ok can_ping red 10.9.0.1
ok can_ping - 10.9.0.2
# The kernel settles operstate asynchronously (linkwatch, up to a second):
# compare only once both ends report UP, or the two dumps may differ.
ok wait_for sh -c 'ip -j link show dev veth-h | grep -q "\"operstate\":\"UP\""'
ok wait_for sh -c 'ip -n red -j link show dev veth-r | grep -q "\"operstate\":\"UP\""'

# --- the documents and their key names
for obj in link addr route neigh; do
	ok -m "nsnet -j $obj show is JSON" sh -c "\"\$NSNET\" -j $obj show | $PYTHON -c 'import json,sys; json.load(sys.stdin)'"
done
is "$(nsnet -j link show | jpy '[k for k in ("ifname", "ifindex", "operstate", "mtu", "flags")
	if all(k in o for o in d)]')" \
	"$(printf '%s\n' ifname ifindex operstate mtu flags)" \
	"link objects have ifname, ifindex, operstate, mtu, flags"
is "$(nsnet -j addr show dev veth-h | jpy '[k for k in ("family", "local", "prefixlen")
	if k in [a for o in d for a in o["addr_info"] if a.get("local") == "10.9.0.1"][0]]')" \
	"$(printf '%s\n' family local prefixlen)" \
	"addr_info entries have family, local, prefixlen"
like "$(nsnet -j route show | jpy '[sorted(o) for o in d if o.get("gateway")]')" \
	'"dev".*"dst".*"gateway"' "route objects have dst, gateway, dev"

# --- values: the same as ip -j reports, on the host and in red
compare links 'o["ifname"]' "$LINK_FIELDS" -j link show -- -j link show
compare links 'o["ifname"]' "$LINK_FIELDS" -n red -j link show -- -n red -j link show
compare links 'o["ifname"]' "$LINK_FIELDS" -j link show veth-h -- -j link show dev veth-h
compare links 'o["ifname"]' "$LINK_FIELDS" -j link -- -j link show
compare addresses 'o["ifname"]' "$ADDR_FIELDS" -j addr show -- -j addr show
compare addresses 'o["ifname"]' "$ADDR_FIELDS" -n red -j address show -- -n red -j addr show
compare addresses 'o["ifname"]' "$ADDR_FIELDS" -j addr show dev veth-h -- -j addr show dev veth-h
compare addresses 'o["ifname"]' "$ADDR_FIELDS" -j addr -- -j addr show
compare routes "$ROUTE_KEY" "$ROUTE_FIELDS" -j route show -- -j route show
compare routes "$ROUTE_KEY" "$ROUTE_FIELDS" -n red -j route show -- -n red -j route show
compare routes "$ROUTE_KEY" "$ROUTE_FIELDS" -n red -j route -- -n red -j route show
compare routes "$ROUTE_KEY" "$ROUTE_FIELDS" -6 -j route show -- -6 -j route show
is "$(nsnet -n red -j route show | jpy '[o["gateway"] for o in d if o["dst"] == "default"]')" \
	10.9.0.1 "the default route is dst \"default\", gateway 10.9.0.1"

# Neighbour entries, both families, as `ip neigh show` lists them (states
# change over time, so they are not compared).
compare neighbours "$NEIGH_KEY" "$NEIGH_FIELDS" -j neigh show -- -j neigh show
compare neighbours "$NEIGH_KEY" "$NEIGH_FIELDS" -n red -j neigh -- -n red -j neigh show
red_mac=$(ip -n red -j link show dev veth-r | jpy 'd[0]["address"]')
is "$(nsnet -j neigh show | jpy '[o["lladdr"].lower() for o in d if o["dst"] == "10.9.0.2"]')" \
	"${red_mac,,}" "nsnet -j neigh: 10.9.0.2 is red's $red_mac, on dev veth-h"
is "$(nsnet -j neigh show | jpy '[o["dev"] for o in d if o["dst"] == "10.9.0.2"]')" \
	veth-h "  ... on dev veth-h"

# --- empty results are still JSON
ok nsnet netns add empty
is "$(nsnet -n empty -j route show | jpy 'json.dumps(d)')" "[]" "no routes: []"
is "$(nsnet -n empty -j neigh show | jpy 'json.dumps(d)')" "[]" "no neighbours: []"

done_testing
