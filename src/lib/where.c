// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * where.c - what lives where: every network namespace on the machine, the
 * processes in each, and the other end of every veth
 *
 * Named namespaces are only some of them: containers keep theirs unnamed,
 * alive through a process (/proc/PID/ns/net) or an nsfs bind mount
 * somewhere else (Docker's /run/docker/netns/...). All three are sighted
 * and grouped by inode, which is what identifies a namespace.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"

/**
 * struct sighting - one way a namespace was found
 * @dev:	st_dev of the nsfs inode
 * @ino:	its inode
 * @kind:	0 a name under /run/netns, 1 another nsfs mount, 2 a process
 * @pid:	the process (kind 2)
 * @text:	the name (kind 0) or the mount path (kind 1)
 */
struct sighting {
	dev_t dev;
	uint64_t ino;
	int kind;
	pid_t pid;
	char text[256];
};

/**
 * cmp_sighting() - group by namespace; names, then mounts, then pids
 * @a:		struct sighting
 * @b:		struct sighting
 *
 * Return: <0, 0, >0.
 */
static int cmp_sighting(const void *a, const void *b)
{
	const struct sighting *x = a, *y = b;

	if (x->dev != y->dev)
		return x->dev < y->dev ? -1 : 1;
	if (x->ino != y->ino)
		return x->ino < y->ino ? -1 : 1;
	if (x->kind != y->kind)
		return x->kind - y->kind;
	return x->kind == 2 ? (x->pid > y->pid) - (x->pid < y->pid) :
			      strcmp(x->text, y->text);
}

/**
 * cmp_sighting_ns() - whether two sightings are of the same namespace
 * @x:		one
 * @y:		another
 *
 * Return: 0 when they are.
 */
static int cmp_sighting_ns(const struct sighting *x, const struct sighting *y)
{
	return x->dev != y->dev || x->ino != y->ino;
}

/**
 * cmp_info() - the host first, then named namespaces by name, then by inode
 * @a:		struct nsnet_netns_info
 * @b:		struct nsnet_netns_info
 *
 * Return: <0, 0, >0.
 */
static int cmp_info(const void *a, const void *b)
{
	const struct nsnet_netns_info *x = a, *y = b;

	if (x->host != y->host)
		return x->host ? -1 : 1;
	if (!*x->name != !*y->name)
		return *x->name ? -1 : 1;
	if (*x->name)
		return strcmp(x->name, y->name);
	return (x->ino > y->ino) - (x->ino < y->ino);
}

/**
 * sight() - record a sighting of the namespace at @path
 * @v:		struct vec of sightings
 * @path:	a path that is (or leads to) a network namespace
 * @kind:	see struct sighting
 * @pid:	the process for kind 2
 * @text:	the name or mount path for kinds 0 and 1
 *
 * Return: 0, or -ENOMEM. A path that vanished is skipped.
 */
static int sight(struct vec *v, const char *path, int kind, pid_t pid,
		 const char *text)
{
	struct sighting *s;
	struct stat st;

	if (stat(path, &st) < 0)
		return 0;	/* the process exited while we looked */
	s = vec_push(v);
	if (!s)
		return -ENOMEM;
	s->dev = st.st_dev;
	s->ino = st.st_ino;
	s->kind = kind;
	s->pid = pid;
	snprintf(s->text, sizeof(s->text), "%s", text ? text : "");
	if (kind == 0 && !path_is_nsfs(path))
		s->ino = 0;	/* stale: a plain file, its own group */
	return 0;
}

/**
 * sight_procs() - every process's network namespace
 * @v:		sightings
 *
 * Return: 0, or -errno.
 */
static int sight_procs(struct vec *v)
{
	struct dirent *de;
	DIR *d = opendir("/proc");
	int err = 0;

	if (!d)
		return -errno;
	while (!err && (de = readdir(d))) {
		char path[64], *end;
		long pid = strtol(de->d_name, &end, 10);

		if (*end || pid <= 0)
			continue;
		snprintf(path, sizeof(path), "/proc/%ld/ns/net", pid);
		err = sight(v, path, 2, (pid_t)pid, NULL);
	}
	closedir(d);
	return err;
}

/**
 * sight_names() - every entry of /run/netns
 * @v:		sightings
 *
 * Return: 0, or -errno.
 */
static int sight_names(struct vec *v)
{
	struct dirent *de;
	DIR *d = opendir(NETNS_RUN_DIR);
	int err = 0;

	if (!d)
		return errno == ENOENT ? 0 : -errno;
	while (!err && (de = readdir(d))) {
		char path[sizeof(NETNS_RUN_DIR) + 256];

		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", NETNS_RUN_DIR, de->d_name);
		err = sight(v, path, 0, 0, de->d_name);
	}
	closedir(d);
	return err;
}

/**
 * unescape() - undo mountinfo's octal escapes (\040 for a space) in place
 * @s:		the field
 */
static void unescape(char *s)
{
	char *w = s;

	for (; *s; s++) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' && s[2] && s[3]) {
			*w++ = (char)((s[1] - '0') * 64 + (s[2] - '0') * 8 + (s[3] - '0'));
			s += 3;
		} else {
			*w++ = *s;
		}
	}
	*w = '\0';
}

