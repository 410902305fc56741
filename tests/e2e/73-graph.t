#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# `nsnet graph`: pictures of labs that are up. The SVG is parsed as XML and
# its text must name every namespace, bridge and host-side veth that
# iproute2 sees; the DOT (-o x.dot and stdout) must be accepted by
# Graphviz's dot without a warning; --all draws every lab; a 20-node lab
# renders; names DOT and XML treat specially survive; without Graphviz
# the error says how to install it.
. "$(dirname "$0")/lib.sh"

EX=$REPO/examples
FIX=$REPO/tests/fixtures/labs/good

if ! command -v dot >/dev/null; then
	echo "1..0 # SKIP graphviz is not installed (make deps, or apt-get install graphviz)"
	exit 0
fi

# svg_text FILE - the text of every <text> element of an SVG, one a line;
# fails unless FILE is well-formed XML whose root is <svg>
svg_text() {
	"$PYTHON" - "$1" <<-'PY'
	import sys
	import xml.etree.ElementTree as ET
	root = ET.parse(sys.argv[1]).getroot()
	if root.tag.rsplit("}", 1)[-1] != "svg":
	    sys.exit("root element is <%s>, not <svg>" % root.tag)
	for t in root.iter():
	    if t.tag.rsplit("}", 1)[-1] == "text":
	        print("".join(t.itertext()).strip())
	PY
}

# missing_from TEXT NAME... - the NAMEs that are not a whole line of TEXT
missing_from() {
	local text=$1 name
	shift
	for name in "$@"; do
		grep -Fxq -- "$name" <<<"$text" || echo "$name"
	done
}

# svg_names FILE WHAT NAME... - one test: FILE is an SVG naming every NAME
svg_names() {
	local file=$1 what=$2 text missing
	shift 2
	if ! text=$(svg_text "$file" 2>&1); then
		fail "$what: ${file##*/} is not a valid SVG"
		diag "$text"
		return 1
	fi
	missing=$(missing_from "$text" "$@")
	is "$missing" "" "$what"
}

# dot_accepts FILE - Graphviz's dot renders the DOT FILE, silently
dot_accepts() {
	local err
	err=$(dot -Tsvg -o /dev/null "$1" 2>&1) || { echo "$err"; return 1; }
	[ -z "$err" ] || { echo "warnings: $err"; return 1; }
}

# bridges / host_veths - what iproute2 sees on the sandbox host
bridges() { ip -j link show type bridge | jpy '[l["ifname"] for l in d]'; }
host_veths() { ip -j link show type veth | jpy '[l["ifname"] for l in d]'; }

# gen20 - a lab of 20 nodes: three switches (one the host is not on),
# nodes on one, two and three of them, two direct cables, NAT, forwards
gen20() {
	local i
	cat <<-'Y'
	lab: office
	networks:
	  lan: {subnet: 10.1.0.0/24, gateway: 10.1.0.1, nat: true}
	  dmz: {subnet: 10.2.0.0/24, gateway: 10.2.0.1}
	  backend: {subnet: 10.3.0.0/24}
	nodes:
	Y
	for i in 01 02 03 04 05 06 07 08 09 10; do
		printf '  ws%s: {interfaces: {eth0: {network: lan, address: auto}}}\n' "$i"
	done
	for i in 1 2 3; do
		printf '  web%s:\n    interfaces:\n' "$i"
		printf '      eth0: {network: dmz, address: 10.2.0.1%s/24}\n' "$i"
		printf '      eth1: {network: backend, address: 10.3.0.1%s/24}\n' "$i"
	done
	cat <<-'Y'
	  db1: {interfaces: {eth0: {network: backend, address: 10.3.0.21/24}}}
	  db2: {interfaces: {eth0: {network: backend, address: 10.3.0.22/24}}}
	  dns: {interfaces: {eth0: {network: dmz, address: 10.2.0.53/24}}}
	  mon:
	    interfaces:
	      lan0: {network: lan, address: 10.1.0.250/24}
	      dmz0: {network: dmz, address: 10.2.0.250/24}
	      be0: {network: backend, address: 10.3.0.250/24}
	  r1: {interfaces: {eth0: {network: lan, address: auto}}}
	  r2: {interfaces: {eth0: {network: backend, address: auto}}}
	  cache: {interfaces: {}}
	links:
	  - {a: r1:wan0, b: r2:wan0, addresses: [10.9.0.1/30, 10.9.0.2/30]}
	  - {a: web1:cache0, b: cache:up0, addresses: [10.8.0.1/30, 10.8.0.2/30]}
	forwards:
	  - {port: 8080, to: web1:80}
	Y
}
OFFICE="ws01 ws02 ws03 ws04 ws05 ws06 ws07 ws08 ws09 ws10 web1 web2 web3 db1 db2 dns mon r1 r2 cache"

# ============================================================ house
ok nsnet up "$EX/house.yaml"
ok nsnet graph house -o "$T/h.svg"
# shellcheck disable=SC2046
svg_names "$T/h.svg" "house SVG names the host and every namespace ip sees" \
	host $(netns_names)
