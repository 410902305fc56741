// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * etcfiles.c - a lab's files under /etc/netns/NODE: resolv.conf and hosts
 *
 * `ip netns exec` (and nsnet exec) bind-mounts each file of /etc/netns/NODE
 * over its namesake in /etc, which is how a namespace gets its own resolver
 * configuration without touching the host's. A bind mount pins the inode:
 * a running exec session keeps seeing the file it started with unless the
 * file is rewritten in place, so files are truncated and written, never
 * replaced by rename.
 *
 * Ownership is in the files themselves, so `down` finds them even without
 * state: a regular file is the lab's when its first line is the lab's
 * marker, a symlink when it points into the lab's runtime directory. Any
 * other file is left alone, and refused where the lab would need to write.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "engine.h"
#include "svc.h"

/**
 * etc_marker() - the first line of every file a lab writes
 * @lab:	the lab
 * @buf:	destination
 * @len:	its size
 *
 * Return: @buf ("# nsnet:LAB - written by nsnet up, removed by nsnet down\n").
 */
const char *etc_marker(const char *lab, char *buf, size_t len)
{
	snprintf(buf, len, "# %s%s - written by nsnet up, removed by nsnet down\n",
		 TAG_PREFIX, lab);
	return buf;
}

/**
 * open_etc_dir() - open /etc/netns/NODE, creating it (and /etc/netns)
 * @ctx:	context (NULL: failures are not recorded; only without @create)
 * @node:	the node
 * @create:	create what is missing
 *
 * Return: a directory fd, or -errno (-ENOENT quietly when !@create).
 */
