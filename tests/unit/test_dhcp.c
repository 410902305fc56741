// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_dhcp.c - DHCP messages, dnsmasq's command line and lease file
 *
 * With arguments "--dnsmasq-argv KEY=VALUE...", prints the argv that
 * dnsmasq_argv() builds, one argument per line, instead of testing: the
 * e2e test (82-dhcp.t) starts the real dnsmasq from the builder's output.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <arpa/inet.h>

#include <jansson.h>

#include "dhcp.h"
#include "pfx.h"
#include "tap.h"

/**
 * a4() - an IPv4 address in network order
 * @s:		dotted quad
 *
 * Return: the address.
 */
static in_addr_t a4(const char *s)
{
	return inet_addr(s);
}

/**
 * test_round_trip() - what we encode decodes to the same message
 */
static void test_round_trip(void)
{
	struct dhcp_msg m = { 0 }, d;
	uint8_t buf[DHCP_MAX_LEN];
	int len;

	m.op = 1;
	m.type = DHCP_REQUEST;
	m.xid = 0xdeadbeef;
	m.secs = 3;
	m.broadcast = true;
	m.hlen = 6;
	memcpy(m.chaddr, "\x02\x00\x00\xaa\xbb\xcc", 6);
	m.requested = a4("10.9.0.123");
	m.server_id = a4("10.9.0.1");
	m.client_id[0] = 1;
	memcpy(m.client_id + 1, m.chaddr, 6);
	m.client_id_len = 7;
	snprintf(m.hostname, sizeof(m.hostname), "red");
	m.params[0] = DHO_SUBNET_MASK;
	m.params[1] = DHO_ROUTER;
	m.n_params = 2;
	len = dhcp_encode(&m, buf, sizeof(buf));
	is_int(len, DHCP_MIN_LEN, "a short REQUEST is padded to 300 bytes");
	ok(buf[DHCP_OPT_OFF] == DHO_MSG_TYPE, "message type is the first option");
	is_int(dhcp_decode(buf, (size_t)len, &d), 0, "it decodes");
	ok(d.op == 1 && d.type == DHCP_REQUEST && d.xid == 0xdeadbeef &&
	   d.secs == 3 && d.broadcast, "header fields survive");
	ok(d.hlen == 6 && !memcmp(d.chaddr, m.chaddr, 6), "chaddr survives");
	ok(d.requested == m.requested && d.server_id == m.server_id,
	   "requested address and server id survive");
	ok(d.client_id_len == 7 && !memcmp(d.client_id, m.client_id, 7),
	   "client id survives");
	is_str(d.hostname, "red", "hostname survives");
	ok(d.n_params == 2 && d.params[1] == DHO_ROUTER, "parameter list survives");
	is_int(dhcp_encode(&m, buf, 100), -EMSGSIZE, "a small buffer is refused");
}

/* An OFFER as dnsmasq 2.90 sends it (options part), for 02:00:00:aa:bb:cc */
static const uint8_t offer_opts[] = {
	53, 1, 2,				/* DHCPOFFER */
	54, 4, 10, 9, 0, 1,			/* server id */
	51, 4, 0, 0, 0, 120,			/* lease 120 s */
	58, 4, 0, 0, 0, 5,			/* T1 5 s */
	59, 4, 0, 0, 0, 105,			/* T2 */
	1, 4, 255, 255, 255, 0,			/* netmask */
	28, 4, 10, 9, 0, 255,			/* broadcast (skipped) */
	3, 4, 10, 9, 0, 1,			/* router */
	6, 8, 10, 9, 0, 1, 10, 9, 0, 2,		/* two DNS servers */
	15, 3, 'l', 'a', 'b',			/* domain */
	119, 12, 3, 'l', 'a', 'b', 0,		/* search: lab, sub.lab, */
		 3, 's', 'u', 'b', 0xc0, 0, 0,	/* and the root (ignored) */
	0,					/* pad */
	255, 0, 0, 0,
};

/**
 * offer_bytes() - a whole OFFER: BOOTP header, cookie, offer_opts
 * @buf:	output, at least DHCP_OPT_OFF + sizeof(offer_opts)
 *
 * Return: its length.
 */
static size_t offer_bytes(uint8_t *buf)
{
	static const uint8_t hdr[] = {
		2, 1, 6, 0, 0x12, 0x34, 0x56, 0x78, 0, 0, 0x80, 0,
		0, 0, 0, 0, 10, 9, 0, 123, 10, 9, 0, 1, 0, 0, 0, 0,
		2, 0, 0, 0xaa, 0xbb, 0xcc,
	};

	memset(buf, 0, DHCP_OPT_OFF);
	memcpy(buf, hdr, sizeof(hdr));
	memcpy(buf + DHCP_HDR_LEN, "\x63\x82\x53\x63", 4);
	memcpy(buf + DHCP_OPT_OFF, offer_opts, sizeof(offer_opts));
	return DHCP_OPT_OFF + sizeof(offer_opts);
}

