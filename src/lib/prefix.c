// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * prefix.c - arithmetic on IP prefixes shared by checks, plans and verbs
 */
#include <string.h>
#include <sys/socket.h>

#include "internal.h"

/**
 * pfx_bytes() - bytes of an address of @family
 * @family:	AF_INET or AF_INET6
 *
 * Return: 4 or 16.
 */
size_t pfx_bytes(int family)
{
	return family == AF_INET ? 4 : 16;
}

/**
 * same_bits() - whether two addresses agree on their first @len bits
 * @a:		an address
 * @b:		another, of the same family
 * @len:	bits to compare
 *
 * Return: true if equal.
 */
static bool same_bits(const struct nsnet_prefix *a,
		      const struct nsnet_prefix *b, unsigned int len)
{
	unsigned int bytes = len / 8, rest = len % 8;
	uint8_t mask = (uint8_t)(0xff << (8 - rest));

	if (memcmp(a->addr, b->addr, bytes))
		return false;
	return !rest || !((a->addr[bytes] ^ b->addr[bytes]) & mask);
}

/**
 * pfx_in() - whether an address lies inside a subnet
 * @net:	the subnet
 * @a:		the address (its length is not looked at)
 *
 * Return: true if @a is inside @net.
 */
bool pfx_in(const struct nsnet_prefix *net, const struct nsnet_prefix *a)
{
	return net->family == a->family && same_bits(net, a, net->len);
}

/**
 * pfx_overlap() - whether two subnets share any address
 * @a:		a subnet
 * @b:		another
 *
 * Prefixes are nested or disjoint: they overlap when they agree on the
 * shorter length.
 *
 * Return: true if they overlap.
 */
bool pfx_overlap(const struct nsnet_prefix *a, const struct nsnet_prefix *b)
{
	return a->family == b->family &&
	       same_bits(a, b, a->len < b->len ? a->len : b->len);
}

/**
 * pfx_equal() - same family, address and length
 * @a:		one
 * @b:		another
 *
 * Return: true if equal.
 */
bool pfx_equal(const struct nsnet_prefix *a, const struct nsnet_prefix *b)
{
	return a->family == b->family && a->len == b->len &&
	       !memcmp(a->addr, b->addr, pfx_bytes(a->family));
}

/**
 * pfx_masked() - the subnet an address with a length is in
 * @a:		the address
 *
 * Return: @a with its host bits cleared.
 */
struct nsnet_prefix pfx_masked(const struct nsnet_prefix *a)
{
	struct nsnet_prefix p = { .family = a->family, .len = a->len };
	unsigned int bytes = a->len / 8, rest = a->len % 8;

	memcpy(p.addr, a->addr, bytes);
	if (rest)
		p.addr[bytes] = a->addr[bytes] & (uint8_t)(0xff << (8 - rest));
	return p;
}

/**
 * pfx_has_host_bits() - whether bits after the prefix length are set
 * @p:		prefix
 *
 * Return: true if @p is not a network address.
 */
bool pfx_has_host_bits(const struct nsnet_prefix *p)
{
	struct nsnet_prefix m = pfx_masked(p);

	return memcmp(m.addr, p->addr, pfx_bytes(p->family)) != 0;
}

/**
 * pfx_special() - whether an address is unusable for a host in its subnet
 * @net:	the subnet
 * @a:		an address inside it
 *
 * IPv4 subnets up to /30 reserve their first (network) and last
 * (broadcast) addresses; /31 and /32 have none (RFC 3021). In IPv6 the
 * first address is the subnet-router anycast address.
 *
 * Return: "network address", "broadcast address" or NULL.
 */
const char *pfx_special(const struct nsnet_prefix *net,
			const struct nsnet_prefix *a)
{
	uint32_t v, host;

	if (net->family == AF_INET6 && a->family == AF_INET6) {
		struct nsnet_prefix h = *a, m;

		h.len = net->len;
		m = pfx_masked(&h);
		return net->len < 127 && !memcmp(m.addr, a->addr, 16) ?
		       "network address" : NULL;
	}
	if (net->family != AF_INET || a->family != AF_INET || net->len > 30)
		return NULL;
	v = (uint32_t)a->addr[0] << 24 | (uint32_t)a->addr[1] << 16 |
	    (uint32_t)a->addr[2] << 8 | a->addr[3];
	host = v & (0xffffffffu >> net->len);
	if (host == 0)
		return "network address";
	if (host == 0xffffffffu >> net->len)
		return "broadcast address";
	return NULL;
}

/**
 * pfx_link_local() - whether an address is IPv6 link-local
 * @p:		address
 *
 * The kernel manages those itself; labs never add or remove them.
 *
 * Return: true for fe80::/10.
 */
bool pfx_link_local(const struct nsnet_prefix *p)
{
	return p->family == AF_INET6 && p->addr[0] == 0xfe &&
	       (p->addr[1] & 0xc0) == 0x80;
}
