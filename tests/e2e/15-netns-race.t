#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Many `netns add` at once on a fresh /run (no /run/netns yet): all succeed,
# /run/netns is made a shared mount exactly once (no mount storm), and the
# same with `ip netns add` racing nsnet. (iproute2 975c4944, Debian #949235)
. "$(dirname "$0")/lib.sh"

# run_netns_mounts - how many mounts sit on /run/netns itself
run_netns_mounts() { awk '$5 == "/run/netns"' /proc/self/mountinfo | wc -l; }

ok test ! -e /run/netns
pids=()
for i in $(seq 1 20); do
	nsnet netns add "n$i" &
	pids+=($!)
	ip netns add "i$i" &
	pids+=($!)
done
failed=0
for p in "${pids[@]}"; do wait "$p" || failed=$((failed + 1)); done
is "$failed" 0 "40 concurrent netns add (20 nsnet, 20 ip) all succeed"
is "$(find /run/netns -mindepth 1 | wc -l)" 40 "40 entries in /run/netns"
is "$(run_netns_mounts)" 1 "/run/netns is mounted on once"
is "$(findmnt -n -o PROPAGATION /run/netns)" shared "/run/netns is shared"
is "$(nsnet -j netns list | jpy '[n["name"] for n in d if n.get("stale")]')" "" \
	"no entry is stale"
# every_ns_works - ip can use each of them
# shellcheck disable=SC2317  # called through ok
every_ns_works() {
	local f
	for f in /run/netns/*; do
		ip -n "${f##*/}" link show lo >/dev/null || return 1
	done
}
ok every_ns_works

pids=()
for i in $(seq 1 20); do
	nsnet netns del "i$i" &
	pids+=($!)
	ip netns del "n$i" &
	pids+=($!)
done
failed=0
for p in "${pids[@]}"; do wait "$p" || failed=$((failed + 1)); done
is "$failed" 0 "40 concurrent netns del all succeed"
is "$(find /run/netns -mindepth 1 | wc -l)" 0 "/run/netns is empty"
is "$(awk '$5 ~ "^/run/netns/"' /proc/self/mountinfo | wc -l)" 0 "no namespace mount is left"

done_testing