/**
 * test_offer() - a server's OFFER decodes into what a client needs
 */
static void test_offer(void)
{
	uint8_t buf[DHCP_MAX_LEN];
	size_t len = offer_bytes(buf);
	struct dhcp_msg m;
	uint32_t t1, t2;

	is_int(dhcp_decode(buf, len, &m), 0, "a captured OFFER decodes");
	ok(m.op == 2 && m.type == DHCP_OFFER && m.xid == 0x12345678 &&
	   m.broadcast, "an OFFER, our xid, broadcast");
	ok(m.yiaddr == a4("10.9.0.123"), "yiaddr");
	ok(m.server_id == a4("10.9.0.1") && m.router == a4("10.9.0.1"),
	   "server id and router");
	is_int(dhcp_mask_len(m.mask), 24, "netmask /24");
	ok(m.n_dns == 2 && m.dns[1] == a4("10.9.0.2"), "two DNS servers");
	ok(m.lease == 120 && m.t1 == 5 && m.t2 == 105, "lease, T1, T2");
	is_str(m.domain, "lab", "domain");
	is_str(m.search, "lab sub.lab", "search list with a compression pointer");
	dhcp_times(&m, &t1, &t2);
	ok(t1 == 5 && t2 == 105, "server's T1/T2 are honoured");
	m.t1 = m.t2 = 0;
	dhcp_times(&m, &t1, &t2);
	ok(t1 == 60 && t2 == 105, "defaults: T1 = lease/2, T2 = 7/8 lease");
	m.t1 = 200;
	dhcp_times(&m, &t1, &t2);
	ok(t1 == 60, "a T1 after T2 falls back to the default");
}

/**
 * test_malformed() - broken packets are refused, never half used
 */
static void test_malformed(void)
{
	uint8_t buf[DHCP_MAX_LEN], bad[DHCP_MAX_LEN];
	size_t len = offer_bytes(buf), cut, bad_cuts = 0;
	struct dhcp_msg m;

	/* Every truncation before END: header short, option cut, no END. */
	for (cut = 0; cut < DHCP_OPT_OFF + sizeof(offer_opts) - 4; cut++)
		if (dhcp_decode(buf, cut, &m) != -EBADMSG)
			bad_cuts++;
	is_int((long long)bad_cuts, 0, "every truncated OFFER is refused");

	memcpy(bad, buf, len);
	bad[DHCP_HDR_LEN] = 0;
	is_int(dhcp_decode(bad, len, &m), -EBADMSG, "a wrong magic cookie");

	memcpy(bad, buf, len);
	bad[0] = 7;
	is_int(dhcp_decode(bad, len, &m), -EBADMSG, "an unknown op");

	memcpy(bad, buf, len);
	bad[2] = 17;
	is_int(dhcp_decode(bad, len, &m), -EBADMSG, "hlen beyond chaddr");

	memcpy(bad, buf, len);
	bad[DHCP_OPT_OFF + 4] = 3;		/* server id of 3 bytes */
	is_int(dhcp_decode(bad, len, &m), -EBADMSG, "an address option of 3 bytes");

	memcpy(bad, buf, DHCP_OPT_OFF);
	memcpy(bad + DHCP_OPT_OFF, "\x35\x01\x02\x0f\xff\x61", 6);
	is_int(dhcp_decode(bad, DHCP_OPT_OFF + 6, &m), -EBADMSG,
	       "an option longer than the packet");

	memcpy(bad, buf, DHCP_OPT_OFF);
	memcpy(bad + DHCP_OPT_OFF, "\x77\x04\x01\x61\xc0\x00\xff", 7);
	is_int(dhcp_decode(bad, DHCP_OPT_OFF + 7, &m), -EBADMSG,
	       "a search list pointing at itself");

	memcpy(bad, buf, DHCP_OPT_OFF);
	memcpy(bad + DHCP_OPT_OFF, "\x77\x04\xc0\x02\x01\x61\xff", 7);
	is_int(dhcp_decode(bad, DHCP_OPT_OFF + 7, &m), -EBADMSG,
	       "a search list pointing forward");

	memcpy(bad, buf, DHCP_OPT_OFF);
	memcpy(bad + DHCP_OPT_OFF, "\x0f\x05l\nab\x01\xff", 8);
	ok(dhcp_decode(bad, DHCP_OPT_OFF + 8, &m) == 0 && !m.domain[0] &&
	   m.refused_name == DHO_DOMAIN,
	   "a domain name with control characters is left out, and noted");

	memcpy(bad, buf, DHCP_OPT_OFF);
	memcpy(bad + DHCP_OPT_OFF, "\x38\x04\xc3(\nx\xff", 7);
	ok(dhcp_decode(bad, DHCP_OPT_OFF + 7, &m) == 0 &&
	   !strcmp(m.message, "?(?x"),
	   "a server message keeps ASCII only (no newline, no invalid UTF-8)");
}

