// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_validate.c - the pure validators of libnsnet: namespace and interface
 * names, CIDR parsing (every NSNET_PFX_* flag) and formatting.
 */
#include <arpa/inet.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include <nsnet/nsnet.h>

#include "tap.h"

/**
 * show() - quote @s for a test name, escaping control characters
 * @s:	the text
 *
 * Return: a static buffer (four in rotation, so one printf may use several).
 */
static const char *show(const char *s)
{
	static char bufs[4][128];
	static int n;
	char *b = bufs[n++ % 4], *p = b;

	*p++ = '"';
	for (; *s && p < b + sizeof(bufs[0]) - 8; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '\t')
			p += sprintf(p, "\\t");
		else if (c == '\n')
			p += sprintf(p, "\\n");
		else if (c < 0x20 || c == 0x7f)
			p += sprintf(p, "\\x%02x", c);
		else
			*p++ = (char)c;
	}
	if (*s)
		p += sprintf(p, "...");
	*p++ = '"';
	*p = '\0';
	return b;
}

/* ns_ok() - @name is a valid namespace name */
static void ns_ok(const char *name)
{
	const char *why = nsnet_check_nsname(name);

	if (!ok(why == NULL, "nsname %s accepted", show(name)))
		diag("refused: %s", why);
}

/* ns_bad() - @name is refused as a namespace name, with a reason */
static void ns_bad(const char *name)
{
	const char *why = nsnet_check_nsname(name);

	ok(why != NULL && *why, "nsname %s refused (%s)", show(name),
	   why ? why : "accepted");
}

/* if_ok() - @name is a valid interface name */
static void if_ok(const char *name)
{
	const char *why = nsnet_check_ifname(name);

	if (!ok(why == NULL, "ifname %s accepted", show(name)))
		diag("refused: %s", why);
}

/* if_bad() - @name is refused as an interface name, with a reason */
static void if_bad(const char *name)
{
	const char *why = nsnet_check_ifname(name);

	ok(why != NULL && *why, "ifname %s refused (%s)", show(name),
	   why ? why : "accepted");
}

/* pfx_bad() - @s is refused by nsnet_prefix_parse() with @flags */
static void pfx_bad(const char *s, unsigned int flags)
{
	struct nsnet_prefix p;
	const char *why;

	memset(&p, 0, sizeof(p));
	why = nsnet_prefix_parse(s, flags, &p);
	ok(why != NULL && *why, "prefix %s flags 0x%x refused (%s)", show(s),
	   flags, why ? why : "accepted");
}

/**
 * pfx_ok() - @s parses with @flags to @family/@len and formats back
 * @s:		the text
 * @flags:	NSNET_PFX_* flags
 * @family:	expected family
 * @len:	expected prefix length
 * @addr:	expected address text (inet_pton form), compared bytewise
 */
static void pfx_ok(const char *s, unsigned int flags, int family,
		   unsigned int len, const char *addr)
{
	struct nsnet_prefix p;
	uint8_t want[16] = { 0 };
	const char *why;

	memset(&p, 0xa5, sizeof(p));
	why = nsnet_prefix_parse(s, flags, &p);
	if (!ok(why == NULL, "prefix %s flags 0x%x accepted", show(s), flags)) {
		diag("refused: %s", why);
		return;
	}
	is_int(p.family, family, "  %s family", show(s));
	is_int(p.len, len, "  %s length", show(s));
	inet_pton(family, addr, want);
	ok(memcmp(p.addr, want, family == AF_INET ? 4 : 16) == 0,
	   "  %s address is %s", show(s), addr);
}

/* round_trip() - parse @s, format it with and without length */
static void round_trip(const char *s, const char *plain)
{
	struct nsnet_prefix p;
	char buf[64];
	const char *why;

	why = nsnet_prefix_parse(s, 0, &p);
	if (!ok(why == NULL, "round trip: %s parses", s)) {
		diag("refused: %s", why);
		return;
	}
	memset(buf, 'x', sizeof(buf));
	is_str(nsnet_prefix_format(&p, true, buf, sizeof(buf)), s,
	       "  %s formats back with length", s);
	memset(buf, 'x', sizeof(buf));
	is_str(nsnet_prefix_format(&p, false, buf, sizeof(buf)), plain,
	       "  %s formats as %s without length", s, plain);
}

