/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * check.h - what check.c (the expectation and the plan) hands its probers
 *
 * check.c decides what to probe and how; check_udp.c sends the probes (UDP
 * datagrams between sockets of nsnet's own in the nodes and the host) and
 * check_icmp.c the echo requests that tell a protocol-specific failure from
 * a path that is down. The probers never call back into check.c, so the
 * unit test that compiles check.c into itself links them from the archive.
 */
#ifndef NSNET_CHECK_H
#define NSNET_CHECK_H

#include "internal.h"

/** CHECK_HOST - owner index of the host's addresses (the gateways) */
#define CHECK_HOST ((size_t)-2)
/** CHECK_NOBODY - no owner, no index */
#define CHECK_NOBODY ((size_t)-1)
/** CHECK_NO_SPOT - an address whose broadcast pairs need no spot probe:
 * the neighbour budget had no room left for one */
#define CHECK_NO_SPOT ((size_t)-3)

/**
 * struct ep - one address of the lab, where it is and whose it is
 * @owner:	node index, or CHECK_HOST for a gateway
 * @seg:	segment: a network's index, or n_networks + a cable's index
 * @ifname:	the node's interface; for the host, the network (its bridge)
 * @addr:	the address with its prefix length
 * @pending:	a `dhcp` interface that holds no address yet: @addr is a
 *		stand-in from the range, used as the node's source when the
 *		route walk needs one, never probed
 */
struct ep {
	size_t owner;
	size_t seg;
	const char *ifname;
	struct nsnet_prefix addr;
	bool pending;
};

/**
 * struct chk_pair - how one result (a node to an address) is probed
 * @from:	the sending node's index
 * @ep:		the address probed, an index into the eps
 * @src:	the sender's address the request leaves from, as the route
 *		walk picks it (CHECK_NOBODY: it has none)
 * @bcast:	decided by broadcasts (see check.c) instead of a request and
 *		reply of its own: sender and owner share a segment, each
 *		reaches the other directly
 */
struct chk_pair {
	size_t from;
	size_t ep;
	size_t src;
	bool bcast;
};

/**
 * struct chk_run - everything a prober needs
 * @nodes:	node names, by index
 * @n_nodes:	count
 * @eps:	the lab's addresses
 * @n_eps:	count
 * @spot:	per address, the result whose unicast probe stands for its
 *		ARP and unicast path in broadcast-decided pairs (CHECK_NOBODY:
 *		none, such pairs are probed one by one; CHECK_NO_SPOT: the
 *		broadcasts alone decide)
 * @pairs:	per result, how it is probed
 * @r:		results, @n of them; the probers fill in the outcome
 * @n:		count
 * @timeout_ms:	the longest wait of one round of probes
 */
struct chk_run {
	const char *const *nodes;
	size_t n_nodes;
	const struct ep *eps;
	size_t n_eps;
	const size_t *spot;
	const struct chk_pair *pairs;
	struct nsnet_reach *r;
	size_t n;
	unsigned int timeout_ms;
};

/**
 * struct check_ntable - one of the machine's neighbour tables
 * @fulls:	allocations it refused, being full, since boot
 * @entries:	entries now
 * @thresh3:	its limit (gc_thresh3)
 * @known:	the kernel told
 */
struct check_ntable {
	unsigned long long fulls;
	unsigned int entries;
	unsigned int thresh3;
	bool known;
};

/* check_udp.c */
int check_udp(struct nsnet_ctx *ctx, const struct chk_run *run);
void check_ntables(struct nsnet_ctx *ctx, struct check_ntable t[2]);

/* check_icmp.c */
int check_icmp(struct nsnet_ctx *ctx, const struct chk_run *run,
	       const size_t *which, size_t n_which);

#endif