/**
 * decode_opts() - decode a reply made of offer_bytes()'s header and @opts
 * @opts:	options, ending in END
 * @len:	their length
 * @m:		the result
 *
 * Return: what dhcp_decode() returns.
 */
static int decode_opts(const void *opts, size_t len, struct dhcp_msg *m)
{
	uint8_t buf[DHCP_MAX_LEN];

	offer_bytes(buf);
	memcpy(buf + DHCP_OPT_OFF, opts, len);
	return dhcp_decode(buf, DHCP_OPT_OFF + len, m);
}

/**
 * test_names() - options 15 and 119 hold DNS names, or are left out
 *
 * What passes ends up in the lease file (JSON: invalid UTF-8 drops the
 * key) and in resolv.conf (a space makes two search entries of one).
 */
static void test_names(void)
{
	static const struct {
		const char *opts;
		size_t len;
		const char *domain, *search;
		uint8_t refused;
		const char *what;
	} cases[] = {
#define C(o, d, s, r, w) { o, sizeof(o) - 1, d, s, r, w }
		C("\x77\x06\x01" "a\x00\x01" "b\x00\xff", "", "a b", 0,
		  "search: one-character names are kept"),
		C("\x77\x03\x01" "a\x00\xff", "", "a", 0,
		  "search: a single one-character name"),
		C("\x77\x05\x00\x01" "x\x00\x00\xff", "", "x", 0,
		  "search: root names add nothing"),
		C("\x77\x0f\x03" "a b\x00\x03" "lab\x00\x03" "a.b\x00\xff",
		  "", "lab", DHO_SEARCH,
		  "search: names with a space or a dot in a label are left out"),
		C("\x77\x0b\x03" "\xc3(x\x00\x04" "sub_\x00\xff", "", "sub_",
		  DHO_SEARCH, "search: bytes >= 0x80 are left out, '_' is kept"),
		C("\x77\x0b\x03" "lab\x00\x03" "-ab\xc0\x00\xff", "", "lab",
		  DHO_SEARCH, "search: a label starting with '-' is left out"),
		C("\x0f\x03" "a b\xff", "", "", DHO_DOMAIN,
		  "domain: a space is refused (it would make two search entries)"),
		C("\x0f\x06" "\xc3(.lab\xff", "", "", DHO_DOMAIN,
		  "domain: invalid UTF-8 is refused"),
		C("\x0f\x05" "a..bc\xff", "", "", DHO_DOMAIN,
		  "domain: an empty label is refused"),
		C("\x0f\x09" "lab.home.\xff", "lab.home", "", 0,
		  "domain: the root's dot is dropped"),
		C("\x0f\x04" "lab\x00\xff", "lab", "", 0,
		  "domain: a terminating NUL is dropped"),
		C("\x0f\x06" "x-1.lb\xff", "x-1.lb", "", 0,
		  "domain: digits and inner '-'"),
		C("\x0f\x01" "\x00\xff", "", "", 0,
		  "domain: an empty one is no domain, and nothing wrong"),
		C("\x0f\x01" "a\x77\x05\x01" "b\x00\x01" "a\xff", "a", "", DHO_SEARCH,
		  "a cut search name after a good domain"),
#undef C
	};
	struct dhcp_msg m;
	char label[80];
	uint8_t opt[90];
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int err = decode_opts(cases[i].opts, cases[i].len, &m);

		if (i == sizeof(cases) / sizeof(cases[0]) - 1) {
			is_int(err, -EBADMSG, "%s: the message is refused",
			       cases[i].what);
			continue;
		}
		ok(err == 0 && !strcmp(m.domain, cases[i].domain) &&
		   !strcmp(m.search, cases[i].search) &&
		   m.refused_name == cases[i].refused,
		   "%s (domain \"%s\", search \"%s\", refused %u)",
		   cases[i].what, m.domain, m.search, m.refused_name);
	}

	/* a 64-byte label is one byte too many (RFC 1035 2.3.4) */
	memset(label, 'x', sizeof(label));
	opt[0] = DHO_DOMAIN;
	opt[1] = 64;
	memcpy(opt + 2, label, 64);
	opt[66] = DHO_END;
	ok(decode_opts(opt, 67, &m) == 0 && !m.domain[0], "domain: a 64-byte label");
	opt[1] = 63;
	opt[65] = DHO_END;
	ok(decode_opts(opt, 66, &m) == 0 && strlen(m.domain) == 63,
	   "domain: a 63-byte label");
}

