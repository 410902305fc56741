// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_lab.c - the lab file: parsing into the model (values and positions),
 * every refusal (one fixture per error under tests/fixtures/labs/bad, each
 * saying what it expects in "# expect: LINE:COL: text" lines), the
 * tutorial labs under tests/fixtures/labs/good, host-side names and the
 * diagnostics helpers.
 *
 * Fixtures are found under $FIXTURES, else tests/fixtures/labs (prove runs
 * from the top of the tree).
 */
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "lab.h"
#include "tap.h"

/**
 * struct expect - one "# expect: LINE:COL: text" line of a fixture
 * @line:	line of the expected problem (0: the whole file)
 * @col:	its column
 * @text:	a part of its message
 */
struct expect {
	unsigned int line;
	unsigned int col;
	char text[256];
};

static const char full_lab[] =
	"lab: house\n"
	"networks:\n"
	"  v-net-0:\n"
	"    type: bridge\n"
	"    subnet: 192.168.15.0/24\n"
	"    gateway: 192.168.15.5\n"
	"  v-net-6:\n"
	"    subnet: fd00:15::/64\n"
	"nodes:\n"
	"  red:\n"
	"    interfaces:\n"
	"      veth-red: {network: v-net-0, address: 192.168.15.1/24}\n"
	"      eth0: {network: v-net-0, address: auto, peer: red-uplink}\n"
	"      eth6: {network: v-net-6, address: fd00:15::10}\n"
	"    routes: [default via 192.168.15.5, 10.9.0.0/16 via 192.168.15.5, 10.8.0.0/16 dev eth0]\n"
	"  blue:\n"
	"    interfaces:\n"
	"      veth-blue: {network: v-net-0, address: 192.168.15.2}\n"
	"    routes:\n"
	"      - default dev ptp-blue\n"
	"      - to 10.1.0.0/16 dev veth-blue via 10.0.0.1\n"
	"  a-node-with-a-long-name:\n"
	"    interfaces:\n"
	"      eth0: {network: v-net-0}\n"
	"links:\n"
	"  - {a: red:ptp-red, b: blue:ptp-blue, addresses: [10.0.0.1/24, 10.0.0.2/24]}\n"
	"  - a: blue:to-long\n"
	"    b: a-node-with-a-long-name:to-blue\n";

/**
 * fixtures() - the fixture directory
 *
 * Return: $FIXTURES or the path relative to the top of the tree.
 */
static const char *fixtures(void)
{
	const char *f = getenv("FIXTURES");

	return f && *f ? f : "tests/fixtures/labs";
}

/**
 * pfx_is() - a prefix formats as @want ("ADDR/LEN")
 * @p:		the prefix
 * @want:	expected text
 * @what:	test name
 */
static void pfx_is(const struct nsnet_prefix *p, const char *want,
		   const char *what)
{
	char buf[64];

	is_str(nsnet_prefix_format(p, true, buf, sizeof(buf)), want, "%s",
	       what);
}

/**
 * pos_is() - a position is @line:@col
 * @p:		the position
 * @line:	expected line
 * @col:	expected column
 * @what:	test name
 */
static void pos_is(struct lab_pos p, unsigned int line, unsigned int col,
		   const char *what)
{
	if (!ok(p.line == line && p.col == col, "%s at %u:%u", what, line, col))
		diag("got %u:%u", p.line, p.col);
}

/**
 * show_diags() - print every problem as a TAP diagnostic
 * @d:		the problems
 */
static void show_diags(const struct lab_diags *d)
{
	char buf[512];
	size_t i;

	for (i = 0; i < d->n; i++)
		diag("  %s", lab_diag_format(d, i, buf, sizeof(buf)));
}

/**
 * test_full_networks() - networks of the full example
 * @lab:	the lab
 */
static void test_full_networks(const struct lab *lab)
{
	const struct lab_network *n = lab->networks;

	is_str(lab->name, "house", "lab name");
	pos_is(lab->name_pos, 1, 6, "lab name");
	is_int(lab->n_networks, 2, "two networks");
	is_str(n[0].name, "v-net-0", "network 0 name");
	pos_is(n[0].pos, 3, 3, "network v-net-0");
	ok(n[0].has_subnet && n[0].has_gateway, "v-net-0 has subnet and gateway");
	pfx_is(&n[0].subnet, "192.168.15.0/24", "v-net-0 subnet");
	pos_is(n[0].subnet_pos, 5, 13, "v-net-0 subnet");
	pfx_is(&n[0].gateway, "192.168.15.5/24",
	       "gateway takes the subnet's length");
	pos_is(n[0].gateway_pos, 6, 14, "v-net-0 gateway");
	pfx_is(&n[1].subnet, "fd00:15::/64", "v-net-6 subnet");
	ok(!n[1].has_gateway, "v-net-6 has no gateway");
}

