// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * check.c - reachability between a lab's nodes (`nsnet check LAB`)
 *
 * Two halves. The expectation is pure logic over the lab file: every address
 * of the lab (node interfaces, cable ends, the host's gateways) sits on a
 * segment (a network's bridge or a cable); a packet goes from its sender by
 * the longest matching route (the connected prefixes of its addresses, then
 * the node's `routes:`) to the next hop on that segment, and on from there
 * when that hop is a router (the host, or a node some route points at),
 * until it reaches the owner of the destination. A pair is expected to
 * answer when the request gets there and the reply gets back.
 *
 * The probe is real traffic: one raw ICMP socket per node and family, made
 * inside the node's namespace by the context's helper thread (ns_call()),
 * so the caller never switches namespace; every echo request is sent at once from
 * the calling thread, unanswered ones are sent again (the first packet to a
 * neighbour may be lost while it is resolved), and the replies are collected
 * with poll() for at most a second. No fork, no ping.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <netinet/in.h>
#include <netinet/icmp6.h>
#include <sys/random.h>
#include <sys/socket.h>

#include <linux/icmp.h>

#include "engine.h"

/** CHECK_HOST - owner index of the host's addresses (the gateways) */
#define CHECK_HOST ((size_t)-2)
/** CHECK_NOBODY - no owner: the packet is lost on the way */
#define CHECK_NOBODY LAB_NONE
/** CHECK_MAX_HOPS - routers a packet may pass; more is a routing loop */
#define CHECK_MAX_HOPS 8

/* Probe timing, in milliseconds since the first request. */
#define CHECK_RESEND_MS	250	/* unanswered requests go again this often */
#define CHECK_QUIET_MS	300	/* once every expected answer is in, how long
				 * the pairs meant to be isolated get to leak */
#define CHECK_ROUNDS	3	/* requests sent per pair, at most */

/**
 * struct ep - one address of the lab, where it is and whose it is
 * @owner:	node index, or CHECK_HOST for a gateway
 * @seg:	segment: a network's index, or n_networks + a cable's index
 * @ifname:	the node's interface; for the host, the network (its bridge)
 * @addr:	the address with its prefix length
 */
struct ep {
	size_t owner;
	size_t seg;
	const char *ifname;
	struct nsnet_prefix addr;
};

/**
 * struct topo - the lab's addresses, for the route walk
 * @lab:	the lab
 * @eps:	every address: each node's in file order (its switch
 *		interfaces, then its cable ends), then the gateways
 * @n_eps:	count
 */
struct topo {
	const struct lab *lab;
	struct ep *eps;
	size_t n_eps;
};

/**
 * struct hop - where a route sends a packet next
 * @seg:	the segment it goes out on
 * @nh:		the next hop's address (the destination itself when direct)
 */
struct hop {
	size_t seg;
	struct nsnet_prefix nh;
};

/**
 * same_addr() - whether two prefixes name the same address
 * @a:		one
 * @b:		another
 *
 * Return: true for equal family and address bytes, whatever the lengths.
 */
static bool same_addr(const struct nsnet_prefix *a,
		      const struct nsnet_prefix *b)
{
	return a->family == b->family &&
	       !memcmp(a->addr, b->addr, pfx_bytes(a->family));
}

/**
 * topo_add() - record one address
 * @v:		struct ep vector
 * @owner:	node index or CHECK_HOST
 * @seg:	segment
 * @ifname:	interface (or network) name
 * @addr:	the address
 *
 * Return: 0, or -ENOMEM.
 */
static int topo_add(struct vec *v, size_t owner, size_t seg,
		    const char *ifname, const struct nsnet_prefix *addr)
{
	struct ep *e = vec_push(v);

	if (!e)
		return -ENOMEM;
	*e = (struct ep){ owner, seg, ifname, *addr };
	return 0;
}

/**
 * auto_addr() - the address `up` gave an `address: auto` interface
 * @autos:	the state's "auto" map, "node/iface": "ADDR/LEN"
 * @node:	the node
 * @ifc:	its interface
 * @out:	the address
 *
 * Return: true if the state records one.
 */
static bool auto_addr(json_t *autos, const struct lab_node *node,
		      const struct lab_iface *ifc, struct nsnet_prefix *out)
{
	char key[NSNET_NSNAMSIZ + NSNET_IFNAMSIZ + 2];
	const char *s;

	snprintf(key, sizeof(key), "%s/%s", node->name, ifc->name);
	s = json_string_value(json_object_get(autos, key));
	return s && !nsnet_prefix_parse(s, NSNET_PFX_NEED_LEN, out);
}

/**
 * topo_node() - record the addresses of one node
 * @v:		struct ep vector
 * @lab:	the lab
 * @i:		the node's index
 * @autos:	the state's "auto" map
 *
 * An interface without an address (`network:` only, or an auto address the
 * state does not know) is left out: nothing can be probed there.
 *
 * Return: 0, or -ENOMEM.
 */
static int topo_node(struct vec *v, const struct lab *lab, size_t i,
		     json_t *autos)
{
	const struct lab_node *node = &lab->nodes[i];
	struct nsnet_prefix a;
	size_t j, k;
	int err = 0;

	for (j = 0; !err && j < node->n_ifaces; j++) {
		const struct lab_iface *ifc = &node->ifaces[j];

		if (ifc->addr_kind == LAB_ADDR_STATIC)
			a = ifc->addr;
		else if (ifc->addr_kind != LAB_ADDR_AUTO ||
			 !auto_addr(autos, node, ifc, &a))
			continue;
		err = topo_add(v, i, ifc->network, ifc->name, &a);
	}
	for (j = 0; !err && j < lab->n_links; j++)
		for (k = 0; !err && k < 2; k++) {
			const struct lab_end *e = &lab->links[j].end[k];

			if (e->node == i && e->has_addr)
				err = topo_add(v, i, lab->n_networks + j,
					       e->ifname, &e->addr);
		}
	return err;
}

/**
 * topo_build() - every address of a lab, with its owner and segment
 * @lab:	a checked lab
 * @autos:	the state's "auto" map (may be NULL)
 * @t:		result; release with topo_free()
 *
 * Return: 0, or -ENOMEM.
 */
static int topo_build(const struct lab *lab, json_t *autos, struct topo *t)
{
	struct vec v = { .size = sizeof(struct ep) };
	size_t i;
	int err = 0;

	for (i = 0; !err && i < lab->n_nodes; i++)
		err = topo_node(&v, lab, i, autos);
	for (i = 0; !err && i < lab->n_networks; i++)
		if (lab->networks[i].has_gateway)
			err = topo_add(&v, CHECK_HOST, i, lab->networks[i].name,
				       &lab->networks[i].gateway);
	t->lab = lab;
	t->eps = v.items;
	t->n_eps = v.n;
	return err;
}

/**
 * topo_free() - release what topo_build() allocated
 * @t:		the topology, may be zeroed
 */
static void topo_free(struct topo *t)
{
	free(t->eps);
	t->eps = NULL;
	t->n_eps = 0;
}

/**
 * owner_of() - who has an address
 * @t:		topology
 * @a:		the address
 *
 * Return: the owner, or CHECK_NOBODY.
 */
static size_t owner_of(const struct topo *t, const struct nsnet_prefix *a)
{
	size_t i;

	for (i = 0; i < t->n_eps; i++)
		if (same_addr(&t->eps[i].addr, a))
			return t->eps[i].owner;
	return CHECK_NOBODY;
}

/**
 * attached() - whether @owner has an interface on segment @seg
 * @t:		topology
 * @owner:	node index or CHECK_HOST
 * @seg:	segment
 *
 * Every network is a bridge on the host, with or without a gateway address
 * on it; an interface counts even without an address.
 *
 * Return: true if so.
 */
static bool attached(const struct topo *t, size_t owner, size_t seg)
{
	const struct lab *lab = t->lab;
	const struct lab_node *node;
	size_t i;

	if (owner == CHECK_HOST)
		return seg < lab->n_networks;
	node = &lab->nodes[owner];
	for (i = 0; i < node->n_ifaces; i++)
		if (node->ifaces[i].network == seg)
			return true;
	if (seg < lab->n_networks || seg - lab->n_networks >= lab->n_links)
		return false;
	i = seg - lab->n_networks;
	return lab->links[i].end[0].node == owner ||
	       lab->links[i].end[1].node == owner;
}

/**
 * next_owner() - who takes a packet sent to the next hop on a segment
 * @t:		topology
 * @h:		the hop
 *
 * IPv4 answers ARP for any of a machine's addresses on any of its
 * interfaces (arp_ignore 0), so the next hop is whoever has the address,
 * if it is on the segment at all. IPv6 neighbour discovery only answers for
 * the interface's own addresses.
 *
 * Return: the owner, or CHECK_NOBODY.
 */
static size_t next_owner(const struct topo *t, const struct hop *h)
{
	size_t i, o;

	if (h->nh.family == AF_INET) {
		o = owner_of(t, &h->nh);
		return o != CHECK_NOBODY && attached(t, o, h->seg) ? o :
								     CHECK_NOBODY;
	}
	for (i = 0; i < t->n_eps; i++)
		if (t->eps[i].seg == h->seg && same_addr(&t->eps[i].addr, &h->nh))
			return t->eps[i].owner;
	return CHECK_NOBODY;
}

/**
 * dev_seg() - the segment of a node's interface named in a route's "dev"
 * @lab:	the lab
 * @node:	node index
 * @dev:	interface name
 *
 * Return: the segment, or CHECK_NOBODY.
 */
static size_t dev_seg(const struct lab *lab, size_t node, const char *dev)
{
	const struct lab_node *n = &lab->nodes[node];
	size_t i, k;

	for (i = 0; i < n->n_ifaces; i++)
		if (!strcmp(n->ifaces[i].name, dev))
			return n->ifaces[i].network;
	for (i = 0; i < lab->n_links; i++)
		for (k = 0; k < 2; k++)
			if (lab->links[i].end[k].node == node &&
			    !strcmp(lab->links[i].end[k].ifname, dev))
				return lab->n_networks + i;
	return CHECK_NOBODY;
}

/**
 * connected() - the longest connected prefix of @owner covering @a
 * @t:		topology
 * @owner:	node index or CHECK_HOST
 * @a:		the address
 * @seg:	only on this segment, CHECK_NOBODY for any
 *
 * The kernel adds a prefix route for every address it is given.
 *
 * Return: the address whose prefix it is, or NULL.
 */
static const struct ep *connected(const struct topo *t, size_t owner,
				  const struct nsnet_prefix *a, size_t seg)
{
	const struct ep *best = NULL;
	size_t i;

	for (i = 0; i < t->n_eps; i++) {
		const struct ep *e = &t->eps[i];

		if (e->owner != owner || !pfx_in(&e->addr, a) ||
		    (seg != CHECK_NOBODY && e->seg != seg))
			continue;
		if (!best || e->addr.len > best->addr.len)
			best = e;
	}
	return best;
}

/**
 * lab_route_hop() - where one of a node's `routes:` sends a packet
 * @t:		topology
 * @owner:	node index
 * @r:		the route
 * @dst:	the destination
 * @h:		result
 *
 * A gateway must be inside a connected prefix (of "dev" when given), as
 * the kernel demands when the route is added.
 *
 * Return: true if the route is usable.
 */
static bool lab_route_hop(const struct topo *t, size_t owner,
			  const struct lab_route *r,
			  const struct nsnet_prefix *dst, struct hop *h)
{
	size_t seg = r->dev[0] ? dev_seg(t->lab, owner, r->dev) : CHECK_NOBODY;
	const struct ep *via;

	if (r->dev[0] && seg == CHECK_NOBODY)
		return false;
	if (!r->has_via) {
		*h = (struct hop){ seg, *dst };
		return true;
	}
	via = connected(t, owner, &r->via, seg);
	if (!via)
		return false;
	*h = (struct hop){ via->seg, r->via };
	return true;
}

/**
 * route_lookup() - the next hop from @owner towards @dst
 * @t:		topology
 * @owner:	node index or CHECK_HOST
 * @dst:	the destination
 * @h:		result
 *
 * Longest prefix wins; at equal length the connected route, which the
 * kernel has before any route added after the address. The host's own
 * routes beyond the lab are not the lab's business and are not modelled.
 *
 * Return: true if there is a route.
 */
static bool route_lookup(const struct topo *t, size_t owner,
			 const struct nsnet_prefix *dst, struct hop *h)
{
	const struct ep *c = connected(t, owner, dst, CHECK_NOBODY);
	const struct lab_node *node;
	struct hop cand;
	int best = -1;
	size_t i;

	if (c) {
		*h = (struct hop){ c->seg, *dst };
		best = (int)c->addr.len;
	}
	if (owner == CHECK_HOST)
		return best >= 0;
	node = &t->lab->nodes[owner];
	for (i = 0; i < node->n_routes; i++) {
		const struct lab_route *r = &node->routes[i];

		if (r->dst.family != dst->family || (int)r->dst.len <= best ||
		    !pfx_in(&r->dst, dst) || !lab_route_hop(t, owner, r, dst, &cand))
			continue;
		*h = cand;
		best = (int)r->dst.len;
	}
	return best >= 0;
}

/**
 * deliver() - who ends up with a packet from @from to @dst
 * @t:		topology
 * @from:	the sender (node index or CHECK_HOST)
 * @dst:	the destination address
 * @first:	the first hop, if not NULL (unset when nothing is sent)
 *
 * Whoever gets a packet that is not addressed to it routes it on: the host
 * is the lab's router, and a node only gets such a packet when some route
 * names it as the gateway, which makes it one.
 *
 * Return: the owner of @dst when it gets there, else CHECK_NOBODY.
 */
static size_t deliver(const struct topo *t, size_t from,
		      const struct nsnet_prefix *dst, struct hop *first)
{
	size_t at = from, owner = owner_of(t, dst);
	struct hop h;
	int i;

	for (i = 0; i < CHECK_MAX_HOPS && at != CHECK_NOBODY; i++) {
		if (at == owner)
			return at;
		if (!route_lookup(t, at, dst, &h))
			return CHECK_NOBODY;
		if (!i && first)
			*first = h;
		at = next_owner(t, &h);
	}
	return CHECK_NOBODY;
}

/**
 * pick_src() - the source address of a node's packet through a first hop
 * @t:		topology
 * @owner:	the sender
 * @h:		its first hop
 *
 * As the kernel picks it: an address of the outgoing interface in the
 * next hop's subnet, else any of that interface, else any the sender has.
 *
 * Return: the address, or NULL if the sender has none of the family.
 */
static const struct ep *pick_src(const struct topo *t, size_t owner,
				 const struct hop *h)
{
	const struct ep *on_seg = NULL, *any = NULL;
	size_t i;

	for (i = 0; i < t->n_eps; i++) {
		const struct ep *e = &t->eps[i];

		if (e->owner != owner || e->addr.family != h->nh.family)
			continue;
		if (e->seg == h->seg && pfx_in(&e->addr, &h->nh))
			return e;
		if (e->seg == h->seg && !on_seg)
			on_seg = e;
		if (!any)
			any = e;
	}
	return on_seg ? on_seg : any;
}

/**
 * topo_expect() - whether the lab says @from's echo request to @to answers
 * @t:		topology
 * @from:	node index
 * @to:		the address probed
 *
 * The request must reach the address's owner, and the reply, addressed to
 * the source the sender picked, must come back to the sender.
 *
 * Return: true if it should answer.
 */
static bool topo_expect(const struct topo *t, size_t from, const struct ep *to)
{
	const struct ep *src;
	struct hop first;

	if (deliver(t, from, &to->addr, &first) != to->owner)
		return false;
	src = pick_src(t, from, &first);
	return src && deliver(t, to->owner, &src->addr, NULL) == from;
}

/**
 * expect_all() - one result per (node, address of another), with what the
 * topology expects
 * @t:		topology
 * @out:	struct nsnet_reach vector to append to
 *
 * By sender in file order, then by address in topo_build()'s order.
 *
 * Return: 0, or -ENOMEM.
 */
static int expect_all(const struct topo *t, struct vec *out)
{
	const struct lab *lab = t->lab;
	struct nsnet_reach *r;
	size_t i, j;

	for (i = 0; i < lab->n_nodes; i++)
		for (j = 0; j < t->n_eps; j++) {
			const struct ep *e = &t->eps[j];

			if (e->owner == i)
				continue;
			r = vec_push(out);
			if (!r)
				return -ENOMEM;
			snprintf(r->from, sizeof(r->from), "%s", lab->nodes[i].name);
			if (e->owner != CHECK_HOST)
				snprintf(r->to, sizeof(r->to), "%s",
					 lab->nodes[e->owner].name);
			snprintf(r->ifname, sizeof(r->ifname), "%s", e->ifname);
			r->address = e->addr;
			r->expected = topo_expect(t, i, e);
		}
	return 0;
}

/* ------------------------------------------------------------------ probe */

/**
 * struct probe_sock - one node's raw ICMP socket for one family
 * @fd:		the socket, made inside the node; -1 if none (not needed,
 *		or it could not be made)
 * @family:	AF_INET or AF_INET6
 * @needed:	some probe goes out through it
 */
struct probe_sock {
	int fd;
	int family;
	bool needed;
};

/**
 * struct probe_payload - what each echo request carries, and its reply too
 * @cookie:	this run's random number: other pings are not ours
 * @index:	the result the request is for
 */
struct probe_payload {
	uint64_t cookie;
	uint32_t index;
} __attribute__((packed));

/**
 * struct prober - one run of probes
 * @r:		results, one per probe
 * @n:		count
 * @sock:	per result, its index in @socks
 * @socks:	per node two sockets, IPv4 then IPv6
 * @n_socks:	count
 * @cookie:	this run's cookie
 * @id:		ICMP echo identifier of this run
 */
struct prober {
	struct nsnet_reach *r;
	size_t n;
	size_t *sock;
	struct probe_sock *socks;
	size_t n_socks;
	uint64_t cookie;
	uint16_t id;
};

/**
 * open_icmp() - ns_call() work: a raw ICMP socket in the thread's namespace
 * @arg:	int *, the family
 *
 * Only echo replies get through the socket's filter: a raw socket sees
 * every ICMP message of the namespace, the other nodes' requests included.
 * Buffers are made large so a burst of replies is not dropped.
 *
 * Return: the socket, or -errno.
 */
static int open_icmp(void *arg)
{
	int family = *(int *)arg, size = 1 << 20, fd;

	fd = socket(family, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC,
		    family == AF_INET ? IPPROTO_ICMP : IPPROTO_ICMPV6);
	if (fd < 0)
		return -errno;
	if (family == AF_INET) {
		struct icmp_filter f = { ~(1U << ICMP_ECHOREPLY) };

		setsockopt(fd, SOL_RAW, ICMP_FILTER, &f, sizeof(f));
	} else {
		struct icmp6_filter f;

		ICMP6_FILTER_SETBLOCKALL(&f);
		ICMP6_FILTER_SETPASS(ICMP6_ECHO_REPLY, &f);
		setsockopt(fd, IPPROTO_ICMPV6, ICMP6_FILTER, &f, sizeof(f));
	}
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size)))
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
	if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &size, sizeof(size)))
		setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &size, sizeof(size));
	return fd;
}

