// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * doctor.c - find the usual reasons why something cannot connect
 *
 * `nsnet doctor [LAB|NS]` reads what is there and reports each fault with
 * where it is and one command that fixes it. It never changes anything: the
 * user runs the fixes, in the order given (an address before the route
 * through it, a link up before both).
 *
 * What is read: links, addresses, routes and (for gateways) neighbours of
 * the host and of the namespaces checked, /proc/sys (forwarding, rp_filter,
 * br_netfilter), the nftables ruleset, and for a lab its state and its file,
 * which says what should be there. Files under /proc/sys/net and nftables
 * contexts belong to the namespace of the calling thread, so everything is
 * called from the host namespace, like fw.c.
 *
 * The checks, by the word each puts in nsnet_finding.check:
 *   netns-stale, netns-missing	  a /run/netns file with nothing mounted; a
 *				  lab's node without its namespace
 *   lo-down, link-down		  interfaces that are administratively down
 *   link-missing, bridge-missing an interface or switch the lab file has
 *   bridge-down, port-down	  a switch, or a switch port, down
 *   port-nomaster		  a node's host end off its switch
 *   addr-missing, route-missing  what the lab file (and the state's `auto`
 *				  addresses) says a node has
 *   gateway-offlink		  a gateway on no connected subnet
 *   gateway-unresolved		  a gateway nothing checked owns, whose
 *				  neighbour entry is FAILED or INCOMPLETE
 *   ip-forward			  forwarding off while a lab routes
 *   nft-missing, nft-changed	  the lab's table gone or edited
 *   rp-filter			  strict reverse-path filtering on a lab
 *				  bridge while the lab routes between networks
 *   mtu-mismatch		  veth ends, or ports and their bridge, disagree
 *   addr-duplicate		  one address on two interfaces
 *   br-netfilter		  bridged traffic sent through another table's
 *				  forward chain whose policy is drop
 *   ovs-checksum		  a node end on a userspace Open vSwitch that
 *				  leaves its checksums to the switch: ping
 *				  passes, TCP and UDP do not (offload.c)
 *
 * Faults are found from the kernel's own data; a fault with an obvious
 * cause elsewhere is not reported twice (a gateway owned by the lab is
 * covered by the checks of its owner). Findings with the same fix at the
 * same place are merged.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/if.h>
#include <linux/neighbour.h>
#include <linux/rtnetlink.h>


#include "engine.h"
#include "fw.h"
#include "ovs.h"

/* --------------------------------------------------------------- the model */

/**
 * struct view - what one namespace holds (the host's: @name "")
 * @name:	namespace name, "" for the host
 * @exists:	a live namespace of that name was found
 * @stale:	a file of that name with no namespace mounted on it
 * @nsid:	the id the host gives it, -1 if none (no veth crosses)
 * @node:	its node's index in the lab file, LAB_NONE if none
 * @links:	its links, sorted by ifindex
 * @n_links:	count
 * @byname:	the links sorted by name
 * @bypeer:	(host only) links with a peer elsewhere, sorted by
 *		(link_netnsid, link), to find a node end's host end
 * @n_bypeer:	count
 * @addrs:	its addresses
 * @n_addrs:	count
 * @routes:	its main-table routes
 * @n_routes:	count
 * @neigh:	its IPv4 neighbours, read when first needed
 * @n_neigh:	count, -1 until read
 */
struct view {
	char name[NSNET_NSNAMSIZ];
	bool exists;
	bool stale;
	int nsid;
	size_t node;
	struct nsnet_link *links;
	int n_links;
	const struct nsnet_link **byname;
	const struct nsnet_link **bypeer;
	int n_bypeer;
	struct nsnet_address *addrs;
	int n_addrs;
	struct nsnet_route *routes;
	int n_routes;
	struct nsnet_neigh *neigh;
	int n_neigh;
};

/**
 * struct doctor - one run
 * @ctx:	context
 * @found:	the findings so far (struct nsnet_finding)
 * @host:	the host namespace
 * @names:	entries of /run/netns with their ids, sorted by name
 * @n_names:	count
 * @ruleset:	the nftables ruleset as JSON, read when first needed
 * @ruleset_read: it was tried
 * @oom:	an allocation failed
 */
struct doctor {
	struct nsnet_ctx *ctx;
	struct vec found;
	struct view host;
	struct nsnet_netns *names;
	int n_names;
	json_t *ruleset;
	bool ruleset_read;
	bool oom;
};

/**
 * struct labdoc - one lab being checked
 * @d:		the run
 * @name:	lab name
 * @st:		its state
 * @file:	its lab file (absolute), from the state
 * @lab:	the file as it reads now; NULL when it cannot be compared
 * @views:	its nodes: in file order (@lab) or state order, or only @only
 * @n_views:	count
 * @only:	check only this node (`doctor NS` of a lab's node), or NULL
 */
struct labdoc {
	struct doctor *d;
	const char *name;
	json_t *st;
	const char *file;
	struct lab *lab;
	struct view *views;
	size_t n_views;
	const char *only;
};

/* ------------------------------------------------------------------- text */

/**
 * struct dtext - a short text returned by value, for message arguments
 * @s:		the text (a C11 temporary lives until the end of the call)
 */
struct dtext {
	char s[NSNET_NSNAMSIZ * 4 + 8];
};

/**
 * show() - a name made safe to print on one line
 * @v:		the name (from the kernel or a directory: anything goes)
 *
 * Control characters and '\' become \xHH, so a finding stays one line.
 *
 * Return: the text.
 */
static struct dtext show(const char *v)
{
	struct dtext t;
	size_t o = 0;

	for (; *v && o + 5 < sizeof(t.s); v++) {
		unsigned char c = (unsigned char)*v;

		if (c < 0x20 || c == 0x7f || c == '\\')
			o += (size_t)snprintf(t.s + o, sizeof(t.s) - o,
					      "\\x%02x", c);
		else
			t.s[o++] = (char)c;
	}
	t.s[o] = '\0';
	return t;
}

/**
 * struct atext - an address as text, returned by value
 * @s:		the text
 */
struct atext {
	char s[64];
};

/**
 * pfx() - an address as text
 * @p:		the address
 * @with_len:	append "/LEN"
 *
 * Return: the text.
 */
static struct atext pfx(const struct nsnet_prefix *p, bool with_len)
{
	struct atext t = { "" };

	nsnet_prefix_format(p, with_len, t.s, sizeof(t.s));
	return t;
}

/**
 * cat() - append formatted text to a buffer, cut at its end
 * @buf:	NUL-terminated buffer
 * @len:	its size
 * @fmt:	printf format
 */
static void __attribute__((format(printf, 3, 4)))
cat(char *buf, size_t len, const char *fmt, ...)
{
	size_t o = strlen(buf);
	va_list ap;

	if (o + 1 >= len)
		return;
	va_start(ap, fmt);
	vsnprintf(buf + o, len - o, fmt, ap);
	va_end(ap);
}

/**
 * put() - append bytes to a command line being built
 * @buf:	buffer
 * @len:	its size
 * @pos:	bytes used
 * @s:		bytes
 * @n:		count
 *
 * Return: false when they do not fit (nothing appended).
 */
static bool put(char *buf, size_t len, size_t *pos, const char *s, size_t n)
{
	if (*pos + n >= len)
		return false;
	memcpy(buf + *pos, s, n);
	*pos += n;
	buf[*pos] = '\0';
	return true;
}

/**
 * sh_plain() - whether a word needs no quoting in a shell
 * @s:		the word
 *
 * Return: true for a non-empty word of letters, digits and @%+=:,./_-.
 */
static bool sh_plain(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && !strchr("@%+=:,./_-", *s))
			return false;
	return true;
}

/**
 * sh_quote() - append one argument, quoted for a POSIX shell
 * @buf:	buffer
 * @len:	its size
 * @pos:	bytes used
 * @arg:	the argument
 *
 * Names may hold any byte but '/' and NUL, and a fix is meant to be pasted
 * into a shell as it is: '...' quoting, or bash's $'...' when there are
 * control characters (a newline inside '...' would split the finding).
 *
 * Return: false when it does not fit.
 */
static bool sh_quote(char *buf, size_t len, size_t *pos, const char *arg)
{
	bool ctl = false;
	const char *p;
	char esc[8];

	if (sh_plain(arg))
		return put(buf, len, pos, arg, strlen(arg));
	for (p = arg; *p; p++)
		ctl |= (unsigned char)*p < 0x20 || *p == 0x7f;
	if (!put(buf, len, pos, ctl ? "$'" : "'", ctl ? 2 : 1))
		return false;
	for (p = arg; *p; p++) {
		unsigned char c = (unsigned char)*p;

		if (!ctl && c == '\'')
			snprintf(esc, sizeof(esc), "'\\''");
		else if (ctl && (c < 0x20 || c == 0x7f))
			snprintf(esc, sizeof(esc), "\\x%02x", c);
		else if (ctl && (c == '\\' || c == '\''))
			snprintf(esc, sizeof(esc), "\\%c", c);
		else
			snprintf(esc, sizeof(esc), "%c", c);
		if (!put(buf, len, pos, esc, strlen(esc)))
			return false;
	}
	return put(buf, len, pos, "'", 1);
}

/* --------------------------------------------------------------- findings */

/**
 * start() - begin a finding: severity, check, place
 * @f:		the finding, zeroed here
 * @sev:	enum nsnet_severity
 * @check:	the check's word
 * @lab:	lab name, NULL or "" for none
 * @ns:		namespace, NULL or "" for the host
 * @ifname:	interface, NULL or "" for none
 *
 * @where is written from the place: "lab L, node N, interface I" (a
 * namespace outside a lab is "netns N", the host is "host").
 */
static void start(struct nsnet_finding *f, int sev, const char *check,
		  const char *lab, const char *ns, const char *ifname)
{
	memset(f, 0, sizeof(*f));
	f->severity = sev;
	snprintf(f->check, sizeof(f->check), "%s", check);
	snprintf(f->lab, sizeof(f->lab), "%s", lab ? lab : "");
	snprintf(f->netns, sizeof(f->netns), "%s", ns ? ns : "");
	snprintf(f->ifname, sizeof(f->ifname), "%s", ifname ? ifname : "");
	if (*f->lab)
		cat(f->where, sizeof(f->where), "lab %s, ", show(f->lab).s);
	if (*f->netns)
		cat(f->where, sizeof(f->where), "%s %s", *f->lab ? "node" : "netns",
		    show(f->netns).s);
	else
		cat(f->where, sizeof(f->where), "host");
	if (*f->ifname)
		cat(f->where, sizeof(f->where), ", interface %s",
		    show(f->ifname).s);
}

/**
 * what() - say what is wrong
 * @f:		the finding
 * @fmt:	printf format
 */
static void __attribute__((format(printf, 2, 3)))
what(struct nsnet_finding *f, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(f->what, sizeof(f->what), fmt, ap);
	va_end(ap);
}

/** FIX_ARGS - most words a fix has */
#define FIX_ARGS 24

/**
 * fix_argv() - the fix: a command line from its words
 * @f:		the finding
 * @argv:	the words, NULL-terminated
 *
 * A line that would not fit is left empty: a cut command is worse than
 * none.
 */
