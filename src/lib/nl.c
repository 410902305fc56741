// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * nl.c - rtnetlink request and dump exchanges
 *
 * Requests are built into one buffer and sent with one sendto(), each with
 * NLM_F_ACK, and the answers are matched by sequence number. The sockets,
 * one per namespace, come from nlsock.c.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"

#ifndef NETLINK_EXT_ACK
#define NETLINK_EXT_ACK 11
#endif

/* A dump interrupted by a concurrent change is retried this often. */
#define DUMP_RETRIES 10

/**
 * nl_req_add() - start one more message in a request batch
 * @r:		the batch
 * @type:	RTM_* type
 * @flags:	NLM_F_* flags besides REQUEST and ACK
 * @hdrlen:	size of the family header (ifinfomsg, rtmsg, ...)
 * @hdr:	where to store a pointer to that zeroed header
 *
 * Every message leaves MNL_SOCKET_BUFFER_SIZE of room for its attributes,
 * more than any message nsnet builds, so attribute puts need no checks.
 *
 * Return: the message, or NULL when out of memory (also flagged in @r).
 */
struct nlmsghdr *nl_req_add(struct nl_req *r, uint16_t type, uint16_t flags,
			    size_t hdrlen, void **hdr)
{
	struct nlmsghdr *nlh;
	size_t need;

	if (r->cur)
		r->len += r->cur->nlmsg_len;
	r->cur = NULL;
	need = r->len + MNL_SOCKET_BUFFER_SIZE;
	if (need > r->cap) {
		size_t cap = r->cap ? r->cap : (size_t)2 * MNL_SOCKET_BUFFER_SIZE;
		char *p;

		while (cap < need)
			cap *= 2;
		p = realloc(r->buf, cap);
		if (!p) {
			r->oom = true;
			return NULL;
		}
		r->buf = p;
		r->cap = cap;
	}
	nlh = mnl_nlmsg_put_header(r->buf + r->len);
	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | flags;
	*hdr = mnl_nlmsg_put_extra_header(nlh, hdrlen);
	r->cur = nlh;
	r->count++;
	return nlh;
}

/**
 * nl_req_free() - release a request batch
 * @r:		the batch
 */
void nl_req_free(struct nl_req *r)
{
	free(r->buf);
	memset(r, 0, sizeof(*r));
}

/**
 * ack_extack() - copy the kernel's extended-ack message, if it sent one
 * @nlh:	the NLMSG_ERROR message
 * @out:	output buffer
 * @len:	size of @out
 */
