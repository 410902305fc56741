#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# A lease that never comes: the sandbox host drops DHCP on the lab's
# bridge, so `up` waits its 20 s, fails (exit 1) naming the interface, and
# rolls the whole run back: no namespace, link, process, file or state is
# left. Oracles: iproute2, ps, the file system.
. "$(dirname "$0")/lib.sh"

cat >"$T/lab.yaml" <<'YAML'
lab: nolease
networks:
  dl: {subnet: 10.85.0.0/24, gateway: 10.85.0.1, dhcp: {range: 10.85.0.100-10.85.0.120}}
nodes:
  red:
    interfaces:
      eth0: {network: dl, address: dhcp}
YAML
ok nft add table inet blockdhcp
at_exit nft delete table inet blockdhcp
ok nft add chain inet blockdhcp in "{ type filter hook input priority -10; }"
ok nft add rule inet blockdhcp in udp dport 67 drop

at_exit "$NSNET" down nolease
fails_with 1 "nolease: DHCP client of red:eth0: no lease within 20 s" nsnet up "$T/lab.yaml"
is "$(ps -e -o comm= | grep -cE '^(dnsmasq|nsnet)')" 0 "no dnsmasq, monitor or client left"
no_residue "no namespace, link, /etc/netns entry or state left"
is "$(nsnet -j labs)" "[]" "no lab is up"
done_testing