static void fix_argv(struct nsnet_finding *f, const char *const *argv)
{
	size_t pos = 0;

	f->fix[0] = '\0';
	for (; *argv; argv++) {
		if ((pos && !put(f->fix, sizeof(f->fix), &pos, " ", 1)) ||
		    !sh_quote(f->fix, sizeof(f->fix), &pos, *argv)) {
			f->fix[0] = '\0';
			return;
		}
	}
}

/**
 * W() - a NULL-terminated array of words, for fix_argv() and fix_nsnet()
 * @...:	the words
 */
#define W(...) ((const char *const[]){ __VA_ARGS__, NULL })

/**
 * fix_nsnet() - the fix: an nsnet command, in a namespace
 * @f:		the finding
 * @ns:		namespace ("" or NULL: the host, no -n)
 * @words:	the rest of the command ("link", "set", ...), NULL-terminated
 */
static void fix_nsnet(struct nsnet_finding *f, const char *ns,
		      const char *const *words)
{
	const char *argv[FIX_ARGS] = { "nsnet", "-n", ns };
	size_t n = ns && *ns ? 3 : 1;

	while (*words && n + 1 < FIX_ARGS)
		argv[n++] = *words++;
	argv[n] = NULL;
	fix_argv(f, argv);
}

/**
 * fix_up() - the fix: bring the lab back to its file
 * @f:		the finding
 * @ld:		the lab
 *
 * `up` converges what exists to the file: it recreates what is missing
 * and replaces a table that drifted.
 */
static void fix_up(struct nsnet_finding *f, const struct labdoc *ld)
{
	size_t pos;

	if (ld->lab) {
		fix_argv(f, W("nsnet", "up", ld->file));
		return;
	}
	/* `up` of a file that does not read cleanly would fail: say so */
	snprintf(f->fix, sizeof(f->fix), "# once the lab file reads cleanly: nsnet up ");
	pos = strlen(f->fix);
	if (!sh_quote(f->fix, sizeof(f->fix), &pos, *ld->file ? ld->file : "FILE"))
		f->fix[0] = '\0';
}

/**
 * same_finding() - whether two findings are one
 * @a:		one
 * @b:		another
 *
 * The same fix at the same place is the same finding, found twice (a
 * bridge is down for the lab and for each of its ports' nodes).
 *
 * Return: true if so.
 */
static bool same_finding(const struct nsnet_finding *a,
			 const struct nsnet_finding *b)
{
	if (strcmp(a->where, b->where))
		return false;
	if (*a->fix || *b->fix)
		return !strcmp(a->fix, b->fix);
	return !strcmp(a->check, b->check) && !strcmp(a->what, b->what);
}

/**
 * emit() - record a finding unless it is already recorded
 * @d:		the run
 * @f:		the finding
 */
static void emit(struct doctor *d, const struct nsnet_finding *f)
{
	const struct nsnet_finding *all = d->found.items;
	struct nsnet_finding *e;
	size_t i;

	for (i = 0; i < d->found.n; i++)
		if (same_finding(&all[i], f))
			return;
	e = vec_push(&d->found);
	if (!e) {
		d->oom = true;
		return;
	}
	*e = *f;
}

/**
 * reported() - whether a check already reported something in @ns
 * @d:		the run
 * @check:	the check's word
 * @ns:		namespace name
 *
 * Return: true if so.
 */
static bool reported(const struct doctor *d, const char *check,
		     const char *ns)
{
	const struct nsnet_finding *all = d->found.items;
	size_t i;

	for (i = 0; i < d->found.n; i++)
		if (!strcmp(all[i].check, check) && !strcmp(all[i].netns, ns))
			return true;
	return false;
}

/* ------------------------------------------------------------------ views */

/**
 * cmp_link_name() - order link pointers by name
 * @a:		const struct nsnet_link *const *
 * @b:		same
 *
 * Return: strcmp() of the names.
 */
static int cmp_link_name(const void *a, const void *b)
{
	return strcmp((*(const struct nsnet_link *const *)a)->name,
		      (*(const struct nsnet_link *const *)b)->name);
}

/**
 * cmp_link_peer() - order link pointers by (link_netnsid, link)
 * @a:		const struct nsnet_link *const *
 * @b:		same
 *
 * Return: <0, 0, >0.
 */
static int cmp_link_peer(const void *a, const void *b)
{
	const struct nsnet_link *x = *(const struct nsnet_link *const *)a;
	const struct nsnet_link *y = *(const struct nsnet_link *const *)b;

	if (x->link_netnsid != y->link_netnsid)
		return x->link_netnsid < y->link_netnsid ? -1 : 1;
	return x->link < y->link ? -1 : x->link > y->link;
}

/**
 * cmp_netns_name() - bsearch: a name against a /run/netns entry
 * @key:	const char *
 * @item:	struct nsnet_netns *
 *
 * Return: strcmp().
 */
static int cmp_netns_name(const void *key, const void *item)
{
	return strcmp(key, ((const struct nsnet_netns *)item)->name);
}

/**
 * index_links() - build a view's lookup arrays
 * @v:		the view, links read
 * @host:	also index the links by peer
 *
 * Return: 0, or -ENOMEM.
 */
static int index_links(struct view *v, bool host)
{
	size_t n = v->n_links ? (size_t)v->n_links : 1;
	int i;

	v->byname = malloc(n * sizeof(*v->byname));
	v->bypeer = host ? malloc(n * sizeof(*v->bypeer)) : NULL;
	if (!v->byname || (host && !v->bypeer))
		return -ENOMEM;
	for (i = 0; i < v->n_links; i++) {
		v->byname[i] = &v->links[i];
		if (host && v->links[i].link_netnsid >= 0)
			v->bypeer[v->n_bypeer++] = &v->links[i];
	}
	qsort(v->byname, (size_t)v->n_links, sizeof(*v->byname),
	      cmp_link_name);
	if (host)
		qsort(v->bypeer, (size_t)v->n_bypeer, sizeof(*v->bypeer),
		      cmp_link_peer);
	return 0;
}

/**
 * view_load() - read one namespace
 * @d:		the run
 * @name:	namespace name, "" for the host
 * @v:		filled; release with view_free()
 *
 * A namespace that is missing (or went away while being read) or stale
 * is no error: the view says so.
 *
 * Return: 0, or -errno recorded in the context.
 */
static int view_load(struct doctor *d, const char *name, struct view *v)
{
	char path[sizeof(NETNS_RUN_DIR) + NSNET_NSNAMSIZ];
	const struct nsnet_netns *e;
	int err;

	memset(v, 0, sizeof(*v));
	v->nsid = -1;
	v->node = LAB_NONE;
	v->n_neigh = -1;
	snprintf(v->name, sizeof(v->name), "%s", name);
	if (*name) {
		snprintf(path, sizeof(path), "%s/%s", NETNS_RUN_DIR, name);
		if (access(path, F_OK) < 0)
			return 0;
		if (!path_is_nsfs(path)) {
			v->stale = true;
			return 0;
		}
		e = d->n_names ? bsearch(name, d->names, (size_t)d->n_names,
					 sizeof(*d->names), cmp_netns_name) :
				 NULL;
		v->nsid = e ? e->id : -1;
	}
	v->n_links = nsnet_link_list(d->ctx, name, &v->links);
	if (v->n_links == -ENOENT && *name) {
		/* deleted between the look and the dump */
		v->n_links = 0;
		nsnet_clear_err(d->ctx);
		return 0;
	}
	if (v->n_links < 0)
		return v->n_links;
	/* Open vSwitch ports: their bridge counts as their master. */
	err = *name ? 0 : nsnet_ovs_masters(d->ctx, v->links, v->n_links);
	if (err)
		return err;
	v->exists = true;
	v->n_addrs = nsnet_addr_list(d->ctx, name, 0, &v->addrs);
	if (v->n_addrs < 0)
		return v->n_addrs;
	v->n_routes = nsnet_route_list(d->ctx, name, 0, &v->routes);
	if (v->n_routes < 0)
		return v->n_routes;
	err = index_links(v, !*name);
	return err ? nsnet_fail(d->ctx, err, "doctor") : 0;
}

/**
 * view_free() - release a view
 * @v:		the view, may be zeroed
 */
static void view_free(struct view *v)
{
	free(v->links);
	free(v->byname);
	free(v->bypeer);
	free(v->addrs);
	free(v->routes);
	free(v->neigh);
	memset(v, 0, sizeof(*v));
}

/**
 * views_free() - release an array of views
 * @v:		the views, may be NULL
 * @n:		count
 */
static void views_free(struct view *v, size_t n)
{
	size_t i;

	for (i = 0; v && i < n; i++)
		view_free(&v[i]);
	free(v);
}

/**
 * view_link() - a view's link by name
 * @v:		the view
 * @name:	link name
 *
 * Return: it, or NULL.
 */
static const struct nsnet_link *view_link(const struct view *v,
					  const char *name)
{
	struct nsnet_link key, *kp = &key;
	const struct nsnet_link **r;

	if (!v->exists || !v->n_links)
		return NULL;
	snprintf(key.name, sizeof(key.name), "%s", name);
	r = bsearch(&kp, v->byname, (size_t)v->n_links, sizeof(*v->byname),
		    cmp_link_name);
	return r ? *r : NULL;
}

/**
 * cmp_index() - bsearch: an ifindex against a link
 * @key:	int *
 * @item:	struct nsnet_link *
 *
 * Return: <0, 0, >0.
 */
static int cmp_index(const void *key, const void *item)
{
	int a = *(const int *)key, b = ((const struct nsnet_link *)item)->ifindex;

	return a < b ? -1 : a > b;
}

/**
 * view_index() - a view's link by ifindex
 * @v:		the view
 * @ifindex:	index
 *
 * Return: it, or NULL.
 */
static const struct nsnet_link *view_index(const struct view *v, int ifindex)
{
	if (!v->exists || !v->n_links)
		return NULL;
	return bsearch(&ifindex, v->links, (size_t)v->n_links,
		       sizeof(*v->links), cmp_index);
}

/**
 * host_end() - the host end of a veth whose other end is in @v
 * @d:		the run
 * @v:		the namespace
 * @l:		its link
 *
 * The host knows the namespace by an id, and the link by its ifindex
 * there: a host link pointing at (id, ifindex) is its peer.
 *
 * Return: the host link, or NULL (not a veth to the host).
 */
static const struct nsnet_link *host_end(const struct doctor *d,
					 const struct view *v,
					 const struct nsnet_link *l)
{
	struct nsnet_link key = { .link_netnsid = v->nsid, .link = l->ifindex };
	const struct nsnet_link *kp = &key, **r;

	if (v->nsid < 0 || l->link_netnsid < 0 || !d->host.n_bypeer)
		return NULL;
	r = bsearch(&kp, d->host.bypeer, (size_t)d->host.n_bypeer,
		    sizeof(*d->host.bypeer), cmp_link_peer);
	return r ? *r : NULL;
}

/**
 * usable_addr() - whether an address takes part in the checks
 * @a:		the address
 *
 * Loopback and IPv6 link-local addresses are on every interface by design.
 *
 * Return: true if it counts.
 */
