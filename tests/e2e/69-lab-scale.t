#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The issue's bar for idempotence at scale: re-running `up` on an unchanged
# 300-node lab takes a small fraction of building it (it only dumps), and
# changes nothing the kernel can see (same ifindexes, same addresses).
. "$(dirname "$0")/lib.sh"

N=300
F=$T/scale.yaml
{
	echo "lab: scale"
	echo "networks:"
	echo "  br-scale: {subnet: 10.78.0.0/16, gateway: 10.78.255.254}"
	echo "nodes:"
	for i in $(seq -w 1 $N); do
		echo "  s$i:"
		echo "    interfaces:"
		echo "      eth0: {network: br-scale, address: auto}"
		echo "    routes: [default via 10.78.255.254]"
	done
} >"$F"

# ms - milliseconds since the epoch
ms() { echo $(($(date +%s%N) / 1000000)); }

t0=$(ms)
ok nsnet up "$F"
t1=$(ms)
is "$(ip netns list | wc -l)" "$N" "$N namespaces"
is "$(ip -j link show master br-scale | jpy 'len(d)')" "$N" "$N ports on br-scale"
ok can_ping s$N 10.78.255.254
before=$(ip -j link show | jpy '[(l["ifname"], l["ifindex"]) for l in d]' | sort)
before_node=$(ip -n s001 -j addr show dev eth0 | jpy '[a["local"] for o in d for a in o["addr_info"]]')
t2=$(ms)
ok nsnet up "$F"
t3=$(ms)
build=$((t1 - t0)) reup=$((t3 - t2))
diag "build ${build} ms, unchanged re-up ${reup} ms"
# Under AddressSanitizer nsnet's own work (parsing, planning) is several
# times slower while the kernel's is not, so the ratio only means
# something for a plain build.
if ldd "$NSNET" 2>/dev/null | grep -q libasan; then
	skip "sanitizer build: user-space time inflated, the ratio is not comparable"
else
	ok -m "re-up (${reup} ms) takes under a third of the build (${build} ms)" \
		test $((reup * 3)) -lt "$build"
fi
is "$(ip -j link show | jpy '[(l["ifname"], l["ifindex"]) for l in d]' | sort)" \
	"$before" "no host link was re-created"
is "$(ip -n s001 -j addr show dev eth0 | jpy '[a["local"] for o in d for a in o["addr_info"]]')" \
	"$before_node" "s001 kept its address"
is "$(nsnet plan "$F")" "no changes" "plan: no changes"

# --- fewer sockets than nodes: the cache holds half the open-file limit
# (at least 64), so with 128 descriptors sockets are evicted and reopened
# all along a build, a re-up and a down
lowfd() { bash -c 'ulimit -n 128 && exec "$@"' lowfd "$NSNET" "$@"; }
ok lowfd down scale
is "$(ip netns list | wc -l)" "0" "with 128 descriptors: down leaves no namespace"
ok -m "with 128 descriptors: up" lowfd up "$F"
is "$(ip netns list | wc -l)" "$N" "  ... $N namespaces"
is "$(ip -j link show master br-scale | jpy 'len(d)')" "$N" "  ... $N ports on br-scale"
ok can_ping s$N 10.78.255.254
ok can_ping s001 10.78.255.254
is "$(lowfd plan "$F")" "no changes" "  ... then plan: no changes"
ok -m "  ... an unchanged re-up" lowfd up "$F"
is "$(lowfd status scale | grep -c ' eth0 .* UP ')" "$N" "  ... status: $N interfaces up"
ok nsnet down scale
is "$(ip netns list | wc -l)" "0" "down: no namespace left"

done_testing
