// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * check_icmp.c - echo requests for the pairs whose UDP probe went unanswered
 *
 * `nsnet check` decides with UDP (check_udp.c). An ICMP echo request to the
 * same address from the same node then tells "nothing gets through" from
 * "ICMP does, UDP does not" (a firewall rule by protocol, a switch that
 * breaks transport checksums, as Open vSwitch's userspace datapath does with
 * a veth's checksum offload). The kernel answers echo requests under a rate
 * limit (net.ipv4.icmp_msgs_per_sec, a burst of 50), so this is only ever
 * asked for the few failing pairs, never for the matrix.
 *
 * One raw ICMP socket per sender and family, made inside the node's
 * namespace by the context's helper thread (ns_call()); every request is
 * sent from the calling thread, unanswered ones again, replies collected
 * with poll() for at most the run's timeout. No fork, no ping.
 */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <netinet/in.h>
#include <netinet/icmp6.h>
#include <sys/random.h>
#include <sys/socket.h>

#include <linux/icmp.h>

#include "check.h"

/* Unanswered requests go again this often, at most this many times. */
#define ICMP_RESEND_MS	250
#define ICMP_ROUNDS	3

/**
 * struct icmp_payload - what each echo request carries, and its reply too
 * @cookie:	this run's random number: other pings are not ours
 * @index:	the entry of the run's list the request is for
 */
struct icmp_payload {
	uint64_t cookie;
	uint32_t index;
} __attribute__((packed));

/**
 * struct icmp_run - one run of echo requests
 * @run:	the check
 * @which:	the results probed, indices into @run->r
 * @n:		count
 * @got:	per entry of @which, whether its reply came
 * @fds:	per node two raw sockets, IPv4 then IPv6 (-1: none)
 * @cookie:	this run's cookie
 * @id:		the echo identifier of this run
 */
struct icmp_run {
	const struct chk_run *run;
	const size_t *which;
	size_t n;
	bool *got;
	int *fds;
	uint64_t cookie;
	uint16_t id;
};

/**
 * open_icmp() - ns_call() work: a raw ICMP socket in the thread's namespace
 * @arg:	int *, the family
 *
 * Only echo replies get through the socket's filter: a raw socket sees
 * every ICMP message of the namespace, the other nodes' requests included.
 *
 * Return: the socket, or -errno.
 */
static int open_icmp(void *arg)
{
	int family = *(int *)arg, size = 1 << 20, fd;

	fd = socket(family, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC,
		    family == AF_INET ? IPPROTO_ICMP : IPPROTO_ICMPV6);
	if (fd < 0)
		return -errno;
	if (family == AF_INET) {
		struct icmp_filter f = { ~(1U << ICMP_ECHOREPLY) };

		setsockopt(fd, SOL_RAW, ICMP_FILTER, &f, sizeof(f));
	} else {
		struct icmp6_filter f;

		ICMP6_FILTER_SETBLOCKALL(&f);
		ICMP6_FILTER_SETPASS(ICMP6_ECHO_REPLY, &f);
		setsockopt(fd, IPPROTO_ICMPV6, ICMP6_FILTER, &f, sizeof(f));
	}
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size)))
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
	return fd;
}

/**
 * icmp_open_all() - the raw sockets the listed pairs need
 * @ctx:	context
 * @ir:		the run, @fds all -1
 *
 * A node whose namespace is gone gets no socket: its requests are not
 * sent, and go unanswered, which is what they are.
 */
static void icmp_open_all(struct nsnet_ctx *ctx, struct icmp_run *ir)
{
	size_t m, node;
	int nsfd, fam, slot;

	for (m = 0; m < ir->n; m++) {
		node = ir->run->pairs[ir->which[m]].from;
		fam = ir->run->r[ir->which[m]].address.family;
		slot = (int)(2 * node) + (fam == AF_INET6);
		if (ir->fds[slot] != -1)
			continue;
		ir->fds[slot] = -2;	/* tried */
		nsfd = ns_open(ctx, ir->run->nodes[node]);
		if (nsfd < 0)
			continue;
		ir->fds[slot] = ns_call(ctx, nsfd, open_icmp, &fam);
		if (ir->fds[slot] < 0)
			ir->fds[slot] = -2;
		close(nsfd);
	}
	nsnet_clear_err(ctx);	/* a missing node is a finding, not an error */
}

