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
usage_mentions add del list exec identify pids attach

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

done_testing
