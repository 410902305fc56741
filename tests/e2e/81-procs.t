#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Processes in a lab's nodes: `nsnet exec` (foreground, `ip netns exec`
# semantics, clean environment, no inherited descriptors, --user) and the
# supervised `nsnet run`/`ps`/`stop`/`logs`: reachable servers, restarts by
# policy, giving up, logs, and stop taking down a whole tree, including a
# grandchild that left the session and ignores SIGTERM. Oracles: iproute2,
# /proc, curl from another node.
. "$(dirname "$0")/lib.sh"

cat >"$T/procs.yaml" <<'YAML'
lab: procs
networks:
  sw:
    subnet: 10.81.0.0/24
nodes:
  red:
    interfaces:
      eth0: {network: sw, address: 10.81.0.1/24}
  blue:
    interfaces:
      eth0: {network: sw, address: 10.81.0.2/24}
YAML
ok nsnet up "$T/procs.yaml"
at_exit "$NSNET" down procs
at_exit "$NSNET" stop procs --all --timeout 1

# wait_for_long CMD... - poll CMD until it succeeds, for up to 30 s
wait_for_long() { wait_secs 30 "$@"; }

# ps_field ID EXPR - python EXPR over `p`, the process ID in `nsnet -j ps procs`
ps_field() {
	nsnet -j ps procs | ID=$1 jpy "[(lambda p: $2)(p) for p in d if p['id'] == __import__('os').environ['ID']]"
}

# tree_of PID - PID and all its descendants that are alive, from /proc
tree_of() {
	"$PYTHON" - "$1" <<-'PY'
	import os, sys
	par = {}
	for e in os.listdir("/proc"):
	    if e.isdigit():
	        try:
	            s = open("/proc/%s/stat" % e).read()
	        except OSError:
	            continue
	        f = s[s.rindex(")") + 2:].split()
	        if f[0] != "Z":
	            par[int(e)] = int(f[1])
	root = int(sys.argv[1]); out = {root} if root in par else set(); grew = True
	while grew:
	    grew = False
	    for p, pp in par.items():
	        if pp in out and p not in out:
	            out.add(p); grew = True
	print(" ".join(str(p) for p in sorted(out)))
	PY
}

# ------------------------------------------------------------------ exec
want=$(ip -n red -j addr show dev eth0 | jpy '[a["local"] + "/" + str(a["prefixlen"]) for l in d for a in l["addr_info"] if a["family"] == "inet"]')
got=$(nsnet exec procs red -- ip -j addr show dev eth0 | jpy '[a["local"] + "/" + str(a["prefixlen"]) for l in d for a in l["addr_info"] if a["family"] == "inet"]')
is "$got" "$want" "exec: ip -j addr inside red shows red's address (as ip -n red sees it)"
is "$got" "10.81.0.1/24" "exec: that address is the lab file's"

nsnet exec procs red -- sh -c 'exit 7'
is "$?" 7 "exec: the command's exit status passes through"

host_resolv=$(cat /etc/resolv.conf 2>/dev/null)
mkdir -p /etc/netns/red
echo "nameserver 10.81.0.53" >/etc/netns/red/resolv.conf
is "$(nsnet exec procs red -- cat /etc/resolv.conf)" "nameserver 10.81.0.53" \
	"exec: /etc/netns/red/resolv.conf is /etc/resolv.conf inside"
is "$(cat /etc/resolv.conf 2>/dev/null)" "$host_resolv" "exec: the host's /etc/resolv.conf is unchanged"
rm -rf /etc/netns/red

export NSNET_TEST_SECRET=leak
env_out=$(nsnet exec procs red -e GREETING=hello -- env)
unlike "$env_out" "NSNET_TEST_SECRET" "exec: the caller's environment is not passed on"
ok -m "exec: -e GREETING=hello is passed" grep -qx GREETING=hello <<<"$env_out"
ok -m "exec: a fixed PATH" grep -qx 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' <<<"$env_out"
unset NSNET_TEST_SECRET