/**
 * test_full_red() - node red of the full example: interfaces and routes
 * @lab:	the lab
 */
static void test_full_red(const struct lab *lab)
{
	const struct lab_node *red = &lab->nodes[0];
	const struct lab_iface *i = red->ifaces;
	const struct lab_route *r = red->routes;
	char host[NSNET_IFNAMSIZ];

	is_str(red->name, "red", "node 0 is red");
	pos_is(red->pos, 10, 3, "node red");
	is_int(red->n_ifaces, 3, "red has 3 interfaces");
	is_str(i[0].name, "veth-red", "interface veth-red");
	pos_is(i[0].pos, 12, 7, "interface veth-red");
	is_int(i[0].network, 0, "veth-red on network 0");
	is_str(i[0].network_name, "v-net-0", "network name kept");
	pos_is(i[0].network_pos, 12, 27, "veth-red's network");
	is_int(i[0].addr_kind, LAB_ADDR_STATIC, "static address");
	pfx_is(&i[0].addr, "192.168.15.1/24", "veth-red address");
	pos_is(i[0].addr_pos, 12, 45, "veth-red's address");
	is_int(i[1].addr_kind, LAB_ADDR_AUTO, "eth0 address auto");
	pos_is(i[1].addr_pos, 13, 41, "eth0's auto");
	is_str(i[1].peer, "red-uplink", "eth0 peer");
	pos_is(i[1].peer_pos, 13, 53, "eth0's peer");
	pfx_is(&i[2].addr, "fd00:15::10/64", "IPv6 address takes /64");
	is_int(i[2].network, 1, "eth6 on network 1");
	lab_host_ifname(red, &i[0], host);
	is_str(host, "red-veth-red", "derived host-side name");
	lab_host_ifname(red, &i[1], host);
	is_str(host, "red-uplink", "peer is the host-side name");

	is_int(red->n_routes, 3, "red has 3 routes");
	is_str(r[0].text, "default via 192.168.15.5", "route text kept");
	pos_is(r[0].pos, 15, 14, "route 0");
	ok(r[0].dst.family == AF_INET && r[0].dst.len == 0, "default is 0/0");
	ok(r[0].has_via && !r[0].dev[0], "default has via, no dev");
	pfx_is(&r[0].via, "192.168.15.5/32", "default via");
	pfx_is(&r[1].dst, "10.9.0.0/16", "route 1 destination");
	pos_is(r[1].pos, 15, 40, "route 1");
	ok(!r[2].has_via, "route 2 has no via");
	is_str(r[2].dev, "eth0", "route 2 dev");
}

/**
 * test_full_rest() - blue, the long-named node and the links
 * @lab:	the lab
 */
static void test_full_rest(const struct lab *lab)
{
	const struct lab_node *blue = &lab->nodes[1], *lng = &lab->nodes[2];
	const struct lab_link *l = lab->links;
	char host[NSNET_IFNAMSIZ];

	is_int(lab->n_nodes, 3, "three nodes");
	is_str(blue->routes[0].dev, "ptp-blue", "route via a link end");
	ok(blue->routes[0].dst.family == AF_INET && !blue->routes[0].has_via,
	   "default dev: IPv4, no gateway");
	pfx_is(&blue->routes[1].dst, "10.1.0.0/16", "\"to\" is ip's noise word");
	is_str(blue->routes[1].dev, "veth-blue", "dev before via");
	pfx_is(&blue->routes[1].via, "10.0.0.1/32", "via after dev");
	pos_is(blue->routes[1].pos, 21, 9, "block list route");
	is_str(lng->name, "a-node-with-a-long-name", "long node name");
	lab_host_ifname(lng, &lng->ifaces[0], host);
	is_str(host, "a-node-wit-ef78", "long host-side name is hashed");

	is_int(lab->n_links, 2, "two links");
	pos_is(l[0].pos, 26, 5, "link 1");
	is_int(l[0].end[0].node, 0, "link 1 a: red");
	is_str(l[0].end[0].ifname, "ptp-red", "link 1 a: ptp-red");
	pos_is(l[0].end[0].pos, 26, 9, "link 1 a");
	is_int(l[0].end[1].node, 1, "link 1 b: blue");
	is_str(l[0].end[1].node_name, "blue", "link 1 b: node name kept");
	pos_is(l[0].end[1].pos, 26, 25, "link 1 b");
	ok(l[0].end[0].has_addr && l[0].end[1].has_addr, "link 1 addresses");
	pfx_is(&l[0].end[1].addr, "10.0.0.2/24", "link 1 b address");
	pos_is(l[0].end[1].addr_pos, 26, 65, "link 1 b address");
	is_int(l[1].end[1].node, 2, "link 2 b: the long-named node");
	ok(!l[1].end[0].has_addr && !l[1].end[1].has_addr,
	   "link 2 has no addresses");
	pos_is(l[1].end[1].pos, 28, 8, "link 2 b (block mapping)");
}