static bool usable_addr(const struct nsnet_prefix *a)
{
	static const uint8_t v6lo[16] = { [15] = 1 };

	if (a->family == AF_INET)
		return a->addr[0] != 127;
	return memcmp(a->addr, v6lo, 16) && !pfx_link_local(a);
}

/**
 * addr_eq() - same address, whatever the prefix lengths
 * @a:		one
 * @b:		another
 *
 * Return: true if equal.
 */
static bool addr_eq(const struct nsnet_prefix *a, const struct nsnet_prefix *b)
{
	return a->family == b->family &&
	       !memcmp(a->addr, b->addr, pfx_bytes(a->family));
}

/**
 * addr_on() - whether a link has an address (and prefix length)
 * @v:		the view
 * @ifindex:	the link
 * @a:		the address with its length
 *
 * Return: true if so.
 */
static bool addr_on(const struct view *v, int ifindex,
		    const struct nsnet_prefix *a)
{
	int i;

	for (i = 0; i < v->n_addrs; i++)
		if (v->addrs[i].ifindex == ifindex &&
		    pfx_equal(&v->addrs[i].local, a))
			return true;
	return false;
}

/**
 * has_addrs() - whether a link has any address that counts
 * @v:		the view
 * @ifindex:	the link
 *
 * Return: true if so.
 */
static bool has_addrs(const struct view *v, int ifindex)
{
	int i;

	for (i = 0; i < v->n_addrs; i++)
		if (v->addrs[i].ifindex == ifindex &&
		    usable_addr(&v->addrs[i].local))
			return true;
	return false;
}

/**
 * owns_addr() - whether a view has an address on a link that is up
 * @v:		the view
 * @a:		the address
 *
 * Return: true if so.
 */
static bool owns_addr(const struct view *v, const struct nsnet_prefix *a)
{
	const struct nsnet_link *l;
	int i;

	for (i = 0; v->exists && i < v->n_addrs; i++) {
		if (!addr_eq(&v->addrs[i].local, a))
			continue;
		l = view_index(v, v->addrs[i].ifindex);
		if (l && (l->flags & IFF_UP))
			return true;
	}
	return false;
}

/* ---------------------------------------------------------- /proc and nft */

/**
 * read_knob() - a /proc/sys value as a number
 * @path:	the file
 * @val:	the value
 *
 * Read in the calling thread, whose namespace /proc/sys/net shows.
 *
 * Return: 0, or -errno (-ENOENT: no such setting, e.g. no br_netfilter).
 */
static int read_knob(const char *path, long *val)
{
	char buf[32], *end;
	ssize_t n;
	int fd, err;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, sizeof(buf) - 1);
	err = n < 0 ? -errno : -EIO;
	close(fd);
	if (n <= 0)
		return err;
	buf[n] = '\0';
	*val = strtol(buf, &end, 10);
	return end == buf ? -EIO : 0;
}

/**
 * knob_is() - whether a /proc/sys value is @want
 * @path:	the file
 * @want:	the value
 *
 * Return: true if it is (false when it cannot be read).
 */
static bool knob_is(const char *path, long want)
{
	long v = 0;

	return !read_knob(path, &v) && v == want;
}

/**
 * ruleset() - the host's nftables ruleset as JSON
 * @d:		the run
 *
 * Read once per run, with a context made in the calling thread (the host
 * namespace). A ruleset that cannot be read (no privilege, no nf_tables)
 * has nothing to say: NULL.
 *
 * Return: the `{"nftables": [...]}` object, or NULL.
 */
static json_t *ruleset(struct doctor *d)
{
	char *out = NULL;

	if (d->ruleset_read)
		return d->ruleset;
	d->ruleset_read = true;
	if (fw_ruleset_json(d->ctx, &out) == 0)
		d->ruleset = json_loads(out, 0, NULL);
	else
		nsnet_clear_err(d->ctx);
	free(out);
	return d->ruleset;
}

/* --------------------------------------------- checks of one namespace */

/**
 * interesting() - whether a link that is down is worth a finding
 * @v:		its namespace
 * @l:		the link
 *
 * Every new namespace may hold fallback tunnel devices (tunl0, sit0, ...)
 * that are down by design; a link counts when it is a cable or switch, or
 * carries an address.
 *
 * Return: true if so.
 */
static bool interesting(const struct view *v, const struct nsnet_link *l)
{
	static const char *const kinds[] = {
		"veth", "bridge", "vlan", "macvlan", "ipvlan", "vxlan",
		"dummy", "bond", "wireguard", "openvswitch",
	};
	size_t i;

	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (!strcmp(l->kind, kinds[i]))
			return true;
	return has_addrs(v, l->ifindex);
}

/**
 * is_ovs() - whether a master is an Open vSwitch bridge's internal port
 * @br:		the master (nsnet_ovs_masters() makes it an OVS port's)
 *
 * Its port being down stops only the host's own traffic: ovs-vswitchd
 * switches between the other ports regardless.
 *
 * Return: true for the kernel datapath's device or the userspace one's tap.
 */
static bool is_ovs(const struct nsnet_link *br)
{
	return !strcmp(br->kind, "openvswitch") || !strcmp(br->kind, "tun");
}

/**
 * check_ovs_checksum() - a node end on a userspace switch must compute
 *			  its own checksums
 * @d:		the run
 * @lab:	lab name for the finding, or ""
 * @v:		the node's namespace
 * @l:		the node end
 * @br:		the OVS bridge its host end is a port of
 */
static void check_ovs_checksum(struct doctor *d, const char *lab,
			       const struct view *v, const struct nsnet_link *l,
			       const struct nsnet_link *br)
{
	struct nl_sock *s;
	struct nsnet_finding f;

	if (!ovs_userspace())
		return;
	s = nl_sock_get(d->ctx, v->name);
	if (!s || link_tx_csum_on(mnl_socket_get_fd(s->nl), l->name) != 1)
		return;
	start(&f, NSNET_SEV_ERROR, "ovs-checksum", lab, v->name, l->name);
	what(&f, "%s sends through Open vSwitch bridge %s, which switches in userspace and never completes a checksum: ping passes, TCP and UDP are dropped",
	     show(l->name).s, show(br->name).s);
	fix_argv(&f, W("nsnet", "netns", "exec", v->name, "ethtool", "-K",
		       l->name, "tx", "off"));
	emit(d, &f);
}

/**
 * check_host_end() - the host end of a namespace's veth, and its switch
 * @d:		the run
 * @lab:	lab name for the finding, or ""
 * @h:		the host end
 */
static void check_host_end(struct doctor *d, const char *lab,
			   const struct nsnet_link *h)
{
	const struct nsnet_link *br = h->master ? view_index(&d->host, h->master) :
						  NULL;
	struct nsnet_finding f;

	if (br && !(br->flags & IFF_UP) && !is_ovs(br)) {
		start(&f, NSNET_SEV_ERROR, "bridge-down", lab, "", br->name);
		what(&f, "bridge %s is down: nothing passes between its ports",
		     show(br->name).s);
		fix_nsnet(&f, "", W("link", "set", br->name, "up"));
		emit(d, &f);
	}
	if (h->flags & IFF_UP)
		return;
	if (br) {
		start(&f, NSNET_SEV_ERROR, "port-down", lab, "", h->name);
		what(&f, "bridge port %s of %s is down (the cable's far end has no carrier)",
		     show(h->name).s, show(br->name).s);
	} else {
		start(&f, NSNET_SEV_ERROR, "link-down", lab, "", h->name);
		what(&f, "host end %s of a veth is down (the far end has no carrier)",
		     show(h->name).s);
	}
	fix_nsnet(&f, "", W("link", "set", h->name, "up"));
	emit(d, &f);
}

/**
 * check_links() - lo and links down in a namespace, and their host ends
 * @d:		the run
 * @lab:	lab name for the findings, or ""
 * @v:		the namespace
 */
static void check_links(struct doctor *d, const char *lab,
			const struct view *v)
{
	struct nsnet_finding f;
	int i;

	for (i = 0; i < v->n_links; i++) {
		const struct nsnet_link *l = &v->links[i], *h, *br;

		if (l->flags & IFF_LOOPBACK) {
			if (l->flags & IFF_UP)
				continue;
			start(&f, NSNET_SEV_ERROR, "lo-down", lab, v->name, l->name);
			what(&f, "loopback %s is down: the namespace cannot reach its own addresses",
			     show(l->name).s);
			fix_nsnet(&f, v->name, W("link", "set", l->name, "up"));
			emit(d, &f);
			continue;
		}
		if (!(l->flags & IFF_UP) && interesting(v, l)) {
			start(&f, NSNET_SEV_ERROR, "link-down", lab, v->name, l->name);
			what(&f, "interface %s is down", show(l->name).s);
			fix_nsnet(&f, v->name, W("link", "set", l->name, "up"));
			emit(d, &f);
		}
		h = host_end(d, v, l);
		if (h)
			check_host_end(d, lab, h);
		br = h && h->master ? view_index(&d->host, h->master) : NULL;
		if (br && is_ovs(br))
			check_ovs_checksum(d, lab, v, l, br);
	}
}

/**
 * connected() - whether an address is on a subnet of the namespace
 * @v:		the namespace
 * @oif:	only on this link (0: any)
 * @a:		the address
 *
 * Return: true if some address of the link has @a in its subnet.
 */
static bool connected(const struct view *v, int oif,
		      const struct nsnet_prefix *a)
{
	int i;

	for (i = 0; i < v->n_addrs; i++)
		if ((!oif || v->addrs[i].ifindex == oif) &&
		    v->addrs[i].local.family == a->family &&
		    pfx_in(&v->addrs[i].local, a))
			return true;
	return false;
}

/**
 * lab_owns() - whether the lab has @a: its file gives it to the host or a
 * node, or a node checked has it
 * @ld:		the lab, or NULL
 * @a:		an address
 *
 * A gateway the lab owns is checked where it is (bridge, node): a
 * neighbour entry that failed before a fix is not news.
 *
 * Return: true if so.
 */
static bool lab_owns(const struct labdoc *ld, const struct nsnet_prefix *a)
{
	size_t i, j;

	if (!ld)
		return false;
	for (i = 0; i < ld->n_views; i++)
		if (owns_addr(&ld->views[i], a))
			return true;
	if (!ld->lab)
		return false;
	for (i = 0; i < ld->lab->n_networks; i++)
		if (ld->lab->networks[i].has_gateway &&
		    addr_eq(&ld->lab->networks[i].gateway, a))
			return true;
	for (i = 0; i < ld->lab->n_nodes; i++)
		for (j = 0; j < ld->lab->nodes[i].n_ifaces; j++)
			if (ld->lab->nodes[i].ifaces[j].addr_kind == LAB_ADDR_STATIC &&
			    addr_eq(&ld->lab->nodes[i].ifaces[j].addr, a))
				return true;
	for (i = 0; i < ld->lab->n_links; i++)
		for (j = 0; j < 2; j++)
			if (ld->lab->links[i].end[j].has_addr &&
			    addr_eq(&ld->lab->links[i].end[j].addr, a))
				return true;
	return false;
}

