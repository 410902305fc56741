// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * state.c - /run/nsnet: the lock, per-lab state and the journal
 *
 * The directory is root's alone (0700) and is opened without following a
 * symlink, and every file in it is opened relative to it with O_NOFOLLOW,
 * so nobody can redirect nsnet's writes. The kernel, not this directory, is
 * the truth about what exists: the state only remembers what a lab file no
 * longer says (removed nodes), allocated addresses, and the subnets other
 * labs use. The journal names every object before it is created, so the
 * next run finds objects a killed run created but did not tag yet.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "engine.h"

/**
 * foreign_entry() - the first entry of a directory that is not root's
 * @fd:		the directory (not moved: a duplicate is read)
 * @name:	the entry's name, when one is found
 * @len:	size of @name
 *
 * Return: 1 when one was found, 0 when every entry is root's, -errno.
 */
static int foreign_entry(int fd, char *name, size_t len)
{
	struct dirent *de;
	struct stat st;
	int dup_fd, found = 0;
	DIR *d;

	dup_fd = openat(fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dup_fd < 0)
		return -errno;
	d = fdopendir(dup_fd);
	if (!d) {
		close(dup_fd);
		return -errno;
	}
	while (!found && (de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (fstatat(fd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0 ||
		    st.st_uid != 0) {
			snprintf(name, len, "%s", de->d_name);
			found = 1;
		}
	}
	closedir(d);
	return found;
}

/**
 * tighten() - make a root-owned directory that others may read 0700
 * @ctx:	context
 * @fd:		the directory, opened without following a symlink
 * @st:		its status
 * @label:	its path, for messages
 *
 * Something else (a packaging script, a `mkdir -p`) may have made
 * /run/nsnet before nsnet's first run, with the usual 0755. A directory
 * that is root's and no symlink is then ours to tighten. It is made 0700
 * first, so nobody can add an entry while it is looked at; only when
 * others could write to it, an entry someone else owns means it may have
 * been tampered with: it is refused, and left with the mode it had so the
 * next run refuses it too.
 *
 * Return: 0, or -errno recorded in @ctx.
 */
static int tighten(struct nsnet_ctx *ctx, int fd, const struct stat *st,
		   const char *label)
{
	char entry[256], why[512];
	int r;

	if (fchmod(fd, 0700) < 0)
		return nsnet_fail(ctx, -errno, "chmod 0700 %s", label);
	if (!(st->st_mode & 022))
		return 0;
	r = foreign_entry(fd, entry, sizeof(entry));
	if (r < 0)
		return nsnet_fail(ctx, r, "read %s", label);
	if (!r)
		return 0;
	/* as found, so that the next run refuses it too */
	if (fchmod(fd, st->st_mode & 07777) < 0)
		return nsnet_fail(ctx, -errno, "chmod %s back", label);
	snprintf(why, sizeof(why),
		 "was writable by others (mode %04o) and holds \"%s\", which is not root's; refusing to use it: check what made it, then remove it (rm -r %s) when no nsnet command runs",
		 (unsigned int)(st->st_mode & 07777), entry, label);
	return nsnet_fail_why(ctx, -EPERM, false, why, "%s", label);
}

/**
 * private_dir_open() - open (and maybe make) a root-only directory
 * @ctx:	context
 * @dirfd:	where it is
 * @name:	its name there
 * @label:	its path, for messages
 * @create:	make it if missing
 *
 * /run/nsnet and the directories in it: a symlink or another owner is
 * refused, so nothing of ours is read or written through someone else's
 * file; a root-owned directory others may access is tightened (tighten()).
 *
 * Return: the descriptor, -ENOENT (not recorded) when missing and not
 * @create, or another -errno recorded in @ctx.
 */
int private_dir_open(struct nsnet_ctx *ctx, int dirfd, const char *name,
		     const char *label, bool create)
{
	char why[512];
	struct stat st;
	int fd, err;

	if (create && mkdirat(dirfd, name, 0700) < 0 && errno != EEXIST)
		return nsnet_fail(ctx, -errno, "mkdir %s", label);
	fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0) {
		err = -errno;
		if (err == -ELOOP || err == -ENOTDIR)
			return nsnet_fail_why(ctx, err, false,
					      "is a symlink or not a directory; refusing to use it",
					      "%s", label);
		return err == -ENOENT && !create ? err :
		       nsnet_fail(ctx, err, "open %s", label);
	}
	if (fstat(fd, &st) < 0) {
		err = nsnet_fail(ctx, -errno, "stat %s", label);
		close(fd);
		return err;
	}
	if (st.st_uid != 0) {
		snprintf(why, sizeof(why),
			 "owned by uid %u, must be root's with mode 0700; refusing to use it: check what made it, then remove it (rm -r %s) when no nsnet command runs",
			 (unsigned int)st.st_uid, label);
		close(fd);
		return nsnet_fail_why(ctx, -EPERM, false, why, "%s", label);
	}
	if ((st.st_mode & 077) && (err = tighten(ctx, fd, &st, label)) < 0) {
		close(fd);
		return err;
	}
	return fd;
}

/**
 * state_open() - open /run/nsnet, creating it if asked
 * @ctx:	context
 * @sd:		result
 * @create:	create the directory if missing (changes); else a missing
 *		directory is -ENOENT (reads)
 *
 * Return: 0, or -errno recorded in @ctx.
 */
int state_open(struct nsnet_ctx *ctx, struct state_dir *sd, bool create)
{
	int fd = private_dir_open(ctx, AT_FDCWD, STATE_DIR, STATE_DIR, create);

	sd->lockfd = -1;
	sd->fd = fd < 0 ? -1 : fd;
	return fd < 0 ? fd : 0;
}

/**
 * state_lock() - take the lock that serializes every change
 * @ctx:	context
 * @sd:		open state directory
 *
 * Blocks until a concurrent up/down of any lab is done: one lock keeps
 * address allocation and subnet checks across labs race-free.
 *
 * Return: 0, or -errno.
 */
int state_lock(struct nsnet_ctx *ctx, struct state_dir *sd)
{
	sd->lockfd = openat(sd->fd, "lock", O_RDWR | O_CREAT | O_NOFOLLOW |
			    O_CLOEXEC, 0600);
	if (sd->lockfd < 0)
		return nsnet_fail(ctx, -errno, "open %s/lock", STATE_DIR);
	while (flock(sd->lockfd, LOCK_EX) < 0) {
		if (errno != EINTR)
			return nsnet_fail(ctx, -errno, "lock %s/lock",
					  STATE_DIR);
	}
	return 0;
}

/**
 * state_close() - release the lock and the directory
 * @sd:		state directory, may be unopened
 */
void state_close(struct state_dir *sd)
{
	if (sd->lockfd >= 0)
		close(sd->lockfd);
	if (sd->fd >= 0)
		close(sd->fd);
	sd->fd = sd->lockfd = -1;
}

/**
 * state_load() - read a lab's state
 * @ctx:	context
 * @sd:		state directory
 * @lab:	lab name (validated: a safe file name)
 * @err:	0, -ENOENT when the lab has no state, or another -errno
 *
 * Return: the state object, or NULL.
 */
json_t *state_load(struct nsnet_ctx *ctx, struct state_dir *sd,
		   const char *lab, int *err)
{
	char name[NSNET_NSNAMSIZ + 8];
	json_error_t jerr;
	json_t *st;
	FILE *f;
	int fd;

	snprintf(name, sizeof(name), "%s.json", lab);
	fd = openat(sd->fd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0) {
		*err = -errno;
		if (*err != -ENOENT)
			nsnet_fail(ctx, *err, "read %s/%s", STATE_DIR, name);
		return NULL;
	}
	f = fdopen(fd, "r");
	if (!f) {
		*err = nsnet_fail(ctx, -errno, "read %s/%s", STATE_DIR, name);
		close(fd);
		return NULL;
	}
	st = json_loadf(f, 0, &jerr);
	fclose(f);
	if (!st || !json_is_object(st)) {
		json_decref(st);
		/* A torn or foreign file: the kernel's tags still say what is
		 * ours, so carry on as if there were no state. */
		*err = -ENOENT;
		return NULL;
	}
	*err = 0;
	return st;
}

/**
 * state_save() - write a lab's state atomically (temporary file + rename)
 * @ctx:	context
 * @sd:		state directory
 * @lab:	lab name
 * @st:		the state
 *
 * Return: 0, or -errno.
 */
int state_save(struct nsnet_ctx *ctx, struct state_dir *sd, const char *lab,
	       json_t *st)
{
	char name[NSNET_NSNAMSIZ + 8], tmp[NSNET_NSNAMSIZ + 16];
	int fd, err = 0;

	snprintf(name, sizeof(name), "%s.json", lab);
	snprintf(tmp, sizeof(tmp), "%s.json.tmp", lab);
	unlinkat(sd->fd, tmp, 0);
	fd = openat(sd->fd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
		    O_CLOEXEC, 0600);
	if (fd < 0)
		return nsnet_fail(ctx, -errno, "write %s/%s", STATE_DIR, tmp);
	errno = 0;
	if (json_write_fd(st, fd) < 0 || fdatasync(fd) < 0)
		err = nsnet_fail(ctx, errno ? -errno : -EIO, "write %s/%s",
				 STATE_DIR, tmp);
	close(fd);
	if (!err && renameat(sd->fd, tmp, sd->fd, name) < 0)
		err = nsnet_fail(ctx, -errno, "rename %s/%s", STATE_DIR, tmp);
	if (err)
		unlinkat(sd->fd, tmp, 0);
	return err;
}

/**
 * state_remove() - forget a lab's state and journal
 * @ctx:	context
 * @sd:		state directory
 * @lab:	lab name
 *
 * Return: 0, or -errno.
 */
int state_remove(struct nsnet_ctx *ctx, struct state_dir *sd, const char *lab)
{
	char name[NSNET_NSNAMSIZ + 8];

	snprintf(name, sizeof(name), "%s.json", lab);
	if (unlinkat(sd->fd, name, 0) < 0 && errno != ENOENT)
		return nsnet_fail(ctx, -errno, "remove %s/%s", STATE_DIR, name);
	journal_remove(sd, lab);
	return 0;
}

/**
 * state_labs() - the names of labs that have state, sorted
 * @ctx:	context
 * @sd:		state directory
 * @names:	result: a JSON array of strings
 *
 * Return: 0, or -errno.
 */
int state_labs(struct nsnet_ctx *ctx, struct state_dir *sd, json_t **names)
{
	struct dirent *de;
	int fd;
	DIR *d;

	*names = json_array();
	fd = dup(sd->fd);
	d = fd < 0 ? NULL : fdopendir(fd);
	if (!d) {
		if (fd >= 0)
			close(fd);
		return nsnet_fail(ctx, -errno, "read %s", STATE_DIR);
	}
	rewinddir(d);
	while ((de = readdir(d))) {
		size_t n = strlen(de->d_name);

		if (n > 5 && !strcmp(de->d_name + n - 5, ".json"))
			json_array_append_new(*names, json_stringn(de->d_name,
								   n - 5));
	}
	closedir(d);
	return 0;
}

/**
 * journal_open() - open a lab's journal for appending
 * @ctx:	context
 * @sd:		state directory
 * @lab:	lab name
 *
 * Return: the descriptor, or -errno.
 */
int journal_open(struct nsnet_ctx *ctx, struct state_dir *sd, const char *lab)
{
	char name[NSNET_NSNAMSIZ + 16];
	int fd;

	snprintf(name, sizeof(name), "%s.journal", lab);
	fd = openat(sd->fd, name, O_WRONLY | O_CREAT | O_APPEND | O_NOFOLLOW |
		    O_CLOEXEC, 0600);
	return fd < 0 ? nsnet_fail(ctx, -errno, "open %s/%s", STATE_DIR, name) :
			fd;
}

/**
 * journal_add() - record an object before creating it
 * @ctx:	context
 * @fd:		journal
 * @kind:	"netns", "link" (host) or "nslink" (inside @ns)
 * @ns:		namespace, "" for the host
 * @name:	object name
 *
 * One JSON line per object, written with a single write() and synced, so a
 * kill leaves whole lines only (a torn last line is ignored when read).
 *
 * Return: 0, or -errno.
 */
int journal_add(struct nsnet_ctx *ctx, int fd, const char *kind,
		const char *ns, const char *name)
{
	json_t *e = json_pack("{s:s, s:s, s:s}", "kind", kind, "ns", ns,
			      "name", name);
	char *line = e ? json_dumps(e, JSON_COMPACT) : NULL;
	int err = 0;

	if (!line) {
		err = -ENOMEM;
	} else {
		size_t n = strlen(line);

		line[n] = '\n';	/* json_dumps leaves room: replace the NUL */
		if (write(fd, line, n + 1) != (ssize_t)(n + 1) ||
		    fdatasync(fd) < 0)
			err = errno ? -errno : -EIO;
		line[n] = '\0';
	}
	free(line);
	json_decref(e);
	return err ? nsnet_fail(ctx, err, "journal") : 0;
}

/**
 * journal_read() - the objects an unfinished run may have created
 * @sd:		state directory
 * @lab:	lab name
 *
 * Return: a JSON array of {"kind", "ns", "name"}, empty when there is none.
 */
json_t *journal_read(struct state_dir *sd, const char *lab)
{
	char name[NSNET_NSNAMSIZ + 16], line[1024];
	json_t *arr = json_array();
	FILE *f;
	int fd;

	snprintf(name, sizeof(name), "%s.journal", lab);
	fd = openat(sd->fd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return arr;
	f = fdopen(fd, "r");
	if (!f) {
		close(fd);
		return arr;
	}
	while (fgets(line, sizeof(line), f)) {
		json_t *e = json_loads(line, 0, NULL);

		if (json_is_object(e) &&
		    json_is_string(json_object_get(e, "kind")) &&
		    json_is_string(json_object_get(e, "ns")) &&
		    json_is_string(json_object_get(e, "name")))
			json_array_append(arr, e);
		json_decref(e);
	}
	fclose(f);
	return arr;
}

/**
 * journal_remove() - drop the journal once its run is complete
 * @sd:		state directory
 * @lab:	lab name
 */
void journal_remove(struct state_dir *sd, const char *lab)
{
	char name[NSNET_NSNAMSIZ + 16];

	snprintf(name, sizeof(name), "%s.journal", lab);
	unlinkat(sd->fd, name, 0);
}

/**
 * lab_group() - the device group of a lab's host links
 * @lab:	lab name
 *
 * Derived from the name (FNV-1a) into a range of its own, so `down` finds
 * it without state; membership alone never proves ownership (see
 * obs_link_ours()), so a collision can never make nsnet delete another's
 * device.
 *
 * Return: the group, never 0 (the default group).
 */
unsigned int lab_group(const char *lab)
{
	uint32_t h = 2166136261u;

	for (; *lab; lab++)
		h = (h ^ (unsigned char)*lab) * 16777619u;
	return 0x4e530000u | (h & 0xffffu);
}

/**
 * lab_tag() - the alias that marks an object as the lab's
 * @lab:	lab name
 * @buf:	output
 * @len:	size of @buf
 */
void lab_tag(const char *lab, char *buf, size_t len)
{
	snprintf(buf, len, "%s%s", TAG_PREFIX, lab);
}

/**
 * json_listed() - whether @name is in a JSON array of strings
 * @arr:	the array (a state's "nodes", say), may be NULL
 * @name:	the name
 *
 * Return: true if found.
 */
bool json_listed(json_t *arr, const char *name)
{
	json_t *e;
	size_t i;

	json_array_foreach(arr, i, e)
		if (json_is_string(e) && !strcmp(json_string_value(e), name))
			return true;
	return false;
}

/**
 * json_write_fd() - write a JSON value to a file in one go
 * @j:		the value
 * @fd:		the file
 *
 * json_dumpfd() writes token by token: a 1,000-node lab's state took
 * 20,000 write(2) calls. This builds the text first and writes it whole.
 *
 * Return: 0, or -1 with errno set.
 */
int json_write_fd(const json_t *j, int fd)
{
	char *text = json_dumps(j, JSON_INDENT(1) | JSON_SORT_KEYS);
	size_t len, off = 0;
	ssize_t w;

	if (!text) {
		errno = ENOMEM;
		return -1;
	}
	len = strlen(text);
	while (off < len) {
		w = write(fd, text + off, len - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0) {
			free(text);
			return -1;
		}
		off += (size_t)w;
	}
	free(text);
	return 0;
}