/* test_full() - the full example parses, checks clean, gives the model */
static void test_full(void)
{
	struct lab_diags d = { 0 };
	struct lab *lab = NULL;
	int rc;

	rc = lab_parse_buffer("full.yaml", full_lab, strlen(full_lab), &lab, &d);
	is_int(rc, 0, "full example parses");
	ok(lab != NULL, "and gives a lab");
	if (!lab) {
		show_diags(&d);
		lab_diags_free(&d);
		return;
	}
	is_int(lab_check(lab, &d), 0, "full example checks clean");
	is_int(d.n, 0, "no problems");
	show_diags(&d);
	is_str(lab->file, "full.yaml", "file name kept");
	is_str(d.file, "full.yaml", "diags file set");
	test_full_networks(lab);
	test_full_red(lab);
	test_full_rest(lab);
	lab_free(lab);
	lab_diags_free(&d);
}

static const char nat_lab[] =
	"lab: house\n"
	"networks:\n"
	"  v-net-0:\n"
	"    subnet: 192.168.15.0/24\n"
	"    gateway: 192.168.15.5\n"
	"    nat: true\n"
	"  v-net-1:\n"
	"    subnet: 192.168.16.0/24\n"
	"    gateway: 192.168.16.1\n"
	"    nat: {out: eth0}\n"
	"  v-net-6:\n"
	"    subnet: fd00:15::/64\n"
	"    gateway: fd00:15::1\n"
	"    nat: False\n"
	"nodes:\n"
	"  red:\n"
	"    interfaces:\n"
	"      eth6: {network: v-net-6, address: auto}\n"
	"      veth-red: {network: v-net-1, address: auto}\n"
	"  blue:\n"
	"    interfaces:\n"
	"      eth6: {network: v-net-6, address: auto}\n"
	"forwards:\n"
	"  - {port: 8080, to: red:80}\n"
	"  - {port: 53, to: \"red:5353\", proto: udp, host: 203.0.113.1}\n"
	"  - port: 8443\n"
	"    proto: tcp\n"
	"    to: blue:443\n";

/* test_nat_forwards() - `nat:` and `forwards:` in the model, with positions */
static void test_nat_forwards(void)
{
	struct lab_diags d = { 0 };
	const struct lab_forward *f;
	const struct lab_network *n;
	struct lab *lab = NULL;
	int rc;

	rc = lab_parse_buffer("nat.yaml", nat_lab, strlen(nat_lab), &lab, &d);
	is_int(rc, 0, "nat lab parses");
	if (!lab) {
		show_diags(&d);
		lab_diags_free(&d);
		return;
	}
	is_int(lab_check(lab, &d), 0, "nat lab checks clean");
	show_diags(&d);
	n = lab->networks;
	ok(n[0].nat && !n[0].nat_out[0], "nat: true, any uplink");
	pos_is(n[0].nat_pos, 6, 10, "nat: true");
	ok(n[1].nat && !strcmp(n[1].nat_out, "eth0"), "nat: {out: eth0}");
	pos_is(n[1].nat_pos, 10, 10, "nat: {out: eth0}");
	ok(!n[2].nat, "nat: False");

	is_int(lab->n_forwards, 3, "three forwards");
	f = lab->forwards;
	ok(f[0].proto == IPPROTO_TCP && f[0].port == 8080 && f[0].to_port == 80,
	   "forward 1: tcp 8080 -> 80 (tcp by default)");
	is_int(f[0].node, 0, "forward 1 goes to red");
	is_str(f[0].node_name, "red", "node name kept");
	ok(!f[0].has_host, "forward 1 has no host");
	pos_is(f[0].pos, 24, 5, "forward 1");
	pos_is(f[0].port_pos, 24, 12, "forward 1 port");
	pos_is(f[0].to_pos, 24, 22, "forward 1 to");
	is_int(lab_forward_iface(lab, &f[0]), 1,
	       "forward 1 reaches red's IPv4 interface, not the first one");
	ok(f[1].proto == IPPROTO_UDP && f[1].port == 53 && f[1].to_port == 5353,
	   "forward 2: udp 53 -> 5353");
	ok(f[1].has_host, "forward 2 has a host");
	pfx_is(&f[1].host, "203.0.113.1/32", "forward 2 host");
	pos_is(f[1].host_pos, 25, 50, "forward 2 host");
	ok(f[2].port == 8443 && f[2].node == 1 && f[2].to_port == 443,
	   "forward 3: a block mapping");
	pos_is(f[2].to_pos, 28, 9, "forward 3 to");
	is_int(lab_forward_iface(lab, &f[2]), 0,
	       "a node with IPv6 only: its IPv6 interface");
	lab_free(lab);
	lab_diags_free(&d);
}

