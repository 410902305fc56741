// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_cli.c - the command line without the kernel: argv parsing, refusals
 * (exit code and the one-line message), help generated from the tables, and
 * JSON rendering with iproute2's keys.
 */
#include <arpa/inet.h>
#include <linux/if.h>
#include <linux/rtnetlink.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "tap.h"

/**
 * struct run - what one cli_main() call printed and returned
 * @rc:		exit code
 * @out:	stdout text
 * @err:	stderr text
 */
struct run {
	int rc;
	char *out;
	char *err;
};

/**
 * run_argv() - run cli_main() on a NULL-terminated word list
 * @words:	arguments after "nsnet"
 *
 * Only commands refused before the kernel is asked may be run here (no
 * privileges): the point is to prove they are refused that early.
 *
 * Return: the result; free out and err.
 */
static struct run run_argv(const char *const *words)
{
	struct run r = { 0 };
	size_t olen, elen;
	char *argv[32];
	struct cli c = { 0 };
	int argc = 0;

	while (words[argc] && argc < 31) {
		argv[argc] = (char *)words[argc];
		argc++;
	}
	argv[argc] = NULL;
	c.out = open_memstream(&r.out, &olen);
	c.err = open_memstream(&r.err, &elen);
	r.rc = cli_main(&c, argc, argv);
	nsnet_ctx_free(c.ctx);
	fclose(c.out);
	fclose(c.err);
	return r;
}

/**
 * refused() - assert a command is refused with exit 2 and one line naming @needle
 * @needle:	text the message must contain
 * @words:	the command
 */
#define refused(needle, ...) refused_(needle, (const char *const[]){ __VA_ARGS__, NULL })
static void refused_(const char *needle, const char *const *words)
{
	struct run r = run_argv(words);
	size_t n = strlen(r.err);
	bool one_line = n > 0 && r.err[n - 1] == '\n' &&
			!memchr(r.err, '\n', n - 1);

	ok(r.rc == EXIT_USAGE && one_line && !strncmp(r.err, "nsnet: ", 7) &&
	   strstr(r.err, needle),
	   "refused: %s %s ... -> rc %d, %.*s", words[0],
	   words[1] ? words[1] : "", r.rc, (int)(n ? n - 1 : 0), r.err);
	free(r.out);
	free(r.err);
}

/**
 * test_refusals() - bad input never reaches the kernel
 */
static void test_refusals(void)
{
	refused("\"a/b\"", "netns", "add", "a/b");
	refused("\"..\"", "netns", "add", "..");
	refused("\"-x\"", "netns", "add", "-x");
	refused("\"a b\"", "netns", "del", "a b");
	refused("\"\"", "netns", "add", "");
	refused("\"a/b\"", "-n", "a/b", "link", "show");
	refused("abcdefghijklmnop", "link", "add", "abcdefghijklmnop", "type", "bridge");
	refused("averyveryverylongname", "link", "add", "v", "type", "veth",
		"peer", "name", "averyveryverylongname");
	refused("\"foo\"", "link", "add", "x", "type", "foo");
	refused("missing \"type", "link", "add", "x");
	refused("\"10.0.0.300/24\"", "addr", "add", "10.0.0.300/24", "dev", "lo");
	refused("\"10.0.0.1/33\"", "addr", "add", "10.0.0.1/33", "dev", "lo");
	refused("dev IF", "addr", "add", "10.0.0.1/24");
	refused("\"10.0.0.1/24\"", "route", "add", "10.0.0.1/24", "dev", "lo");
	refused("via GATEWAY", "route", "add", "10.0.0.0/24");
	refused("\"fe80::1\"", "route", "add", "10.0.0.0/24", "via", "fe80::1");
	refused("\"frob\"", "link", "set", "lo", "frob");
	refused("nothing to change", "link", "set", "lo");
	refused("\"0\"", "link", "set", "lo", "mtu", "0");
	refused("\"12x\"", "link", "set", "lo", "mtu", "12x");
	refused("\"bogus\"", "bogus");
	refused("\"frob\"", "link", "frob");
	refused("\"-z\"", "-z", "link");
	refused("-n red", "-n", "red", "netns", "list");
	refused("pid \"abc\"", "netns", "attach", "x", "abc");
	refused("pid \"0\"", "netns", "identify", "0");
}

