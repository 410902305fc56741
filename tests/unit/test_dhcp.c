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
	ok(dhcp_decode(bad, DHCP_OPT_OFF + 8, &m) == 0 &&
	   !strcmp(m.domain, "l?ab?"),
	   "control characters in a domain name are neutralized");
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
	test_dnsmasq_argv();
	test_leases();
	return done_testing();
}