/**
 * list_dir() - the *.yaml files of a fixture directory, sorted
 * @sub:	"good" or "bad"
 * @names:	the names (free each, and the array)
 *
 * Return: the count, or -1.
 */
static int list_dir(const char *sub, struct dirent ***names)
{
	char path[4096];

	snprintf(path, sizeof(path), "%s/%s", fixtures(), sub);
	return scandir(path, names, NULL, alphasort);
}

/**
 * is_yaml() - whether a directory entry is a fixture
 * @name:	its name
 *
 * Return: true for "*.yaml".
 */
static bool is_yaml(const char *name)
{
	size_t n = strlen(name);

	return n > 5 && !strcmp(name + n - 5, ".yaml");
}

/**
 * check_file() - parse and check one fixture
 * @path:	the file
 * @d:		the problems found
 *
 * Return: the first non-zero result of parse and check, or 0.
 */
static int check_file(const char *path, struct lab_diags *d)
{
	struct lab *lab = NULL;
	int rc, rc2 = 0;

	rc = lab_parse_file(path, &lab, d);
	if (lab)
		rc2 = lab_check(lab, d);
	lab_free(lab);
	return rc ? rc : rc2;
}

/* test_services() - the service keys of good/services.yaml, as read */
static void test_services(void)
{
	static const char *const ids[] = {
		"srv-sleep", "srv-sleep-2", "srv-python3", "srv-echo", "long-nap",
	};
	struct lab_diags d = { 0 };
	const struct lab_node *srv, *cli;
	struct lab *lab = NULL;
	char path[4096];
	size_t i;

	snprintf(path, sizeof(path), "%s/good/services.yaml", fixtures());
	is_int(lab_parse_file(path, &lab, &d), 0, "services.yaml parses");
	if (!lab || lab->n_nodes != 2) {
		show_diags(&d);
		lab_diags_free(&d);
		lab_free(lab);
		return;
	}
	srv = &lab->nodes[0];
	cli = &lab->nodes[1];
	is_int((int)srv->n_runs, 5, "srv has 5 run entries");
	for (i = 0; i < 5 && i < srv->n_runs; i++)
		is_str(srv->runs[i].id, ids[i], "run id %zu", i);
	is_str(srv->runs[2].argv[2], "print('a | b')", "a list's words are taken as they are");
	is_str(srv->runs[3].argv[1], "quoted | pipe", "'...' quotes a word");
	is_str(srv->runs[3].argv[2], "and $dollar", "\"...\" quotes a word");
	ok(srv->runs[3].restart == LAB_RESTART_NO && srv->runs[3].user &&
	   !strcmp(srv->runs[3].user, "nobody"), "restart: no, user: nobody");
	ok(srv->runs[4].restart == LAB_RESTART_ALWAYS, "restart: always");
	is_int((int)srv->n_hosts, 2, "srv has 2 hosts: entries");
	is_int((int)cli->dns.n_servers, 1, "cli: one nameserver, given as a value");
	is_int((int)cli->dns.n_options, 2, "cli: two options");
	ok(cli->ifaces[0].addr_kind == LAB_ADDR_DHCP, "address: dhcp");
	ok(lab->networks[1].dhcp.lease == LAB_LEASE_INFINITE &&
	   lab->networks[1].dhcp.server == 0, "lease: infinite, server: srv");
	is_int((int)lab->networks[0].dhcp.lease, 12 * 3600, "lease: 12h");
	lab_diags_free(&d);
	lab_free(lab);
}