/**
 * read_text() - a small file's contents
 * @path:	the file
 * @buf:	output
 * @cap:	its size
 *
 * Return: @buf ("" when unreadable).
 */
static char *read_text(const char *path, char *buf, size_t cap)
{
	FILE *f = fopen(path, "r");
	size_t n = f ? fread(buf, 1, cap - 1, f) : 0;

	buf[n] = '\0';
	if (f)
		fclose(f);
	return buf;
}

/**
 * test_name_files() - a refused name leaves the lease file and
 * resolv.conf whole
 */
static void test_name_files(void)
{
	static const uint8_t opts[] = {
		53, 1, DHCP_ACK, 54, 4, 10, 9, 0, 1, 51, 4, 0, 0, 0, 120,
		1, 4, 255, 255, 255, 0, 3, 4, 10, 9, 0, 1, 6, 4, 10, 9, 0, 1,
		15, 7, 0xff, 'x', ' ', 'l', 'a', 'b', '.', 255,
	};
	char dir[] = "/tmp/nsnet-test-dhcpXXXXXX", lease[64], resolv[64];
	char text[2048], why[128];
	struct nsnet_ctx *ctx = NULL;
	struct dhcpc_lease l;
	struct dhcp_msg m;
	json_t *doc;

	if (!mkdtemp(dir) || nsnet_ctx_new(&ctx)) {
		skip(4, "no temporary directory or context");
		return;
	}
	snprintf(lease, sizeof(lease), "%s/lease", dir);
	snprintf(resolv, sizeof(resolv), "%s/resolv", dir);
	ok(decode_opts(opts, sizeof(opts), &m) == 0 &&
	   dhcpc_lease_from(&m, &l, why, sizeof(why)) == 0,
	   "an ACK whose domain is not a DNS name still gives a lease");
	dhcpc_write_lease(ctx, lease, "eth0", &l);
	dhcpc_write_resolv(ctx, resolv, &l);
	doc = json_load_file(lease, 0, NULL);
	ok(doc && json_is_string(json_object_get(doc, "domain")) &&
	   !strcmp(json_string_value(json_object_get(doc, "domain")), ""),
	   "the lease file keeps its \"domain\" key (empty)");
	ok(doc && json_is_string(json_object_get(doc, "address")),
	   "  ... and its address");
	json_decref(doc);
	is_str(read_text(resolv, text, sizeof(text)),
	       "# nsnet: from DHCP\nnameserver 10.9.0.1\n",
	       "resolv.conf gets no search line from it");
	unlink(lease);
	unlink(resolv);
	rmdir(dir);
	nsnet_ctx_free(ctx);
}

/**
 * reply() - a server's reply to the client of test_judge()
 * @m:		output
 * @type:	enum dhcp_type
 * @yiaddr:	the address, dotted quad
 * @server:	option 54, dotted quad, NULL for none
 */
static void reply(struct dhcp_msg *m, uint8_t type, const char *yiaddr,
		  const char *server)
{
	memset(m, 0, sizeof(*m));
	m->op = 2;
	m->type = type;
	m->xid = 0x12345678;
	m->hlen = 6;
	memcpy(m->chaddr, "\x02\x00\x00\xaa\xbb\xcc", 6);
	m->yiaddr = a4(yiaddr);
	m->server_id = server ? a4(server) : 0;
	m->lease = 120;
}

/**
 * test_judge() - which replies the client takes, in which state
 */
