// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * msg.c - rtnetlink request builders, shared by the verbs and the lab engine
 *
 * Each builder appends one message to a batch (struct nl_req); nothing is
 * sent here. The imperative verbs send a batch of one; the lab engine fills
 * one batch per namespace and sends it with a single sendto().
 */
#include <errno.h>
#include <string.h>

#include <linux/if.h>
#include <linux/if_addr.h>
#include <linux/if_link.h>
#include <linux/ip.h>
#include <linux/rtnetlink.h>
#include <linux/veth.h>

#include "internal.h"

/**
 * addr_len() - bytes of an address of @family
 * @family:	AF_INET or AF_INET6
 *
 * Return: 4 or 16.
 */
static size_t addr_len(int family)
{
	return family == AF_INET ? 4 : 16;
}

/**
 * msg_link_new() - start an RTM_NEWLINK that creates a link
 * @r:		batch
 * @name:	interface name
 * @kind:	IFLA_INFO_KIND, e.g. "bridge"
 * @a:		creation attributes (group, master, up, namespace)
 *
 * Return: the message, still open for IFLA_INFO_DATA, or NULL (OOM, flagged
 * in @r). Close it with msg_link_new_end().
 */
struct nlmsghdr *msg_link_new(struct nl_req *r, const char *name,
			      const char *kind, const struct msg_link_attrs *a)
{
	struct ifinfomsg *ifi;
	struct nlmsghdr *nlh;

	nlh = nl_req_add(r, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL,
			 sizeof(*ifi), (void **)&ifi);
	if (!nlh)
		return NULL;
	if (a && a->up) {
		ifi->ifi_change = IFF_UP;
		ifi->ifi_flags = IFF_UP;
	}
	if (name)
		mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	if (a && a->group)
		mnl_attr_put_u32(nlh, IFLA_GROUP, a->group);
	if (a && a->master)
		mnl_attr_put_u32(nlh, IFLA_MASTER, (uint32_t)a->master);
	if (a && a->nsfd >= 0)
		mnl_attr_put_u32(nlh, IFLA_NET_NS_FD, (uint32_t)a->nsfd);
	if (a && a->mac)
		mnl_attr_put(nlh, IFLA_ADDRESS, 6, a->mac);
	r->nest[0] = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
	mnl_attr_put_strz(nlh, IFLA_INFO_KIND, kind);
	return nlh;
}

/**
 * msg_link_new_end() - close the IFLA_LINKINFO nest msg_link_new() opened
 * @r:		batch
 * @nlh:	the message
 */
void msg_link_new_end(struct nl_req *r, struct nlmsghdr *nlh)
{
	mnl_attr_nest_end(nlh, r->nest[0]);
}

/**
 * msg_veth_new() - create a veth pair with both ends placed
 * @r:		batch
 * @name:	first end, in the namespace of the socket unless @a->nsfd
 * @a:		attributes of the first end
 * @peer:	second end, NULL for the kernel's choice
 * @pa:		attributes of the second end (group, nsfd; master/up ignored)
 *
 * The peer is a nested ifinfomsg inside VETH_INFO_PEER; each end carries
 * its own IFLA_NET_NS_FD, so the pair is created already in place.
 */
void msg_veth_new(struct nl_req *r, const char *name,
		  const struct msg_link_attrs *a, const char *peer,
		  const struct msg_link_attrs *pa)
{
	struct nlattr *data, *peerattr;
	struct ifinfomsg *pifi;
	struct nlmsghdr *nlh;

	nlh = msg_link_new(r, name, "veth", a);
	if (!nlh)
		return;
	data = mnl_attr_nest_start(nlh, IFLA_INFO_DATA);
	peerattr = mnl_attr_nest_start(nlh, VETH_INFO_PEER);
	pifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*pifi));
	pifi->ifi_family = AF_UNSPEC;
	if (peer)
		mnl_attr_put_strz(nlh, IFLA_IFNAME, peer);
	if (pa && pa->group)
		mnl_attr_put_u32(nlh, IFLA_GROUP, pa->group);
	if (pa && pa->nsfd >= 0)
		mnl_attr_put_u32(nlh, IFLA_NET_NS_FD, (uint32_t)pa->nsfd);
	mnl_attr_nest_end(nlh, peerattr);
	mnl_attr_nest_end(nlh, data);
	msg_link_new_end(r, nlh);
}