/**
 * icmp_sum() - the Internet checksum (RFC 1071)
 * @p:		data
 * @len:	its length
 *
 * Return: the checksum, in network order when stored as is.
 */
static uint16_t icmp_sum(const void *p, size_t len)
{
	const uint8_t *b = p;
	uint32_t sum = 0;
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)(b[i] << 8 | b[i + 1]);
	if (len & 1)
		sum += (uint32_t)b[len - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return htons((uint16_t)~sum);
}

/**
 * icmp_fd() - the socket entry @m of the run goes out through
 * @ir:		the run
 * @m:		the entry
 *
 * Return: the socket, or a negative number when there is none.
 */
static int icmp_fd(const struct icmp_run *ir, size_t m)
{
	size_t k = ir->which[m];

	return ir->fds[2 * ir->run->pairs[k].from +
		       (ir->run->r[k].address.family == AF_INET6)];
}

/**
 * icmp_send() - send the echo request of entry @m
 * @ir:		the run
 * @m:		the entry
 *
 * The ICMPv6 checksum is the kernel's job on a raw ICMPv6 socket; the
 * ICMPv4 one is ours. A failure to send (no route, say) is an unanswered
 * request, nothing more.
 */
static void icmp_send(const struct icmp_run *ir, size_t m)
{
	const struct nsnet_prefix *a = &ir->run->r[ir->which[m]].address;
	struct icmp_payload pl = { ir->cookie, (uint32_t)m };
	uint16_t id = htons(ir->id), seq = htons((uint16_t)m), sum;
	uint8_t pkt[8 + sizeof(pl)];
	struct sockaddr_storage ss = { 0 };
	int fd = icmp_fd(ir, m);
	socklen_t sl;

	if (fd < 0)
		return;
	memset(pkt, 0, 8);
	pkt[0] = a->family == AF_INET ? ICMP_ECHO : ICMP6_ECHO_REQUEST;
	memcpy(pkt + 4, &id, 2);
	memcpy(pkt + 6, &seq, 2);
	memcpy(pkt + 8, &pl, sizeof(pl));
	if (a->family == AF_INET) {
		struct sockaddr_in *sin = (struct sockaddr_in *)&ss;

		sum = icmp_sum(pkt, sizeof(pkt));
		memcpy(pkt + 2, &sum, 2);
		sin->sin_family = AF_INET;
		memcpy(&sin->sin_addr, a->addr, 4);
		sl = sizeof(*sin);
	} else {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;

		sin6->sin6_family = AF_INET6;
		memcpy(&sin6->sin6_addr, a->addr, 16);
		sl = sizeof(*sin6);
	}
	sendto(fd, pkt, sizeof(pkt), 0, (struct sockaddr *)&ss, sl);
}

/**
 * icmp_take() - mark the entry a received echo reply answers
 * @ir:		the run
 * @fd:		the socket it came in on
 * @family:	its family
 * @icmp:	the ICMP message
 * @len:	its length
 * @from:	its source address
 *
 * It counts only if it is ours (identifier, cookie), came in on the
 * entry's socket, and from the very address probed.
 */
static void icmp_take(struct icmp_run *ir, int fd, int family,
		      const uint8_t *icmp, size_t len,
		      const struct sockaddr_storage *from)
{
	struct icmp_payload pl;
	const void *src;
	uint16_t id;

	if (len < 8 + sizeof(pl) ||
	    icmp[0] != (family == AF_INET ? ICMP_ECHOREPLY : ICMP6_ECHO_REPLY))
		return;
	memcpy(&id, icmp + 4, 2);
	memcpy(&pl, icmp + 8, sizeof(pl));
	if (ntohs(id) != ir->id || pl.cookie != ir->cookie || pl.index >= ir->n ||
	    icmp_fd(ir, pl.index) != fd)
		return;
	src = family == AF_INET ?
	      (const void *)&((const struct sockaddr_in *)from)->sin_addr :
	      (const void *)&((const struct sockaddr_in6 *)from)->sin6_addr;
	if (!memcmp(src, ir->run->r[ir->which[pl.index]].address.addr,
		    pfx_bytes(family)))
		ir->got[pl.index] = true;
}

