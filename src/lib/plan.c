// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * plan.c - diff a lab's desired state against what is observed
 *
 * The result is an ordered list of operations: removals first (routes,
 * links, then namespaces), then creations (bridges, namespaces, veths,
 * cables, interface setup, addresses, routes), and last the addresses that
 * go away, so a changed address is made before the old one is broken. An
 * unchanged lab
 * yields an empty plan, so a second `up` only dumps. Conflicts with things
 * that are not the lab's, and subnets that collide with other labs or the
 * host's routes, are reported as diagnostics at the file's positions.
 */
#include <errno.h>
#include <netinet/in.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <linux/if.h>
#include <linux/rtnetlink.h>

#include "engine.h"
#include "fw.h"

/**
 * plan_add() - append one operation
 * @p:		plan
 * @type:	what
 * @ns:		namespace ("" or NULL for the host)
 * @name:	link name, may be NULL
 *
 * Return: the zeroed operation with type, ns and name set, or NULL (OOM).
 */
struct op *plan_add(struct plan *p, enum op_type type, const char *ns,
		    const char *name)
{
	struct op *op;

	if (p->n == p->cap) {
		size_t cap = p->cap ? p->cap * 2 : 64;
		struct op *ops = realloc(p->ops, cap * sizeof(*ops));

		if (!ops)
			return NULL;
		p->ops = ops;
		p->cap = cap;
	}
	op = &p->ops[p->n++];
	memset(op, 0, sizeof(*op));
	op->type = type;
	snprintf(op->ns, sizeof(op->ns), "%s", ns ? ns : "");
	snprintf(op->name, sizeof(op->name), "%s", name ? name : "");
	return op;
}

/**
 * plan_free() - release a plan
 * @p:		plan, may be zeroed
 */
void plan_free(struct plan *p)
{
	free(p->ops);
	free(p->fw);
	free(p->old_fw);
	json_decref(p->state);
	memset(p, 0, sizeof(*p));
}

/**
 * in_ns() - " (netns NS)" or "" for messages
 * @ns:		namespace, "" for the host
 * @buf:	output
 * @len:	size of @buf
 *
 * Return: @buf.
 */
static char *in_ns(const char *ns, char *buf, size_t len)
{
	snprintf(buf, len, *ns ? " (netns %s)" : "", ns);
	return buf;
}

/**
 * op_text() - one line describing an operation, as `plan` prints it
 * @op:		operation
 * @buf:	output
 * @len:	size of @buf
 *
 * Return: @buf.
 */
char *op_text(const struct op *op, char *buf, size_t len)
{
	char a[64], b[64], where[NSNET_NSNAMSIZ + 16];

	nsnet_prefix_format(&op->a, true, a, sizeof(a));
	if (op->a.len == 0)
		snprintf(a, sizeof(a), "default");
	nsnet_prefix_format(&op->b, false, b, sizeof(b));
	in_ns(op->ns, where, sizeof(where));
	switch (op->type) {
	case OP_DEL_ROUTE:
	case OP_ADD_ROUTE:
		snprintf(buf, len, "%c route %s%s%s%s%s%s",
			 op->type == OP_ADD_ROUTE ? '+' : '-', a,
			 op->has_b ? " via " : "", op->has_b ? b : "",
			 *op->name ? " dev " : "", op->name, where);
		break;
	case OP_DEL_ADDR:
	case OP_ADD_ADDR:
		snprintf(buf, len, "%c addr %s dev %s%s",
			 op->type == OP_ADD_ADDR ? '+' : '-', a, op->name, where);
		break;
	case OP_DEL_NSLINK:
	case OP_DEL_HOSTLINK:
		snprintf(buf, len, "- link %s%s", op->name, where);
		break;
	case OP_DEL_GROUP:
		snprintf(buf, len, "- links of group %s", op->name);
		break;
	case OP_DEL_NETNS:
		snprintf(buf, len, "- netns %s", op->ns);
		break;
	case OP_ADD_BRIDGE:
		snprintf(buf, len, "+ bridge %s", op->name);
		break;
	case OP_ADD_NETNS:
		snprintf(buf, len, "+ netns %s", op->ns);
		break;
	case OP_ADD_VETH:
		if (*op->master)
			snprintf(buf, len, "+ veth %s:%s <-> %s (master %s)",
				 op->ns, op->name2, op->name, op->master);
		else
			snprintf(buf, len, "+ veth %s:%s <-> %s", op->ns,
				 op->name2, op->name);
		break;
	case OP_OVS_ADD_BRIDGE:
		snprintf(buf, len, "+ ovs bridge %s", op->name);
		break;
	case OP_OVS_ADD_PORT:
		snprintf(buf, len, "+ ovs port %s on %s", op->name, op->master);
		break;
	case OP_OVS_DEL_BRIDGE:
		snprintf(buf, len, "- ovs bridge %s", op->name);
		break;
	case OP_OVS_DEL_PORT:
		snprintf(buf, len, "- ovs port %s", op->name);
		break;
	case OP_SET_MASTER:
		snprintf(buf, len, "~ link %s master %s", op->name, op->master);
		break;
	case OP_ADD_CABLE:
		snprintf(buf, len, "+ cable %s:%s <-> %s:%s", op->ns, op->name,
			 op->ns2, op->name2);
		break;
	case OP_SETUP_IF:
		snprintf(buf, len, "~ link %s up%s", op->name, where);
		break;
	case OP_FW_APPLY:
		snprintf(buf, len, "+ nftables table inet %s%s", FW_TABLE_PREFIX,
			 op->name);
		break;
	case OP_FW_DELETE:
		snprintf(buf, len, "- nftables table inet %s%s", FW_TABLE_PREFIX,
			 op->name);
		break;
	case OP_SYSCTL:
		snprintf(buf, len, "~ sysctl %s=1", !strcmp(op->name, "ipv6") ?
			 "net.ipv6.conf.all.forwarding" : "net.ipv4.ip_forward");
		break;
	}
	return buf;
}

/**
 * struct want_if - one desired interface, flattened from the model
 * @node:	node index
 * @ns:		namespace name
 * @name:	name inside the namespace
 * @host:	host-side name ("" for a cable end)
 * @bridge:	bridge name ("" for a cable end)
 * @addr:	desired address, valid if @has_addr
 * @has_addr:	whether an address is wanted
 * @auto_net:	the network to allocate from for `address: auto`, or NULL
 * @pos:	position of `address:`, for messages
 * @cable:	the direct cable this is an end of, or NULL
 * @fresh:	the link is created (or re-created) by this plan
 * @v6:		it carries IPv6 (its address or its network's subnet)
 * @net:	its network, NULL for a cable end
 * @dhcp:	its address is leased (`address: dhcp`): the plan leaves
 *		addresses on it alone
 */
struct want_if {
	size_t node;
	const char *ns;
	const char *name;
	char host[NSNET_IFNAMSIZ];
	const char *bridge;
	struct nsnet_prefix addr;
	bool has_addr;
	const struct lab_network *auto_net;
	struct lab_pos pos;
	const struct lab_link *cable;
	bool fresh;
	bool v6;
	const struct lab_network *net;
	bool dhcp;
};