/**
 * node_socks() - open the sockets one node needs
 * @ctx:	context
 * @pr:		prober
 * @lab:	the lab
 * @i:		the node's index
 *
 * A node whose namespace is gone gets no socket: its probes stay
 * unanswered, which is what they are.
 */
static void node_socks(struct nsnet_ctx *ctx, struct prober *pr,
		       const struct lab *lab, size_t i)
{
	struct probe_sock *s = &pr->socks[2 * i];
	int nsfd, k;

	if (!s[0].needed && !s[1].needed)
		return;
	nsfd = ns_open(ctx, lab->nodes[i].name);
	if (nsfd < 0)
		return;
	for (k = 0; k < 2; k++)
		if (s[k].needed)
			s[k].fd = ns_call(ctx, nsfd, open_icmp, &s[k].family);
	close(nsfd);
}

/**
 * prober_init() - sockets for every node, and where each probe goes out
 * @ctx:	context
 * @pr:		prober, with @r and @n set
 * @lab:	the lab
 *
 * Return: 0, or -ENOMEM.
 */
static int prober_init(struct nsnet_ctx *ctx, struct prober *pr,
		       const struct lab *lab)
{
	size_t i, k = 0;

	pr->n_socks = 2 * lab->n_nodes;
	pr->socks = calloc(pr->n_socks ? pr->n_socks : 1, sizeof(*pr->socks));
	pr->sock = calloc(pr->n ? pr->n : 1, sizeof(*pr->sock));
	if (!pr->socks || !pr->sock)
		return -ENOMEM;
	for (i = 0; i < pr->n_socks; i++)
		pr->socks[i] = (struct probe_sock){ -1,
			i % 2 ? AF_INET6 : AF_INET, false };
	/* Results are by sender in lab order: walk both together. */
	for (i = 0; i < lab->n_nodes; i++)
		for (; k < pr->n && !strcmp(pr->r[k].from, lab->nodes[i].name); k++) {
			pr->sock[k] = 2 * i + (pr->r[k].address.family == AF_INET6);
			pr->socks[pr->sock[k]].needed = true;
		}
	if (getrandom(&pr->cookie, sizeof(pr->cookie), GRND_NONBLOCK) !=
	    sizeof(pr->cookie))
		pr->cookie = ((uint64_t)getpid() << 32) ^ (uint64_t)clock();
	pr->id = (uint16_t)(pr->cookie >> 48);
	for (i = 0; i < lab->n_nodes; i++)
		node_socks(ctx, pr, lab, i);
	nsnet_clear_err(ctx);	/* a missing node is a finding, not an error */
	return 0;
}

