// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * apply.c - run a plan: journal first, then the kernel; undo on failure
 *
 * Before an object is created its name goes into the journal (synced), so a
 * run killed at any moment leaves nothing the next run cannot find. Every
 * object this run creates is remembered; if a later step fails, they are
 * removed again in reverse order and the failing step is reported with the
 * kernel's own message. What existed before the run is never removed by a
 * rollback.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <linux/if_addr.h>
#include <linux/rtnetlink.h>

#include "engine.h"
#include "fw.h"

/**
 * struct applier - one run of apply()
 * @ctx:	context
 * @lab:	lab name
 * @tag:	"nsnet:<lab>"
 * @group:	the lab's device group
 * @journal:	journal descriptor
 * @undo:	operations that reverse what this run did, in order done
 * @undoing:	rollback is running: record nothing more
 * @failed:	which message of the last batch failed (-1 none): those
 *		before it took effect and may need undoing
 * @fw:		the nftables script of the plan
 * @old_fw:	the script it replaces (restored on rollback), or NULL
 * @extack:	the kernel's message for the last failure
 * @ipv6:	the kernel has IPv6 (/proc/sys/net/ipv6), looked up once
 * @master:	the bridge the last veth went on ("" none), and its ifindex:
 *		a run of veths on one bridge asks for it once; any other
 *		kind of operation (one may delete or re-create a bridge)
 *		forgets it
 * @master_idx:	its ifindex
 */
struct applier {
	struct nsnet_ctx *ctx;
	const char *lab;
	char tag[LAB_NAME_MAX + 8];
	unsigned int group;
	int journal;
	struct plan undo;
	bool undoing;
	int failed;
	const char *fw;
	const char *old_fw;
	char extack[256];
	bool ipv6;
	char master[NSNET_IFNAMSIZ];
	int master_idx;
};

/**
 * send_one() - send a batch to namespace @ns and wait for its acks
 * @ap:		applier
 * @ns:		namespace, "" for the host
 * @r:		the batch, freed here
 *
 * Return: 0, or -errno (the kernel's text in @ap->extack).
 */
static int send_one(struct applier *ap, const char *ns, struct nl_req *r)
{
	struct nl_sock *s = nl_sock_get(ap->ctx, ns);
	int err;

	ap->extack[0] = '\0';
	err = s ? nl_send(ap->ctx, s, r, NULL, NULL, ap->extack,
			  sizeof(ap->extack)) : -ENOENT;
	if (!s)
		snprintf(ap->extack, sizeof(ap->extack), "%s",
			 nsnet_errmsg(ap->ctx));
	ap->failed = s ? r->failed : 0;
	nl_req_free(r);
	return err;
}

/**
 * index_of() - ifindex of @name in @ns
 * @ap:		applier
 * @ns:		namespace
 * @name:	link name
 *
 * Return: the index, or -errno.
 */
static int index_of(struct applier *ap, const char *ns, const char *name)
{
	struct nl_sock *s = nl_sock_get(ap->ctx, ns);
	int idx;

	if (!s)
		return -ENOENT;
	idx = link_index(ap->ctx, s, ns, name);
	if (idx < 0)
		snprintf(ap->extack, sizeof(ap->extack), "%s",
			 nsnet_errmsg(ap->ctx));
	return idx;
}

/**
 * setup_link() - tag a link, switch IPv6 link-local off if unused, bring it up
 * @ap:		applier
 * @r:		batch to append to
 * @name:	link name (looked up by the kernel)
 * @v6:		the link carries IPv6
 *
 * Two messages: the kernel applies flags before IFLA_AF_SPEC within one
 * request, and the address mode must be set before the link goes up.
 */
static void setup_link(struct applier *ap, struct nl_req *r, const char *name,
		       bool v6)
{
	/* Where IPv6 is disabled at boot, any AF_INET6 attribute fails the
	 * whole message: there is no link-local address to switch off. */
	struct msg_link_set tag = { .nsfd = -1, .alias = ap->tag,
				    .no_ipv6_ll = !v6 && ap->ipv6 &&
						  strcmp(name, "lo"),
				    .promote_secondaries = true };
	struct msg_link_set up = { .nsfd = -1, .up = 1 };

	msg_link_set(r, 0, name, &tag);
	msg_link_set(r, 0, name, &up);
}

