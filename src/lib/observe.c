// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * observe.c - dump what exists of a lab, to plan against
 *
 * Only dumps, never per-object queries: per namespace one link, one address
 * and one route dump. Whether something is the lab's is decided here, from
 * the kernel's own data (link aliases "nsnet:<lab>"), plus the journal of a
 * run that was killed before it could tag what it created.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "engine.h"
#include "fw.h"

/**
 * journaled() - whether an unfinished run recorded this object
 * @journal:	array of {"kind", "ns", "name"}, may be NULL
 * @kind:	"netns", "link" or "nslink"
 * @ns:		namespace ("" for the host)
 * @name:	object name
 *
 * Return: true if found.
 */
static bool journaled(json_t *journal, const char *kind, const char *ns,
		      const char *name)
{
	json_t *e;
	size_t i;

	json_array_foreach(journal, i, e) {
		if (!strcmp(json_string_value(json_object_get(e, "kind")), kind) &&
		    !strcmp(json_string_value(json_object_get(e, "ns")), ns) &&
		    !strcmp(json_string_value(json_object_get(e, "name")), name))
			return true;
	}
	return false;
}

/**
 * cmp_str() - order strings (qsort/bsearch over char pointers)
 * @a:		const char *const *
 * @b:		const char *const *
 *
 * Return: strcmp().
 */
static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

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
 * dump_sock() - links, addresses and routes of the socket's namespace
 * @ctx:	context
 * @s:		socket
 * @o:		filled
 *
 * Return: 0, or -errno recorded in @ctx.
 */
static int dump_sock(struct nsnet_ctx *ctx, struct nl_sock *s, struct obs_ns *o)
{
	int i;

	o->n_links = link_list_sock(ctx, s, &o->links);
	if (o->n_links < 0)
		return o->n_links;
	o->byname = malloc((o->n_links ? o->n_links : 1) * sizeof(*o->byname));
	if (!o->byname)
		return nsnet_fail(ctx, -ENOMEM, "observe");
	for (i = 0; i < o->n_links; i++)
		o->byname[i] = &o->links[i];
	qsort(o->byname, (size_t)o->n_links, sizeof(*o->byname), cmp_link_name);
	o->n_addrs = addr_list_sock(ctx, s, 0, &o->addrs);
	if (o->n_addrs < 0)
		return o->n_addrs;
	o->n_routes = route_list_sock(ctx, s, 0, &o->routes);
	if (o->n_routes < 0)
		return o->n_routes;
	return 0;
}

/**
 * dump_here() - ns_each() work: dump namespace @i, from inside it
 * @w:		the worker's context
 * @i:		index into the observation's namespaces
 * @arg:	struct observed; only its ns[@i] is written
 *
 * The worker joins the namespace and opens a socket there, closed right
 * after: each namespace is visited once, so it skips the cache.
 *
 * Return: 0, or -errno recorded in @w.
 */
static int dump_here(struct nsnet_ctx *w, size_t i, void *arg)
{
	struct obs_ns *ns = &((struct observed *)arg)->ns[i];
	char path[sizeof(NETNS_RUN_DIR) + NSNET_NSNAMSIZ];
	struct nl_sock s = { 0 };
	int fd, err;

	err = ns_path(w, ns->name, path, sizeof(path));
	if (err)
		return err;
	/* Not ns_open(): setns() itself refuses what is not a network
	 * namespace, which saves ns_open()'s fstatfs() a node. */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0 && errno == ENOENT)
		return 0;
	if (fd < 0)
		return nsnet_fail(w, -errno, "netns %s", ns->name);
	err = setns(fd, CLONE_NEWNET) < 0 ? -errno : 0;
	close(fd);
	/* A file with no namespace mounted on it (stale: a killed run's):
	 * nothing to dump. */
	if (err == -EINVAL) {
		ns->stale = true;
		return 0;
	}
	if (err)
		return nsnet_fail(w, err, "netns %s: join", ns->name);
	ns->exists = true;
	err = sock_open_here(&s, true);
	if (err)
		return nsnet_fail(w, err, "netlink socket in netns %s", ns->name);
	err = dump_sock(w, &s, ns);
	/* After the dump: listing a veth to the host gave the host an id. */
	if (!err)
		ns->host_id = netns_id_fd(w, &s, w->host_fd);
	mnl_socket_close(s.nl);
	return err;
}

/**
 * dump_item() - ns_each() work: item 0 is the host, the others namespaces
 * @w:		the worker's context
 * @i:		item
 * @arg:	struct observed
 *
 * The host's dump (a link per node, each costing the kernel a walk of the
 * host's namespace ids) is work like any namespace's, so it runs beside
 * them instead of before them. Item 0 is the first item any worker takes,
 * before it joined a namespace: its thread is still in the caller's, so
 * it needs no setns() (and no privilege, as for the caller's own socket).
 *
 * Return: 0, or -errno recorded in @w.
 */
static int dump_item(struct nsnet_ctx *w, size_t i, void *arg)
{
	struct observed *o = arg;
	struct nl_sock s = { 0 };
	int err;

	if (i)
		return dump_here(w, i - 1, arg);
	err = sock_open_here(&s, true);
	if (err)
		return nsnet_fail(w, err, "netlink socket");
	err = dump_sock(w, &s, &o->host);
	mnl_socket_close(s.nl);
	return err;
}

/**
 * observe() - dump the host and the namespaces named in @names
 * @ctx:	context
 * @lab:	lab name
 * @names:	namespace names of interest (desired, recorded, journaled)
 * @n_names:	count
 * @journal:	an unfinished run's journal (kept, not owned)
 * @recorded:	node names the lab's state lists (a stale file of one of
 *		those is a node the lab had: a killed `down` leaves them)
 * @o:		result; free with observed_free()
 *
 * The host and the namespaces are dumped by ns_each()'s workers, in
 * parallel.
 *
 * Return: 0, or -errno.
 */
