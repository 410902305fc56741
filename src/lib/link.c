// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * link.c - network interfaces: veth pairs, bridges, changes, dumps
 */
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <linux/veth.h>

#include "internal.h"

/**
 * check_ifname() - refuse a bad interface name as an input error
 * @ctx:	context
 * @name:	the name
 *
 * Return: 0, or -EINVAL recorded in @ctx.
 */
static int check_ifname(struct nsnet_ctx *ctx, const char *name)
{
	const char *why = nsnet_check_ifname(name);

	return why ? nsnet_fail_why(ctx, -EINVAL, true, why,
				    "interface name \"%s\"", name ? name : "") : 0;
}

/**
 * parse_index() - take the ifindex from a RTM_NEWLINK reply
 * @nlh:	message
 * @data:	int * receiving the index
 *
 * Return: 0.
 */
static int parse_index(const struct nlmsghdr *nlh, void *data)
{
	const struct ifinfomsg *ifi = mnl_nlmsg_get_payload(nlh);

	if (nlh->nlmsg_type == RTM_NEWLINK)
		*(int *)data = ifi->ifi_index;
	return 0;
}

/**
 * link_index() - look an interface up by name with one RTM_GETLINK
 * @ctx:	context
 * @s:		socket of @ns
 * @ns:		namespace name, for messages
 * @name:	interface name
 *
 * Return: the ifindex, or -errno recorded in @ctx (-ENODEV, an input error,
 * when there is no such interface).
 */
int link_index(struct nsnet_ctx *ctx, struct nl_sock *s, const char *ns,
	       const char *name)
{
	struct nl_req r = { 0 };
	struct ifinfomsg *ifi;
	struct nlmsghdr *nlh;
	int index = 0, err;

	err = check_ifname(ctx, name);
	if (err)
		return err;
	nlh = nl_req_add(&r, RTM_GETLINK, 0, sizeof(*ifi), (void **)&ifi);
	if (nlh) {
		ifi->ifi_family = AF_UNSPEC;
		mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
		/* Skip the per-VF and stats blobs nobody reads here. */
		mnl_attr_put_u32(nlh, IFLA_EXT_MASK, RTEXT_FILTER_SKIP_STATS);
	}
	err = nl_send(ctx, s, &r, parse_index, &index, NULL, 0);
	nl_req_free(&r);
	if (err == -ENODEV || (!err && index <= 0))
		return nsnet_fail_why(ctx, -ENODEV, true, "no such interface",
				      "dev %s%s%s", name, ns && *ns ? " in netns " : "",
				      ns && *ns ? ns : "");
	if (err)
		return nsnet_fail(ctx, err, "dev %s", name);
	return index;
}

/**
 * nsnet_link_index() - the ifindex of @name in @ns
 * @ctx:	context
 * @ns:		namespace
 * @name:	interface name
 *
 * Return: the index, or -errno.
 */
int nsnet_link_index(struct nsnet_ctx *ctx, const char *ns, const char *name)
{
	struct nl_sock *s;

	nsnet_clear_err(ctx);
	s = nl_sock_get(ctx, ns);
	if (!s)
		return -ENOENT;
	return link_index(ctx, s, ns, name);
}

/**
 * open_targets() - open the destination namespaces of a veth's two ends
 * @ctx:	context
 * @name_ns:	namespace spec of the first end, or NULL
 * @peer_ns:	namespace spec of the second end, or NULL
 * @fds:	the two descriptors, -1 where no namespace was given
 *
 * Return: 0, or -errno with nothing left open.
 */
static int open_targets(struct nsnet_ctx *ctx, const char *name_ns,
			const char *peer_ns, int fds[2])
{
	fds[0] = fds[1] = -1;
	if (name_ns) {
		fds[0] = ns_open_target(ctx, name_ns);
		if (fds[0] < 0)
			return fds[0];
	}
	if (peer_ns) {
		fds[1] = ns_open_target(ctx, peer_ns);
		if (fds[1] < 0) {
			if (fds[0] >= 0)
				close(fds[0]);
			return fds[1];
		}
	}
	return 0;
}

