// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * dhcpc_cfg.c - what the DHCP client does with a lease: the interface's
 * address and default route (rtnetlink), the lease file, resolv.conf
 *
 * Everything acts on the network namespace the calling thread is in: the
 * client runs inside the node it configures.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <linux/if_addr.h>
#include <linux/rtnetlink.h>
#include <net/if.h>

#include <jansson.h>

#include "dhcp.h"
#include "internal.h"

/* The routing protocol number iproute2 calls "dhcp" (rt_protos). */
#define RTPROT_DHCP_CLIENT 16

/**
 * here() - the context's netlink socket for the current namespace
 * @ctx:	context
 *
 * The client's thread has joined the node's namespace, which is not the
 * one the context was made in, so the namespace is named by the thread's
 * own /proc entry; the context caches the socket by the namespace's inode.
 *
 * Return: the socket, or NULL (error in @ctx).
 */
static struct nl_sock *here(struct nsnet_ctx *ctx)
{
	struct nl_sock *s;
	int fd = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);

	if (fd < 0) {
		nsnet_fail(ctx, -errno, "open /proc/thread-self/ns/net");
		return NULL;
	}
	s = nl_sock_fd(ctx, fd, "current");
	close(fd);
	return s;
}

/**
 * lease_prefix() - an address as a struct nsnet_prefix
 * @a:		IPv4 address, network order
 * @len:	prefix length
 *
 * Return: the prefix.
 */
static struct nsnet_prefix lease_prefix(in_addr_t a, unsigned int len)
{
	struct nsnet_prefix p = { .family = AF_INET, .len = len };

	memcpy(p.addr, &a, 4);
	return p;
}

/**
 * addr_text() - an IPv4 address as text
 * @a:		address, network order
 * @buf:	at least INET_ADDRSTRLEN bytes
 *
 * Return: @buf.
 */
static char *addr_text(in_addr_t a, char *buf)
{
	struct in_addr in = { .s_addr = a };

	return (char *)inet_ntop(AF_INET, &in, buf, INET_ADDRSTRLEN);
}

/**
 * lease_refuse() - say why an ACK cannot be used
 * @why:	buffer
 * @why_len:	its size
 * @what:	"address" or "router"
 * @a:		the address
 * @reason:	what is wrong with it
 *
 * Return: -EINVAL.
 */
static int lease_refuse(char *why, size_t why_len, const char *what,
			in_addr_t a, const char *reason)
{
	char b[INET_ADDRSTRLEN];

	snprintf(why, why_len, "%s %s %s", what, addr_text(a, b), reason);
	return -EINVAL;
}

/**
 * dhcpc_lease_from() - the lease an ACK grants, if the kernel can take it
 * @ack:	the DHCPACK
 * @l:		the result
 * @why:	what is wrong with the ACK, when refused
 * @why_len:	size of @why
 *
 * Without a subnet mask (option 1) a /32 would leave the router off-link,
 * so the classful default is used, as clients traditionally do.
 *
 * Everything the kernel would refuse, or take and then misroute, is
 * checked here, before anything is applied: one bad ACK must not cost the
 * lease in use (the client would otherwise fail to configure it, give up
 * and release what worked). Refused: an address or router that is not
 * unicast (dhcp_unicast()), a non-contiguous or /0 mask, the subnet's own
 * network or broadcast address, a router outside the subnet (a /32 has
 * none: the kernel answers "Nexthop has invalid gateway") or equal to our
 * address.
 *
 * Return: 0, or -EINVAL (@why says why; @l is then not to be used).
 */