/**
 * remember() - record how to undo a creation
 * @ap:		applier
 * @type:	the undoing operation
 * @ns:		namespace
 * @name:	link name
 * @a:		address or route, may be NULL
 *
 * Return: 0, or -ENOMEM.
 */
static int remember(struct applier *ap, enum op_type type, const char *ns,
		    const char *name, const struct op *a)
{
	struct op *u;

	if (ap->undoing)
		return 0;
	u = plan_add(&ap->undo, type, ns, name);
	if (!u)
		return -ENOMEM;
	if (a) {
		u->a = a->a;
		u->b = a->b;
		u->has_b = a->has_b;
	}
	return 0;
}

/**
 * created() - remember a link whose creating message (the batch's first)
 * went through, even when a later message of its batch failed
 * @ap:		applier
 * @err:	result of the batch
 * @undo:	how to remove it
 * @ns:		its namespace
 * @name:	its name
 *
 * Return: @err, or -ENOMEM when it cannot be remembered.
 */
static int created(struct applier *ap, int err, enum op_type undo,
		   const char *ns, const char *name)
{
	int rerr;

	if (err && ap->failed <= 0)
		return err;	/* the creation itself failed */
	rerr = remember(ap, undo, ns, name, NULL);
	return err ? err : rerr;
}

/**
 * add_veth() - a node's switch port: both ends placed, host end enslaved
 * @ap:		applier
 * @op:		OP_ADD_VETH (ns, name2: node end; name: host end; master)
 *
 * Return: 0, or -errno.
 */
static int add_veth(struct applier *ap, const struct op *op)
{
	struct msg_link_attrs host = { .group = ap->group, .nsfd = -1 };
	struct msg_link_attrs node = { .group = ap->group };
	struct nl_req r = { 0 };
	int err;

	/* Without a master: an OVS port, added through OVSDB next. */
	if (*op->master && strcmp(op->master, ap->master)) {
		ap->master_idx = index_of(ap, "", op->master);
		if (ap->master_idx < 0)
			return ap->master_idx;
		snprintf(ap->master, sizeof(ap->master), "%s", op->master);
	}
	host.master = *op->master ? ap->master_idx : 0;
	node.nsfd = ns_open(ap->ctx, op->ns);
	if (node.nsfd < 0)
		return node.nsfd;
	err = journal_add(ap->ctx, ap->journal, "link", "", op->name);
	if (!err)
		err = journal_add(ap->ctx, ap->journal, "nslink", op->ns,
				  op->name2);
	if (!err) {
		msg_veth_new(&r, op->name, &host, op->name2, &node);
		setup_link(ap, &r, op->name, op->v6);
		err = send_one(ap, "", &r);
	}
	close(node.nsfd);
	nl_req_free(&r);
	return created(ap, err, OP_DEL_HOSTLINK, "", op->name);
}

/**
 * add_cable() - a direct cable between two nodes
 * @ap:		applier
 * @op:		OP_ADD_CABLE (ns:name <-> ns2:name2)
 *
 * Return: 0, or -errno.
 */
static int add_cable(struct applier *ap, const struct op *op)
{
	struct msg_link_attrs a = { .group = ap->group, .nsfd = -1 };
	struct msg_link_attrs b = { .group = ap->group };
	struct nl_req r = { 0 };
	int err;

	b.nsfd = ns_open(ap->ctx, op->ns2);
	if (b.nsfd < 0)
		return b.nsfd;
	err = journal_add(ap->ctx, ap->journal, "nslink", op->ns, op->name);
	if (!err)
		err = journal_add(ap->ctx, ap->journal, "nslink", op->ns2,
				  op->name2);
	if (!err) {
		msg_veth_new(&r, op->name, &a, op->name2, &b);
		err = send_one(ap, op->ns, &r);
	}
	close(b.nsfd);
	nl_req_free(&r);
	if (!err)
		err = remember(ap, OP_DEL_NSLINK, op->ns, op->name, NULL);
	return err;
}

/**
 * add_netns() - nodes' namespaces, each with lo up and tagged
 * @ap:		applier
 * @ops:	a run of OP_ADD_NETNS (op_run())
 * @n:		how many
 * @failed:	set to the index in @ops of the one that failed
 *
 * All are journaled first, then made in one trip to the helper thread
 * (netns_add_run()), then configured through the sockets it opened.
 *
 * Return: 0, or -errno.
 */
