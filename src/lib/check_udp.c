// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * check_udp.c - the probes of `nsnet check`: UDP between nsnet's own sockets
 *
 * Every node gets one UDP socket per family, made inside its namespace by
 * the context's helper thread (ns_call()), and the host one per gateway,
 * bound to that network's bridge (so nothing beyond the lab's bridges can
 * talk to it). All are bound to one port of this run, and the calling
 * thread drives them all with poll(): a request from the sender's socket
 * to the probed address arrives at the owner's socket, which answers from
 * that very address (IP_PKTINFO), and the answer counts when it comes back
 * to the sender's socket from the address probed. Both ends are ours, so
 * no kernel rate limit is in the way: the kernel limits the ICMP it sends
 * (echo replies, errors: net.ipv4.icmp_msgs_per_sec), not datagrams
 * between sockets. The payload is real, so a switch that passes ICMP but
 * breaks UDP checksums fails the probe.
 *
 * The lab's isolation (fw.c) matches interfaces and conntrack state, not
 * protocols: a UDP request is "new" and its answer "established" exactly as
 * an echo request and its reply are, so what UDP finds is what ICMP would.
 *
 * What does not scale is the neighbour table: each pair that talks directly
 * on a switch needs an ARP (or NDP) entry at both ends, every ARP request is
 * flooded to every port, and the table is one for all namespaces of the
 * machine (gc_thresh3, 1024 entries by default; an entry younger than five
 * seconds cannot be reclaimed). A 300-node switch would need 90,000 entries
 * and 45,000 floods. So check.c marks such pairs "bcast" when the lab is
 * large: every address sends one UDP broadcast (IPv6: to all nodes) on its
 * interface, each socket records whose it heard, and a bcast pair answers
 * when each end heard the other and each address also answered one unicast
 * probe of its own (its "spot": ARP and unicast work for it). Whatever is
 * not proven so is probed once more, one by one, as far as half the room
 * left in the table allows (the rest is unknown): a FAIL always comes from
 * a unicast probe that went unanswered twice. And if the neighbour table
 * overflowed meanwhile (its table_fulls counter), an unanswered probe
 * proves nothing: it is reported unknown, not FAIL.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sys/random.h>
#include <sys/socket.h>

#include <libmnl/libmnl.h>
#include <linux/neighbour.h>
#include <linux/rtnetlink.h>

#include "check.h"

/* Probe timing, in milliseconds since the round began. */
#define UDP_RESEND_MS	250	/* unanswered requests go again this often */
#define UDP_ROUNDS	4	/* requests sent per pair and round, at most */
#define UDP_QUIET_MS	300	/* once every expected answer is in, how long
				 * the pairs meant to be isolated get to leak */
#define UDP_HELLO_MS	300	/* broadcasts go again this often ... */
#define UDP_HELLOS	2	/* ... this many times at most */
#define UDP_EVAL_MS	20	/* broadcast pairs are looked at this often */

/* Message kinds */
#define MSG_REQ		1	/* a request: answer it */
#define MSG_REP		2	/* the answer */
#define MSG_HELLO	3	/* a broadcast: note who sent it */

/**
 * struct umsg - one datagram of the check
 * @cookie:	this run's random number: anything else is not ours
 * @index:	the result (REQ, REP) or the address (HELLO) it is about
 * @kind:	MSG_*
 * @fill:	a pattern that must arrive as sent
 */
struct umsg {
	uint64_t cookie;
	uint32_t index;
	uint8_t kind;
	uint8_t fill[51];
} __attribute__((packed));

/**
 * struct usock - one of the run's sockets
 * @fd:		the socket, -1 if none
 * @family:	AF_INET or AF_INET6
 * @owner:	node index, or CHECK_HOST
 * @port:	the port it is bound to (network order)
 */
struct usock {
	int fd;
	int family;
	size_t owner;
	uint16_t port;
};

/**
 * struct uprobe - one run of UDP probes
 * @run:	the check
 * @socks:	per node two (IPv4, IPv6), then one per gateway
 * @n_socks:	count
 * @ep_sock:	per address, the socket of its owner it is sent from
 * @ep_ifindex:	per address, its interface's index in its owner's namespace
 * @heard:	bit (owner slot * n_eps + address): a socket of that owner
 *		got that address's broadcast; owner slot n_nodes is the host
 * @got:	per result, its answer came (unicast)
 * @uproven:	per address, a unicast pair to or from it answered
 * @uni:	per result, it is probed by a request of its own this round
 * @cookie:	this run's cookie
 * @port:	the port asked for (network order)
 * @hellos:	whether any address sends broadcasts this round
 * @fresh:	something came in since the broadcast pairs were looked at
 */
struct uprobe {
	const struct chk_run *run;
	struct usock *socks;
	size_t n_socks;
	size_t *ep_sock;
	int *ep_ifindex;
	uint8_t *heard;
	bool *got;
	bool *uproven;
	bool *uni;
	uint64_t cookie;
	uint16_t port;
	bool hellos;
	bool fresh;
};