/**
 * struct planner - what plan_lab() works with
 * @ctx:	context
 * @lab:	desired state
 * @o:		observed state
 * @p:		plan being built
 * @d:		diagnostics
 * @ifs:	desired interfaces (switch ports, then cable ends)
 * @n_ifs:	count
 * @by_name:	@ifs sorted by namespace and name
 * @host_names:	host links the lab wants (bridges, host ends), sorted
 * @n_host_names: count
 * @nodes:	the lab's nodes, sorted by name
 * @old_autos:	the recorded state's "auto" map
 * @autos:	this run's "auto" map
 */
struct planner {
	struct nsnet_ctx *ctx;
	const struct lab *lab;
	struct observed *o;
	struct plan *p;
	struct lab_diags *d;
	struct want_if *ifs;
	size_t n_ifs;
	struct want_if **by_name;
	const char **host_names;
	size_t n_host_names;
	const struct lab_node **nodes;
	json_t *old_autos;
	json_t *autos;
};

/**
 * net_v6() - whether a network carries IPv6
 * @net:	network
 *
 * Return: true for an IPv6 subnet or gateway.
 */
static bool net_v6(const struct lab_network *net)
{
	return (net->has_subnet && net->subnet.family == AF_INET6) ||
	       (net->has_gateway && net->gateway.family == AF_INET6);
}

/**
 * plan_setup() - plan tagging a link and bringing it up
 * @pl:		planner
 * @ns:		namespace ("" for the host)
 * @name:	link name
 * @v6:		the link carries IPv6 (keep link-local addressing)
 *
 * Return: the operation, or NULL (OOM).
 */
static struct op *plan_setup(struct planner *pl, const char *ns,
			     const char *name, bool v6)
{
	struct op *op = plan_add(pl->p, OP_SETUP_IF, ns, name);

	if (op)
		op->v6 = v6;
	return op;
}

/**
 * auto_key() - the key of an interface in the state's "auto" map
 * @w:		interface
 * @buf:	output
 * @len:	size of @buf
 *
 * Return: "node/iface".
 */
static const char *auto_key(const struct want_if *w, char *buf, size_t len)
{
	snprintf(buf, len, "%s/%s", w->ns, w->name);
	return buf;
}

/**
 * keep_address() - reuse the recorded or present address of an auto interface
 * @pl:		planner
 * @ip:		allocator
 * @w:		the interface
 * @net:	its network
 *
 * Stable across runs: the address recorded in the state wins, then the one
 * the interface already has (state lost).
 *
 * Return: true if one was kept.
 */
static bool keep_address(struct planner *pl, struct ipam *ip, struct want_if *w,
			 const struct lab_network *net)
{
	char key[NSNET_NSNAMSIZ + NSNET_IFNAMSIZ + 2];
	const char *rec = json_string_value(json_object_get(
		pl->old_autos, auto_key(w, key, sizeof(key))));
	struct obs_ns *ns = observed_ns(pl->o, w->ns);
	const struct nsnet_link *l = ns && ns->ours ? obs_link(ns, w->name) : NULL;
	struct nsnet_prefix cand;
	int i;

	if (rec && !nsnet_prefix_parse(rec, NSNET_PFX_NEED_LEN, &cand) &&
	    ipam_take(ip, &net->subnet, &cand))
		goto kept;
	for (i = 0; l && i < ns->n_addrs; i++) {
		cand = ns->addrs[i].local;
		if (ns->addrs[i].ifindex == l->ifindex &&
		    ipam_take(ip, &net->subnet, &cand))
			goto kept;
	}
	return false;
kept:
	w->addr = cand;
	w->has_addr = true;
	return true;
}

/**
 * assign_autos() - addresses for every `address: auto`
 * @pl:		planner
 *
 * Two passes: first every interface keeps what it had, then the rest get
 * the lowest free addresses in file order. The global lock makes this
 * race-free across concurrent runs.
 *
 * Return: 0, -EINVAL (a full subnet, with a diagnostic) or -ENOMEM.
 */
static int assign_autos(struct planner *pl)
{
	const struct lab *lab = pl->lab;
	char key[NSNET_NSNAMSIZ + NSNET_IFNAMSIZ + 2], text[64];
	struct ipam ip = { 0 };
	bool *kept = calloc(pl->n_ifs ? pl->n_ifs : 1, sizeof(*kept));
	size_t i, k;
	int err = kept ? ipam_init(&ip, lab) : -ENOMEM;

	for (k = 0; !err && k < pl->n_ifs; k++)
		if (pl->ifs[k].auto_net)
			kept[k] = keep_address(pl, &ip, &pl->ifs[k],
					       pl->ifs[k].auto_net);
	for (k = 0; !err && k < pl->n_ifs; k++) {
		struct want_if *w = &pl->ifs[k];
		const struct lab_network *net = w->auto_net;

		if (!net)
			continue;
		if (!kept[k]) {
			i = (size_t)(net - lab->networks);
			if (ipam_next(&ip, i, &net->subnet, &w->addr) < 0) {
				lab_diag_add(pl->d, w->pos,
					     "address auto: no free address left in %s's subnet",
					     net->name);
				continue;
			}
			w->has_addr = true;
		}
		json_object_set_new(pl->autos, auto_key(w, key, sizeof(key)),
				    json_string(nsnet_prefix_format(&w->addr, true,
								    text, sizeof(text))));
	}
	ipam_free(&ip);
	free(kept);
	if (err)
		return nsnet_fail(pl->ctx, err, "plan");
	return pl->d->n ? -EINVAL : 0;
}

/**
 * cmp_want() - order desired interfaces by namespace, then name
 * @a:		const struct want_if *const *
 * @b:		same
 *
 * Return: <0, 0, >0.
 */
static int cmp_want(const void *a, const void *b)
{
	const struct want_if *x = *(const struct want_if *const *)a;
	const struct want_if *y = *(const struct want_if *const *)b;
	int c = strcmp(x->ns, y->ns);

	return c ? c : strcmp(x->name, y->name);
}

/**
 * cmp_str() - order strings (qsort/bsearch over char pointers)
 * @a:		const char *const *
 * @b:		same
 *
 * Return: strcmp().
 */
static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/**
 * cmp_node() - order node pointers by name
 * @a:		const struct lab_node *const *
 * @b:		same
 *
 * Return: strcmp() of the names.
 */
static int cmp_node(const void *a, const void *b)
{
	return strcmp((*(const struct lab_node *const *)a)->name,
		      (*(const struct lab_node *const *)b)->name);
}

/**
 * build_indexes() - sorted views for the lookups planning does per object
 * @pl:		planner
 *
 * Without them, asking "is this link wanted?" for each of N links would
 * scan N desired interfaces: quadratic in the size of the lab.
 *
 * Return: 0, or -ENOMEM.
 */
static int build_indexes(struct planner *pl)
{
	const struct lab *lab = pl->lab;
	size_t i, n = 0;

	pl->by_name = malloc((pl->n_ifs ? pl->n_ifs : 1) * sizeof(*pl->by_name));
	pl->host_names = malloc((pl->n_ifs + lab->n_networks + 1) *
				sizeof(*pl->host_names));
	pl->nodes = malloc((lab->n_nodes + 1) * sizeof(*pl->nodes));
	if (!pl->by_name || !pl->host_names || !pl->nodes)
		return -ENOMEM;
	for (i = 0; i < pl->n_ifs; i++) {
		pl->by_name[i] = &pl->ifs[i];
		if (*pl->ifs[i].host)
			pl->host_names[n++] = pl->ifs[i].host;
	}
	for (i = 0; i < lab->n_networks; i++)
		pl->host_names[n++] = lab->networks[i].name;
	pl->n_host_names = n;
	for (i = 0; i < lab->n_nodes; i++)
		pl->nodes[i] = &lab->nodes[i];
	qsort(pl->by_name, pl->n_ifs, sizeof(*pl->by_name), cmp_want);
	qsort(pl->host_names, n, sizeof(*pl->host_names), cmp_str);
	qsort(pl->nodes, lab->n_nodes, sizeof(*pl->nodes), cmp_node);
	return 0;
}