static int add_netns(struct applier *ap, const struct op *ops, size_t n,
		     size_t *failed)
{
	const char *names[NETNS_RUN_MAX];
	size_t i, done;
	int err = 0;

	*failed = 0;
	for (i = 0; i < n; i++) {
		names[i] = ops[i].ns;
		err = journal_add(ap->ctx, ap->journal, "netns", "", ops[i].ns);
		if (err) {
			*failed = i;
			return err;
		}
	}
	err = netns_add_run(ap->ctx, names, n, &done);
	for (i = 0; i < done; i++)
		if (remember(ap, OP_DEL_NETNS, ops[i].ns, NULL, NULL))
			return -ENOMEM;
	if (err) {
		*failed = done;
		snprintf(ap->extack, sizeof(ap->extack), "%s",
			 nsnet_errmsg(ap->ctx));
		return err;
	}
	for (i = 0; i < n; i++) {
		struct nl_req r = { 0 };

		setup_link(ap, &r, "lo", true);
		err = send_one(ap, ops[i].ns, &r);
		if (err) {
			*failed = i;
			return err;
		}
	}
	return 0;
}

/**
 * bridge_mac() - a fixed, locally administered address for a lab's bridge
 * @lab:	lab name
 * @bridge:	bridge name
 * @mac:	6 bytes out
 *
 * Derived from both names (FNV-1a), so it is stable across re-creation.
 */
static void bridge_mac(const char *lab, const char *bridge, uint8_t mac[6])
{
	uint64_t h = 14695981039346656037ULL;
	const char *p;
	int i;

	for (p = lab; *p; p++)
		h = (h ^ (unsigned char)*p) * 1099511628211ULL;
	h = (h ^ '/') * 1099511628211ULL;
	for (p = bridge; *p; p++)
		h = (h ^ (unsigned char)*p) * 1099511628211ULL;
	for (i = 0; i < 6; i++)
		mac[i] = (uint8_t)(h >> (8 * i));
	mac[0] = (uint8_t)((mac[0] & 0xfe) | 0x02);	/* unicast, local */
}

/**
 * add_bridge() - a network's switch, up and tagged
 * @ap:		applier
 * @op:		OP_ADD_BRIDGE
 *
 * Return: 0, or -errno.
 */
static int add_bridge(struct applier *ap, const struct op *op)
{
	struct msg_link_attrs a = { .group = ap->group, .nsfd = -1 };
	struct nl_req r = { 0 };
	struct nlmsghdr *nlh;
	uint8_t mac[6];
	int err;

	/* A bridge without an address of its own takes its lowest port's,
	 * and changes it when that node goes: every other node's ARP entry
	 * for the gateway then points nowhere for a minute. */
	bridge_mac(ap->lab, op->name, mac);
	a.mac = mac;
	err = journal_add(ap->ctx, ap->journal, "link", "", op->name);
	if (err)
		return err;
	nlh = msg_link_new(&r, op->name, "bridge", &a);
	if (nlh)
		msg_link_new_end(&r, nlh);
	setup_link(ap, &r, op->name, op->v6);
	err = send_one(ap, "", &r);
	return created(ap, err, OP_DEL_HOSTLINK, "", op->name);
}

/**
 * ovs_failed() - keep the context's message as the failing step's reason
 * @ap:		applier
 * @err:	result
 *
 * Return: @err.
 */
static int ovs_failed(struct applier *ap, int err)
{
	if (err)
		snprintf(ap->extack, sizeof(ap->extack), "%s",
			 nsnet_errmsg(ap->ctx));
	return err;
}

/**
 * add_ovs_bridge() - an OVS network's bridge, tagged, its port set up
 * @ap:		applier
 * @op:		OP_OVS_ADD_BRIDGE
 *
 * OVSDB writes the tag with the bridge, so no journal entry is needed:
 * `down` finds the bridge by it whatever happens next. The internal port
 * exists once ovs-vsctl returns (it waits for ovs-vswitchd); it gets the
 * lab's tag and goes up like a Linux bridge.
 *
 * Return: 0, or -errno.
 */
static int add_ovs_bridge(struct applier *ap, const struct op *op)
{
	struct nl_req r = { 0 };
	uint8_t mac[6];
	int err;

	bridge_mac(ap->lab, op->name, mac);
	err = ovs_add_bridge(ap->ctx, ap->lab, op->name, mac);
	/* A timeout may still have committed the bridge: undo it too. */
	if (err && err != -ETIMEDOUT)
		return ovs_failed(ap, err);
	if (remember(ap, OP_OVS_DEL_BRIDGE, "", op->name, NULL))
		return -ENOMEM;
	if (err)
		return ovs_failed(ap, err);
	setup_link(ap, &r, op->name, op->v6);
	return send_one(ap, "", &r);
}