/**
 * struct open_req - ns_call() work order: the sockets of one namespace
 * @port:	the port to bind (network order)
 * @want:	per family (IPv4, IPv6), whether a socket is needed
 * @dev:	bind to this device (the host's bridge), NULL for none
 * @fds:	per family, the socket or -errno
 * @ports:	per family, the port bound
 * @ifnames:	interfaces whose index is wanted
 * @ifindex:	their indices (0: no such interface)
 * @n_if:	count
 */
struct open_req {
	uint16_t port;
	bool want[2];
	const char *dev;
	int fds[2];
	uint16_t ports[2];
	const char *const *ifnames;
	int *ifindex;
	size_t n_if;
};

/**
 * udp_socket() - one bound UDP socket in the thread's namespace
 * @family:	AF_INET or AF_INET6
 * @port:	the port wanted (network order)
 * @dev:	device to bind to, or NULL
 * @bound:	the port it got
 *
 * Packet info is asked for, to learn the address a request was sent to and
 * to answer from it. When the port is taken (someone else's socket in that
 * namespace), any port will do: unicast requests are sent to the port each
 * owner got, only broadcasts need the common one.
 *
 * Return: the socket, or -errno.
 */
static int udp_socket(int family, uint16_t port, const char *dev,
		      uint16_t *bound)
{
	int one = 1, size = 1 << 20, fd, err;
	struct sockaddr_storage ss = { 0 };
	socklen_t sl = family == AF_INET ? sizeof(struct sockaddr_in) :
					   sizeof(struct sockaddr_in6);

	fd = socket(family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (family == AF_INET) {
		setsockopt(fd, SOL_SOCKET, SO_BROADCAST, &one, sizeof(one));
		setsockopt(fd, IPPROTO_IP, IP_PKTINFO, &one, sizeof(one));
	} else {
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
		setsockopt(fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, &one, sizeof(one));
	}
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size)))
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
	if (dev && setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, dev,
			      (socklen_t)strlen(dev) + 1))
		goto fail;
	ss.ss_family = (sa_family_t)family;
	for (;;) {
		if (family == AF_INET)
			((struct sockaddr_in *)&ss)->sin_port = port;
		else
			((struct sockaddr_in6 *)&ss)->sin6_port = port;
		if (!bind(fd, (struct sockaddr *)&ss, sl))
			break;
		if (errno != EADDRINUSE || !port)
			goto fail;
		port = 0;
	}
	if (getsockname(fd, (struct sockaddr *)&ss, &sl))
		goto fail;
	*bound = family == AF_INET ? ((struct sockaddr_in *)&ss)->sin_port :
				     ((struct sockaddr_in6 *)&ss)->sin6_port;
	return fd;
fail:
	err = -errno;
	close(fd);
	return err;
}

/**
 * open_here() - ns_call() work: the sockets and interface indices asked for
 * @arg:	struct open_req *
 *
 * Return: 0 (each outcome is in the request).
 */
static int open_here(void *arg)
{
	struct open_req *o = arg;
	size_t i;
	int k;

	for (k = 0; k < 2; k++)
		o->fds[k] = o->want[k] ? udp_socket(k ? AF_INET6 : AF_INET,
						    o->port, o->dev,
						    &o->ports[k]) : -1;
	for (i = 0; i < o->n_if; i++)
		o->ifindex[i] = (int)if_nametoindex(o->ifnames[i]);
	return 0;
}

/**
 * fam_slot() - 0 for IPv4, 1 for IPv6
 * @family:	the family
 *
 * Return: the slot.
 */
static int fam_slot(int family)
{
	return family == AF_INET6;
}

/**
 * open_node() - the sockets of one node, and its addresses' interfaces
 * @ctx:	context
 * @up:		the run
 * @i:		node index
 * @names:	scratch, one per address
 * @eps:	scratch, one per address
 *
 * A node whose namespace is gone gets no socket: what it should send is
 * not sent, and what it should answer goes unanswered, which is the truth.
 */
static void open_node(struct nsnet_ctx *ctx, struct uprobe *up, size_t i,
		      const char **names, size_t *eps)
{
	const struct chk_run *run = up->run;
	struct open_req o = { .port = up->port, .ifnames = names };
	int idx[64], *ifindex = idx, nsfd, k;
	size_t j;

	for (j = 0; j < run->n; j++)
		if (run->pairs[j].from == i)
			o.want[fam_slot(run->r[j].address.family)] = true;
	for (j = 0; j < run->n_eps; j++)
		if (run->eps[j].owner == i && !run->eps[j].pending) {
			o.want[fam_slot(run->eps[j].addr.family)] = true;
			names[o.n_if] = run->eps[j].ifname;
			eps[o.n_if++] = j;
		}
	if (!o.want[0] && !o.want[1])
		return;
	if (o.n_if > sizeof(idx) / sizeof(idx[0]) &&
	    !(ifindex = calloc(o.n_if, sizeof(*ifindex))))
		return;
	o.ifindex = ifindex;
	nsfd = ns_open(ctx, run->nodes[i]);
	if (nsfd >= 0) {
		if (!ns_call(ctx, nsfd, open_here, &o))
			for (k = 0; k < 2; k++) {
				up->socks[2 * i + k].fd = o.fds[k] >= 0 ? o.fds[k] : -1;
				up->socks[2 * i + k].port = o.ports[k];
			}
		close(nsfd);
		for (j = 0; j < o.n_if; j++) {
			up->ep_ifindex[eps[j]] = ifindex[j];
			up->ep_sock[eps[j]] = 2 * i +
				(size_t)fam_slot(run->eps[eps[j]].addr.family);
		}
	}
	if (ifindex != idx)
		free(ifindex);
}