int dhcpc_lease_from(const struct dhcp_msg *ack, struct dhcpc_lease *l,
		     char *why, size_t why_len)
{
	uint32_t a = ntohl(ack->yiaddr), host, r = ntohl(ack->router);
	char b[INET_ADDRSTRLEN];

	memset(l, 0, sizeof(*l));
	if (!dhcp_unicast(ack->yiaddr))
		return lease_refuse(why, why_len, "address", ack->yiaddr,
				    "is not a unicast address");
	if (ack->mask && !dhcp_mask_ok(ack->mask)) {
		snprintf(why, why_len, "subnet mask %s is not a prefix",
			 addr_text(ack->mask, b));
		return -EINVAL;
	}
	l->address = ack->yiaddr;
	if (ack->mask)
		l->prefixlen = dhcp_mask_len(ack->mask);
	else
		l->prefixlen = a < 0x80000000u ? 8 : a < 0xc0000000u ? 16 : 24;
	host = l->prefixlen >= 32 ? 0 : 0xffffffffu >> l->prefixlen;
	/* /31 (RFC 3021) has no network nor broadcast address */
	if (l->prefixlen < 31 && ((a & host) == 0 || (a & host) == host))
		return lease_refuse(why, why_len, "address", ack->yiaddr,
				    "is its subnet's network or broadcast address");
	if (ack->router) {
		if (!dhcp_unicast(ack->router))
			return lease_refuse(why, why_len, "router", ack->router,
					    "is not a unicast address");
		if (ack->router == ack->yiaddr)
			return lease_refuse(why, why_len, "router", ack->router,
					    "is our own address");
		if ((r & ~host) != (a & ~host))
			return lease_refuse(why, why_len, "router", ack->router,
					    "is outside the subnet");
		if (l->prefixlen < 31 && ((r & host) == 0 || (r & host) == host))
			return lease_refuse(why, why_len, "router", ack->router,
					    "is its subnet's network or broadcast address");
	}
	l->router = ack->router;
	l->server = ack->server_id;
	l->n_dns = ack->n_dns;
	memcpy(l->dns, ack->dns, sizeof(l->dns));
	snprintf(l->domain, sizeof(l->domain), "%s", ack->domain);
	snprintf(l->search, sizeof(l->search), "%s", ack->search);
	l->lease = ack->lease;
	dhcp_times(ack, &l->t1, &l->t2);
	l->obtained = time(NULL);
	return 0;
}

/**
 * put_addr() - RTM_NEWADDR/RTM_DELADDR for a lease's address
 * @r:		batch
 * @type:	RTM_NEWADDR or RTM_DELADDR
 * @ifindex:	interface
 * @l:		the lease
 *
 * A new address carries the lease as its valid and preferred lifetime:
 * should the client die, the kernel removes the address when the lease
 * ends, and nothing keeps using an address the server may give to another.
 * NLM_F_REPLACE makes a renewal just refresh the lifetimes.
 */
static void put_addr(struct nl_req *r, uint16_t type, int ifindex,
		     const struct dhcpc_lease *l)
{
	struct ifaddrmsg *ifa;
	struct nlmsghdr *nlh;
	in_addr_t brd;

	nlh = nl_req_add(r, type,
			 type == RTM_NEWADDR ? NLM_F_CREATE | NLM_F_REPLACE : 0,
			 sizeof(*ifa), (void **)&ifa);
	if (!nlh)
		return;
	ifa->ifa_family = AF_INET;
	ifa->ifa_prefixlen = (unsigned char)l->prefixlen;
	ifa->ifa_index = (unsigned int)ifindex;
	mnl_attr_put(nlh, IFA_LOCAL, 4, &l->address);
	mnl_attr_put(nlh, IFA_ADDRESS, 4, &l->address);
	if (type == RTM_NEWADDR) {
		struct ifa_cacheinfo ci = {
			.ifa_prefered = l->lease ? l->lease : UINT32_MAX,
			.ifa_valid = l->lease ? l->lease : UINT32_MAX,
		};

		if (l->prefixlen < 31) {
			brd = l->address |
			      htonl(0xffffffffu >> l->prefixlen);
			mnl_attr_put(nlh, IFA_BROADCAST, 4, &brd);
		}
		mnl_attr_put(nlh, IFA_CACHEINFO, sizeof(ci), &ci);
	}
}

/**
 * put_route() - RTM_NEWROUTE/RTM_DELROUTE for the default route
 * @r:		batch
 * @type:	RTM_NEWROUTE or RTM_DELROUTE
 * @ifindex:	interface
 * @l:		the lease (its router)
 *
 * Marked protocol dhcp (16), so `ip route` shows where it came from and our
 * delete never takes a default route someone else added.
 */
static void put_route(struct nl_req *r, uint16_t type, int ifindex,
		      const struct dhcpc_lease *l)
{
	struct nlmsghdr *nlh;
	struct rtmsg *rtm;

	nlh = nl_req_add(r, type,
			 type == RTM_NEWROUTE ? NLM_F_CREATE | NLM_F_REPLACE : 0,
			 sizeof(*rtm), (void **)&rtm);
	if (!nlh)
		return;
	rtm->rtm_family = AF_INET;
	rtm->rtm_table = RT_TABLE_MAIN;
	rtm->rtm_protocol = RTPROT_DHCP_CLIENT;
	rtm->rtm_scope = type == RTM_NEWROUTE ? RT_SCOPE_UNIVERSE :
			 RT_SCOPE_NOWHERE;
	rtm->rtm_type = RTN_UNICAST;
	mnl_attr_put(nlh, RTA_GATEWAY, 4, &l->router);
	mnl_attr_put_u32(nlh, RTA_OIF, (uint32_t)ifindex);
}

