// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * status.c - what labs are up, and what their nodes look like now
 *
 * Reads only: no lock. Everything shown comes from the kernel (dumps of the
 * host and of each node); the state only says which labs and nodes exist.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "engine.h"
#include "fw.h"

/**
 * cmp_info() - order labs by name
 * @a:		first
 * @b:		second
 *
 * Return: strcmp() of the names.
 */
static int cmp_info(const void *a, const void *b)
{
	return strcmp(((const struct nsnet_lab_info *)a)->name,
		      ((const struct nsnet_lab_info *)b)->name);
}

/**
 * nsnet_lab_list() - the labs that are up
 * @ctx:	context
 * @out:	result array, free() it
 *
 * Return: the count, or -errno.
 */
int nsnet_lab_list(struct nsnet_ctx *ctx, struct nsnet_lab_info **out)
{
	struct vec v = { .size = sizeof(struct nsnet_lab_info) };
	struct state_dir sd;
	json_t *names = NULL, *name;
	size_t i;
	int err;

	nsnet_clear_err(ctx);
	err = state_open(ctx, &sd, false);
	if (err == -ENOENT)
		return vec_take(&v, out);
	if (err)
		return err;
	err = state_labs(ctx, &sd, &names);
	json_array_foreach(names, i, name) {
		json_t *st = state_load(ctx, &sd, json_string_value(name), &err);
		struct nsnet_lab_info *l;

		if (!st)
			continue;
		l = vec_push(&v);
		if (!l) {
			json_decref(st);
			break;
		}
		snprintf(l->name, sizeof(l->name), "%s", json_string_value(name));
		snprintf(l->file, sizeof(l->file), "%s",
			 json_string_value(json_object_get(st, "file")) ?: "");
		l->nodes = (unsigned int)json_array_size(json_object_get(st, "nodes"));
		l->networks = (unsigned int)json_array_size(
			json_object_get(st, "networks"));
		json_decref(st);
	}
	json_decref(names);
	state_close(&sd);
	nsnet_clear_err(ctx);
	vec_sort(&v, cmp_info);
	err = vec_take(&v, out);
	return err < 0 ? nsnet_fail(ctx, err, "labs") : err;
}

/**
 * cable_peer() - the far end of a cable between two of the lab's nodes
 * @ctx:	context
 * @o:		observation of the lab's nodes
 * @node:	the node the link is in
 * @l:		the link, whose peer is (l->link_netnsid, l->link)
 * @out:	"NODE:IF"
 * @len:	size of @out
 *
 * The netnsid is @node's private name for the other namespace, so @node is
 * asked which id it gives each other node until one matches.
 *
 * Return: true if found.
 */
static bool cable_peer(struct nsnet_ctx *ctx, const struct observed *o,
		       const struct obs_ns *node, const struct nsnet_link *l,
		       char *out, size_t len)
{
	size_t k;

	for (k = 0; k < o->n_ns; k++) {
		const struct obs_ns *other = &o->ns[k];
		const struct nsnet_link key = { .ifindex = l->link }, *m;
		char path[sizeof(NETNS_RUN_DIR) + NSNET_NSNAMSIZ];
		struct nl_sock *s;
		int fd, id;

		if (other == node || !other->exists)
			continue;
		/* Only a link that points back at this one is a candidate:
		 * one netlink question per real candidate, not per node. */
		m = bsearch(&key, other->links, (size_t)other->n_links,
			    sizeof(key), link_cmp_index);
		if (!m || m->link != l->ifindex)
			continue;
		snprintf(path, sizeof(path), "%s/%s", NETNS_RUN_DIR, other->name);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			continue;
		s = nl_sock_get(ctx, node->name);
		id = s ? netns_id_fd(ctx, s, fd) : -1;
		close(fd);
		if (id == l->link_netnsid) {
			snprintf(out, len, "%s:%s", other->name, m->name);
			return true;
		}
	}
	return false;
}

