// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * netns_id.c - namespace ids (`netns set`, `netns list-id`) and watching
 * /run/netns (`netns monitor`)
 *
 * A namespace id is the number one namespace gives another (a veth's
 * link-netnsid). The kernel assigns them lazily; RTM_NEWNSID assigns one on
 * request and RTM_GETNSID dumps those the asking namespace has given, as
 * `ip netns set` and `ip netns list-id` do. Everything here acts from the
 * context's host namespace. The monitor watches /run/netns with inotify,
 * as iproute2 does: a namespace is named by a file appearing there.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>
#include <linux/net_namespace.h>
#include <linux/rtnetlink.h>

#include "internal.h"

/**
 * open_named() - open /run/netns/NAME, which must hold a namespace
 * @ctx:	context
 * @name:	namespace name (checked)
 *
 * Return: an O_CLOEXEC descriptor, or -errno recorded in @ctx (an input
 * error when there is no such namespace).
 */
static int open_named(struct nsnet_ctx *ctx, const char *name)
{
	char path[sizeof(NETNS_RUN_DIR) + NSNET_NSNAMSIZ];
	const char *why = nsnet_check_nsname(name);
	int fd;

	if (why)
		return nsnet_fail_why(ctx, -EINVAL, true, why, "netns \"%s\"",
				      name);
	snprintf(path, sizeof(path), "%s/%s", NETNS_RUN_DIR, name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ?
			nsnet_fail_why(ctx, -ENOENT, true, "no such namespace",
				       "netns %s", name) :
			nsnet_fail(ctx, -errno, "open %s", path);
	if (!path_is_nsfs(path)) {
		close(fd);
		return nsnet_fail_why(ctx, -EINVAL, true,
				      "stale: nothing mounted, remove with netns del",
				      "netns %s", name);
	}
	return fd;
}

/**
 * nsnet_netns_set_id() - give the named namespace an id; see nsnet.h
 * @ctx:	context
 * @name:	namespace name
 * @id:		the id, or -1 for the kernel's choice
 *
 * Return: 0, or -errno (the kernel's extack text recorded in @ctx).
 */
int nsnet_netns_set_id(struct nsnet_ctx *ctx, const char *name, int id)
{
	struct nl_req r = { .failed = -1 };
	struct nl_sock *s;
	struct nlmsghdr *nlh;
	struct rtgenmsg *g;
	char extack[256] = "";
	int fd, err;

	nsnet_clear_err(ctx);
	if (id < -1)
		return nsnet_fail_why(ctx, -EINVAL, true, "not a namespace id",
				      "netns set %s %d", name, id);
	fd = open_named(ctx, name);
	if (fd < 0)
		return fd;
	s = nl_sock_get(ctx, NULL);
	if (!s) {
		err = -EIO;	/* nl_sock_get() recorded why */
		goto out;
	}
	nlh = nl_req_add(&r, RTM_NEWNSID, 0, sizeof(*g), (void **)&g);
	if (nlh) {
		g->rtgen_family = AF_UNSPEC;
		mnl_attr_put_u32(nlh, NETNSA_FD, (uint32_t)fd);
		mnl_attr_put_u32(nlh, NETNSA_NSID, (uint32_t)id);
	}
	err = nl_send(ctx, s, &r, NULL, NULL, extack, sizeof(extack));
	if (err && id < 0)
		nl_fail(ctx, err, extack, "netns set %s auto", name);
	else if (err)
		nl_fail(ctx, err, extack, "netns set %s %d", name, id);
out:
	nl_req_free(&r);
	close(fd);
	return err;
}

/**
 * parse_id() - one RTM_NEWNSID message of a dump as a struct nsnet_nsid
 * @nlh:	message
 * @data:	struct vec of struct nsnet_nsid
 *
 * Return: 0, or -ENOMEM.
 */
static int parse_id(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *attr;
	struct nsnet_nsid *e;
	int id = -1;

	if (nlh->nlmsg_type != RTM_NEWNSID)
		return 0;
	mnl_attr_for_each(attr, nlh, sizeof(struct rtgenmsg)) {
		if (mnl_attr_get_type(attr) == NETNSA_NSID &&
		    mnl_attr_validate(attr, MNL_TYPE_U32) == 0)
			id = (int)mnl_attr_get_u32(attr);
	}
	if (id < 0)
		return 0;
	e = vec_push(data);
	if (!e)
		return -ENOMEM;
	memset(e, 0, sizeof(*e));
	e->nsid = id;
	return 0;
}

/**
 * nsnet_netns_list_id() - the ids the host namespace gives; see nsnet.h
 * @ctx:	context
 * @out:	result array, free() it
 *
 * Each id is named by the /run/netns entry that has it, as iproute2 does.
 *
 * Return: the count, or -errno.
 */
int nsnet_netns_list_id(struct nsnet_ctx *ctx, struct nsnet_nsid **out)
{
	struct vec v = { .size = sizeof(struct nsnet_nsid) };
	struct nsnet_netns *named = NULL;
	struct nsnet_nsid *ids;
	struct nl_sock *s;
	int n, n_named, i, j, err;

	nsnet_clear_err(ctx);
	s = nl_sock_get(ctx, NULL);
	if (!s)
		return -EIO;	/* nl_sock_get() recorded why */
	err = nl_dump(ctx, s, RTM_GETNSID, AF_UNSPEC, sizeof(struct rtgenmsg),
		      NULL, parse_id, &v);
	if (err) {
		free(v.items);
		return nsnet_fail(ctx, err, "netns list-id");
	}
	n = vec_take(&v, out);
	if (n < 0)
		return nsnet_fail(ctx, n, "netns list-id");
	n_named = nsnet_netns_list(ctx, &named);
	if (n_named < 0) {
		free(*out);
		*out = NULL;
		return n_named;
	}
	ids = *out;
	for (i = 0; i < n; i++)
		for (j = 0; j < n_named; j++)
			if (named[j].id == ids[i].nsid && !ids[i].name[0])
				snprintf(ids[i].name, sizeof(ids[i].name), "%s",
					 named[j].name);
	free(named);
	return n;
}

/**
 * nsnet_netns_monitor() - report names appearing in /run/netns; see nsnet.h
 * @ctx:	context
 * @cb:		told of each entry created or deleted; a non-zero return
 *		ends the watch
 * @data:	passed to @cb
 *
 * /run/netns is created (mode 0755, as iproute2 does) when missing, so a
 * monitor started before the first namespace sees it come.
 *
 * Return: what @cb returned to end it, or -errno.
 */
int nsnet_netns_monitor(struct nsnet_ctx *ctx, nsnet_netns_event_cb cb,
			void *data)
{
	_Alignas(struct inotify_event) char buf[4096 + NAME_MAX + 1];
	const struct inotify_event *ev;
	int fd, rc = 0;
	ssize_t len;
	char *p;

	nsnet_clear_err(ctx);
	if (mkdir(NETNS_RUN_DIR, 0755) < 0 && errno != EEXIST)
		return nsnet_fail(ctx, -errno, "mkdir %s", NETNS_RUN_DIR);
	fd = inotify_init1(IN_CLOEXEC);
	if (fd < 0)
		return nsnet_fail(ctx, -errno, "inotify");
	if (inotify_add_watch(fd, NETNS_RUN_DIR, IN_CREATE | IN_DELETE) < 0) {
		rc = nsnet_fail(ctx, -errno, "watch %s", NETNS_RUN_DIR);
		goto out;
	}
	while (!rc) {
		len = read(fd, buf, sizeof(buf));
		if (len < 0 && errno == EINTR)
			continue;
		if (len <= 0) {
			rc = nsnet_fail(ctx, len < 0 ? -errno : -EIO, "read %s events",
					NETNS_RUN_DIR);
			break;
		}
		for (p = buf; !rc && p < buf + len; p += sizeof(*ev) + ev->len) {
			ev = (const struct inotify_event *)p;
			if (ev->len && (ev->mask & IN_CREATE))
				rc = cb(data, true, ev->name);
			if (!rc && ev->len && (ev->mask & IN_DELETE))
				rc = cb(data, false, ev->name);
		}
	}
out:
	close(fd);
	return rc;
}