/* test_nsname() - namespace names: file names under /run/netns */
static void test_nsname(void)
{
	char longname[NSNET_NSNAMSIZ + 1];

	ns_ok("red");
	ns_ok("blue");
	ns_ok("v-net-0");
	ns_ok("ns_1.test");
	ns_ok("a-");

	ns_bad("");
	ns_bad(".");
	ns_bad("..");
	ns_bad("a/b");
	ns_bad("/red");
	ns_bad("../../etc");
	ns_bad("a b");
	ns_bad(" red");
	ns_bad("red ");
	ns_bad("a\tb");
	ns_bad("a\nb");
	ns_bad("a\x01" "b");
	ns_bad(":x");
	ns_bad("a:b");
	ns_bad("-x");
	ns_bad("-");

	memset(longname, 'n', sizeof(longname));
	longname[NSNET_NSNAMSIZ - 1] = '\0';		/* 255 bytes */
	ns_ok(longname);
	longname[NSNET_NSNAMSIZ - 1] = 'n';
	longname[NSNET_NSNAMSIZ] = '\0';		/* 256 bytes */
	ns_bad(longname);
}

/* test_ifname() - interface names as the kernel's dev_valid_name() sees them */
static void test_ifname(void)
{
	if_ok("lo");
	if_ok("red");
	if_ok("eth0");
	if_ok("v-net-0");
	if_ok("veth-red-br");
	if_ok("veth-orange-br");		/* 14 bytes */
	if_ok("abcdefghijklmno");		/* 15 bytes: the maximum */

	if_bad("abcdefghijklmnop");		/* 16 bytes */
	if_bad("averyveryverylongname");
	if_bad("");
	if_bad(".");
	if_bad("..");
	if_bad("a/b");
	if_bad("a b");
	if_bad("a\tb");
	if_bad("a\nb");
	if_bad(":x");
	if_bad("a:b");
	if_bad("-x");
}

