#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# `nsnet --help` and `nsnet help OBJECT`: usage on stdout, exit 0, every verb.
. "$(dirname "$0")/lib.sh"

# usage_mentions WORDS... - $out mentions each word, as a whole word
usage_mentions() {
	local w missing=()
	for w in "$@"; do
		[[ $out =~ (^|[^[:alnum:]_-])$w([^[:alnum:]_-]|$) ]] || missing+=("$w")
	done
	is "${missing[*]}" "" "  ... mentions $*"
}

# help_ok ARGS... - nsnet ARGS exits 0 with usage on stdout; sets $out
help_ok() {
	out=$(nsnet "$@" 2>"$T/help.err")
	local rc=$?
	is "$rc" 0 "nsnet $* exits 0" || diag "$(cat "$T/help.err")"
}

help_ok --help
usage_mentions netns link addr route neigh
usage_mentions add del set show list exec identify pids attach
usage_mentions -n -j

help_ok help
usage_mentions netns link addr route neigh

help_ok help netns
usage_mentions add del list exec identify pids attach set list-id monitor -all

help_ok help link
usage_mentions add set del show type veth bridge peer up down netns master nomaster mtu name dev

help_ok help addr
usage_mentions add del show dev

help_ok help address
usage_mentions add del show dev

help_ok help route
usage_mentions add del show default via dev

help_ok help neigh
usage_mentions show

fails_with 2 'frob' nsnet help frob

# nsnet OBJECT --help (and help, -h), nsnet OBJECT VERB --help: the same
# text as nsnet help OBJECT
want=$(nsnet help netns)
for args in "netns --help" "netns help" "netns -h" "netns add --help" \
	"link --help" "forward --help" "nat help"; do
	help_ok $args
	obj=${args%% *}
	is "$out" "$(nsnet help "$obj")" "  ... the same text as nsnet help $obj"
done
is "$(nsnet netns --help)" "$want" "nsnet netns --help is nsnet help netns"
nok -m "netns --help created no namespace" ip netns exec --help true
is "$(ip netns list)" "" "  ... no namespace at all"
help_ok up --help
usage_mentions up down plan status exec run
help_ok stop -h
usage_mentions stop logs
help_ok dhcp --help
usage_mentions dhcp --once

# `make demo` as the first command on a fresh machine: the packages are
# installed (make deps) before anything is compiled
demo=$(make -C "$REPO" -n B="$T/demo-build" demo 2>&1)
first_cc=$(grep -n -m1 -E ' -c -o [^ ]+\.o ' <<<"$demo" | cut -d: -f1)
first_deps=$(grep -n -m1 'dpkg-query' <<<"$demo" | cut -d: -f1)
ok -m "make -n demo: make deps (line ${first_deps:-none}) comes before the first compile (line ${first_cc:-none})" \
	test -n "$first_deps" -a -n "$first_cc" -a "${first_deps:-0}" -lt "${first_cc:-0}"

done_testing
