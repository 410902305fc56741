// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_check.c - what `nsnet check` expects of a lab's topology: same switch
 * or cable, routes through the host and back, a node some route names as
 * its gateway, no route, no way back, isolated networks, longest prefix,
 * IPv4's answer-for-any-address ARP against IPv6's per-interface neighbour
 * discovery, auto addresses taken from the state, leased ones taken from
 * the nodes (and a lease not there yet), the selection (--from, --to, a
 * sample), and which pairs broadcasts decide when a lab is too large for
 * the machine's neighbour table.
 *
 * The expectation is check.c's static logic (the probing needs root and
 * namespaces; 74-check.t does that), so check.c is compiled into this test
 * rather than linked: its one public symbol then comes from here, and the
 * archive's copy is never pulled in.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.c"	/* NOLINT(bugprone-suspicious-include) */
#include "tap.h"

/**
 * struct want - one probe's expected outcome
 * @from:	sending node
 * @addr:	address probed
 * @expected:	whether the topology says it answers
 */
struct want {
	const char *from;
	const char *addr;
	bool expected;
};

/**
 * find_probe() - the result for a node and an address
 * @r:		results
 * @n:		count
 * @from:	sending node
 * @addr:	address, as text
 *
 * Return: the result, or NULL.
 */
static const struct nsnet_reach *find_probe(const struct nsnet_reach *r,
					    size_t n, const char *from,
					    const char *addr)
{
	char text[64];
	size_t i;

	for (i = 0; i < n; i++)
		if (!strcmp(r[i].from, from) &&
		    !strcmp(nsnet_prefix_format(&r[i].address, false, text,
						sizeof(text)), addr))
			return &r[i];
	return NULL;
}

/**
 * check_lab() - parse a lab, compute its expectations, compare
 * @name:	test name
 * @yaml:	the lab file
 * @autos:	the state's "auto" map as JSON text, or NULL
 * @n_probes:	how many probes the lab has
 * @w:		expected outcomes
 * @n_w:	count
 */
static void check_lab(const char *name, const char *yaml, const char *autos,
		      size_t n_probes, const struct want *w, size_t n_w)
{
	struct chk_sel all = { CHECK_NOBODY, CHECK_NOBODY, false, true, 0 };
	struct chk_list l = { 0 };
	struct lab_diags d = { 0 };
	struct topo t = { 0 };
	struct lab *lab = NULL;
	json_t *a = autos ? json_loads(autos, 0, NULL) : NULL;
	size_t i;

	lab_parse_buffer(name, yaml, strlen(yaml), &lab, &d);
	if (lab)
		lab_check(lab, &d);
	ok(lab && !d.n, "%s: the lab is valid", name);
	if (!lab || d.n) {
		for (i = 0; i < d.n; i++)
			diag("%u:%u: %s", d.items[i].pos.line, d.items[i].pos.col,
			     d.items[i].msg);
		goto out;
	}
	is_int(topo_build(lab, a, &t), 0, "%s: topology built", name);
	is_int(expect_all(&t, &all, &l), 0, "%s: expectations computed", name);
	is_int((long long)l.r.n, (long long)n_probes, "%s: %zu probes", name,
	       n_probes);
	for (i = 0; i < n_w; i++) {
		const struct nsnet_reach *r = find_probe(l.r.items, l.r.n,
							 w[i].from, w[i].addr);

		ok(r && r->expected == w[i].expected, "%s: %s -> %s %s", name,
		   w[i].from, w[i].addr, w[i].expected ? "answers" : "is isolated");
	}
out:
	list_free(&l);
	topo_free(&t);
	lab_free(lab);
	lab_diags_free(&d);
	json_decref(a);
}

