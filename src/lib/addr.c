// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * addr.c - IPv4 and IPv6 interface addresses
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/if_addr.h>
#include <linux/rtnetlink.h>

#include "internal.h"

/**
 * addr_bytes() - size of an address of @family
 * @family:	AF_INET or AF_INET6
 *
 * Return: 4 or 16.
 */
static size_t addr_bytes(int family)
{
	return family == AF_INET ? 4 : 16;
}

/**
 * addr_change() - add or delete one address
 * @ctx:	context
 * @ns:		namespace
 * @dev:	interface name
 * @a:		the address and prefix length
 * @type:	RTM_NEWADDR or RTM_DELADDR
 *
 * Return: 0, or -errno.
 */
static int addr_change(struct nsnet_ctx *ctx, const char *ns, const char *dev,
		       const struct nsnet_prefix *a, uint16_t type)
{
	const char *verb = type == RTM_NEWADDR ? "add" : "del";
	struct nl_req r = { 0 };
	char extack[256], text[64];
	struct nl_sock *s;
	int index, err;

	nsnet_clear_err(ctx);
	nsnet_prefix_format(a, true, text, sizeof(text));
	if ((a->family != AF_INET && a->family != AF_INET6) ||
	    a->len > addr_bytes(a->family) * 8)
		return nsnet_fail_why(ctx, -EINVAL, true, "not an IP prefix",
				      "addr %s %s", verb, text);
	s = nl_sock_get(ctx, ns);
	if (!s)
		return -ENOENT;
	index = link_index(ctx, s, ns, dev);
	if (index < 0)
		return index;
	msg_addr(&r, type, index, a, 0);
	err = nl_send(ctx, s, &r, NULL, NULL, extack, sizeof(extack));
	nl_req_free(&r);
	if (err == -EADDRNOTAVAIL && type == RTM_DELADDR)
		return nsnet_fail_why(ctx, err, true, "no such address on it",
				      "addr del %s dev %s", text, dev);
	if (err)
		return nl_fail(ctx, err, extack, "addr %s %s dev %s", verb,
			       text, dev);
	return 0;
}

/**
 * nsnet_addr_add() - add an address to an interface
 * @ctx:	context
 * @ns:		namespace
 * @dev:	interface name
 * @addr:	address with prefix length
 *
 * Return: 0, or -errno.
 */
int nsnet_addr_add(struct nsnet_ctx *ctx, const char *ns, const char *dev,
		   const struct nsnet_prefix *addr)
{
	return addr_change(ctx, ns, dev, addr, RTM_NEWADDR);
}

/**
 * nsnet_addr_del() - remove an address from an interface
 * @ctx:	context
 * @ns:		namespace
 * @dev:	interface name
 * @addr:	address with prefix length
 *
 * Return: 0, or -errno.
 */
int nsnet_addr_del(struct nsnet_ctx *ctx, const char *ns, const char *dev,
		   const struct nsnet_prefix *addr)
{
	return addr_change(ctx, ns, dev, addr, RTM_DELADDR);
}

/**
 * parse_addr() - turn one RTM_NEWADDR message into a struct nsnet_address
 * @nlh:	message
 * @data:	struct vec of addresses
 *
 * IFA_LOCAL is the interface's own address when present (IFA_ADDRESS is the
 * peer on point-to-point links); IPv6 has only IFA_ADDRESS.
 *
 * Return: 0, or -ENOMEM.
 */
static int parse_addr(const struct nlmsghdr *nlh, void *data)
{
	const struct ifaddrmsg *ifa = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *attr, *local = NULL, *address = NULL;
	size_t n = addr_bytes(ifa->ifa_family);
	struct nsnet_address *a;

	if (nlh->nlmsg_type != RTM_NEWADDR ||
	    (ifa->ifa_family != AF_INET && ifa->ifa_family != AF_INET6))
		return 0;
	a = vec_push(data);
	if (!a)
		return -ENOMEM;
	a->ifindex = (int)ifa->ifa_index;
	a->local.family = ifa->ifa_family;
	a->local.len = ifa->ifa_prefixlen;
	a->scope = ifa->ifa_scope;
	a->flags = ifa->ifa_flags;
	a->valid_lft = a->preferred_lft = UINT32_MAX;
	mnl_attr_for_each(attr, nlh, sizeof(*ifa)) {
		switch (mnl_attr_get_type(attr)) {
		case IFA_LOCAL:
			local = attr;
			break;
		case IFA_ADDRESS:
			address = attr;
			break;
		case IFA_LABEL:
			if (mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) == 0)
				snprintf(a->label, sizeof(a->label), "%s",
					 mnl_attr_get_str(attr));
			break;
		case IFA_FLAGS:
			if (mnl_attr_validate(attr, MNL_TYPE_U32) == 0)
				a->flags = mnl_attr_get_u32(attr);
			break;
		case IFA_CACHEINFO:
			if (mnl_attr_get_payload_len(attr) >=
			    sizeof(struct ifa_cacheinfo)) {
				const struct ifa_cacheinfo *ci =
					mnl_attr_get_payload(attr);

				a->valid_lft = ci->ifa_valid;
				a->preferred_lft = ci->ifa_prefered;
			}
			break;
		}
	}
	if (!local)
		local = address;
	if (local && mnl_attr_get_payload_len(local) >= n)
		memcpy(a->local.addr, mnl_attr_get_payload(local), n);
	return 0;
}

/**
 * nsnet_addr_list() - every address in @ns
 * @ctx:	context
 * @ns:		namespace
 * @family:	AF_INET, AF_INET6 or 0
 * @out:	result array, free() it
 *
 * Return: the count, or -errno.
 */
int nsnet_addr_list(struct nsnet_ctx *ctx, const char *ns, int family,
		    struct nsnet_address **out)
{
	struct nl_sock *s;

	nsnet_clear_err(ctx);
	s = nl_sock_get(ctx, ns);
	if (!s)
		return -ENOENT;
	return addr_list_sock(ctx, s, family, out);
}

/**
 * addr_list_sock() - every address of the socket's namespace
 * @ctx:	context
 * @s:		socket
 * @family:	AF_INET, AF_INET6 or 0
 * @out:	result array, free() it
 *
 * Return: the count, or -errno.
 */
int addr_list_sock(struct nsnet_ctx *ctx, struct nl_sock *s, int family,
		   struct nsnet_address **out)
{
	struct vec v = { .size = sizeof(struct nsnet_address) };
	int err;

	err = nl_dump_inet(ctx, s, RTM_GETADDR, family,
			   sizeof(struct ifaddrmsg), NULL, parse_addr, &v);
	if (err) {
		free(v.items);
		return nsnet_fail(ctx, err, "addr show");
	}
	err = vec_take(&v, out);
	return err < 0 ? nsnet_fail(ctx, err, "addr show") : err;
}