/**
 * neigh_state() - the neighbour state of @a on @ifindex
 * @d:		the run
 * @v:		the namespace (its neighbours are read on first use)
 * @ifindex:	the link
 * @a:		the address
 *
 * Return: NUD_* state, 0 when there is no entry (or it could not be read).
 */
static unsigned int neigh_state(struct doctor *d, struct view *v, int ifindex,
				const struct nsnet_prefix *a)
{
	int i;

	if (v->n_neigh < 0) {
		v->n_neigh = nsnet_neigh_list(d->ctx, v->name, AF_INET, &v->neigh);
		if (v->n_neigh < 0) {
			v->n_neigh = 0;
			nsnet_clear_err(d->ctx);
		}
	}
	for (i = 0; i < v->n_neigh; i++)
		if (v->neigh[i].ifindex == ifindex && addr_eq(&v->neigh[i].dst, a))
			return v->neigh[i].state;
	return 0;
}

/**
 * route_dst() - a route's destination as nsnet's route commands take it
 * @r:		the destination
 *
 * Return: "default" or "ADDR/LEN".
 */
static struct atext route_dst(const struct nsnet_prefix *r)
{
	struct atext t;

	if (!r->len)
		snprintf(t.s, sizeof(t.s), "default");
	else
		t = pfx(r, true);
	return t;
}

/**
 * check_gateways() - each IPv4 gateway is on a subnet and answers
 * @d:		the run
 * @ld:		the lab the namespace is a node of, or NULL
 * @lab:	lab name for the findings, or ""
 * @v:		the namespace
 *
 * IPv6 is left out: its gateways are link-local, on-link by definition.
 */
static void check_gateways(struct doctor *d, const struct labdoc *ld,
			   const char *lab, struct view *v)
{
	const struct nsnet_link *l;
	struct nsnet_finding f;
	unsigned int nud;
	int i;

	for (i = 0; i < v->n_routes; i++) {
		const struct nsnet_route *r = &v->routes[i];

		if (!r->has_gateway || r->gateway.family != AF_INET ||
		    r->type != RTN_UNICAST || (r->flags & RTNH_F_ONLINK))
			continue;
		l = view_index(v, r->oif);
		if (!connected(v, r->oif, &r->gateway)) {
			start(&f, NSNET_SEV_ERROR, "gateway-offlink", lab, v->name,
			      l ? l->name : "");
			what(&f, "gateway %s of route %s is on no subnet of %s: it cannot be reached",
			     pfx(&r->gateway, false).s, route_dst(&r->dst).s,
			     l ? show(l->name).s : "the namespace");
			cat(f.fix, sizeof(f.fix),
			    "# give %s an address on %s's subnet, or route %s via a gateway on one",
			    l ? show(l->name).s : "an interface",
			    pfx(&r->gateway, false).s, route_dst(&r->dst).s);
			emit(d, &f);
			continue;
		}
		/* Owned by something checked here: its own checks speak. */
		if (lab_owns(ld, &r->gateway) || owns_addr(&d->host, &r->gateway))
			continue;
		nud = neigh_state(d, v, r->oif, &r->gateway);
		if (!(nud & (NUD_FAILED | NUD_INCOMPLETE)))
			continue;
		start(&f, NSNET_SEV_ERROR, "gateway-unresolved", lab, v->name,
		      l ? l->name : "");
		what(&f, "gateway %s does not answer ARP on %s (neighbour %s)",
		     pfx(&r->gateway, false).s,
		     l ? show(l->name).s : "its interface",
		     nud & NUD_FAILED ? "FAILED" : "INCOMPLETE");
		cat(f.fix, sizeof(f.fix),
		    "# nothing checked here has %s: start the router there, or route %s via another gateway",
		    pfx(&r->gateway, false).s, route_dst(&r->dst).s);
		emit(d, &f);
	}
}

/* ------------------------------------------------------------------- MTU */

/**
 * struct member - one interface of a segment whose MTUs must agree
 * @ns:		its namespace ("" for the host)
 * @l:		the link
 * @mine:	a finding about it is in scope
 */
struct member {
	const char *ns;
	const struct nsnet_link *l;
	bool mine;
};

/**
 * majority_mtu() - the MTU most members have (the larger on a tie)
 * @m:		members
 * @n:		count, at least 1
 *
 * The odd one out is the one changed by hand: the fix puts it back.
 *
 * Return: the MTU.
 */
static unsigned int majority_mtu(const struct member *m, size_t n)
{
	unsigned int best = m[0].l->mtu;
	size_t i, j, best_n = 0;

	for (i = 0; i < n; i++) {
		size_t c = 0;

		for (j = 0; j < n; j++)
			c += m[j].l->mtu == m[i].l->mtu;
		if (c > best_n || (c == best_n && m[i].l->mtu > best)) {
			best = m[i].l->mtu;
			best_n = c;
		}
	}
	return best;
}

/**
 * mtu_finding() - report one interface whose MTU differs
 * @d:		the run
 * @lab:	lab name, or ""
 * @ns:		its namespace ("" for the host)
 * @l:		the link
 * @want:	the MTU it should have
 * @with:	what it should agree with, for the message
 */
static void mtu_finding(struct doctor *d, const char *lab, const char *ns,
			const struct nsnet_link *l, unsigned int want,
			const char *with)
{
	struct nsnet_finding f;
	char mtu[16];

	snprintf(mtu, sizeof(mtu), "%u", want);
	start(&f, NSNET_SEV_WARNING, "mtu-mismatch", lab, ns, l->name);
	what(&f, "MTU %u of %s differs from %s (%u): large packets are dropped",
	     l->mtu, show(l->name).s, with, want);
	fix_nsnet(&f, ns, W("link", "set", l->name, "mtu", mtu));
	emit(d, &f);
}

/**
 * find_view_by_id() - the view the host knows by id @nsid
 * @views:	views
 * @n:		count
 * @nsid:	the id
 *
 * Return: it, or NULL.
 */
static const struct view *find_view_by_id(const struct view *views, size_t n,
					  int nsid)
{
	size_t i;

	for (i = 0; nsid >= 0 && i < n; i++)
		if (views[i].exists && views[i].nsid == nsid)
			return &views[i];
	return NULL;
}

/**
 * add_member() - add an interface to a segment
 * @v:		the segment (struct member)
 * @ns:		its namespace
 * @l:		the link
 * @mine:	a finding about it is in scope
 *
 * Return: false when out of memory.
 */
static bool add_member(struct vec *v, const char *ns,
		       const struct nsnet_link *l, bool mine)
{
	struct member *m = vec_push(v);

	if (!m)
		return false;
	m->ns = ns;
	m->l = l;
	m->mine = mine;
	return true;
}

/**
 * check_bridge_mtu() - a bridge, its ports and their far ends agree
 * @d:		the run
 * @lab:	lab name, or ""
 * @br:		the bridge
 * @views:	the namespaces whose far ends are looked at
 * @n:		count
 * @only:	report only about far ends in this namespace (and their host
 *		ends), or NULL for all
 *
 * A bridge without an MTU set by hand follows its smallest port: when a
 * port is off, the bridge is too, and fixing the port fixes both. So the
 * bridge is only reported when all its ports agree among themselves.
 */
static void check_bridge_mtu(struct doctor *d, const char *lab,
			     const struct nsnet_link *br,
			     const struct view *views, size_t n,
			     const char *only)
{
	struct vec v = { .size = sizeof(struct member) };
	const struct member *m;
	unsigned int want;
	bool off = false;
	size_t i;
	int k;

	for (k = 0; k < d->host.n_links; k++) {
		const struct nsnet_link *p = &d->host.links[k];
		const struct view *w;
		const struct nsnet_link *peer;
		bool mine;

		if (p->master != br->ifindex)
			continue;
		w = find_view_by_id(views, n, p->link_netnsid);
		peer = w ? view_index(w, p->link) : NULL;
		mine = !only || (w && !strcmp(w->name, only));
		if (!add_member(&v, "", p, mine) ||
		    (peer && !add_member(&v, w->name, peer, mine))) {
			d->oom = true;
			goto out;
		}
	}
	if (!v.n)
		goto out;
	m = v.items;
	want = majority_mtu(m, v.n);
	for (i = 0; i < v.n; i++) {
		if (m[i].l->mtu == want)
			continue;
		off = true;
		if (m[i].mine)
			mtu_finding(d, lab, m[i].ns, m[i].l, want,
				    "the other ends on its bridge");
	}
	if (!off && br->mtu != want)
		mtu_finding(d, lab, "", br, want, "its ports");
out:
	free(v.items);
}

/**
 * check_pair_mtu() - both ends of a cable agree
 * @d:		the run
 * @lab:	lab name, or ""
 * @ns_a:	namespace of @a
 * @a:		one end
 * @ns_b:	namespace of @b
 * @b:		the other end
 *
 * With two ends there is no majority: the smaller is raised, since
 * lowering is what a hand usually did.
 */
static void check_pair_mtu(struct doctor *d, const char *lab, const char *ns_a,
			   const struct nsnet_link *a, const char *ns_b,
			   const struct nsnet_link *b)
{
	char with[NSNET_NSNAMSIZ * 4 + 64];

	if (a->mtu == b->mtu)
		return;
	if (a->mtu > b->mtu) {
		snprintf(with, sizeof(with), "its peer %s", show(a->name).s);
		mtu_finding(d, lab, ns_b, b, a->mtu, with);
	} else {
		snprintf(with, sizeof(with), "its peer %s", show(b->name).s);
		mtu_finding(d, lab, ns_a, a, b->mtu, with);
	}
}

/* ------------------------------------------------------------- duplicates */

/**
 * struct held - one address on one interface, for the duplicate search
 * @a:		the address and its length
 * @ns:		namespace ("" for the host)
 * @ifname:	interface
 * @wanted:	the lab file puts it there
 * @order:	when it was seen (host first, then nodes in order)
 */
struct held {
	struct nsnet_prefix a;
	const char *ns;
	const char *ifname;
	bool wanted;
	size_t order;
};

/**
 * cmp_held() - order by address, then by when seen
 * @a:		struct held *
 * @b:		same
 *
 * Return: <0, 0, >0.
 */
static int cmp_held(const void *a, const void *b)
{
	const struct held *x = a, *y = b;
	int c;

	if (x->a.family != y->a.family)
		return x->a.family < y->a.family ? -1 : 1;
	c = memcmp(x->a.addr, y->a.addr, pfx_bytes(x->a.family));
	if (c)
		return c;
	return x->order < y->order ? -1 : x->order > y->order;
}

/**
 * file_addr() - the address the lab file gives a node's interface
 * @ld:		the lab (with its file)
 * @node:	the node's index in the file
 * @ifname:	the interface
 * @out:	the address with its length
 *
 * Static addresses come from the file, `auto` ones from the state, which
 * recorded what up chose ("node/iface" -> "addr/len").
 *
 * Return: true if it has one.
 */
static bool file_addr(const struct labdoc *ld, size_t node, const char *ifname,
		      struct nsnet_prefix *out)
{
	const struct lab_node *n = &ld->lab->nodes[node];
	char key[NSNET_NSNAMSIZ + NSNET_IFNAMSIZ + 2];
	const char *s;
	size_t i, k;