/**
 * collect_ifs() - flatten the lab's interfaces and resolve auto addresses
 * @pl:		planner
 *
 * Return: 0, or -errno (a full subnet is a diagnostic and -EINVAL).
 */
static int collect_ifs(struct planner *pl)
{
	const struct lab *lab = pl->lab;
	size_t i, j, n = 0, k = 0;

	for (i = 0; i < lab->n_nodes; i++)
		n += lab->nodes[i].n_ifaces;
	n += 2 * lab->n_links;
	pl->ifs = calloc(n ? n : 1, sizeof(*pl->ifs));
	pl->autos = json_object();
	if (!pl->ifs || !pl->autos)
		return nsnet_fail(pl->ctx, -ENOMEM, "plan");
	for (i = 0; i < lab->n_nodes; i++) {
		const struct lab_node *node = &lab->nodes[i];

		for (j = 0; j < node->n_ifaces; j++, k++) {
			const struct lab_iface *ifc = &node->ifaces[j];
			struct want_if *w = &pl->ifs[k];

			w->node = i;
			w->ns = node->name;
			w->name = ifc->name;
			w->bridge = lab->networks[ifc->network].name;
			w->net = &lab->networks[ifc->network];
			lab_host_ifname(node, ifc, w->host);
			w->addr = ifc->addr;
			w->has_addr = ifc->addr_kind == LAB_ADDR_STATIC;
			w->pos = ifc->addr_pos;
			w->v6 = net_v6(&lab->networks[ifc->network]) ||
				(w->has_addr && w->addr.family == AF_INET6);
			if (ifc->addr_kind == LAB_ADDR_AUTO)
				w->auto_net = &lab->networks[ifc->network];
			w->dhcp = ifc->addr_kind == LAB_ADDR_DHCP;
		}
	}
	for (i = 0; i < lab->n_links; i++) {
		for (j = 0; j < 2; j++, k++) {
			const struct lab_end *e = &lab->links[i].end[j];
			struct want_if *w = &pl->ifs[k];

			w->node = e->node;
			w->ns = lab->nodes[e->node].name;
			w->name = e->ifname;
			w->bridge = "";
			w->addr = e->addr;
			w->has_addr = e->has_addr;
			w->v6 = e->has_addr && e->addr.family == AF_INET6;
			w->cable = &lab->links[i];
		}
	}
	pl->n_ifs = k;
	if (build_indexes(pl))
		return nsnet_fail(pl->ctx, -ENOMEM, "plan");
	return assign_autos(pl);
}

/**
 * check_conflicts() - names and subnets that collide with what is not ours
 * @pl:		planner
 * @others:	other labs' subnets: array of {"lab", "subnet"}
 *
 * Every collision is a diagnostic at the value in the file, so the user
 * sees all of them at once and nothing is changed.
 */
static void check_conflicts(struct planner *pl, json_t *others)
{
	const struct lab *lab = pl->lab;
	struct obs_ns *host = &pl->o->host;
	const struct nsnet_link *l;
	size_t i, j;
	json_t *e;

	for (i = 0; i < lab->n_nodes; i++) {
		struct obs_ns *ns = observed_ns(pl->o, lab->nodes[i].name);

		if (ns && ns->exists && !ns->ours)
			lab_diag_add(pl->d, lab->nodes[i].pos,
				     "node %s: a namespace of that name exists and is not lab %s's",
				     lab->nodes[i].name, lab->name);
		else if (ns && ns->stale && !ns->ours)
			lab_diag_add(pl->d, lab->nodes[i].pos,
				     "node %s: %s/%s is a stale entry with no namespace; remove it with `nsnet netns del %s`",
				     lab->nodes[i].name, NETNS_RUN_DIR,
				     lab->nodes[i].name, lab->nodes[i].name);
	}
	for (i = 0; i < lab->n_networks; i++) {
		const struct lab_network *net = &lab->networks[i];
		const struct ovs_bridge *ob = ovs_bridge_find(&pl->o->ovs, net->name);

		l = obs_link(host, net->name);
		if (l && !obs_link_ours(pl->o, lab->name, l, ""))
			lab_diag_add(pl->d, net->pos,
				     "network %s: the host has an interface of that name that is not lab %s's",
				     net->name, lab->name);
		else if (ob && !ob->ours)
			lab_diag_add(pl->d, net->pos,
				     "network %s: an Open vSwitch bridge of that name exists and is not lab %s's",
				     net->name, lab->name);
		if (!net->has_subnet)
			continue;
		json_array_foreach(others, j, e) {
			struct nsnet_prefix sub;
			const char *s = json_string_value(json_object_get(e, "subnet"));

			if (s && !nsnet_prefix_parse(s, NSNET_PFX_NEED_LEN, &sub) &&
			    pfx_overlap(&sub, &net->subnet))
				lab_diag_add(pl->d, net->subnet_pos,
					     "subnet of %s overlaps %s of lab %s",
					     net->name, s,
					     json_string_value(json_object_get(e, "lab")));
		}
		if (!net->has_gateway)
			continue;	/* not attached: no route on the host */
		for (j = 0; j < (size_t)host->n_routes; j++) {
			const struct nsnet_route *r = &host->routes[j];
			const struct nsnet_link key = { .ifindex = r->oif };
			const struct nsnet_link *dev = bsearch(&key, host->links,
				(size_t)host->n_links, sizeof(key), link_cmp_index);
			char dst[64];

			if (r->dst.len == 0 || r->type != RTN_UNICAST ||
			    !pfx_overlap(&r->dst, &net->subnet) ||
			    (dev && obs_link_ours(pl->o, lab->name, dev, "")))
				continue;
			lab_diag_add(pl->d, net->subnet_pos,
				     "subnet of %s overlaps the host's route to %s%s%s",
				     net->name, nsnet_prefix_format(&r->dst, true,
								   dst, sizeof(dst)),
				     dev ? " dev " : "", dev ? dev->name : "");
		}
	}
	for (i = 0; i < pl->n_ifs; i++) {
		const struct want_if *w = &pl->ifs[i];

		if (!*w->host)
			continue;
		l = obs_link(host, w->host);
		if (l && !obs_link_ours(pl->o, lab->name, l, ""))
			lab_diag_add(pl->d, lab->nodes[w->node].pos,
				     "node %s: host interface %s for %s exists and is not lab %s's",
				     w->ns, w->host, w->name, lab->name);
	}
}

/**
 * wanted_host_link() - whether @name is a bridge or host end the lab wants
 * @pl:		planner
 * @name:	host link name
 *
 * Return: true if desired.
 */
static bool wanted_host_link(const struct planner *pl, const char *name)
{
	return bsearch(&name, pl->host_names, pl->n_host_names,
		       sizeof(*pl->host_names), cmp_str) != NULL;
}