static void test_judge(void)
{
	struct dhcpc_expect e = {
		.xid = 0x12345678, .mac = (const uint8_t *)"\x02\x00\x00\xaa\xbb\xcc",
		.mac_len = 6, .offered = a4("10.9.0.123"),
		.server = a4("10.9.0.1"), .address = a4("10.9.0.123"),
	};
	static const char *const bad_addrs[] = {
		"255.255.255.255", "127.0.0.1", "224.0.0.1", "0.0.0.5",
		"240.1.2.3",
	};
	struct dhcp_msg m;
	char why[256];
	size_t i;

	e.state = DHCPC_SELECTING;
	reply(&m, DHCP_OFFER, "10.9.0.123", "10.9.0.1");
	is_int(dhcpc_judge(&e, &m, why, sizeof(why)), DHCPC_TAKE_OFFER,
	       "SELECTING: an OFFER is taken");
	m.xid++;
	ok(dhcpc_judge(&e, &m, why, sizeof(why)) == DHCPC_IGNORE && !why[0],
	   "  ... another exchange's OFFER is ignored, silently");
	for (i = 0; i < sizeof(bad_addrs) / sizeof(bad_addrs[0]); i++) {
		reply(&m, DHCP_OFFER, bad_addrs[i], "10.9.0.1");
		ok(dhcpc_judge(&e, &m, why, sizeof(why)) == DHCPC_IGNORE &&
		   strstr(why, "not a unicast"),
		   "  ... an OFFER of %s is refused: %s", bad_addrs[i], why);
	}
	reply(&m, DHCP_OFFER, "10.9.0.123", "255.255.255.255");
	ok(dhcpc_judge(&e, &m, why, sizeof(why)) == DHCPC_IGNORE && why[0],
	   "  ... an OFFER from server id 255.255.255.255 is refused: %s", why);
	reply(&m, DHCP_OFFER, "10.9.0.123", NULL);
	ok(dhcpc_judge(&e, &m, why, sizeof(why)) == DHCPC_IGNORE && why[0],
	   "  ... an OFFER without a server id is refused");

	e.state = DHCPC_REQUESTING;
	reply(&m, DHCP_ACK, "10.9.0.123", "10.9.0.1");
	is_int(dhcpc_judge(&e, &m, why, sizeof(why)), DHCPC_TAKE_ACK,
	       "REQUESTING: the chosen server's ACK is taken");
	reply(&m, DHCP_ACK, "10.9.0.123", NULL);
	ok(dhcpc_judge(&e, &m, why, sizeof(why)) == DHCPC_IGNORE &&
	   strstr(why, "no server identifier"),
	   "  ... an ACK without option 54 is refused: %s", why);
	reply(&m, DHCP_NAK, "0.0.0.0", NULL);
	ok(dhcpc_judge(&e, &m, why, sizeof(why)) == DHCPC_IGNORE &&
	   strstr(why, "no server identifier"),
	   "  ... a NAK without option 54 is refused: %s", why);
	reply(&m, DHCP_ACK, "10.9.0.124", "10.9.0.1");
	ok(dhcpc_judge(&e, &m, why, sizeof(why)) == DHCPC_IGNORE &&
	   strstr(why, "not the offered 10.9.0.123"),
	   "  ... an ACK for another address than offered is refused: %s", why);
	reply(&m, DHCP_ACK, "10.9.0.123", "10.9.0.2");
	ok(dhcpc_judge(&e, &m, why, sizeof(why)) == DHCPC_IGNORE && why[0],
	   "  ... another server's ACK is refused: %s", why);
	reply(&m, DHCP_NAK, "0.0.0.0", "10.9.0.2");
	ok(dhcpc_judge(&e, &m, why, sizeof(why)) == DHCPC_IGNORE && why[0],
	   "  ... another server's NAK is refused");
	reply(&m, DHCP_NAK, "0.0.0.0", "10.9.0.1");
	is_int(dhcpc_judge(&e, &m, why, sizeof(why)), DHCPC_TAKE_NAK,
	       "  ... the chosen server's NAK is taken");
	reply(&m, DHCP_OFFER, "10.9.0.124", "10.9.0.2");
	ok(dhcpc_judge(&e, &m, why, sizeof(why)) == DHCPC_IGNORE && !why[0],
	   "  ... a late OFFER is ignored, silently");
	reply(&m, DHCP_ACK, "10.9.0.123", "10.9.0.1");
	m.lease = 0;
	ok(dhcpc_judge(&e, &m, why, sizeof(why)) == DHCPC_IGNORE && why[0],
	   "  ... an ACK without a lease time is refused");

	e.state = DHCPC_RENEWING;
	reply(&m, DHCP_ACK, "10.9.0.123", "10.9.0.1");
	is_int(dhcpc_judge(&e, &m, why, sizeof(why)), DHCPC_TAKE_ACK,
	       "RENEWING: the lease's server's ACK is taken");
	reply(&m, DHCP_ACK, "10.9.0.123", "10.9.0.2");
	ok(dhcpc_judge(&e, &m, why, sizeof(why)) == DHCPC_IGNORE &&
	   strstr(why, "the lease's server"),
	   "  ... another server's ACK is refused: %s", why);
	reply(&m, DHCP_NAK, "0.0.0.0", "10.9.0.2");
	ok(dhcpc_judge(&e, &m, why, sizeof(why)) == DHCPC_IGNORE && why[0],
	   "  ... another server's NAK is refused");
	reply(&m, DHCP_ACK, "10.9.0.77", "10.9.0.1");
	ok(dhcpc_judge(&e, &m, why, sizeof(why)) == DHCPC_IGNORE &&
	   strstr(why, "not the leased 10.9.0.123"),
	   "  ... an ACK for another address is refused: %s", why);

	e.state = DHCPC_REBINDING;
	reply(&m, DHCP_ACK, "10.9.0.123", "10.9.0.2");
	is_int(dhcpc_judge(&e, &m, why, sizeof(why)), DHCPC_TAKE_ACK,
	       "REBINDING: any server's ACK for our address is taken");
	reply(&m, DHCP_ACK, "10.9.0.123", "224.0.0.9");
	ok(dhcpc_judge(&e, &m, why, sizeof(why)) == DHCPC_IGNORE && why[0],
	   "  ... but not from a multicast server id: %s", why);
	reply(&m, DHCP_NAK, "0.0.0.0", "10.9.0.2");
	ok(dhcpc_judge(&e, &m, why, sizeof(why)) == DHCPC_IGNORE && why[0],
	   "  ... another server's NAK is not honoured: %s", why);
	reply(&m, DHCP_NAK, "0.0.0.0", "10.9.0.1");
	is_int(dhcpc_judge(&e, &m, why, sizeof(why)), DHCPC_TAKE_NAK,
	       "  ... the lease's server's NAK is");

	e.state = DHCPC_BOUND;
	reply(&m, DHCP_NAK, "0.0.0.0", "10.9.0.1");
	is_int(dhcpc_judge(&e, &m, why, sizeof(why)), DHCPC_IGNORE,
	       "BOUND: nothing is waited for");
}