static int open_etc_dir(struct nsnet_ctx *ctx, const char *node, bool create)
{
	int top, fd;

	if (create && mkdir(NETNS_ETC_DIR, 0755) < 0 && errno != EEXIST)
		return nsnet_fail(ctx, -errno, "mkdir %s", NETNS_ETC_DIR);
	top = open(NETNS_ETC_DIR, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (top < 0)
		return (errno == ENOENT && !create) || !ctx ? -errno :
		       nsnet_fail(ctx, -errno, "open %s", NETNS_ETC_DIR);
	if (create && mkdirat(top, node, 0755) < 0 && errno != EEXIST) {
		fd = nsnet_fail(ctx, -errno, "mkdir %s/%s", NETNS_ETC_DIR, node);
		close(top);
		return fd;
	}
	fd = openat(top, node, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		fd = (errno == ENOENT && !create) || !ctx ? -errno :
		     nsnet_fail(ctx, -errno, "open %s/%s", NETNS_ETC_DIR, node);
	close(top);
	return fd;
}

/**
 * read_small() - read a file of at most @max bytes relative to @dfd
 * @dfd:	directory
 * @name:	file name (not followed if a symlink)
 * @max:	the most to read
 * @len:	bytes read
 *
 * Return: the NUL-terminated text (free()), or NULL with errno set.
 */
static char *read_small(int dfd, const char *name, size_t max, size_t *len)
{
	int fd = openat(dfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	char *buf;
	ssize_t r;
	size_t n = 0;

	if (fd < 0)
		return NULL;
	buf = malloc(max + 1);
	while (buf && n < max && (r = read(fd, buf + n, max - n)) != 0) {
		if (r < 0) {
			if (errno == EINTR)
				continue;
			free(buf);
			buf = NULL;
			break;
		}
		n += (size_t)r;
	}
	close(fd);
	if (buf) {
		buf[n] = '\0';
		*len = n;
	}
	return buf;
}

/**
 * etc_owner_link() - whose an entry of /etc/netns/NODE is, and its target
 * @dfd:	/etc/netns/NODE
 * @name:	the entry
 * @lab:	the lab asking
 * @target:	PATH_MAX bytes: the symlink's target, "" when not a symlink
 *
 * A node's hosts is usually a symlink: reading the link first settles
 * that case in one call (a thousand nodes are checked on every `up`).
 *
 * Return: ETC_MISSING, ETC_OURS (the lab's marker, or a symlink into the
 * lab's runtime directory) or ETC_FOREIGN.
 */
static enum etc_owner etc_owner_link(int dfd, const char *name,
				     const char *lab, char *target)
{
	char marker[128], want[PATH_MAX];
	struct stat st;
	size_t n, len;
	ssize_t r;
	char *text;

	target[0] = '\0';
	r = readlinkat(dfd, name, target, PATH_MAX - 1);
	if (r >= 0) {
		target[r] = '\0';
		n = (size_t)snprintf(want, sizeof(want), "%s/%s.d/", STATE_DIR,
				     lab);
		return !strncmp(target, want, n) ? ETC_OURS : ETC_FOREIGN;
	}
	if (errno == ENOENT)
		return ETC_MISSING;
	if (errno != EINVAL ||
	    fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return ETC_FOREIGN;
	if (!S_ISREG(st.st_mode))
		return ETC_FOREIGN;
	etc_marker(lab, marker, sizeof(marker));
	n = strlen(marker);
	text = read_small(dfd, name, n, &len);
	if (!text)
		return ETC_FOREIGN;
	r = len == n && !memcmp(text, marker, n);
	free(text);
	return r ? ETC_OURS : ETC_FOREIGN;
}

/**
 * etc_owner() - whose an entry of /etc/netns/NODE is
 * @dfd:	/etc/netns/NODE
 * @name:	the entry
 * @lab:	the lab asking
 *
 * Return: as etc_owner_link().
 */
static enum etc_owner etc_owner(int dfd, const char *name, const char *lab)
{
	char target[PATH_MAX];

	return etc_owner_link(dfd, name, lab, target);
}

/**
 * write_all() - write @len bytes of @buf to @fd
 * @fd:		file
 * @buf:	data
 * @len:	size
 *
 * Return: 0, or -errno.
 */
static int write_all(int fd, const char *buf, size_t len)
{
	ssize_t w;

	while (len) {
		w = write(fd, buf, len);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		buf += w;
		len -= (size_t)w;
	}
	return 0;
}

/**
 * etc_write_fd() - make the file @name in @dfd hold @text, in place
 * @ctx:	context
 * @dfd:	directory
 * @path:	the directory's path, for messages
 * @name:	file name
 * @text:	content
 * @exists:	the file exists (and is ours: it is rewritten in place)
 * @changed:	set to whether anything was written
 *
 * Return: 0, or -errno.
 */
static int etc_write_fd(struct nsnet_ctx *ctx, int dfd, const char *path,
			const char *name, const char *text, bool exists,
			bool *changed)
{
	size_t len = strlen(text), have = 0;
	char *old = NULL;
	struct stat st;
	int fd, err;

	*changed = false;
	if (exists) {
		old = read_small(dfd, name, len + 1, &have);
		if (old && have == len && !memcmp(old, text, len)) {
			free(old);
			return 0;
		}
		free(old);
		/* a symlink of ours becomes a file: no inode to keep; a file
		 * keeps its inode, which exec sessions hold bind-mounted */
		if (fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
		    S_ISLNK(st.st_mode))
			unlinkat(dfd, name, 0);
	}
	fd = openat(dfd, name, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW |
		    O_CLOEXEC, 0644);
	if (fd < 0)
		return nsnet_fail(ctx, -errno, "write %s/%s", path, name);
	err = write_all(fd, text, len);
	if (!err && fchmod(fd, 0644) < 0)
		err = -errno;
	close(fd);
	if (err)
		return nsnet_fail(ctx, err, "write %s/%s", path, name);
	*changed = true;
	return 0;
}

/**
 * etc_put() - make /etc/netns/NODE/NAME hold @text (or link to @link)
 * @ctx:	context
 * @lab:	the lab
 * @node:	the node
 * @name:	"resolv.conf" or "hosts"
 * @text:	the content, starting with the lab's marker; or NULL with @link
 * @link:	the symlink's target (into the lab's runtime directory)
 * @changed:	set to whether anything changed (may be NULL)
 *
 * Return: 0; -EEXIST (input error) when a file that is not the lab's is
 * there; or -errno.
 */
int etc_put(struct nsnet_ctx *ctx, const char *lab, const char *node,
	    const char *name, const char *text, const char *link,
	    bool *changed)
{
	char path[sizeof(NETNS_ETC_DIR) + NSNET_NSNAMSIZ + 1], cur[PATH_MAX];
	enum etc_owner own;
	bool dummy;
	ssize_t r;
	int dfd, err = 0;

	if (!changed)
		changed = &dummy;
	*changed = false;
	snprintf(path, sizeof(path), "%s/%s", NETNS_ETC_DIR, node);
	dfd = open_etc_dir(ctx, node, true);
	if (dfd < 0)
		return dfd;
	own = etc_owner(dfd, name, lab);
	if (own == ETC_FOREIGN) {
		err = nsnet_fail_why(ctx, -EEXIST, true,
				     "exists and is not this lab's (remove it or give the node another name)",
				     "%s/%s", path, name);
	} else if (text) {
		err = etc_write_fd(ctx, dfd, path, name, text,
				   own == ETC_OURS, changed);
	} else {
		r = readlinkat(dfd, name, cur, sizeof(cur) - 1);
		if (r >= 0 && (size_t)r == strlen(link) &&
		    !memcmp(cur, link, (size_t)r))
			goto out;
		if (own == ETC_OURS)
			unlinkat(dfd, name, 0);
		if (symlinkat(link, dfd, name) < 0)
			err = nsnet_fail(ctx, -errno, "symlink %s/%s", path, name);
		else
			*changed = true;
	}
out:
	close(dfd);
	return err;
}

/**
 * etc_node_dir() - open /etc/netns/NODE to look at it, in one call
 * @node:	the node
 *
 * Return: a directory fd, or -errno (-ENOENT: no such directory, so none
 * of the lab's files are there).
 */
int etc_node_dir(const char *node)
{
	char path[sizeof(NETNS_ETC_DIR) + NSNET_NSNAMSIZ + 1];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", NETNS_ETC_DIR, node);
	fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

/**
 * etc_state_at() - what the lab would have to do about one file
 * @dfd:	/etc/netns/NODE (etc_node_dir()), or negative if missing
 * @lab:	the lab
 * @name:	the file
 * @text:	the wanted content, or NULL for @link
 * @link:	the wanted symlink target
 *
 * Return: ETC_SAME_OURS (nothing to do), ETC_OURS (the lab's, to be
 * rewritten), ETC_MISSING (to be created) or ETC_FOREIGN (refused).
 */
int etc_state_at(int dfd, const char *lab, const char *name, const char *text,
		 const char *link)
{
	char cur[PATH_MAX];
	enum etc_owner own = dfd < 0 ? ETC_MISSING :
			     etc_owner_link(dfd, name, lab, cur);
	bool same;
	size_t len;
	char *old;

	if (own != ETC_OURS)
		return own;
	if (text) {
		old = cur[0] ? NULL :
		      read_small(dfd, name, strlen(text) + 1, &len);
		same = old && len == strlen(text) && !memcmp(old, text, len);
		free(old);
	} else {
		same = !strcmp(cur, link);
	}
	return same ? ETC_SAME_OURS : ETC_OURS;
}

/**
 * etc_read() - the content of one of the lab's files, to restore it later
 * @lab:	the lab
 * @node:	the node
 * @name:	the file
 * @link:	set to its target (free()) when it is a symlink, else NULL
 *
 * Return: the text (free()), or NULL when it is a symlink, missing, or
 * not the lab's.
 */
char *etc_read(const char *lab, const char *node, const char *name,
	       char **link)
{
	int dfd = open_etc_dir(NULL, node, false);
	char cur[PATH_MAX], *text = NULL;
	size_t len;
	ssize_t r;

	*link = NULL;
	if (dfd < 0)
		return NULL;
	if (etc_owner(dfd, name, lab) == ETC_OURS) {
		r = readlinkat(dfd, name, cur, sizeof(cur) - 1);
		if (r >= 0) {
			cur[r] = '\0';
			*link = strdup(cur);
		} else {
			text = read_small(dfd, name, 1 << 20, &len);
		}
	}
	close(dfd);
	return text;
}

/**
 * etc_owned() - whether /etc/netns/NODE/NAME is there and the lab's
 * @lab:	the lab
 * @node:	the node
 * @name:	the file
 *
 * Return: true if so.
 */
bool etc_owned(const char *lab, const char *node, const char *name)
{
	int dfd = open_etc_dir(NULL, node, false);
	bool ours;

	if (dfd < 0)
		return false;
	ours = etc_owner(dfd, name, lab) == ETC_OURS;
	close(dfd);
	return ours;
}

/**
 * etc_drop() - remove the lab's files of /etc/netns/NODE, and the
 *		directory once it is empty
 * @lab:	the lab
 * @node:	the node
 * @keep:	a file to keep (NULL: none), when only the other one goes
 *
 * Never fails: what is not the lab's, or cannot be removed, stays.
 */
void etc_drop(const char *lab, const char *node, const char *keep)
{
	static const char *const names[] = { "resolv.conf", "hosts" };
	int top, dfd;
	size_t i;

	top = open(NETNS_ETC_DIR, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (top < 0)
		return;
	dfd = openat(top, node, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (dfd >= 0) {
		for (i = 0; i < 2; i++)
			if ((!keep || strcmp(keep, names[i])) &&
			    etc_owner(dfd, names[i], lab) == ETC_OURS)
				unlinkat(dfd, names[i], 0);
		close(dfd);
		/* fails while anything is left in it: then it stays */
		unlinkat(top, node, AT_REMOVEDIR);
	}
	close(top);
}

/**
 * etc_drop_all() - remove every file of the lab under /etc/netns
 * @lab:	the lab
 *
 * For `down` when the state is gone: the files say whose they are.
 */
void etc_drop_all(const char *lab)
{
	struct dirent *de;
	DIR *d = opendir(NETNS_ETC_DIR);

	if (!d)
		return;
	while ((de = readdir(d)))
		if (de->d_name[0] != '.' && de->d_type == DT_DIR)
			etc_drop(lab, de->d_name, NULL);
	closedir(d);
}
