#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The issue's bar for idempotence at scale: re-running `up` on an unchanged
# 300-node lab takes a small fraction of building it (it only dumps), and
# changes nothing the kernel can see (same ifindexes, same addresses).
# Then 2,000 nodes with an nftables table under a high and a low
# open-file limit.
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

# --- 2,000 nodes with an nftables table (nat: true), under a high and a
# low open-file limit. With 20,000 descriptors the socket cache holds a
# socket per node; were they below FD_SETSIZE (1024), libnftables' own
# socket would get a descriptor above it and its select() would abort the
# process at the lab's nft table (`*** bit out of range 0 - FD_SETSIZE`).
# With 1,024 the cache (512) is smaller than the lab all along.
BN=1000
B=$T/big.yaml
{
	echo "lab: big"
	echo "networks:"
	echo "  big-a: {subnet: 10.80.0.0/16, gateway: 10.80.255.254, nat: true}"
	echo "  big-b: {subnet: 10.81.0.0/16, gateway: 10.81.255.254}"
	echo "nodes:"
	for i in $(seq 1 $((2 * BN))); do
		net=big-a gw=10.80.255.254
		[ "$i" -gt $BN ] && net=big-b gw=10.81.255.254
		echo "  b$i: {interfaces: {eth0: {network: $net, address: auto}}, routes: [default via $gw]}"
	done
} >"$B"
# nft_tables - the names of the host's nftables tables
nft_tables() { nft -j list tables | jpy '" ".join(sorted(t["table"]["name"] for t in d["nftables"] if "table" in t))'; }
for lim in 20000 1024; do
	fdlim() { bash -c 'ulimit -n "$0" && exec "$@"' "$lim" "$NSNET" "$@"; }
	if ! bash -c "ulimit -n $lim" 2>/dev/null; then
		skip "cannot set ulimit -n $lim" 11
		continue
	fi
	ok -m "ulimit -n $lim: up of $((2 * BN)) nodes with nat: true" fdlim up "$B"
	is "$(ip netns list | wc -l)" "$((2 * BN))" "  ... $((2 * BN)) namespaces"
	is "$(ip -j link show master big-a | jpy 'len(d)') $(ip -j link show master big-b | jpy 'len(d)')" \
		"$BN $BN" "  ... $BN ports on each bridge"
	is "$(nft_tables)" "nsnet-big" "  ... the lab's nft table is there"
	like "$(nft list table inet nsnet-big)" "10.80.0.0/16.*masquerade" "  ... masquerading big-a"
	ok can_ping b$((2 * BN)) 10.81.255.254
	ok can_ping b1 10.80.255.254
	ok -m "  ... an unchanged re-up" fdlim up "$B"
	is "$(fdlim plan "$B")" "no changes" "  ... then plan: no changes"
	ok -m "  ... down" fdlim down big
	is "$(ip netns list | wc -l) $(nft_tables)" "0 " "  ... no namespace, no nft table left"
done
# A caller that leaves no descriptor below FD_SETSIZE free (here 3..1100
# inherited): nsnet refuses to run libnftables, which would abort in its
# select(), and changes nothing.
if bash -c "ulimit -n 20000" 2>/dev/null; then
	(
		ulimit -n 20000
		for i in $(seq 3 1100); do eval "exec $i</dev/null"; done
		"$NSNET" nat add 10.99.0.0/24
	) >"$T/out" 2>&1
	is "$?" 1 "descriptors 3..1100 taken: nat add fails (exit 1), no abort"
	like "$(cat "$T/out")" "no descriptor below FD_SETSIZE \(1024\) is free for libnftables" \
		"  ... saying why"
	is "$(nft_tables)" "" "  ... and no nft table was made"
else
	skip "cannot set ulimit -n 20000" 3
fi
# The lock stays (nsnet(8), FILES): removing it would let two runs hold it.
is "$(find /run/nsnet -mindepth 1 -printf '%f ')" "lock " \
	"after the last down /run/nsnet holds only its lock"

done_testing