static const char house[] =
	"lab: house\n"
	"networks:\n"
	"  v-net-0: {subnet: 192.168.15.0/24, gateway: 192.168.15.5}\n"
	"nodes:\n"
	"  red:\n"
	"    interfaces: {veth-red: {network: v-net-0, address: 192.168.15.1/24}}\n"
	"    routes: [default via 192.168.15.5]\n"
	"  blue:\n"
	"    interfaces: {veth-blue: {network: v-net-0, address: 192.168.15.2/24}}\n"
	"  gray:\n"
	"    interfaces: {veth-gray: {network: v-net-0, address: auto}}\n";

/**
 * test_one_switch() - nodes on one bridge reach each other and the host,
 * route or not; an auto address comes from the state
 */
static void test_one_switch(void)
{
	static const struct want w[] = {
		{ "red", "192.168.15.2", true },
		{ "red", "192.168.15.5", true },
		{ "blue", "192.168.15.1", true },
		{ "blue", "192.168.15.5", true },	/* connected, no route */
		{ "red", "192.168.15.9", true },	/* gray's auto address */
		{ "gray", "192.168.15.1", true },
	};

	check_lab("one switch", house, "{\"gray/veth-gray\": \"192.168.15.9/24\"}",
		  9, w, sizeof(w) / sizeof(w[0]));
	/* Without the state's record the auto interface is not probed. */
	check_lab("auto unknown", house, NULL, 2 + 2 + 3, NULL, 0);
}

static const char twonet[] =
	"lab: twonet\n"
	"networks:\n"
	"  lan: {subnet: 10.31.0.0/24, gateway: 10.31.0.1}\n"
	"  dark: {subnet: 10.32.0.0/24}\n"
	"nodes:\n"
	"  a1:\n"
	"    interfaces: {eth0: {network: lan, address: 10.31.0.10/24}}\n"
	"    routes: [default via 10.31.0.1]\n"
	"  b1:\n"
	"    interfaces: {eth0: {network: dark, address: 10.32.0.10/24}}\n"
	"  b2:\n"
	"    interfaces: {eth0: {network: dark, address: 10.32.0.20/24}}\n"
	"    routes: [default dev eth0]\n";

/**
 * test_isolated() - a network the host is not attached to is an island
 *
 * b2's "default dev eth0" even gets its request to the host (whose bridge
 * answers ARP for any of its addresses), but the host has no way back.
 */
static void test_isolated(void)
{
	static const struct want w[] = {
		{ "a1", "10.31.0.1", true },
		{ "a1", "10.32.0.10", false },
		{ "a1", "10.32.0.20", false },
		{ "b1", "10.32.0.20", true },
		{ "b2", "10.32.0.10", true },
		{ "b1", "10.31.0.10", false },
		{ "b1", "10.31.0.1", false },
		{ "b2", "10.31.0.1", false },
		{ "b2", "10.31.0.10", false },
	};

	check_lab("isolated", twonet, NULL, 9, w, sizeof(w) / sizeof(w[0]));
}

static const char routed[] =
	"lab: routed\n"
	"networks:\n"
	"  n4a: {subnet: 10.41.0.0/24, gateway: 10.41.0.1}\n"
	"  n4b: {subnet: 10.42.0.0/24, gateway: 10.42.0.1}\n"
	"  n6a: {subnet: 'fd00:41::/64', gateway: 'fd00:41::1'}\n"
	"  n6b: {subnet: 'fd00:42::/64', gateway: 'fd00:42::1'}\n"
	"nodes:\n"
	"  x:\n"
	"    interfaces:\n"
	"      eth0: {network: n4a, address: 10.41.0.2/24}\n"
	"      eth6: {network: n6a, address: 'fd00:41::10'}\n"
	"    routes: [default via 10.41.0.1, 'default via fd00:41::1']\n"
	"  y:\n"
	"    interfaces:\n"
	"      eth0: {network: n4b, address: 10.42.0.2/24}\n"
	"      eth6: {network: n6b, address: 'fd00:42::10'}\n"
	"    routes: [default via 10.42.0.1, 'default via fd00:42::1']\n"
	"  z:\n"
	"    interfaces: {eth0: {network: n4b, address: 10.42.0.3/24}}\n";