/* test_good() - every good fixture is clean */
static void test_good(void)
{
	struct dirent **names = NULL;
	char path[4096];
	int n, i, seen = 0;

	n = list_dir("good", &names);
	if (!ok(n > 0, "good fixtures found in %s/good", fixtures()))
		return;
	for (i = 0; i < n; i++) {
		struct lab_diags d = { 0 };

		if (is_yaml(names[i]->d_name)) {
			snprintf(path, sizeof(path), "%s/good/%s", fixtures(),
				 names[i]->d_name);
			seen++;
			if (!is_int(check_file(path, &d), 0, "good/%s is clean",
				    names[i]->d_name))
				show_diags(&d);
			lab_diags_free(&d);
		}
		free(names[i]);
	}
	free(names);
	ok(seen >= 4, "%d good fixtures", seen);
}

/**
 * read_expects() - the "# expect: LINE:COL: text" lines opening a fixture
 * @path:	the file
 * @e:		where to store them
 * @max:	room in @e
 *
 * Return: how many, or -1 if the file cannot be read.
 */
static int read_expects(const char *path, struct expect *e, int max)
{
	char line[512];
	FILE *f = fopen(path, "re");
	int n = 0, off;

	if (!f)
		return -1;
	while (n < max && fgets(line, sizeof(line), f)) {
		off = 0;
		if (sscanf(line, "# expect: %u:%u: %n", &e[n].line, &e[n].col,
			   &off) != 2 || !off)
			break;
		line[strcspn(line, "\n")] = '\0';
		snprintf(e[n].text, sizeof(e[n].text), "%s", line + off);
		n++;
	}
	fclose(f);
	return n;
}

/**
 * match_expects() - each expected problem was found, and nothing else
 * @name:	the fixture's name
 * @e:		expected problems
 * @n:		their count
 * @d:		problems found
 */
static void match_expects(const char *name, const struct expect *e, int n,
			  const struct lab_diags *d)
{
	bool used[64] = { false };
	char buf[512];
	size_t j, extra = 0;
	int i;

	for (i = 0; i < n; i++) {
		for (j = 0; j < d->n && j < 64; j++)
			if (!used[j] && d->items[j].pos.line == e[i].line &&
			    d->items[j].pos.col == e[i].col &&
			    strstr(d->items[j].msg, e[i].text))
				break;
		if (j < d->n && j < 64)
			used[j] = true;
		ok(j < d->n && j < 64, "bad/%s: %u:%u: %s", name, e[i].line,
		   e[i].col, e[i].text);
	}
	for (j = 0; j < d->n; j++)
		if (j >= 64 || !used[j])
			extra++;
	if (!ok(extra == 0 && d->dropped == 0, "bad/%s: no other problem",
		name))
		for (j = 0; j < d->n; j++)
			if (j >= 64 || !used[j])
				diag("  unexpected: %s",
				     lab_diag_format(d, j, buf, sizeof(buf)));
}

/**
 * test_bad_one() - one bad fixture gives exactly the problems it expects
 * @name:	its file name
 */
static void test_bad_one(const char *name)
{
	struct lab_diags d = { 0 };
	struct expect e[16];
	char path[4096];
	int n, rc;

	snprintf(path, sizeof(path), "%s/bad/%s", fixtures(), name);
	n = read_expects(path, e, 16);
	if (!ok(n > 0, "bad/%s says what it expects", name))
		return;
	rc = check_file(path, &d);
	ok(rc == -EINVAL, "bad/%s is refused (%d)", name, rc);
	match_expects(name, e, n, &d);
	lab_diags_free(&d);
}

/* test_bad() - every bad fixture */
static void test_bad(void)
{
	struct dirent **names = NULL;
	int n, i, seen = 0;

	n = list_dir("bad", &names);
	if (!ok(n > 0, "bad fixtures found in %s/bad", fixtures()))
		return;
	for (i = 0; i < n; i++) {
		if (is_yaml(names[i]->d_name)) {
			test_bad_one(names[i]->d_name);
			seen++;
		}
		free(names[i]);
	}
	free(names);
	ok(seen >= 90, "%d bad fixtures", seen);
}

/* test_host_ifname() - host-side names: peer, derived, shortened */
static void test_host_ifname(void)
{
	struct lab_node node = { .name = "red" };
	struct lab_iface ifc = { .name = "veth-red" };
	char out[NSNET_IFNAMSIZ];

	lab_host_ifname(&node, &ifc, out);
	is_str(out, "red-veth-red", "red + veth-red");
	snprintf(ifc.name, sizeof(ifc.name), "veth-red-01");
	lab_host_ifname(&node, &ifc, out);
	is_str(out, "red-veth-red-01", "15 bytes fit as they are");
	snprintf(ifc.name, sizeof(ifc.name), "veth-red-012");
	lab_host_ifname(&node, &ifc, out);
	/* FNV-1a("red-veth-red-012") = 0xe8770386; 0xe877 ^ 0x0386 = 0xebf1 */
	is_str(out, "red-veth-r-ebf1", "16 bytes: 10 bytes, '-', 4 hex digits");
	ok(!nsnet_check_ifname(out), "the shortened name is a valid name");
	snprintf(ifc.peer, sizeof(ifc.peer), "up0");
	lab_host_ifname(&node, &ifc, out);
	is_str(out, "up0", "peer wins");
}