/**
 * prober_free() - close the sockets and release the arrays
 * @pr:		prober, may be zeroed
 */
static void prober_free(struct prober *pr)
{
	size_t i;

	for (i = 0; pr->socks && i < pr->n_socks; i++)
		if (pr->socks[i].fd >= 0)
			close(pr->socks[i].fd);
	free(pr->socks);
	free(pr->sock);
}

/**
 * icmp_sum() - the Internet checksum (RFC 1071)
 * @p:		data
 * @len:	its length
 *
 * Return: the checksum, in network order when stored as is.
 */
static uint16_t icmp_sum(const void *p, size_t len)
{
	const uint8_t *b = p;
	uint32_t sum = 0;
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)(b[i] << 8 | b[i + 1]);
	if (len & 1)
		sum += (uint32_t)b[len - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return htons((uint16_t)~sum);
}

/**
 * send_one() - send the echo request of one probe
 * @pr:		prober
 * @k:		the probe
 *
 * The ICMPv6 checksum is the kernel's job on a raw ICMPv6 socket; the
 * ICMPv4 one is ours. A failure to send (no route, say) is an unanswered
 * probe, nothing more.
 */
static void send_one(const struct prober *pr, size_t k)
{
	const struct probe_sock *s = &pr->socks[pr->sock[k]];
	const struct nsnet_prefix *a = &pr->r[k].address;
	struct probe_payload pl = { pr->cookie, (uint32_t)k };
	uint16_t id = htons(pr->id), seq = htons((uint16_t)k), sum;
	uint8_t pkt[8 + sizeof(pl)];
	struct sockaddr_storage ss = { 0 };
	socklen_t sl;

	if (s->fd < 0)
		return;
	memset(pkt, 0, 8);
	pkt[0] = a->family == AF_INET ? ICMP_ECHO : ICMP6_ECHO_REQUEST;
	memcpy(pkt + 4, &id, 2);
	memcpy(pkt + 6, &seq, 2);
	memcpy(pkt + 8, &pl, sizeof(pl));
	if (a->family == AF_INET) {
		struct sockaddr_in *sin = (struct sockaddr_in *)&ss;

		sum = icmp_sum(pkt, sizeof(pkt));
		memcpy(pkt + 2, &sum, 2);
		sin->sin_family = AF_INET;
		memcpy(&sin->sin_addr, a->addr, 4);
		sl = sizeof(*sin);
	} else {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;

		sin6->sin6_family = AF_INET6;
		memcpy(&sin6->sin6_addr, a->addr, 16);
		sl = sizeof(*sin6);
	}
	sendto(s->fd, pkt, sizeof(pkt), 0, (struct sockaddr *)&ss, sl);
}

