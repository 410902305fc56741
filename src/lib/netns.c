// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * netns.c - named network namespaces, kept exactly as iproute2 keeps them
 *
 * A named namespace is an empty file /run/netns/NAME with the namespace's
 * nsfs file bind-mounted on it. /run/netns itself is made a shared mount
 * point (once, under an flock so parallel callers don't stack mounts), so a
 * later `netns del` reaches into every mount namespace that inherited the
 * bind mount, and the namespace really goes away. `ip netns` and nsnet see
 * each other's namespaces.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <linux/net_namespace.h>
#include <linux/rtnetlink.h>

#include "internal.h"

/**
 * run_dir_prepare() - make /run/netns exist and be a shared mount point
 * @ctx:	context
 * @what:	the operation this is for ("netns add red"), for messages
 *
 * Done once per context: each time would walk every namespace mounted
 * there (MS_REC), which made creating N namespaces O(N^2).
 *
 * Return: 0, or -errno recorded in @ctx.
 */
static int run_dir_prepare(struct nsnet_ctx *ctx, const char *what)
{
	int fd, err = 0;

	if (ctx->netns_dir_ready)
		return 0;

	if (mkdir(NETNS_RUN_DIR, 0755) < 0 && errno != EEXIST)
		return nsnet_fail(ctx, -errno, "%s: mkdir %s", what, NETNS_RUN_DIR);
	fd = open(NETNS_RUN_DIR, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return nsnet_fail(ctx, -errno, "%s: open %s", what, NETNS_RUN_DIR);
	if (flock(fd, LOCK_EX) < 0) {
		err = nsnet_fail(ctx, -errno, "%s: lock %s", what, NETNS_RUN_DIR);
		goto out;
	}
	/* Try to make it shared; EINVAL means it is not a mount point yet,
	 * so bind it onto itself first and try once more. */
	if (mount("", NETNS_RUN_DIR, "none", MS_SHARED | MS_REC, NULL) == 0)
		goto out;
	if (errno != EINVAL) {
		err = nsnet_fail(ctx, -errno, "%s: make %s shared", what,
				 NETNS_RUN_DIR);
		goto out;
	}
	if (mount(NETNS_RUN_DIR, NETNS_RUN_DIR, "none", MS_BIND | MS_REC,
		  NULL) < 0 ||
	    mount("", NETNS_RUN_DIR, "none", MS_SHARED | MS_REC, NULL) < 0)
		err = nsnet_fail(ctx, -errno, "%s: mount %s", what, NETNS_RUN_DIR);
out:
	close(fd);	/* also drops the lock */
	ctx->netns_dir_ready = !err;
	return err;
}

/**
 * create_file() - create the empty file a namespace will be mounted on
 * @ctx:	context
 * @path:	/run/netns/NAME
 * @name:	NAME, for messages
 *
 * Return: 0, or -errno recorded in @ctx (-EEXIST if the name is taken).
 */
static int create_file(struct nsnet_ctx *ctx, const char *path,
		       const char *name)
{
	int fd = open(path, O_RDONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0);

	if (fd < 0) {
		if (errno == EEXIST)
			return nsnet_fail_why(ctx, -EEXIST, false,
					      "already exists", "netns %s",
					      name);
		return nsnet_fail(ctx, -errno, "create %s", path);
	}
	close(fd);
	return 0;
}

/**
 * struct add_args - what add_cb() works with
 * @paths:	the files to bind-mount the new namespaces on
 * @socks:	a socket opened inside each (.nl NULL if none could be)
 * @n:		how many
 * @done:	how many were created and pinned
 */
struct add_args {
	const char *const *paths;
	struct nl_sock *socks;
	size_t n;
	size_t done;
};

/**
 * add_cb() - ns_call() body: create namespaces and pin each on its file
 * @arg:	struct add_args
 *
 * Runs in the context's helper thread (ns_call()), so unshare() affects
 * only that thread, which then goes back to the context's namespace.
 * While in each it opens the namespace's netlink socket too: whoever
 * creates a namespace configures it next, and that saves a second trip.
 * A new namespace can be made from inside the last one, so the thread
 * goes from one to the next.
 *
 * Return: 0, or -errno of the one that failed (a->done of them exist).
 */
static int add_cb(void *arg)
{
	struct add_args *a = arg;
	struct stat st;

	for (; a->done < a->n; a->done++) {
		struct nl_sock *s = &a->socks[a->done];

		if (unshare(CLONE_NEWNET) < 0)
			return -errno;
		if (mount("/proc/thread-self/ns/net", a->paths[a->done], "none",
			  MS_BIND, NULL) < 0)
			return -errno;
		if (stat("/proc/thread-self/ns/net", &st) == 0 &&
		    sock_open_here(s, false) == 0) {
			s->dev = st.st_dev;
			s->ino = st.st_ino;
		}
	}
	return 0;
}

/**
 * netns_add_run() - create named namespaces, in one trip to the helper
 * @ctx:	context
 * @names:	their names
 * @n:		how many, at most NETNS_RUN_MAX
 * @done:	set to how many exist on return: all, or those before the
 *		one that failed
 *
 * nsnet_netns_add() of each, but the context's helper thread makes them
 * all before it hands back: a trip to it and back is two wake-ups across
 * CPUs, which on the benchmark VM cost ~80 us, as much as a tenth of what
 * a node of a lab costs to build. The files are created first, in order;
 * a failure stops there, and the files of namespaces not made are removed.
 *
 * Return: 0, or -errno recorded in @ctx, naming the namespace.
 */
int netns_add_run(struct nsnet_ctx *ctx, const char *const *names, size_t n,
		  size_t *done)
{
	char paths[NETNS_RUN_MAX][sizeof(NETNS_RUN_DIR) + NSNET_NSNAMSIZ];
	const char *pp[NETNS_RUN_MAX];
	struct nl_sock socks[NETNS_RUN_MAX] = { { 0 } };
	struct add_args a = { .paths = pp, .socks = socks };
	size_t i, files = 0;
	int err = 0, ferr = 0;

	*done = 0;
	if (n > NETNS_RUN_MAX)
		return nsnet_fail(ctx, -EINVAL, "netns add: %zu at once", n);
	for (i = 0; !err && i < n; i++) {
		err = ns_path(ctx, names[i], paths[i], sizeof(paths[i]));
		pp[i] = paths[i];
	}
	if (!err && n) {
		char what[sizeof(paths[0]) + 16];

		snprintf(what, sizeof(what), "netns add %s", names[0]);
		err = run_dir_prepare(ctx, what);
	}
	if (err)
		return err;
	/* A taken name stops the run there, after the ones before it. */
	for (; files < n; files++) {
		ferr = create_file(ctx, paths[files], names[files]);
		if (ferr)
			break;
	}
	a.n = files;
	err = files ? ns_call(ctx, -1, add_cb, &a) : 0;
	/* add_cb() opens a socket only after the mount: the one that failed
	 * has none. */
	for (i = 0; i < a.done; i++)
		if (socks[i].nl)
			nl_sock_adopt(ctx, &socks[i]);
	for (i = a.done; i < files; i++)
		unlink(paths[i]);
	*done = a.done;
	if (err)
		return nsnet_fail(ctx, err, "netns add %s", names[a.done]);
	return ferr;
}

/**
 * nsnet_netns_add() - create a named network namespace
 * @ctx:	context
 * @name:	its name
 *
 * Return: 0, or -errno. Nothing is left behind on failure.
 */
int nsnet_netns_add(struct nsnet_ctx *ctx, const char *name)
{
	size_t done;

	nsnet_clear_err(ctx);
	return netns_add_run(ctx, &name, 1, &done);
}

/**
 * nsnet_netns_attach() - give the namespace of process @pid a name
 * @ctx:	context
 * @name:	the new name
 * @pid:	the process
 *
 * Return: 0, or -errno.
 */
int nsnet_netns_attach(struct nsnet_ctx *ctx, const char *name, pid_t pid)
{
	char path[sizeof(NETNS_RUN_DIR) + NSNET_NSNAMSIZ], src[64];
	int err;

	nsnet_clear_err(ctx);
	err = ns_path(ctx, name, path, sizeof(path));
	if (err)
		return err;
	snprintf(src, sizeof(src), "/proc/%d/ns/net", (int)pid);
	if (pid <= 0 || access(src, F_OK) < 0)
		return nsnet_fail_why(ctx, -ESRCH, true, "no such process",
				      "pid %d", (int)pid);
	{
		char what[sizeof(path) + 16];

		snprintf(what, sizeof(what), "netns attach %s", name);
		err = run_dir_prepare(ctx, what);
	}
	if (!err)
		err = create_file(ctx, path, name);
	if (err)
		return err;
	if (mount(src, path, "none", MS_BIND, NULL) < 0) {
		err = -errno;
		unlink(path);
		return nsnet_fail(ctx, err, "netns attach %s %d", name,
				  (int)pid);
	}
	return 0;
}

/**
 * nsnet_netns_del() - delete a named namespace
 * @ctx:	context
 * @name:	its name
 *
 * MNT_DETACH unmounts the name everywhere the shared mount propagated; the
 * namespace itself lives on while processes or other mounts still hold it.
 * A stale file (nothing mounted) is simply removed.
 *
 * Return: 0, or -errno.
 */
int nsnet_netns_del(struct nsnet_ctx *ctx, const char *name)
{
	char path[sizeof(NETNS_RUN_DIR) + NSNET_NSNAMSIZ];
	struct stat st;
	int err;

	nsnet_clear_err(ctx);
	err = ns_path(ctx, name, path, sizeof(path));
	if (err)
		return err;
	if (stat(path, &st) < 0) {
		if (errno == ENOENT)
			return nsnet_fail_why(ctx, -ENOENT, true,
					      "no such namespace", "netns %s",
					      name);
		return nsnet_fail(ctx, -errno, "netns %s", name);
	}
	nl_sock_forget(ctx, st.st_dev, st.st_ino);
	if (umount2(path, MNT_DETACH) < 0 && errno != EINVAL)
		return nsnet_fail(ctx, -errno, "unmount %s", path);
	if (unlink(path) < 0)
		return nsnet_fail(ctx, -errno, "remove %s", path);
	return 0;
}

/**
 * parse_nsid() - read NETNSA_NSID from an RTM_NEWNSID answer
 * @nlh:	message
 * @data:	int * receiving the id
 *
 * Return: 0.
 */
static int parse_nsid(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *attr;

	mnl_attr_for_each(attr, nlh, sizeof(struct rtgenmsg)) {
		if (mnl_attr_get_type(attr) == NETNSA_NSID &&
		    mnl_attr_validate(attr, MNL_TYPE_U32) == 0)
			*(int *)data = (int)mnl_attr_get_u32(attr);
	}
	return 0;
}

/**
 * netns_id_fd() - the id the socket's namespace gives the namespace at @fd
 * @ctx:	context
 * @s:		socket of the namespace asking
 * @fd:		the namespace asked about
 *
 * Ids are assigned lazily (a veth across two namespaces assigns one); this
 * only reads, never assigns.
 *
 * Return: the id, or -1 when it has none.
 */
int netns_id_fd(struct nsnet_ctx *ctx, struct nl_sock *s, int fd)
{
	_Alignas(struct nlmsghdr) char buf[NLMSG_SPACE(sizeof(struct rtgenmsg)) +
					    MNL_ATTR_HDRLEN + sizeof(uint32_t)];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct rtgenmsg *g;
	int id = -1;

	nlh->nlmsg_type = RTM_GETNSID;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->rtgen_family = AF_UNSPEC;
	mnl_attr_put_u32(nlh, NETNSA_FD, (uint32_t)fd);
	if (nl_ask(ctx, s, nlh, parse_nsid, &id) < 0)
		id = -1;
	return id < 0 ? -1 : id;
}

/**
 * netns_id() - the id the host namespace gives the namespace at @path
 * @ctx:	context
 * @s:		the host's socket
 * @path:	namespace file
 *
 * Return: the id, or -1 when it has none.
 */
static int netns_id(struct nsnet_ctx *ctx, struct nl_sock *s,
		    const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC), id;

	if (fd < 0)
		return -1;
	id = netns_id_fd(ctx, s, fd);
	close(fd);
	return id;
}

/**
 * cmp_netns() - order namespaces by name
 * @a:		first
 * @b:		second
 *
 * Return: strcmp() of the names.
 */
static int cmp_netns(const void *a, const void *b)
{
	return strcmp(((const struct nsnet_netns *)a)->name,
		      ((const struct nsnet_netns *)b)->name);
}

/**
 * scan_run_dir() - list /run/netns, optionally only entries matching @want
 * @ctx:	context
 * @want:	stat of a namespace to match (by dev and inode), or NULL
 * @out:	result array
 *
 * Return: number of entries, or -errno.
 */
static int scan_run_dir(struct nsnet_ctx *ctx, const struct stat *want,
			struct nsnet_netns **out)
{
	struct vec v = { .size = sizeof(struct nsnet_netns) };
	struct nl_sock *s = NULL;
	struct dirent *de;
	DIR *d;
	int n;

	d = opendir(NETNS_RUN_DIR);
	if (!d && errno != ENOENT)
		return nsnet_fail(ctx, -errno, "open %s", NETNS_RUN_DIR);
	while (d && (de = readdir(d))) {
		char path[sizeof(NETNS_RUN_DIR) + NSNET_NSNAMSIZ];
		struct nsnet_netns *e;
		struct stat st;

		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", NETNS_RUN_DIR,
			 de->d_name);
		if (stat(path, &st) < 0)
			continue;	/* deleted while we looked */
		if (want && (st.st_dev != want->st_dev ||
			     st.st_ino != want->st_ino))
			continue;
		e = vec_push(&v);
		if (!e) {
			closedir(d);
			free(v.items);
			return nsnet_fail(ctx, -ENOMEM, "netns list");
		}
		snprintf(e->name, sizeof(e->name), "%s", de->d_name);
		e->id = -1;
		e->stale = !path_is_nsfs(path);
		e->ino = e->stale ? 0 : (uint64_t)st.st_ino;
		if (!e->stale && !want) {
			if (!s)
				s = nl_sock_get(ctx, NULL);
			if (s)
				e->id = netns_id(ctx, s, path);
		}
	}
	if (d)
		closedir(d);
	nsnet_clear_err(ctx);
	vec_sort(&v, cmp_netns);
	n = vec_take(&v, out);
	return n < 0 ? nsnet_fail(ctx, n, "netns list") : n;
}