/**
 * test_through_host() - two attached networks, both families: routes make
 * them one; no route there, or none back, and they are not
 */
static void test_through_host(void)
{
	static const struct want w[] = {
		{ "x", "10.42.0.2", true },
		{ "x", "fd00:42::10", true },
		{ "y", "10.41.0.2", true },
		{ "y", "fd00:41::10", true },
		{ "x", "10.42.0.1", true },	/* the host's other address */
		{ "x", "fd00:42::1", true },
		{ "x", "10.42.0.3", false },	/* z cannot answer: no route */
		{ "z", "10.41.0.2", false },	/* z has no route there */
		{ "z", "10.42.0.2", true },
		{ "z", "10.42.0.1", true },
		{ "z", "10.41.0.1", false },
		{ "z", "fd00:42::1", false },	/* z has no IPv6 at all */
	};

	check_lab("through the host", routed, NULL, 7 + 7 + 8, w,
		  sizeof(w) / sizeof(w[0]));
}

static const char router[] =
	"lab: router\n"
	"networks:\n"
	"  left: {subnet: 10.51.0.0/24}\n"
	"  right: {subnet: 10.52.0.0/24}\n"
	"nodes:\n"
	"  r:\n"
	"    interfaces:\n"
	"      l: {network: left, address: 10.51.0.1/24}\n"
	"      rr: {network: right, address: 10.52.0.1/24}\n"
	"  p:\n"
	"    interfaces: {eth0: {network: left, address: 10.51.0.2/24}}\n"
	"    routes: [10.52.0.0/24 via 10.51.0.1]\n"
	"  q:\n"
	"    interfaces: {eth0: {network: right, address: 10.52.0.2/24}}\n"
	"    routes: [10.51.0.0/24 via 10.52.0.1]\n"
	"  s:\n"
	"    interfaces: {eth0: {network: right, address: 10.52.0.3/24}}\n";

/**
 * test_router_node() - a node named as a gateway routes; one way is not
 * enough; the router's far address is its own (IPv4 answers on any)
 */
static void test_router_node(void)
{
	static const struct want w[] = {
		{ "p", "10.52.0.2", true },
		{ "q", "10.51.0.2", true },
		{ "p", "10.52.0.1", true },
		{ "p", "10.52.0.3", false },	/* s has no route back */
		{ "s", "10.51.0.2", false },	/* nor one there */
		{ "s", "10.51.0.1", false },
		{ "s", "10.52.0.1", true },
	};

	check_lab("router node", router, NULL, 6 + 9, w,
		  sizeof(w) / sizeof(w[0]));
}

static const char cable[] =
	"lab: cable\n"
	"networks:\n"
	"  v-net-0: {subnet: 192.168.15.0/24, gateway: 192.168.15.5}\n"
	"  v6: {subnet: 'fd00:15::/64'}\n"
	"nodes:\n"
	"  red:\n"
	"    interfaces:\n"
	"      veth-red: {network: v-net-0, address: 192.168.15.1/24}\n"
	"      eth6: {network: v6, address: 'fd00:15::10'}\n"
	"  blue:\n"
	"    interfaces: {eth0: {network: v-net-0}}\n"
	"    routes: [default dev ptp-blue, 'fd00::/16 dev ptp-blue']\n"
	"  green:\n"
	"    interfaces: {eth0: {network: v6, address: 'fd00:15::20'}}\n"
	"links:\n"
	"  - {a: red:ptp-red, b: blue:ptp-blue, addresses: [10.0.0.1/24, 10.0.0.2/24]}\n";

/**
 * test_cable() - a cable joins its ends; beyond it, IPv4's ARP answers for
 * any address of the node at the other end, IPv6's neighbour discovery only
 * for the interface's own
 */