/**
 * wanted_if() - the desired interface @name of namespace @ns
 * @pl:		planner
 * @ns:		namespace
 * @name:	link name
 *
 * Return: it, or NULL.
 */
static const struct want_if *wanted_if(const struct planner *pl,
				       const char *ns, const char *name)
{
	struct want_if key = { .ns = ns, .name = name }, *kp = &key, **hit;

	hit = bsearch(&kp, pl->by_name, pl->n_ifs, sizeof(*pl->by_name),
		      cmp_want);
	return hit ? *hit : NULL;
}

/**
 * node_named() - the lab's node called @name
 * @pl:		planner
 * @name:	namespace name
 *
 * Return: it, or NULL.
 */
static const struct lab_node *node_named(const struct planner *pl,
					 const char *name)
{
	struct lab_node key, *kp = &key;
	const struct lab_node **hit;

	snprintf(key.name, sizeof(key.name), "%s", name);
	hit = bsearch(&kp, pl->nodes, pl->lab->n_nodes, sizeof(*pl->nodes),
		      cmp_node);
	return hit ? *hit : NULL;
}

/**
 * route_matches() - whether an observed route is the desired @r
 * @ns:		the namespace's observation (to name the device)
 * @o:		observed route
 * @r:		desired route
 *
 * Return: true if destination, gateway and device (when given) agree.
 */
static bool route_matches(const struct obs_ns *ns, const struct nsnet_route *o,
			  const struct lab_route *r)
{
	int i;

	if (!pfx_equal(&o->dst, &r->dst) || o->has_gateway != r->has_via)
		return false;
	if (r->has_via && memcmp(o->gateway.addr, r->via.addr,
				 r->via.family == AF_INET ? 4 : 16))
		return false;
	if (!*r->dev)
		return true;
	for (i = 0; i < ns->n_links; i++)
		if (ns->links[i].ifindex == o->oif)
			return !strcmp(ns->links[i].name, r->dev);
	return false;
}

/**
 * link_name() - the name of link @ifindex in an observed namespace
 * @ns:		namespace
 * @ifindex:	index (0: none)
 *
 * Return: the name, or NULL.
 */
static const char *link_name(const struct obs_ns *ns, int ifindex)
{
	const struct nsnet_link key = { .ifindex = ifindex };
	const struct nsnet_link *l;

	if (!ifindex)
		return NULL;
	l = bsearch(&key, ns->links, (size_t)ns->n_links, sizeof(*ns->links),
		    link_cmp_index);
	return l ? l->name : NULL;
}

/**
 * ovs_net() - the lab's OVS network called @name
 * @lab:	lab
 * @name:	bridge name
 *
 * Return: it, or NULL (no such network, or a Linux bridge).
 */
static const struct lab_network *ovs_net(const struct lab *lab,
					 const char *name)
{
	size_t i;

	for (i = 0; i < lab->n_networks; i++)
		if (lab->networks[i].type == LAB_NET_OVS &&
		    !strcmp(lab->networks[i].name, name))
			return &lab->networks[i];
	return NULL;
}

/**
 * plan_ovs_removals() - the lab's OVS ports and bridges it no longer wants
 * @pl:		planner
 *
 * A port is wanted when a node interface's host end is to be on that very
 * bridge; a bridge, when an OVS network has its name. Removing a bridge
 * takes its ports (and its internal host link) with it.
 *
 * Return: 0, or -ENOMEM.
 */
static int plan_ovs_removals(struct planner *pl)
{
	const struct ovs_obs *ovs = &pl->o->ovs;
	size_t i, k;

	for (i = 0; i < ovs->n_ports; i++) {
		const struct ovs_port *p = &ovs->ports[i];
		const struct ovs_bridge *b = ovs_bridge_find(ovs, p->bridge);
		bool keep = false;

		if (!p->ours || (b && b->ours && !ovs_net(pl->lab, b->name)))
			continue;	/* not ours, or goes with its bridge */
		for (k = 0; !keep && k < pl->n_ifs; k++)
			keep = !strcmp(pl->ifs[k].host, p->name) &&
			       pl->ifs[k].net->type == LAB_NET_OVS &&
			       !strcmp(pl->ifs[k].bridge, p->bridge);
		if (!keep && !plan_add(pl->p, OP_OVS_DEL_PORT, "", p->name))
			return -ENOMEM;
	}
	for (i = 0; i < ovs->n_bridges; i++)
		if (ovs->bridges[i].ours &&
		    !ovs_net(pl->lab, ovs->bridges[i].name) &&
		    !plan_add(pl->p, OP_OVS_DEL_BRIDGE, "", ovs->bridges[i].name))
			return -ENOMEM;
	return 0;
}

/**
 * plan_removals() - routes, links and namespaces the lab no longer wants
 * @pl:		planner
 *
 * Routes go first: a changed route has the same destination as its
 * replacement. Addresses are removed last (plan_addr_removals()), after the
 * new ones exist, so a failed change leaves the old addressing working.
 *
 * Return: 0, or -ENOMEM.
 */
static int plan_removals(struct planner *pl)
{
	struct observed *o = pl->o;
	struct obs_ns *host = &o->host;
	struct op *op;
	size_t i;
	int j;

	for (i = 0; i < o->n_ns; i++) {
		struct obs_ns *ns = &o->ns[i];
		const struct lab_node *node = node_named(pl, ns->name);

		if (!ns->ours || !node)
			continue;
		for (j = 0; j < ns->n_routes; j++) {
			const struct nsnet_route *r = &ns->routes[j];
			bool keep = r->protocol != RTPROT_BOOT;
			size_t m;

			for (m = 0; !keep && m < node->n_routes; m++)
				keep = route_matches(ns, r, &node->routes[m]);
			if (keep)
				continue;
			op = plan_add(pl->p, OP_DEL_ROUTE, ns->name,
				      link_name(ns, r->oif));
			if (!op)
				return -ENOMEM;
			op->a = r->dst;
			op->b = r->gateway;
			op->has_b = r->has_gateway;
		}
		for (j = 0; j < ns->n_links; j++) {
			const struct nsnet_link *l = &ns->links[j];
			const struct want_if *w = wanted_if(pl, ns->name, l->name);

			if (!w && obs_link_ours(o, pl->lab->name, l, ns->name) &&
			    strcmp(l->name, "lo") &&
			    !plan_add(pl->p, OP_DEL_NSLINK, ns->name, l->name))
				return -ENOMEM;
		}
	}
	if (plan_ovs_removals(pl))
		return -ENOMEM;
	for (j = 0; j < host->n_links; j++) {
		const struct nsnet_link *l = &host->links[j];

		if (!obs_link_ours(o, pl->lab->name, l, ""))
			continue;
		if (!wanted_host_link(pl, l->name) &&
		    !plan_add(pl->p, OP_DEL_HOSTLINK, "", l->name))
			return -ENOMEM;
	}
	for (i = 0; i < o->n_ns; i++)
		if (o->ns[i].ours &&
		    (o->ns[i].stale || !node_named(pl, o->ns[i].name)) &&
		    !plan_add(pl->p, OP_DEL_NETNS, o->ns[i].name, NULL))
			return -ENOMEM;
	return 0;
}