/**
 * open_host() - the host's socket for one gateway, bound to its bridge
 * @ctx:	context
 * @up:		the run
 * @e:		the gateway's address index
 * @slot:	its socket's index
 */
static void open_host(struct nsnet_ctx *ctx, struct uprobe *up, size_t e,
		      size_t slot)
{
	const struct ep *ep = &up->run->eps[e];
	int k = fam_slot(ep->addr.family), ifindex = 0;
	struct open_req o = { .port = up->port, .dev = ep->ifname,
			      .ifnames = &ep->ifname, .ifindex = &ifindex,
			      .n_if = 1 };

	o.want[k] = true;
	up->socks[slot] = (struct usock){ -1, ep->addr.family, CHECK_HOST, 0 };
	up->ep_sock[e] = slot;
	if (ns_call(ctx, -1, open_here, &o) || o.fds[k] < 0)
		return;
	up->socks[slot].fd = o.fds[k];
	up->socks[slot].port = o.ports[k];
	up->ep_ifindex[e] = ifindex;
}

/**
 * udp_open_all() - every socket of the run
 * @ctx:	context
 * @up:		the run, arrays allocated
 *
 * Return: 0, or -ENOMEM.
 */
static int udp_open_all(struct nsnet_ctx *ctx, struct uprobe *up)
{
	const struct chk_run *run = up->run;
	const char **names = calloc(run->n_eps + 1, sizeof(*names));
	size_t *eps = calloc(run->n_eps + 1, sizeof(*eps));
	size_t i, slot = 2 * run->n_nodes;
	uint32_t r;

	if (!names || !eps) {
		free(names);
		free(eps);
		return -ENOMEM;
	}
	if (getrandom(&up->cookie, sizeof(up->cookie), GRND_NONBLOCK) !=
	    sizeof(up->cookie))
		up->cookie = ((uint64_t)getpid() << 32) ^ (uint64_t)clock();
	/* A port in the upper half, clear of the usual ephemeral range's
	 * start and of the well-known services. */
	r = (uint32_t)(up->cookie >> 40);
	up->port = htons((uint16_t)(33000 + r % 27000));
	for (i = 0; i < run->n_nodes; i++) {
		up->socks[2 * i] = (struct usock){ -1, AF_INET, i, 0 };
		up->socks[2 * i + 1] = (struct usock){ -1, AF_INET6, i, 0 };
	}
	for (i = 0; i < run->n_eps; i++)
		up->ep_sock[i] = CHECK_NOBODY;
	for (i = 0; i < run->n_nodes; i++)
		open_node(ctx, up, i, names, eps);
	for (i = 0; i < run->n_eps; i++)
		if (run->eps[i].owner == CHECK_HOST)
			open_host(ctx, up, i, slot++);
	up->n_socks = slot;
	free(names);
	free(eps);
	nsnet_clear_err(ctx);	/* a missing node is a finding, not an error */
	return 0;
}

/**
 * set_addr() - a socket address from a prefix and a port
 * @ss:		result
 * @a:		the address
 * @port:	the port (network order)
 * @scope:	IPv6 scope (interface index), 0 for none
 *
 * Return: its length.
 */
static socklen_t set_addr(struct sockaddr_storage *ss,
			  const struct nsnet_prefix *a, uint16_t port,
			  int scope)
{
	memset(ss, 0, sizeof(*ss));
	ss->ss_family = (sa_family_t)a->family;
	if (a->family == AF_INET) {
		struct sockaddr_in *sin = (struct sockaddr_in *)ss;

		sin->sin_port = port;
		memcpy(&sin->sin_addr, a->addr, 4);
		return sizeof(*sin);
	} else {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;

		sin6->sin6_port = port;
		sin6->sin6_scope_id = (uint32_t)scope;
		memcpy(&sin6->sin6_addr, a->addr, 16);
		return sizeof(*sin6);
	}
}

/**
 * send_from() - send one message from a given address of ours
 * @fd:		socket
 * @to:		destination
 * @tolen:	its length
 * @src:	the source address to use, NULL for the kernel's choice
 * @ifindex:	the interface to leave through, 0 for the route's
 * @m:		the message
 */