/**
 * msg_link_set() - change an existing link, found by index or by name
 * @r:		batch
 * @ifindex:	index, or 0 to find the link by @name
 * @name:	name when @ifindex is 0
 * @c:		the changes
 *
 * The kernel applies the attributes of one RTM_NEWLINK in a fixed order
 * (namespace, name, MTU, master, flags), so all of them go in one message.
 */
void msg_link_set(struct nl_req *r, int ifindex, const char *name,
		  const struct msg_link_set *c)
{
	struct ifinfomsg *ifi;
	struct nlmsghdr *nlh;

	nlh = nl_req_add(r, RTM_NEWLINK, 0, sizeof(*ifi), (void **)&ifi);
	if (!nlh)
		return;
	ifi->ifi_index = ifindex;
	if (!ifindex)
		mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	if (c->up) {
		ifi->ifi_change = IFF_UP;
		ifi->ifi_flags = c->up > 0 ? IFF_UP : 0;
	}
	if (c->nsfd >= 0)
		mnl_attr_put_u32(nlh, IFLA_NET_NS_FD, (uint32_t)c->nsfd);
	if (c->name)
		mnl_attr_put_strz(nlh, IFLA_IFNAME, c->name);
	if (c->mtu)
		mnl_attr_put_u32(nlh, IFLA_MTU, c->mtu);
	if (c->set_master)
		mnl_attr_put_u32(nlh, IFLA_MASTER, (uint32_t)c->master);
	if (c->alias)
		mnl_attr_put_strz(nlh, IFLA_IFALIAS, c->alias);
	if (c->no_ipv6_ll || c->promote_secondaries) {
		struct nlattr *spec = mnl_attr_nest_start(nlh, IFLA_AF_SPEC);
		struct nlattr *fam, *conf;

		if (c->promote_secondaries) {
			/* Removing an interface's first IPv4 address would
			 * otherwise remove every other address of that subnet
			 * with it: a changed address is added before the old
			 * one goes, and must survive that. */
			fam = mnl_attr_nest_start(nlh, AF_INET);
			conf = mnl_attr_nest_start(nlh, IFLA_INET_CONF);
			mnl_attr_put_u32(nlh, IPV4_DEVCONF_PROMOTE_SECONDARIES, 1);
			mnl_attr_nest_end(nlh, conf);
			mnl_attr_nest_end(nlh, fam);
		}
		if (c->no_ipv6_ll) {
			/* No link-local address, so no DAD/MLD/RS multicast
			 * that a bridge would flood to every port: IPv4-only
			 * labs skip that O(N^2) cost. Must happen before the
			 * link goes up. */
			fam = mnl_attr_nest_start(nlh, AF_INET6);
			mnl_attr_put_u8(nlh, IFLA_INET6_ADDR_GEN_MODE,
					IN6_ADDR_GEN_MODE_NONE);
			mnl_attr_nest_end(nlh, fam);
		}
		mnl_attr_nest_end(nlh, spec);
	}
}

/**
 * msg_link_del() - delete a link by index, or a whole device group
 * @r:		batch
 * @ifindex:	index, or 0 with @group
 * @group:	device group to delete at once when @ifindex is 0
 *
 * One RTM_DELLINK for a group removes all its devices in one kernel pass,
 * far faster than one request per device.
 */