/**
 * send_round() - send every probe that has no answer yet
 * @pr:		prober
 */
static void send_round(const struct prober *pr)
{
	size_t k;

	for (k = 0; k < pr->n; k++)
		if (!pr->r[k].reachable)
			send_one(pr, k);
}

/**
 * take_reply() - mark the probe a received echo reply answers
 * @pr:		prober
 * @si:		the socket it came in on
 * @icmp:	the ICMP message
 * @len:	its length
 * @from:	its source address
 *
 * It counts only if it is ours (identifier, cookie), came in on the
 * probe's socket, and from the very address probed.
 */
static void take_reply(struct prober *pr, size_t si, const uint8_t *icmp,
		       size_t len, const struct sockaddr_storage *from)
{
	const struct probe_sock *s = &pr->socks[si];
	struct probe_payload pl;
	const void *src;
	uint16_t id;

	if (len < 8 + sizeof(pl) ||
	    icmp[0] != (s->family == AF_INET ? ICMP_ECHOREPLY : ICMP6_ECHO_REPLY))
		return;
	memcpy(&id, icmp + 4, 2);
	memcpy(&pl, icmp + 8, sizeof(pl));
	if (ntohs(id) != pr->id || pl.cookie != pr->cookie || pl.index >= pr->n ||
	    pr->sock[pl.index] != si)
		return;
	src = s->family == AF_INET ?
	      (const void *)&((const struct sockaddr_in *)from)->sin_addr :
	      (const void *)&((const struct sockaddr_in6 *)from)->sin6_addr;
	if (!memcmp(src, pr->r[pl.index].address.addr, pfx_bytes(s->family)))
		pr->r[pl.index].reachable = true;
}