static void ack_extack(const struct nlmsghdr *nlh, char *out, size_t len)
{
	const struct nlmsgerr *e = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *attr;
	size_t off = sizeof(*e);

	if (!out || !len || !(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return;
	/* Uncapped acks echo the whole request before the TLVs. */
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
		off += e->msg.nlmsg_len - sizeof(struct nlmsghdr);
	mnl_attr_for_each(attr, nlh, MNL_ALIGN(off)) {
		if (mnl_attr_get_type(attr) != NLMSGERR_ATTR_MSG)
			continue;
		if (mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) < 0)
			return;
		snprintf(out, len, "%s", mnl_attr_get_str(attr));
		/* The kernel's texts sometimes end with a period. */
		if (*out && out[strlen(out) - 1] == '.')
			out[strlen(out) - 1] = '\0';
		return;
	}
}

/**
 * struct answer - what exchange() has seen of the answers so far
 * @s:		socket
 * @seq_first:	first sequence number of the requests
 * @count:	number of requests
 * @dump:	a dump: done at NLMSG_DONE, not at the last ack
 * @parse:	called for each data message, may be NULL
 * @data:	passed to @parse
 * @intr:	set when the kernel flags the dump as interrupted
 * @extack:	receives the first failure's extended-ack text
 * @extack_len:	size of @extack
 * @failed:	index of the request that failed first, or NULL
 * @answered:	acks seen
 * @first_err:	first failure
 * @done:	all answers are in
 */
struct answer {
	const struct nl_sock *s;
	uint32_t seq_first;
	unsigned int count;
	bool dump;
	nl_parse_t parse;
	void *data;
	bool *intr;
	char *extack;
	size_t extack_len;
	int *failed;
	unsigned int answered;
	int first_err;
	bool done;
};

/**
 * take() - account for the messages of one datagram
 * @a:		the exchange so far
 * @buf:	the datagram
 * @len:	its size
 */
static void take(struct answer *a, const void *buf, size_t len)
{
	const struct nlmsghdr *nlh;
	int left = (int)len;

	for (nlh = buf; mnl_nlmsg_ok(nlh, left); nlh = mnl_nlmsg_next(nlh, &left)) {
		/* A throw-away socket never bound (portid 0) is in no group:
		 * whatever it receives answers its own requests. */
		if ((a->s->portid && nlh->nlmsg_pid != a->s->portid) ||
		    nlh->nlmsg_seq - a->seq_first >= a->count)
			continue;	/* stale answer of an earlier call */
		if (nlh->nlmsg_flags & NLM_F_DUMP_INTR)
			*a->intr = true;
		if (nlh->nlmsg_type == NLMSG_ERROR) {
			const struct nlmsgerr *e = mnl_nlmsg_get_payload(nlh);

			if (e->error && !a->first_err) {
				a->first_err = e->error;
				if (a->failed)
					*a->failed = (int)(nlh->nlmsg_seq - a->seq_first);
				ack_extack(nlh, a->extack, a->extack_len);
			}
			if (a->dump || ++a->answered == a->count)
				a->done = true;
		} else if (nlh->nlmsg_type == NLMSG_DONE) {
			/* A dump that failed part way says so here, not in an
			 * NLMSG_ERROR: never use it. */
			if (a->dump && mnl_nlmsg_get_payload_len(nlh) >= sizeof(int) &&
			    *(const int *)mnl_nlmsg_get_payload(nlh) < 0 &&
			    !a->first_err)
				a->first_err = *(const int *)mnl_nlmsg_get_payload(nlh);
			if (a->dump)
				a->done = true;
		} else if (nlh->nlmsg_type >= NLMSG_MIN_TYPE && a->parse) {
			int err = a->parse(nlh, a->data);

			if (err && !a->first_err)
				a->first_err = err;
		}
	}
}

/**
 * exchange() - send @len bytes and read answers until all are accounted for
 * @ctx:	context
 * @s:		socket
 * @buf:	messages, their sequence numbers already set
 * @len:	bytes in @buf
 * @seq_first:	first sequence number in @buf
 * @count:	number of messages in @buf
 * @dump:	@buf is one dump request: wait for NLMSG_DONE instead of acks
 * @parse:	called for each data message, may be NULL
 * @data:	passed to @parse
 * @intr:	set when the kernel flags the dump as interrupted
 * @extack:	receives the first failure's extended-ack text
 * @extack_len:	size of @extack
 * @failed:	index of the message that failed first, -1 if none (may be
 *		NULL): the messages before it were applied
 *
 * Answers are read NL_RECV_DGRAMS datagrams to a recvmmsg(): the kernel
 * queues a dump's next part (its NLMSG_DONE, for a small one) while the
 * previous is being received, and a batch's acks all at once, so one call
 * takes what took several. Each datagram has NL_RECV_SIZE bytes of room,
 * more than the kernel puts in one.
 *
 * Return: 0, the first negative errno the kernel answered with, or -errno of
 * the socket. All answers are read even after a failure, so the socket is
 * left clean for the next exchange.
 */
static int exchange(struct nsnet_ctx *ctx, struct nl_sock *s, const void *buf,
		    size_t len, uint32_t seq_first, unsigned int count,
		    bool dump, nl_parse_t parse, void *data, bool *intr,
		    char *extack, size_t extack_len, int *failed)
{
	struct answer a = { .s = s, .seq_first = seq_first, .count = count,
			    .dump = dump, .parse = parse, .data = data,
			    .intr = intr, .extack = extack,
			    .extack_len = extack_len, .failed = failed };
	struct mmsghdr msgs[NL_RECV_DGRAMS];
	struct iovec iov[NL_RECV_DGRAMS];
	int fd = mnl_socket_get_fd(s->nl), i, n;

	if (failed)
		*failed = -1;
	if (extack && extack_len)
		extack[0] = '\0';
	if (mnl_socket_sendto(s->nl, buf, len) < 0)
		return -errno;
	memset(msgs, 0, sizeof(msgs));
	for (i = 0; i < NL_RECV_DGRAMS; i++) {
		iov[i].iov_base = ctx->rbuf + (size_t)i * NL_RECV_SIZE;
		iov[i].iov_len = NL_RECV_SIZE;
		msgs[i].msg_hdr.msg_iov = &iov[i];
		msgs[i].msg_hdr.msg_iovlen = 1;
	}
	while (!a.done) {
		n = recvmmsg(fd, msgs, NL_RECV_DGRAMS, MSG_WAITFORONE, NULL);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return a.first_err ? a.first_err : -errno;
		}
		for (i = 0; i < n; i++) {
			if (msgs[i].msg_hdr.msg_flags & MSG_TRUNC)
				return a.first_err ? a.first_err : -ENOSPC;
			take(&a, iov[i].iov_base, msgs[i].msg_len);
		}
	}
	return a.first_err;
}