# shellcheck disable=SC2046
svg_names "$T/h.svg" "  ... every bridge ip sees" $(bridges)
# shellcheck disable=SC2046
svg_names "$T/h.svg" "  ... every host-side veth ip sees (the cables' labels)" $(host_veths)
svg_names "$T/h.svg" "  ... the gateway and each node's address" 192.168.15.5/24 \
	192.168.15.1/24 192.168.15.2/24 192.168.15.3/24 192.168.15.4/24 \
	veth-red veth-blue veth-orange veth-gray

ok nsnet graph house -o "$T/h.dot"
ok -m "-o h.dot: dot -Tsvg accepts it" dot_accepts "$T/h.dot"
nsnet graph house >"$T/stdout.dot"
is "$?" 0 "nsnet graph house (DOT on stdout): exit 0"
ok -m "  ... dot -Tsvg accepts it" dot_accepts "$T/stdout.dot"
ok -m "  ... the same text as -o h.dot" cmp "$T/h.dot" "$T/stdout.dot"
ok nsnet graph house -o "$T/h.png"
is "$(head -c 8 "$T/h.png" | od -An -tx1 | tr -d ' \n')" 89504e470d0a1a0a \
	"-o h.png writes a PNG"

fails_with 2 "no such lab is up" nsnet graph nosuch -o "$T/nosuch.svg"
ok test ! -e "$T/nosuch.svg"
fails_with 2 "must end in .svg, .png or .dot" nsnet graph house -o "$T/h.jpg"
fails_with 2 "LAB or --all" nsnet graph
fails_with 1 "graphviz is not installed: apt-get install graphviz" \
	env PATH=/nonexistent "$NSNET" graph house -o "$T/nogv.svg"
ok -m "  ... and leaves no file behind" test ! -e "$T/nogv.svg"
ok -m "  ... while DOT needs no graphviz" env PATH=/nonexistent "$NSNET" graph house -o "$T/nogv.dot"
# Drift is drawn as it is: a bridge deleted behind nsnet's back is a
# switch marked missing, its former ports cables to the host.
ip link del v-net-0
ok nsnet graph house -o "$T/drift.svg"
# shellcheck disable=SC2046
svg_names "$T/drift.svg" "bridge deleted: the SVG still names every node and cable" \
	$(netns_names) $(host_veths)
svg_names "$T/drift.svg" "  ... and shows the switch as missing" v-net-0 "(missing)"
ok nsnet down house

# ===================================== names DOT and XML treat specially
cat >"$T/weird.yaml" <<-'Y'
lab: weird
networks:
  'br&<w>1': {subnet: 10.77.0.0/24, gateway: 10.77.0.1}
nodes:
  'q&<x>"y':
    interfaces:
      'e<&>"1': {network: 'br&<w>1', address: 10.77.0.2/24}
  'café':
    interfaces:
      eth0: {network: 'br&<w>1', address: 10.77.0.3/24}
links:
  - {a: 'q&<x>"y:p&1', b: 'café:p<2>'}
Y
ok nsnet up "$T/weird.yaml"
ok nsnet graph weird -o "$T/w.svg"
svg_names "$T/w.svg" "names with & < > \" and UTF-8 come out of the SVG as they are" \
	'q&<x>"y' café 'br&<w>1' 'e<&>"1' 'p&1' 'p<2>'
nsnet graph weird >"$T/w.dot"
ok -m "  ... and dot accepts their DOT" dot_accepts "$T/w.dot"
ok nsnet down weird

# ============================================ full + a 20-node lab, --all
gen20 >"$T/office.yaml"
ok nsnet up "$FIX/full.yaml"
ok nsnet up "$T/office.yaml"
# shellcheck disable=SC2086
is "$(printf '%s\n' $OFFICE | sort)" \
	"$(netns_names | grep -Fvx -e red -e blue -e a-node-with-a-long-name)" \
	"ip netns: the 20 nodes of office (and full's three)"
start=$SECONDS
ok nsnet graph office -o "$T/office.svg"
# shellcheck disable=SC2086
svg_names "$T/office.svg" "office SVG names all 20 nodes" $OFFICE
svg_names "$T/office.svg" "  ... its three switches, the host, NAT and the forward" \
	lan dmz backend host 10.1.0.1/24 10.2.0.1/24 \
	"10.1.0.0/24 from lan out any" "tcp 8080 -> web1:10.2.0.11:80"
ok nsnet graph office -o "$T/office.png"
ok -m "  ... in $((SECONDS - start)) s, under 30" test $((SECONDS - start)) -lt 30

ok nsnet graph --all -o "$T/all.svg"
# shellcheck disable=SC2046
svg_names "$T/all.svg" "--all names every namespace ip sees" host $(netns_names)
# shellcheck disable=SC2046
svg_names "$T/all.svg" "  ... every bridge" $(bridges)
svg_names "$T/all.svg" "  ... and both labs" full office
nsnet graph --all >"$T/all.dot"
ok -m "  ... dot accepts its DOT" dot_accepts "$T/all.dot"
is "$(grep -c 'subgraph cluster_' "$T/all.dot")" 2 "  ... a cluster per lab"

ok nsnet down office
ok nsnet down full
no_residue "nothing left behind"
done_testing
