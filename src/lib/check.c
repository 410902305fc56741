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
 * answer when the request gets there and the reply gets back. An `auto`
 * address is the one `up` recorded; a `dhcp` one is what the node's
 * interface holds now (whoever serves it: the host's dnsmasq, a node's).
 *
 * The probe is real traffic, UDP between sockets of nsnet's own in the
 * namespaces (check_udp.c); what it cannot tell, ICMP does (check_icmp.c).
 * This file also plans it: which pairs, of a sample or of one node
 * (--from, --to), and for a lab too large for the machine's neighbour table
 * to hold every pair's ARP entries, which pairs of a switch are decided by
 * broadcasts (see check_udp.c) instead of a request each.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "check.h"
#include "engine.h"

/** CHECK_MAX_HOPS - routers a packet may pass; more is a routing loop */
#define CHECK_MAX_HOPS 8
/** CHECK_ICMP_MAX - failing pairs asked again with ICMP, at most: the
 * kernel answers echo requests under a rate limit (50 at once) */
#define CHECK_ICMP_MAX 40

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
 * @pending:	a stand-in for a lease not there yet
 *
 * Return: 0, or -ENOMEM.
 */
static int topo_add(struct vec *v, size_t owner, size_t seg,
		    const char *ifname, const struct nsnet_prefix *addr,
		    bool pending)
{
	struct ep *e = vec_push(v);

	if (!e)
		return -ENOMEM;
	*e = (struct ep){ owner, seg, ifname, *addr, pending };
	return 0;
}

/**
 * auto_addr() - the address an `auto` or `dhcp` interface has
 * @autos:	"node/iface": "ADDR/LEN", the state's "auto" map with the
 *		leases the nodes hold added
 * @node:	the node
 * @ifc:	its interface
 * @out:	the address
 *
 * Return: true if the map has one.
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
 * @autos:	the state's "auto" map, with the leases held
 *
 * An interface without an address (`network:` only, or an auto address the
 * state does not know) is left out: nothing can be probed there. A `dhcp`
 * one that holds no lease stands in with the first address of its range,
 * never probed but the node's source on that switch, so what the node
 * should reach through it fails, as it does.
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

		const struct lab_dhcp *dh = ifc->network < lab->n_networks ?
			&lab->networks[ifc->network].dhcp : NULL;
		bool pending = false;

		if (ifc->addr_kind == LAB_ADDR_STATIC) {
			a = ifc->addr;
		} else if (ifc->addr_kind == LAB_ADDR_DHCP &&
			   !auto_addr(autos, node, ifc, &a)) {
			if (!dh || !dh->on || !dh->first.family)
				continue;
			a = dh->first;
			if (lab->networks[ifc->network].has_subnet)
				a.len = lab->networks[ifc->network].subnet.len;
			pending = true;
		} else if ((ifc->addr_kind != LAB_ADDR_AUTO &&
			    ifc->addr_kind != LAB_ADDR_DHCP) ||
			   !auto_addr(autos, node, ifc, &a)) {
			continue;
		}
		err = topo_add(v, i, ifc->network, ifc->name, &a, pending);
	}
	for (j = 0; !err && j < lab->n_links; j++)
		for (k = 0; !err && k < 2; k++) {
			const struct lab_end *e = &lab->links[j].end[k];

			if (e->node == i && e->has_addr)
				err = topo_add(v, i, lab->n_networks + j,
					       e->ifname, &e->addr, false);
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
				       &lab->networks[i].gateway, false);
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
 * A stand-in for a lease not there yet is nobody's: the address may well
 * be another node's.
 *
 * Return: the owner, or CHECK_NOBODY.
 */