/**
 * nl_send() - send a batch of requests and wait for every acknowledgement
 * @ctx:	context
 * @s:		socket of the namespace the requests are for
 * @r:		the batch; sequence numbers are assigned here
 * @parse:	called for each reply message (GET requests), may be NULL
 * @data:	passed to @parse
 * @extack:	receives the kernel's message for the first failure
 * @extack_len:	size of @extack
 *
 * Return: 0, or the first failure as -errno (the error is NOT recorded in
 * @ctx: the caller knows what it was doing and calls nl_fail()); r->failed
 * tells which message failed, the ones before it having been applied.
 */
int nl_send(struct nsnet_ctx *ctx, struct nl_sock *s, struct nl_req *r,
	    nl_parse_t parse, void *data, char *extack, size_t extack_len)
{
	uint32_t first = s->seq + 1;
	bool intr = false;
	size_t off;

	if (r->oom)
		return -ENOMEM;
	if (r->cur) {
		r->len += r->cur->nlmsg_len;
		r->cur = NULL;
	}
	for (off = 0; off < r->len;) {
		struct nlmsghdr *nlh = (struct nlmsghdr *)(r->buf + off);

		nlh->nlmsg_seq = ++s->seq;
		off += NLMSG_ALIGN(nlh->nlmsg_len);
	}
	return exchange(ctx, s, r->buf, r->len, first, r->count, false, parse,
			data, &intr, extack, extack_len, &r->failed);
}

/**
 * nl_dump() - dump one object type into @out, retrying interrupted dumps
 * @ctx:	context
 * @s:		socket
 * @type:	RTM_GET* type
 * @family:	address family filter (first byte of every family header)
 * @hdrlen:	size of the family header the kernel expects for @type
 * @f:		what to ask the kernel to leave out, or NULL
 * @parse:	turns one message into zero or one item of @out
 * @out:	results are appended; a retried dump drops what it added
 *
 * A dump the kernel marks NLM_F_DUMP_INTR may have missed or doubled
 * objects, so it is never used: the whole dump is taken again. Filters
 * save the kernel work (a link's statistics are summed over every CPU);
 * @parse still drops what they were meant to leave out, for a kernel or
 * socket that ignores them.
 *
 * Return: 0, or -errno (not recorded in @ctx).
 */