static void test_cable(void)
{
	static const struct want w[] = {
		{ "red", "10.0.0.2", true },
		{ "blue", "10.0.0.1", true },
		{ "blue", "192.168.15.1", true },
		{ "blue", "fd00:15::10", false },
		{ "blue", "192.168.15.5", false },	/* red does not route */
		{ "red", "fd00:15::20", true },
		{ "green", "10.0.0.2", false },		/* no IPv4 at all */
		{ "green", "fd00:15::10", true },
	};

	check_lab("cable", cable, NULL, 3 + 5 + 5, w, sizeof(w) / sizeof(w[0]));
}

static const char longest[] =
	"lab: longest\n"
	"networks:\n"
	"  lan: {subnet: 10.70.0.0/24, gateway: 10.70.0.1}\n"
	"nodes:\n"
	"  a:\n"
	"    interfaces: {eth0: {network: lan, address: 10.70.0.10/24}}\n"
	"    routes: [10.70.0.128/25 via 10.70.0.99]\n"
	"  b:\n"
	"    interfaces: {eth0: {network: lan, address: 10.70.0.200/24}}\n"
	"  c:\n"
	"    interfaces: {eth0: {network: lan, address: 10.70.0.20/24}}\n";

/**
 * test_longest_prefix() - a longer route wins over the connected prefix,
 * even when its gateway is nobody
 */
static void test_longest_prefix(void)
{
	static const struct want w[] = {
		{ "a", "10.70.0.200", false },
		{ "a", "10.70.0.20", true },
		{ "b", "10.70.0.10", false },	/* a's reply goes astray */
		{ "c", "10.70.0.10", true },
	};

	check_lab("longest prefix", longest, NULL, 9, w,
		  sizeof(w) / sizeof(w[0]));
}

static const char dhcp_lab[] =
	"lab: ptp\n"
	"networks:\n"
	"  ptp-net:\n"
	"    subnet: 10.80.0.0/24\n"
	"    dhcp: {range: 10.80.0.100-10.80.0.199, server: server}\n"
	"nodes:\n"
	"  server:\n"
	"    interfaces: {ptp-veth-server: {network: ptp-net, address: 10.80.0.1}}\n"
	"  client:\n"
	"    interfaces: {ptp-veth-client: {network: ptp-net, address: dhcp}}\n"
	"  other:\n"
	"    interfaces: {eth0: {network: ptp-net, address: dhcp}}\n";

/**
 * test_dhcp() - a leased address is the one the node holds: probed, and
 * the node's source; a lease not there yet is the node's source (so what
 * it should reach fails) but never probed, and nobody's address even when
 * another node holds it (examples/dhcp.yaml once had no server row at all,
 * and a LEAK from the client)
 */
static void test_dhcp(void)
{
	static const struct want held[] = {
		{ "client", "10.80.0.1", true },
		{ "server", "10.80.0.150", true },
		{ "server", "10.80.0.100", true },
		{ "client", "10.80.0.100", true },
	};
	static const struct want pending[] = {
		{ "client", "10.80.0.1", true },	/* expected: it FAILs */
		{ "server", "10.80.0.100", true },	/* other's, not client's */
		{ "client", "10.80.0.100", true },
	};

	check_lab("dhcp held", dhcp_lab,
		  "{\"client/ptp-veth-client\": \"10.80.0.150/24\","
		  " \"other/eth0\": \"10.80.0.100/24\"}", 6, held, 4);
	/* client holds nothing: 2 from it, none to it; server and other
	 * probe each other (2), other client's stand-in is never probed */
	check_lab("dhcp pending", dhcp_lab,
		  "{\"other/eth0\": \"10.80.0.100/24\"}", 4, pending, 3);
}

/**
 * star() - a one-switch lab of @n nodes with auto addresses, and its map
 * @n:		nodes
 * @yaml:	result, free() it
 * @autos:	result, free() it
 */