/**
 * dhcpc_configure() - put a lease on the interface
 * @ctx:	context
 * @ifindex:	interface
 * @l:		the new lease
 * @old:	the lease configured before (renewal), or NULL
 *
 * When a renewal hands out another address the old one goes first (its
 * routes go with it); the same address is replaced in place, refreshing
 * its lifetimes without a moment without it.
 *
 * Return: 0, or -errno.
 */
int dhcpc_configure(struct nsnet_ctx *ctx, int ifindex,
		    const struct dhcpc_lease *l, const struct dhcpc_lease *old)
{
	struct nsnet_prefix p = lease_prefix(l->address, l->prefixlen);
	struct nl_req r = { 0 };
	char extack[256], text[64];
	struct nl_sock *s = here(ctx);
	int err;

	if (!s)
		return -ENOENT;
	if (old && (old->address != l->address ||
		    old->prefixlen != l->prefixlen)) {
		err = dhcpc_unconfigure(ctx, ifindex, old);
		if (err)
			return err;
	}
	put_addr(&r, RTM_NEWADDR, ifindex, l);
	if (l->router)
		put_route(&r, RTM_NEWROUTE, ifindex, l);
	err = nl_send(ctx, s, &r, NULL, NULL, extack, sizeof(extack));
	nl_req_free(&r);
	if (err)
		return nl_fail(ctx, err, extack, "dhcp: configure %s",
			       nsnet_prefix_format(&p, true, text,
						   sizeof(text)));
	return 0;
}

/**
 * dhcpc_unconfigure() - take a lease off the interface
 * @ctx:	context
 * @ifindex:	interface
 * @l:		the lease
 *
 * Things already gone (the kernel expired the address, someone deleted
 * the route) are no failure: the goal is that they are gone.
 *
 * Return: 0, or -errno.
 */
int dhcpc_unconfigure(struct nsnet_ctx *ctx, int ifindex,
		      const struct dhcpc_lease *l)
{
	struct nsnet_prefix p = lease_prefix(l->address, l->prefixlen);
	char extack[256], text[64];
	struct nl_sock *s = here(ctx);
	int err = 0, i;

	if (!s)
		return -ENOENT;
	/* One request each: a missing route must not stop the address. */
	for (i = 0; i < 2 && !err; i++) {
		struct nl_req r = { 0 };

		if (i == 0 && !l->router)
			continue;
		if (i == 0)
			put_route(&r, RTM_DELROUTE, ifindex, l);
		else
			put_addr(&r, RTM_DELADDR, ifindex, l);
		err = nl_send(ctx, s, &r, NULL, NULL, extack, sizeof(extack));
		nl_req_free(&r);
		if (err == -ESRCH || err == -EADDRNOTAVAIL || err == -ENODEV)
			err = 0;
	}
	if (err)
		return nl_fail(ctx, err, extack, "dhcp: remove %s",
			       nsnet_prefix_format(&p, true, text,
						   sizeof(text)));
	return 0;
}

/**
 * dhcpc_link_up() - bring the interface up and read its hardware address
 * @ctx:	context
 * @ifindex:	interface
 * @mac:	at least 16 bytes: the hardware address (chaddr)
 * @mac_len:	its length
 *
 * Return: 0, or -errno.
 */
int dhcpc_link_up(struct nsnet_ctx *ctx, int ifindex, uint8_t *mac,
		  unsigned int *mac_len)
{
	struct msg_link_set up = { .up = 1, .nsfd = -1 };
	struct nsnet_link *links = NULL;
	struct nl_req r = { 0 };
	struct nl_sock *s = here(ctx);
	char extack[256];
	int n, i, err;

	if (!s)
		return -ENOENT;
	n = link_list_sock(ctx, s, &links);
	if (n < 0)
		return n;
	err = -ENODEV;
	for (i = 0; i < n; i++) {
		if (links[i].ifindex != ifindex)
			continue;
		*mac_len = links[i].addr_len > 16 ? 16 : links[i].addr_len;
		memcpy(mac, links[i].addr, *mac_len);
		err = 0;
	}
	free(links);
	if (err)
		return nsnet_fail(ctx, err, "dhcp: interface %d", ifindex);
	msg_link_set(&r, ifindex, NULL, &up);
	err = nl_send(ctx, s, &r, NULL, NULL, extack, sizeof(extack));
	nl_req_free(&r);
	if (err)
		return nl_fail(ctx, err, extack, "dhcp: set interface up");
	return 0;
}

/**
 * lease_json() - the lease file's document
 * @ifname:	interface
 * @l:		lease
 *
 * Return: the object, or NULL when out of memory.
 */