/**
 * sight_mounts() - nsfs mounts of network namespaces outside /run/netns
 * @v:		sightings
 * @file:	a mountinfo file
 *
 * Return: 0, or -ENOMEM.
 */
static int sight_mounts(struct vec *v, const char *file)
{
	char line[4096], root[256], mnt[1024];
	FILE *f = fopen(file, "re");
	int err = 0;

	if (!f)
		return 0;
	while (!err && fgets(line, sizeof(line), f)) {
		const char *sep = strstr(line, " - nsfs ");

		/* fields: id parent maj:min root mountpoint ... - fstype */
		if (!sep || sscanf(line, "%*s %*s %*s %255s %1023s", root, mnt) != 2 ||
		    strncmp(root, "net:[", 5))
			continue;
		unescape(mnt);
		if (!strncmp(mnt, NETNS_RUN_DIR "/", sizeof(NETNS_RUN_DIR)))
			continue;	/* a name: sighted already */
		err = sight(v, mnt, 1, 0, mnt);
	}
	fclose(f);
	return err;
}

/**
 * enter_and_count() - interfaces and owning lab of one namespace
 * @ctx:	context
 * @path:	a path to the namespace
 * @e:		entry to complete
 */
static void enter_and_count(struct nsnet_ctx *ctx, const char *path,
			    struct nsnet_netns_info *e)
{
	struct nsnet_link *links = NULL;
	struct nl_sock *s;
	int fd, i, n;

	e->n_links = -1;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	s = nl_sock_fd(ctx, fd, path);
	n = s ? link_list_sock(ctx, s, &links) : -1;
	close(fd);
	if (n < 0)
		return;
	e->n_links = n;
	for (i = 0; i < n; i++)
		if (!strcmp(links[i].name, "lo") &&
		    !strncmp(links[i].alias, "nsnet:", 6))
			snprintf(e->lab, sizeof(e->lab), "%s", links[i].alias + 6);
	free(links);
}

/**
 * fill_group() - one namespace from its sightings
 * @ctx:	context
 * @g:		its sightings, sorted (names, mounts, pids)
 * @n:		count
 * @host:	stat of the context's namespace
 * @e:		entry to fill
 */
static void fill_group(struct nsnet_ctx *ctx, const struct sighting *g,
		       size_t n, const struct stat *host,
		       struct nsnet_netns_info *e)
{
	char path[sizeof(NETNS_RUN_DIR) + 256 + 64];
	size_t i;