/**
 * nsnet_link_add_veth() - create a veth pair with both ends placed
 * @ctx:	context
 * @ns:		namespace the request is made in
 * @name:	first end
 * @name_ns:	namespace (name or PID) of the first end, NULL for @ns
 * @peer:	second end, NULL to let the kernel name it (vethN)
 * @peer_ns:	namespace (name or PID) of the second end, NULL for @ns
 *
 * The peer is a nested ifinfomsg inside VETH_INFO_PEER; each end carries its
 * own IFLA_NET_NS_FD, so the kernel creates the pair already in place.
 *
 * Return: 0, or -errno.
 */
int nsnet_link_add_veth(struct nsnet_ctx *ctx, const char *ns,
			const char *name, const char *name_ns,
			const char *peer, const char *peer_ns)
{
	struct nl_req r = { 0 };
	char extack[256];
	struct nl_sock *s;
	int fds[2], err;

	nsnet_clear_err(ctx);
	err = check_ifname(ctx, name);
	if (!err && peer)
		err = check_ifname(ctx, peer);
	if (err)
		return err;
	s = nl_sock_get(ctx, ns);
	if (!s)
		return -ENOENT;
	err = open_targets(ctx, name_ns, peer_ns, fds);
	if (err)
		return err;
	{
		struct msg_link_attrs a = { .nsfd = fds[0] };
		struct msg_link_attrs pa = { .nsfd = fds[1] };

		msg_veth_new(&r, name, &a, peer, &pa);
	}
	err = nl_send(ctx, s, &r, NULL, NULL, extack, sizeof(extack));
	nl_req_free(&r);
	if (fds[0] >= 0)
		close(fds[0]);
	if (fds[1] >= 0)
		close(fds[1]);
	if (err)
		return nl_fail(ctx, err, extack, "link add %s type veth peer %s",
			       name, peer ? peer : "(any name)");
	return 0;
}

/**
 * nsnet_link_add_bridge() - create a Linux bridge
 * @ctx:	context
 * @ns:		namespace
 * @name:	bridge name
 *
 * Return: 0, or -errno.
 */
int nsnet_link_add_bridge(struct nsnet_ctx *ctx, const char *ns,
			  const char *name)
{
	struct nl_req r = { 0 };
	char extack[256];
	struct nl_sock *s;
	int err;

	nsnet_clear_err(ctx);
	err = check_ifname(ctx, name);
	if (err)
		return err;
	s = nl_sock_get(ctx, ns);
	if (!s)
		return -ENOENT;
	{
		struct msg_link_attrs a = { .nsfd = -1 };
		struct nlmsghdr *nlh = msg_link_new(&r, name, "bridge", &a);

		if (nlh)
			msg_link_new_end(&r, nlh);
	}
	err = nl_send(ctx, s, &r, NULL, NULL, extack, sizeof(extack));
	nl_req_free(&r);
	if (err)
		return nl_fail(ctx, err, extack, "link add %s type bridge",
			       name);
	return 0;
}

/**
 * nsnet_link_del() - delete an interface
 * @ctx:	context
 * @ns:		namespace
 * @name:	interface name
 *
 * Return: 0, or -errno.
 */
int nsnet_link_del(struct nsnet_ctx *ctx, const char *ns, const char *name)
{
	struct nl_req r = { 0 };
	char extack[256];
	struct nl_sock *s;
	int index, err;

	nsnet_clear_err(ctx);
	s = nl_sock_get(ctx, ns);
	if (!s)
		return -ENOENT;
	index = link_index(ctx, s, ns, name);
	if (index < 0)
		return index;
	msg_link_del(&r, index, 0);
	err = nl_send(ctx, s, &r, NULL, NULL, extack, sizeof(extack));
	nl_req_free(&r);
	if (err)
		return nl_fail(ctx, err, extack, "link del %s", name);
	return 0;
}