	for (i = 0; i < n->n_ifaces; i++) {
		const struct lab_iface *ifc = &n->ifaces[i];

		if (strcmp(ifc->name, ifname))
			continue;
		if (ifc->addr_kind == LAB_ADDR_STATIC) {
			*out = ifc->addr;
			return true;
		}
		if (ifc->addr_kind != LAB_ADDR_AUTO)
			return false;
		snprintf(key, sizeof(key), "%s/%s", n->name, ifc->name);
		s = json_string_value(json_object_get(
			json_object_get(ld->st, "auto"), key));
		return s && !nsnet_prefix_parse(s, NSNET_PFX_NEED_LEN, out);
	}
	for (i = 0; i < ld->lab->n_links; i++)
		for (k = 0; k < 2; k++) {
			const struct lab_end *e = &ld->lab->links[i].end[k];

			if (e->node == node && !strcmp(e->ifname, ifname) &&
			    e->has_addr) {
				*out = e->addr;
				return true;
			}
		}
	return false;
}

/**
 * hold() - add a view's addresses to the duplicate search
 * @v:		the list
 * @view:	the namespace
 * @ld:		the lab, to mark addresses the file wants, or NULL
 * @node:	the view's node index in the file, or LAB_NONE
 * @only_on:	the host: only addresses on these bridges (NULL: all)
 * @n_only:	count
 *
 * Return: 0, or -ENOMEM.
 */
static int hold(struct vec *v, const struct view *view,
		const struct labdoc *ld, size_t node,
		const struct nsnet_link *const *only_on, size_t n_only)
{
	struct nsnet_prefix want;
	const struct nsnet_link *l;
	struct held *h;
	size_t j;
	int i;

	for (i = 0; view->exists && i < view->n_addrs; i++) {
		const struct nsnet_address *a = &view->addrs[i];

		l = view_index(view, a->ifindex);
		if (!l || (l->flags & IFF_LOOPBACK) || !usable_addr(&a->local))
			continue;
		for (j = 0; only_on && j < n_only; j++)
			if (only_on[j] == l)
				break;
		if (only_on && j == n_only)
			continue;
		h = vec_push(v);
		if (!h)
			return -ENOMEM;
		h->a = a->local;
		h->ns = view->name;
		h->ifname = l->name;
		h->order = v->n;
		if (ld && ld->lab && node != LAB_NONE)
			h->wanted = file_addr(ld, node, l->name, &want) &&
				    addr_eq(&want, &a->local);
		for (j = 0; ld && ld->lab && !*view->name &&
			    j < ld->lab->n_networks; j++)
			h->wanted |= ld->lab->networks[j].has_gateway &&
				     !strcmp(ld->lab->networks[j].name, l->name) &&
				     addr_eq(&ld->lab->networks[j].gateway,
					     &a->local);
	}
	return 0;
}

/**
 * report_duplicates() - one address on two interfaces
 * @d:		the run
 * @lab:	lab name, or ""
 * @v:		the addresses seen (sorted here)
 * @only:	report only about this namespace, or NULL
 *
 * Of each group, the one the lab file wants stays (else the first seen:
 * the host's, then the nodes' in order); each other one is reported, with
 * the command that removes it.
 */
static void report_duplicates(struct doctor *d, const char *lab,
			      struct vec *v, const char *only)
{
	const struct held *h = v->items;
	struct nsnet_finding f;
	size_t i = 0, j, k, keep;

	if (!h)
		return;
	vec_sort(v, cmp_held);
	while (i < v->n) {
		for (j = i + 1; j < v->n && addr_eq(&h[i].a, &h[j].a); j++)
			;
		keep = i;
		for (k = i; k < j; k++)
			if (h[k].wanted) {
				keep = k;
				break;
			}
		for (k = i; j - i > 1 && k < j; k++) {
			if (k == keep || (only && strcmp(h[k].ns, only)) ||
			    (!strcmp(h[k].ns, h[keep].ns) &&
			     !strcmp(h[k].ifname, h[keep].ifname)))
				continue;
			start(&f, NSNET_SEV_ERROR, "addr-duplicate", lab, h[k].ns,
			      h[k].ifname);
			what(&f, "address %s is also on %s %s %s: answers go to either",
			     pfx(&h[k].a, false).s, show(h[keep].ifname).s,
			     *h[keep].ns ? "in" : "of",
			     *h[keep].ns ? show(h[keep].ns).s : "the host");
			fix_nsnet(&f, h[k].ns, W("addr", "del", pfx(&h[k].a, true).s,
				  "dev", h[k].ifname));
			emit(d, &f);
		}
		i = j;
	}
}

/* ------------------------------------------------- settings of the host */

/**
 * check_forwarding() - the host forwards what the lab routes through it
 * @d:		the run
 * @lab:	lab name
 * @family:	AF_INET or AF_INET6
 */
static void check_forwarding(struct doctor *d, const char *lab, int family)
{
	const char *path = family == AF_INET ? "/proc/sys/net/ipv4/ip_forward" :
			   "/proc/sys/net/ipv6/conf/all/forwarding";
	const char *key = family == AF_INET ? "net.ipv4.ip_forward" :
			  "net.ipv6.conf.all.forwarding";
	struct nsnet_finding f;
	char set[64];

	if (!knob_is(path, 0))
		return;
	start(&f, NSNET_SEV_ERROR, "ip-forward", lab, "", "");
	what(&f, "%s forwarding is off (%s = 0), but the lab's NAT, port forwards or routing between its networks pass through the host",
	     family == AF_INET ? "IPv4" : "IPv6", key);
	snprintf(set, sizeof(set), "%s=1", key);
	fix_argv(&f, W("sysctl", "-w", set));
	emit(d, &f);
}

/**
 * check_rp_filter() - reverse-path filtering on a bridge the lab routes to
 * @d:		the run
 * @lab:	lab name
 * @br:		the bridge
 *
 * The kernel applies the larger of conf/all and conf/IF; 1 (strict) drops
 * a packet that arrives on another interface than the one the reply would
 * leave by, which happens as soon as routes between networks are not
 * symmetric. 2 (loose) only drops sources with no route at all.
 */
static void check_rp_filter(struct doctor *d, const char *lab,
			    const struct nsnet_link *br)
{
	char path[96], key[96], *p;
	long all = 0, one = 0;
	struct nsnet_finding f;

	snprintf(path, sizeof(path), "/proc/sys/net/ipv4/conf/%s/rp_filter",
		 br->name);
	if (read_knob("/proc/sys/net/ipv4/conf/all/rp_filter", &all) ||
	    read_knob(path, &one) || (all > one ? all : one) != 1)
		return;
	/* sysctl(8) reads '/' in a key as a '.' of the name */
	snprintf(key, sizeof(key), "net.ipv4.conf.%s.rp_filter=2", br->name);
	for (p = key + strlen("net.ipv4.conf."); *p && strcmp(p, ".rp_filter=2"); p++)
		if (*p == '.')
			*p = '/';
	start(&f, NSNET_SEV_WARNING, "rp-filter", lab, "", br->name);
	what(&f, "strict reverse-path filtering (rp_filter 1%s) on %s drops packets routed between the lab's networks on asymmetric paths",
	     all == 1 ? " from conf/all" : "", show(br->name).s);
	fix_argv(&f, W("sysctl", "-w", key));
	emit(d, &f);
}

/**
 * accepts_bridge() - whether a rule accepts what a bridge forwards
 * @expr:	the rule's "expr" array
 * @br:		the bridge
 *
 * Recognises the rule the fix inserts: `iifname BR [oifname BR] accept`.
 *
 * Return: true if so.
 */
static bool accepts_bridge(json_t *expr, const char *br)
{
	size_t i, n = json_array_size(expr);
	bool iif = false;

	if (n < 2 || !json_object_get(json_array_get(expr, n - 1), "accept"))
		return false;
	for (i = 0; i + 1 < n; i++) {
		json_t *m = json_object_get(json_array_get(expr, i), "match");
		const char *key = json_string_value(json_object_get(
			json_object_get(json_object_get(m, "left"), "meta"),
			"key"));
		const char *op = json_string_value(json_object_get(m, "op"));
		const char *right = json_string_value(json_object_get(m, "right"));

		if (!key || !right || !op || strcmp(op, "==") ||
		    strcmp(right, br) ||
		    (strcmp(key, "iifname") && strcmp(key, "oifname")))
			return false;
		iif |= !strcmp(key, "iifname");
	}
	return iif;
}

/**
 * chain_accepts() - whether a chain has a rule accepting a bridge's traffic
 * @items:	the ruleset's "nftables" array
 * @chain:	the chain object
 * @br:		the bridge
 *
 * Return: true if so.
 */
static bool chain_accepts(json_t *items, json_t *chain, const char *br)
{
	const char *fam = json_string_value(json_object_get(chain, "family"));
	const char *tab = json_string_value(json_object_get(chain, "table"));
	const char *name = json_string_value(json_object_get(chain, "name"));
	json_t *it, *r;
	size_t i;

	json_array_foreach(items, i, it) {
		const char *rf, *rt, *rc;

		r = json_object_get(it, "rule");
		rf = json_string_value(json_object_get(r, "family"));
		rt = json_string_value(json_object_get(r, "table"));
		rc = json_string_value(json_object_get(r, "chain"));
		if (rf && rt && rc && !strcmp(rf, fam) && !strcmp(rt, tab) &&
		    !strcmp(rc, name) &&
		    accepts_bridge(json_object_get(r, "expr"), br))
			return true;
	}
	return false;
}

/**
 * ours_table() - whether an nftables table is nsnet's
 * @family:	its family
 * @table:	its name
 *
 * Return: true for `inet nsnet` and `inet nsnet-<lab>`.
 */
static bool ours_table(const char *family, const char *table)
{
	return !strcmp(family, "inet") &&
	       (!strcmp(table, FW_TABLE_SHARED) ||
		!strncmp(table, FW_TABLE_PREFIX, strlen(FW_TABLE_PREFIX)));
}

/**
 * port_count() - how many ports a bridge has
 * @d:		the run
 * @br:		the bridge
 *
 * Return: the count.
 */
static int port_count(const struct doctor *d, const struct nsnet_link *br)
{
	int i, n = 0;

	for (i = 0; i < d->host.n_links; i++)
		n += d->host.links[i].master == br->ifindex;
	return n;
}

/**
 * check_br_netfilter() - bridged traffic dropped by another table's policy
 * @d:		the run
 * @lab:	lab name, or ""
 * @br:		a bridge of the lab (or of the namespace's cables)
 *
 * With br_netfilter loaded and bridge-nf-call-iptables (ip6tables) on,
 * frames a bridge forwards between two of its ports pass the IPv4 (IPv6)
 * forward hook, as if routed from the bridge to itself. A forward chain
 * whose policy is drop, e.g. Docker's `ip filter FORWARD`, then drops
 * traffic between two nodes on the same switch. The fix accepts exactly
 * that traffic in that chain; nothing else of the chain changes.
 */