/**
 * stale_addrs() - plan removal of addresses on @l that are not wanted
 * @pl:		planner
 * @ns:		the link's namespace
 * @l:		the link
 * @keep:	the one address to keep, or NULL
 * @keep2:	another one to keep (a bridge's gateway), or NULL
 *
 * Return: 0, or -ENOMEM.
 */
static int stale_addrs(struct planner *pl, const struct obs_ns *ns,
		       const struct nsnet_link *l, const struct nsnet_prefix *keep,
		       const struct nsnet_prefix *keep2)
{
	struct op *op;
	int k;

	for (k = 0; k < ns->n_addrs; k++) {
		const struct nsnet_address *a = &ns->addrs[k];

		if (a->ifindex != l->ifindex || pfx_link_local(&a->local) ||
		    (keep && pfx_equal(&a->local, keep)) ||
		    (keep2 && pfx_equal(&a->local, keep2)))
			continue;
		op = plan_add(pl->p, OP_DEL_ADDR, ns == &pl->o->host ? "" : ns->name,
			      l->name);
		if (!op)
			return -ENOMEM;
		op->a = a->local;
	}
	return 0;
}

/**
 * plan_addr_removals() - addresses the lab's interfaces should no longer have
 * @pl:		planner
 *
 * Return: 0, or -ENOMEM.
 */
static int plan_addr_removals(struct planner *pl)
{
	struct observed *o = pl->o;
	size_t i;
	int j, err = 0;

	for (i = 0; !err && i < o->n_ns; i++) {
		struct obs_ns *ns = &o->ns[i];

		if (!ns->ours || !ns->exists || !node_named(pl, ns->name))
			continue;
		for (j = 0; !err && j < ns->n_links; j++) {
			const struct want_if *w = wanted_if(pl, ns->name,
							    ns->links[j].name);

			/* A re-created link loses its addresses with it;
			 * a leased address is the DHCP client's. */
			if (w && !w->fresh && !w->dhcp)
				err = stale_addrs(pl, ns, &ns->links[j],
						  w->has_addr ? &w->addr : NULL, NULL);
		}
	}
	for (i = 0; !err && i < pl->lab->n_networks; i++) {
		const struct lab_network *net = &pl->lab->networks[i];
		const struct nsnet_link *l = obs_link(&o->host, net->name);

		if (l && obs_link_ours(o, pl->lab->name, l, ""))
			err = stale_addrs(pl, &o->host, l,
					  net->has_gateway ? &net->gateway : NULL, NULL);
	}
	return err;
}

/**
 * ns_link() - an observed link of namespace @ns, NULL if either is missing
 * @pl:		planner
 * @ns:		namespace name
 * @name:	link name
 *
 * Return: the link, or NULL.
 */
static const struct nsnet_link *ns_link(const struct planner *pl,
					const char *ns, const char *name)
{
	struct obs_ns *o = observed_ns(pl->o, ns);

	return o && o->exists ? obs_link(o, name) : NULL;
}

/**
 * plan_ovs_port() - put a node's host end on its OVS bridge if needed
 * @pl:		planner
 * @w:		the interface (on an OVS network)
 * @fresh:	its veth is (re)created by this plan: ovs-vswitchd must be
 *		told, even if OVSDB still has the port
 *
 * Return: 0, or -ENOMEM.
 */
static int plan_ovs_port(struct planner *pl, const struct want_if *w,
			 bool fresh)
{
	const struct ovs_port *p = ovs_port_find(&pl->o->ovs, w->host);
	struct op *op;

	if (!fresh && p && p->ours && !strcmp(p->bridge, w->bridge))
		return 0;
	op = plan_add(pl->p, OP_OVS_ADD_PORT, "", w->host);
	if (!op)
		return -ENOMEM;
	snprintf(op->master, sizeof(op->master), "%s", w->bridge);
	/* the node end, whose checksums a userspace switch needs done */
	snprintf(op->ns2, sizeof(op->ns2), "%s", w->ns);
	snprintf(op->name2, sizeof(op->name2), "%s", w->name);
	return 0;
}

/**
 * plan_port() - a node's switch port: the veth and its host end
 * @pl:		planner
 * @w:		the interface
 * @l:		its observed node end, or NULL
 * @tag:	the lab's tag
 *
 * *@l is set to NULL when the pair is (re)created.
 *
 * Return: 0, or -ENOMEM.
 */
static int plan_port(struct planner *pl, const struct want_if *w,
		     const struct nsnet_link **l, const char *tag)
{
	struct obs_ns *host = &pl->o->host;
	const struct nsnet_link *h = obs_link(host, w->host), *br;
	const struct obs_ns *node = observed_ns(pl->o, w->ns);
	struct op *op;

	/* Both names may exist without being each other's ends (peer:
	 * names swapped between nodes): that is as good as missing. The
	 * node end's peer must be the host end, in the host (host
	 * ifindexes are unique, so then the pair is this one). */
	if (!*l || !h || h->link != (*l)->ifindex || !node ||
	    (*l)->link != h->ifindex || node->host_id < 0 ||
	    (*l)->link_netnsid != node->host_id) {
		/* One end without the other (a renamed peer, a half-removed
		 * pair): start over with a fresh pair. */
		if (*l && !plan_add(pl->p, OP_DEL_NSLINK, w->ns, w->name))
			return -ENOMEM;
		if (h && !plan_add(pl->p, OP_DEL_HOSTLINK, "", w->host))
			return -ENOMEM;
		op = plan_add(pl->p, OP_ADD_VETH, w->ns, w->host);
		if (!op)
			return -ENOMEM;
		op->v6 = w->v6;
		snprintf(op->name2, sizeof(op->name2), "%s", w->name);
		/* An OVS port is created free and then added through OVSDB. */
		if (w->net->type != LAB_NET_OVS)
			snprintf(op->master, sizeof(op->master), "%s", w->bridge);
		*l = NULL;
		return 0;
	}
	/* Its OVS port: plan_interfaces(), after every veth. */
	if (w->net->type == LAB_NET_OVS) {
		if ((!(h->flags & IFF_UP) || strcmp(h->alias, tag)) &&
		    !plan_setup(pl, "", w->host, w->v6))
			return -ENOMEM;
		return 0;
	}
	br = obs_link(host, w->bridge);
	/* The lab's OVS bridge of that name is being replaced by a Linux
	 * bridge: its ports must join the new one. */
	if (br && obs_ovs_internal(pl->o, w->bridge))
		br = NULL;
	if (!br || h->master != br->ifindex) {
		op = plan_add(pl->p, OP_SET_MASTER, "", w->host);
		if (!op)
			return -ENOMEM;
		snprintf(op->master, sizeof(op->master), "%s", w->bridge);
	}
	if ((!(h->flags & IFF_UP) || strcmp(h->alias, tag)) &&
	    !plan_setup(pl, "", w->host, w->v6))
		return -ENOMEM;
	return 0;
}

/**
 * cable_joined() - whether two links are the two ends of one veth
 * @pl:		planner
 * @ans:	namespace of @a
 * @a:		one end
 * @bns:	namespace of @b
 * @b:		the other end
 *
 * Ifindexes repeat in every namespace, so matching them is not enough:
 * @ans is asked which id it gives @bns, which must be @a's peer netnsid.
 *
 * Return: true if joined.
 */
