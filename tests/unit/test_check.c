// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_check.c - what `nsnet check` expects of a lab's topology: same switch
 * or cable, routes through the host and back, a node some route names as
 * its gateway, no route, no way back, isolated networks, longest prefix,
 * IPv4's answer-for-any-address ARP against IPv6's per-interface neighbour
 * discovery, and auto addresses taken from the state.
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
	struct vec v = { .size = sizeof(struct nsnet_reach) };
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
	is_int(expect_all(&t, &v), 0, "%s: expectations computed", name);
	is_int((long long)v.n, (long long)n_probes, "%s: %zu probes", name,
	       n_probes);
	for (i = 0; i < n_w; i++) {
		const struct nsnet_reach *r = find_probe(v.items, v.n, w[i].from,
							 w[i].addr);

		ok(r && r->expected == w[i].expected, "%s: %s -> %s %s", name,
		   w[i].from, w[i].addr, w[i].expected ? "answers" : "is isolated");
	}
out:
	free(v.items);
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
	return done_testing();
}