/* test_prefix_parse() - strict "ADDR[/LEN]" parsing and the flags */
static void test_prefix_parse(void)
{
	/* plain values, no flags */
	pfx_ok("10.0.0.1/24", 0, AF_INET, 24, "10.0.0.1");
	pfx_ok("10.0.0.1", 0, AF_INET, 32, "10.0.0.1");
	pfx_ok("192.168.15.5/24", 0, AF_INET, 24, "192.168.15.5");
	pfx_ok("0.0.0.0/0", 0, AF_INET, 0, "0.0.0.0");
	pfx_ok("10.0.0.1/32", 0, AF_INET, 32, "10.0.0.1");
	pfx_ok("fe80::1/64", 0, AF_INET6, 64, "fe80::1");
	pfx_ok("fe80::1", 0, AF_INET6, 128, "fe80::1");
	pfx_ok("::1/128", 0, AF_INET6, 128, "::1");
	pfx_ok("::/0", 0, AF_INET6, 0, "::");

	/* malformed or out of range */
	pfx_bad("10.0.0.300/24", 0);
	pfx_bad("10.0.0.1/33", 0);
	pfx_bad("10.0.0.1/", 0);
	pfx_bad("10.0.0.1/24x", 0);
	pfx_bad("10.0.0.1/-1", 0);
	pfx_bad("10.0.0.1/+24", 0);
	pfx_bad("10.0.0.1/ 24", 0);
	pfx_bad("10.0.0.1/99999999999999999999", 0);
	pfx_bad("10.0.0.1/24/24", 0);
	pfx_bad("1.2.3/24", 0);
	pfx_bad("1.2.3", 0);
	pfx_bad(" 10.0.0.1", 0);
	pfx_bad("10.0.0.1 ", 0);
	pfx_bad("", 0);
	pfx_bad("/24", 0);
	pfx_bad("red", 0);
	pfx_bad("::1/129", 0);
	pfx_bad("fe80::1::2/64", 0);
	pfx_bad("fe80::g/64", 0);

	/* NSNET_PFX_NO_HOSTBITS: a network, nothing set after the prefix */
	pfx_ok("10.0.0.0/24", NSNET_PFX_NO_HOSTBITS, AF_INET, 24, "10.0.0.0");
	pfx_ok("192.168.1.0/24", NSNET_PFX_NO_HOSTBITS, AF_INET, 24,
	       "192.168.1.0");
	pfx_ok("10.0.0.1/32", NSNET_PFX_NO_HOSTBITS, AF_INET, 32, "10.0.0.1");
	pfx_ok("0.0.0.0/0", NSNET_PFX_NO_HOSTBITS, AF_INET, 0, "0.0.0.0");
	pfx_ok("2001:db8::/32", NSNET_PFX_NO_HOSTBITS, AF_INET6, 32,
	       "2001:db8::");
	pfx_bad("10.0.0.1/24", NSNET_PFX_NO_HOSTBITS);
	pfx_ok("10.0.0.128/25", NSNET_PFX_NO_HOSTBITS, AF_INET, 25, "10.0.0.128");
	pfx_bad("10.0.0.129/25", NSNET_PFX_NO_HOSTBITS);
	pfx_bad("10.0.1.0/23", NSNET_PFX_NO_HOSTBITS);
	pfx_bad("2001:db8::1/32", NSNET_PFX_NO_HOSTBITS);

	/* NSNET_PFX_DEFAULT: "default" only when asked for */
	pfx_bad("default", 0);
	pfx_bad("default", NSNET_PFX_NEED_LEN);
	pfx_ok("default", NSNET_PFX_DEFAULT, AF_INET, 0, "0.0.0.0");
	pfx_ok("default", NSNET_PFX_DEFAULT | NSNET_PFX_NO_HOSTBITS, AF_INET,
	       0, "0.0.0.0");
	pfx_bad("default/24", NSNET_PFX_DEFAULT);
	pfx_bad("defaults", NSNET_PFX_DEFAULT);

	/* NSNET_PFX_NEED_LEN and NSNET_PFX_NO_LEN */
	pfx_bad("10.0.0.1", NSNET_PFX_NEED_LEN);
	pfx_bad("fe80::1", NSNET_PFX_NEED_LEN);
	pfx_ok("10.0.0.1/24", NSNET_PFX_NEED_LEN, AF_INET, 24, "10.0.0.1");
	pfx_bad("10.0.0.1/24", NSNET_PFX_NO_LEN);
	pfx_bad("10.0.0.1/32", NSNET_PFX_NO_LEN);
	pfx_bad("fe80::1/64", NSNET_PFX_NO_LEN);
	pfx_ok("10.0.0.1", NSNET_PFX_NO_LEN, AF_INET, 32, "10.0.0.1");
	pfx_ok("192.168.15.5", NSNET_PFX_NO_LEN, AF_INET, 32, "192.168.15.5");
	pfx_bad("10.0.0.300", NSNET_PFX_NO_LEN);
}

/* test_prefix_format() - format is the inverse of parse */
static void test_prefix_format(void)
{
	struct nsnet_prefix p;
	char buf[64];

	round_trip("10.0.0.1/24", "10.0.0.1");
	round_trip("192.168.15.5/24", "192.168.15.5");
	round_trip("0.0.0.0/0", "0.0.0.0");
	round_trip("255.255.255.255/32", "255.255.255.255");
	round_trip("fe80::1/64", "fe80::1");
	round_trip("2001:db8::1/128", "2001:db8::1");
	round_trip("::/0", "::");

	/* a hand-built value, and the longest IPv6 text there is */
	memset(&p, 0, sizeof(p));
	p.family = AF_INET;
	p.len = 16;
	p.addr[0] = 172;
	p.addr[1] = 16;
	is_str(nsnet_prefix_format(&p, true, buf, sizeof(buf)), "172.16.0.0/16",
	       "hand-built 172.16.0.0/16 formats");
	ok(nsnet_prefix_parse("ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255/128",
			      0, &p) == NULL, "longest IPv6 text parses");
	memset(buf, 'x', sizeof(buf));
	is_str(nsnet_prefix_format(&p, true, buf, 50),
	       "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/128",
	       "longest IPv6 value fits in 50 bytes");
}

int main(void)
{
	test_nsname();
	test_ifname();
	test_prefix_parse();
	test_prefix_format();
	return done_testing();
}