/* test_diag_format() - "FILE:LINE:COL: message" and its variants */
static void test_diag_format(void)
{
	struct lab_diags d = { .file = "house.yaml" };
	char buf[512];
	size_t i;

	lab_diag_add(&d, (struct lab_pos){ 3, 7 }, "unknown key \"%s\"", "x");
	lab_diag_add(&d, (struct lab_pos){ 0, 0 }, "cannot read: %s", "why");
	is_str(lab_diag_format(&d, 0, buf, sizeof(buf)),
	       "house.yaml:3:7: unknown key \"x\"", "FILE:LINE:COL: message");
	is_str(lab_diag_format(&d, 1, buf, sizeof(buf)),
	       "house.yaml: cannot read: why", "line 0: FILE: message");
	is_str(lab_diag_format(&d, 2, buf, sizeof(buf)), "",
	       "out of range: empty");
	d.file = NULL;
	is_str(lab_diag_format(&d, 0, buf, sizeof(buf)),
	       "3:7: unknown key \"x\"", "no file name: LINE:COL: message");
	for (i = 0; i < 1000; i++)
		lab_diag_add(&d, (struct lab_pos){ (unsigned int)i + 1, 1 },
			     "n%zu", i);
	ok(d.n == 1002 && !strcmp(d.items[1001].msg, "n999"),
	   "the array grows and keeps order");
	lab_diags_free(&d);
	ok(d.n == 0 && !d.items, "freed");
	lab_diags_free(NULL);
	ok(1, "lab_diags_free(NULL)");
}

/* test_show() - values are made safe before they reach a terminal */
static void test_show(void)
{
	char long_v[200];

	is_str(lab_show("red").s, "red", "plain value as is");
	is_str(lab_show("a\x1b[2Jb").s, "a\\x1b[2Jb", "escape escaped");
	is_str(lab_show("a\"b\\c").s, "a\\\"b\\\\c", "quote and backslash");
	is_str(lab_show("a\xc2\x9b" "b").s, "a\\u009bb", "C1 CSI escaped");
	is_str(lab_show("caf\xc3\xa9").s, "caf\xc3\xa9", "UTF-8 kept");
	is_str(lab_show_n("a\0b", 3).s, "a\\x00b", "NUL shown");
	memset(long_v, 'x', sizeof(long_v) - 1);
	long_v[sizeof(long_v) - 1] = '\0';
	ok(strlen(lab_show(long_v).s) == 63 &&
	   !strcmp(lab_show(long_v).s + 60, "..."), "long value cut with ...");
	memset(long_v, 0, sizeof(long_v));
	for (int i = 0; i < 40; i++)
		memcpy(long_v + 2 * i, "\xc3\xa9", 2);
	ok(!strcmp(lab_show(long_v).s + 60, "..."),
	   "cut after a whole character");
	memmove(long_v + 1, long_v, 80);
	long_v[0] = 'a';
	ok(!strcmp(lab_show(long_v).s + 59, "..."),
	   "never inside a character");
}

/* test_api_edges() - NULL, unreadable files, a buffer without a name */
static void test_api_edges(void)
{
	struct lab_diags d = { 0 };
	struct lab *lab = (struct lab *)1;
	char buf[512];
	int rc;

	lab_free(NULL);
	ok(1, "lab_free(NULL)");
	rc = lab_parse_file("/nonexistent/lab.yaml", &lab, &d);
	is_int(rc, -ENOENT, "missing file: -ENOENT");
	ok(lab == NULL, "and no lab");
	is_str(lab_diag_format(&d, 0, buf, sizeof(buf)),
	       "/nonexistent/lab.yaml: cannot read: No such file or directory",
	       "reported at line 0");
	lab_diags_free(&d);
	d.file = NULL;
	rc = lab_parse_file("/", &lab, &d);
	is_int(rc, -EISDIR, "a directory: -EISDIR");
	lab_diags_free(&d);
	d.file = NULL;
	rc = lab_parse_buffer(NULL, "lab: x\n", 7, &lab, &d);
	ok(rc == 0 && lab && !strcmp(lab->name, "x") && !lab->n_nodes,
	   "a buffer without a name, nothing but a name");
	is_int(lab_check(lab, &d), 0, "an empty lab is fine");
	lab_free(lab);
	rc = lab_parse_buffer(NULL, "lab: x\nfoo: 1\n", 14, &lab, &d);
	ok(rc == -EINVAL && lab, "problems: -EINVAL, the lab still given");
	is_str(lab_diag_format(&d, 0, buf, sizeof(buf)),
	       "2:1: unknown key \"foo\" in the lab file", "without file name");
	lab_free(lab);
	lab_diags_free(&d);
	rc = lab_parse_buffer("x", "lab: [", 6, &lab, &d);
	ok(rc == -EINVAL && !lab, "malformed YAML: no lab");
	lab_diags_free(&d);
}

