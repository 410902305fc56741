// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * labdir.c - /run/nsnet/<lab>.d, a lab's runtime directory
 *
 * Process records, logs, lease files: whatever a lab's processes leave at
 * run time. Like /run/nsnet itself it is root's alone (0700) and every step
 * into it is taken relative to an open directory with O_NOFOLLOW, so a
 * planted symlink can neither redirect a write nor make removal wander off.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "engine.h"
#include "fw.h"
#include "proc.h"

/**
 * nsnet_check_labname() - validate a lab name; see nsnet.h
 * @name:	the name
 *
 * The rules a lab file's `lab:` obeys (lab_yaml.c), so that a name no file
 * could give is refused up front by every verb instead of being looked up:
 * it names state files and namespaces' tags, goes into link aliases
 * ("nsnet:<lab>", hence the length) and into the nftables table's name.
 *
 * Return: NULL if valid, else why not.
 */
const char *nsnet_check_labname(const char *name)
{
	const char *why = nsnet_check_nsname(name);

	_Static_assert(LAB_NAME_MAX == 32, "the text below names the bound");
	if (why)
		return why;
	if (strlen(name) > LAB_NAME_MAX)
		return "longer than 32 bytes";
	if (fw_table_name(name, NULL, 0))
		return "only letters, digits, '.', '_' and '-'";
	return NULL;
}

/**
 * labdir_open() - open a lab's runtime directory
 * @ctx:	context
 * @state_fd:	the state directory (struct state_dir.fd)
 * @lab:	lab name
 * @create:	make it if missing
 *
 * Return: an O_CLOEXEC directory descriptor, -ENOENT when it is missing
 * and not @create, or another -errno recorded in @ctx.
 */
int labdir_open(struct nsnet_ctx *ctx, int state_fd, const char *lab,
		bool create)
{
	char name[NSNET_NSNAMSIZ + 4], label[sizeof(STATE_DIR) + sizeof(name)];
	const char *why = nsnet_check_nsname(lab);

	if (why)
		return nsnet_fail_why(ctx, -EINVAL, true, why, "lab \"%s\"", lab);
	snprintf(name, sizeof(name), "%s.d", lab);
	snprintf(label, sizeof(label), "%s/%s", STATE_DIR, name);
	return private_dir_open(ctx, state_fd, name, label, create);
}

/**
 * labdir_sub() - open a subdirectory ("procs", "logs") of a lab's directory
 * @ctx:	context
 * @labfd:	the lab's directory
 * @lab:	lab name, for messages
 * @sub:	subdirectory name
 * @create:	make it if missing
 *
 * Return: the descriptor, -ENOENT (not recorded) if missing and not
 * @create, or another -errno.
 */
int labdir_sub(struct nsnet_ctx *ctx, int labfd, const char *lab,
	       const char *sub, bool create)
{
	char label[sizeof(STATE_DIR) + NSNET_NSNAMSIZ + 16];

	snprintf(label, sizeof(label), "%s/%s.d/%s", STATE_DIR, lab, sub);
	return private_dir_open(ctx, labfd, sub, label, create);
}

/**
 * remove_tree() - remove directory @name below @dirfd and all it holds
 * @dirfd:	parent directory
 * @name:	the directory
 * @depth:	recursion depth, bounded so a deep tree cannot exhaust fds
 *
 * Symlinks are removed as links, never followed: every directory is
 * opened with O_NOFOLLOW relative to its parent.
 *
 * Return: 0, or -errno of the first failure.
 */
static int remove_tree(int dirfd, const char *name, int depth)
{
	struct dirent *de;
	int fd, err = 0;
	DIR *d;

	if (depth > 16)
		return -ELOOP;
	fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? 0 : -errno;
	d = fdopendir(fd);
	if (!d) {
		err = -errno;
		close(fd);
		return err;
	}
	while ((de = readdir(d))) {
		struct stat st;

		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (fstatat(fd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0)
			continue;
		if (S_ISDIR(st.st_mode)) {
			int e = remove_tree(fd, de->d_name, depth + 1);

			if (e && !err)
				err = e;
		} else if (unlinkat(fd, de->d_name, 0) < 0 && errno != ENOENT &&
			   !err) {
			err = -errno;
		}
	}
	closedir(d);
	if (unlinkat(dirfd, name, AT_REMOVEDIR) < 0 && errno != ENOENT && !err)
		err = -errno;
	return err;
}

/**
 * labdir_remove() - remove a lab's runtime directory and everything in it
 * @ctx:	context
 * @state_fd:	the state directory
 * @lab:	lab name
 *
 * Meant for `down`, after the lab's processes are stopped.
 *
 * Return: 0 (also when it was missing), or -errno.
 */
int labdir_remove(struct nsnet_ctx *ctx, int state_fd, const char *lab)
{
	char name[NSNET_NSNAMSIZ + 4];
	const char *why = nsnet_check_nsname(lab);
	int err;

	if (why)
		return nsnet_fail_why(ctx, -EINVAL, true, why, "lab \"%s\"", lab);
	snprintf(name, sizeof(name), "%s.d", lab);
	err = remove_tree(state_fd, name, 0);
	return err ? nsnet_fail(ctx, err, "remove %s/%s", STATE_DIR, name) : 0;
}