static bool cable_joined(struct planner *pl, const char *ans,
			 const struct nsnet_link *a, const char *bns,
			 const struct nsnet_link *b)
{
	char path[sizeof(NETNS_RUN_DIR) + NSNET_NSNAMSIZ];
	struct nl_sock *s;
	int fd, id = -1;

	if (a->link != b->ifindex || b->link != a->ifindex)
		return false;
	snprintf(path, sizeof(path), "%s/%s", NETNS_RUN_DIR, bns);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	s = nl_sock_get(pl->ctx, ans);
	if (s)
		id = netns_id_fd(pl->ctx, s, fd);
	close(fd);
	nsnet_clear_err(pl->ctx);
	return id >= 0 && id == a->link_netnsid;
}

/**
 * plan_cable() - a direct cable, planned once from its a end
 * @pl:		planner
 * @w:		the a end
 * @l:		its observed link, or NULL; NULL on return when recreated
 *
 * Return: 0, or -ENOMEM.
 */
static int plan_cable(struct planner *pl, const struct want_if *w,
		      const struct nsnet_link **l)
{
	const struct lab_end *b = &w->cable->end[1];
	const char *bns = pl->lab->nodes[b->node].name;
	const struct nsnet_link *lb = ns_link(pl, bns, b->ifname);
	struct op *op;

	if (*l && lb && cable_joined(pl, w->ns, *l, bns, lb))
		return 0;
	/* Deleting the one end that is left takes the pair with it. */
	if (*l && !plan_add(pl->p, OP_DEL_NSLINK, w->ns, w->name))
		return -ENOMEM;
	if (lb && !plan_add(pl->p, OP_DEL_NSLINK, bns, b->ifname))
		return -ENOMEM;
	op = plan_add(pl->p, OP_ADD_CABLE, w->ns, w->name);
	if (!op)
		return -ENOMEM;
	snprintf(op->ns2, sizeof(op->ns2), "%s", bns);
	snprintf(op->name2, sizeof(op->name2), "%s", b->ifname);
	*l = NULL;
	return 0;
}

/**
 * plan_interfaces() - veths, cables and their setup
 * @pl:		planner
 *
 * Return: 0, or -ENOMEM.
 */
static int plan_interfaces(struct planner *pl)
{
	char tag[LAB_NAME_MAX + 8];
	size_t i;
	int err = 0;

	lab_tag(pl->lab->name, tag, sizeof(tag));
	for (i = 0; !err && i < pl->n_ifs; i++) {
		const struct want_if *w = &pl->ifs[i];
		const struct nsnet_link *l = ns_link(pl, w->ns, w->name);
		const struct lab_end *a = w->cable ? &w->cable->end[0] : NULL;

		if (!w->cable)
			err = plan_port(pl, w, &l, tag);
		else if (a->node == w->node && !strcmp(a->ifname, w->name))
			err = plan_cable(pl, w, &l);
		else if (pl->ifs[i - 1].fresh)
			l = NULL;	/* the a end (just before) re-creates the pair */
		pl->ifs[i].fresh = !l;
		if (!err && (!l || !(l->flags & IFF_UP) || strcmp(l->alias, tag)) &&
		    !plan_setup(pl, w->ns, w->name, w->v6))
			err = -ENOMEM;
	}
	/* OVS ports last and together: apply() adds a run of them in one
	 * ovs-vsctl transaction, one wait for ovs-vswitchd instead of N. */
	for (i = 0; !err && i < pl->n_ifs; i++)
		if (!pl->ifs[i].cable && pl->ifs[i].net->type == LAB_NET_OVS)
			err = plan_ovs_port(pl, &pl->ifs[i], pl->ifs[i].fresh);
	return err;
}

/**
 * has_addr() - whether link @name in @ns already has address @a
 * @ns:		observation, may be NULL
 * @name:	link name
 * @a:		address
 *
 * Return: true if present.
 */
static bool has_addr(const struct obs_ns *ns, const char *name,
		     const struct nsnet_prefix *a)
{
	const struct nsnet_link *l;
	int i;

	if (!ns || !ns->exists || !(l = obs_link(ns, name)))
		return false;
	for (i = 0; i < ns->n_addrs; i++)
		if (ns->addrs[i].ifindex == l->ifindex &&
		    pfx_equal(&ns->addrs[i].local, a))
			return true;
	return false;
}

/**
 * route_present() - whether a desired route is there and stays there
 * @pl:		planner
 * @ns:		the node's observation, NULL or !exists for a new node
 * @r:		the route
 *
 * A route over a link this plan re-creates disappears with the old link,
 * so it does not count as present.
 *
 * Return: true if nothing needs to be done for it.
 */
static bool route_present(const struct planner *pl, const struct obs_ns *ns,
			  const struct lab_route *r)
{
	const struct want_if *w;
	int i, j;

	for (i = 0; ns && ns->exists && i < ns->n_routes; i++) {
		if (!route_matches(ns, &ns->routes[i], r))
			continue;
		for (j = 0; j < ns->n_links; j++) {
			if (ns->links[j].ifindex != ns->routes[i].oif)
				continue;
			w = wanted_if(pl, ns->name, ns->links[j].name);
			if (w && w->fresh)
				return false;
		}
		return true;
	}
	return false;
}

/**
 * plan_config() - addresses and routes of every node
 * @pl:		planner
 *
 * Return: 0, or -ENOMEM.
 */
static int plan_config(struct planner *pl)
{
	const struct lab *lab = pl->lab;
	struct op *op;
	size_t i, j;

	for (i = 0; i < pl->n_ifs; i++) {
		const struct want_if *w = &pl->ifs[i];

		if (!w->has_addr || (!w->fresh &&
		    has_addr(observed_ns(pl->o, w->ns), w->name, &w->addr)))
			continue;
		op = plan_add(pl->p, OP_ADD_ADDR, w->ns, w->name);
		if (!op)
			return -ENOMEM;
		op->a = w->addr;
	}
	for (i = 0; i < lab->n_nodes; i++) {
		const struct lab_node *node = &lab->nodes[i];
		const struct obs_ns *ns = observed_ns(pl->o, node->name);

		for (j = 0; j < node->n_routes; j++) {
			const struct lab_route *r = &node->routes[j];

			if (route_present(pl, ns, r))
				continue;
			op = plan_add(pl->p, OP_ADD_ROUTE, node->name, r->dev);
			if (!op)
				return -ENOMEM;
			op->a = r->dst;
			op->b = r->via;
			op->has_b = r->has_via;
		}
	}
	return 0;
}

/**
 * plan_ovs_bridge() - an OVS network's bridge and the host's address on it
 * @pl:		planner
 * @net:	the network
 * @l:		the host link of its name, or NULL
 * @ob:		the OVS bridge of its name, or NULL
 * @tag:	the lab's tag
 *
 * The host joins the switch through the bridge's internal port, which
 * carries the gateway address as a Linux bridge itself would.
 *
 * Return: 0, or -ENOMEM.
 */
static int plan_ovs_bridge(struct planner *pl, const struct lab_network *net,
			   const struct nsnet_link *l,
			   const struct ovs_bridge *ob, const char *tag)
{
	bool fresh = !ob;
	struct op *op;

	if (fresh) {
		/* A Linux bridge of the lab's by that name (the type
		 * changed) makes way for the OVS bridge. */
		if (l && !plan_add(pl->p, OP_DEL_HOSTLINK, "", net->name))
			return -ENOMEM;
		op = plan_add(pl->p, OP_OVS_ADD_BRIDGE, "", net->name);
		if (!op)
			return -ENOMEM;
		op->v6 = net_v6(net);
	} else if ((!l || !(l->flags & IFF_UP) || strcmp(l->alias, tag)) &&
		   !plan_setup(pl, "", net->name, net_v6(net))) {
		return -ENOMEM;
	}
	if (!net->has_gateway ||
	    (!fresh && has_addr(&pl->o->host, net->name, &net->gateway)))
		return 0;
	op = plan_add(pl->p, OP_ADD_ADDR, "", net->name);
	if (!op)
		return -ENOMEM;
	op->a = net->gateway;
	return 0;
}