/**
 * star_text() - a lab of @n nodes on one network, each with an address
 * @n:		node count (at most 65000)
 *
 * Return: the text (free()), or NULL.
 */
static char *star_text(int n)
{
	size_t cap = 128 + (size_t)n * 80, len;
	char *t = malloc(cap);
	int i;

	if (!t)
		return NULL;
	len = (size_t)snprintf(t, cap, "lab: star\nnetworks:\n  br0:\n"
			       "    subnet: 10.0.0.0/16\n    gateway: 10.0.0.1\n"
			       "nodes:\n");
	for (i = 0; i < n; i++)
		len += (size_t)snprintf(t + len, cap - len,
					"  n%d: {interfaces: {e: {network: br0, address: 10.0.%d.%d}}}\n",
					i, (i + 2) / 256, (i + 2) % 256);
	return t;
}

/* test_bridge_ports() - a bridge holds 1023 ports; the 1024th is refused */
static void test_bridge_ports(void)
{
	struct lab_diags d = { 0 };
	struct lab *lab = NULL;
	char *t;
	int n;

	for (n = 1023; n <= 1024; n++) {
		t = star_text(n);
		if (!ok(t != NULL, "star-%d text", n))
			return;
		is_int(lab_parse_buffer("star", t, strlen(t), &lab, &d), 0,
		       "star-%d parses", n);
		if (lab)
			is_int(lab_check(lab, &d), n == 1023 ? 0 : -EINVAL,
			       "star-%d %s", n, n == 1023 ? "fits" : "is refused");
		if (n == 1024)
			ok(d.n == 1 && d.items[0].pos.line == 3 &&
			   strstr(d.items[0].msg,
				  "network br0 has 1024 interfaces: a Linux bridge holds at most 1023"),
			   "the network is named, at its key");
		else
			show_diags(&d);
		lab_free(lab);
		lab_diags_free(&d);
		free(t);
	}
}

/* test_ovs() - `type: ovs` is an OVS network, which has no 1023-port limit */
static void test_ovs(void)
{
	struct lab_diags d = { 0 };
	struct lab *lab = NULL;
	char *t = star_text(1024), *p;

	if (!ok(t != NULL, "star-1024 text"))
		return;
	/* Insert "type: ovs" under the network's key. */
	p = strstr(t, "  br0:\n");
	if (ok(p != NULL, "star text has br0")) {
		char *u = malloc(strlen(t) + 32);

		if (u) {
			size_t head = (size_t)(p - t) + strlen("  br0:\n");

			memcpy(u, t, head);
			strcpy(u + head, "    type: ovs\n");
			strcat(u, t + head);
			free(t);
			t = u;
		}
	}
	is_int(lab_parse_buffer("star-ovs", t, strlen(t), &lab, &d), 0,
	       "type: ovs parses");
	if (lab) {
		ok(lab->networks[0].type == LAB_NET_OVS, "the network is OVS");
		is_int(lab_check(lab, &d), 0, "1024 ports on an OVS bridge are fine");
	}
	show_diags(&d);
	lab_free(lab);
	lab_diags_free(&d);
	free(t);
	is_int(lab_parse_buffer("b", "lab: b\nnetworks:\n  br0: {type: bridge}\n", 39,
				&lab, &d), 0, "type: bridge parses");
	if (lab)
		ok(lab->networks[0].type == LAB_NET_BRIDGE, "the network is a Linux bridge");
	lab_free(lab);
	lab_diags_free(&d);
}

/**
 * nested_text() - a lab whose node "a" is @levels nested flow lists
 * @levels:	how many
 *
 * Return: the text (free()), or NULL.
 */