static void check_br_netfilter(struct doctor *d, const char *lab,
			       const struct nsnet_link *br)
{
	bool v4 = knob_is("/proc/sys/net/bridge/bridge-nf-call-iptables", 1);
	bool v6 = knob_is("/proc/sys/net/bridge/bridge-nf-call-ip6tables", 1);
	json_t *items, *it, *c;
	struct nsnet_finding f;
	char rule[512];
	size_t i;

	if ((!v4 && !v6) || port_count(d, br) < 2 || !ruleset(d))
		return;
	items = json_object_get(d->ruleset, "nftables");
	json_array_foreach(items, i, it) {
		const char *fam, *tab, *name, *hook, *policy;

		c = json_object_get(it, "chain");
		fam = json_string_value(json_object_get(c, "family"));
		tab = json_string_value(json_object_get(c, "table"));
		name = json_string_value(json_object_get(c, "name"));
		hook = json_string_value(json_object_get(c, "hook"));
		policy = json_string_value(json_object_get(c, "policy"));
		if (!fam || !tab || !name || !hook || !policy ||
		    strcmp(hook, "forward") || strcmp(policy, "drop") ||
		    ours_table(fam, tab))
			continue;
		if (!((v4 && (!strcmp(fam, "ip") || !strcmp(fam, "inet"))) ||
		      (v6 && (!strcmp(fam, "ip6") || !strcmp(fam, "inet")))))
			continue;
		if (chain_accepts(items, c, br->name))
			continue;
		start(&f, NSNET_SEV_ERROR, "br-netfilter", lab, "", br->name);
		what(&f, "br_netfilter passes frames bridged by %s through chain %s %s %s, whose policy is drop: nodes on the switch cannot reach each other",
		     show(br->name).s, fam, show(tab).s, show(name).s);
		snprintf(rule, sizeof(rule),
			 "insert rule %s %s %s iifname \"%s\" oifname \"%s\" accept",
			 fam, tab, name, br->name, br->name);
		fix_argv(&f, W("nft", rule));
		emit(d, &f);
	}
}

/* -------------------------------------------------------------- stale */

/**
 * report_stale() - a /run/netns entry with no namespace mounted on it
 * @d:		the run
 * @lab:	lab name, or ""
 * @name:	the entry
 */
static void report_stale(struct doctor *d, const char *lab, const char *name)
{
	struct nsnet_finding f;

	start(&f, NSNET_SEV_WARNING, "netns-stale", lab, name, "");
	what(&f, "%s/%s is a stale entry: no namespace is mounted on it, so `ip netns exec %s` and nsnet refuse it",
	     NETNS_RUN_DIR, show(name).s, show(name).s);
	fix_nsnet(&f, "", W("netns", "del", name));
	emit(d, &f);
}

/* ----------------------------------------------------------------- labs */

/**
 * lab_bridge() - a lab network's bridge on the host
 * @d:		the run
 * @name:	its name
 *
 * Return: the link, or NULL.
 */
static const struct nsnet_link *lab_bridge(const struct doctor *d,
					   const char *name)
{
	return view_link(&d->host, name);
}

/**
 * node_uses() - whether a node has an interface on a network
 * @ld:		the lab
 * @node:	node name
 * @net:	network index
 *
 * Return: true if so.
 */
static bool node_uses(const struct labdoc *ld, const char *node, size_t net)
{
	size_t i, j;

	for (i = 0; i < ld->lab->n_nodes; i++) {
		if (strcmp(ld->lab->nodes[i].name, node))
			continue;
		for (j = 0; j < ld->lab->nodes[i].n_ifaces; j++)
			if (ld->lab->nodes[i].ifaces[j].network == net)
				return true;
	}
	return false;
}

/**
 * check_lab_bridges() - the lab's switches exist, are up, have the gateway
 * @ld:		the lab
 */
static void check_lab_bridges(struct labdoc *ld)
{
	struct doctor *d = ld->d;
	struct nsnet_finding f;
	json_t *nets = json_object_get(ld->st, "networks");
	size_t i, n = ld->lab ? ld->lab->n_networks : json_array_size(nets);

	for (i = 0; i < n; i++) {
		const struct lab_network *net = ld->lab ? &ld->lab->networks[i] : NULL;
		const char *name = net ? net->name :
				   json_string_value(json_array_get(nets, i));
		const struct nsnet_link *br;

		if (!name || (ld->only && net && !node_uses(ld, ld->only, i)))
			continue;
		br = lab_bridge(d, name);
		if (!br) {
			start(&f, NSNET_SEV_ERROR, "bridge-missing", ld->name, "", name);
			what(&f, "bridge %s of the lab does not exist", show(name).s);
			fix_up(&f, ld);
			emit(d, &f);
			continue;
		}
		if (!(br->flags & IFF_UP) && net && net->type == LAB_NET_OVS) {
			/* ovs-vswitchd switches whatever its own port does */
			if (net->has_gateway) {
				start(&f, NSNET_SEV_ERROR, "port-down", ld->name,
				      "", name);
				what(&f, "the host's port %s on Open vSwitch bridge %s is down: the host cannot reach the nodes (they still reach each other)",
				     show(name).s, show(name).s);
				fix_nsnet(&f, "", W("link", "set", name, "up"));
				emit(d, &f);
			}
		} else if (!(br->flags & IFF_UP)) {
			start(&f, NSNET_SEV_ERROR, "bridge-down", ld->name, "", name);
			what(&f, "bridge %s is down: nothing passes between its ports",
			     show(name).s);
			fix_nsnet(&f, "", W("link", "set", name, "up"));
			emit(d, &f);
		}
		if (net && net->has_gateway &&
		    !addr_on(&d->host, br->ifindex, &net->gateway)) {
			start(&f, NSNET_SEV_ERROR, "addr-missing", ld->name, "", name);
			what(&f, "the host's gateway address %s is missing from bridge %s",
			     pfx(&net->gateway, true).s, show(name).s);
			fix_nsnet(&f, "", W("addr", "add", pfx(&net->gateway, true).s,
				  "dev", name));
			emit(d, &f);
		}
	}
}

/**
 * link_missing() - report an interface the lab file has and the node not
 * @ld:		the lab
 * @node:	node name
 * @ifname:	interface
 */
static void link_missing(struct labdoc *ld, const char *node,
			 const char *ifname)
{
	struct nsnet_finding f;

	start(&f, NSNET_SEV_ERROR, "link-missing", ld->name, node, ifname);
	what(&f, "interface %s of the lab file does not exist in %s",
	     show(ifname).s, show(node).s);
	fix_up(&f, ld);
	emit(ld->d, &f);
}

/**
 * check_node_ifaces() - the node's interfaces exist, and hang on their switch
 * @ld:		the lab
 * @v:		the node's namespace
 * @node:	its index in the file
 */
static void check_node_ifaces(struct labdoc *ld, const struct view *v,
			      size_t node)
{
	const struct lab_node *n = &ld->lab->nodes[node];
	const struct nsnet_link *l, *h, *br;
	struct nsnet_finding f;
	size_t i, k;

	for (i = 0; i < n->n_ifaces; i++) {
		const struct lab_iface *ifc = &n->ifaces[i];

		l = view_link(v, ifc->name);
		if (!l) {
			link_missing(ld, n->name, ifc->name);
			continue;
		}
		h = host_end(ld->d, v, l);
		br = ifc->network != LAB_NONE ?
		     lab_bridge(ld->d, ld->lab->networks[ifc->network].name) : NULL;
		if (!h || !br || h->master == br->ifindex)
			continue;
		start(&f, NSNET_SEV_ERROR, "port-nomaster", ld->name, "", h->name);
		what(&f, "%s, the host end of %s:%s, is not a port of bridge %s",
		     show(h->name).s, show(n->name).s, show(ifc->name).s,
		     show(br->name).s);
		/* An OVS port is made through OVSDB: up puts it back. */
		if (ld->lab->networks[ifc->network].type == LAB_NET_OVS)
			fix_nsnet(&f, "", W("up", ld->lab->file));
		else
			fix_nsnet(&f, "", W("link", "set", h->name, "master",
					    br->name));
		emit(ld->d, &f);
	}
	for (i = 0; i < ld->lab->n_links; i++)
		for (k = 0; k < 2; k++) {
			const struct lab_end *e = &ld->lab->links[i].end[k];

			if (e->node == node && !view_link(v, e->ifname))
				link_missing(ld, n->name, e->ifname);
		}
}

/**
 * check_node_addrs() - the node has the addresses the lab file gives it
 * @ld:		the lab
 * @v:		the node's namespace
 * @node:	its index in the file
 */
static void check_node_addrs(struct labdoc *ld, const struct view *v,
			     size_t node)
{
	const struct lab_node *n = &ld->lab->nodes[node];
	const char *names[64];
	struct nsnet_prefix a;
	struct nsnet_finding f;
	size_t i, k, c = 0;

	for (i = 0; i < n->n_ifaces && c < 64; i++)
		names[c++] = n->ifaces[i].name;
	for (i = 0; i < ld->lab->n_links && c < 64; i++)
		for (k = 0; k < 2 && c < 64; k++)
			if (ld->lab->links[i].end[k].node == node)
				names[c++] = ld->lab->links[i].end[k].ifname;
	for (i = 0; i < c; i++) {
		const struct nsnet_link *l = view_link(v, names[i]);

		if (!l || !file_addr(ld, node, names[i], &a) ||
		    addr_on(v, l->ifindex, &a))
			continue;
		start(&f, NSNET_SEV_ERROR, "addr-missing", ld->name, n->name,
		      names[i]);
		what(&f, "address %s of the lab file is missing from %s",
		     pfx(&a, true).s, show(names[i]).s);
		fix_nsnet(&f, n->name, W("addr", "add", pfx(&a, true).s, "dev",
			  names[i]));
		emit(ld->d, &f);
	}
}

/**
 * route_present() - whether a namespace has a route of the lab file
 * @v:		the namespace
 * @r:		the route
 *
 * Return: true if a route with that destination, gateway (if given) and
 * device (if given) is in the main table.
 */
static bool route_present(const struct view *v, const struct lab_route *r)
{
	struct nsnet_prefix want = pfx_masked(&r->dst), got;
	const struct nsnet_link *dev = NULL;
	int i;

	if (*r->dev && !(dev = view_link(v, r->dev)))
		return false;
	for (i = 0; i < v->n_routes; i++) {
		const struct nsnet_route *k = &v->routes[i];

		got = pfx_masked(&k->dst);
		if (!pfx_equal(&got, &want) ||
		    (r->has_via && (!k->has_gateway ||
				    !addr_eq(&k->gateway, &r->via))) ||
		    (dev && k->oif != dev->ifindex))
			continue;
		return true;
	}
	return false;
}

/**
 * check_node_routes() - the node has the routes the lab file gives it
 * @ld:		the lab
 * @v:		the node's namespace
 * @node:	its index in the file
 */
