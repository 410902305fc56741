// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * neigh.c - the neighbour (ARP/NDP) table
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <linux/neighbour.h>
#include <linux/rtnetlink.h>

#include "internal.h"

/**
 * parse_neigh() - turn one RTM_NEWNEIGH message into a struct nsnet_neigh
 * @nlh:	message
 * @data:	struct vec of entries
 *
 * Return: 0, or -ENOMEM.
 */
static int parse_neigh(const struct nlmsghdr *nlh, void *data)
{
	const struct ndmsg *nd = mnl_nlmsg_get_payload(nlh);
	size_t n = nd->ndm_family == AF_INET ? 4 : 16;
	const struct nlattr *attr;
	struct nsnet_neigh *e;

	if (nlh->nlmsg_type != RTM_NEWNEIGH ||
	    (nd->ndm_family != AF_INET && nd->ndm_family != AF_INET6))
		return 0;
	e = vec_push(data);
	if (!e)
		return -ENOMEM;
	e->ifindex = nd->ndm_ifindex;
	e->state = nd->ndm_state;
	e->flags = nd->ndm_flags;
	e->dst.family = nd->ndm_family;
	e->dst.len = (unsigned int)n * 8;
	mnl_attr_for_each(attr, nlh, sizeof(*nd)) {
		unsigned int len = mnl_attr_get_payload_len(attr);

		if (mnl_attr_get_type(attr) == NDA_DST && len >= n) {
			memcpy(e->dst.addr, mnl_attr_get_payload(attr), n);
		} else if (mnl_attr_get_type(attr) == NDA_LLADDR) {
			if (len > sizeof(e->lladdr))
				len = sizeof(e->lladdr);
			memcpy(e->lladdr, mnl_attr_get_payload(attr), len);
			e->lladdr_len = len;
		}
	}
	return 0;
}

/**
 * nsnet_neigh_list() - the neighbour table of @ns
 * @ctx:	context
 * @ns:		namespace
 * @family:	AF_INET, AF_INET6 or 0
 * @out:	result array, free() it
 *
 * Return: the count, or -errno.
 */
int nsnet_neigh_list(struct nsnet_ctx *ctx, const char *ns, int family,
		     struct nsnet_neigh **out)
{
	struct vec v = { .size = sizeof(struct nsnet_neigh) };
	struct nl_sock *s;
	int err;

	nsnet_clear_err(ctx);
	s = nl_sock_get(ctx, ns);
	if (!s)
		return -ENOENT;
	err = nl_dump(ctx, s, RTM_GETNEIGH, family, sizeof(struct ndmsg), NULL,
		      parse_neigh, &v);
	if (err) {
		free(v.items);
		return nsnet_fail(ctx, err, "neigh show");
	}
	err = vec_take(&v, out);
	return err < 0 ? nsnet_fail(ctx, err, "neigh show") : err;
}