/**
 * find_peer() - name the other end of a node's veth
 * @ctx:	context
 * @o:		observation (host and nodes)
 * @node:	the node's observation
 * @l:		the node's link
 * @out:	"HOSTIF" or "NODE:IF"
 * @len:	size of @out
 *
 * The kernel reports a veth's peer as (netnsid, ifindex) relative to the
 * link's own namespace. A peer in the host (the node's id for it) is the
 * host link of that ifindex, when that link points back at this one;
 * otherwise it may be a cable to another node (cable_peer()).
 */
static void find_peer(struct nsnet_ctx *ctx, const struct observed *o,
		      const struct obs_ns *node, const struct nsnet_link *l,
		      char *out, size_t len)
{
	const struct nsnet_link key = { .ifindex = l->link };
	const struct nsnet_link *h = NULL;

	if (node->host_id >= 0 && l->link_netnsid == node->host_id)
		h = bsearch(&key, o->host.links, (size_t)o->host.n_links,
			    sizeof(key), link_cmp_index);
	if (h && h->link == l->ifindex) {
		snprintf(out, len, "%s", h->name);
		return;
	}
	if (l->link_netnsid >= 0 && cable_peer(ctx, o, node, l, out, len))
		return;
	snprintf(out, len, "-");
}

/**
 * fill_if() - one status row
 * @ctx:	context
 * @o:		observation
 * @ns:		the node
 * @l:		its link
 * @e:		row to fill
 */
static void fill_if(struct nsnet_ctx *ctx, const struct observed *o,
		    const struct obs_ns *ns, const struct nsnet_link *l,
		    struct nsnet_lab_if *e)
{
	const struct nsnet_link *h, *m;
	int k;

	snprintf(e->node, sizeof(e->node), "%s", ns->name);
	snprintf(e->ifname, sizeof(e->ifname), "%s", l->name);
	e->operstate = l->operstate;
	e->flags = l->flags;
	find_peer(ctx, o, ns, l, e->peer, sizeof(e->peer));
	h = obs_link(&o->host, e->peer);
	if (h && h->master) {
		const struct nsnet_link key = { .ifindex = h->master };

		m = bsearch(&key, o->host.links, (size_t)o->host.n_links,
			    sizeof(key), link_cmp_index);
		snprintf(e->master, sizeof(e->master), "%s", m ? m->name : "?");
	}
	for (k = 0; k < ns->n_addrs && e->n_addrs < 8; k++) {
		const struct nsnet_prefix *a = &ns->addrs[k].local;

		if (ns->addrs[k].ifindex != l->ifindex || pfx_link_local(a))
			continue;
		e->addrs[e->n_addrs++] = *a;
	}
}

/**
 * load_up_lab() - the state of a lab that is up
 * @ctx:	context
 * @lab:	lab name
 * @err:	0, or -errno (-ENOENT, an input error, for no such lab)
 *
 * Return: the state, or NULL.
 */
static json_t *load_up_lab(struct nsnet_ctx *ctx, const char *lab, int *err)
{
	struct state_dir sd;
	json_t *st = NULL;

	*err = state_open(ctx, &sd, false);
	if (!*err)
		st = state_load(ctx, &sd, lab, err);
	state_close(&sd);
	if (*err == -ENOENT)
		*err = nsnet_fail_why(ctx, -ENOENT, true, "no such lab is up",
				      "lab %s", lab);
	return *err ? NULL : st;
}

/**
 * nsnet_lab_status() - every tagged interface of a lab's nodes
 * @ctx:	context
 * @lab:	lab name
 * @out:	result array, free() it
 *
 * Return: the count, or -errno (-ENOENT, an input error, for no such lab).
 */
int nsnet_lab_status(struct nsnet_ctx *ctx, const char *lab,
		     struct nsnet_lab_if **out)
{
	struct vec v = { .size = sizeof(struct nsnet_lab_if) };
	char tag[LAB_NAME_MAX + 8];
	struct observed o = { 0 };
	json_t *st = NULL, *nodes;
	const char **names = NULL;
	size_t i, n;
	int err, j;