/**
 * nsnet_link_set() - change an interface in one request
 * @ctx:	context
 * @ns:		namespace
 * @name:	interface name
 * @c:		the changes
 *
 * Everything is checked first (new name, master, target namespace), then
 * sent as one RTM_NEWLINK, so either all changes happen or none does.
 *
 * Return: 0, or -errno.
 */
int nsnet_link_set(struct nsnet_ctx *ctx, const char *ns, const char *name,
		   const struct nsnet_link_change *c)
{
	struct nl_req r = { 0 };
	char extack[256];
	struct nl_sock *s;
	int index, master = 0, nsfd = -1, err;

	nsnet_clear_err(ctx);
	if (c->name && (err = check_ifname(ctx, c->name)))
		return err;
	s = nl_sock_get(ctx, ns);
	if (!s)
		return -ENOENT;
	index = link_index(ctx, s, ns, name);
	if (index < 0)
		return index;
	if (c->master) {
		master = link_index(ctx, s, ns, c->master);
		if (master < 0)
			return master;
	}
	if (c->netns) {
		nsfd = ns_open_target(ctx, c->netns);
		if (nsfd < 0)
			return nsfd;
	}
	{
		struct msg_link_set m = {
			.up = c->up, .nsfd = nsfd, .name = c->name,
			.mtu = c->mtu, .set_master = c->master || c->nomaster,
			.master = master,
		};

		msg_link_set(&r, index, NULL, &m);
	}
	err = nl_send(ctx, s, &r, NULL, NULL, extack, sizeof(extack));
	nl_req_free(&r);
	if (nsfd >= 0)
		close(nsfd);
	if (err)
		return nl_fail(ctx, err, extack, "link set %s", name);
	return 0;
}

/**
 * parse_linkinfo() - read the kind out of IFLA_LINKINFO
 * @nest:	the IFLA_LINKINFO attribute
 * @l:		link to fill
 */
static void parse_linkinfo(const struct nlattr *nest, struct nsnet_link *l)
{
	const struct nlattr *attr;

	mnl_attr_for_each_nested(attr, nest) {
		if (mnl_attr_get_type(attr) == IFLA_INFO_KIND &&
		    mnl_attr_validate(attr, MNL_TYPE_STRING) == 0)
			snprintf(l->kind, sizeof(l->kind), "%.*s",
				 (int)mnl_attr_get_payload_len(attr),
				 (const char *)mnl_attr_get_payload(attr));
	}
}

/**
 * copy_hwaddr() - copy a hardware address attribute
 * @attr:	IFLA_ADDRESS or IFLA_BROADCAST
 * @dst:	output buffer of 32 bytes
 * @len:	updated with the length
 */
static void copy_hwaddr(const struct nlattr *attr, uint8_t *dst,
			unsigned int *len)
{
	unsigned int n = mnl_attr_get_payload_len(attr);

	if (n > 32)
		n = 32;
	memcpy(dst, mnl_attr_get_payload(attr), n);
	*len = n;
}

/**
 * get_u32() - store a validated u32 attribute
 * @attr:	attribute
 * @dst:	where to store it, untouched if the attribute is malformed
 */
static void get_u32(const struct nlattr *attr, unsigned int *dst)
{
	if (mnl_attr_validate(attr, MNL_TYPE_U32) == 0)
		*dst = mnl_attr_get_u32(attr);
}

/**
 * get_str() - store a validated string attribute
 * @attr:	attribute
 * @dst:	buffer
 * @len:	size of @dst
 */
static void get_str(const struct nlattr *attr, char *dst, size_t len)
{
	if (mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) == 0)
		snprintf(dst, len, "%s", mnl_attr_get_str(attr));
}

/**
 * parse_link() - turn one RTM_NEWLINK message into a struct nsnet_link
 * @nlh:	message
 * @data:	struct vec of links
 *
 * Return: 0, or -ENOMEM.
 */