/**
 * lease_of() - dhcpc_lease_from() on an ACK with these values
 * @addr:	yiaddr
 * @mask:	option 1, NULL for none
 * @router:	option 3, NULL for none
 * @l:		the lease
 * @why:	the reason, at least 128 bytes
 *
 * Return: what dhcpc_lease_from() returns.
 */
static int lease_of(const char *addr, const char *mask, const char *router,
		    struct dhcpc_lease *l, char *why)
{
	struct dhcp_msg m;

	reply(&m, DHCP_ACK, addr, "10.9.0.1");
	m.mask = mask ? a4(mask) : 0;
	m.router = router ? a4(router) : 0;
	why[0] = '\0';
	return dhcpc_lease_from(&m, l, why, 128);
}

/**
 * test_lease_check() - ACKs the kernel would refuse are refused first
 */
static void test_lease_check(void)
{
	struct dhcpc_lease l;
	char why[128];

	ok(lease_of("10.9.0.123", "255.255.255.0", "10.9.0.1", &l, why) == 0 &&
	   l.prefixlen == 24 && l.router == a4("10.9.0.1"), "a good ACK: /24 via .1");
	ok(lease_of("10.9.0.123", "255.255.255.255", "10.9.0.1", &l, why) == -EINVAL &&
	   strstr(why, "router 10.9.0.1 is outside the subnet"),
	   "mask 255.255.255.255 with a router is refused: %s", why);
	ok(lease_of("10.9.0.123", "255.255.255.255", NULL, &l, why) == 0 &&
	   l.prefixlen == 32, "  ... without a router it is a /32");
	ok(lease_of("10.9.0.123", "0.255.255.255", NULL, &l, why) == -EINVAL &&
	   strstr(why, "not a prefix"),
	   "a non-contiguous mask (once read as /0) is refused: %s", why);
	ok(lease_of("10.9.0.123", "255.0.255.0", NULL, &l, why) == -EINVAL,
	   "  ... 255.0.255.0 too");
	ok(lease_of("10.9.0.123", "255.255.255.0", "10.9.1.1", &l, why) == -EINVAL &&
	   strstr(why, "outside"), "a router outside the subnet: %s", why);
	ok(lease_of("10.9.0.123", "255.255.255.0", "10.9.0.123", &l, why) == -EINVAL &&
	   strstr(why, "our own"), "a router at our own address: %s", why);
	ok(lease_of("10.9.0.123", "255.255.255.0", "10.9.0.255", &l, why) == -EINVAL,
	   "a router at the broadcast address: %s", why);
	ok(lease_of("10.9.0.255", "255.255.255.0", NULL, &l, why) == -EINVAL &&
	   strstr(why, "broadcast"), "our address at the subnet's broadcast: %s", why);
	ok(lease_of("10.9.0.0", "255.255.255.0", NULL, &l, why) == -EINVAL,
	   "  ... or its network address");
	ok(lease_of("127.0.0.2", "255.0.0.0", NULL, &l, why) == -EINVAL &&
	   strstr(why, "not a unicast"), "a loopback address: %s", why);
	ok(lease_of("239.1.1.1", NULL, NULL, &l, why) == -EINVAL,
	   "a multicast address");
	ok(lease_of("10.9.0.123", "255.255.255.0", "255.255.255.255", &l, why) == -EINVAL,
	   "a broadcast router");
	ok(lease_of("10.9.0.0", "255.255.255.254", "10.9.0.1", &l, why) == 0 &&
	   l.prefixlen == 31, "a /31 (RFC 3021) with the other end as router");
	ok(lease_of("172.16.5.5", NULL, "172.16.0.1", &l, why) == 0 &&
	   l.prefixlen == 16, "no mask: the classful default (/16)");
}