/**
 * icmp_read() - drain one socket
 * @ir:		the run
 * @fd:		the socket
 * @family:	its family
 *
 * An IPv4 raw socket hands over the IP header too; an IPv6 one does not.
 */
static void icmp_read(struct icmp_run *ir, int fd, int family)
{
	struct sockaddr_storage from;
	uint8_t buf[512];
	socklen_t fl;
	ssize_t len;
	size_t off;

	for (;;) {
		fl = sizeof(from);
		len = recvfrom(fd, buf, sizeof(buf), 0,
			       (struct sockaddr *)&from, &fl);
		if (len < 0)
			return;
		off = family == AF_INET ? (size_t)(buf[0] & 0xf) * 4 : 0;
		if ((size_t)len > off)
			icmp_take(ir, fd, family, buf + off, (size_t)len - off,
				  &from);
	}
}

/**
 * icmp_ms() - a monotonic clock in milliseconds
 *
 * Return: the time.
 */
static int64_t icmp_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/**
 * icmp_loop() - send, resend and collect until all answered or timed out
 * @ir:		the run, sockets open
 * @pfd:	one pollfd per socket slot
 * @n_pfd:	count
 */
static void icmp_loop(struct icmp_run *ir, struct pollfd *pfd, size_t n_pfd)
{
	int64_t start = icmp_ms(), t = 0, wake;
	int rounds = 0;
	size_t i, m, left;

	while (t < (int64_t)ir->run->timeout_ms) {
		if (rounds < ICMP_ROUNDS && t >= (int64_t)rounds * ICMP_RESEND_MS) {
			for (m = 0; m < ir->n; m++)
				if (!ir->got[m])
					icmp_send(ir, m);
			rounds++;
		}
		for (m = 0, left = 0; m < ir->n; m++)
			left += !ir->got[m];
		if (!left)
			break;
		wake = rounds < ICMP_ROUNDS ? (int64_t)rounds * ICMP_RESEND_MS :
					      (int64_t)ir->run->timeout_ms;
		if (poll(pfd, n_pfd, (int)(wake > t ? wake - t : 0)) > 0)
			for (i = 0; i < n_pfd; i++)
				if (pfd[i].revents & POLLIN)
					icmp_read(ir, pfd[i].fd,
						  i % 2 ? AF_INET6 : AF_INET);
		t = icmp_ms() - start;
	}
}

/**
 * check_icmp() - an echo request for each listed pair, the answer in @icmp
 * @ctx:	context
 * @run:	the check
 * @which:	indices into @run->r
 * @n_which:	count
 *
 * Return: 0, or -ENOMEM.
 */
int check_icmp(struct nsnet_ctx *ctx, const struct chk_run *run,
	       const size_t *which, size_t n_which)
{
	struct icmp_run ir = { run, which, n_which, NULL, NULL, 0, 0 };
	size_t i, n_fds = 2 * run->n_nodes;
	struct pollfd *pfd = NULL;
	int err = -ENOMEM;

	if (!n_which)
		return 0;
	ir.got = calloc(n_which, sizeof(*ir.got));
	ir.fds = malloc((n_fds ? n_fds : 1) * sizeof(*ir.fds));
	pfd = calloc(n_fds ? n_fds : 1, sizeof(*pfd));
	if (!ir.got || !ir.fds || !pfd)
		goto out;
	for (i = 0; i < n_fds; i++)
		ir.fds[i] = -1;
	if (getrandom(&ir.cookie, sizeof(ir.cookie), GRND_NONBLOCK) !=
	    sizeof(ir.cookie))
		ir.cookie = ((uint64_t)getpid() << 32) ^ (uint64_t)clock();
	ir.id = (uint16_t)(ir.cookie >> 48);
	icmp_open_all(ctx, &ir);
	for (i = 0; i < n_fds; i++)
		pfd[i] = (struct pollfd){ .fd = ir.fds[i] >= 0 ? ir.fds[i] : -1,
					  .events = POLLIN };
	icmp_loop(&ir, pfd, n_fds);
	for (i = 0; i < n_which; i++)
		run->r[which[i]].icmp = ir.got[i] ? 1 : 0;
	err = 0;
out:
	for (i = 0; ir.fds && i < n_fds; i++)
		if (ir.fds[i] >= 0)
			close(ir.fds[i]);
	free(ir.fds);
	free(ir.got);
	free(pfd);
	return err;
}
