// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuzz_dhcp.c - libFuzzer target: what arrives on port 68
 *
 * Every input is one UDP payload, as recv() gives it to the client:
 * dhcp_decode(), then what the client does with a decoded message -
 * dhcpc_judge() in each state and dhcpc_lease_from() - must stay inside
 * their buffers (ASan) and keep their promises, checked here:
 * decoded text is printable ASCII, names are DNS names, a lease that
 * passed is one the kernel can take, and what decodes re-encodes to
 * something that decodes the same.
 *
 * `make fuzz` builds and runs it, seeded from fuzz/seeds/dhcp (packets
 * dnsmasq sent to nsnet's client).
 */
#include <arpa/inet.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dhcp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/**
 * must() - stop with a crash libFuzzer records when a promise is broken
 * @cond:	the promise
 */
static void must(bool cond)
{
	if (!cond)
		abort();
}

/**
 * check_text() - a decoded field is terminated and printable ASCII
 * @s:		the field
 * @cap:	its size
 * @dns:	it holds DNS names (letters, digits, '-', '_', '.', and
 *		spaces between names)
 */
static void check_text(const char *s, size_t cap, bool dns)
{
	size_t n = strnlen(s, cap), i;

	must(n < cap);
	for (i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)s[i];

		must(ch >= 0x20 && ch < 0x7f);
		if (dns)
			must((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
			     (ch >= '0' && ch <= '9') || ch == '-' || ch == '_' ||
			     ch == '.' || ch == ' ');
	}
	if (dns && n)
		must(s[0] != ' ' && s[n - 1] != ' ' && !strstr(s, "  ") &&
		     !strstr(s, "..") && s[0] != '.' && s[n - 1] != '.');
}

/**
 * check_lease() - what dhcpc_lease_from() let through is configurable
 * @m:		the ACK
 */
static void check_lease(const struct dhcp_msg *m)
{
	struct dhcpc_lease l;
	char why[256];
	uint32_t a, r, host;

	if (dhcpc_lease_from(m, &l, why, sizeof(why)) != 0) {
		must(strnlen(why, sizeof(why)) < sizeof(why) && why[0]);
		return;
	}
	must(l.prefixlen >= 1 && l.prefixlen <= 32);
	must(dhcp_unicast(l.address));
	must(l.t1 <= l.t2 && l.t2 <= l.lease);
	if (!l.router)
		return;
	a = ntohl(l.address);
	r = ntohl(l.router);
	host = l.prefixlen == 32 ? 0 : 0xffffffffu >> l.prefixlen;
	must(dhcp_unicast(l.router) && l.router != l.address &&
	     (a & ~host) == (r & ~host));
}

/**
 * check_judge() - dhcpc_judge() in every state, expecting what @m says
 * @m:		the message
 *
 * The expectation is taken from the message itself (its xid, chaddr,
 * yiaddr and server id), so that the fuzzer reaches the checks past the
 * "not ours" test; a second round expects another server and address.
 */
static void check_judge(const struct dhcp_msg *m)
{
	struct dhcpc_expect e = {
		.xid = m->xid, .mac = m->chaddr, .mac_len = m->hlen,
		.offered = m->yiaddr, .server = m->server_id,
		.address = m->yiaddr,
	};
	char why[256];
	int st, round;

	for (round = 0; round < 2; round++) {
		if (round) {
			e.server ^= htonl(1);
			e.offered ^= htonl(2);
			e.address = e.offered;
		}
		for (st = DHCPC_SELECTING; st <= DHCPC_REBINDING; st++) {
			enum dhcpc_verdict v;

			e.state = (enum dhcpc_state)st;
			v = dhcpc_judge(&e, m, why, sizeof(why));
			must(strnlen(why, sizeof(why)) < sizeof(why));
			if (v == DHCPC_TAKE_OFFER)
				must(st == DHCPC_SELECTING && dhcp_unicast(m->yiaddr) &&
				     dhcp_unicast(m->server_id));
			if (v == DHCPC_TAKE_NAK)
				must(m->server_id == e.server);
			if (v == DHCPC_TAKE_ACK)
				must(m->server_id && dhcp_unicast(m->server_id) &&
				     m->lease &&
				     (st == DHCPC_REBINDING || m->server_id == e.server));
		}
	}
}

/**
 * check_round_trip() - what decoded encodes, and decodes the same
 * @m:		the message
 */
static void check_round_trip(const struct dhcp_msg *m)
{
	uint8_t buf[DHCP_MAX_LEN];
	struct dhcp_msg d;
	int len = dhcp_encode(m, buf, sizeof(buf));

	if (len < 0)
		return;		/* options that together exceed a packet */
	must(dhcp_decode(buf, (size_t)len, &d) == 0);
	must(d.op == m->op && d.type == m->type && d.xid == m->xid &&
	     d.yiaddr == m->yiaddr && d.server_id == m->server_id &&
	     d.mask == m->mask && d.router == m->router &&
	     d.lease == m->lease && !strcmp(d.domain, m->domain) &&
	     d.hlen == m->hlen && !memcmp(d.chaddr, m->chaddr, m->hlen));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dhcp_msg m;
	uint32_t t1, t2;

	if (dhcp_decode(data, size, &m) != 0)
		return 0;
	must(m.hlen <= sizeof(m.chaddr) && m.n_dns <= DHCP_MAX_DNS &&
	     m.client_id_len <= sizeof(m.client_id) &&
	     m.n_params <= sizeof(m.params));
	check_text(m.domain, sizeof(m.domain), true);
	check_text(m.search, sizeof(m.search), true);
	check_text(m.hostname, sizeof(m.hostname), false);
	check_text(m.message, sizeof(m.message), false);
	must(!strchr(m.domain, ' '));
	dhcp_times(&m, &t1, &t2);
	must(t1 <= t2 && t2 <= m.lease);
	check_judge(&m);
	check_lease(&m);
	check_round_trip(&m);
	return 0;
}