/**
 * read_replies() - drain one socket
 * @pr:		prober
 * @si:		the socket's index
 *
 * An IPv4 raw socket hands over the IP header too; an IPv6 one does not.
 */
static void read_replies(struct prober *pr, size_t si)
{
	struct sockaddr_storage from;
	uint8_t buf[512];
	socklen_t fl;
	ssize_t len;
	size_t off;

	for (;;) {
		fl = sizeof(from);
		len = recvfrom(pr->socks[si].fd, buf, sizeof(buf), 0,
			       (struct sockaddr *)&from, &fl);
		if (len < 0)
			return;
		off = pr->socks[si].family == AF_INET ? (size_t)(buf[0] & 0xf) * 4 : 0;
		if ((size_t)len > off)
			take_reply(pr, si, buf + off, (size_t)len - off, &from);
	}
}

/**
 * now_ms() - a monotonic clock in milliseconds
 *
 * Return: the time.
 */
static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/**
 * probes_done() - whether waiting longer can change the outcome
 * @pr:		prober
 * @t:		milliseconds since the first request
 *
 * Done when everything answered; or when everything expected answered and
 * the isolated pairs have had the quiet time to leak.
 *
 * Return: true if so.
 */
static bool probes_done(const struct prober *pr, int64_t t)
{
	bool all = true, expected = true;
	size_t k;

	for (k = 0; k < pr->n; k++) {
		if (pr->r[k].reachable)
			continue;
		all = false;
		if (pr->r[k].expected)
			expected = false;
	}
	return all || (expected && t >= CHECK_QUIET_MS);
}

