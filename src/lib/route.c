// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * route.c - routes of the main table: default, subnet, host; via, dev
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/rtnetlink.h>

#include "internal.h"

/**
 * route_text() - "DST [via GW] [dev IF]" for messages
 * @sp:		the route
 * @buf:	output
 * @len:	size of @buf
 *
 * Return: @buf.
 */
static char *route_text(const struct nsnet_route_spec *sp, char *buf,
			size_t len)
{
	char dst[64], gw[64];

	if (sp->dst.len == 0)
		snprintf(dst, sizeof(dst), "default");
	else
		nsnet_prefix_format(&sp->dst, true, dst, sizeof(dst));
	if (sp->via)
		nsnet_prefix_format(sp->via, false, gw, sizeof(gw));
	snprintf(buf, len, "%s%s%s%s%s", dst, sp->via ? " via " : "",
		 sp->via ? gw : "", sp->dev ? " dev " : "",
		 sp->dev ? sp->dev : "");
	return buf;
}

/**
 * route_check() - refuse routes the kernel would refuse, before asking it
 * @ctx:	context
 * @sp:		the route
 * @verb:	"add" or "del"
 * @text:	route_text() of @sp
 *
 * Return: 0, or -EINVAL recorded as an input error.
 */
static int route_check(struct nsnet_ctx *ctx, const struct nsnet_route_spec *sp,
		       const char *verb, const char *text)
{
	struct nsnet_prefix net = sp->dst;
	unsigned int bit, width = sp->dst.family == AF_INET ? 32 : 128;
	const char *why = NULL;

	if (sp->dst.family != AF_INET && sp->dst.family != AF_INET6)
		why = "not an IP destination";
	else if (sp->dst.len > width)
		why = "prefix length too long";
	else if (sp->via && sp->via->family != sp->dst.family)
		why = "gateway and destination are of different families";
	else if (!sp->via && !sp->dev && !strcmp(verb, "add"))
		why = "needs a gateway (via) or a device (dev)";
	if (!why) {
		for (bit = net.len; bit < width; bit++)
			if (net.addr[bit / 8] & (0x80 >> (bit % 8)))
				why = "host bits set in the destination";
	}
	return why ? nsnet_fail_why(ctx, -EINVAL, true, why, "route %s %s",
				    verb, text) : 0;
}

/**
 * route_change() - add or delete one route in the main table
 * @ctx:	context
 * @ns:		namespace
 * @sp:		the route
 * @type:	RTM_NEWROUTE or RTM_DELROUTE
 *
 * Return: 0, or -errno.
 */
static int route_change(struct nsnet_ctx *ctx, const char *ns,
			const struct nsnet_route_spec *sp, uint16_t type)
{
	const char *verb = type == RTM_NEWROUTE ? "add" : "del";
	struct nl_req r = { 0 };
	char extack[256], text[160];
	struct nl_sock *s;
	int oif = 0, err;

	nsnet_clear_err(ctx);
	route_text(sp, text, sizeof(text));
	err = route_check(ctx, sp, verb, text);
	if (err)
		return err;
	s = nl_sock_get(ctx, ns);
	if (!s)
		return -ENOENT;
	if (sp->dev) {
		oif = link_index(ctx, s, ns, sp->dev);
		if (oif < 0)
			return oif;
	}
	msg_route(&r, type, &sp->dst, sp->via, oif, 0);
	err = nl_send(ctx, s, &r, NULL, NULL, extack, sizeof(extack));
	nl_req_free(&r);
	if (err == -ESRCH && type == RTM_DELROUTE)
		return nsnet_fail_why(ctx, err, true, "no such route",
				      "route del %s", text);
	if (err)
		return nl_fail(ctx, err, extack, "route %s %s", verb, text);
	return 0;
}

/**
 * nsnet_route_add() - add a route to the main table
 * @ctx:	context
 * @ns:		namespace
 * @spec:	the route
 *
 * Return: 0, or -errno.
 */
int nsnet_route_add(struct nsnet_ctx *ctx, const char *ns,
		    const struct nsnet_route_spec *spec)
{
	return route_change(ctx, ns, spec, RTM_NEWROUTE);
}

/**
 * nsnet_route_del() - delete a route from the main table
 * @ctx:	context
 * @ns:		namespace
 * @spec:	the route
 *
 * Return: 0, or -errno.
 */
int nsnet_route_del(struct nsnet_ctx *ctx, const char *ns,
		    const struct nsnet_route_spec *spec)
{
	return route_change(ctx, ns, spec, RTM_DELROUTE);
}