/**
 * plan_creations() - bridges, namespaces, interfaces, addresses, routes
 * @pl:		planner
 *
 * Return: 0, or -ENOMEM.
 */
static int plan_creations(struct planner *pl)
{
	const struct lab *lab = pl->lab;
	struct obs_ns *host = &pl->o->host;
	char tag[LAB_NAME_MAX + 8];
	size_t i;
	int err;

	lab_tag(lab->name, tag, sizeof(tag));
	for (i = 0; i < lab->n_networks; i++) {
		const struct lab_network *net = &lab->networks[i];
		const struct nsnet_link *l = obs_link(host, net->name);
		const struct ovs_bridge *ob = ovs_bridge_find(&pl->o->ovs, net->name);
		bool is_ovs = ob && ob->ours;
		struct op *op;

		if (net->type == LAB_NET_OVS) {
			err = plan_ovs_bridge(pl, net, l, ob, tag);
			if (err)
				return err;
			continue;
		}
		/* The lab's OVS bridge of that name goes (plan_removals())
		 * and its internal port with it: a Linux bridge replaces it. */
		if (is_ovs)
			l = NULL;
		if (!l) {
			op = plan_add(pl->p, OP_ADD_BRIDGE, "", net->name);
			if (!op)
				return -ENOMEM;
			op->v6 = net_v6(net);
		} else if ((!(l->flags & IFF_UP) || strcmp(l->alias, tag)) &&
			   !plan_setup(pl, "", net->name, net_v6(net))) {
			return -ENOMEM;
		}
		if (!net->has_gateway ||
		    (!is_ovs && has_addr(host, net->name, &net->gateway)))
			continue;
		op = plan_add(pl->p, OP_ADD_ADDR, "", net->name);
		if (!op)
			return -ENOMEM;
		op->a = net->gateway;
	}
	for (i = 0; i < lab->n_nodes; i++) {
		struct obs_ns *ns = observed_ns(pl->o, lab->nodes[i].name);
		const struct nsnet_link *lo = ns && ns->exists ? obs_link(ns, "lo") : NULL;

		if (!ns || !ns->exists) {
			if (!plan_add(pl->p, OP_ADD_NETNS, lab->nodes[i].name, NULL))
				return -ENOMEM;
		} else if (!lo || !(lo->flags & IFF_UP) || strcmp(lo->alias, tag)) {
			if (!plan_setup(pl, lab->nodes[i].name, "lo", true))
				return -ENOMEM;
		}
	}
	err = plan_interfaces(pl);
	return err ? err : plan_config(pl);
}

/**
 * forward_targets() - the node address each forward goes to
 * @pl:		planner
 * @out:	array of lab->n_forwards addresses (free())
 *
 * The interface is the one lab_check() vetted (lab_forward_iface()); its
 * address is known only now, once `auto` addresses are resolved.
 *
 * Return: 0, -ENOMEM, or -EINVAL with a diagnostic.
 */
static int forward_targets(struct planner *pl, struct nsnet_prefix **out)
{
	const struct lab *lab = pl->lab;
	size_t i;

	*out = calloc(lab->n_forwards + 1, sizeof(**out));
	if (!*out)
		return -ENOMEM;
	for (i = 0; i < lab->n_forwards; i++) {
		const struct lab_forward *f = &lab->forwards[i];
		size_t j = lab_forward_iface(lab, f);
		const struct want_if *w = j == LAB_NONE ? NULL :
			wanted_if(pl, lab->nodes[f->node].name,
				  lab->nodes[f->node].ifaces[j].name);

		if (!w || !w->has_addr) {
			lab_diag_add(pl->d, f->pos,
				     "forward to %s: the node has no address on a network the host is attached to",
				     f->node_name);
			return -EINVAL;
		}
		(*out)[i] = w->addr;
	}
	return 0;
}

/**
 * port_key() - "PROTO:HOST:PORT" of a forward (HOST empty for any)
 * @f:		the forward
 * @buf:	output
 * @len:	size of @buf
 *
 * Return: @buf.
 */
static char *port_key(const struct lab_forward *f, char *buf, size_t len)
{
	char host[64] = "";

	if (f->has_host)
		nsnet_prefix_format(&f->host, false, host, sizeof(host));
	snprintf(buf, len, "%s:%s:%u", f->proto == IPPROTO_UDP ? "udp" : "tcp",
		 host, f->port);
	return buf;
}

/**
 * keys_clash() - whether two forwards' keys take the same traffic
 * @a:		"PROTO:HOST:PORT"
 * @b:		another
 *
 * Return: true for the same protocol and port where the hosts are equal
 * or either is "any".
 */
static bool keys_clash(const char *a, const char *b)
{
	const char *ah = strchr(a, ':') + 1, *bh = strchr(b, ':') + 1;
	const char *ap = strrchr(a, ':'), *bp = strrchr(b, ':');

	if (ah - a != bh - b || strncmp(a, b, (size_t)(ah - a)) || strcmp(ap, bp))
		return false;
	return ah == ap || bh == bp ||
	       (ap - ah == bp - bh && !strncmp(ah, bh, (size_t)(ap - ah)));
}

/**
 * forward_clashes() - forwards another lab already takes; record ours
 * @pl:		planner
 * @others:	other labs' {"lab", "port"} entries
 *
 * Two DNAT rules for one port would silently send the traffic to only one
 * of them; refuse it instead. The lab's own keys go into the state, as
 * "fw_ports", for the next lab to check against.
 *
 * Return: 0, -EINVAL with diagnostics, or -ENOMEM.
 */
static int forward_clashes(struct planner *pl, json_t *others)
{
	json_t *ports = json_array(), *e;
	char key[128];
	size_t i, j;

	if (!ports)
		return -ENOMEM;
	for (i = 0; i < pl->lab->n_forwards; i++) {
		const struct lab_forward *f = &pl->lab->forwards[i];

		port_key(f, key, sizeof(key));
		json_array_append_new(ports, json_string(key));
		json_array_foreach(others, j, e) {
			const char *k = json_string_value(json_object_get(e, "port"));

			if (k && keys_clash(k, key))
				lab_diag_add(pl->d, f->pos,
					     "forward %s %u: lab %s forwards that port already",
					     f->proto == IPPROTO_UDP ? "udp" : "tcp",
					     f->port, json_string_value(json_object_get(e, "lab")));
		}
	}
	json_object_set_new(pl->p->state, "fw_ports", ports);
	return pl->d->n ? -EINVAL : 0;
}

/**
 * new_state() - what to record once the plan is applied
 * @pl:		planner
 * @file:	the lab file's absolute path
 *
 * Return: the state object, or NULL (OOM).
 */