/**
 * test_dnsmasq_argv() - the command line for a sample network
 */
static void test_dnsmasq_argv(void)
{
	struct nsnet_prefix listen = pfx("192.168.15.5"), net = pfx("192.168.15.0/24"),
			    a = pfx("192.168.15.100"), b = pfx("192.168.15.150");
	struct nsnet_prefix up[] = { pfx("127.0.0.53"), pfx("2001:db8::53") };
	struct dnsmasq_host hosts[] = {
		{ "red", pfx("192.168.15.1") },
		{ NULL, { 0 } },
	};
	struct dnsmasq_conf c = {
		.ifname = "v-net-0", .listen = &listen, .subnet = &net,
		.range_start = &a, .range_end = &b, .lease_secs = 3600,
		.router = &listen, .dns = &listen, .domain = "house",
		.pid_path = "/run/nsnet/house.dnsmasq.pid",
		.lease_path = "/run/nsnet/house.leases", .hosts = hosts,
	};
	const char *want =
		"/usr/sbin/dnsmasq --keep-in-foreground --conf-file=/dev/null "
		"--no-hosts --bind-interfaces --interface=v-net-0 "
		"--except-interface=lo --listen-address=192.168.15.5 "
		"--user=dnsmasq --group=nogroup "
		"--pid-file=/run/nsnet/house.dnsmasq.pid "
		"--dhcp-leasefile=/run/nsnet/house.leases --log-facility=- "
		"--dhcp-authoritative --no-ping "
		"--dhcp-range=192.168.15.100,192.168.15.150,255.255.255.0,3600 "
		"--dhcp-option=option:router,192.168.15.5 "
		"--dhcp-option=option:dns-server,192.168.15.5 "
		"--domain=house --local=/house/ "
		"--host-record=red,red.house,192.168.15.1 "
		"--no-resolv --bogus-priv --domain-needed";
	char **argv = NULL, text[2048] = "";
	size_t i;

	is_int(dnsmasq_argv(&c, &argv), 0, "dnsmasq_argv() builds");
	for (i = 0; argv && argv[i]; i++) {
		if (i)
			strcat(text, " ");
		strncat(text, argv[i], sizeof(text) - strlen(text) - 2);
	}
	is_str(text, want, "the whole command line");
	dnsmasq_argv_free(argv);

	c.router = c.dns = NULL;
	c.domain = NULL;
	c.hosts = NULL;
	c.upstream = up;
	c.n_upstream = 2;
	c.renew_secs = 5;
	is_int(dnsmasq_argv(&c, &argv), 0, "without router, DNS and domain");
	text[0] = '\0';
	for (i = 0; argv && argv[i]; i++) {
		strncat(text, argv[i], sizeof(text) - strlen(text) - 2);
		strcat(text, " ");
	}
	ok(strstr(text, "--dhcp-option=option:router ") &&
	   strstr(text, "--port=0 ") && !strstr(text, "--domain=") &&
	   strstr(text, "--dhcp-option=option:T1,5 ") &&
	   strstr(text, "--no-resolv --bogus-priv --domain-needed "
			"--server=127.0.0.53 --server=2001:db8::53 "),
	   "no router option, DNS off, T1, upstreams: %s", text);
	dnsmasq_argv_free(argv);

	c.domain = "a,b";
	is_int(dnsmasq_argv(&c, &argv), -EINVAL, "a domain with a comma is refused");
	ok(argv == NULL, "and nothing is returned");
	c.domain = NULL;
	c.lease_secs = 60;
	is_int(dnsmasq_argv(&c, &argv), -EINVAL, "a lease under 2 minutes is refused");
	c.lease_secs = 3600;
	c.ifname = "-x";
	is_int(dnsmasq_argv(&c, &argv), -EINVAL, "an interface named -x is refused");
	dnsmasq_argv_free(NULL);
}