/**
 * put_addr() - copy an address attribute into a prefix of full width
 * @attr:	RTA_DST, RTA_GATEWAY or RTA_PREFSRC
 * @family:	the route's family
 * @p:		output
 *
 * Return: true if the attribute had the right size.
 */
static bool put_addr(const struct nlattr *attr, int family,
		     struct nsnet_prefix *p)
{
	size_t n = family == AF_INET ? 4 : 16;

	if (mnl_attr_get_payload_len(attr) < n)
		return false;
	p->family = family;
	p->len = (unsigned int)n * 8;
	memcpy(p->addr, mnl_attr_get_payload(attr), n);
	return true;
}

/**
 * parse_route() - turn one RTM_NEWROUTE message into a struct nsnet_route
 * @nlh:	message
 * @data:	struct vec of routes
 *
 * Only unicast-ish routes of the main table are kept, as `ip route show`
 * shows them by default; cached clones are skipped.
 *
 * Return: 0, or -ENOMEM.
 */
static int parse_route(const struct nlmsghdr *nlh, void *data)
{
	const struct rtmsg *rtm = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *attr;
	struct nsnet_route *rt;
	unsigned int table = rtm->rtm_table;

	if (nlh->nlmsg_type != RTM_NEWROUTE || (rtm->rtm_flags & RTM_F_CLONED))
		return 0;
	mnl_attr_for_each(attr, nlh, sizeof(*rtm)) {
		if (mnl_attr_get_type(attr) == RTA_TABLE &&
		    mnl_attr_validate(attr, MNL_TYPE_U32) == 0)
			table = mnl_attr_get_u32(attr);
	}
	if (table != RT_TABLE_MAIN)
		return 0;
	rt = vec_push(data);
	if (!rt)
		return -ENOMEM;
	rt->dst.family = rtm->rtm_family;
	rt->dst.len = rtm->rtm_dst_len;
	rt->protocol = rtm->rtm_protocol;
	rt->scope = rtm->rtm_scope;
	rt->type = rtm->rtm_type;
	rt->table = table;
	rt->flags = rtm->rtm_flags;
	mnl_attr_for_each(attr, nlh, sizeof(*rtm)) {
		switch (mnl_attr_get_type(attr)) {
		case RTA_DST:
			if (put_addr(attr, rtm->rtm_family, &rt->dst))
				rt->dst.len = rtm->rtm_dst_len;
			break;
		case RTA_GATEWAY:
			rt->has_gateway = put_addr(attr, rtm->rtm_family,
						   &rt->gateway);
			break;
		case RTA_PREFSRC:
			rt->has_prefsrc = put_addr(attr, rtm->rtm_family,
						   &rt->prefsrc);
			break;
		case RTA_OIF:
			if (mnl_attr_validate(attr, MNL_TYPE_U32) == 0)
				rt->oif = (int)mnl_attr_get_u32(attr);
			break;
		case RTA_PRIORITY:
			if (mnl_attr_validate(attr, MNL_TYPE_U32) == 0)
				rt->metric = mnl_attr_get_u32(attr);
			break;
		}
	}
	return 0;
}

/**
 * nsnet_route_list() - the main routing table of @ns
 * @ctx:	context
 * @ns:		namespace
 * @family:	AF_INET, AF_INET6 or 0
 * @out:	result array, free() it
 *
 * Return: the count, or -errno.
 */
int nsnet_route_list(struct nsnet_ctx *ctx, const char *ns, int family,
		     struct nsnet_route **out)
{
	struct nl_sock *s;

	nsnet_clear_err(ctx);
	s = nl_sock_get(ctx, ns);
	if (!s)
		return -ENOENT;
	return route_list_sock(ctx, s, family, out);
}

/**
 * route_list_sock() - the main routing table of the socket's namespace
 * @ctx:	context
 * @s:		socket
 * @family:	AF_INET, AF_INET6 or 0
 * @out:	result array, free() it
 *
 * Return: the count, or -errno.
 */
int route_list_sock(struct nsnet_ctx *ctx, struct nl_sock *s, int family,
		    struct nsnet_route **out)
{
	/* Only the main table: the local one has two routes or more for
	 * every address, and parse_route() would drop them. */
	const struct nl_filter f = { .table = RT_TABLE_MAIN };
	struct vec v = { .size = sizeof(struct nsnet_route) };
	int err;

	err = nl_dump_inet(ctx, s, RTM_GETROUTE, family, sizeof(struct rtmsg),
			   &f, parse_route, &v);
	if (err) {
		free(v.items);
		return nsnet_fail(ctx, err, "route show");
	}
	err = vec_take(&v, out);
	return err < 0 ? nsnet_fail(ctx, err, "route show") : err;
}