/**
 * add_ovs_ports() - nodes' host ends on their OVS bridges, in one go
 * @ap:		applier
 * @ops:	@n consecutive OP_OVS_ADD_PORT (name: host link, master:
 *		bridge)
 * @n:		count
 *
 * One OVSDB transaction: all are added or none (a timeout may still
 * have committed them, so they are undone then too). On the userspace
 * datapath each node end (@ops' ns2:name2) then stops leaving its
 * checksums to the switch, or TCP and UDP would not pass (offload.c).
 *
 * Return: 0, or -errno.
 */
static int add_ovs_ports(struct applier *ap, const struct op *ops, size_t n)
{
	const char **br = calloc(n, sizeof(*br)), **port = calloc(n, sizeof(*port));
	struct nl_sock *s;
	size_t i;
	int err = -ENOMEM;

	if (br && port) {
		for (i = 0; i < n; i++) {
			br[i] = ops[i].master;
			port[i] = ops[i].name;
		}
		err = ovs_add_ports(ap->ctx, ap->lab, br, port, n);
	}
	free(br);
	free(port);
	if (err && err != -ETIMEDOUT)
		return ovs_failed(ap, err);
	for (i = 0; i < n; i++)
		if (remember(ap, OP_OVS_DEL_PORT, "", ops[i].name, NULL))
			return -ENOMEM;
	for (i = 0; !err && ovs_userspace() && i < n; i++) {
		if (!*ops[i].name2)
			continue;
		s = nl_sock_get(ap->ctx, ops[i].ns2);
		err = s ? link_tx_csum_off(ap->ctx, mnl_socket_get_fd(s->nl),
					   ops[i].ns2, ops[i].name2) : -ENOENT;
		if (err) {
			snprintf(ap->extack, sizeof(ap->extack), "%s",
				 nsnet_errmsg(ap->ctx));
			return err;
		}
	}
	return ovs_failed(ap, err);
}

/**
 * op_run() - how many operations of one type start at op @i
 * @p:		the plan
 * @i:		index of the first
 * @max:	at most this many
 * @fail_at:	the test hook's operation (1-based, 0: none), which must
 *		stay outside the run so that it fails on its own
 *
 * Return: at least 1.
 */
static size_t op_run(const struct plan *p, size_t i, size_t max,
		     unsigned int fail_at)
{
	size_t n = 1;

	while (n < max && i + n < p->n &&
	       p->ops[i + n].type == p->ops[i].type &&
	       !(fail_at && i + n + 1 == fail_at))
		n++;
	return n;
}

/**
 * addr_or_route() - add or delete an address or a route
 * @ap:		applier
 * @op:		OP_ADD_ADDR, OP_DEL_ADDR, OP_ADD_ROUTE or OP_DEL_ROUTE
 *
 * Return: 0, or -errno.
 */
static int addr_or_route(struct applier *ap, const struct op *op)
{
	bool route = op->type == OP_ADD_ROUTE || op->type == OP_DEL_ROUTE;
	bool add = op->type == OP_ADD_ADDR || op->type == OP_ADD_ROUTE;
	struct nl_req r = { 0 };
	int idx = 0, err;

	if (*op->name) {
		idx = index_of(ap, op->ns, op->name);
		if (idx == -ENODEV && !add) {
			nsnet_clear_err(ap->ctx);
			return 0;	/* gone with its link */
		}
		if (idx < 0)
			return idx;
	}
	if (route)
		msg_route(&r, add ? RTM_NEWROUTE : RTM_DELROUTE, &op->a,
			  op->has_b ? &op->b : NULL, idx, RTPROT_BOOT);
	else
		/* A lab's addresses are its own to give: no duplicate
		 * address detection, so IPv6 works the moment up returns. */
		msg_addr(&r, add ? RTM_NEWADDR : RTM_DELADDR, idx, &op->a,
			 add && op->a.family == AF_INET6 ? IFA_F_NODAD : 0);
	err = send_one(ap, op->ns, &r);
	/* Removing what is already gone (with its link, say) is done. */
	if (!add && (err == -EADDRNOTAVAIL || err == -ESRCH || err == -ENODEV))
		return 0;
	/* A removed route is put back on failure, so a failed change keeps
	 * the node reachable; removed addresses go last in a plan anyway. */
	if (!err && (add || route))
		err = remember(ap, route ? (add ? OP_DEL_ROUTE : OP_ADD_ROUTE) :
			       OP_DEL_ADDR, op->ns, op->name, op);
	return err;
}