exec 7>"$T/inherited"
fds=$(nsnet exec procs red -- ls /proc/self/fd | sort -n | tr '\n' ' ')
exec 7>&-
like "$fds" "^0 1 2 3? ?$" "exec: no descriptors but 0 1 2 (and ls's own) are inherited: $fds"

is "$(nsnet exec procs red --user nobody -- id -u)" "65534" "exec --user nobody: id -u is 65534"
is "$(nsnet exec procs red --user nobody -- sh -c 'echo $HOME $USER')" "/nonexistent nobody" \
	"exec --user nobody: HOME and USER are nobody's"

nsnet exec procs red -- no-such-command-81 2>"$T/err"
is "$?" 127 "exec: a missing command exits 127"
like "$(cat "$T/err")" "^nsnet: .*no-such-command-81.*: command not found$" "  ... with one clear line"
fails_with 2 'lab nolab' nsnet exec nolab red -- true
fails_with 2 'node green' nsnet exec procs green -- true
fails_with 2 'user "no-such-user-81"' nsnet exec procs red --user no-such-user-81 -- true
fails_with 2 'empty command' nsnet exec procs red --
fails_with 2 'environment|NAME=VALUE' nsnet exec procs red -e novalue -- true

# ------------------------------------------------------------------- run
mkdir -p "$T/www" && echo "hello from blue" >"$T/www/index.html"
id=$(nsnet run procs blue -- python3 -m http.server 8000 --bind 10.81.0.2 --directory "$T/www")
is "$?-$id" "0-blue-python3" "run: prints the default id <node>-<command>"
ok -m "run: the server in blue answers curl from red" \
	wait_for_long ip netns exec red curl -sf --max-time 1 http://10.81.0.2:8000/
is "$(ip netns exec red curl -s --max-time 2 http://10.81.0.2:8000/)" "hello from blue" "  ... with blue's page"
is "$(ps_field blue-python3 'p["state"]')" "running" "ps -j: it is running"
pid=$(ps_field blue-python3 'p["pid"]')
is "$(readlink /proc/$pid/ns/net)" "$(readlink /proc/$(ip netns pids blue | head -1)/ns/net)" \
	"ps -j: its pid is in blue's network namespace (/proc)"
like " $(ip netns pids blue | tr '\n' ' ') " " $pid " "ip netns pids blue lists that pid"
like "$(nsnet ps procs)" "blue-python3 +blue +$pid +running +0 " "ps: a table row LAB ID NODE PID STATE RESTARTS"
like "$(ps -o comm= -p "$(ps -o ppid= -p "$pid" | tr -d ' ')")" "^nsnet" "its monitor's comm starts with nsnet"
id2=$(nsnet run procs blue -- sleep 1000)
is "$id2" "blue-sleep" "run: a second default id"
id3=$(nsnet run procs blue -- sleep 1000)
is "$id3" "blue-sleep-2" "run: a default id already taken gets -2"
fails_with 2 'already running' nsnet run procs blue --name blue-sleep -- sleep 1

kill -9 "$pid"
ok -m "kill -9: it is restarted (restarts >= 1, a new pid)" \
	wait_for_long sh -c "[ \"\$(\"$NSNET\" -j ps procs | ID=blue-python3 PID=$pid \"$PYTHON\" -c '