int nl_dump(struct nsnet_ctx *ctx, struct nl_sock *s, uint16_t type,
	    int family, size_t hdrlen, const struct nl_filter *f,
	    nl_parse_t parse, struct vec *out)
{
	_Alignas(struct nlmsghdr) char buf[MNL_SOCKET_BUFFER_SIZE];
	size_t base = out->n;
	int attempt, err = 0;

	for (attempt = 0; attempt < DUMP_RETRIES; attempt++) {
		struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
		unsigned char *hdr;
		bool intr = false;

		nlh->nlmsg_type = type;
		nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
		nlh->nlmsg_seq = ++s->seq;
		hdr = mnl_nlmsg_put_extra_header(nlh, hdrlen);
		hdr[0] = (unsigned char)family;
		if (f && f->ext_mask)
			mnl_attr_put_u32(nlh, IFLA_EXT_MASK, f->ext_mask);
		if (f && f->table && type == RTM_GETROUTE)
			((struct rtmsg *)hdr)->rtm_table = f->table;
		out->n = base;
		err = exchange(ctx, s, buf, nlh->nlmsg_len, nlh->nlmsg_seq, 1,
			       true, parse, out, &intr, NULL, 0, NULL);
		/* The kernel creates a table with its first route: until
		 * then, asking for that table is ENOENT, not an empty dump. */
		if (err == -ENOENT && f && f->table && type == RTM_GETROUTE)
			return 0;
		if (err || !intr)
			return err;
	}
	return -EAGAIN;
}

/**
 * nl_dump_inet() - nl_dump() of IPv4, IPv6 or both, for addresses and routes
 * @ctx:	context
 * @s:		socket
 * @type:	RTM_GETADDR or RTM_GETROUTE
 * @family:	AF_INET, AF_INET6, or 0 for both
 * @hdrlen:	size of the family header
 * @f:		filters, or NULL
 * @parse:	as for nl_dump()
 * @out:	results, appended
 *
 * Both is two dumps, not one of AF_UNSPEC: the kernel runs an AF_UNSPEC
 * dump of these under the RTNL mutex (adding multicast routing tables
 * nobody asked for), each family's own under RCU. observe()'s workers
 * spent a tenth of their time waiting for each other on that mutex. A
 * kernel without IPv6 is not asked for it: it would answer an AF_INET6
 * dump as an AF_UNSPEC one, the IPv4 objects a second time.
 *
 * Return: 0, or -errno (not recorded in @ctx).
 */
int nl_dump_inet(struct nsnet_ctx *ctx, struct nl_sock *s, uint16_t type,
		 int family, size_t hdrlen, const struct nl_filter *f,
		 nl_parse_t parse, struct vec *out)
{
	int err = 0;

	if (family != AF_INET6)
		err = nl_dump(ctx, s, type, AF_INET, hdrlen, f, parse, out);
	if (!err && family != AF_INET && kernel_has_ipv6(ctx))
		err = nl_dump(ctx, s, type, AF_INET6, hdrlen, f, parse, out);
	return err;
}

/**
 * nl_ask() - send one request built by the caller, wait for its answer
 * @ctx:	context
 * @s:		socket
 * @nlh:	the request (NLM_F_ACK set); its sequence number is set here
 * @parse:	called for each reply message, may be NULL
 * @data:	passed to @parse
 *
 * For a lone question asked once per namespace (its id of another one):
 * built on the caller's stack, it costs no allocation, where a batch
 * would take and give back a buffer each time.
 *
 * Return: 0, or -errno (not recorded in @ctx).
 */
int nl_ask(struct nsnet_ctx *ctx, struct nl_sock *s, struct nlmsghdr *nlh,
	   nl_parse_t parse, void *data)
{
	bool intr = false;

	nlh->nlmsg_seq = ++s->seq;
	return exchange(ctx, s, nlh, nlh->nlmsg_len, nlh->nlmsg_seq, 1, false,
			parse, data, &intr, NULL, 0, NULL);
}

/**
 * nl_fail() - record a kernel failure, in the kernel's words when it gave any
 * @ctx:	context
 * @err:	negative errno
 * @extack:	extended-ack text, may be empty
 * @fmt:	printf format of what failed
 *
 * Return: @err.
 */
int nl_fail(struct nsnet_ctx *ctx, int err, const char *extack,
	    const char *fmt, ...)
{
	char what[384];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	return nsnet_fail_why(ctx, err, false,
			      extack && *extack ? extack : strerror(-err),
			      "%s", what);
}