/**
 * nsnet_netns_list() - every entry of /run/netns, sorted by name
 * @ctx:	context
 * @out:	result array, free() it
 *
 * Return: the count, or -errno.
 */
int nsnet_netns_list(struct nsnet_ctx *ctx, struct nsnet_netns **out)
{
	nsnet_clear_err(ctx);
	return scan_run_dir(ctx, NULL, out);
}

/**
 * nsnet_netns_identify() - the names of the namespace process @pid is in
 * @ctx:	context
 * @pid:	process, 0 for the caller
 * @out:	result array, free() it
 *
 * Return: the count (0 when the namespace has no name), or -errno.
 */
int nsnet_netns_identify(struct nsnet_ctx *ctx, pid_t pid,
			 struct nsnet_netns **out)
{
	char path[64];
	struct stat st;

	nsnet_clear_err(ctx);
	if (pid < 0)
		return nsnet_fail_why(ctx, -EINVAL, true, "not a process id",
				      "pid %d", (int)pid);
	if (pid == 0)
		snprintf(path, sizeof(path), "/proc/thread-self/ns/net");
	else
		snprintf(path, sizeof(path), "/proc/%d/ns/net", (int)pid);
	if (stat(path, &st) < 0)
		return nsnet_fail_why(ctx, -errno, errno == ENOENT,
				      errno == ENOENT ? "no such process" :
				      strerror(errno), "pid %d", (int)pid);
	return scan_run_dir(ctx, &st, out);
}