static void star(size_t n, char **yaml, char **autos)
{
	size_t i, ly = 0, la = 0, cy = 4096 + n * 128, ca = 64 + n * 48;

	*yaml = malloc(cy);
	*autos = malloc(ca);
	ly += (size_t)snprintf(*yaml + ly, cy - ly, "lab: star\nnetworks:\n"
			       "  sw: {subnet: 10.90.0.0/16, gateway: 10.90.0.1}\n"
			       "nodes:\n");
	la += (size_t)snprintf(*autos + la, ca - la, "{");
	for (i = 1; i <= n; i++) {
		ly += (size_t)snprintf(*yaml + ly, cy - ly,
				       "  s%zu:\n    interfaces: {eth0: {network: sw, address: auto}}\n"
				       "    routes: [default via 10.90.0.1]\n", i);
		la += (size_t)snprintf(*autos + la, ca - la,
				       "%s\"s%zu/eth0\": \"10.90.%zu.%zu/16\"",
				       i > 1 ? ", " : "", i, (i + 1) / 256,
				       (i + 1) % 256);
	}
	snprintf(*autos + la, ca - la, "}");
}

/**
 * load() - parse a lab and build its topology
 * @yaml:	the lab file
 * @autos:	the auto map as JSON text
 * @lab:	result
 * @t:		result
 *
 * Return: true if it worked.
 */
static bool load(const char *yaml, const char *autos, struct lab **lab,
		 struct topo *t)
{
	struct lab_diags d = { 0 };
	json_t *a = json_loads(autos, 0, NULL);
	bool good;

	lab_parse_buffer("star", yaml, strlen(yaml), lab, &d);
	if (*lab)
		lab_check(*lab, &d);
	good = *lab && !d.n && !topo_build(*lab, a, t);
	lab_diags_free(&d);
	json_decref(a);
	return good;
}

/**
 * test_select() - --from, --to and a sample pick the pairs, and a sample
 * still has every sender and spreads over the destinations
 */
static void test_select(void)
{
	struct chk_sel sel = { CHECK_NOBODY, CHECK_NOBODY, false, true, 0 };
	struct chk_list l = { 0 };
	struct topo t = { 0 };
	struct lab *lab = NULL;
	char *yaml, *autos, seen[64] = { 0 };
	const struct nsnet_reach *r;
	size_t i, senders = 0, n_seen = 0;
	bool good = true;

	star(40, &yaml, &autos);
	ok(load(yaml, autos, &lab, &t), "star 40: valid");
	if (!lab)
		goto out;
	sel.from = 2;		/* s3 */
	is_int(expect_all(&t, &sel, &l), 0, "--from s3: computed");
	is_int((long long)l.r.n, 40, "--from s3: 39 nodes and the host");
	for (i = 0, r = l.r.items; i < l.r.n; i++)
		good &= !strcmp(r[i].from, "s3") && r[i].expected;
	ok(good, "--from s3: all from s3, all expected");
	list_free(&l);

	sel = (struct chk_sel){ CHECK_NOBODY, 4, false, false, 0 };	/* s5 */
	is_int(expect_all(&t, &sel, &l), 0, "--to s5: computed");
	is_int((long long)l.r.n, 39, "--to s5: from the 39 others");
	for (i = 0, r = l.r.items, good = true; i < l.r.n; i++)
		good &= !strcmp(r[i].to, "s5");
	ok(good, "--to s5: all to s5");
	list_free(&l);

	sel = (struct chk_sel){ CHECK_NOBODY, CHECK_NOBODY, true, false, 0 };
	is_int(expect_all(&t, &sel, &l), 0, "--to host: computed");
	is_int((long long)l.r.n, 40, "--to host: one per node");
	list_free(&l);

	sel = (struct chk_sel){ CHECK_NOBODY, CHECK_NOBODY, false, true, 100 };
	is_int(expect_all(&t, &sel, &l), 0, "--sample 100: computed");
	is_int((long long)l.r.n, 100, "--sample 100: 100 probes of 1,600");
	for (i = 0, r = l.r.items; i < l.r.n; i++) {
		size_t to = *r[i].to ? (size_t)atoi(r[i].to + 1) : 41;

		senders += !i || strcmp(r[i - 1].from, r[i].from);
		if (!seen[to])
			n_seen++;
		seen[to] = 1;
	}
	is_int((long long)senders, 40, "--sample 100: every node sends");
	ok(n_seen >= 35, "--sample 100: %zu of 41 destinations probed", n_seen);
	list_free(&l);
out:
	topo_free(&t);
	lab_free(lab);
	free(yaml);
	free(autos);
}

