// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * lab_check.c - what can be wrong with a lab judged by its file alone
 *
 * References, duplicates, addresses against subnets, overlaps, routes, NAT
 * and port forwards. The system is not asked: names already taken on the
 * host, other labs and the host's routes are checked where the system is at
 * hand. Every problem is reported, each at the value it is about, and
 * checks that would only repeat an earlier problem (an unknown network has
 * no subnet to check an address against) are skipped.
 *
 * Duplicates are found by sorting, so a lab of thousands of nodes costs
 * O(n log n), not O(n^2).
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "fw.h"
#include "internal.h"
#include "lab.h"

/* ------------------------------------------------------------- prefixes */

/**
 * check_host_addr() - an address must be in its subnet and usable by a host
 * @d:		where problems go
 * @pos:	position of the address
 * @what:	"address" or "gateway"
 * @a:		the address, with the subnet's length
 * @net:	the subnet
 * @owner:	what the subnet belongs to ("network v-net-0"), or NULL
 */
static void check_host_addr(struct lab_diags *d, struct lab_pos pos,
			    const char *what, const struct nsnet_prefix *a,
			    const struct nsnet_prefix *net, const char *owner)
{
	const char *special;

	if (!pfx_in(net, a)) {
		lab_diag_add(d, pos, "%s %s is not in subnet %s%s%s", what,
			     lab_pfx(a, false).s, lab_pfx(net, true).s,
			     owner ? " of " : "", owner ? owner : "");
		return;
	}
	special = pfx_special(net, a);
	if (special)
		lab_diag_add(d, pos, "%s %s is the %s of subnet %s", what,
			     lab_pfx(a, false).s, special,
			     lab_pfx(net, true).s);
}

/* -------------------------------------------------------------- networks */

/**
 * check_networks() - gateways inside their subnets, subnets apart
 * @lab:	the lab
 * @d:		where problems go
 *
 * Networks are few; comparing every pair is fine.
 */
static void check_networks(const struct lab *lab, struct lab_diags *d)
{
	const struct lab_network *n, *m;
	char owner[96];
	size_t i, j;

	for (i = 0; i < lab->n_networks; i++) {
		n = &lab->networks[i];
		if (!n->has_subnet)
			continue;
		snprintf(owner, sizeof(owner), "network %s",
			 lab_show(n->name).s);
		if (n->has_gateway)
			check_host_addr(d, n->gateway_pos, "gateway",
					&n->gateway, &n->subnet, owner);
		for (j = 0; j < i; j++) {
			m = &lab->networks[j];
			if (m->has_subnet && pfx_overlap(&n->subnet, &m->subnet))
				lab_diag_add(d, n->subnet_pos,
					     "subnet %s of network %s overlaps subnet %s of network %s",
					     lab_pfx(&n->subnet, true).s,
					     lab_show(n->name).s,
					     lab_pfx(&m->subnet, true).s,
					     lab_show(m->name).s);
		}
	}
}

/**
 * check_nat() - what `nat:` needs: a name nftables can hold, a subnet, and
 * the host on the network
 * @lab:	the lab
 * @d:		where problems go
 *
 * Every bridge of a lab is named in its nftables table (isolation), so
 * the name check applies to all networks. Masquerading rewrites packets
 * the host routes: without a gateway the host is not on the network and
 * nothing from it ever reaches the rule.
 */
static void check_nat(const struct lab *lab, struct lab_diags *d)
{
	const struct lab_network *n;
	const char *why;
	size_t i, j;

	for (i = 0; i < lab->n_networks; i++) {
		n = &lab->networks[i];
		why = fw_check_name(n->name);
		if (why)
			lab_diag_add(d, n->pos, "network name \"%s\": %s",
				     lab_show(n->name).s, why);
		if (!n->nat)
			continue;
		if (!n->has_subnet)
			lab_diag_add(d, n->nat_pos,
				     "nat: network %s has no subnet to masquerade",
				     lab_show(n->name).s);
		else if (!n->has_gateway)
			lab_diag_add(d, n->nat_pos,
				     "nat: network %s has no gateway: the host must be attached to it to masquerade its traffic",
				     lab_show(n->name).s);
		for (j = 0; n->nat_out[0] && j < lab->n_networks; j++)
			if (!strcmp(n->nat_out, lab->networks[j].name))
				lab_diag_add(d, n->nat_pos,
					     "nat out %s: is network %s of this lab, not an uplink of the host",
					     lab_show(n->nat_out).s,
					     lab_show(lab->networks[j].name).s);
	}
}

/* ------------------------------------------------------------ interfaces */

/* BRIDGE_MAX_PORTS - the kernel numbers bridge ports 1..1023 (BR_MAX_PORTS) */
#define BRIDGE_MAX_PORTS 1023

/**
 * check_ports() - no network has more interfaces than a bridge can hold
 * @lab:	the lab
 * @d:		where problems go
 *
 * Return: 0, or -ENOMEM.
 */