/**
 * nsnet_netns_pids() - the processes in namespace @name
 * @ctx:	context
 * @name:	namespace name
 * @out:	result array of pids in ascending order, free() it
 *
 * Return: the count, or -errno.
 */
int nsnet_netns_pids(struct nsnet_ctx *ctx, const char *name, pid_t **out)
{
	struct vec v = { .size = sizeof(pid_t) };
	struct stat want;
	struct dirent *de;
	DIR *d;
	int fd, n;

	nsnet_clear_err(ctx);
	fd = ns_open(ctx, name);
	if (fd < 0)
		return fd;
	if (fstat(fd, &want) < 0) {
		close(fd);
		return nsnet_fail(ctx, -errno, "netns %s", name);
	}
	close(fd);
	d = opendir("/proc");
	if (!d)
		return nsnet_fail(ctx, -errno, "open /proc");
	while ((de = readdir(d))) {
		char path[300];
		struct stat st;
		pid_t *p;
		char *end;
		long pid = strtol(de->d_name, &end, 10);

		if (*end || pid <= 0)
			continue;
		snprintf(path, sizeof(path), "/proc/%ld/ns/net", pid);
		if (stat(path, &st) < 0 || st.st_dev != want.st_dev ||
		    st.st_ino != want.st_ino)
			continue;	/* gone, a kernel thread, or elsewhere */
		p = vec_push(&v);
		if (!p) {
			closedir(d);
			free(v.items);
			return nsnet_fail(ctx, -ENOMEM, "netns pids");
		}
		*p = (pid_t)pid;
	}
	closedir(d);
	n = vec_take(&v, out);
	return n < 0 ? nsnet_fail(ctx, n, "netns pids") : n;
}