	e->ino = g[0].ino;
	e->host = g[0].dev == host->st_dev && g[0].ino == host->st_ino;
	for (i = 0; i < n; i++) {
		if (g[i].kind == 0 && !*e->name)
			snprintf(e->name, sizeof(e->name), "%s", g[i].text);
		else if (g[i].kind == 1 && !*e->path)
			snprintf(e->path, sizeof(e->path), "%s", g[i].text);
		else if (g[i].kind == 2) {
			if (e->n_pids < 8) {
				char comm[64];
				FILE *f;

				e->pids[e->n_pids] = g[i].pid;
				snprintf(comm, sizeof(comm), "/proc/%d/comm", (int)g[i].pid);
				f = fopen(comm, "re");
				if (f && fgets(e->comms[e->n_pids], sizeof(e->comms[0]), f))
					e->comms[e->n_pids][strcspn(e->comms[e->n_pids], "\n")] = '\0';
				if (f)
					fclose(f);
			}
			e->n_pids++;
		}
	}
	if (!e->ino) {
		e->stale = true;	/* nothing to enter */
		e->n_links = -1;
		return;
	}
	if (*e->name)
		snprintf(path, sizeof(path), "%s/%s", NETNS_RUN_DIR, e->name);
	else if (*e->path)
		snprintf(path, sizeof(path), "%s", e->path);
	else
		snprintf(path, sizeof(path), "/proc/%d/ns/net", (int)g[n - 1].pid);
	enter_and_count(ctx, path, e);
}

/**
 * nsnet_netns_list_all() - every network namespace on the machine
 * @ctx:	context
 * @out:	result array, free() it: the host's first, then named ones by
 *		name, then unnamed ones by inode
 *
 * Return: the count, or -errno.
 */
int nsnet_netns_list_all(struct nsnet_ctx *ctx, struct nsnet_netns_info **out)
{
	struct vec v = { .size = sizeof(struct sighting) };
	struct vec res = { .size = sizeof(struct nsnet_netns_info) };
	struct stat host;
	size_t i, j;
	int err;

	nsnet_clear_err(ctx);
	if (fstat(ctx->host_fd, &host) < 0)
		return nsnet_fail(ctx, -errno, "netns list --all");
	err = sight_names(&v);
	if (!err)
		err = sight_mounts(&v, "/proc/self/mountinfo");
	if (!err)
		err = sight_mounts(&v, "/proc/1/mountinfo");
	if (!err)
		err = sight_procs(&v);
	if (err) {
		free(v.items);
		return nsnet_fail(ctx, err, "netns list --all");
	}
	vec_sort(&v, cmp_sighting);
	for (i = 0; i < v.n; i = j) {
		const struct sighting *g = (const struct sighting *)v.items + i;
		struct nsnet_netns_info *e;

		/* stale entries (inode 0) stay one group each */
		for (j = i + 1; j < v.n && g->ino &&
		     !cmp_sighting_ns(g, (const struct sighting *)v.items + j); j++)
			;
		e = vec_push(&res);
		if (!e) {
			err = -ENOMEM;
			break;
		}
		fill_group(ctx, g, j - i, &host, e);
	}
	free(v.items);
	nsnet_clear_err(ctx);
	if (err) {
		free(res.items);
		return nsnet_fail(ctx, err, "netns list --all");
	}
	vec_sort(&res, cmp_info);
	err = vec_take(&res, out);
	return err < 0 ? nsnet_fail(ctx, err, "netns list --all") : err;
}

/**
 * ns_path_of() - a path that opens a found namespace
 * @e:		the namespace
 * @buf:	output
 * @len:	size of @buf
 *
 * Return: @buf.
 */
static char *ns_path_of(const struct nsnet_netns_info *e, char *buf, size_t len)
{
	if (*e->name)
		snprintf(buf, len, "%s/%s", NETNS_RUN_DIR, e->name);
	else if (*e->path)
		snprintf(buf, len, "%s", e->path);
	else
		snprintf(buf, len, "/proc/%d/ns/net", (int)e->pids[0]);
	return buf;
}

/**
 * ns_label_of() - how to name a found namespace to a user
 * @e:		the namespace
 * @buf:	output
 * @len:	size of @buf
 *
 * Return: @buf: its name, "host", its mount path, or "pid:PID".
 */