static int check_ports(const struct lab *lab, struct lab_diags *d)
{
	size_t *count, i, j, net;

	count = calloc(lab->n_networks ? lab->n_networks : 1, sizeof(*count));
	if (!count)
		return -ENOMEM;
	for (i = 0; i < lab->n_nodes; i++) {
		for (j = 0; j < lab->nodes[i].n_ifaces; j++) {
			net = lab->nodes[i].ifaces[j].network;
			if (net != LAB_NONE)
				count[net]++;
		}
	}
	for (i = 0; i < lab->n_networks; i++)
		/* An OVS bridge has no such limit. */
		if (lab->networks[i].type == LAB_NET_BRIDGE &&
		    count[i] > BRIDGE_MAX_PORTS)
			lab_diag_add(d, lab->networks[i].pos,
				     "network %s has %zu interfaces: a Linux bridge holds at most %d",
				     lab_show(lab->networks[i].name).s, count[i],
				     BRIDGE_MAX_PORTS);
	free(count);
	return 0;
}

/**
 * check_ifaces() - each interface's network exists and suits its address
 * @lab:	the lab
 * @d:		where problems go
 */
static void check_ifaces(const struct lab *lab, struct lab_diags *d)
{
	const struct lab_network *net;
	const struct lab_iface *ifc;
	const struct lab_node *node;
	char owner[96];
	size_t i, j;

	for (i = 0; i < lab->n_nodes; i++) {
		node = &lab->nodes[i];
		for (j = 0; j < node->n_ifaces; j++) {
			ifc = &node->ifaces[j];
			if (ifc->network == LAB_NONE) {
				if (ifc->network_name[0])
					lab_diag_add(d, ifc->network_pos,
						     "unknown network \"%s\"",
						     lab_show(ifc->network_name).s);
				continue;
			}
			net = &lab->networks[ifc->network];
			if (ifc->addr_kind == LAB_ADDR_AUTO && !net->has_subnet)
				lab_diag_add(d, ifc->addr_pos,
					     "address auto: network %s has no subnet",
					     lab_show(net->name).s);
			if (ifc->addr_kind != LAB_ADDR_STATIC ||
			    !net->has_subnet)
				continue;
			snprintf(owner, sizeof(owner), "network %s",
				 lab_show(net->name).s);
			check_host_addr(d, ifc->addr_pos, "address", &ifc->addr,
					&net->subnet, owner);
		}
	}
}

/* ----------------------------------------------------------------- links */

/**
 * check_link_subnet() - a link's subnet must not overlap a network's
 * @lab:	the lab
 * @d:		where problems go
 * @e:		the end whose address gives the subnet
 * @idx:	the link's index, named from 1
 */
static void check_link_subnet(const struct lab *lab, struct lab_diags *d,
			      const struct lab_end *e, size_t idx)
{
	struct nsnet_prefix sub = pfx_masked(&e->addr);
	const struct lab_network *n;
	size_t i;

	for (i = 0; i < lab->n_networks; i++) {
		n = &lab->networks[i];
		if (n->has_subnet && pfx_overlap(&sub, &n->subnet))
			lab_diag_add(d, e->addr_pos,
				     "subnet %s of link %zu overlaps subnet %s of network %s",
				     lab_pfx(&sub, true).s, idx + 1,
				     lab_pfx(&n->subnet, true).s,
				     lab_show(n->name).s);
	}
}

/**
 * check_links() - link ends name nodes, their addresses share a subnet
 * @lab:	the lab
 * @d:		where problems go
 */
static void check_links(const struct lab *lab, struct lab_diags *d)
{
	const struct lab_end *a, *b;
	struct nsnet_prefix sub;
	size_t i, j;

	for (i = 0; i < lab->n_links; i++) {
		for (j = 0; j < 2; j++) {
			a = &lab->links[i].end[j];
			if (a->node == LAB_NONE && a->node_name[0])
				lab_diag_add(d, a->pos, "unknown node \"%s\"",
					     lab_show(a->node_name).s);
			if (!a->has_addr)
				continue;
			sub = pfx_masked(&a->addr);
			check_host_addr(d, a->addr_pos, "address", &a->addr,
					&sub, NULL);
		}
		a = &lab->links[i].end[0];
		b = &lab->links[i].end[1];
		if (!a->has_addr || !b->has_addr)
			continue;
		if (a->addr.len != b->addr.len ||
		    !pfx_in(&a->addr, &b->addr)) {
			lab_diag_add(d, b->addr_pos,
				     "addresses %s and %s of link %zu are not in one subnet",
				     lab_pfx(&a->addr, true).s,
				     lab_pfx(&b->addr, true).s, i + 1);
			check_link_subnet(lab, d, b, i);
		}
		check_link_subnet(lab, d, a, i);
	}
}

/* ----------------------------------------------- names inside each node */

/**
 * struct ent - one interface of a node: a switch interface or a link end
 * @node:	index of the node
 * @name:	interface name
 * @pos:	where it is named
 * @seq:	order of collection, to tell first from later
 * @has_net:	whether @net is known
 * @net:	the subnet the interface is on
 */