/**
 * test_bcast_plan() - a switch whose pairs fit the neighbour budget is
 * probed pair by pair; one too large is decided by broadcasts, except for
 * one spot probe per address
 */
static void test_bcast_plan(void)
{
	struct chk_sel all = { CHECK_NOBODY, CHECK_NOBODY, false, true, 0 };
	struct chk_list l = { 0 };
	struct topo t = { 0 };
	struct lab *lab = NULL;
	char *yaml, *autos;
	size_t *spot = NULL, i, n, n_spot = 0, uni = 0;
	const struct chk_pair *p;
	bool good = true;

	star(120, &yaml, &autos);
	ok(load(yaml, autos, &lab, &t), "star 120: valid");
	if (!lab)
		goto out;
	spot = calloc(t.n_eps, sizeof(*spot));
	is_int(expect_all(&t, &all, &l), 0, "star 120: computed");
	is_int((long long)l.r.n, 120 * 120, "star 120: 14,400 probes");
	is_int((long long)plan_bcast(&t, &l, 1u << 20, 1u << 20, spot), 0,
	       "star 120, a budget of a million entries: every pair by itself");
	n = plan_bcast(&t, &l, 500, 500, spot);
	p = l.pairs.items;
	for (i = 0; i < t.n_eps; i++)
		n_spot += spot[i] != CHECK_NOBODY;
	for (i = 0; i < l.r.n; i++) {
		uni += !p[i].bcast;
		good &= p[i].bcast || spot[p[i].ep] == i;
	}
	is_int((long long)n_spot, 121, "budget 500: a spot for each of the 121 addresses");
	is_int((long long)uni, 121, "  ... probed by themselves: the spots only");
	is_int((long long)n, 14400 - 121, "  ... the rest decided by broadcasts");
	ok(good, "  ... every unicast pair is its address's spot");
	n = plan_bcast(&t, &l, 100, 100, spot);
	for (i = 0, n_spot = 0, uni = 0; i < t.n_eps; i++)
		n_spot += spot[i] < l.r.n;
	for (i = 0; i < l.r.n; i++)
		uni += !p[i].bcast;
	is_int((long long)n_spot, 50, "budget 100: 50 spots, two entries each");
	is_int((long long)uni, 50, "  ... the only pairs probed by themselves");
	is_int((long long)n, 14400 - 50, "  ... the broadcasts alone decide the rest");
	list_free(&l);

	/* --from s3: s3's own address is probed by nobody; the spots it
	 * sends prove it (the owners resolved it to answer). */
	all.from = 2;
	is_int(expect_all(&t, &all, &l), 0, "--from s3: computed");
	n = plan_bcast(&t, &l, 100, 100, spot);
	p = l.pairs.items;
	ok(n > 0 && p[l.r.n - 1].bcast, "--from s3, budget 100: %zu of %zu by broadcasts", n, l.r.n);
	ok(spot[p[0].src] < l.r.n && !p[spot[p[0].src]].bcast &&
	   p[spot[p[0].src]].src == p[0].src,
	   "  ... s3's address is proven by a unicast pair it sends");
out:
	free(spot);
	list_free(&l);
	topo_free(&t);
	lab_free(lab);
	free(yaml);
	free(autos);
}

/**
 * main() - run the tests
 *
 * Return: 0 if all passed.
 */
int main(void)
{
	test_one_switch();
	test_isolated();
	test_through_host();
	test_router_node();
	test_cable();
	test_longest_prefix();
	test_dhcp();
	test_select();
	test_bcast_plan();
	return done_testing();
}