/**
 * del_link() - delete one link by name, a missing one being success
 * @ap:		applier
 * @ns:		namespace
 * @name:	link name
 *
 * Return: 0, or -errno.
 */
static int del_link(struct applier *ap, const char *ns, const char *name)
{
	struct nl_req r = { 0 };
	int idx = index_of(ap, ns, name);

	if (idx == -ENODEV) {
		nsnet_clear_err(ap->ctx);
		return 0;
	}
	if (idx < 0)
		return idx;
	msg_link_del(&r, idx, 0);
	idx = send_one(ap, ns, &r);
	return idx == -ENODEV ? 0 : idx;
}

/**
 * run_op() - apply one operation
 * @ap:		applier
 * @op:		the operation
 *
 * Return: 0, or -errno.
 */
static int run_op(struct applier *ap, const struct op *op)
{
	struct nl_req r = { 0 };
	int err;

	if (op->type != OP_ADD_VETH)
		ap->master[0] = '\0';
	switch (op->type) {
	case OP_ADD_BRIDGE:
		return add_bridge(ap, op);
	case OP_ADD_NETNS: {
		size_t bad;

		return add_netns(ap, op, 1, &bad);
	}
	case OP_ADD_VETH:
		return add_veth(ap, op);
	case OP_ADD_CABLE:
		return add_cable(ap, op);
	case OP_SETUP_IF:
		setup_link(ap, &r, op->name, op->v6);
		return send_one(ap, op->ns, &r);
	case OP_SET_MASTER: {
		struct msg_link_set m = { .nsfd = -1, .set_master = true };

		m.master = index_of(ap, "", op->master);
		if (m.master < 0)
			return m.master;
		msg_link_set(&r, 0, op->name, &m);
		return send_one(ap, "", &r);
	}
	case OP_ADD_ADDR:
	case OP_DEL_ADDR:
	case OP_ADD_ROUTE:
	case OP_DEL_ROUTE:
		return addr_or_route(ap, op);
	case OP_DEL_NSLINK:
		return del_link(ap, op->ns, op->name);
	case OP_DEL_HOSTLINK:
		return del_link(ap, "", op->name);
	case OP_DEL_GROUP:
		msg_link_del(&r, 0, (unsigned int)strtoul(op->name, NULL, 10));
		err = send_one(ap, "", &r);
		return err == -ENODEV ? 0 : err;
	case OP_FW_APPLY:
		/* Rolling back a replaced table puts the old one back. */
		err = fw_run(ap->ctx, ap->undoing ? ap->old_fw : ap->fw);
		if (!err)
			err = remember(ap, ap->old_fw ? OP_FW_APPLY : OP_FW_DELETE,
				       "", op->name, NULL);
		if (err)
			snprintf(ap->extack, sizeof(ap->extack), "%s",
				 nsnet_errmsg(ap->ctx));
		return err;
	case OP_SYSCTL:
		return 0;	/* done once the run succeeded, under the lock */
	case OP_OVS_ADD_BRIDGE:
		return add_ovs_bridge(ap, op);
	case OP_OVS_ADD_PORT:
		return add_ovs_ports(ap, op, 1);
	case OP_OVS_DEL_BRIDGE:
		return ovs_failed(ap, ovs_del_bridge(ap->ctx, op->name));
	case OP_OVS_DEL_PORT:
		return ovs_failed(ap, ovs_del_port(ap->ctx, op->name));
	case OP_FW_DELETE:
		err = fw_delete(ap->ctx, ap->lab);
		if (err)
			snprintf(ap->extack, sizeof(ap->extack), "%s",
				 nsnet_errmsg(ap->ctx));
		return err;
	case OP_DEL_NETNS:
		err = nsnet_netns_del(ap->ctx, op->ns);
		if (err == -ENOENT)
			err = 0;
		if (err)
			snprintf(ap->extack, sizeof(ap->extack), "%s",
				 nsnet_errmsg(ap->ctx));
		return err;
	}
	return -EINVAL;
}