/**
 * test_parsers() - what the parsers extract from iproute2's spellings
 */
static void test_parsers(void)
{
	struct cli c = { .out = stdout, .err = stderr };
	struct nsnet_link_change ch;
	struct nsnet_route_spec sp;
	struct link_add_args a;
	struct nsnet_prefix p, gw;
	const char *name, *dev;
	char buf[64];

	{
		char *v[] = { "veth-red", "type", "veth", "peer", "name",
			      "veth-red-br", "netns", "red" };

		is_int(link_add_parse(&c, 8, v, &a), 0, "link add veth ... peer name P netns NS");
		ok(!strcmp(a.name, "veth-red") && !strcmp(a.peer, "veth-red-br") &&
		   !a.name_ns && a.peer_ns && !strcmp(a.peer_ns, "red"),
		   "netns after peer applies to the peer");
	}
	{
		char *v[] = { "name", "a", "netns", "x", "type", "veth", "peer", "b" };

		is_int(link_add_parse(&c, 8, v, &a), 0, "link add name A netns X type veth peer B");
		ok(!strcmp(a.name_ns, "x") && !strcmp(a.peer, "b") && !a.peer_ns,
		   "netns before type applies to the first end");
	}
	{
		char *v[] = { "dev", "veth-red-br", "master", "v-net-0", "up", "mtu", "1400" };

		is_int(link_set_parse(&c, 7, v, &name, &ch), 0, "link set dev X master BR up mtu N");
		ok(!strcmp(name, "veth-red-br") && !strcmp(ch.master, "v-net-0") &&
		   ch.up == 1 && ch.mtu == 1400 && !ch.netns, "all changes taken");
	}
	{
		char *v[] = { "dev", "veth-blue", "192.168.15.2/24" };

		is_int(addr_parse(&c, 3, v, "add", &p, &dev), 0, "addr add dev IF CIDR (tutorial order)");
		is_str(nsnet_prefix_format(&p, true, buf, sizeof(buf)), "192.168.15.2/24", "address");
		is_str(dev, "veth-blue", "device");
	}
	{
		char *v[] = { "10.1.1.1", "dev", "lo" };

		is_int(addr_parse(&c, 3, v, "add", &p, &dev), 0, "addr add without /LEN");
		is_int((int)p.len, 32, "defaults to /32 like ip");
	}
	{
		char *v[] = { "default", "via", "192.168.15.5" };

		is_int(route_parse(&c, 3, v, "add", &sp, &gw), 0, "route add default via GW");
		ok(sp.dst.len == 0 && sp.dst.family == AF_INET && sp.via && !sp.dev,
		   "default route, IPv4");
	}
	{
		char *v[] = { "default", "via", "fd00::1", "dev", "eth0" };

		is_int(route_parse(&c, 5, v, "add", &sp, &gw), 0, "route add default via IPv6 GW");
		ok(sp.dst.family == AF_INET6 && !strcmp(sp.dev, "eth0"),
		   "default takes the gateway's family");
	}
}

/**
 * test_help() - help is generated from the tables and names every verb
 */
static void test_help(void)
{
	static const char *const verbs[] = {
		"netns add", "netns del", "netns list", "netns exec",
		"netns identify", "netns pids", "netns attach", "netns set",
		"netns list-id", "netns monitor", "link add",
		"link set", "link del", "link show", "addr add", "addr del",
		"addr show", "route add", "route del", "route show",
		"neigh show",
	};
	struct run r = run_argv((const char *const[]){ "--help", NULL });
	size_t i;

	is_int(r.rc, 0, "--help exits 0");
	for (i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++)
		ok(strstr(r.out, verbs[i]) != NULL, "--help lists \"%s\"", verbs[i]);
	free(r.out);
	free(r.err);
	r = run_argv((const char *const[]){ "help", "route", NULL });
	ok(r.rc == 0 && strstr(r.out, "route add") && !strstr(r.out, "link add"),
	   "help route shows only route");
	free(r.out);
	free(r.err);
	r = run_argv((const char *const[]){ NULL });
	ok(r.rc == EXIT_USAGE && strstr(r.err, "Usage:"), "no arguments: usage, exit 2");
	free(r.out);
	free(r.err);
}

/**
 * test_proc_cli() - exec/run/ps/stop/logs: refused before the kernel is
 * asked, and listed in the help
 */