/**
 * run_probes() - send, resend and collect until done or @timeout ms
 * @pr:		prober, sockets open
 * @timeout:	the longest wait, in milliseconds
 *
 * Return: 0, or -ENOMEM.
 */
static int run_probes(struct prober *pr, int64_t timeout)
{
	struct pollfd *pfd = calloc(pr->n_socks ? pr->n_socks : 1, sizeof(*pfd));
	int64_t start = now_ms(), t = 0, wake;
	int rounds = 0;
	size_t i;

	if (!pfd)
		return -ENOMEM;
	for (i = 0; i < pr->n_socks; i++)
		pfd[i] = (struct pollfd){ .fd = pr->socks[i].fd, .events = POLLIN };
	while (t < timeout) {
		if (rounds < CHECK_ROUNDS && t >= (int64_t)rounds * CHECK_RESEND_MS) {
			send_round(pr);
			rounds++;
		}
		if (probes_done(pr, t))
			break;
		wake = timeout;
		if (rounds < CHECK_ROUNDS && (int64_t)rounds * CHECK_RESEND_MS < wake)
			wake = (int64_t)rounds * CHECK_RESEND_MS;
		if (CHECK_QUIET_MS > t && CHECK_QUIET_MS < wake)
			wake = CHECK_QUIET_MS;
		if (poll(pfd, pr->n_socks, (int)(wake > t ? wake - t : 0)) > 0)
			for (i = 0; i < pr->n_socks; i++)
				if (pfd[i].revents & POLLIN)
					read_replies(pr, i);
		t = now_ms() - start;
	}
	free(pfd);
	return 0;
}

