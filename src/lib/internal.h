/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * internal.h - what libnsnet's files share and the public header hides
 */
#ifndef NSNET_INTERNAL_H
#define NSNET_INTERNAL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <pthread.h>
#include <sys/types.h>

#include <libmnl/libmnl.h>

#include "nsnet/nsnet.h"

/** NETNS_RUN_DIR - where named namespaces live, as iproute2 keeps them */
#define NETNS_RUN_DIR "/run/netns"
/** NETNS_ETC_DIR - per-namespace files bind-mounted over /etc by exec */
#define NETNS_ETC_DIR "/etc/netns"

/* Receive buffer: large enough for any dump message batch (libmnl advice). */
#define NL_RECV_SIZE ((size_t)64 * 1024)
/* Datagrams one receive call takes (ctx->rbuf holds as many). */
#define NL_RECV_DGRAMS 4

/**
 * struct nl_sock - an rtnetlink socket opened inside one network namespace
 * @dev:	st_dev of the namespace (nsfs)
 * @ino:	inode of the namespace, which identifies it
 * @nl:		the socket; it stays bound to that namespace for its lifetime
 * @portid:	our netlink port id
 * @seq:	last sequence number used
 * @used:	when it was last handed out (the context's tick), for eviction
 */
struct nl_sock {
	dev_t dev;
	uint64_t ino;
	struct mnl_socket *nl;
	unsigned int portid;
	uint32_t seq;
	uint64_t used;
};

int sock_open_here(struct nl_sock *s, bool dumps_only);

/* Cached sockets: half the open-file limit, within these bounds; beyond,
 * the least recently used goes. */
#define SOCK_CACHE_MIN 64
#define SOCK_CACHE_MAX 16384

/**
 * struct nsnet_ctx - all of the library's state (there are no globals)
 * @host_fd:	the network namespace the context was created in
 * @socks:	one cached netlink socket per namespace used so far
 * @nsocks:	entries used in @socks
 * @capsocks:	entries allocated in @socks
 * @slots:	hash table over @socks: 0, or an index + 1 (nlsock.c)
 * @nslots:	its size, a power of two, at least twice @capsocks
 * @maxsocks:	at most this many cached sockets (from the open-file limit)
 * @tick:	counter stamping socket use
 * @rbuf:	receive buffer shared by all exchanges
 * @err:	text of the last failure
 * @err_input:	the last failure was caused by the caller's input
 * @diags:	problems found in a lab file, "FILE:LINE:COL: message"
 * @n_diags:	count
 * @fail_at:	test hook: lab operation number to fail, 0 for none
 * @helper:	the thread ns_call() hands work to, NULL until first used
 * @netns_dir_ready: /run/netns was made a shared mount point already
 * @ipv6:	kernel_has_ipv6(): 0 not asked yet, 1 yes, -1 no
 */
struct nsnet_ctx {
	int host_fd;
	struct nl_sock *socks;
	size_t nsocks;
	size_t capsocks;
	uint32_t *slots;
	size_t nslots;
	size_t maxsocks;
	uint64_t tick;
	char *rbuf;
	char err[768];
	bool err_input;
	char **diags;
	size_t n_diags;
	unsigned int fail_at;
	struct ns_helper *helper;
	bool netns_dir_ready;
	signed char ipv6;
};

bool kernel_has_ipv6(struct nsnet_ctx *ctx);

