// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * lab_check_svc.c - checks of a lab's services that need only the file
 *
 * A DHCP range must lie inside its subnet and must not hand out an address
 * the lab gives someone else (the gateway, a static address, the server's
 * own), or two interfaces would end up with one address; a dnsmasq needs an
 * address of its own on the network to listen on. Process names must be
 * unique in the lab: they name log and state files.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "internal.h"
#include "lab.h"

/**
 * in_range() - whether @a lies in a DHCP range
 * @dh:		the range (IPv4)
 * @a:		an address
 *
 * Return: true if first <= a <= last.
 */
static bool in_range(const struct lab_dhcp *dh, const struct nsnet_prefix *a)
{
	return a->family == AF_INET && dh->first.family == AF_INET &&
	       memcmp(a->addr, dh->first.addr, 4) >= 0 &&
	       memcmp(a->addr, dh->last.addr, 4) <= 0;
}

/**
 * lab_dhcp_in_range() - whether @a is one a network's DHCP server hands out
 * @net:	the network
 * @a:		an address
 *
 * Return: true if the network has `dhcp:` and @a is in its range.
 */
bool lab_dhcp_in_range(const struct lab_network *net,
		       const struct nsnet_prefix *a)
{
	return net->dhcp.on && in_range(&net->dhcp, a);
}

/**
 * lab_dhcp_server_if() - the interface a network's dnsmasq listens on,
 *			   when it runs in a node (`server:`)
 * @lab:	the lab
 * @net:	index of the network
 *
 * Return: the interface (a static address on the network), or NULL for the
 * host or when the server node has none.
 */
const struct lab_iface *lab_dhcp_server_if(const struct lab *lab, size_t net)
{
	const struct lab_dhcp *dh = &lab->networks[net].dhcp;
	const struct lab_node *node;
	size_t j;

	if (!dh->on || dh->server == LAB_NONE)
		return NULL;
	node = &lab->nodes[dh->server];
	for (j = 0; j < node->n_ifaces; j++)
		if (node->ifaces[j].network == net &&
		    node->ifaces[j].addr_kind == LAB_ADDR_STATIC)
			return &node->ifaces[j];
	return NULL;
}

/**
 * check_range() - a network's `dhcp:` against its subnet and server
 * @lab:	the lab
 * @i:		the network's index
 * @d:		where problems go
 */
static void check_range(const struct lab *lab, size_t i, struct lab_diags *d)
{
	const struct lab_network *net = &lab->networks[i];
	const struct lab_dhcp *dh = &net->dhcp;
	const struct lab_iface *srv;
	const struct nsnet_prefix *ends[2] = { &dh->first, &dh->last };
	const char *why;
	size_t k;

	if (!net->has_subnet) {
		lab_diag_add(d, dh->pos, "dhcp of network %s: needs a subnet",
			     lab_show(net->name).s);
		return;
	}
	if (dh->first.family != AF_INET)
		return;		/* the range was refused already */
	if (net->subnet.family != AF_INET) {
		lab_diag_add(d, dh->range_pos,
			     "range of network %s: subnet %s is not IPv4 (DHCPv6 is not supported)",
			     lab_show(net->name).s, lab_pfx(&net->subnet, true).s);
		return;
	}
	for (k = 0; k < 2; k++) {
		why = !pfx_in(&net->subnet, ends[k]) ? "outside the subnet" :
		      pfx_special(&net->subnet, ends[k]);
		if (why)
			lab_diag_add(d, dh->range_pos,
				     "range of network %s: %s is the %s %s",
				     lab_show(net->name).s,
				     lab_pfx(ends[k], false).s,
				     why[0] == 'o' ? "address" : "subnet's", why);
	}
	if (dh->server_name[0]) {
		if (dh->server == LAB_NONE) {
			lab_diag_add(d, dh->server_pos,
				     "server %s: no such node",
				     lab_show(dh->server_name).s);
			return;
		}
		srv = lab_dhcp_server_if(lab, i);
		if (!srv)
			lab_diag_add(d, dh->server_pos,
				     "server %s: needs a static address on network %s to serve it from",
				     lab_show(dh->server_name).s,
				     lab_show(net->name).s);
		return;
	}
	if (!net->has_gateway)
		lab_diag_add(d, dh->pos,
			     "dhcp of network %s: needs a gateway (dnsmasq listens on the host's address) or a server node",
			     lab_show(net->name).s);
	else if (in_range(dh, &net->gateway))
		lab_diag_add(d, net->gateway_pos,
			     "gateway %s: inside the dhcp range of network %s",
			     lab_pfx(&net->gateway, false).s,
			     lab_show(net->name).s);
}