/**
 * remount_sys() - mount a sysfs that shows the current network namespace
 * @ctx:	context
 * @name:	namespace name, for messages
 *
 * sysfs shows the network devices of the namespace of whoever mounted it,
 * so /sys must be mounted anew after joining. It stays read-only if it was.
 *
 * Return: 0, or -errno.
 */
static int remount_sys(struct nsnet_ctx *ctx, const char *name)
{
	unsigned long flags = 0;
	struct statvfs sv;

	if (statvfs("/sys", &sv) == 0 && (sv.f_flag & ST_RDONLY))
		flags |= MS_RDONLY;
	if (umount2("/sys", MNT_DETACH) < 0 && errno != EINVAL)
		return nsnet_fail(ctx, -errno, "netns exec %s: unmount /sys",
				  name);
	if (mount(name, "/sys", "sysfs", flags, NULL) < 0)
		return nsnet_fail(ctx, -errno, "netns exec %s: mount /sys",
				  name);
	return 0;
}

/**
 * bind_etc() - bind every file of /etc/netns/NAME over its name in /etc
 * @ctx:	context
 * @name:	namespace name
 *
 * Return: 0, or -errno naming the file that could not be bound.
 */
static int bind_etc(struct nsnet_ctx *ctx, const char *name)
{
	char dir[sizeof(NETNS_ETC_DIR) + NSNET_NSNAMSIZ];
	struct dirent *de;
	int err = 0;
	DIR *d;

	snprintf(dir, sizeof(dir), "%s/%s", NETNS_ETC_DIR, name);
	d = opendir(dir);
	if (!d)
		return errno == ENOENT ? 0 :
			nsnet_fail(ctx, -errno, "netns exec %s: open %s",
				   name, dir);
	while (!err && (de = readdir(d))) {
		char src[sizeof(dir) + 256 + 1], dst[256 + 8];

		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		snprintf(src, sizeof(src), "%s/%s", dir, de->d_name);
		snprintf(dst, sizeof(dst), "/etc/%s", de->d_name);
		if (mount(src, dst, "none", MS_BIND, NULL) < 0)
			err = nsnet_fail(ctx, -errno,
					 "netns exec %s: bind %s over %s",
					 name, src, dst);
	}
	closedir(d);
	return err;
}