static int parse_link(const struct nlmsghdr *nlh, void *data)
{
	const struct ifinfomsg *ifi = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *attr;
	unsigned int master = 0, link = 0, nsid = (unsigned int)-1, brd_len;
	struct nsnet_link *l;

	if (nlh->nlmsg_type != RTM_NEWLINK)
		return 0;
	l = vec_push(data);
	if (!l)
		return -ENOMEM;
	l->ifindex = ifi->ifi_index;
	l->flags = ifi->ifi_flags;
	l->type = ifi->ifi_type;
	mnl_attr_for_each(attr, nlh, sizeof(*ifi)) {
		switch (mnl_attr_get_type(attr)) {
		case IFLA_IFNAME:
			get_str(attr, l->name, sizeof(l->name));
			break;
		case IFLA_IFALIAS:
			get_str(attr, l->alias, sizeof(l->alias));
			break;
		case IFLA_MTU:
			get_u32(attr, &l->mtu);
			break;
		case IFLA_GROUP:
			get_u32(attr, &l->group);
			break;
		case IFLA_MASTER:
			get_u32(attr, &master);
			break;
		case IFLA_LINK:
			get_u32(attr, &link);
			break;
		case IFLA_LINK_NETNSID:
			get_u32(attr, &nsid);
			break;
		case IFLA_OPERSTATE:
			if (mnl_attr_validate(attr, MNL_TYPE_U8) == 0)
				l->operstate = mnl_attr_get_u8(attr);
			break;
		case IFLA_ADDRESS:
			copy_hwaddr(attr, l->addr, &l->addr_len);
			break;
		case IFLA_BROADCAST:
			copy_hwaddr(attr, l->brd, &brd_len);
			break;
		case IFLA_LINKINFO:
			parse_linkinfo(attr, l);
			break;
		}
	}
	l->master = (int)master;
	l->link = (int)link;
	l->link_netnsid = (int)nsid;
	return 0;
}

/**
 * link_cmp_index() - order links by ifindex (qsort, and bsearch in dumps)
 * @a:		first
 * @b:		second
 *
 * Return: <0, 0, >0.
 */
int link_cmp_index(const void *a, const void *b)
{
	return ((const struct nsnet_link *)a)->ifindex -
	       ((const struct nsnet_link *)b)->ifindex;
}

/**
 * nsnet_link_list() - every interface of @ns, sorted by ifindex
 * @ctx:	context
 * @ns:		namespace
 * @out:	result array, free() it
 *
 * Return: the count, or -errno.
 */
int nsnet_link_list(struct nsnet_ctx *ctx, const char *ns,
		    struct nsnet_link **out)
{
	struct nl_sock *s;

	nsnet_clear_err(ctx);
	s = nl_sock_get(ctx, ns);
	if (!s)
		return -ENOENT;
	return link_list_sock(ctx, s, out);
}

/**
 * link_list_sock() - every interface of the socket's namespace
 * @ctx:	context
 * @s:		socket
 * @out:	result array sorted by ifindex, free() it
 *
 * Return: the count, or -errno.
 */
int link_list_sock(struct nsnet_ctx *ctx, struct nl_sock *s,
		   struct nsnet_link **out)
{
	/* Nothing reads a link's counters or VF blobs from a dump. */
	const struct nl_filter f = { .ext_mask = RTEXT_FILTER_SKIP_STATS };
	struct vec v = { .size = sizeof(struct nsnet_link) };
	int err;

	err = nl_dump(ctx, s, RTM_GETLINK, AF_UNSPEC,
		      sizeof(struct ifinfomsg), &f, parse_link, &v);
	if (err) {
		free(v.items);
		return nsnet_fail(ctx, err, "link show");
	}
	vec_sort(&v, link_cmp_index);
	err = vec_take(&v, out);
	return err < 0 ? nsnet_fail(ctx, err, "link show") : err;
}