static void send_from(int fd, const struct sockaddr_storage *to, socklen_t tolen,
		      const struct nsnet_prefix *src, int ifindex,
		      const struct umsg *m)
{
	union {
		char buf[CMSG_SPACE(sizeof(struct in6_pktinfo))];
		struct cmsghdr align;
	} u;
	struct iovec iov = { (void *)m, sizeof(*m) };
	struct msghdr mh = { (void *)to, tolen, &iov, 1, NULL, 0, 0 };
	struct cmsghdr *c;

	if (fd < 0)
		return;
	if (src) {
		memset(&u, 0, sizeof(u));
		mh.msg_control = u.buf;
		c = (struct cmsghdr *)u.buf;
		if (src->family == AF_INET) {
			struct in_pktinfo pi = { .ipi_ifindex = ifindex };

			memcpy(&pi.ipi_spec_dst, src->addr, 4);
			c->cmsg_level = IPPROTO_IP;
			c->cmsg_type = IP_PKTINFO;
			c->cmsg_len = CMSG_LEN(sizeof(pi));
			memcpy(CMSG_DATA(c), &pi, sizeof(pi));
			mh.msg_controllen = CMSG_SPACE(sizeof(pi));
		} else {
			struct in6_pktinfo pi = { .ipi6_ifindex = (unsigned)ifindex };

			memcpy(&pi.ipi6_addr, src->addr, 16);
			c->cmsg_level = IPPROTO_IPV6;
			c->cmsg_type = IPV6_PKTINFO;
			c->cmsg_len = CMSG_LEN(sizeof(pi));
			memcpy(CMSG_DATA(c), &pi, sizeof(pi));
			mh.msg_controllen = CMSG_SPACE(sizeof(pi));
		}
	}
	sendmsg(fd, &mh, MSG_DONTWAIT);
}

/**
 * make_msg() - a message of this run
 * @up:		the run
 * @kind:	MSG_*
 * @index:	what it is about
 * @m:		result
 */
static void make_msg(const struct uprobe *up, uint8_t kind, uint32_t index,
		     struct umsg *m)
{
	size_t i;

	m->cookie = up->cookie;
	m->index = index;
	m->kind = kind;
	for (i = 0; i < sizeof(m->fill); i++)
		m->fill[i] = (uint8_t)(0xa5 ^ (i * 7) ^ index);
}

/**
 * msg_ok() - whether a received message is one of this run's, intact
 * @up:		the run
 * @m:		the message
 * @len:	its length
 *
 * Return: true if so.
 */
static bool msg_ok(const struct uprobe *up, const struct umsg *m, ssize_t len)
{
	struct umsg want;

	if (len != (ssize_t)sizeof(*m) || m->cookie != up->cookie)
		return false;
	make_msg(up, m->kind, m->index, &want);
	return !memcmp(want.fill, m->fill, sizeof(want.fill));
}

/**
 * send_request() - the request of one result
 * @up:		the run
 * @k:		the result
 *
 * The kernel picks the source address and the way out, as for any
 * program in the node. Sent to the port the owner's socket got.
 */
static void send_request(const struct uprobe *up, size_t k)
{
	const struct chk_run *run = up->run;
	const struct ep *e = &run->eps[run->pairs[k].ep];
	const struct usock *from = &up->socks[2 * run->pairs[k].from +
					      (size_t)fam_slot(e->addr.family)];
	size_t to = up->ep_sock[run->pairs[k].ep];
	struct sockaddr_storage ss;
	struct umsg m;
	socklen_t sl;

	make_msg(up, MSG_REQ, (uint32_t)k, &m);
	sl = set_addr(&ss, &e->addr, to == CHECK_NOBODY ? up->port :
		      up->socks[to].port, 0);
	send_from(from->fd, &ss, sl, NULL, 0, &m);
}

/**
 * send_hellos() - the broadcast of every address a broadcast pair involves
 * @up:		the run
 * @need:	per address, whether it is involved
 *
 * IPv4 sends to 255.255.255.255 through the address's interface, which
 * needs no broadcast route; IPv6 to all nodes on the link (ff02::1).
 */
static void send_hellos(const struct uprobe *up, const bool *need)
{
	static const struct nsnet_prefix bcast4 = { .family = AF_INET,
		.addr = { 255, 255, 255, 255 } };
	static const struct nsnet_prefix all6 = { .family = AF_INET6,
		.addr = { 0xff, 0x02, [15] = 1 } };
	const struct chk_run *run = up->run;
	struct sockaddr_storage ss;
	struct umsg m;
	socklen_t sl;
	size_t e;

	for (e = 0; e < run->n_eps; e++) {
		const struct ep *ep = &run->eps[e];

		if (!need[e] || up->ep_sock[e] == CHECK_NOBODY ||
		    !up->ep_ifindex[e])
			continue;
		make_msg(up, MSG_HELLO, (uint32_t)e, &m);
		sl = set_addr(&ss, ep->addr.family == AF_INET ? &bcast4 : &all6,
			      up->port, up->ep_ifindex[e]);
		send_from(up->socks[up->ep_sock[e]].fd, &ss, sl, &ep->addr,
			  up->ep_ifindex[e], &m);
	}
}

