#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# examples/tutorial.sh, the README's walkthrough, replays the tutorial with
# nsnet inside the sandbox and exits 0.
. "$(dirname "$0")/lib.sh"

script=$REPO/examples/tutorial.sh
if [ ! -f "$script" ]; then
	skip "examples/tutorial.sh does not exist yet"
	done_testing
fi

# `nsnet` on PATH is the binary under test (lib.sh put its directory first).
is "$(type -P nsnet)" "$NSNET" "plain nsnet is the binary under test"
bash "$script" >"$T/tutorial.out" 2>&1
rc=$?
is "$rc" 0 "bash examples/tutorial.sh exits 0" ||
	diag "last lines of its output:" "$(tail -n 30 "$T/tutorial.out")"
ok -m "it printed each step's result" test -s "$T/tutorial.out"

done_testing