int observe(struct nsnet_ctx *ctx, const char *lab, const char *const *names,
	    size_t n_names, json_t *journal, json_t *recorded, struct observed *o)
{
	char tag[LAB_NAME_MAX + 8];
	const char **sorted;
	size_t i;
	int err = 0;

	memset(o, 0, sizeof(*o));
	o->journal = json_incref(journal);
	lab_tag(lab, tag, sizeof(tag));
	o->host.exists = o->host.ours = true;
	o->ns = calloc(n_names ? n_names : 1, sizeof(*o->ns));
	sorted = malloc((n_names ? n_names : 1) * sizeof(*sorted));
	if (!o->ns || !sorted) {
		free(sorted);
		return nsnet_fail(ctx, -ENOMEM, "observe");
	}
	/* Sorted and unique, so observed_ns() can bsearch. */
	memcpy(sorted, names, n_names * sizeof(*sorted));
	qsort(sorted, n_names, sizeof(*sorted), cmp_str);
	for (i = 0; i < n_names; i++) {
		struct obs_ns *ns = &o->ns[o->n_ns];

		if (i && !strcmp(sorted[i], sorted[i - 1]))
			continue;	/* named twice */
		ns->host_id = -1;
		snprintf(ns->name, sizeof(ns->name), "%s", sorted[i]);
		o->n_ns++;
	}
	free(sorted);
	err = ns_each(ctx, o->n_ns + 1, dump_item, o);
	if (err)
		return err;
	err = ovs_observe(ctx, lab, &o->ovs);
	if (err)
		return err;
	ovs_set_masters(&o->ovs, o->host.links, o->host.n_links);
	/* The lab's table is named after it: whatever is there is ours. */
	err = fw_list(ctx, lab, &o->fw);
	if (err && err != -ENOENT)
		return err;
	for (i = 0; i < o->n_ns; i++) {
		struct obs_ns *ns = &o->ns[i];
		const struct nsnet_link *lo = obs_link(ns, "lo");

		/* A stale file is ours to clean up only if our own killed
		 * run left it; a live namespace is ours by its lo's tag. */
		if (ns->stale)
			ns->ours = journaled(journal, "netns", "", ns->name) ||
				   json_listed(recorded, ns->name);
		else if (ns->exists)
			ns->ours = (lo && !strcmp(lo->alias, tag)) ||
				   journaled(journal, "netns", "", ns->name);
	}
	nsnet_clear_err(ctx);
	return 0;
}

/**
 * free_ns() - release one namespace's dumps
 * @ns:		namespace
 */
static void free_ns(struct obs_ns *ns)
{
	free(ns->links);
	free(ns->byname);
	free(ns->addrs);
	free(ns->routes);
}

/**
 * observed_free() - release an observation
 * @o:		observation, may be zeroed
 */
void observed_free(struct observed *o)
{
	size_t i;

	free_ns(&o->host);
	for (i = 0; i < o->n_ns; i++)
		free_ns(&o->ns[i]);
	free(o->ns);
	json_decref(o->journal);
	free(o->fw);
	ovs_obs_free(&o->ovs);
	memset(o, 0, sizeof(*o));
}

/**
 * observed_ns() - the observation of namespace @name
 * @o:		observation
 * @name:	namespace name
 *
 * Return: it, or NULL when it was not of interest.
 */
struct obs_ns *observed_ns(struct observed *o, const char *name)
{
	size_t lo = 0, hi = o->n_ns;

	/* o->ns is sorted by name (observe() sorts the names first) */
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = strcmp(name, o->ns[mid].name);

		if (!c)
			return &o->ns[mid];
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

/**
 * obs_link() - the link named @name in an observed namespace
 * @ns:		namespace
 * @name:	link name
 *
 * Return: it, or NULL.
 */
const struct nsnet_link *obs_link(const struct obs_ns *ns, const char *name)
{
	int lo = 0, hi = ns->n_links;

	while (lo < hi) {
		int mid = (lo + hi) / 2;
		int c = strcmp(name, ns->byname[mid]->name);

		if (!c)
			return ns->byname[mid];
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

/**
 * obs_link_ours() - whether a link belongs to the lab
 * @o:		observation (for the journal)
 * @lab:	lab name
 * @l:		the link
 * @ns:		its namespace, "" for the host
 *
 * Tagged links are ours, and so is the internal port of the lab's OVS
 * bridge (untagged until `up` sets it up). An untagged one is ours only when it also carries
 * the lab's device group and a killed run journaled its name: the group
 * alone could be someone else's.
 *
 * Return: true if the lab owns it.
 */
bool obs_link_ours(const struct observed *o, const char *lab,
		   const struct nsnet_link *l, const char *ns)
{
	char tag[LAB_NAME_MAX + 8];

	lab_tag(lab, tag, sizeof(tag));
	if (!strcmp(l->alias, tag) || (!*ns && obs_ovs_internal(o, l->name)))
		return true;
	return l->group == lab_group(lab) &&
	       journaled(o->journal, *ns ? "nslink" : "link", ns, l->name);
}

/**
 * obs_ovs_internal() - whether host link @name is the internal port of an
 * OVS bridge of the lab
 * @o:		observation
 * @name:	host link name
 *
 * ovs-vswitchd creates and removes that link with the bridge, so it is
 * the lab's even before it is tagged, and removing the bridge removes it.
 *
 * Return: true if so.
 */
bool obs_ovs_internal(const struct observed *o, const char *name)
{
	const struct ovs_bridge *b = ovs_bridge_find(&o->ovs, name);

	return b && b->ours;
}