/**
 * owner_slot() - the row of @heard for an owner
 * @up:		the run
 * @owner:	node index or CHECK_HOST
 *
 * Return: the row.
 */
static size_t owner_slot(const struct uprobe *up, size_t owner)
{
	return owner == CHECK_HOST ? up->run->n_nodes : owner;
}

/**
 * heard() - whether an owner got an address's broadcast
 * @up:		the run
 * @owner:	node index or CHECK_HOST
 * @e:		the address
 *
 * Return: true if so.
 */
static bool heard(const struct uprobe *up, size_t owner, size_t e)
{
	size_t bit = owner_slot(up, owner) * up->run->n_eps + e;

	return up->heard[bit / 8] & (1U << (bit % 8));
}

/**
 * same_ip() - whether a socket address holds a prefix's address
 * @ss:		socket address
 * @a:		the prefix
 *
 * Return: true if so.
 */
static bool same_ip(const struct sockaddr_storage *ss,
		    const struct nsnet_prefix *a)
{
	if (ss->ss_family != a->family)
		return false;
	return !memcmp(a->family == AF_INET ?
		       (const void *)&((const struct sockaddr_in *)ss)->sin_addr :
		       (const void *)&((const struct sockaddr_in6 *)ss)->sin6_addr,
		       a->addr, pfx_bytes(a->family));
}

/**
 * dst_of() - the destination address of a received datagram
 * @mh:		the message header, with its control data
 * @family:	the socket's family
 * @dst:	result
 *
 * Return: true when packet info was there.
 */
static bool dst_of(struct msghdr *mh, int family, struct nsnet_prefix *dst)
{
	struct cmsghdr *c;

	memset(dst, 0, sizeof(*dst));
	dst->family = family;
	for (c = CMSG_FIRSTHDR(mh); c; c = CMSG_NXTHDR(mh, c)) {
		if (family == AF_INET && c->cmsg_level == IPPROTO_IP &&
		    c->cmsg_type == IP_PKTINFO) {
			struct in_pktinfo pi;

			memcpy(&pi, CMSG_DATA(c), sizeof(pi));
			memcpy(dst->addr, &pi.ipi_addr, 4);
			return true;
		}
		if (family == AF_INET6 && c->cmsg_level == IPPROTO_IPV6 &&
		    c->cmsg_type == IPV6_PKTINFO) {
			struct in6_pktinfo pi;

			memcpy(&pi, CMSG_DATA(c), sizeof(pi));
			memcpy(dst->addr, &pi.ipi6_addr, 16);
			return true;
		}
	}
	return false;
}

/**
 * take() - act on one received message
 * @up:		the run
 * @si:		the socket it came in on
 * @m:		the message, one of ours
 * @from:	its source
 * @fromlen:	its length
 * @dst:	the address it was sent to
 *
 * A request is answered only by a socket of the address's owner and only
 * when sent to that address, and the answer leaves from it. An answer
 * counts only on the sender's socket and from the address probed.
 */
static void take(struct uprobe *up, size_t si, const struct umsg *m,
		 const struct sockaddr_storage *from, socklen_t fromlen,
		 const struct nsnet_prefix *dst)
{
	const struct chk_run *run = up->run;
	const struct usock *s = &up->socks[si];
	const struct chk_pair *p;
	const struct ep *e;
	struct umsg rep;
	size_t bit;

	if (m->kind == MSG_HELLO) {
		if (m->index >= run->n_eps ||
		    run->eps[m->index].addr.family != s->family ||
		    !same_ip(from, &run->eps[m->index].addr))
			return;
		bit = owner_slot(up, s->owner) * run->n_eps + m->index;
		up->heard[bit / 8] |= (uint8_t)(1U << (bit % 8));
		up->fresh = true;
		return;
	}
	if (m->index >= run->n)
		return;
	p = &run->pairs[m->index];
	e = &run->eps[p->ep];
	if (e->addr.family != s->family)
		return;
	if (m->kind == MSG_REQ && s->owner == e->owner &&
	    !memcmp(dst->addr, e->addr.addr, pfx_bytes(s->family))) {
		make_msg(up, MSG_REP, m->index, &rep);
		send_from(s->fd, from, fromlen, &e->addr, 0, &rep);
	} else if (m->kind == MSG_REP && s->owner == p->from &&
		   same_ip(from, &e->addr)) {
		up->got[m->index] = true;
		up->uproven[p->ep] = true;
		if (p->src < run->n_eps)
			up->uproven[p->src] = true;
		up->fresh = true;
	}
}

/**
 * drain() - read everything waiting on one socket
 * @up:		the run
 * @si:		the socket's index
 */