/* ------------------------------------------------------------------- load */

/**
 * load_lab_up() - the state of a lab that is up, and its lab file
 * @ctx:	context
 * @name:	lab name
 * @lab:	the parsed and checked lab file
 * @state:	the state
 *
 * The expectation comes from the file recorded at `up`, as it reads now.
 *
 * Return: 0; -ENOENT (input) when no such lab is up; -EINVAL (input) when
 * its file is gone or no longer valid; -errno.
 */
static int load_lab_up(struct nsnet_ctx *ctx, const char *name,
		       struct lab **lab, json_t **state)
{
	struct lab_diags d = { 0 };
	struct state_dir sd;
	const char *file;
	char line[512];
	int err;

	*lab = NULL;
	*state = NULL;
	err = state_open(ctx, &sd, false);
	if (!err)
		*state = state_load(ctx, &sd, name, &err);
	state_close(&sd);
	if (err == -ENOENT)
		nsnet_fail_why(ctx, err, true, "no such lab is up", "lab %s", name);
	if (err)
		return err;
	file = json_string_value(json_object_get(*state, "file"));
	if (!file || !*file) {
		nsnet_fail_why(ctx, -EINVAL, true, "its state names no lab file",
			       "lab %s", name);
		return -EINVAL;
	}
	err = lab_parse_file(file, lab, &d);
	if (*lab)
		lab_check(*lab, &d);
	if (d.n || d.dropped || err || !*lab) {
		err = -EINVAL;
		nsnet_fail_why(ctx, err, true, d.n ? lab_diag_format(&d, 0, line,
			       sizeof(line)) : "not a valid lab file",
			       "lab %s", name);
	} else if (strcmp((*lab)->name, name) != 0) {
		err = -EINVAL;
		nsnet_fail_why(ctx, err, true, "it now names another lab",
			       "lab %s: its file %s", name, file);
	}
	lab_diags_free(&d);
	return err;
}