static char *nested_text(size_t levels)
{
	static const char head[] = "lab: x\nnodes:\n  a: ";
	size_t hl = strlen(head);
	char *t = malloc(hl + 2 * levels + 2);

	if (!t)
		return NULL;
	memcpy(t, head, hl);
	memset(t + hl, '[', levels);
	memset(t + hl + levels, ']', levels);
	strcpy(t + hl + 2 * levels, "\n");
	return t;
}

/* test_depth() - nesting past LAB_DEPTH_MAX is refused before the tree is
 * built (libyaml's loader takes seconds for 20,000 levels), at the level
 * one too deep; LAB_DEPTH_MAX levels are read as usual */
static void test_depth(void)
{
	struct lab_diags d = { 0 };
	struct lab *lab = (struct lab *)1;
	char *t;
	int rc;

	t = nested_text(20000);
	if (!ok(t != NULL, "20000 levels text"))
		return;
	rc = lab_parse_buffer("deep", t, strlen(t), &lab, &d);
	ok(rc == -EINVAL && !lab, "20000 levels: refused, no lab");
	/* the root mapping and nodes: are two levels; the 63rd '[' (column
	 * 6 + 62) opens level 65 */
	ok(d.n == 1 && d.items[0].pos.line == 3 && d.items[0].pos.col == 68 &&
	   strstr(d.items[0].msg, "nested deeper than 64 levels"),
	   "one problem, at the first level too deep");
	show_diags(&d);
	lab_diags_free(&d);
	free(t);
	t = nested_text(LAB_DEPTH_MAX - 2);
	if (!ok(t != NULL, "64 levels text"))
		return;
	rc = lab_parse_buffer("deep", t, strlen(t), &lab, &d);
	ok(rc == -EINVAL && lab && d.n == 1 &&
	   strstr(d.items[0].msg, "node a: expected a mapping, got a list"),
	   "64 levels: read, and judged as a lab");
	lab_free(lab);
	lab_diags_free(&d);
	free(t);
}

/* test_node_limit() - LAB_NODES_MAX nodes parse; one more is refused at
 * that node, before the tree is built, also when an alias brings them */
static void test_node_limit(void)
{
	struct lab_diags d = { 0 };
	struct lab *lab = NULL;
	char *t, *a;
	size_t len;
	int rc;

	t = star_text(LAB_NODES_MAX + 1);
	if (!ok(t != NULL, "star-%d text", LAB_NODES_MAX + 1))
		return;
	/* cut off the last node */
	len = strlen(t);
	a = t + len - 1;
	while (a > t && a[-1] != '\n')
		a--;
	rc = lab_parse_buffer("star", t, (size_t)(a - t), &lab, &d);
	ok(rc == 0 && lab && lab->n_nodes == LAB_NODES_MAX,
	   "%d nodes parse", LAB_NODES_MAX);
	show_diags(&d);
	lab_free(lab);
	lab_diags_free(&d);
	rc = lab_parse_buffer("star", t, len, &lab, &d);
	ok(rc == -EINVAL && !lab, "%d nodes: refused, no lab",
	   LAB_NODES_MAX + 1);
	ok(d.n == 1 && d.items[0].pos.line == 7 + LAB_NODES_MAX &&
	   d.items[0].pos.col == 3 &&
	   strstr(d.items[0].msg, "more than 16384 nodes: a lab holds at most 16384"),
	   "one problem, at the node one too many");
	show_diags(&d);
	lab_diags_free(&d);
	/* the same mapping given to networks: under an anchor, and nodes: as
	 * an alias of it */
	a = malloc(len + 64);
	if (ok(a != NULL, "alias text")) {
		const char *p = strstr(t, "nodes:\n");
		int head = (int)(p - t);

		/* an unknown key is refused, but its value is still there
		 * for the alias */
		sprintf(a, "%.*sother: &n\n%snodes: *n\n", head, t,
			p + strlen("nodes:\n"));
		rc = lab_parse_buffer("alias", a, strlen(a), &lab, &d);
		ok(rc == -EINVAL && !lab && d.n >= 1 &&
		   strstr(d.items[d.n - 1].msg, "more than 16384 nodes"),
		   "nodes: as an alias of %d: refused", LAB_NODES_MAX + 1);
		show_diags(&d);
		lab_diags_free(&d);
	}
	free(a);
	free(t);
}

/**
 * main() - run every group
 *
 * Return: 0 if every test passed.
 */
int main(void)
{
	test_full();
	test_nat_forwards();
	test_services();
	test_good();
	test_bad();
	test_host_ifname();
	test_diag_format();
	test_show();
	test_api_edges();
	test_bridge_ports();
	test_ovs();
	test_depth();
	test_node_limit();
	return done_testing();
}