static void drain(struct uprobe *up, size_t si)
{
	union {
		char buf[CMSG_SPACE(sizeof(struct in6_pktinfo)) + 64];
		struct cmsghdr align;
	} u;
	struct sockaddr_storage from;
	struct nsnet_prefix dst;
	struct umsg m;
	struct iovec iov = { &m, sizeof(m) };
	struct msghdr mh;
	ssize_t len;

	for (;;) {
		mh = (struct msghdr){ &from, sizeof(from), &iov, 1, u.buf,
				      sizeof(u.buf), 0 };
		len = recvmsg(up->socks[si].fd, &mh, MSG_DONTWAIT);
		if (len < 0)
			return;
		if (msg_ok(up, &m, len) &&
		    dst_of(&mh, up->socks[si].family, &dst))
			take(up, si, &m, &from, mh.msg_namelen, &dst);
	}
}

/**
 * spot_ok() - whether unicast to and from an address is proven
 * @up:		the run
 * @e:		the address
 *
 * A unicast pair that answered proves it for both of its ends: the
 * address probed answered ARP and the request, and the sender's address
 * was resolved for the reply.
 *
 * Return: true if so, or if no spot is wanted (CHECK_NO_SPOT).
 */
static bool spot_ok(const struct uprobe *up, size_t e)
{
	if (e >= up->run->n_eps)
		return false;
	return up->run->spot[e] == CHECK_NO_SPOT || up->uproven[e];
}

/**
 * eval_bcast() - decide the broadcast pairs that the evidence proves
 * @up:		the run
 */