static void check_node_routes(struct labdoc *ld, const struct view *v,
			      size_t node)
{
	const struct lab_node *n = &ld->lab->nodes[node];
	struct nsnet_finding f;
	size_t i;

	for (i = 0; i < n->n_routes; i++) {
		const struct lab_route *r = &n->routes[i];
		struct atext dst = route_dst(&r->dst), via = pfx(&r->via, false);
		const char *argv[FIX_ARGS];
		size_t c = 0;

		/* `up`, which a missing link calls for, brings its routes */
		if (route_present(v, r) || reported(ld->d, "link-missing", n->name))
			continue;
		start(&f, NSNET_SEV_ERROR, "route-missing", ld->name, n->name,
		      r->dev);
		what(&f, "route \"%s\" of the lab file is missing", show(r->text).s);
		argv[c++] = "nsnet";
		/* "default" alone is IPv4 to nsnet, as to ip */
		if (!r->dst.len && !r->has_via && r->dst.family == AF_INET6)
			argv[c++] = "-6";
		argv[c++] = "-n";
		argv[c++] = n->name;
		argv[c++] = "route";
		argv[c++] = "add";
		argv[c++] = dst.s;
		if (r->has_via) {
			argv[c++] = "via";
			argv[c++] = via.s;
		}
		if (*r->dev) {
			argv[c++] = "dev";
			argv[c++] = r->dev;
		}
		argv[c] = NULL;
		fix_argv(&f, argv);
		emit(ld->d, &f);
	}
}

/**
 * view_of_node() - the view of the lab file's node @node
 * @ld:		the lab
 * @node:	index in the file
 *
 * Return: it, or NULL when it is not checked.
 */
static const struct view *view_of_node(const struct labdoc *ld, size_t node)
{
	size_t i;

	if (!ld->only)
		return node < ld->n_views && ld->views[node].node == node ?
		       &ld->views[node] : NULL;
	for (i = 0; i < ld->n_views; i++)
		if (ld->views[i].node == node)
			return &ld->views[i];
	return NULL;
}

/**
 * check_node() - everything about one node of a lab
 * @ld:		the lab
 * @v:		the node's namespace
 *
 * In the order the fixes must run: the namespace, its links, what hangs
 * off them (addresses, then routes through them), then gateways.
 */
static void check_node(struct labdoc *ld, struct view *v)
{
	struct nsnet_finding f;

	if (!v->exists) {
		if (v->stale)
			report_stale(ld->d, ld->name, v->name);
		start(&f, NSNET_SEV_ERROR, "netns-missing", ld->name, v->name, "");
		what(&f, "node %s has no namespace", show(v->name).s);
		fix_up(&f, ld);
		emit(ld->d, &f);
		return;
	}
	check_links(ld->d, ld->name, v);
	if (ld->lab && v->node != LAB_NONE) {
		check_node_ifaces(ld, v, v->node);
		check_node_addrs(ld, v, v->node);
		check_node_routes(ld, v, v->node);
	}
	check_gateways(ld->d, ld, ld->name, v);
}

/**
 * net_name() - the bridge name of a lab's network @i
 * @ld:		the lab
 * @i:		index: in the file, or in the state's "networks"
 *
 * Return: the name, or NULL (out of range, or not the checked node's).
 */
static const char *net_name(const struct labdoc *ld, size_t i)
{
	if (!ld->lab)
		return json_string_value(json_array_get(
			json_object_get(ld->st, "networks"), i));
	if (i >= ld->lab->n_networks ||
	    (ld->only && !node_uses(ld, ld->only, i)))
		return NULL;
	return ld->lab->networks[i].name;
}

/**
 * n_nets() - how many networks the lab has
 * @ld:		the lab
 *
 * Return: the count (from the file, else from the state).
 */
static size_t n_nets(const struct labdoc *ld)
{
	return ld->lab ? ld->lab->n_networks :
	       json_array_size(json_object_get(ld->st, "networks"));
}

/**
 * check_lab_mtu() - MTUs on each switch, and on each cable
 * @ld:		the lab
 */
static void check_lab_mtu(struct labdoc *ld)
{
	const struct nsnet_link *br, *a, *b;
	const struct view *va, *vb;
	const char *name;
	size_t i;

	for (i = 0; i < n_nets(ld); i++) {
		name = net_name(ld, i);
		br = name ? lab_bridge(ld->d, name) : NULL;
		if (br)
			check_bridge_mtu(ld->d, ld->name, br, ld->views,
					 ld->n_views, ld->only);
	}
	for (i = 0; ld->lab && i < ld->lab->n_links; i++) {
		const struct lab_end *e = ld->lab->links[i].end;

		va = view_of_node(ld, e[0].node);
		vb = view_of_node(ld, e[1].node);
		a = va ? view_link(va, e[0].ifname) : NULL;
		b = vb ? view_link(vb, e[1].ifname) : NULL;
		if (a && b)
			check_pair_mtu(ld->d, ld->name, va->name, a, vb->name, b);
	}
}

/**
 * check_lab_duplicates() - one address twice among the lab's interfaces
 * @ld:		the lab
 *
 * The host takes part with its addresses on the lab's bridges only.
 */
static void check_lab_duplicates(struct labdoc *ld)
{
	struct vec v = { .size = sizeof(struct held) };
	const struct nsnet_link **brs;
	size_t i, nb = 0;
	int err = 0;

	brs = calloc(n_nets(ld) + 1, sizeof(*brs));
	if (!brs) {
		ld->d->oom = true;
		return;
	}
	for (i = 0; i < n_nets(ld); i++) {
		const char *name = net_name(ld, i);
		const struct nsnet_link *br = name ? lab_bridge(ld->d, name) : NULL;

		if (br)
			brs[nb++] = br;
	}
	err = hold(&v, &ld->d->host, ld, LAB_NONE, brs, nb);
	for (i = 0; !err && i < ld->n_views; i++)
		err = hold(&v, &ld->views[i], ld, ld->views[i].node, NULL, 0);
	if (err)
		ld->d->oom = true;
	else
		report_duplicates(ld->d, ld->name, &v, ld->only);
	free(v.items);
	free(brs);
}

/**
 * check_lab_table() - the lab's nftables table is as `up` left it
 * @ld:		the lab
 */
static void check_lab_table(struct labdoc *ld)
{
	struct nsnet_lab_fw fw;
	struct nsnet_finding f;
	char table[FW_TABLE_MAX] = "";

	if (nsnet_lab_fw(ld->d->ctx, ld->name, &fw)) {
		start(&f, NSNET_SEV_NOTE, "nft-unreadable", ld->name, "", "");
		what(&f, "the lab's nftables table could not be read: %s",
		     nsnet_errmsg(ld->d->ctx));
		nsnet_clear_err(ld->d->ctx);
		emit(ld->d, &f);
		return;
	}
	fw_table_name(ld->name, table, sizeof(table));
	if (fw.table == NSNET_FW_MISSING) {
		start(&f, NSNET_SEV_ERROR, "nft-missing", ld->name, "", "");
		what(&f, "nftables table inet %s is gone (e.g. `nft flush ruleset`): no NAT, port forwards or isolation",
		     table);
	} else if (fw.table == NSNET_FW_CHANGED) {
		start(&f, NSNET_SEV_WARNING, "nft-changed", ld->name, "", "");
		what(&f, "nftables table inet %s was changed since up", table);
	} else {
		nsnet_lab_fw_free(&fw);
		return;
	}
	nsnet_lab_fw_free(&fw);
	cat(f.where, sizeof(f.where), ", nftables table inet %s", table);
	fix_up(&f, ld);
	emit(ld->d, &f);
}

/**
 * check_lab_host() - host settings the lab relies on
 * @ld:		the lab
 *
 * Forwarding, the lab's table, rp_filter on its bridges when it routes
 * between them, and other tables' drop policies seen by bridged traffic.
 */
static void check_lab_host(struct labdoc *ld)
{
	const struct nsnet_link *br;
	const char *name;
	size_t i, attached = 0;

	if (ld->lab && lab_needs_forwarding(ld->lab, AF_INET))
		check_forwarding(ld->d, ld->name, AF_INET);
	if (ld->lab && lab_needs_forwarding(ld->lab, AF_INET6))
		check_forwarding(ld->d, ld->name, AF_INET6);
	check_lab_table(ld);
	for (i = 0; ld->lab && i < ld->lab->n_networks; i++)
		attached += ld->lab->networks[i].has_gateway &&
			    ld->lab->networks[i].gateway.family == AF_INET;
	for (i = 0; i < n_nets(ld); i++) {
		name = net_name(ld, i);
		br = name ? lab_bridge(ld->d, name) : NULL;
		if (!br)
			continue;
		if (attached > 1 && ld->lab->networks[i].has_gateway &&
		    ld->lab->networks[i].gateway.family == AF_INET)
			check_rp_filter(ld->d, ld->name, br);
		check_br_netfilter(ld->d, ld->name, br);
	}
}

/**
 * lab_state() - the state of a lab that is up
 * @d:		the run
 * @name:	lab name
 * @err:	0; -ENOENT (not recorded) when no such lab is up; -errno
 *
 * Return: the state, or NULL.
 */
static json_t *lab_state(struct doctor *d, const char *name, int *err)
{
	struct state_dir sd;
	json_t *st = NULL;

	/* Not a name a lab can have (a path, say): no such lab. */
	if (fw_table_name(name, NULL, 0)) {
		*err = -ENOENT;
		return NULL;
	}
	*err = state_open(d->ctx, &sd, false);
	if (!*err)
		st = state_load(d->ctx, &sd, name, err);
	state_close(&sd);
	if (*err == -ENOENT)
		nsnet_clear_err(d->ctx);
	return *err ? NULL : st;
}

/**
 * lab_file() - read the lab's file, to compare the lab with
 * @ld:		the lab; @lab is set when the file reads cleanly
 *
 * The file may have gone, or been edited into something `up` would
 * refuse: then only what needs no file is checked, and a note says so.
 */
static void lab_file(struct labdoc *ld)
{
	struct lab_diags dg = { 0 };
	struct nsnet_finding f;
	char why[512] = "";
	int err = -ENOENT;

	if (*ld->file) {
		err = lab_parse_file(ld->file, &ld->lab, &dg);
		if (ld->lab && !err)
			err = lab_check(ld->lab, &dg);
	}
	if (dg.n && dg.items[0].pos.line)
		snprintf(why, sizeof(why), "line %u: %s", dg.items[0].pos.line,
			 dg.items[0].msg);
	else if (dg.n)
		snprintf(why, sizeof(why), "%s", dg.items[0].msg);
	else if (err)
		snprintf(why, sizeof(why), "%s", strerror(-err));
	else if (!ld->lab)
		snprintf(why, sizeof(why), "not a lab file");
	else if (strcmp(ld->lab->name, ld->name))
		snprintf(why, sizeof(why), "it is now lab %s", ld->lab->name);
	lab_diags_free(&dg);
	if (!*why)
		return;
	lab_free(ld->lab);
	ld->lab = NULL;
	start(&f, NSNET_SEV_NOTE, "lab-file", ld->name, "", "");
	what(&f, "lab file %s cannot be compared (%s): addresses, routes and interfaces are not checked against it",
	     *ld->file ? show(ld->file).s : "(none recorded)", why);
	emit(ld->d, &f);
}

/**
 * lab_views() - read the lab's nodes (or the one node checked)
 * @ld:		the lab
 *
 * Return: 0, or -errno.
 */