static void test_proc_cli(void)
{
	static const char *const verbs[] = { "exec LAB NODE", "run LAB NODE",
					     "ps [LAB]", "stop LAB", "logs LAB" };
	struct run r;
	size_t i;

	refused("LAB NODE", "exec", "house");
	refused("empty command", "exec", "house", "red", "--");
	refused("empty command", "run", "house", "red");
	refused("\"sometimes\"", "run", "house", "red", "--restart", "sometimes", "--", "true");
	refused("\"novalue\"", "exec", "house", "red", "-e", "novalue", "--", "true");
	refused("\"--frob\"", "run", "house", "red", "--frob", "x", "--", "true");
	refused("\"--name\"", "exec", "house", "red", "--name", "x", "--", "true");
	refused("\"a/b\"", "exec", "a/b", "red", "--", "true");
	refused("\"..\"", "run", "house", "..", "--", "true");
	refused("LAB and ID", "stop", "house");
	refused("LAB and ID", "stop", "house", "web", "--all");
	refused("\"x\"", "stop", "house", "--all", "--timeout", "x");
	refused("LAB and ID", "logs", "house");
	refused("\"a/b\"", "ps", "a/b");
	r = run_argv((const char *const[]){ "--help", NULL });
	for (i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++)
		ok(strstr(r.out, verbs[i]) != NULL, "--help lists \"%s\"", verbs[i]);
	free(r.out);
	free(r.err);
	r = run_argv((const char *const[]){ "help", "run", NULL });
	ok(r.rc == 0 && strstr(r.out, "--restart no|on-failure|always"),
	   "help run shows the restart policies");
	free(r.out);
	free(r.err);
}

/**
 * dumps() - compact JSON text of @o, consumed
 * @o:		JSON value
 *
 * Return: malloc'd text.
 */
static char *dumps(json_t *o)
{
	char *s = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);

	json_decref(o);
	return s;
}

/**
 * test_render() - JSON keys and values as `ip -j` prints them
 */
static void test_render(void)
{
	struct nsnet_link links[2] = {
		{ .ifindex = 4, .name = "v-net-0", .kind = "bridge",
		  .flags = IFF_UP | IFF_BROADCAST | IFF_MULTICAST | IFF_RUNNING |
			   IFF_LOWER_UP,
		  .mtu = 1500, .operstate = 6, .type = 1, .addr_len = 6,
		  .addr = { 0x6a, 0x96, 0x44, 0x8f, 0xf1, 0xa9 },
		  .brd = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff }, .link_netnsid = -1 },
		{ .ifindex = 5, .name = "veth-red-br", .kind = "veth",
		  .flags = IFF_UP | IFF_BROADCAST, .mtu = 1500, .operstate = 2,
		  .type = 1, .master = 4, .link = 6, .link_netnsid = 0 },
	};
	struct linkmap m = { links, 2, NULL };
	struct nsnet_address a = { .ifindex = 4, .scope = RT_SCOPE_UNIVERSE,
				   .flags = 0x80 /* IFA_F_PERMANENT */,
				   .label = "v-net-0",
				   .valid_lft = UINT32_MAX, .preferred_lft = UINT32_MAX };
	struct nsnet_route rt = { .oif = 4, .protocol = RTPROT_BOOT,
				  .scope = RT_SCOPE_UNIVERSE, .type = RTN_UNICAST,
				  .table = RT_TABLE_MAIN, .has_gateway = true };
	struct nsnet_route host = { .oif = 9, .protocol = RTPROT_KERNEL,
				    .scope = RT_SCOPE_LINK, .type = RTN_UNICAST };
	struct nsnet_netns ns = { .name = "red", .id = 0 };
	char *s;

	s = dumps(render_link(&links[0], &m));
	is_str(s, "{\"ifindex\":4,\"ifname\":\"v-net-0\",\"flags\":[\"BROADCAST\","
		  "\"MULTICAST\",\"UP\",\"LOWER_UP\"],\"mtu\":1500,\"operstate\":\"UP\","
		  "\"group\":\"default\",\"link_type\":\"ether\",\"address\":"
		  "\"6a:96:44:8f:f1:a9\",\"broadcast\":\"ff:ff:ff:ff:ff:ff\","
		  "\"linkinfo\":{\"info_kind\":\"bridge\"}}", "bridge link");
	free(s);
	s = dumps(render_link(&links[1], &m));
	ok(strstr(s, "\"link_index\":6") && strstr(s, "\"master\":\"v-net-0\"") &&
	   strstr(s, "\"link_netnsid\":0") && strstr(s, "\"NO-CARRIER\""),
	   "veth port: peer index in another netns, master by name, no carrier: %s", s);
	free(s);
	nsnet_prefix_parse("192.168.15.5/24", 0, &a.local);
	s = dumps(render_addr(&a));
	is_str(s, "{\"family\":\"inet\",\"local\":\"192.168.15.5\",\"prefixlen\":24,"
		  "\"scope\":\"global\",\"label\":\"v-net-0\",\"valid_life_time\":"
		  "4294967295,\"preferred_life_time\":4294967295}", "address");
	free(s);
	nsnet_prefix_parse("default", NSNET_PFX_DEFAULT, &rt.dst);
	nsnet_prefix_parse("192.168.15.5", 0, &rt.gateway);
	s = dumps(render_route(&rt, &m));
	is_str(s, "{\"dst\":\"default\",\"gateway\":\"192.168.15.5\",\"dev\":\"v-net-0\","
		  "\"flags\":[]}", "default route (proto boot left out, as ip does)");
	free(s);
	nsnet_prefix_parse("10.0.0.7", 0, &host.dst);
	s = dumps(render_route(&host, &m));
	is_str(s, "{\"dst\":\"10.0.0.7\",\"dev\":\"if9\",\"protocol\":\"kernel\","
		  "\"scope\":\"link\",\"flags\":[]}", "host route without /32, unknown dev");
	free(s);
	s = dumps(render_netns(&ns));
	is_str(s, "{\"name\":\"red\",\"id\":0}", "netns");
	free(s);
}