void msg_link_del(struct nl_req *r, int ifindex, unsigned int group)
{
	struct ifinfomsg *ifi;
	struct nlmsghdr *nlh;

	nlh = nl_req_add(r, RTM_DELLINK, 0, sizeof(*ifi), (void **)&ifi);
	if (!nlh)
		return;
	ifi->ifi_index = ifindex;
	if (!ifindex)
		mnl_attr_put_u32(nlh, IFLA_GROUP, group);
}

/**
 * msg_addr() - add or delete one interface address
 * @r:		batch
 * @type:	RTM_NEWADDR or RTM_DELADDR
 * @ifindex:	interface
 * @a:		address with prefix length
 * @flags:	IFA_F_* flags, e.g. IFA_F_NODAD, 0 for none
 *
 * Like `ip addr add`: IFA_LOCAL and IFA_ADDRESS both hold the address (no
 * peer), and addresses in 127.0.0.0/8 get host scope.
 */
void msg_addr(struct nl_req *r, uint16_t type, int ifindex,
	      const struct nsnet_prefix *a, unsigned int flags)
{
	struct ifaddrmsg *ifa;
	struct nlmsghdr *nlh;

	nlh = nl_req_add(r, type,
			 type == RTM_NEWADDR ? NLM_F_CREATE | NLM_F_EXCL : 0,
			 sizeof(*ifa), (void **)&ifa);
	if (!nlh)
		return;
	ifa->ifa_family = (unsigned char)a->family;
	ifa->ifa_prefixlen = (unsigned char)a->len;
	ifa->ifa_index = (unsigned int)ifindex;
	if (a->family == AF_INET && a->addr[0] == 127)
		ifa->ifa_scope = RT_SCOPE_HOST;
	mnl_attr_put(nlh, IFA_LOCAL, addr_len(a->family), a->addr);
	mnl_attr_put(nlh, IFA_ADDRESS, addr_len(a->family), a->addr);
	if (flags)
		mnl_attr_put_u32(nlh, IFA_FLAGS, flags);
}

/**
 * msg_route() - add or delete one route of the main table
 * @r:		batch
 * @type:	RTM_NEWROUTE or RTM_DELROUTE
 * @dst:	destination (len 0: default)
 * @via:	gateway or NULL
 * @oif:	output interface index or 0
 * @proto:	for a delete, only a route of this protocol (0: any)
 *
 * As `ip route add` does: protocol boot, scope link for a route with only a
 * device, universe otherwise. A delete uses scope "nowhere" so it matches
 * whatever scope the route was added with.
 */
void msg_route(struct nl_req *r, uint16_t type, const struct nsnet_prefix *dst,
	       const struct nsnet_prefix *via, int oif, unsigned int proto)
{
	size_t n = addr_len(dst->family);
	struct nlmsghdr *nlh;
	struct rtmsg *rtm;

	nlh = nl_req_add(r, type,
			 type == RTM_NEWROUTE ? NLM_F_CREATE | NLM_F_EXCL : 0,
			 sizeof(*rtm), (void **)&rtm);
	if (!nlh)
		return;
	rtm->rtm_family = (unsigned char)dst->family;
	rtm->rtm_dst_len = (unsigned char)dst->len;
	rtm->rtm_table = RT_TABLE_MAIN;
	rtm->rtm_scope = RT_SCOPE_NOWHERE;
	rtm->rtm_protocol = (unsigned char)proto;
	if (type == RTM_NEWROUTE) {
		rtm->rtm_protocol = RTPROT_BOOT;
		rtm->rtm_type = RTN_UNICAST;
		rtm->rtm_scope = via || dst->family == AF_INET6 ?
				 RT_SCOPE_UNIVERSE : RT_SCOPE_LINK;
	}
	if (dst->len)
		mnl_attr_put(nlh, RTA_DST, n, dst->addr);
	if (via)
		mnl_attr_put(nlh, RTA_GATEWAY, n, via->addr);
	if (oif)
		mnl_attr_put_u32(nlh, RTA_OIF, (uint32_t)oif);
}