static json_t *lease_json(const char *ifname, const struct dhcpc_lease *l)
{
	char b[INET_ADDRSTRLEN];
	json_t *o = json_object(), *dns = json_array();
	unsigned int i;

	if (!o || !dns) {
		json_decref(o);
		json_decref(dns);
		return NULL;
	}
	for (i = 0; i < l->n_dns; i++)
		json_array_append_new(dns, json_string(addr_text(l->dns[i], b)));
	json_object_set_new(o, "ifname", json_string(ifname));
	json_object_set_new(o, "address", json_string(addr_text(l->address, b)));
	json_object_set_new(o, "prefixlen", json_integer(l->prefixlen));
	json_object_set_new(o, "router", l->router ?
			    json_string(addr_text(l->router, b)) : json_null());
	json_object_set_new(o, "dns", dns);
	json_object_set_new(o, "domain", json_string(l->domain));
	json_object_set_new(o, "server", json_string(addr_text(l->server, b)));
	json_object_set_new(o, "lease_time", json_integer(l->lease));
	json_object_set_new(o, "obtained", json_integer((json_int_t)l->obtained));
	json_object_set_new(o, "expires",
			    json_integer((json_int_t)l->obtained + l->lease));
	return o;
}

/**
 * write_all() - write a whole buffer
 * @fd:		descriptor
 * @p:		data
 * @len:	length
 *
 * Return: 0, or -errno.
 */
static int write_all(int fd, const char *p, size_t len)
{
	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/**
 * dhcpc_write_lease() - record the lease as JSON, atomically
 * @ctx:	context
 * @path:	the lease file
 * @ifname:	interface
 * @l:		lease
 *
 * Written to PATH.tmp and renamed over @path, so a reader (`status`) sees
 * the old lease or the new one, never half of one.
 *
 * Return: 0, or -errno.
 */
int dhcpc_write_lease(struct nsnet_ctx *ctx, const char *path,
		      const char *ifname, const struct dhcpc_lease *l)
{
	char tmp[4096];
	json_t *o = lease_json(ifname, l);
	char *text = o ? json_dumps(o, JSON_COMPACT) : NULL;
	int fd = -1, err = 0;

	json_decref(o);
	if (!text)
		return nsnet_fail(ctx, -ENOMEM, "dhcp: lease file %s", path);
	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= sizeof(tmp)) {
		err = nsnet_fail_input(ctx, -ENAMETOOLONG, "lease file %s",
				       path);
		goto out;
	}
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC,
		  0644);
	if (fd < 0) {
		err = nsnet_fail(ctx, -errno, "dhcp: lease file %s", tmp);
		goto out;
	}
	err = write_all(fd, text, strlen(text));
	if (!err)
		err = write_all(fd, "\n", 1);
	if (close(fd) < 0 && !err)
		err = -errno;
	if (!err && rename(tmp, path) < 0)
		err = -errno;
	if (err) {
		unlink(tmp);
		nsnet_fail(ctx, err, "dhcp: lease file %s", path);
	}
out:
	free(text);
	return err;
}

/**
 * dhcpc_write_resolv() - the lease's DNS settings as resolv.conf lines
 * @ctx:	context
 * @path:	the file
 * @l:		lease
 *
 * Rewritten in place (O_TRUNC on the existing inode, never a rename): the
 * file is usually /etc/netns/NODE/resolv.conf, which `netns exec` binds
 * over /etc/resolv.conf, and a bind mount holds the inode, not the name.
 *
 * Return: 0, or -errno.
 */
int dhcpc_write_resolv(struct nsnet_ctx *ctx, const char *path,
		       const struct dhcpc_lease *l)
{
	char text[2048], b[INET_ADDRSTRLEN];
	size_t len;
	unsigned int i;
	int fd, err;

	len = (size_t)snprintf(text, sizeof(text), "# nsnet: from DHCP\n");
	for (i = 0; i < l->n_dns && len < sizeof(text); i++)
		len += (size_t)snprintf(text + len, sizeof(text) - len,
					"nameserver %s\n",
					addr_text(l->dns[i], b));
	if (len < sizeof(text) && (l->search[0] || l->domain[0]))
		len += (size_t)snprintf(text + len, sizeof(text) - len,
					"search %s\n",
					l->search[0] ? l->search : l->domain);
	if (len >= sizeof(text))
		return nsnet_fail(ctx, -EOVERFLOW, "dhcp: resolv file %s", path);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return nsnet_fail(ctx, -errno, "dhcp: resolv file %s", path);
	err = write_all(fd, text, len);
	if (close(fd) < 0 && !err)
		err = -errno;
	if (err)
		return nsnet_fail(ctx, err, "dhcp: resolv file %s", path);
	return 0;
}