/**
 * check_dhcp_ifaces() - `address: dhcp` needs a DHCP network; a static
 *			 address must stay out of the range
 * @lab:	the lab
 * @d:		where problems go
 */
static void check_dhcp_ifaces(const struct lab *lab, struct lab_diags *d)
{
	const struct lab_network *net;
	const struct lab_iface *ifc;
	size_t i, j;

	for (i = 0; i < lab->n_nodes; i++) {
		for (j = 0; j < lab->nodes[i].n_ifaces; j++) {
			ifc = &lab->nodes[i].ifaces[j];
			if (ifc->network == LAB_NONE)
				continue;
			net = &lab->networks[ifc->network];
			if (ifc->addr_kind == LAB_ADDR_DHCP && !net->dhcp.on)
				lab_diag_add(d, ifc->addr_pos,
					     "address dhcp: network %s has no dhcp",
					     lab_show(net->name).s);
			if (ifc->addr_kind == LAB_ADDR_STATIC &&
			    lab_dhcp_in_range(net, &ifc->addr))
				lab_diag_add(d, ifc->addr_pos,
					     "address %s: inside the dhcp range of network %s",
					     lab_pfx(&ifc->addr, false).s,
					     lab_show(net->name).s);
		}
	}
}

/**
 * struct run_ref - a `run:` entry, sorted by id to find duplicates
 * @r:		the entry
 */
struct run_ref {
	const struct lab_run *r;
};

static int run_ref_cmp(const void *a, const void *b)
{
	const struct run_ref *x = a, *y = b;
	int c = strcmp(x->r->id, y->r->id);

	if (c)
		return c;
	return x->r->pos.line < y->r->pos.line ? -1 :
	       x->r->pos.line > y->r->pos.line;
}

/**
 * check_run_ids() - process names are unique in the lab
 * @lab:	the lab
 * @d:		where problems go
 *
 * Return: 0, or -ENOMEM.
 */
static int check_run_ids(const struct lab *lab, struct lab_diags *d)
{
	struct run_ref *refs;
	size_t i, j, n = 0;

	for (i = 0; i < lab->n_nodes; i++)
		n += lab->nodes[i].n_runs;
	if (n < 2)
		return 0;
	refs = malloc(n * sizeof(*refs));
	if (!refs)
		return -ENOMEM;
	n = 0;
	for (i = 0; i < lab->n_nodes; i++)
		for (j = 0; j < lab->nodes[i].n_runs; j++)
			refs[n++].r = &lab->nodes[i].runs[j];
	qsort(refs, n, sizeof(*refs), run_ref_cmp);
	for (i = 1; i < n; i++)
		if (!strcmp(refs[i].r->id, refs[i - 1].r->id))
			lab_diag_add(d, refs[i].r->pos,
				     "run %s: the name is used already (line %u); give one with name:",
				     lab_show(refs[i].r->id).s,
				     refs[i - 1].r->pos.line);
	free(refs);
	return 0;
}

/**
 * lab_check_svc() - the service checks of lab_check()
 * @lab:	the lab
 * @d:		where problems go
 *
 * Return: 0 (problems are in @d), or -ENOMEM.
 */
int lab_check_svc(const struct lab *lab, struct lab_diags *d)
{
	size_t i;

	for (i = 0; i < lab->n_networks; i++)
		if (lab->networks[i].dhcp.on)
			check_range(lab, i, d);
	check_dhcp_ifaces(lab, d);
	return check_run_ids(lab, d);
}