/**
 * netns_enter_fd() - move the calling process into namespace @fd for good
 * @ctx:	context
 * @fd:		the namespace (left open)
 * @name:	its name, for /etc/netns/NAME and messages
 * @etc:	also do what `ip netns exec` does around the network namespace
 *		(private mount namespace, /sys, /etc/netns/NAME); with false
 *		only the network namespace is joined
 *
 * Shared by `netns exec` and the processes of a lab's nodes (proc.c), which
 * open the namespace before they fork.
 *
 * Return: 0, or -errno.
 */
int netns_enter_fd(struct nsnet_ctx *ctx, int fd, const char *name, bool etc)
{
	int err;

	if (setns(fd, CLONE_NEWNET) < 0)
		return nsnet_fail(ctx, -errno, "netns exec %s: setns", name);
	if (!etc)
		return 0;
	/* A private view of the mount table, receiving but never sending
	 * propagation, so the /sys and /etc mounts below stay ours. */
	if (unshare(CLONE_NEWNS) < 0)
		return nsnet_fail(ctx, -errno, "netns exec %s: unshare", name);
	if (mount("", "/", "none", MS_SLAVE | MS_REC, NULL) < 0)
		return nsnet_fail(ctx, -errno, "netns exec %s: mount --make-rslave /",
				  name);
	err = remount_sys(ctx, name);
	if (!err)
		err = bind_etc(ctx, name);
	return err;
}

/**
 * nsnet_netns_enter() - move the calling process into @name for good
 * @ctx:	context
 * @name:	namespace name
 *
 * Return: 0, or -errno.
 */
int nsnet_netns_enter(struct nsnet_ctx *ctx, const char *name)
{
	int fd, err;

	nsnet_clear_err(ctx);
	fd = ns_open(ctx, name);
	if (fd < 0)
		return fd;
	err = netns_enter_fd(ctx, fd, name, true);
	close(fd);
	return err;
}