struct ent {
	size_t node;
	const char *name;
	struct lab_pos pos;
	size_t seq;
	bool has_net;
	struct nsnet_prefix net;
};

/**
 * ent_cmp() - order by node, name, then collection order
 * @a:		a struct ent
 * @b:		another
 *
 * Return: <0, 0 or >0 as for qsort().
 */
static int ent_cmp(const void *a, const void *b)
{
	const struct ent *x = a, *y = b;
	int c;

	if (x->node != y->node)
		return x->node < y->node ? -1 : 1;
	c = strcmp(x->name, y->name);
	if (c)
		return c;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/**
 * ent_iface() - the entry of a switch interface
 * @lab:	the lab
 * @node:	index of its node
 * @ifc:	the interface
 * @seq:	collection order
 *
 * Its subnet is the network's, or that of its own address when the
 * network has none.
 *
 * Return: the entry.
 */
static struct ent ent_iface(const struct lab *lab, size_t node,
			    const struct lab_iface *ifc, size_t seq)
{
	struct ent e = { .node = node, .name = ifc->name, .pos = ifc->pos,
			 .seq = seq };
	const struct lab_network *net;

	if (ifc->network == LAB_NONE)
		return e;
	net = &lab->networks[ifc->network];
	if (net->has_subnet) {
		e.has_net = true;
		e.net = net->subnet;
	} else if (ifc->addr_kind == LAB_ADDR_STATIC) {
		e.has_net = true;
		e.net = pfx_masked(&ifc->addr);
	}
	return e;
}

/**
 * collect_ents() - every interface of every node, sorted
 * @lab:	the lab
 * @n:		number of entries
 *
 * Return: the entries (free()), or NULL if out of memory.
 */
static struct ent *collect_ents(const struct lab *lab, size_t *n)
{
	const struct lab_end *e;
	size_t i, j, m = 2 * lab->n_links;
	struct ent *ents;

	for (i = 0; i < lab->n_nodes; i++)
		m += lab->nodes[i].n_ifaces;
	ents = calloc(m ? m : 1, sizeof(*ents));
	if (!ents)
		return NULL;
	m = 0;
	for (i = 0; i < lab->n_nodes; i++)
		for (j = 0; j < lab->nodes[i].n_ifaces; j++, m++)
			ents[m] = ent_iface(lab, i, &lab->nodes[i].ifaces[j], m);
	for (i = 0; i < lab->n_links; i++) {
		for (j = 0; j < 2; j++) {
			e = &lab->links[i].end[j];
			if (e->node == LAB_NONE || !e->ifname[0])
				continue;
			ents[m] = (struct ent){ .node = e->node,
						.name = e->ifname,
						.pos = e->pos, .seq = m,
						.has_net = e->has_addr,
						.net = pfx_masked(&e->addr) };
			m++;
		}
	}
	qsort(ents, m, sizeof(*ents), ent_cmp);
	*n = m;
	return ents;
}

/**
 * check_ent_dups() - interface names are unique inside each node
 * @lab:	the lab
 * @d:		where problems go
 * @ents:	sorted entries
 * @n:		their count
 *
 * A link end may not reuse the name of a switch interface of its node, nor
 * of another link end; and no interface may be called "lo", which the
 * kernel creates in every namespace.
 */
static void check_ent_dups(const struct lab *lab, struct lab_diags *d,
			   const struct ent *ents, size_t n)
{
	size_t i, first = 0;

	for (i = 0; i < n; i++)
		if (!strcmp(ents[i].name, "lo"))
			lab_diag_add(d, ents[i].pos,
				     "interface \"lo\" in node %s: every node already has its loopback \"lo\"",
				     lab_show(lab->nodes[ents[i].node].name).s);
	for (i = 1; i < n; i++) {
		if (ents[i].node != ents[i - 1].node ||
		    strcmp(ents[i].name, ents[i - 1].name)) {
			first = i;
			continue;
		}
		lab_diag_add(d, ents[i].pos,
			     "duplicate interface \"%s\" in node %s (first at line %u)",
			     lab_show(ents[i].name).s,
			     lab_show(lab->nodes[ents[i].node].name).s,
			     ents[first].pos.line);
	}
}

/**
 * node_ents() - the range of entries of one node
 * @ents:	sorted entries
 * @n:		their count
 * @node:	the node's index
 * @count:	entries of that node
 *
 * Return: the first of them (or where it would be).
 */
static const struct ent *node_ents(const struct ent *ents, size_t n,
				   size_t node, size_t *count)
{
	size_t lo = 0, hi = n, i;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (ents[mid].node < node)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (i = lo; i < n && ents[i].node == node; i++)
		;
	*count = i - lo;
	return ents + lo;
}

/* ---------------------------------------------------------------- routes */

/**
 * check_route() - a route's device and gateway belong to its node
 * @node:	the node
 * @r:		the route
 * @ents:	the node's interfaces
 * @n:		their count
 * @vague:	an interface of the node is on an unknown network, so its
 *		subnets are not all known (the gateway is not checked)
 * @d:		where problems go
 */
static void check_route(const struct lab_node *node, const struct lab_route *r,
			const struct ent *ents, size_t n, bool vague,
			struct lab_diags *d)
{
	bool dev = !r->dev[0], via = !r->has_via || vague;
	size_t i;

	for (i = 0; i < n; i++) {
		if (!dev && !strcmp(ents[i].name, r->dev))
			dev = true;
		if (!via && ents[i].has_net && pfx_in(&ents[i].net, &r->via))
			via = true;
	}
	if (!dev)
		lab_diag_add(d, r->pos,
			     "route \"%s\": dev %s is not an interface of node %s",
			     lab_show(r->text).s, lab_show(r->dev).s,
			     lab_show(node->name).s);
	if (!via)
		lab_diag_add(d, r->pos,
			     "route \"%s\": gateway %s is not on any network of node %s",
			     lab_show(r->text).s, lab_pfx(&r->via, false).s,
			     lab_show(node->name).s);
}

/**
 * check_routes() - every route of every node
 * @lab:	the lab
 * @d:		where problems go
 * @ents:	sorted entries
 * @n:		their count
 *
 * Two routes to one destination would make the second `ip route add` fail
 * with "File exists", so that is refused here.
 */
static void check_routes(const struct lab *lab, struct lab_diags *d,
			 const struct ent *ents, size_t n)
{
	const struct lab_route *r, *q;
	const struct lab_node *node;
	const struct ent *mine;
	size_t i, j, k, count;
	bool vague;

	for (i = 0; i < lab->n_nodes; i++) {
		node = &lab->nodes[i];
		mine = node_ents(ents, n, i, &count);
		vague = false;
		for (j = 0; j < node->n_ifaces; j++)
			if (node->ifaces[j].network == LAB_NONE)
				vague = true;
		for (j = 0; j < node->n_routes; j++) {
			r = &node->routes[j];
			check_route(node, r, mine, count, vague, d);
			for (k = 0; k < j; k++) {
				q = &node->routes[k];
				if (q->dst.family == r->dst.family &&
				    q->dst.len == r->dst.len &&
				    !memcmp(q->dst.addr, r->dst.addr, 16)) {
					lab_diag_add(d, r->pos,
						     "route \"%s\": a route to the same destination is already given (line %u)",
						     lab_show(r->text).s,
						     q->pos.line);
					break;
				}
			}
		}
	}
}

/**
 * leased_only() - whether a route's gateway is on no subnet of its node but
 *		   those of interfaces whose address comes from DHCP
 * @node:	the node
 * @r:		the route, with a gateway
 * @mine:	the node's interface entries
 * @count:	their count
 *
 * Return: true if the gateway is on a leased interface's subnet and on no
 * other interface's.
 */
static bool leased_only(const struct lab_node *node, const struct lab_route *r,
			const struct ent *mine, size_t count)
{
	bool leased = false, other = false, dhcp;
	size_t i, j;

	for (i = 0; i < count; i++) {
		if (!mine[i].has_net || !pfx_in(&mine[i].net, &r->via))
			continue;
		dhcp = false;
		for (j = 0; j < node->n_ifaces; j++)
			if (!strcmp(node->ifaces[j].name, mine[i].name))
				dhcp = node->ifaces[j].addr_kind == LAB_ADDR_DHCP;
		leased |= dhcp;
		other |= !dhcp;
	}
	return leased && !other;
}

/**
 * check_dhcp() - what a lab with `dhcp:` and a node with a leased address
 *		  cannot have
 * @lab:	the lab
 * @d:		where problems go
 * @ents:	sorted interface entries
 * @n:		their count
 *
 * The lab's dnsmasq gets every node with a known IPv4 address as a
 * --host-record=NAME,ADDRESS and reads ',' as a separator and '#' as a
 * comment there, so such a name would be misread. A node whose address is
 * leased gets its default route from the lease: the DHCP client owns it,
 * and a static IPv4 default route next to it would collide with it ("File
 * exists"). And a route through a gateway reachable only over a leased
 * interface cannot be installed when `up` sets routes, before the lease
 * ("Nexthop has invalid gateway"); a route with `dev` and no `via` can.
 */
static void check_dhcp(const struct lab *lab, struct lab_diags *d,
		       const struct ent *ents, size_t n)
{
	const struct lab_route *r;
	const struct lab_node *node;
	const struct ent *mine;
	bool served = false, leased;
	size_t i, j, count;

	for (i = 0; i < lab->n_networks; i++)
		served |= lab->networks[i].dhcp.on;
	for (i = 0; i < lab->n_nodes; i++) {
		node = &lab->nodes[i];
		if (served && strpbrk(node->name, ",#"))
			lab_diag_add(d, node->pos,
				     "node name \"%s\": a lab with a dhcp: network cannot have ',' or '#' in a node name (dnsmasq reads them as separators)",
				     lab_show(node->name).s);
		leased = false;
		for (j = 0; j < node->n_ifaces; j++)
			leased |= node->ifaces[j].addr_kind == LAB_ADDR_DHCP;
		if (!leased)
			continue;
		mine = node_ents(ents, n, i, &count);
		for (j = 0; j < node->n_routes; j++) {
			r = &node->routes[j];
			if (r->dst.family != AF_INET)
				continue;
			if (r->dst.len == 0)
				lab_diag_add(d, r->pos,
					     "route \"%s\": node %s gets its address from DHCP, and its default route with it: drop this route (or give a static address)",
					     lab_show(r->text).s,
					     lab_show(node->name).s);
			else if (r->has_via && leased_only(node, r, mine, count))
				lab_diag_add(d, r->pos,
					     "route \"%s\": gateway %s is reached only over an interface that gets its address from DHCP, which comes after the routes are set: use \"dev\" without \"via\", or a static address",
					     lab_show(r->text).s,
					     lab_pfx(&r->via, false).s);
		}
	}
}

/* ------------------------------------------------------ host-side names */

/**
 * struct hname - one host-side interface name
 * @name:	the name
 * @pos:	where it comes from (`peer:`, or the interface)
 * @node:	the node
 * @ifc:	the interface
 * @seq:	collection order
 */
struct hname {
	char name[NSNET_IFNAMSIZ];
	struct lab_pos pos;
	const struct lab_node *node;
	const struct lab_iface *ifc;
	size_t seq;
};

/**
 * hname_cmp() - order by name, then collection order
 * @a:		a struct hname
 * @b:		another
 *
 * Return: <0, 0 or >0 as for qsort().
 */
static int hname_cmp(const void *a, const void *b)
{
	const struct hname *x = a, *y = b;
	int c = strcmp(x->name, y->name);

	if (c)
		return c;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/**
 * net_cmp() - order network pointers by name
 * @a:		a const struct lab_network **
 * @b:		another
 *
 * Return: <0, 0 or >0 as for qsort().
 */
static int net_cmp(const void *a, const void *b)
{
	const struct lab_network *const *x = a, *const *y = b;

	return strcmp((*x)->name, (*y)->name);
}

/**
 * check_hnames_vs_nets() - no host-side name may be a bridge's name
 * @lab:	the lab
 * @d:		where problems go
 * @h:		host-side names
 * @n:		their count
 *
 * Return: 0, or -ENOMEM.
 */
static int check_hnames_vs_nets(const struct lab *lab, struct lab_diags *d,
				const struct hname *h, size_t n)
{
	const struct lab_network **nets, **hit;
	struct lab_network key = { 0 };
	const struct lab_network *kp = &key;
	size_t i;

	nets = calloc(lab->n_networks ? lab->n_networks : 1, sizeof(*nets));
	if (!nets)
		return -ENOMEM;
	for (i = 0; i < lab->n_networks; i++)
		nets[i] = &lab->networks[i];
	qsort(nets, lab->n_networks, sizeof(*nets), net_cmp);
	for (i = 0; i < n; i++) {
		memcpy(key.name, h[i].name, sizeof(key.name));
		hit = bsearch(&kp, nets, lab->n_networks, sizeof(*nets),
			      net_cmp);
		if (hit)
			lab_diag_add(d, h[i].pos,
				     "host-side name \"%s\" of interface %s of node %s is the name of network %s",
				     lab_show(h[i].name).s,
				     lab_show(h[i].ifc->name).s,
				     lab_show(h[i].node->name).s,
				     lab_show((*hit)->name).s);
	}
	free(nets);
	return 0;
}

/**
 * check_hnames() - host-side names are unique on the host
 * @lab:	the lab
 * @d:		where problems go
 *
 * Every switch interface has a peer on the host, named by `peer:` or
 * derived; two of them, or one and a bridge, cannot share a name.
 *
 * Return: 0, or -ENOMEM.
 */
static int check_hnames(const struct lab *lab, struct lab_diags *d)
{
	const struct lab_node *node;
	struct hname *h;
	size_t i, j, n = 0, first = 0;
	int err;

	for (i = 0; i < lab->n_nodes; i++)
		n += lab->nodes[i].n_ifaces;
	h = calloc(n ? n : 1, sizeof(*h));
	if (!h)
		return -ENOMEM;
	n = 0;
	for (i = 0; i < lab->n_nodes; i++) {
		node = &lab->nodes[i];
		for (j = 0; j < node->n_ifaces; j++, n++) {
			h[n].node = node;
			h[n].ifc = &node->ifaces[j];
			h[n].seq = n;
			h[n].pos = h[n].ifc->peer[0] ? h[n].ifc->peer_pos :
						       h[n].ifc->pos;
			lab_host_ifname(node, h[n].ifc, h[n].name);
		}
	}
	qsort(h, n, sizeof(*h), hname_cmp);
	for (i = 1; i < n; i++) {
		if (strcmp(h[i].name, h[i - 1].name)) {
			first = i;
			continue;
		}
		lab_diag_add(d, h[i].pos,
			     "host-side name \"%s\" of interface %s of node %s is already used by interface %s of node %s",
			     lab_show(h[i].name).s, lab_show(h[i].ifc->name).s,
			     lab_show(h[i].node->name).s,
			     lab_show(h[first].ifc->name).s,
			     lab_show(h[first].node->name).s);
	}
	err = check_hnames_vs_nets(lab, d, h, n);
	free(h);
	return err;
}

/* ------------------------------------------------------------- addresses */

/** enum owner_kind - what an address belongs to */
enum owner_kind {
	OWN_GATEWAY,	/* a network's gateway (the host) */
	OWN_IFACE,	/* a node's switch interface */
	OWN_END,	/* a link end */
};

/**
 * struct addr_ref - one address of the lab and what holds it
 * @addr:	the address
 * @pos:	where it is written
 * @kind:	what holds it
 * @owner:	the network, interface or link end
 * @node:	the node of an interface
 * @seq:	collection order
 */
struct addr_ref {
	const struct nsnet_prefix *addr;
	struct lab_pos pos;
	enum owner_kind kind;
	const void *owner;
	const struct lab_node *node;
	size_t seq;
};

/**
 * addr_cmp() - order by family and address bytes, then collection order
 * @a:		a struct addr_ref
 * @b:		another
 *
 * Return: <0, 0 or >0 as for qsort().
 */
static int addr_cmp(const void *a, const void *b)
{
	const struct addr_ref *x = a, *y = b;
	int c;

	if (x->addr->family != y->addr->family)
		return x->addr->family < y->addr->family ? -1 : 1;
	c = memcmp(x->addr->addr, y->addr->addr, sizeof(x->addr->addr));
	if (c)
		return c;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/**
 * struct owner_text - owner_text()'s result
 * @s:		the text
 */
struct owner_text {
	char s[192];
};

/**
 * owner_text() - what holds an address, for messages
 * @r:		the address
 *
 * Return: "the gateway of network N", "interface I of node N" or
 * "link end N:I".
 */
static struct owner_text owner_text(const struct addr_ref *r)
{
	const struct lab_network *net = r->owner;
	const struct lab_iface *ifc = r->owner;
	const struct lab_end *e = r->owner;
	struct owner_text t;

	if (r->kind == OWN_GATEWAY)
		snprintf(t.s, sizeof(t.s), "the gateway of network %s",
			 lab_show(net->name).s);
	else if (r->kind == OWN_IFACE)
		snprintf(t.s, sizeof(t.s), "interface %s of node %s",
			 lab_show(ifc->name).s, lab_show(r->node->name).s);
	else
		snprintf(t.s, sizeof(t.s), "link end %s:%s",
			 lab_show(e->node_name).s, lab_show(e->ifname).s);
	return t;
}

/**
 * add_ref() - append one address to the list
 * @r:		the list
 * @m:		entries used, incremented
 * @addr:	the address
 * @pos:	where it is written
 * @kind:	what holds it
 * @owner:	the network, interface or link end
 * @node:	the node of an interface, else NULL
 */
static void add_ref(struct addr_ref *r, size_t *m,
		    const struct nsnet_prefix *addr, struct lab_pos pos,
		    enum owner_kind kind, const void *owner,
		    const struct lab_node *node)
{
	r[*m] = (struct addr_ref){ .addr = addr, .pos = pos, .kind = kind,
				   .owner = owner, .node = node, .seq = *m };
	(*m)++;
}

/**
 * collect_addrs() - every address written in the lab
 * @lab:	the lab
 * @n:		their count
 *
 * Gateways first: an interface given the gateway's address is the one
 * reported.
 *
 * Return: the references (free()), or NULL if out of memory.
 */
static struct addr_ref *collect_addrs(const struct lab *lab, size_t *n)
{
	const struct lab_network *net;
	const struct lab_node *node;
	const struct lab_end *e;
	struct addr_ref *r;
	size_t i, j, m = lab->n_networks + 2 * lab->n_links;

	for (i = 0; i < lab->n_nodes; i++)
		m += lab->nodes[i].n_ifaces;
	r = calloc(m ? m : 1, sizeof(*r));
	if (!r)
		return NULL;
	m = 0;
	for (i = 0; i < lab->n_networks; i++) {
		net = &lab->networks[i];
		if (net->has_gateway)
			add_ref(r, &m, &net->gateway, net->gateway_pos,
				OWN_GATEWAY, net, NULL);
	}
	for (i = 0; i < lab->n_nodes; i++) {
		node = &lab->nodes[i];
		for (j = 0; j < node->n_ifaces; j++)
			if (node->ifaces[j].addr_kind == LAB_ADDR_STATIC)
				add_ref(r, &m, &node->ifaces[j].addr,
					node->ifaces[j].addr_pos, OWN_IFACE,
					&node->ifaces[j], node);
	}
	for (i = 0; i < lab->n_links; i++) {
		for (j = 0; j < 2; j++) {
			e = &lab->links[i].end[j];
			if (e->has_addr)
				add_ref(r, &m, &e->addr, e->addr_pos, OWN_END,
					e, NULL);
		}
	}
	qsort(r, m, sizeof(*r), addr_cmp);
	*n = m;
	return r;
}

/**
 * check_addr_dups() - no address is used twice in the lab
 * @lab:	the lab
 * @d:		where problems go
 *
 * Return: 0, or -ENOMEM.
 */
static int check_addr_dups(const struct lab *lab, struct lab_diags *d)
{
	struct addr_ref *r;
	size_t i, n = 0, first = 0;

	r = collect_addrs(lab, &n);
	if (!r)
		return -ENOMEM;
	for (i = 1; i < n; i++) {
		if (r[i].addr->family != r[i - 1].addr->family ||
		    memcmp(r[i].addr->addr, r[i - 1].addr->addr,
			   sizeof(r[i].addr->addr))) {
			first = i;
			continue;
		}
		lab_diag_add(d, r[i].pos, "address %s is already used by %s",
			     lab_pfx(r[i].addr, false).s,
			     owner_text(&r[first]).s);
	}
	free(r);
	return 0;
}

/* -------------------------------------------------------------- forwards */

/**
 * lab_forward_iface() - the interface a forward's traffic goes to
 * @lab:	the lab, references resolved
 * @f:		the forward
 *
 * The host DNATs to the node's address on a network where the host itself
 * is (a gateway), so the node answers through the host and the connection
 * tracking sees both ways. IPv4 is preferred when `host:` does not say.
 *
 * Return: the index in the node's ifaces, or LAB_NONE.
 */
size_t lab_forward_iface(const struct lab *lab, const struct lab_forward *f)
{
	const struct lab_network *net;
	const struct lab_iface *ifc;
	const struct lab_node *node;
	size_t j, best = LAB_NONE;

	if (f->node == LAB_NONE || f->node >= lab->n_nodes)
		return LAB_NONE;
	node = &lab->nodes[f->node];
	for (j = 0; j < node->n_ifaces; j++) {
		ifc = &node->ifaces[j];
		if (ifc->network == LAB_NONE || ifc->addr_kind == LAB_ADDR_NONE)
			continue;
		net = &lab->networks[ifc->network];
		if (!net->has_gateway || !net->has_subnet)
			continue;
		if (f->has_host ? net->subnet.family == f->host.family :
				  net->subnet.family == AF_INET)
			return j;
		if (!f->has_host && best == LAB_NONE)
			best = j;
	}
	return best;
}

/**
 * struct fwd_ref - a forward and its place, sorted to find duplicates
 * @f:		the forward
 * @seq:	its index
 */
struct fwd_ref {
	const struct lab_forward *f;
	size_t seq;
};

/**
 * fwd_cmp() - order by protocol, port, host address, then file order
 * @a:		a struct fwd_ref
 * @b:		another
 *
 * Return: <0, 0 or >0 as for qsort().
 */
static int fwd_cmp(const void *a, const void *b)
{
	const struct lab_forward *x = ((const struct fwd_ref *)a)->f;
	const struct lab_forward *y = ((const struct fwd_ref *)b)->f;
	size_t i = ((const struct fwd_ref *)a)->seq;
	size_t j = ((const struct fwd_ref *)b)->seq;
	int c;

	if (x->proto != y->proto)
		return x->proto < y->proto ? -1 : 1;
	if (x->port != y->port)
		return x->port < y->port ? -1 : 1;
	if (x->has_host != y->has_host)
		return x->has_host ? 1 : -1;
	if (x->has_host && x->host.family != y->host.family)
		return x->host.family < y->host.family ? -1 : 1;
	c = x->has_host ? memcmp(x->host.addr, y->host.addr, 16) : 0;
	if (c)
		return c;
	return i < j ? -1 : i > j;
}

/**
 * fwd_same() - whether two forwards take the same traffic
 * @x:		a forward
 * @y:		another
 *
 * Return: true if protocol, port and host address are all equal.
 */
static bool fwd_same(const struct lab_forward *x, const struct lab_forward *y)
{
	return x->proto == y->proto && x->port == y->port &&
	       x->has_host == y->has_host &&
	       (!x->has_host || (x->host.family == y->host.family &&
				 !memcmp(x->host.addr, y->host.addr, 16)));
}

/**
 * check_fwd_node() - a forward's node exists and the host can reach it
 * @lab:	the lab
 * @f:		the forward
 * @d:		where problems go
 */
static void check_fwd_node(const struct lab *lab, const struct lab_forward *f,
			   struct lab_diags *d)
{
	if (!f->node_name[0])
		return;		/* `to:` was refused already */
	if (f->node == LAB_NONE) {
		lab_diag_add(d, f->to_pos, "unknown node \"%s\"",
			     lab_show(f->node_name).s);
		return;
	}
	if (lab_forward_iface(lab, f) != LAB_NONE)
		return;
	if (f->has_host)
		lab_diag_add(d, f->to_pos,
			     "to %s:%u: node %s has no %s address on a network with a gateway (host %s is %s; the host reaches the node there)",
			     lab_show(f->node_name).s, f->to_port,
			     lab_show(f->node_name).s,
			     f->host.family == AF_INET ? "IPv4" : "IPv6",
			     lab_pfx(&f->host, false).s,
			     f->host.family == AF_INET ? "IPv4" : "IPv6");
	else
		lab_diag_add(d, f->to_pos,
			     "to %s:%u: node %s has no address on a network with a gateway (the host reaches the node there)",
			     lab_show(f->node_name).s, f->to_port,
			     lab_show(f->node_name).s);
}

/**
 * check_forwards() - nodes of forwards, and no port forwarded twice
 * @lab:	the lab
 * @d:		where problems go
 *
 * Two forwards of one protocol, port and host address would be two DNAT
 * rules of which only the first ever matches.
 *
 * Return: 0, or -ENOMEM.
 */
static int check_forwards(const struct lab *lab, struct lab_diags *d)
{
	const struct lab_forward *f;
	struct fwd_ref *r;
	size_t i, m = 0, first = 0;

	r = calloc(lab->n_forwards ? lab->n_forwards : 1, sizeof(*r));
	if (!r)
		return -ENOMEM;
	for (i = 0; i < lab->n_forwards; i++) {
		f = &lab->forwards[i];
		check_fwd_node(lab, f, d);
		if (f->port)
			r[m++] = (struct fwd_ref){ .f = f, .seq = i };
	}
	qsort(r, m, sizeof(*r), fwd_cmp);
	for (i = 1; i < m; i++) {
		if (!fwd_same(r[i].f, r[i - 1].f)) {
			first = i;
			continue;
		}
		f = r[i].f;
		lab_diag_add(d, f->port_pos,
			     "forward %s %u%s%s: already given (line %u)",
			     f->proto == IPPROTO_UDP ? "udp" : "tcp", f->port,
			     f->has_host ? " host " : "",
			     f->has_host ? lab_pfx(&f->host, false).s : "",
			     r[first].f->pos.line);
	}
	free(r);
	return 0;
}

/* ------------------------------------------------------------------ API */

/**
 * lab_check() - every problem the file shows on its own
 * @lab:	a lab from lab_parse_*(), even one that came with problems
 * @d:		where problems go
 *
 * Return: 0 if none was found, -EINVAL if any was added to @d, -ENOMEM.
 */
int lab_check(const struct lab *lab, struct lab_diags *d)
{
	size_t before = d->n + d->dropped, n = 0;
	struct ent *ents;
	int err;

	check_networks(lab, d);
	check_nat(lab, d);
	check_ifaces(lab, d);
	check_links(lab, d);
	ents = collect_ents(lab, &n);
	if (!ents)
		return -ENOMEM;
	check_ent_dups(lab, d, ents, n);
	check_routes(lab, d, ents, n);
	check_dhcp(lab, d, ents, n);
	free(ents);
	err = check_hnames(lab, d);
	if (!err)
		err = check_addr_dups(lab, d);
	if (!err)
		err = check_ports(lab, d);
	if (!err)
		err = check_forwards(lab, d);
	if (!err)
		err = lab_check_svc(lab, d);
	if (err)
		return err;
	return d->n + d->dropped != before ? -EINVAL : 0;
}

/**
 * fnv1a() - 32-bit FNV-1a hash of a string
 * @s:		the string
 *
 * Return: the hash.
 */
static uint32_t fnv1a(const char *s)
{
	uint32_t h = 2166136261u;

	for (; *s; s++) {
		h ^= (uint8_t)*s;
		h *= 16777619u;
	}
	return h;
}

/**
 * lab_host_ifname() - the host-side name of a node's switch interface
 * @node:	the node
 * @ifc:	its interface
 * @out:	the name
 *
 * `peer:` if given; else "<node>-<iface>" when that fits in 15 bytes; else
 * its first 10 bytes, '-', and 4 lowercase hex digits: the 32-bit FNV-1a
 * hash of the whole "<node>-<iface>", xor-folded to 16 bits (high half
 * xor low half, as FNV's authors advise for shorter hashes). The result
 * depends on nothing but the two names, so every run finds the same link.
 */
void lab_host_ifname(const struct lab_node *node, const struct lab_iface *ifc,
		     char out[NSNET_IFNAMSIZ])
{
	char full[NSNET_NSNAMSIZ + NSNET_IFNAMSIZ];
	uint32_t h;

	if (ifc->peer[0]) {
		snprintf(out, NSNET_IFNAMSIZ, "%s", ifc->peer);
		return;
	}
	snprintf(full, sizeof(full), "%s-%s", node->name, ifc->name);
	if (strlen(full) < NSNET_IFNAMSIZ) {
		memcpy(out, full, strlen(full) + 1);
		return;
	}
	h = fnv1a(full);
	snprintf(out, NSNET_IFNAMSIZ, "%.10s-%04x", full,
		 (unsigned int)((h >> 16) ^ (h & 0xffff)));
}
