// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * nlsock.c - rtnetlink sockets, one per namespace, kept in a cache
 *
 * A netlink socket belongs to the namespace it was created in, for life. So
 * the socket for namespace X is created by the context's helper thread,
 * which joins X for the moment (ns_call()); the caller's thread is never
 * switched, and every later request to X goes over that socket with no
 * switching at all.
 *
 * The cache is keyed by the namespace's inode, not its name, so a namespace
 * deleted and re-created under the same name gets a fresh socket. It is a
 * hash table (linear probing) over the array of sockets: a lab of thousands
 * of nodes looks a socket up several times per node, and a scan of the
 * array would make that quadratic.
 *
 * The sockets live at descriptors from FD_SETSIZE up when the open-file
 * limit allows it (fd_move_high()), so that thousands of them leave the
 * low ones to code that select()s (libnftables).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"

/**
 * fd_move_high() - the same descriptor, moved to FD_SETSIZE or above
 * @fd:		an open descriptor (close-on-exec)
 *
 * The lowest free descriptor at FD_SETSIZE or above takes its place. When
 * the open-file limit is FD_SETSIZE or less, @fd stays as it is: no
 * descriptor can reach FD_SETSIZE then. When the room up there is used
 * up, it stays too: the cache holds half the limit, so at least the
 * other half of the descriptors is left, most of it below FD_SETSIZE.
 *
 * Return: the descriptor to use from now on (@fd itself or its copy).
 */
static int fd_move_high(int fd)
{
	int hi = fcntl(fd, F_DUPFD_CLOEXEC, FD_SETSIZE);

	if (hi < 0)
		return fd;
	close(fd);
	return hi;
}

/**
 * sock_open_here() - open and configure a route socket in the current ns
 * @s:		the cache entry to fill
 * @dumps_only:	the socket only dumps and is closed right after (ns_each()
 *		workers, already in the namespace): skip the options that
 *		only matter to requests that change things, and the bind
 *
 * Strict checking makes the kernel honour a dump's filters (a route dump
 * of the main table only) instead of sending everything. A socket outside
 * the cache is mnl_socket_close()d by its user.
 *
 * Return: 0, or -errno.
 */
