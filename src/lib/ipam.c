// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * ipam.c - addresses for `address: auto`
 *
 * A hash set of every address the lab uses (gateways, static addresses,
 * addresses already handed out; a network's DHCP range is skipped as a
 * whole) answers "is it free?" in constant time, and
 * one cursor per network makes handing out the lowest free address cost
 * O(1) amortized: building a lab of N auto nodes stays O(N).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"

/**
 * hash() - FNV-1a of an address
 * @a:		address (family and bytes; the length is ignored)
 *
 * Return: the hash.
 */
static uint32_t hash(const struct nsnet_prefix *a)
{
	uint32_t h = 2166136261u ^ (uint32_t)a->family;
	size_t i;

	for (i = 0; i < pfx_bytes(a->family); i++)
		h = (h ^ a->addr[i]) * 16777619u;
	return h;
}

/**
 * slot() - the slot holding @a, or the empty one where it would go
 * @ip:		allocator
 * @a:		address
 *
 * Return: the slot.
 */
static struct nsnet_prefix *slot(struct ipam *ip, const struct nsnet_prefix *a)
{
	size_t i = hash(a) & (ip->cap - 1);

	while (ip->set[i].family &&
	       (ip->set[i].family != a->family ||
		memcmp(ip->set[i].addr, a->addr, pfx_bytes(a->family))))
		i = (i + 1) & (ip->cap - 1);
	return &ip->set[i];
}

/**
 * mark() - add @a to the used set
 * @ip:		allocator
 * @a:		address
 *
 * Return: 0, or -ENOMEM.
 */
static int mark(struct ipam *ip, const struct nsnet_prefix *a)
{
	struct nsnet_prefix *s;

	if (2 * (ip->n + 1) > ip->cap) {
		struct ipam bigger = { .cap = ip->cap ? ip->cap * 2 : 64 };
		size_t i;

		bigger.set = calloc(bigger.cap, sizeof(*bigger.set));
		if (!bigger.set)
			return -ENOMEM;
		for (i = 0; i < ip->cap; i++)
			if (ip->set[i].family)
				*slot(&bigger, &ip->set[i]) = ip->set[i];
		free(ip->set);
		ip->set = bigger.set;
		ip->cap = bigger.cap;
	}
	s = slot(ip, a);
	if (!s->family) {
		*s = *a;
		ip->n++;
	}
	return 0;
}

/**
 * ipam_used() - whether @a is taken
 * @ip:		allocator
 * @a:		address
 *
 * Return: true if used.
 */
bool ipam_used(struct ipam *ip, const struct nsnet_prefix *a)
{
	return ip->cap && slot(ip, a)->family;
}

/**
 * ipam_init() - start with the lab's fixed addresses marked used
 * @ip:		allocator, zeroed
 * @lab:	the lab
 *
 * Return: 0, or -ENOMEM.
 */
int ipam_init(struct ipam *ip, const struct lab *lab)
{
	size_t i, j;
	int err = 0;

	ip->cursor = calloc(lab->n_networks ? lab->n_networks : 1,
			    sizeof(*ip->cursor));
	if (!ip->cursor)
		return -ENOMEM;
	ip->lab = lab;
	for (i = 0; !err && i < lab->n_networks; i++) {
		ip->cursor[i] = lab->networks[i].subnet;
		if (lab->networks[i].has_gateway)
			err = mark(ip, &lab->networks[i].gateway);
	}
	for (i = 0; !err && i < lab->n_nodes; i++)
		for (j = 0; !err && j < lab->nodes[i].n_ifaces; j++)
			if (lab->nodes[i].ifaces[j].addr_kind == LAB_ADDR_STATIC)
				err = mark(ip, &lab->nodes[i].ifaces[j].addr);
	return err;
}

/**
 * ipam_take() - claim @a for an interface on @net if it is usable and free
 * @ip:		allocator
 * @net:	the network's subnet
 * @a:		candidate with its prefix length
 *
 * Return: true if claimed.
 */
bool ipam_take(struct ipam *ip, const struct nsnet_prefix *net,
	       const struct nsnet_prefix *a)
{
	if (a->len != net->len || !pfx_in(net, a) || pfx_special(net, a) ||
	    ipam_used(ip, a))
		return false;
	return mark(ip, a) == 0;
}

/**
 * ipam_next() - the lowest free address of network @i
 * @ip:		allocator
 * @i:		network index
 * @net:	its subnet
 * @out:	the address, claimed
 *
 * Everything below the cursor is taken already (claims of recorded
 * addresses come first, fresh ones in file order), so the search resumes
 * where the last one stopped.
 *
 * Return: 0, or -ENOSPC when the subnet is full.
 */
int ipam_next(struct ipam *ip, size_t i, const struct nsnet_prefix *net,
	      struct nsnet_prefix *out)
{
	struct nsnet_prefix *c = &ip->cursor[i];
	int b;

	for (;;) {
		for (b = (int)pfx_bytes(c->family) - 1; b >= 0 && ++c->addr[b] == 0; b--)
			;
		if (b < 0 || !pfx_in(net, c))
			return -ENOSPC;
		/* dnsmasq owns its range: jump past it in one step */
		if (lab_dhcp_in_range(&ip->lab->networks[i], c)) {
			memcpy(c->addr, ip->lab->networks[i].dhcp.last.addr, 4);
			continue;
		}
		if (ipam_take(ip, net, c)) {
			*out = *c;
			return 0;
		}
	}
}

/**
 * ipam_free() - release an allocator
 * @ip:		allocator
 */
void ipam_free(struct ipam *ip)
{
	free(ip->set);
	free(ip->cursor);
	memset(ip, 0, sizeof(*ip));
}