/**
 * main() - run all groups
 *
 * Return: 0 if everything passed.
 */
/**
 * test_words() - -j anywhere, OBJECT --help, one lab-name check for every
 * verb, and the wrong word named
 */
static void test_words(void)
{
	struct run r;

	/* -j after the verb is taken as -j: the lab name is what is wrong */
	refused("lab \"a;b\": only letters", "status", "a;b", "-j");
	refused("lab \"a;b\": only letters", "status", "--json", "a;b");
	refused("lab \"a;b\": only letters", "down", "a;b");
	refused("lab \"a;b\": only letters", "stop", "a;b", "--all");
	refused("lab \"a;b\": only letters", "graph", "-o", "x.dot", "a;b", "-j");
	refused("lab \"\\xff\\xfe\": only letters", "logs", "\xff\xfe", "x");
	refused("lab \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa...\": longer than 32 bytes",
		"ps", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
	refused("lab \"a;b\"", "exec", "a;b", "n", "--", "true", "-j");
	/* after "--" or an exec's command, -j is the command's: left alone */
	refused("empty command", "exec", "lab", "node", "-j");
	/* the word that is wrong, and the right form */
	refused("\"tcp\": a protocol is written \"proto tcp\"", "forward", "add",
		"tcp", "80", "to", "192.168.15.2", "-j");
	refused("nsnet's is: forward add 80 to 192.168.15.2:80", "forward", "add",
		"--dport", "80", "--to-destination", "192.168.15.2:80");
	refused("dev nosuchif0: no such interface on the host", "nat", "add",
		"10.0.0.0/24", "dev", "nosuchif0");
	/* OBJECT --help is nsnet help OBJECT */
	r = run_argv((const char *const[]){ "netns", "--help", NULL });
	ok(r.rc == 0 && strstr(r.out, "netns add") && !strstr(r.out, "link add"),
	   "netns --help shows netns's verbs only (rc %d)", r.rc);
	free(r.out);
	free(r.err);
	r = run_argv((const char *const[]){ "route", "add", "-h", NULL });
	ok(r.rc == 0 && strstr(r.out, "route add") && !strstr(r.out, "netns add"),
	   "route add -h shows route's verbs (rc %d)", r.rc);
	free(r.out);
	free(r.err);
}

int main(void)
{
	test_words();
	test_refusals();
	test_parsers();
	test_help();
	test_proc_cli();
	test_render();
	return done_testing();
}