static int lab_views(struct labdoc *ld)
{
	json_t *nodes = json_object_get(ld->st, "nodes");
	size_t n = ld->lab ? ld->lab->n_nodes : json_array_size(nodes), i;
	const char *name;
	int err;

	ld->views = calloc(n ? n : 1, sizeof(*ld->views));
	if (!ld->views)
		return nsnet_fail(ld->d->ctx, -ENOMEM, "doctor");
	for (i = 0; i < n; i++) {
		name = ld->lab ? ld->lab->nodes[i].name :
		       json_string_value(json_array_get(nodes, i));
		if (!name || (ld->only && strcmp(name, ld->only)))
			continue;
		err = view_load(ld->d, name, &ld->views[ld->n_views]);
		ld->views[ld->n_views].node = ld->lab ? i : LAB_NONE;
		ld->n_views++;
		if (err)
			return err;
	}
	/* A node the file no longer has: still checked, against nothing. */
	if (ld->only && !ld->n_views) {
		err = view_load(ld->d, ld->only, &ld->views[0]);
		ld->n_views = 1;
		return err;
	}
	return 0;
}

/**
 * ups_last() - move a lab's `nsnet up` fixes after its other fixes
 * @d:		the run
 * @first:	the lab's first finding
 *
 * `up` converges the whole lab: run first, it would already have done
 * what some later, narrower fix then fails to do again ("File exists").
 * Run last, it only finds what the narrower fixes could not do.
 *
 * Return: 0, or -ENOMEM (recorded).
 */
static int ups_last(struct doctor *d, size_t first)
{
	struct nsnet_finding *all = d->found.items, *tmp;
	size_t i, k = 0, n = d->found.n - first;

	if (!n)
		return 0;
	tmp = malloc(n * sizeof(*tmp));
	if (!tmp)
		return nsnet_fail(d->ctx, -ENOMEM, "doctor");
	for (i = first; i < d->found.n; i++)
		if (strncmp(all[i].fix, "nsnet up ", 9))
			tmp[k++] = all[i];
	for (i = first; i < d->found.n; i++)
		if (!strncmp(all[i].fix, "nsnet up ", 9))
			tmp[k++] = all[i];
	memcpy(all + first, tmp, n * sizeof(*tmp));
	free(tmp);
	return 0;
}

/**
 * lab_doctor() - check a lab, or one of its nodes
 * @d:		the run
 * @name:	lab name
 * @only:	the node to check, or NULL for the whole lab
 *
 * Return: 0; -ENOENT (not recorded) when no such lab is up; -errno.
 */
static int lab_doctor(struct doctor *d, const char *name, const char *only)
{
	struct labdoc ld = { .d = d, .name = name, .only = only };
	size_t i, first = d->found.n;
	int err;

	ld.st = lab_state(d, name, &err);
	if (!ld.st)
		return err;
	if (only && !json_listed(json_object_get(ld.st, "nodes"), only)) {
		json_decref(ld.st);
		return -ENOENT;	/* tagged, but not (any more) its node */
	}
	ld.file = json_string_value(json_object_get(ld.st, "file"));
	if (!ld.file)
		ld.file = "";
	lab_file(&ld);
	err = lab_views(&ld);
	if (err)
		goto out;
	check_lab_bridges(&ld);
	for (i = 0; i < ld.n_views; i++)
		check_node(&ld, &ld.views[i]);
	check_lab_mtu(&ld);
	check_lab_duplicates(&ld);
	check_lab_host(&ld);
	err = ups_last(d, first);
out:
	views_free(ld.views, ld.n_views);
	lab_free(ld.lab);
	json_decref(ld.st);
	return err;
}

/* ----------------------------------------------------------- namespaces */

/**
 * node_of_lab() - the lab a namespace is a node of
 * @v:		the namespace
 * @lab:	the lab's name
 * @len:	size of @lab
 *
 * Its lo carries the lab's tag, "nsnet:<lab>".
 *
 * Return: true if it is tagged.
 */
static bool node_of_lab(const struct view *v, char *lab, size_t len)
{
	const struct nsnet_link *lo = view_link(v, "lo");

	if (!lo || strncmp(lo->alias, TAG_PREFIX, strlen(TAG_PREFIX)) ||
	    !lo->alias[strlen(TAG_PREFIX)])
		return false;
	snprintf(lab, len, "%s", lo->alias + strlen(TAG_PREFIX));
	return true;
}

/**
 * ns_generic() - check a namespace that belongs to no lab
 * @d:		the run
 * @v:		the namespace
 *
 * Return: 0, or -errno.
 */
static int ns_generic(struct doctor *d, struct view *v)
{
	struct vec held = { .size = sizeof(struct held) };
	const struct nsnet_link *h, *br;
	int i, err;

	check_links(d, "", v);
	for (i = 0; i < v->n_links; i++) {
		h = host_end(d, v, &v->links[i]);
		if (!h)
			continue;
		br = h->master ? view_index(&d->host, h->master) : NULL;
		if (br) {
			check_bridge_mtu(d, "", br, v, 1, v->name);
			check_br_netfilter(d, "", br);
		} else {
			check_pair_mtu(d, "", "", h, v->name, &v->links[i]);
		}
	}
	err = hold(&held, &d->host, NULL, LAB_NONE, NULL, 0);
	if (!err)
		err = hold(&held, v, NULL, LAB_NONE, NULL, 0);
	if (!err)
		report_duplicates(d, "", &held, v->name);
	free(held.items);
	if (err)
		return nsnet_fail(d->ctx, err, "doctor");
	check_gateways(d, NULL, "", v);
	return 0;
}

/**
 * ns_doctor() - check a namespace and the host ends of its veths
 * @d:		the run
 * @name:	its name
 *
 * A lab's node is checked as part of its lab (against the lab file too).
 *
 * Return: 0; -ENOENT (not recorded) when there is no such entry; -errno.
 */
static int ns_doctor(struct doctor *d, const char *name)
{
	char lab[NSNET_NSNAMSIZ];
	struct view v;
	int err;

	err = view_load(d, name, &v);
	if (err)
		goto out;
	if (v.stale) {
		report_stale(d, "", name);
		goto out;
	}
	if (!v.exists) {
		err = -ENOENT;
		goto out;
	}
	if (node_of_lab(&v, lab, sizeof(lab))) {
		err = lab_doctor(d, lab, name);
		if (err != -ENOENT)
			goto out;
	}
	err = ns_generic(d, &v);
out:
	view_free(&v);
	return err;
}

/**
 * doctor_target() - check a lab or a namespace named @target
 * @d:		the run
 * @target:	the name
 * @flags:	NSNET_DOCTOR_*
 *
 * Return: 0, or -errno (-ENOENT, an input error, when it is neither).
 */
static int doctor_target(struct doctor *d, const char *target,
			 unsigned int flags)
{
	bool lab_ok = !(flags & NSNET_DOCTOR_NETNS) || (flags & NSNET_DOCTOR_LAB);
	bool ns_ok = !(flags & NSNET_DOCTOR_LAB) || (flags & NSNET_DOCTOR_NETNS);
	int err;

	if (lab_ok) {
		err = lab_doctor(d, target, NULL);
		if (err != -ENOENT)
			return err;
	}
	if (ns_ok && !nsnet_check_nsname(target)) {
		err = ns_doctor(d, target);
		if (err != -ENOENT)
			return err;
	}
	return nsnet_fail_why(d->ctx, -ENOENT, true,
			      !ns_ok ? "no such lab is up" :
			      !lab_ok ? "no such namespace" :
			      "no such lab is up, and no such namespace",
			      "doctor %s", target);
}

/**
 * cmp_lab_info() - order lab descriptions by name (for bsearch())
 * @a:		a struct nsnet_lab_info, or a name's key
 * @b:		the same
 *
 * Return: strcmp() of the names.
 */
static int cmp_lab_info(const void *a, const void *b)
{
	return strcmp(((const struct nsnet_lab_info *)a)->name,
		      ((const struct nsnet_lab_info *)b)->name);
}

/**
 * ns_alone() - check a named namespace that no lab that is up has checked
 * @d:		the run
 * @name:	its name
 * @labs:	the labs checked, sorted by name
 * @n_labs:	count
 *
 * Namespaces made by hand (the tutorials' `ip netns add`) have faults too:
 * a plain `doctor` looks at them and at the host ends of their veths.
 *
 * Return: 0, or -errno.
 */
static int ns_alone(struct doctor *d, const char *name,
		    const struct nsnet_lab_info *labs, int n_labs)
{
	struct nsnet_lab_info key;
	struct view v;
	int err;

	err = view_load(d, name, &v);
	if (err || !v.exists)
		goto out;
	if (node_of_lab(&v, key.name, sizeof(key.name)) &&
	    bsearch(&key, labs, (size_t)n_labs, sizeof(*labs), cmp_lab_info))
		goto out;	/* checked with its lab */
	err = ns_generic(d, &v);
out:
	view_free(&v);
	return err == -ENOENT ? 0 : err;	/* deleted while we looked */
}

/**
 * doctor_all() - check every lab that is up, every other named namespace,
 *		  and every stale entry
 * @d:		the run
 *
 * Return: 0, or -errno.
 */
static int doctor_all(struct doctor *d)
{
	struct nsnet_lab_info *labs = NULL;
	int n, i, err = 0;

	n = nsnet_lab_list(d->ctx, &labs);
	if (n < 0)
		return n;
	for (i = 0; i < n && !err; i++) {
		err = lab_doctor(d, labs[i].name, NULL);
		if (err == -ENOENT)
			err = 0;	/* went down while we looked */
	}
	for (i = 0; !err && i < d->n_names; i++) {
		if (!d->names[i].stale)
			err = ns_alone(d, d->names[i].name, labs, n);
		else if (!reported(d, "netns-stale", d->names[i].name))
			report_stale(d, "", d->names[i].name);
	}
	free(labs);
	return err;
}

/**
 * nsnet_doctor() - find the usual faults, and the command fixing each
 * @ctx:	context
 * @target:	NULL for every lab that is up and every stale entry, else a
 *		lab or a namespace
 * @flags:	NSNET_DOCTOR_*
 * @out:	the findings (free()), in the order their fixes are to run
 *
 * Return: the number of findings, or -errno (-ENOENT, an input error, when
 * @target names nothing).
 */
int nsnet_doctor(struct nsnet_ctx *ctx, const char *target,
		 unsigned int flags, struct nsnet_finding **out)
{
	struct doctor d = { .ctx = ctx,
			    .found = { .size = sizeof(struct nsnet_finding) } };
	int err;

	nsnet_clear_err(ctx);
	*out = NULL;
	d.n_names = nsnet_netns_list(ctx, &d.names);
	if (d.n_names < 0) {
		err = d.n_names;
		d.n_names = 0;
		goto out;
	}
	err = view_load(&d, "", &d.host);
	if (err)
		goto out;
	err = target && *target ? doctor_target(&d, target, flags) :
				  doctor_all(&d);
	if (!err && d.oom)
		err = nsnet_fail(ctx, -ENOMEM, "doctor");
	if (err)
		goto out;
	nsnet_clear_err(ctx);	/* what was read around is not a failure */
	err = vec_take(&d.found, out);
	if (err < 0)
		err = nsnet_fail(ctx, err, "doctor");
out:
	free(d.found.items);
	free(d.names);
	view_free(&d.host);
	json_decref(d.ruleset);
	return err;
}