/**
 * cmp_name() - order string pointers
 * @a:		const char *const *
 * @b:		same
 *
 * Return: strcmp().
 */
static int cmp_name(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/**
 * rollback() - undo what this run created, newest first
 * @ap:		applier
 *
 * Best effort: a step that fails is skipped (its namespace may already be
 * gone with an earlier step). Return: true if every step succeeded.
 */
static bool rollback(struct applier *ap)
{
	const char **gone = calloc(ap->undo.n + 1, sizeof(*gone));
	size_t i, n_gone = 0;
	bool clean = true;

	ap->undoing = true;
	/* Namespaces this run created, sorted: whatever was made inside
	 * one goes with it, so undoing it one by one is skipped. */
	for (i = 0; gone && i < ap->undo.n; i++)
		if (ap->undo.ops[i].type == OP_DEL_NETNS)
			gone[n_gone++] = ap->undo.ops[i].ns;
	if (gone)
		qsort(gone, n_gone, sizeof(*gone), cmp_name);
	for (i = ap->undo.n; i-- > 0;) {
		const struct op *u = &ap->undo.ops[i];
		const char *key = u->ns;

		if (*u->ns && u->type != OP_DEL_NETNS && gone &&
		    bsearch(&key, gone, n_gone, sizeof(*gone), cmp_name))
			continue;
		if (run_op(ap, u) < 0)
			clean = false;
	}
	free(gone);
	return clean;
}

/**
 * apply() - run a plan; on failure undo this run's creations
 * @ctx:	context
 * @lab:	lab name
 * @p:		the plan
 * @journal:	open journal descriptor
 * @fail_at:	test hook: make operation number @fail_at (1-based) fail
 *		with -EIO before it reaches the kernel; 0 for none
 * @clean:	set to false when a failure could not be fully rolled back
 * @then:	run once every operation succeeded, while this run's
 *		creations can still be undone (the lab's services); its
 *		failure rolls them back as an operation's would. May be NULL.
 * @arg:	passed to @then
 *
 * Return: 0, or -errno with "<operation>: <kernel's reason>" in @ctx (or
 * @then's own message).
 */
int apply(struct nsnet_ctx *ctx, const char *lab, struct plan *p, int journal,
	  unsigned int fail_at, bool *clean, int (*then)(void *arg), void *arg)
{
	struct applier ap = { .ctx = ctx, .lab = lab, .journal = journal,
			      .group = lab_group(lab), .fw = p->fw,
			      .old_fw = p->old_fw };
	char text[512];
	size_t i;
	int err = 0;

	lab_tag(lab, ap.tag, sizeof(ap.tag));
	ap.ipv6 = kernel_has_ipv6(ctx);
	for (i = 0; i < p->n; i++) {
		ap.extack[0] = '\0';
		if (fail_at && i + 1 == fail_at) {
			err = -EIO;
			snprintf(ap.extack, sizeof(ap.extack),
				 "failure injected by NSNET_FAIL_AT=%u", fail_at);
		} else if (p->ops[i].type == OP_OVS_ADD_PORT) {
			size_t n = op_run(p, i, p->n, fail_at);

			err = add_ovs_ports(&ap, &p->ops[i], n);
			if (!err)
				i += n - 1;
		} else if (p->ops[i].type == OP_ADD_NETNS) {
			size_t n = op_run(p, i, NETNS_RUN_MAX, fail_at), bad;

			ap.master[0] = '\0';
			err = add_netns(&ap, &p->ops[i], n, &bad);
			i += err ? bad : n - 1;
		} else {
			err = run_op(&ap, &p->ops[i]);
		}
		if (err)
			break;
	}
	*clean = true;
	if (!err && then) {
		struct err_keep k;

		err = then(arg);
		if (err) {
			err_keep(ctx, &k);
			*clean = rollback(&ap);
			err_restore(ctx, &k);
		}
		plan_free(&ap.undo);
		return err;
	}
	if (err) {
		char why[sizeof(ap.extack)];

		snprintf(why, sizeof(why), "%s", *ap.extack ? ap.extack :
			 strerror(-err));
		*clean = rollback(&ap);
		nsnet_fail_why(ctx, err, false, why, "lab %s: %s%s", lab,
			       op_text(&p->ops[i], text, sizeof(text)),
			       *clean ? "" : " (rollback incomplete; `up` or `down` will finish it)");
	}
	plan_free(&ap.undo);
	return err;
}
