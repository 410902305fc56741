// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * nsfd.c - turn a namespace name (or PID) into a descriptor
 *
 * Every call that acts "in" a namespace starts here, so a bad name or a
 * missing namespace is refused before anything is changed.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statfs.h>
#include <unistd.h>

#include "internal.h"

#ifndef NSFS_MAGIC
#define NSFS_MAGIC 0x6e736673
#endif

/**
 * ns_path() - validate @name and build /run/netns/NAME
 * @ctx:	context
 * @name:	namespace name
 * @buf:	output
 * @len:	size of @buf
 *
 * Return: 0, or -EINVAL with the reason recorded as an input error.
 */
int ns_path(struct nsnet_ctx *ctx, const char *name, char *buf, size_t len)
{
	const char *why = nsnet_check_nsname(name);

	if (why)
		return nsnet_fail_why(ctx, -EINVAL, true, why,
				      "netns \"%s\"", name ? name : "");
	snprintf(buf, len, "%s/%s", NETNS_RUN_DIR, name);
	return 0;
}

/**
 * path_is_nsfs() - whether a namespace is mounted at @path
 * @path:	a file under /run/netns
 *
 * Return: true for a live namespace, false for a stale or missing file.
 */
bool path_is_nsfs(const char *path)
{
	struct statfs sfs;

	return statfs(path, &sfs) == 0 && sfs.f_type == NSFS_MAGIC;
}

/**
 * ns_open() - open the namespace @ns refers to
 * @ctx:	context
 * @ns:		NULL or "" for the context's own namespace, else a name
 *
 * A plain file under /run/netns with nothing mounted on it (left behind by a
 * crash) is refused as stale instead of silently used as "some file".
 *
 * Return: an O_CLOEXEC descriptor, or -errno.
 */
int ns_open(struct nsnet_ctx *ctx, const char *ns)
{
	char path[sizeof(NETNS_RUN_DIR) + NSNET_NSNAMSIZ];
	struct statfs sfs;
	int fd, err;

	if (!ns || !*ns) {
		fd = fcntl(ctx->host_fd, F_DUPFD_CLOEXEC, 0);
		return fd < 0 ? nsnet_fail(ctx, -errno, "dup") : fd;
	}
	err = ns_path(ctx, ns, path, sizeof(path));
	if (err)
		return err;
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0) {
		err = -errno;
		if (err == -ENOENT)
			return nsnet_fail_why(ctx, err, true,
					      "no such namespace",
					      "netns %s", ns);
		return nsnet_fail(ctx, err, "netns %s", ns);
	}
	if (fstatfs(fd, &sfs) < 0 || sfs.f_type != NSFS_MAGIC) {
		close(fd);
		return nsnet_fail_why(ctx, -EINVAL, true,
				      "stale entry, no namespace is mounted on it",
				      "netns %s", ns);
	}
	return fd;
}

/**
 * all_digits() - whether @s is a non-empty string of decimal digits
 * @s:		text
 *
 * Return: true if so.
 */
static bool all_digits(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return false;
	return true;
}

/**
 * ns_open_target() - open a destination namespace given as NAME or PID
 * @ctx:	context
 * @spec:	a name under /run/netns, or a process id
 *
 * Like iproute2, a name wins over a PID: "1234" is a PID only when no
 * namespace of that name exists.
 *
 * Return: a descriptor, or -errno.
 */
int ns_open_target(struct nsnet_ctx *ctx, const char *spec)
{
	char path[64];
	int fd, err;

	if (all_digits(spec)) {
		snprintf(path, sizeof(path), "%s/%s", NETNS_RUN_DIR, spec);
		if (access(path, F_OK) == 0)
			return ns_open(ctx, spec);
		if (strlen(spec) > 9)
			return nsnet_fail_why(ctx, -EINVAL, true,
					      "not a namespace or process id",
					      "netns %s", spec);
		snprintf(path, sizeof(path), "/proc/%s/ns/net", spec);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0) {
			err = -errno;
			return nsnet_fail_why(ctx, err, true,
					      err == -ENOENT ? "no such namespace or process" : strerror(-err),
					      "netns %s", spec);
		}
		return fd;
	}
	return ns_open(ctx, spec);
}