import json, os, sys
p = [p for p in json.load(sys.stdin) if p[\"id\"] == os.environ[\"ID\"]][0]
print(p[\"state\"] == \"running\" and p[\"restarts\"] >= 1 and p[\"pid\"] not in (0, int(os.environ[\"PID\"])))')\" = True ]"
ok -m "  ... and reachable again" \
	wait_for_long ip netns exec red curl -sf --max-time 1 http://10.81.0.2:8000/
like "$(nsnet logs procs blue-python3)" "process exited with signal 9.*restarting \\(1\\)" \
	"logs: the monitor logged the restart"
like "$(nsnet logs procs blue-python3)" "GET / HTTP" "logs: the server's own output is in the log"

# --restart no: killed stays dead, ps says how
nsnet run procs red --name once --restart no -- sleep 1000 >/dev/null
opid=$(ps_field once 'p["pid"]')
kill -9 "$opid"
ok -m "--restart no: after kill -9, ps shows exited" \
	wait_for sh -c "\"$NSNET\" -j ps procs | grep -q '\"state\": *\"exited\"'"
is "$(ps_field once '"%s %s %s" % (p["state"], p["exit_signal"], p["restarts"])')" "exited 9 0" \
	"  ... with signal 9 and no restart"

# on-failure and a command failing at once: given up
nsnet run procs red --name flaky -- sh -c 'echo failing; exit 1' >/dev/null
ok -m "a command that exits 1 at once ends up failed" \
	wait_for_long sh -c "[ \"\$(\"$NSNET\" -j ps procs | ID=flaky \"$PYTHON\" -c '
import json, os, sys
print([p[\"state\"] for p in json.load(sys.stdin) if p[\"id\"] == os.environ[\"ID\"]][0])')\" = failed ]"
is "$(ps_field flaky '"%s %s" % (p["exit_code"], p["restarts"])')" "1 5" "  ... after 5 restarts, last status 1"
like "$(nsnet logs procs flaky)" "failing" "  ... its output is in the log"
like "$(nsnet logs procs flaky)" "giving up" "  ... and the monitor said it gave up"

# a tree that ignores SIGTERM and leaves the session: stop takes it all
nsnet run procs red --name tree -- sh -c 'trap "" TERM; setsid sleep 1001 & sleep 1002' >/dev/null
ok -m "the tree's grandchild runs" wait_for pgrep -x -f 'sleep 1001'
mon=$(ps_field tree 'p["monitor"]')
before=$(tree_of "$mon")
like "$before" "[0-9]+ [0-9]+ [0-9]+" "the monitor has the shell and both sleeps below it: $before"
ok nsnet stop procs tree --timeout 1
left=""
for p in $before; do [ -d "/proc/$p" ] && ! grep -q '^State:.*Z' "/proc/$p/status" 2>/dev/null && left="$left $p"; done
is "$left" "" "stop: nothing of the tree is left (/proc)"
nok -m "stop: no sleep 1001 / 1002 anywhere" pgrep -f 'sleep 100[12]'
unlike "$(nsnet ps procs)" " tree " "stop: ps no longer lists it"
fails_with 2 'no such process' nsnet stop procs tree
fails_with 2 'no such process' nsnet stop procs nonesuch
fails_with 2 'process id' nsnet stop procs ../x
fails_with 2 'restart' nsnet run procs red --restart sometimes -- true
fails_with 2 'empty command' nsnet run procs red --
fails_with 2 'no such lab' nsnet run nolab red -- true
fails_with 2 'node green' nsnet run procs green -- true
fails_with 2 'user' nsnet run procs red --user no-such-user-81 -- true
fails_with 2 'process id' nsnet run procs red --name 'a/b' -- true
fails_with 1 'command not found' nsnet run procs red -- no-such-command-81
unlike "$(nsnet ps procs)" "no-such-command" "a failed start leaves no record"

is "$(nsnet -j run procs red --name jr -- sleep 1000 | jpy '"%s %s %s" % (d["lab"], d["node"], d["id"])')" \
	"procs red jr" "run -j: the id as JSON"

# stop --all: every process, in parallel, nothing left
ok nsnet stop procs --all --timeout 1
is "$(nsnet -j ps procs)" "[]" "stop --all: ps is empty"
is "$(pgrep -f 'http.server|sleep 1000|nsnet-sup' | tr '\n' ' ')" "" "stop --all: no process of the lab is left (pgrep)"
is "$(ip netns pids blue; ip netns pids red)" "" "stop --all: nothing runs in blue or red"

done_testing