/* ---- errors (ctx.c) ---- */
int nsnet_fail(struct nsnet_ctx *ctx, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
int nsnet_fail_input(struct nsnet_ctx *ctx, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
int nsnet_fail_why(struct nsnet_ctx *ctx, int err, bool input,
		   const char *why, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));
void nsnet_clear_err(struct nsnet_ctx *ctx);

/**
 * struct err_keep - a failure's text, kept while cleanup that may fail (or
 *		     clear the context's error) runs
 * @err:	the text
 * @input:	it was the caller's input
 */
struct err_keep {
	char err[768];
	bool input;
};
void err_keep(const struct nsnet_ctx *ctx, struct err_keep *k);
void err_restore(struct nsnet_ctx *ctx, const struct err_keep *k);

/* ---- namespace descriptors (nsfd.c) ---- */
int ns_open(struct nsnet_ctx *ctx, const char *ns);
int ns_open_target(struct nsnet_ctx *ctx, const char *spec);
bool path_is_nsfs(const char *path);

/* ---- work inside another namespace (ns_call.c) ---- */
struct ns_helper;
int ns_call(struct nsnet_ctx *ctx, int nsfd, int (*fn)(void *), void *arg);
void ns_helper_stop(struct nsnet_ctx *ctx);
int start_blocked(pthread_t *t, void *(*fn)(void *), void *arg);

/* ---- the same work in many namespaces (ns_each.c) ---- */
typedef int (*ns_each_fn)(struct nsnet_ctx *w, size_t i, void *arg);
int ns_each(struct nsnet_ctx *ctx, size_t n, ns_each_fn fn, void *arg);
int ns_path(struct nsnet_ctx *ctx, const char *name, char *buf, size_t len);

/* ---- checksum offload (offload.c) ---- */
int link_tx_csum_off(struct nsnet_ctx *ctx, int fd, const char *ns,
		     const char *ifname);
int link_tx_csum_on(int fd, const char *ifname);

/* ---- prefix arithmetic (prefix.c) ---- */
size_t pfx_bytes(int family);
bool pfx_in(const struct nsnet_prefix *net, const struct nsnet_prefix *a);
bool pfx_overlap(const struct nsnet_prefix *a, const struct nsnet_prefix *b);
bool pfx_equal(const struct nsnet_prefix *a, const struct nsnet_prefix *b);
struct nsnet_prefix pfx_masked(const struct nsnet_prefix *a);
bool pfx_has_host_bits(const struct nsnet_prefix *p);
const char *pfx_special(const struct nsnet_prefix *net,
			const struct nsnet_prefix *a);
bool pfx_link_local(const struct nsnet_prefix *p);

/* ---- growable arrays for dump results (vec.c) ---- */
/**
 * struct vec - a growable array of fixed-size items
 * @items:	storage
 * @n:		items used
 * @cap:	items allocated
 * @size:	size of one item
 */
struct vec {
	void *items;
	size_t n;
	size_t cap;
	size_t size;
};
void *vec_push(struct vec *v);
int vec_take(struct vec *v, void *out_items);
void vec_sort(struct vec *v, int (*cmp)(const void *, const void *));

/* ---- netlink: sockets (nlsock.c), exchanges (nl.c) ---- */
/**
 * struct nl_req - one or more netlink requests sent as a single batch
 * @buf:	message buffer
 * @len:	bytes of finished messages in @buf
 * @cap:	size of @buf
 * @cur:	message being built, not yet counted in @len
 * @count:	number of messages, @cur included
 * @oom:	an allocation failed while building
 * @nest:	open nest of the message being built (msg_link_new())
 * @failed:	after nl_send(): index of the first message that failed, -1
 */
struct nl_req {
	char *buf;
	size_t len;
	size_t cap;
	struct nlmsghdr *cur;
	unsigned int count;
	bool oom;
	struct nlattr *nest[1];
	int failed;
};

struct nl_sock *nl_sock_get(struct nsnet_ctx *ctx, const char *ns);
struct nl_sock *nl_sock_fd(struct nsnet_ctx *ctx, int fd, const char *label);
void nl_sock_adopt(struct nsnet_ctx *ctx, const struct nl_sock *s);
void nl_sock_forget(struct nsnet_ctx *ctx, dev_t dev, uint64_t ino);
void nl_socks_close(struct nsnet_ctx *ctx);

struct nlmsghdr *nl_req_add(struct nl_req *r, uint16_t type, uint16_t flags,
			    size_t hdrlen, void **hdr);
void nl_req_free(struct nl_req *r);

/** typedef nl_parse_t - called for every data message of a reply or dump */
typedef int (*nl_parse_t)(const struct nlmsghdr *nlh, void *data);

int nl_send(struct nsnet_ctx *ctx, struct nl_sock *s, struct nl_req *r,
	    nl_parse_t parse, void *data, char *extack, size_t extack_len);
/**
 * struct nl_filter - what a dump asks the kernel to leave out
 * @ext_mask:	RTEXT_FILTER_* of a link dump (IFLA_EXT_MASK), 0 for none
 * @table:	a route dump's only table, 0 for all (the kernel honours it
 *		on strict sockets, see sock_open_here())
 */
struct nl_filter {
	uint32_t ext_mask;
	uint8_t table;
};

int nl_dump(struct nsnet_ctx *ctx, struct nl_sock *s, uint16_t type,
	    int family, size_t hdrlen, const struct nl_filter *f,
	    nl_parse_t parse, struct vec *out);
int nl_dump_inet(struct nsnet_ctx *ctx, struct nl_sock *s, uint16_t type,
		 int family, size_t hdrlen, const struct nl_filter *f,
		 nl_parse_t parse, struct vec *out);
int nl_ask(struct nsnet_ctx *ctx, struct nl_sock *s, struct nlmsghdr *nlh,
	   nl_parse_t parse, void *data);


int nl_fail(struct nsnet_ctx *ctx, int err, const char *extack,
	    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* ---- request builders (msg.c) ---- */
/**
 * struct msg_link_attrs - attributes of a link at creation
 * @group:	device group, 0 for the default
 * @master:	ifindex of the bridge to enslave to, 0 for none
 * @up:		create it up (not possible for a veth end in another netns)
 * @nsfd:	namespace to create it in, -1 for the socket's
 * @mac:	hardware address (6 bytes), or NULL for the kernel's choice
 */
struct msg_link_attrs {
	unsigned int group;
	int master;
	bool up;
	int nsfd;
	const uint8_t *mac;
};

/**
 * struct msg_link_set - changes to an existing link; zero means "keep"
 * @up:		1 up, -1 down, 0 keep
 * @nsfd:	move to this namespace, -1 to stay
 * @name:	new name
 * @mtu:	new MTU
 * @set_master:	change the master to @master (0: release)
 * @master:	ifindex of the new master
 * @alias:	new IFLA_IFALIAS
 * @no_ipv6_ll:	switch IPv6 link-local address generation off
 * @promote_secondaries: keep the other addresses when the first one goes
 */
struct msg_link_set {
	int up;
	int nsfd;
	const char *name;
	unsigned int mtu;
	bool set_master;
	int master;
	const char *alias;
	bool no_ipv6_ll;
	bool promote_secondaries;
};

struct nlmsghdr *msg_link_new(struct nl_req *r, const char *name,
			      const char *kind, const struct msg_link_attrs *a);
void msg_link_new_end(struct nl_req *r, struct nlmsghdr *nlh);
void msg_veth_new(struct nl_req *r, const char *name,
		  const struct msg_link_attrs *a, const char *peer,
		  const struct msg_link_attrs *pa);
void msg_link_set(struct nl_req *r, int ifindex, const char *name,
		  const struct msg_link_set *c);
void msg_link_del(struct nl_req *r, int ifindex, unsigned int group);
void msg_addr(struct nl_req *r, uint16_t type, int ifindex,
	      const struct nsnet_prefix *a, unsigned int flags);
void msg_route(struct nl_req *r, uint16_t type, const struct nsnet_prefix *dst,
	       const struct nsnet_prefix *via, int oif, unsigned int proto);

/* ---- shared link helpers (link.c) ---- */
int link_index(struct nsnet_ctx *ctx, struct nl_sock *s, const char *ns,
	       const char *name);
int link_cmp_index(const void *a, const void *b);
int addr_list_sock(struct nsnet_ctx *ctx, struct nl_sock *s, int family,
		   struct nsnet_address **out);
int route_list_sock(struct nsnet_ctx *ctx, struct nl_sock *s, int family,
		    struct nsnet_route **out);
int link_list_sock(struct nsnet_ctx *ctx, struct nl_sock *s,
		   struct nsnet_link **out);
int netns_id_fd(struct nsnet_ctx *ctx, struct nl_sock *s, int fd);
/* Namespaces netns_add_run() makes in one trip (each holds a socket open
 * until the trip ends). */
#define NETNS_RUN_MAX 32
int netns_add_run(struct nsnet_ctx *ctx, const char *const *names, size_t n,
		  size_t *done);

/* ---- entering a namespace for good (netns.c) ---- */
int netns_enter_fd(struct nsnet_ctx *ctx, int fd, const char *name, bool etc);

/* Name of @ns for messages: "the host" namespace or the given name. */
static inline const char *ns_label(const char *ns)
{
	return (ns && *ns) ? ns : "host";
}

#endif /* NSNET_INTERNAL_H */