static void eval_bcast(struct uprobe *up)
{
	const struct chk_run *run = up->run;
	size_t k;

	up->fresh = false;
	for (k = 0; k < run->n; k++) {
		const struct chk_pair *p = &run->pairs[k];

		if (up->uni[k] || run->r[k].reachable || !p->bcast)
			continue;
		if (heard(up, p->from, p->ep) &&
		    heard(up, run->eps[p->ep].owner, p->src) &&
		    spot_ok(up, p->ep) && spot_ok(up, p->src)) {
			run->r[k].reachable = true;
			run->r[k].how = NSNET_REACH_BCAST;
		}
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
 * round_done() - whether waiting longer can change this round's outcome
 * @up:		the run
 * @t:		milliseconds since the round began
 *
 * Done when everything answered; or when everything expected answered and
 * the isolated pairs have had the quiet time to leak.
 *
 * Return: true if so.
 */
static bool round_done(const struct uprobe *up, int64_t t)
{
	const struct chk_run *run = up->run;
	bool all = true;
	size_t k;

	for (k = 0; k < run->n; k++) {
		if (up->uni[k] ? up->got[k] : run->r[k].reachable)
			continue;
		if (run->r[k].expected)
			return false;
		all = false;
	}
	return all || t >= UDP_QUIET_MS;
}

/**
 * next_wake() - when the round must act next
 * @up:		the run
 * @t:		milliseconds since the round began
 * @rounds:	requests sent so far
 * @hellos:	broadcasts sent so far
 * @timeout:	the round's end
 *
 * Return: milliseconds since the round began.
 */
static int64_t next_wake(const struct uprobe *up, int64_t t, int rounds,
			 int hellos, int64_t timeout)
{
	int64_t wake = timeout;

	if (rounds < UDP_ROUNDS && (int64_t)rounds * UDP_RESEND_MS < wake)
		wake = (int64_t)rounds * UDP_RESEND_MS;
	if (up->hellos && hellos < UDP_HELLOS &&
	    (int64_t)hellos * UDP_HELLO_MS < wake)
		wake = (int64_t)hellos * UDP_HELLO_MS;
	if (t < UDP_QUIET_MS && UDP_QUIET_MS < wake)
		wake = UDP_QUIET_MS;
	return wake;
}

/**
 * one_round() - send, resend and collect until done or timed out
 * @up:		the run, @uni set
 * @pfd:	one pollfd per socket
 * @need:	per address, whether it broadcasts this round
 */
static void one_round(struct uprobe *up, struct pollfd *pfd, const bool *need)
{
	int64_t start = now_ms(), t = 0, last_eval = 0, wake,
		timeout = up->run->timeout_ms;
	int rounds = 0, hellos = 0;
	size_t i, k;

	while (t < timeout) {
		if (up->hellos && hellos < UDP_HELLOS &&
		    t >= (int64_t)hellos * UDP_HELLO_MS) {
			send_hellos(up, need);
			hellos++;
		}
		if (rounds < UDP_ROUNDS && t >= (int64_t)rounds * UDP_RESEND_MS) {
			for (k = 0; k < up->run->n; k++)
				if (up->uni[k] && !up->got[k])
					send_request(up, k);
			rounds++;
		}
		if (up->fresh && (t - last_eval >= UDP_EVAL_MS || t >= UDP_QUIET_MS)) {
			eval_bcast(up);
			last_eval = t;
		}
		if (round_done(up, t))
			break;
		wake = next_wake(up, t, rounds, hellos, timeout);
		if (wake <= t)
			wake = t + UDP_EVAL_MS;
		if (up->fresh && wake > t + UDP_EVAL_MS)
			wake = t + UDP_EVAL_MS;
		if (poll(pfd, up->n_socks, (int)(wake - t)) > 0)
			for (i = 0; i < up->n_socks; i++)
				if (pfd[i].revents & POLLIN)
					drain(up, i);
		t = now_ms() - start;
	}
	if (up->fresh)
		eval_bcast(up);
	for (k = 0; k < up->run->n; k++)
		if (up->uni[k] && up->got[k]) {
			up->run->r[k].reachable = true;
			up->run->r[k].how = NSNET_REACH_UDP;
		}
}

/**
 * struct ntable_dump - what nl_dump() is handed for the neighbour tables
 * @v:		the vector nl_dump() wants (first, so the parser finds the
 *		rest from it); nothing is pushed to it
 * @t:		IPv4 (ARP) then IPv6 (NDP)
 */
struct ntable_dump {
	struct vec v;
	struct check_ntable t[2];
};

/**
 * parse_ntable() - one RTM_NEWNEIGHTBL message: a table's own numbers
 * @nlh:	message
 * @data:	struct ntable_dump
 *
 * The dump also has one message per interface's parameters; only the
 * table's own carries NDTA_THRESH3, NDTA_CONFIG and NDTA_STATS.
 *
 * Return: 0.
 */
static int parse_ntable(const struct nlmsghdr *nlh, void *data)
{
	const struct ndtmsg *m = mnl_nlmsg_get_payload(nlh);
	struct check_ntable *t = ((struct ntable_dump *)data)->t;
	struct check_ntable got = { 0, 0, 0, false };
	const struct nlattr *a;

	if (nlh->nlmsg_type != RTM_NEWNEIGHTBL ||
	    (m->ndtm_family != AF_INET && m->ndtm_family != AF_INET6))
		return 0;
	mnl_attr_for_each(a, nlh, sizeof(*m)) {
		switch (mnl_attr_get_type(a)) {
		case NDTA_THRESH3:
			if (!mnl_attr_validate(a, MNL_TYPE_U32)) {
				got.thresh3 = mnl_attr_get_u32(a);
				got.known = true;
			}
			break;
		case NDTA_CONFIG:
			if (mnl_attr_get_payload_len(a) >= sizeof(struct ndt_config)) {
				struct ndt_config c;

				memcpy(&c, mnl_attr_get_payload(a), sizeof(c));
				got.entries = c.ndtc_entries;
			}
			break;
		case NDTA_STATS:
			if (mnl_attr_get_payload_len(a) >= sizeof(struct ndt_stats)) {
				struct ndt_stats st;

				memcpy(&st, mnl_attr_get_payload(a), sizeof(st));
				got.fulls = st.ndts_table_fulls;
			}
			break;
		}
	}
	if (got.known)
		t[m->ndtm_family == AF_INET6] = got;
	return 0;
}

/**
 * check_ntables() - the machine's neighbour tables, as the kernel counts them
 * @ctx:	context
 * @t:		result: IPv4 (ARP) then IPv6 (NDP); .known false if not told
 *
 * The tables are one for every namespace (/proc/net/stat/arp_cache is only
 * there in the first one, so netlink it is: RTM_GETNEIGHTBL answers in
 * any), and so are their limit and their overflow count.
 */
void check_ntables(struct nsnet_ctx *ctx, struct check_ntable t[2])
{
	struct ntable_dump d = { .v = { .size = 1 } };
	struct nl_sock *s = nl_sock_get(ctx, NULL);

	if (s)
		nl_dump(ctx, s, RTM_GETNEIGHTBL, AF_UNSPEC, sizeof(struct ndtmsg),
			NULL, parse_ntable, &d.v);
	memcpy(t, d.t, sizeof(d.t));
	nsnet_clear_err(ctx);
}

/**
 * table_fulls() - how often the neighbour tables overflowed so far
 * @ctx:	context
 *
 * Return: the sum over both tables (0 if the kernel does not say).
 */
static unsigned long long table_fulls(struct nsnet_ctx *ctx)
{
	struct check_ntable t[2];

	check_ntables(ctx, t);
	return t[0].fulls + t[1].fulls;
}

/**
 * up_free() - release a run's sockets and arrays
 * @up:		the run, may be zeroed
 */
static void up_free(struct uprobe *up)
{
	size_t i;

	for (i = 0; up->socks && i < up->n_socks; i++)
		if (up->socks[i].fd >= 0)
			close(up->socks[i].fd);
	free(up->socks);
	free(up->ep_sock);
	free(up->ep_ifindex);
	free(up->heard);
	free(up->got);
	free(up->uproven);
	free(up->uni);
}

/**
 * heard_by_others() - the addresses whose broadcast another owner heard
 * @up:		the run, after its first round
 * @alive:	result, per address; may be NULL (then nothing is done)
 */
static void heard_by_others(const struct uprobe *up, bool *alive)
{
	const struct chk_run *run = up->run;
	size_t e, o;

	for (e = 0; alive && e < run->n_eps; e++) {
		for (o = 0; o < run->n_nodes && !alive[e]; o++)
			alive[e] = o != run->eps[e].owner && heard(up, o, e);
		if (!alive[e] && run->eps[e].owner != CHECK_HOST)
			alive[e] = heard(up, CHECK_HOST, e);
	}
}

/**
 * rounds() - the first round, then a second one for what did not answer
 * @ctx:	context
 * @up:		the run, sockets open
 * @pfd:	one pollfd per socket
 * @need:	scratch, per address
 *
 * The second round probes, one by one, every expected pair still without
 * an answer; pairs meant to be isolated have had their chance to leak in
 * the first. A broadcast pair probed by itself needs neighbour entries (a
 * unicast one already has its own): one at the sender, one at the owner
 * for the reply; an end whose broadcast nobody heard (its link down, its
 * namespace gone) makes none, and what it should send never leaves. As
 * many as half the room left in the table allows are probed, the rest
 * stay unknown: probing them all could overflow the machine's table, which
 * fails everyone's traffic, and the probes themselves with it (a switch
 * that drops broadcasts would ask for every pair of the lab).
 */
static void rounds(struct nsnet_ctx *ctx, struct uprobe *up,
		   struct pollfd *pfd, bool *need)
{
	const struct chk_run *run = up->run;
	struct check_ntable nt[2];
	size_t k, cost, room[2], used[2] = { 0, 0 };
	bool again = false, *alive = calloc(run->n_eps + 1, sizeof(*alive));
	int f;

	for (k = 0; k < run->n; k++) {
		up->uni[k] = !run->pairs[k].bcast;
		if (run->pairs[k].bcast) {
			need[run->pairs[k].ep] = true;
			if (run->pairs[k].src != CHECK_NOBODY)
				need[run->pairs[k].src] = true;
			up->hellos = true;
		}
	}
	one_round(up, pfd, need);
	up->hellos = false;
	check_ntables(ctx, nt);
	for (f = 0; f < 2; f++)
		room[f] = !nt[f].known ? 512 : nt[f].entries < nt[f].thresh3 ?
			  (nt[f].thresh3 - nt[f].entries) / 2 : 0;
	heard_by_others(up, alive);
	for (k = 0; k < run->n; k++) {
		const struct chk_pair *p = &run->pairs[k];

		up->uni[k] = run->r[k].expected && !run->r[k].reachable;
		f = fam_slot(run->r[k].address.family);
		if (up->uni[k] && p->bcast) {
			/* without @alive (out of memory) every end counts */
			cost = !alive || (p->src < run->n_eps && alive[p->src]) ?
			       1 + (!alive || alive[p->ep]) : 0;
			if (used[f] + cost > room[f]) {
				up->uni[k] = false;
				run->r[k].how = NSNET_REACH_UNKNOWN;
			} else {
				used[f] += cost;
			}
		}
		again |= up->uni[k];
		up->got[k] = false;
	}
	free(alive);
	if (again)
		one_round(up, pfd, need);
}

/**
 * check_udp() - probe every result of a run, outcome into its result
 * @ctx:	context
 * @run:	the check
 *
 * Return: 0, or -ENOMEM.
 */
int check_udp(struct nsnet_ctx *ctx, const struct chk_run *run)
{
	struct uprobe up = { .run = run };
	size_t n_socks = 2 * run->n_nodes + run->n_eps, i, k;
	struct pollfd *pfd = NULL;
	unsigned long long fulls;
	bool *need = NULL;
	int err = -ENOMEM;

	up.socks = calloc(n_socks + 1, sizeof(*up.socks));
	up.ep_sock = calloc(run->n_eps + 1, sizeof(*up.ep_sock));
	up.ep_ifindex = calloc(run->n_eps + 1, sizeof(*up.ep_ifindex));
	up.heard = calloc(((run->n_nodes + 1) * run->n_eps + 7) / 8 + 1, 1);
	up.got = calloc(run->n + 1, sizeof(*up.got));
	up.uproven = calloc(run->n_eps + 1, sizeof(*up.uproven));
	up.uni = calloc(run->n + 1, sizeof(*up.uni));
	need = calloc(run->n_eps + 1, sizeof(*need));
	pfd = calloc(n_socks + 1, sizeof(*pfd));
	if (!up.socks || !up.ep_sock || !up.ep_ifindex || !up.heard ||
	    !up.got || !up.uproven || !up.uni || !need || !pfd)
		goto out;
	for (k = 0; k < run->n; k++) {
		run->r[k].reachable = false;
		run->r[k].how = NSNET_REACH_UDP;
		run->r[k].icmp = -1;
	}
	err = udp_open_all(ctx, &up);
	if (err)
		goto out;
	for (i = 0; i < up.n_socks; i++)
		pfd[i] = (struct pollfd){ .fd = up.socks[i].fd, .events = POLLIN };
	fulls = table_fulls(ctx);
	rounds(ctx, &up, pfd, need);
	if (table_fulls(ctx) != fulls)
		for (k = 0; k < run->n; k++)
			if (run->r[k].expected && !run->r[k].reachable)
				run->r[k].how = NSNET_REACH_UNKNOWN;
out:
	if (err)
		nsnet_fail(ctx, err, "check");
	up_free(&up);
	free(need);
	free(pfd);
	return err;
}