static size_t owner_of(const struct topo *t, const struct nsnet_prefix *a)
{
	size_t i;

	for (i = 0; i < t->n_eps; i++)
		if (!t->eps[i].pending && same_addr(&t->eps[i].addr, a))
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
		if (!t->eps[i].pending && t->eps[i].seg == h->seg &&
		    same_addr(&t->eps[i].addr, &h->nh))
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
 * struct nkey - a neighbour entry a probe needs: @owner resolves @addr
 * @owner:	node index or CHECK_HOST
 * @family:	AF_INET or AF_INET6
 * @addr:	the next hop
 */
struct nkey {
	size_t owner;
	int family;
	uint8_t addr[16];
};

/**
 * add_key() - note the neighbour entry one hop needs
 * @keys:	struct nkey vector, or NULL
 * @at:		who sends
 * @h:		the hop
 *
 * Return: 0, or -ENOMEM.
 */
static int add_key(struct vec *keys, size_t at, const struct hop *h)
{
	struct nkey *k;

	if (!keys)
		return 0;
	k = vec_push(keys);
	if (!k)
		return -ENOMEM;
	memset(k, 0, sizeof(*k));
	k->owner = at;
	k->family = h->nh.family;
	memcpy(k->addr, h->nh.addr, pfx_bytes(h->nh.family));
	return 0;
}

/**
 * deliver() - who ends up with a packet from @from to @dst
 * @t:		topology
 * @from:	the sender (node index or CHECK_HOST)
 * @dst:	the destination address
 * @first:	the first hop, if not NULL (unset when nothing is sent)
 * @keys:	struct nkey vector the hops' neighbour entries go to, or NULL
 *
 * Whoever gets a packet that is not addressed to it routes it on: the host
 * is the lab's router, and a node only gets such a packet when some route
 * names it as the gateway, which makes it one.
 *
 * Return: the owner of @dst when it gets there, else CHECK_NOBODY (also
 * when out of memory for @keys: the plan is then only less economical).
 */
static size_t deliver(const struct topo *t, size_t from,
		      const struct nsnet_prefix *dst, struct hop *first,
		      struct vec *keys)
{
	size_t at = from, owner = owner_of(t, dst);
	struct hop h;
	int i;

	for (i = 0; i < CHECK_MAX_HOPS && at != CHECK_NOBODY; i++) {
		if (at == owner)
			return at;
		if (!route_lookup(t, at, dst, &h) || add_key(keys, at, &h))
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
 * struct expect - what the route walk says of one pair
 * @ok:		the request gets there and the reply back
 * @src:	the sender's address the request leaves from (CHECK_NOBODY)
 * @direct:	both go straight to the other end on one segment
 */
struct expect {
	bool ok;
	size_t src;
	bool direct;
};

/**
 * topo_expect() - whether the lab says @from's probe of @to answers
 * @t:		topology
 * @from:	node index
 * @to:		the address probed
 * @keys:	struct nkey vector for the neighbour entries, or NULL
 *
 * The request must reach the address's owner, and the reply, addressed to
 * the source the sender picked, must come back to the sender. A stand-in
 * source (a lease not there yet) is taken to be reachable back: it is what
 * the node would have, on the switch the request left by.
 *
 * Return: the outcome.
 */
static struct expect topo_expect(const struct topo *t, size_t from,
				 const struct ep *to, struct vec *keys)
{
	struct expect x = { false, CHECK_NOBODY, false };
	const struct ep *src;
	struct hop first, back;

	if (deliver(t, from, &to->addr, &first, keys) != to->owner)
		return x;
	src = pick_src(t, from, &first);
	if (!src)
		return x;
	x.src = (size_t)(src - t->eps);
	if (src->pending) {
		x.ok = true;
		return x;
	}
	x.ok = deliver(t, to->owner, &src->addr, &back, keys) == from;
	x.direct = x.ok && first.seg == back.seg &&
		   same_addr(&first.nh, &to->addr) &&
		   same_addr(&back.nh, &src->addr);
	return x;
}

/**
 * struct chk_sel - which pairs to probe
 * @from:	only this sender (node index), CHECK_NOBODY for all
 * @to:		only this node's addresses, CHECK_NOBODY for any node's
 * @to_host:	the host's addresses too (with @to) or only them
 * @any_to:	no filter on the destination
 * @sample:	at most this many, 0 for all
 */
struct chk_sel {
	size_t from;
	size_t to;
	bool to_host;
	bool any_to;
	size_t sample;
};

/**
 * sel_to() - whether an address passes the destination filter
 * @sel:	the selection
 * @e:		the address
 *
 * Return: true if so.
 */
static bool sel_to(const struct chk_sel *sel, const struct ep *e)
{
	if (e->pending)
		return false;
	if (sel->any_to)
		return true;
	return (sel->to_host && e->owner == CHECK_HOST) ||
	       (sel->to != CHECK_NOBODY && e->owner == sel->to);
}

/**
 * pick_targets() - the addresses one sender probes
 * @t:		topology
 * @sel:	the selection
 * @i:		the sender
 * @quota:	how many at most (0: all)
 * @out:	indices into @t->eps, room for all; in topo_build()'s order
 *
 * A sample takes every (count / quota)-th candidate from an offset that
 * moves with the sender, so the senders' samples together cover the
 * destinations evenly instead of all probing the first ones.
 *
 * Return: how many.
 */
static size_t pick_targets(const struct topo *t, const struct chk_sel *sel,
			   size_t i, size_t quota, size_t *out)
{
	size_t j, n = 0, m, *pick;

	for (j = 0; j < t->n_eps; j++)
		if (t->eps[j].owner != i && sel_to(sel, &t->eps[j]))
			out[n++] = j;
	if (!quota || quota >= n)
		return n;
	pick = calloc(n, sizeof(*pick));
	if (!pick)
		return 0;
	for (m = 0; m < quota; m++)
		pick[(i + m * n / quota) % n] = 1;
	for (j = 0, m = 0; j < n; j++)
		if (pick[j])
			out[m++] = out[j];
	free(pick);
	return m;
}

/**
 * struct chk_list - the pairs of a check, as expect_all() makes them
 * @r:		struct nsnet_reach vector: the results
 * @pairs:	struct chk_pair vector, one per result
 * @direct:	per result, whether both ways are direct on one segment
 * @n_direct:	how many results can have
 * @keys:	struct nkey vector: the neighbour entries the probes need,
 *		with repetitions
 */
struct chk_list {
	struct vec r;
	struct vec pairs;
	bool *direct;
	size_t n_direct;
	struct vec keys;
};

/**
 * list_free() - release a pair list
 * @l:		the list, may be zeroed
 */
static void list_free(struct chk_list *l)
{
	free(l->r.items);
	free(l->pairs.items);
	free(l->direct);
	free(l->keys.items);
	memset(l, 0, sizeof(*l));
}

/**
 * add_pair() - one result and how to probe it
 * @t:		topology
 * @l:		the list
 * @i:		sender
 * @j:		address probed
 *
 * Return: 0, or -ENOMEM.
 */
static int add_pair(const struct topo *t, struct chk_list *l, size_t i,
		    size_t j)
{
	const struct lab *lab = t->lab;
	const struct ep *e = &t->eps[j];
	struct nsnet_reach *r;
	struct chk_pair *p;
	struct expect x;

	if (l->r.n == l->n_direct) {
		size_t n = l->n_direct ? 2 * l->n_direct : 64;
		bool *d = realloc(l->direct, n * sizeof(*d));

		if (!d)
			return -ENOMEM;
		l->direct = d;
		l->n_direct = n;
	}
	r = vec_push(&l->r);
	p = r ? vec_push(&l->pairs) : NULL;
	if (!p)
		return -ENOMEM;
	memset(r, 0, sizeof(*r));
	snprintf(r->from, sizeof(r->from), "%s", lab->nodes[i].name);
	if (e->owner != CHECK_HOST)
		snprintf(r->to, sizeof(r->to), "%s", lab->nodes[e->owner].name);
	snprintf(r->ifname, sizeof(r->ifname), "%s", e->ifname);
	r->address = e->addr;
	r->icmp = -1;
	x = topo_expect(t, i, e, &l->keys);
	r->expected = x.ok;
	*p = (struct chk_pair){ i, j, x.src, false };
	l->direct[l->r.n - 1] = x.direct;
	return 0;
}

/**
 * expect_all() - the selected pairs (node, address of another), with what
 * the topology expects of each
 * @t:		topology
 * @sel:	which pairs
 * @l:		the list to fill, zeroed (.r and .pairs sized); list_free()
 *
 * By sender in file order, then by address in topo_build()'s order. A
 * sample gives each sender its share of @sel->sample.
 *
 * Return: 0, or -ENOMEM.
 */
static int expect_all(const struct topo *t, const struct chk_sel *sel,
		      struct chk_list *l)
{
	const struct lab *lab = t->lab;
	size_t i, k, m, n, n_send, quota, *targets;
	int err = 0;

	l->r.size = sizeof(struct nsnet_reach);
	l->pairs.size = sizeof(struct chk_pair);
	l->keys.size = sizeof(struct nkey);
	targets = calloc(t->n_eps + 1, sizeof(*targets));
	if (!targets)
		return -ENOMEM;
	n_send = sel->from == CHECK_NOBODY ? lab->n_nodes : 1;
	for (i = 0, m = 0; !err && i < lab->n_nodes; i++) {
		if (sel->from != CHECK_NOBODY && sel->from != i)
			continue;
		quota = sel->sample ? sel->sample / n_send +
				      (m++ < sel->sample % n_send) : 0;
		if (sel->sample && !quota)
			continue;
		n = pick_targets(t, sel, i, quota, targets);
		for (k = 0; !err && k < n; k++)
			err = add_pair(t, l, i, targets[k]);
	}
	free(targets);
	return err;
}

/**
 * cmp_key() - order neighbour entries, for counting the distinct ones
 * @a:		struct nkey
 * @b:		struct nkey
 *
 * Return: <0, 0, >0.
 */
static int cmp_key(const void *a, const void *b)
{
	const struct nkey *x = a, *y = b;

	if (x->owner != y->owner)
		return x->owner < y->owner ? -1 : 1;
	if (x->family != y->family)
		return x->family - y->family;
	return memcmp(x->addr, y->addr, sizeof(x->addr));
}

/**
 * count_keys() - the distinct neighbour entries the unicast probes need
 * @keys:	struct nkey vector, sorted in place
 * @n4:		IPv4 ones (ARP)
 * @n6:		IPv6 ones (NDP)
 */
static void count_keys(struct vec *keys, size_t *n4, size_t *n6)
{
	const struct nkey *k = keys->items;
	size_t i;

	*n4 = *n6 = 0;
	vec_sort(keys, cmp_key);
	for (i = 0; i < keys->n; i++)
		if (!i || cmp_key(&k[i - 1], &k[i]))
			*(k[i].family == AF_INET ? n4 : n6) += 1;
}

/**
 * plan_bcast() - which pairs broadcasts decide, and each address's spot
 * @t:		topology
 * @l:		the pairs, with their neighbour entries
 * @budget4:	ARP entries the check may add to the machine's table
 * @budget6:	NDP entries likewise
 * @spot:	per address, the result of its spot probe, or CHECK_NOBODY
 *
 * When the unicast probes fit the budget, every pair has its own. When
 * not, the pairs that talk directly on one switch (the quadratic part) are
 * decided by broadcasts, but for one pair per address, the first in the
 * list: its spot, probed by itself, which shows that the address answers
 * ARP and unicast. What remains needs entries for the routed pairs (the
 * sender's for its gateway, the router's for the address), and the spots',
 * two each: as many spots as half the budget allows, the addresses beyond
 * that are left to the broadcasts alone (CHECK_NO_SPOT). A unicast pair
 * proves its sender's address too (it was resolved for the reply), so a
 * sender's address that no pair probes (--from) is covered by the spots it
 * sends; one that is not covered at all is left to the broadcasts.
 *
 * Return: the number of pairs broadcasts decide.
 */
static size_t plan_bcast(const struct topo *t, struct chk_list *l,
			 size_t budget4, size_t budget6, size_t *spot)
{
	struct chk_pair *p = l->pairs.items;
	const struct nsnet_reach *r = l->r.items;
	size_t i, n4, n6, n = 0, spots[2] = { 0, 0 };
	bool v6;

	for (i = 0; i < t->n_eps; i++)
		spot[i] = CHECK_NOBODY;
	count_keys(&l->keys, &n4, &n6);
	if (n4 <= budget4 && n6 <= budget6)
		return 0;
	for (i = 0; i < l->r.n; i++) {
		if (!l->direct[i] || !r[i].expected ||
		    (r[i].address.family == AF_INET ? n4 <= budget4 :
						      n6 <= budget6))
			continue;
		v6 = r[i].address.family == AF_INET6;
		if (spot[p[i].ep] == CHECK_NOBODY &&
		    2 * spots[v6] < (v6 ? budget6 : budget4)) {
			spot[p[i].ep] = i;	/* probed by itself */
			spots[v6]++;
			continue;
		}
		if (spot[p[i].ep] == CHECK_NOBODY)
			spot[p[i].ep] = CHECK_NO_SPOT;
		p[i].bcast = true;
		n++;
	}
	for (i = 0; n && i < l->r.n; i++)
		if (!p[i].bcast && p[i].src < t->n_eps &&
		    spot[p[i].src] == CHECK_NOBODY)
			spot[p[i].src] = i;	/* its sender's address, proven */
	for (i = 0; n && i < l->r.n; i++)
		if (p[i].bcast && p[i].src < t->n_eps &&
		    spot[p[i].src] == CHECK_NOBODY)
			spot[p[i].src] = CHECK_NO_SPOT;
	return n;
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
 * lease_of() - the IPv4 address a node's interface holds now
 * @ctx:	context
 * @node:	the node
 * @ifc:	its `dhcp` interface
 * @net:	its network
 * @out:	the address with its length
 *
 * Preferably one inside the network's subnet; a node whose namespace or
 * interface is gone holds none.
 *
 * Return: true if it holds one.
 */
static bool lease_of(struct nsnet_ctx *ctx, const struct lab_node *node,
		     const struct lab_iface *ifc, const struct lab_network *net,
		     struct nsnet_prefix *out)
{
	struct nsnet_address *a = NULL;
	struct nl_sock *s = nl_sock_get(ctx, node->name);
	bool found = false;
	int idx, n, i;

	if (!s)
		return false;
	idx = link_index(ctx, s, node->name, ifc->name);
	n = idx > 0 ? addr_list_sock(ctx, s, AF_INET, &a) : 0;
	for (i = 0; i < n; i++) {
		if (a[i].ifindex != idx || a[i].scope != 0)	/* universe */
			continue;
		if (!found || (net->has_subnet && pfx_in(&net->subnet, &a[i].local)))
			*out = a[i].local;
		found = true;
	}
	free(a);
	return found;
}

/**
 * held_addrs() - the state's auto addresses, with the leases nodes hold
 * @ctx:	context
 * @lab:	the lab
 * @autos:	the state's "auto" map, may be NULL
 *
 * A `dhcp` address is whatever the interface has now (the lease, whoever
 * handed it out): the lab file does not know it, the state need not.
 *
 * Return: a new map "node/iface": "ADDR/LEN", or NULL when out of memory.
 */
static json_t *held_addrs(struct nsnet_ctx *ctx, const struct lab *lab,
			  json_t *autos)
{
	json_t *m = json_is_object(autos) ? json_copy(autos) : json_object();
	char key[NSNET_NSNAMSIZ + NSNET_IFNAMSIZ + 2], text[64];
	struct nsnet_prefix a;
	size_t i, j;

	for (i = 0; m && i < lab->n_nodes; i++)
		for (j = 0; j < lab->nodes[i].n_ifaces; j++) {
			const struct lab_iface *ifc = &lab->nodes[i].ifaces[j];

			if (ifc->addr_kind != LAB_ADDR_DHCP ||
			    ifc->network >= lab->n_networks ||
			    !lease_of(ctx, &lab->nodes[i], ifc,
				      &lab->networks[ifc->network], &a))
				continue;
			snprintf(key, sizeof(key), "%s/%s", lab->nodes[i].name,
				 ifc->name);
			nsnet_prefix_format(&a, true, text, sizeof(text));
			json_object_set_new(m, key, json_string(text));
		}
	nsnet_clear_err(ctx);	/* a node without its lease is a finding */
	return m;
}

/**
 * neigh_budget() - neighbour entries the check may add to the machine's table
 * @t:		the table
 *
 * The table is one for every namespace (gc_thresh3 entries at most; one
 * younger than five seconds is never reclaimed): the check takes at most
 * half of what is left under that ceiling, so it neither overflows the
 * table for itself nor for anyone else on the machine. Not told, it
 * assumes the kernel's default limit and an empty table.
 *
 * Return: the number of entries.
 */
static size_t neigh_budget(const struct check_ntable *t)
{
	unsigned int thresh = t->known ? t->thresh3 : 1024;
	unsigned int entries = t->known ? t->entries : 0;

	return entries < thresh ? (thresh - entries) / 2 : 0;
}

/**
 * node_index() - a node of the lab, by name
 * @lab:	the lab
 * @name:	its name
 *
 * Return: its index, or CHECK_NOBODY.
 */
static size_t node_index(const struct lab *lab, const char *name)
{
	size_t i;

	for (i = 0; i < lab->n_nodes; i++)
		if (!strcmp(lab->nodes[i].name, name))
			return i;
	return CHECK_NOBODY;
}

/**
 * make_sel() - the selection of nsnet_lab_check()'s options
 * @ctx:	context
 * @lab:	the lab
 * @o:		the options, may be NULL
 * @sel:	result
 *
 * Return: 0, or -EINVAL (input) for a node the lab has not.
 */
static int make_sel(struct nsnet_ctx *ctx, const struct lab *lab,
		    const struct nsnet_reach_opts *o, struct chk_sel *sel)
{
	*sel = (struct chk_sel){ CHECK_NOBODY, CHECK_NOBODY, false, true, 0 };
	if (!o)
		return 0;
	sel->sample = o->sample;
	if (o->from) {
		sel->from = node_index(lab, o->from);
		if (sel->from == CHECK_NOBODY)
			return nsnet_fail_why(ctx, -EINVAL, true,
					      "the lab has no such node",
					      "--from %s", lab_show(o->from).s);
	}
	if (o->to) {
		sel->any_to = false;
		sel->to = node_index(lab, o->to);
		sel->to_host = !strcmp(o->to, "host");
		if (sel->to == CHECK_NOBODY && !sel->to_host)
			return nsnet_fail_why(ctx, -EINVAL, true,
					      "the lab has no such node (nor is it \"host\")",
					      "--to %s", lab_show(o->to).s);
	}
	return 0;
}

/**
 * probe() - probe the listed pairs: UDP, then ICMP for those that failed
 * @ctx:	context
 * @t:		topology
 * @l:		the pairs
 * @timeout_ms:	one round's longest wait
 *
 * Return: 0, or -ENOMEM.
 */
static int probe(struct nsnet_ctx *ctx, const struct topo *t,
		 struct chk_list *l, unsigned int timeout_ms)
{
	const struct lab *lab = t->lab;
	const char **names = calloc(lab->n_nodes + 1, sizeof(*names));
	size_t *spot = calloc(t->n_eps + 1, sizeof(*spot));
	size_t *which = calloc(CHECK_ICMP_MAX, sizeof(*which));
	struct nsnet_reach *r = l->r.items;
	struct check_ntable nt[2];
	struct chk_run run;
	size_t i, n = 0;
	int err = -ENOMEM;

	if (!names || !spot || !which)
		goto out;
	for (i = 0; i < lab->n_nodes; i++)
		names[i] = lab->nodes[i].name;
	check_ntables(ctx, nt);
	plan_bcast(t, l, neigh_budget(&nt[0]), neigh_budget(&nt[1]), spot);
	run = (struct chk_run){ names, lab->n_nodes, t->eps, t->n_eps, spot,
				l->pairs.items, r, l->r.n, timeout_ms };
	err = check_udp(ctx, &run);
	for (i = 0; !err && i < l->r.n && n < CHECK_ICMP_MAX; i++)
		if (r[i].expected && !r[i].reachable &&
		    r[i].how != NSNET_REACH_UNKNOWN)
			which[n++] = i;
	/* An echo request only tells which protocol fails, it decides
	 * nothing: half the wait will do, the neighbours are resolved. */
	run.timeout_ms = timeout_ms / 2 ? timeout_ms / 2 : 1;
	if (!err)
		err = check_icmp(ctx, &run, which, n);
out:
	free(names);
	free(spot);
	free(which);
	return err;
}

/**
 * nsnet_lab_check() - probe the selected node-to-address pairs of a lab
 * @ctx:	context
 * @name:	lab name
 * @opts:	which probes; NULL for all of them
 * @out:	result array, free() it
 *
 * Return: the number of results, or -errno (-ENOENT, an input error, when
 * no such lab is up; -EINVAL, an input error, for a node the lab has not).
 */
int nsnet_lab_check(struct nsnet_ctx *ctx, const char *name,
		    const struct nsnet_reach_opts *opts,
		    struct nsnet_reach **out)
{
	struct chk_list l = { 0 };
	struct topo t = { 0 };
	struct chk_sel sel;
	struct lab *lab = NULL;
	json_t *state = NULL, *held = NULL;
	const char *why;
	int err;

	nsnet_clear_err(ctx);
	why = nsnet_check_labname(name);
	if (why)
		return nsnet_fail_why(ctx, -EINVAL, true, why, "lab \"%s\"",
				      lab_show(name).s);
	err = load_lab_up(ctx, name, &lab, &state);
	if (!err)
		err = make_sel(ctx, lab, opts, &sel);
	if (err)
		goto out;
	held = held_addrs(ctx, lab, json_object_get(state, "auto"));
	err = held ? topo_build(lab, held, &t) : -ENOMEM;
	if (!err)
		err = expect_all(&t, &sel, &l);
	if (!err)
		err = probe(ctx, &t, &l, opts && opts->timeout_ms ?
			    opts->timeout_ms : NSNET_REACH_TIMEOUT_MS);
	if (!err)
		err = vec_take(&l.r, out);
out:
	if (err == -ENOMEM)
		nsnet_fail(ctx, err, "check %s", name);
	list_free(&l);
	topo_free(&t);
	json_decref(held);
	json_decref(state);
	lab_free(lab);
	return err;
}

/**
 * nsnet_lab_reach() - probe every node-to-address pair of a lab that is up
 * @ctx:	context
 * @name:	lab name
 * @timeout_ms:	one round's longest wait, 0 for NSNET_REACH_TIMEOUT_MS
 * @out:	result array, free() it
 *
 * Return: the number of results, or -errno (-ENOENT, an input error, when
 * no such lab is up).
 */
int nsnet_lab_reach(struct nsnet_ctx *ctx, const char *name,
		    unsigned int timeout_ms, struct nsnet_reach **out)
{
	struct nsnet_reach_opts o = { .timeout_ms = timeout_ms };

	return nsnet_lab_check(ctx, name, &o, out);
}