	nsnet_clear_err(ctx);
	st = load_up_lab(ctx, lab, &err);
	if (!st)
		return err;
	nodes = json_object_get(st, "nodes");
	n = json_array_size(nodes);
	names = calloc(n ? n : 1, sizeof(*names));
	if (!names) {
		err = nsnet_fail(ctx, -ENOMEM, "status");
		goto out;
	}
	for (i = 0; i < n; i++)
		names[i] = json_string_value(json_array_get(nodes, i));
	err = observe(ctx, lab, names, n, NULL, nodes, &o);
	if (err)
		goto out;
	lab_tag(lab, tag, sizeof(tag));
	for (i = 0; i < o.n_ns; i++) {
		size_t before = v.n;
		struct nsnet_lab_if *e;

		for (j = 0; j < o.ns[i].n_links; j++) {
			const struct nsnet_link *l = &o.ns[i].links[j];

			if (!o.ns[i].ours || !strcmp(l->name, "lo") ||
			    strcmp(l->alias, tag))
				continue;
			e = vec_push(&v);
			if (!e)
				goto oom;
			fill_if(ctx, &o, &o.ns[i], l, e);
		}
		if (v.n > before)
			continue;
		/* No interfaces, or no namespace at all (drift): one row. */
		e = vec_push(&v);
		if (!e)
			goto oom;
		snprintf(e->node, sizeof(e->node), "%s", o.ns[i].name);
		e->missing = !o.ns[i].exists || !o.ns[i].ours;
	}
	err = vec_take(&v, out);
	goto out;
oom:
	err = nsnet_fail(ctx, -ENOMEM, "status");
out:
	free(v.items);
	free(names);
	observed_free(&o);
	json_decref(st);
	return err;
}

/**
 * join_lines() - a JSON array of strings as one text, a line each
 * @arr:	the array, may be NULL
 *
 * Return: the text (free()), "" for none, NULL when out of memory.
 */
static char *join_lines(json_t *arr)
{
	size_t i, len = 1;
	json_t *e;
	char *out;

	json_array_foreach(arr, i, e)
		len += strlen(json_string_value(e) ?: "") + 1;
	out = malloc(len);
	if (!out)
		return NULL;
	*out = '\0';
	json_array_foreach(arr, i, e) {
		strcat(out, json_string_value(e) ?: "");
		strcat(out, "\n");
	}
	return out;
}

/**
 * nsnet_lab_fw() - a lab's NAT and forwards, and whether its table drifted
 * @ctx:	context
 * @lab:	lab name
 * @out:	result
 *
 * Return: 0, or -errno (-ENOENT, an input error, for no such lab).
 */
int nsnet_lab_fw(struct nsnet_ctx *ctx, const char *lab,
		 struct nsnet_lab_fw *out)
{
	const char *listing;
	char *now = NULL;
	json_t *st = NULL;
	int err;

	nsnet_clear_err(ctx);
	memset(out, 0, sizeof(*out));
	st = load_up_lab(ctx, lab, &err);
	if (!st)
		return err;
	out->nat = join_lines(json_object_get(st, "nat"));
	out->forwards = join_lines(json_object_get(st, "forwards"));
	listing = json_string_value(json_object_get(st, "fw_listing"));
	out->forwarding_off =
		(json_is_true(json_object_get(json_object_get(st, "forwarding"), "ipv4")) &&
		 forwarding_off(AF_INET)) ||
		(json_is_true(json_object_get(json_object_get(st, "forwarding"), "ipv6")) &&
		 forwarding_off(AF_INET6));
	if (json_object_get(st, "fw_script")) {
		err = fw_list(ctx, lab, &now);
		if (err == -ENOENT)
			out->table = NSNET_FW_MISSING;
		else if (!err)
			out->table = listing && !strcmp(listing, now) ?
				     NSNET_FW_OK : NSNET_FW_CHANGED;
		free(now);
		err = err == -ENOENT ? 0 : err;
	}
	json_decref(st);
	if (!err && (!out->nat || !out->forwards))
		err = nsnet_fail(ctx, -ENOMEM, "status");
	if (err)
		nsnet_lab_fw_free(out);
	return err;
}

/**
 * nsnet_lab_fw_free() - release what nsnet_lab_fw() filled in
 * @fw:		the result, may be zeroed
 */
void nsnet_lab_fw_free(struct nsnet_lab_fw *fw)
{
	free(fw->nat);
	free(fw->forwards);
	fw->nat = fw->forwards = NULL;
}