static char *ns_label_of(const struct nsnet_netns_info *e, char *buf, size_t len)
{
	if (*e->name)
		snprintf(buf, len, "%s", e->name);
	else if (e->host)
		snprintf(buf, len, "host");
	else if (*e->path)
		snprintf(buf, len, "%s", e->path);
	else
		snprintf(buf, len, "pid:%d", (int)e->pids[0]);
	return buf;
}

/**
 * resolve_in() - fill the peers that live in namespace @e
 * @ctx:	context
 * @e:		a candidate namespace, open at @fd
 * @fd:		its descriptor
 * @id:		the id the asking namespace gives it
 * @links:	the asking namespace's links
 * @n:		count
 * @peers:	results, aligned with @links
 *
 * Return: how many peers were resolved.
 */
static int resolve_in(struct nsnet_ctx *ctx, const struct nsnet_netns_info *e,
		      int fd, int id, const struct nsnet_link *links, int n,
		      struct nsnet_peer *peers)
{
	struct nsnet_link *theirs = NULL;
	struct nl_sock *s = nl_sock_fd(ctx, fd, e->name);
	int m = s ? link_list_sock(ctx, s, &theirs) : -1, i, j, done = 0;

	for (i = 0; i < n; i++) {
		if (links[i].link_netnsid != id || *peers[i].netns)
			continue;
		ns_label_of(e, peers[i].netns, sizeof(peers[i].netns));
		for (j = 0; j < m; j++)
			if (theirs[j].ifindex == links[i].link)
				snprintf(peers[i].ifname, sizeof(peers[i].ifname),
					 "%s", theirs[j].name);
		done++;
	}
	if (m >= 0)
		free(theirs);
	return done;
}

/**
 * nsnet_link_peers() - where the other end of each veth of @ns lives
 * @ctx:	context
 * @ns:		the namespace the links are in
 * @links:	its links, from nsnet_link_list()
 * @n:		count
 * @out:	results aligned with @links (free()); @netns is "" for links
 *		whose other end is in @ns itself or that have none
 *
 * The kernel names a peer in another namespace only by (netnsid, ifindex),
 * and the id is private to @ns. Each namespace on the machine is asked for
 * the id @ns gives it until all are found: named, unnamed (shown as
 * pid:PID or its mount path), the host's.
 *
 * Return: 0, or -errno.
 */
int nsnet_link_peers(struct nsnet_ctx *ctx, const char *ns,
		     const struct nsnet_link *links, int n,
		     struct nsnet_peer **out)
{
	struct nsnet_netns_info *all = NULL;
	int i, m, want = 0, err = 0;
	struct stat self;
	int selffd;

	*out = calloc((size_t)(n > 0 ? n : 1), sizeof(**out));
	if (!*out)
		return nsnet_fail(ctx, -ENOMEM, "link peers");
	for (i = 0; i < n; i++)
		want += links[i].link_netnsid >= 0 && links[i].link;
	if (!want)
		return 0;
	selffd = ns_open(ctx, ns);
	if (selffd < 0 || fstat(selffd, &self) < 0) {
		err = selffd < 0 ? selffd : nsnet_fail(ctx, -errno, "netns %s",
						       ns_label(ns));
		goto out;
	}
	m = nsnet_netns_list_all(ctx, &all);
	if (m < 0) {
		err = m;
		goto out;
	}
	for (i = 0; i < m && want > 0; i++) {
		char path[sizeof(NETNS_RUN_DIR) + 512];
		struct nl_sock *s;
		int fd, id;

		if (!all[i].ino || all[i].ino == (uint64_t)self.st_ino)
			continue;
		fd = open(ns_path_of(&all[i], path, sizeof(path)),
			  O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			continue;	/* gone meanwhile */
		s = nl_sock_fd(ctx, selffd, ns_label(ns));
		id = s ? netns_id_fd(ctx, s, fd) : -1;
		if (id >= 0)
			want -= resolve_in(ctx, &all[i], fd, id, links, n, *out);
		close(fd);
	}
	nsnet_clear_err(ctx);
out:
	if (selffd >= 0)
		close(selffd);
	free(all);
	if (err) {
		free(*out);
		*out = NULL;
	}
	return err;
}