/**
 * test_leases() - dnsmasq's lease file
 */
static void test_leases(void)
{
	char path[] = "/tmp/nsnet-test-leasesXXXXXX";
	struct nsnet_ctx *ctx = NULL;
	struct dnsmasq_lease *l = NULL;
	FILE *f;
	int fd, n;

	fd = mkstemp(path);
	f = fd >= 0 ? fdopen(fd, "w") : NULL;
	if (!f || nsnet_ctx_new(&ctx)) {
		skip(6, "no temporary file or context");
		return;
	}
	fputs("1764590000 02:00:00:aa:bb:cc 10.9.0.123 red 01:02:00:00:aa:bb:cc\n"
	      "0 02:00:00:aa:bb:cd 10.9.0.124 * *\n"
	      "duid 00:01:00:01:2c:aa\n"
	      "garbage\n", f);
	fclose(f);
	n = dnsmasq_leases_read(ctx, path, &l);
	is_int(n, 2, "two leases, other lines skipped");
	if (n == 2) {
		ok(l[0].expires == 1764590000 && !strcmp(l[0].mac, "02:00:00:aa:bb:cc"),
		   "expiry and MAC");
		ok(l[0].address.family == AF_INET &&
		   !memcmp(l[0].address.addr, "\x0a\x09\x00\x7b", 4), "address");
		ok(!strcmp(l[0].hostname, "red") &&
		   !strcmp(l[0].client_id, "01:02:00:00:aa:bb:cc"),
		   "hostname and client id");
		ok(!l[1].hostname[0] && !l[1].client_id[0] && l[1].expires == 0,
		   "\"*\" is none; 0 is an infinite lease");
	} else {
		skip(3, "lease file not read");
	}
	free(l);
	unlink(path);
	is_int(dnsmasq_leases_read(ctx, path, &l), 0, "a missing file is no lease");
	free(l);
	nsnet_ctx_free(ctx);
}

/**
 * print_argv() - the --dnsmasq-argv mode: print the builder's output
 * @argc:	argument count
 * @argv:	KEY=VALUE arguments
 *
 * Return: exit status.
 */
static int print_argv(int argc, char **argv)
{
	struct nsnet_prefix p[6], upstream;
	const char *keys[] = { "listen", "subnet", "start", "end", "router", "dns" };
	bool has[6] = { false };
	struct dnsmasq_conf c = { .lease_secs = 120 };
	char **out;
	int i, k, err;

	for (i = 2; i < argc; i++) {
		char *eq = strchr(argv[i], '=');

		if (!eq)
			return 2;
		*eq++ = '\0';
		for (k = 0; k < 6; k++)
			if (!strcmp(argv[i], keys[k])) {
				if (nsnet_prefix_parse(eq, 0, &p[k]))
					return 2;
				has[k] = true;
			}
		if (!strcmp(argv[i], "ifname"))
			c.ifname = eq;
		else if (!strcmp(argv[i], "lease"))
			c.lease_secs = (unsigned int)atoi(eq);
		else if (!strcmp(argv[i], "renew"))
			c.renew_secs = (unsigned int)atoi(eq);
		else if (!strcmp(argv[i], "domain"))
			c.domain = eq;
		else if (!strcmp(argv[i], "pid"))
			c.pid_path = eq;
		else if (!strcmp(argv[i], "leases"))
			c.lease_path = eq;
		else if (!strcmp(argv[i], "upstream")) {
			if (nsnet_prefix_parse(eq, NSNET_PFX_NO_LEN, &upstream))
				return 2;
			c.upstream = &upstream;
			c.n_upstream = 1;
		}
	}
	c.listen = has[0] ? &p[0] : NULL;
	c.subnet = has[1] ? &p[1] : NULL;
	c.range_start = has[2] ? &p[2] : NULL;
	c.range_end = has[3] ? &p[3] : NULL;
	c.router = has[4] ? &p[4] : NULL;
	c.dns = has[5] ? &p[5] : NULL;
	err = dnsmasq_argv(&c, &out);
	if (err) {
		fprintf(stderr, "dnsmasq_argv: %s\n", strerror(-err));
		return 1;
	}
	for (i = 0; out[i]; i++)
		printf("%s\n", out[i]);
	dnsmasq_argv_free(out);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc > 1 && !strcmp(argv[1], "--dnsmasq-argv"))
		return print_argv(argc, argv);
	test_round_trip();
	test_offer();
	test_malformed();
	test_names();
	test_name_files();
	test_judge();
	test_lease_check();
	test_dnsmasq_argv();
	test_leases();
	return done_testing();
}