int sock_open_here(struct nl_sock *s, bool dumps_only)
{
	int one = 1, fd;

	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (fd < 0)
		return -errno;
	/* A socket kept in the cache lives above FD_SETSIZE when the
	 * open-file limit leaves room there: a lab of thousands of nodes
	 * holds thousands of them, and below FD_SETSIZE they would push
	 * the descriptors other code opens later past it, where a
	 * select() (libnftables waits on its socket with one) aborts the
	 * process. A short-lived dump socket stays where it is. */
	if (!dumps_only)
		fd = fd_move_high(fd);
	s->nl = mnl_socket_fdopen(fd);
	if (!s->nl) {
		int err = -errno;

		close(fd);
		return err;
	}
	/* Without strict checking the kernel ignores the filters, and the
	 * parsers drop what was not asked for: best effort, like the acks. */
	mnl_socket_setsockopt(s->nl, NETLINK_GET_STRICT_CHK, &one, sizeof(one));
	/* The kernel binds a socket at its first send; only a socket kept
	 * for requests needs its port id, to tell its answers apart. */
	if (dumps_only) {
		s->portid = 0;
		return 0;
	}
	/* Extended acks carry the kernel's own words for what went wrong;
	 * capped acks keep error replies small. */
	mnl_socket_setsockopt(s->nl, NETLINK_EXT_ACK, &one, sizeof(one));
	mnl_socket_setsockopt(s->nl, NETLINK_CAP_ACK, &one, sizeof(one));
	if (mnl_socket_bind(s->nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		int err = -errno;

		mnl_socket_close(s->nl);
		s->nl = NULL;
		return err;
	}
	s->portid = mnl_socket_get_portid(s->nl);
	return 0;
}

/**
 * sock_open_cb() - ns_call() body: open the socket in the thread's namespace
 * @arg:	the cache entry to fill
 *
 * Return: 0, or -errno.
 */
static int sock_open_cb(void *arg)
{
	return sock_open_here(arg, false);
}

/**
 * slot_of() - where the entry for (@dev, @ino) is, or would go
 * @ctx:	context (its table has room: at most half full)
 * @dev:	the namespace's device
 * @ino:	its inode
 *
 * Return: a slot: ctx->slots[slot] is 0 (absent) or the entry's index + 1.
 */
static size_t slot_of(const struct nsnet_ctx *ctx, dev_t dev, uint64_t ino)
{
	size_t mask = ctx->nslots - 1;
	size_t i = (size_t)((ino ^ (uint64_t)dev) * 0x9e3779b97f4a7c15ULL >> 32) & mask;

	for (;; i = (i + 1) & mask) {
		const struct nl_sock *s;

		if (!ctx->slots[i])
			return i;
		s = &ctx->socks[ctx->slots[i] - 1];
		if (s->ino == ino && s->dev == dev)
			return i;
	}
}

/**
 * find() - the cached socket of a namespace
 * @ctx:	context
 * @dev:	the namespace's device
 * @ino:	its inode
 *
 * Return: its index in ctx->socks, or -1.
 */
static ssize_t find(const struct nsnet_ctx *ctx, dev_t dev, uint64_t ino)
{
	size_t i;

	if (!ctx->nslots)
		return -1;
	i = slot_of(ctx, dev, ino);
	return ctx->slots[i] ? (ssize_t)ctx->slots[i] - 1 : -1;
}

/**
 * rehash() - a table for @cap entries, filled from ctx->socks
 * @ctx:	context
 * @cap:	entries the array can hold
 *
 * Return: 0, or -ENOMEM (the old table is kept).
 */
static int rehash(struct nsnet_ctx *ctx, size_t cap)
{
	size_t n = 16, i;
	uint32_t *t;

	while (n < 2 * cap)
		n *= 2;
	t = calloc(n, sizeof(*t));
	if (!t)
		return -ENOMEM;
	free(ctx->slots);
	ctx->slots = t;
	ctx->nslots = n;
	for (i = 0; i < ctx->nsocks; i++)
		t[slot_of(ctx, ctx->socks[i].dev, ctx->socks[i].ino)] =
			(uint32_t)i + 1;
	return 0;
}

/**
 * drop() - close entry @k and take it out of the cache
 * @ctx:	context
 * @k:		index in ctx->socks
 *
 * The last entry moves into its place. Deletion from a linear-probing
 * table shifts later entries of the run back, so no tombstones pile up.
 */
static void drop(struct nsnet_ctx *ctx, size_t k)
{
	size_t mask = ctx->nslots - 1, hole, i;
	struct nl_sock *s = &ctx->socks[k];

	hole = slot_of(ctx, s->dev, s->ino);
	mnl_socket_close(s->nl);
	ctx->slots[hole] = 0;
	for (i = (hole + 1) & mask; ctx->slots[i]; i = (i + 1) & mask) {
		uint32_t v = ctx->slots[i];

		ctx->slots[i] = 0;
		ctx->slots[slot_of(ctx, ctx->socks[v - 1].dev,
				   ctx->socks[v - 1].ino)] = v;
	}
	if (k != --ctx->nsocks) {
		*s = ctx->socks[ctx->nsocks];
		ctx->slots[slot_of(ctx, s->dev, s->ino)] = (uint32_t)k + 1;
	}
}

/**
 * evict_one() - close the least recently used socket
 * @ctx:	context
 *
 * The cache holds at most half the open-file limit (ctx->maxsocks); past
 * it, reopening a socket costs a trip through the helper thread.
 */
static void evict_one(struct nsnet_ctx *ctx)
{
	size_t i, lru = 0;

	for (i = 1; i < ctx->nsocks; i++)
		if (ctx->socks[i].used < ctx->socks[lru].used)
			lru = i;
	drop(ctx, lru);
}

/**
 * room() - make room for one more entry
 * @ctx:	context
 *
 * Return: 0, or -ENOMEM.
 */
static int room(struct nsnet_ctx *ctx)
{
	size_t cap;
	struct nl_sock *p;

	if (ctx->nsocks >= ctx->maxsocks)
		evict_one(ctx);
	if (ctx->nsocks < ctx->capsocks)
		return 0;
	cap = ctx->capsocks ? ctx->capsocks * 2 : 8;
	p = realloc(ctx->socks, cap * sizeof(*p));
	if (!p)
		return -ENOMEM;
	ctx->socks = p;
	if (rehash(ctx, cap))
		return -ENOMEM;
	ctx->capsocks = cap;
	return 0;
}

/**
 * nl_sock_fd() - the socket for the namespace open at @fd, opened on first use
 * @ctx:	context
 * @fd:		namespace descriptor (kept open by the caller)
 * @label:	what to call the namespace in messages
 *
 * Return: the socket, or NULL with the error recorded in @ctx. It stays
 * valid until the next nl_sock_*() call (which may evict it).
 */
struct nl_sock *nl_sock_fd(struct nsnet_ctx *ctx, int fd, const char *label)
{
	struct nl_sock *s;
	struct stat st, self;
	ssize_t k;
	int err;

	if (fstat(fd, &st) < 0) {
		nsnet_fail(ctx, -errno, "netns %s", label);
		return NULL;
	}
	k = find(ctx, st.st_dev, st.st_ino);
	if (k >= 0) {
		ctx->socks[k].used = ++ctx->tick;
		return &ctx->socks[k];
	}
	if (room(ctx)) {
		nsnet_fail(ctx, -ENOMEM, "netns %s", label);
		return NULL;
	}
	s = &ctx->socks[ctx->nsocks];
	memset(s, 0, sizeof(*s));
	s->dev = st.st_dev;
	s->ino = st.st_ino;
	s->used = ++ctx->tick;
	/* Already there (the usual case for the host): no thread, and no
	 * setns(), which would need privileges a plain `show` does not. */
	if (stat("/proc/thread-self/ns/net", &self) == 0 &&
	    self.st_ino == st.st_ino && self.st_dev == st.st_dev)
		err = sock_open_here(s, false);
	else
		err = ns_call(ctx, fd, sock_open_cb, s);
	if (err) {
		nsnet_fail(ctx, err, "netlink socket in netns %s", label);
		return NULL;
	}
	ctx->slots[slot_of(ctx, s->dev, s->ino)] = (uint32_t)ctx->nsocks + 1;
	ctx->nsocks++;
	return s;
}

/**
 * nl_sock_adopt() - take a socket opened elsewhere into the cache
 * @ctx:	context
 * @s:		the socket, with the namespace's @dev and @ino set; the cache
 *		owns it from now on (closed here when it cannot be kept)
 */
void nl_sock_adopt(struct nsnet_ctx *ctx, const struct nl_sock *s)
{
	struct nl_sock *e;

	if (find(ctx, s->dev, s->ino) >= 0 || room(ctx)) {
		mnl_socket_close(s->nl);
		return;
	}
	e = &ctx->socks[ctx->nsocks];
	*e = *s;
	e->used = ++ctx->tick;
	ctx->slots[slot_of(ctx, e->dev, e->ino)] = (uint32_t)ctx->nsocks + 1;
	ctx->nsocks++;
}

/**
 * nl_sock_get() - the socket for namespace @ns, opened on first use
 * @ctx:	context
 * @ns:		namespace name, NULL for the context's own
 *
 * A cached namespace is found with one stat() of its file: a bind mount of
 * the namespace shows the namespace's own inode, and a cached socket keeps
 * its namespace (so that inode) alive. Anything else goes through
 * ns_open(), which checks the file properly.
 *
 * Return: the socket, or NULL with the error recorded in @ctx.
 */
struct nl_sock *nl_sock_get(struct nsnet_ctx *ctx, const char *ns)
{
	char path[sizeof(NETNS_RUN_DIR) + NSNET_NSNAMSIZ];
	struct nl_sock *s;
	struct stat st;
	ssize_t k = -1;
	int fd;

	if (!ns || !*ns) {
		if (fstat(ctx->host_fd, &st) == 0)
			k = find(ctx, st.st_dev, st.st_ino);
	} else if (!nsnet_check_nsname(ns)) {
		snprintf(path, sizeof(path), "%s/%s", NETNS_RUN_DIR, ns);
		if (stat(path, &st) == 0)
			k = find(ctx, st.st_dev, st.st_ino);
	}
	if (k >= 0) {
		ctx->socks[k].used = ++ctx->tick;
		return &ctx->socks[k];
	}
	fd = ns_open(ctx, ns);
	if (fd < 0)
		return NULL;
	s = nl_sock_fd(ctx, fd, ns_label(ns));
	close(fd);
	return s;
}

/**
 * nl_sock_forget() - close the cached socket of a namespace being deleted
 * @ctx:	context
 * @dev:	the namespace's device
 * @ino:	its inode
 */
void nl_sock_forget(struct nsnet_ctx *ctx, dev_t dev, uint64_t ino)
{
	ssize_t k = find(ctx, dev, ino);

	if (k >= 0)
		drop(ctx, (size_t)k);
}

/**
 * nl_socks_close() - close every cached socket
 * @ctx:	context
 */
void nl_socks_close(struct nsnet_ctx *ctx)
{
	size_t i;

	for (i = 0; i < ctx->nsocks; i++)
		mnl_socket_close(ctx->socks[i].nl);
	free(ctx->socks);
	free(ctx->slots);
	ctx->socks = NULL;
	ctx->slots = NULL;
	ctx->nsocks = ctx->capsocks = ctx->nslots = 0;
}