static json_t *new_state(struct planner *pl, const char *file)
{
	const struct lab *lab = pl->lab;
	json_t *st, *nodes = json_array(), *links = json_array(),
	       *subnets = json_array(), *nets = json_array();
	char text[64];
	size_t i;

	for (i = 0; i < lab->n_nodes; i++)
		json_array_append_new(nodes, json_string(lab->nodes[i].name));
	for (i = 0; i < lab->n_networks; i++) {
		json_array_append_new(nets, json_string(lab->networks[i].name));
		json_array_append_new(links, json_string(lab->networks[i].name));
		if (lab->networks[i].has_subnet)
			json_array_append_new(subnets, json_string(nsnet_prefix_format(
				&lab->networks[i].subnet, true, text, sizeof(text))));
	}
	for (i = 0; i < pl->n_ifs; i++)
		if (*pl->ifs[i].host)
			json_array_append_new(links, json_string(pl->ifs[i].host));
	for (i = 0; i < lab->n_links; i++) {
		struct nsnet_prefix net = lab->links[i].end[0].addr;
		unsigned int bit, width = net.family == AF_INET ? 32 : 128;

		if (!lab->links[i].end[0].has_addr)
			continue;
		for (bit = net.len; bit < width; bit++)
			net.addr[bit / 8] &= (uint8_t)~(0x80 >> (bit % 8));
		json_array_append_new(subnets, json_string(
			nsnet_prefix_format(&net, true, text, sizeof(text))));
	}
	st = json_pack("{s:s, s:s, s:I, s:o, s:o, s:o, s:o, s:O}", "lab",
		       lab->name, "file", file ? file : "", "group",
		       (json_int_t)lab_group(lab->name), "nodes", nodes,
		       "networks", nets, "host_links", links, "subnets", subnets,
		       "auto", pl->autos);
	return st;
}

/**
 * ovs_needed() - refuse a lab with an OVS network when OVS is not there
 * @ctx:	context
 * @lab:	the lab
 * @o:		observation
 *
 * Before anything is planned, so nothing is changed, and with what to
 * install or start.
 *
 * Return: 0, or -ENOENT recorded in @ctx.
 */
static int ovs_needed(struct nsnet_ctx *ctx, const struct lab *lab,
		      const struct observed *o)
{
	size_t i;

	for (i = 0; i < lab->n_networks && !o->ovs.present; i++)
		if (lab->networks[i].type == LAB_NET_OVS)
			return nsnet_fail_why(ctx, -ENOENT, false, o->ovs.why,
					      "network %s", lab->networks[i].name);
	return 0;
}

/**
 * plan_lab() - plan `up` of a lab
 * @ctx:	context
 * @lab:	the checked lab file
 * @old_state:	the lab's recorded state, or NULL
 * @others:	other labs' subnets, array of {"lab", "subnet"}
 * @o:		observation of the host and the lab's namespaces
 * @p:		result (ops and the state to record afterwards)
 * @d:		conflicts with what exists, at the file's positions
 *
 * Return: 0; -EINVAL with diagnostics in @d; other -errno recorded in @ctx.
 */
int plan_lab(struct nsnet_ctx *ctx, const struct lab *lab, json_t *old_state,
	     json_t *others, struct observed *o, struct plan *p,
	     struct lab_diags *d)
{
	struct planner pl = { .ctx = ctx, .lab = lab, .o = o, .p = p, .d = d };
	struct nsnet_prefix *to = NULL;
	char abs[4096];
	int err;

	memset(p, 0, sizeof(*p));
	err = ovs_needed(ctx, lab, o);
	if (err)
		return err;
	pl.old_autos = json_object_get(old_state, "auto");
	err = collect_ifs(&pl);
	if (!err) {
		check_conflicts(&pl, others);
		if (d->n)
			err = -EINVAL;
	}
	if (!err)
		err = plan_removals(&pl);
	if (!err)
		err = plan_creations(&pl);
	if (!err)
		err = plan_addr_removals(&pl);
	if (!err) {
		p->state = new_state(&pl, realpath(lab->file, abs) ? abs : lab->file);
		if (!p->state)
			err = -ENOMEM;
	}
	if (!err)
		err = forward_targets(&pl, &to);
	if (!err)
		err = forward_clashes(&pl, others);
	if (!err)
		err = plan_fw(ctx, lab, to, old_state, o, p);
	free(to);
	json_decref(pl.autos);
	free(pl.by_name);
	free(pl.host_names);
	free(pl.nodes);
	free(pl.ifs);
	if (err == -ENOMEM)
		return nsnet_fail(ctx, err, "plan");
	return err;
}

/**
 * plan_down() - plan the removal of everything the lab owns
 * @ctx:	context
 * @lab:	lab name
 * @o:		observation of the host and every namespace the lab may own
 * @p:		result
 *
 * Host links go first (veths before their namespaces). When every link of
 * the lab's device group is the lab's, one group delete removes them all.
 *
 * Return: 0, or -ENOMEM.
 */
int plan_down(struct nsnet_ctx *ctx, const char *lab, struct observed *o,
	      struct plan *p)
{
	unsigned int group = lab_group(lab);
	bool group_ok = true;
	size_t i, ours = 0;
	int j;

	memset(p, 0, sizeof(*p));
	/* OVS first: removing a bridge takes its internal host link. */
	for (i = 0; i < o->ovs.n_ports; i++) {
		const struct ovs_port *op = &o->ovs.ports[i];
		const struct ovs_bridge *b = ovs_bridge_find(&o->ovs, op->bridge);

		if (op->ours && !(b && b->ours) &&
		    !plan_add(p, OP_OVS_DEL_PORT, "", op->name))
			return nsnet_fail(ctx, -ENOMEM, "plan");
	}
	for (i = 0; i < o->ovs.n_bridges; i++)
		if (o->ovs.bridges[i].ours &&
		    !plan_add(p, OP_OVS_DEL_BRIDGE, "", o->ovs.bridges[i].name))
			return nsnet_fail(ctx, -ENOMEM, "plan");
	for (j = 0; j < o->host.n_links; j++) {
		const struct nsnet_link *l = &o->host.links[j];
		bool mine = obs_link_ours(o, lab, l, "");

		ours += mine;
		if (l->group == group && !mine)
			group_ok = false;
	}
	if (ours && group_ok) {
		struct op *op = plan_add(p, OP_DEL_GROUP, "", NULL);

		if (!op)
			return nsnet_fail(ctx, -ENOMEM, "plan");
		snprintf(op->name, sizeof(op->name), "%u", group);
	}
	for (j = 0; j < o->host.n_links; j++) {
		const struct nsnet_link *l = &o->host.links[j];

		/* Tagged links outside the group (renamed by hand, moved by
		 * an older version) still go, one by one. */
		if (obs_link_ours(o, lab, l, "") &&
		    (!group_ok || l->group != group) &&
		    !plan_add(p, OP_DEL_HOSTLINK, "", l->name))
			return nsnet_fail(ctx, -ENOMEM, "plan");
	}
	for (i = 0; i < o->n_ns; i++)
		if (o->ns[i].ours && (o->ns[i].exists || o->ns[i].stale) &&
		    !plan_add(p, OP_DEL_NETNS, o->ns[i].name, NULL))
			return nsnet_fail(ctx, -ENOMEM, "plan");
	if (o->fw && !plan_add(p, OP_FW_DELETE, "", lab))
		return nsnet_fail(ctx, -ENOMEM, "plan");
	return 0;
}