/**
 * nsnet_lab_reach() - probe every node-to-address pair of a lab that is up
 * @ctx:	context
 * @name:	lab name
 * @timeout_ms:	the longest wait for answers, 0 for NSNET_REACH_TIMEOUT_MS
 * @out:	result array, free() it
 *
 * Return: the number of results, or -errno (-ENOENT, an input error, when
 * no such lab is up).
 */
int nsnet_lab_reach(struct nsnet_ctx *ctx, const char *name,
		    unsigned int timeout_ms, struct nsnet_reach **out)
{
	struct vec v = { .size = sizeof(struct nsnet_reach) };
	struct prober pr = { 0 };
	struct topo t = { 0 };
	struct lab *lab = NULL;
	json_t *state = NULL;
	const char *why;
	int err;

	nsnet_clear_err(ctx);
	why = nsnet_check_nsname(name);
	if (!why && strlen(name) > LAB_NAME_MAX)
		why = "longer than a lab name can be";
	if (why)
		return nsnet_fail_why(ctx, -EINVAL, true, why, "lab \"%s\"",
				      lab_show(name).s);
	err = load_lab_up(ctx, name, &lab, &state);
	if (!err)
		err = topo_build(lab, json_object_get(state, "auto"), &t);
	if (!err)
		err = expect_all(&t, &v);
	if (err)
		goto out;
	pr.r = v.items;
	pr.n = v.n;
	err = prober_init(ctx, &pr, lab);
	if (!err)
		err = run_probes(&pr, timeout_ms ? timeout_ms :
					NSNET_REACH_TIMEOUT_MS);
	if (!err)
		err = vec_take(&v, out);
out:
	if (err == -ENOMEM)
		nsnet_fail(ctx, err, "check %s", name);
	prober_free(&pr);
	topo_free(&t);
	free(v.items);
	json_decref(state);
	lab_free(lab);
	return err;
}
