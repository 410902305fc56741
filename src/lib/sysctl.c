// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * sysctl.c - IP forwarding, turned on while a lab needs it, then restored
 *
 * NAT, port forwards and routing between a lab's networks need the host to
 * forward packets. nsnet turns forwarding on only when a lab needs it and it
 * is off, and remembers, in /run/nsnet/sysctl:forwarding, the value it found
 * and which labs need it; when the last of them lets go, the value found is
 * written back and the record removed. A host that forwarded already is
 * never touched: the record then says "1" and nothing is restored.
 *
 * The record is written before the value is flipped, so a run killed in
 * between still knows what to restore. Its name has a ':', which no lab name
 * may hold, and no ".json" suffix, so it is never taken for a lab's state.
 *
 * The record lives in /run/nsnet, which can be lost (a reboot of /run, an
 * `rm -rf`) while labs are up. So each lab's nftables table carries the
 * same knowledge as a tag (fw.c, fw_fwd_tags()): the value found, written
 * before the value is flipped. Without a record, the tables say which labs
 * still hold forwarding and what to put back when the last one goes.
 *
 * Files under /proc/sys/net belong to the network namespace of the process
 * that opens them: the calling thread must be in the host namespace.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "engine.h"
#include "fw.h"

/** FWD_RECORD - the record's file name in /run/nsnet */
#define FWD_RECORD "sysctl:forwarding"
/** FWD_RECORD_TMP - written first, then renamed over FWD_RECORD */
#define FWD_RECORD_TMP "sysctl:forwarding.tmp"

/**
 * struct knob - one forwarding switch
 * @key:	its entry in the record
 * @path:	its file
 */
struct knob {
	const char *key;
	const char *path;
};

static const struct knob knob_v4 = { "ipv4", "/proc/sys/net/ipv4/ip_forward" };
/* "all" sets every interface's value; it is what `sysctl
 * net.ipv6.conf.all.forwarding=1` does, and what routing needs. */
static const struct knob knob_v6 = { "ipv6",
				     "/proc/sys/net/ipv6/conf/all/forwarding" };

/**
 * knob_read() - the current value of a switch, without its newline
 * @ctx:	context
 * @k:		the switch
 * @val:	output
 * @len:	size of @val
 *
 * Return: 0, or -errno.
 */
static int knob_read(struct nsnet_ctx *ctx, const struct knob *k, char *val,
		     size_t len)
{
	ssize_t n;
	int fd;

	fd = open(k->path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return nsnet_fail(ctx, -errno, "read %s", k->path);
	n = read(fd, val, len - 1);
	if (n < 0) {
		n = -errno;
		close(fd);
		return nsnet_fail(ctx, (int)n, "read %s", k->path);
	}
	close(fd);
	val[n] = '\0';
	val[strcspn(val, " \t\n")] = '\0';
	return 0;
}

/**
 * knob_write() - set a switch
 * @ctx:	context
 * @k:		the switch
 * @val:	the value, digits only
 *
 * Return: 0, or -errno.
 */
static int knob_write(struct nsnet_ctx *ctx, const struct knob *k,
		      const char *val)
{
	size_t n = strlen(val);
	int fd, err = 0;

	fd = open(k->path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return nsnet_fail(ctx, -errno, "write %s", k->path);
	if (write(fd, val, n) != (ssize_t)n)
		err = nsnet_fail(ctx, errno ? -errno : -EIO, "write %s",
				 k->path);
	close(fd);
	return err;
}

/**
 * value_ok() - whether a recorded value may be written back
 * @v:		the value
 *
 * The record is root's, but it is still input: only a short number goes
 * back into /proc.
 *
 * Return: true for 1 to 3 digits.
 */
static bool value_ok(const char *v)
{
	size_t n = strspn(v, "0123456789");

	return n >= 1 && n <= 3 && !v[n];
}

/**
 * record_load() - read the record
 * @ctx:	context
 * @dirfd:	/run/nsnet
 * @rec:	the record (an empty object when there is none)
 *
 * A torn or foreign file counts as no record: restoring from it would be a
 * guess.
 *
 * Return: 0, or -errno.
 */
static int record_load(struct nsnet_ctx *ctx, int dirfd, json_t **rec)
{
	json_t *r = NULL;
	FILE *f;
	int fd;

	*rec = NULL;
	fd = openat(dirfd, FWD_RECORD, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 && errno != ENOENT)
		return nsnet_fail(ctx, -errno, "read %s/%s", STATE_DIR,
				  FWD_RECORD);
	if (fd >= 0) {
		f = fdopen(fd, "r");
		if (!f) {
			int err = -errno;

			close(fd);
			return nsnet_fail(ctx, err, "read %s/%s", STATE_DIR,
					  FWD_RECORD);
		}
		r = json_loadf(f, 0, NULL);
		fclose(f);
	}
	if (!json_is_object(r)) {
		json_decref(r);
		r = json_object();
	}
	*rec = r;
	return r ? 0 : nsnet_fail(ctx, -ENOMEM, "forwarding record");
}

/**
 * record_save() - write the record atomically, or remove it when empty
 * @ctx:	context
 * @dirfd:	/run/nsnet
 * @rec:	the record
 *
 * Return: 0, or -errno.
 */
static int record_save(struct nsnet_ctx *ctx, int dirfd, json_t *rec)
{
	int fd, err = 0;

	if (!json_object_size(rec)) {
		if (unlinkat(dirfd, FWD_RECORD, 0) < 0 && errno != ENOENT)
			return nsnet_fail(ctx, -errno, "remove %s/%s",
					  STATE_DIR, FWD_RECORD);
		return 0;
	}
	unlinkat(dirfd, FWD_RECORD_TMP, 0);
	fd = openat(dirfd, FWD_RECORD_TMP, O_WRONLY | O_CREAT | O_EXCL |
		    O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return nsnet_fail(ctx, -errno, "write %s/%s", STATE_DIR,
				  FWD_RECORD_TMP);
	errno = 0;
	if (json_write_fd(rec, fd) < 0 ||
	    fdatasync(fd) < 0)
		err = nsnet_fail(ctx, errno ? -errno : -EIO, "write %s/%s",
				 STATE_DIR, FWD_RECORD_TMP);
	close(fd);
	if (!err && renameat(dirfd, FWD_RECORD_TMP, dirfd, FWD_RECORD) < 0)
		err = nsnet_fail(ctx, -errno, "rename %s/%s", STATE_DIR,
				 FWD_RECORD_TMP);
	if (err)
		unlinkat(dirfd, FWD_RECORD_TMP, 0);
	return err;
}

/**
 * labs_find() - the index of @lab in a record entry's "labs"
 * @labs:	the array
 * @lab:	the lab
 *
 * Return: the index, or -1.
 */
static ssize_t labs_find(json_t *labs, const char *lab)
{
	json_t *v;
	size_t i;

	json_array_foreach(labs, i, v)
		if (json_is_string(v) && !strcmp(json_string_value(v), lab))
			return (ssize_t)i;
	return -1;
}

/**
 * tag_was() - the value a forwarding tag says was found
 * @tags:	fw_fwd_tags()'s array
 * @lab:	the lab
 * @key:	"ipv4" or "ipv6"
 * @other:	false: @lab's own tag; true: any other lab's
 *
 * Return: the value, or NULL when there is no such tag.
 */
static const char *tag_was(json_t *tags, const char *lab, const char *key,
			   bool other)
{
	json_t *t;
	size_t i;

	json_array_foreach(tags, i, t) {
		const char *l = json_string_value(json_object_get(t, "lab"));
		const char *f = json_string_value(json_object_get(t, "family"));

		if (!l || !f || !strcmp(l, FW_IMPERATIVE) || strcmp(f, key) ||
		    (strcmp(l, lab) == 0) == other)
			continue;
		return json_string_value(json_object_get(t, "was"));
	}
	return NULL;
}

/**
 * tag_others() - whether another holder than @lab has a tag for @key
 * @tags:	fw_fwd_tags()'s array
 * @lab:	the lab
 * @key:	"ipv4" or "ipv6"
 *
 * The imperative commands' table counts for both families.
 *
 * Return: true if so.
 */
static bool tag_others(json_t *tags, const char *lab, const char *key)
{
	json_t *t;
	size_t i;

	json_array_foreach(tags, i, t) {
		const char *l = json_string_value(json_object_get(t, "lab"));
		const char *f = json_string_value(json_object_get(t, "family"));

		if (l && f && strcmp(l, lab) && (!strcmp(f, key) || !strcmp(f, "*")))
			return true;
	}
	return false;
}

/**
 * acquire() - @lab needs the switch: record, tag, then turn it on
 * @ctx:	context
 * @dirfd:	/run/nsnet
 * @rec:	the record
 * @k:		the switch
 * @lab:	the lab
 * @tags:	fw_fwd_tags() as read before this run changed the lab's
 *		table, or NULL (read here when needed)
 *
 * Without a record entry, the value found is what a table's tag says (the
 * record was lost while a lab held forwarding, so the value now is that
 * lab's doing), else the value now. The lab's own table is tagged before
 * the value is flipped; a lab without a table (the imperative commands)
 * has only the record.
 *
 * Return: 0, or -errno.
 */
static int acquire(struct nsnet_ctx *ctx, int dirfd, json_t *rec,
		   const struct knob *k, const char *lab, json_t *tags)
{
	json_t *ent = json_object_get(rec, k->key), *labs, *read = NULL;
	bool is_lab = strcmp(lab, FW_IMPERATIVE) != 0;
	const char *found;
	struct err_keep keep;
	char cur[16];
	int err;

	err = knob_read(ctx, k, cur, sizeof(cur));
	if (err)
		return err;
	if (!json_is_object(ent)) {
		err = tags ? 0 : fw_fwd_tags(ctx, &read);
		if (!tags)
			tags = read;
		found = tag_was(tags, lab, k->key, false);
		if (!found)
			found = tag_was(tags, lab, k->key, true);
		if (!found || !value_ok(found))
			found = cur;
		ent = err ? NULL : json_pack("{s:s, s:[]}", "prev", found, "labs");
		json_decref(read);
		if (!ent || json_object_set_new(rec, k->key, ent))
			return nsnet_fail(ctx, -ENOMEM, "forwarding record");
	}
	found = json_string_value(json_object_get(ent, "prev"));
	if (is_lab && found && value_ok(found)) {
		/* Best effort: the record is written too, and is what a
		 * lab's down reads while it is there. */
		err_keep(ctx, &keep);
		fw_fwd_tag(ctx, lab, k->key, found);
		err_restore(ctx, &keep);
	}
	labs = json_object_get(ent, "labs");
	if (!json_is_array(labs)) {
		labs = json_array();
		if (!labs || json_object_set_new(ent, "labs", labs))
			return nsnet_fail(ctx, -ENOMEM, "forwarding record");
	}
	if (labs_find(labs, lab) < 0) {
		if (json_array_append_new(labs, json_string(lab)))
			return nsnet_fail(ctx, -ENOMEM, "forwarding record");
		err = record_save(ctx, dirfd, rec);
		if (err)
			return err;
	}
	/* Also when recorded already: someone may have turned it off since,
	 * and the lab still needs it. */
	return strcmp(cur, "1") ? knob_write(ctx, k, "1") : 0;
}

/**
 * release() - @lab no longer needs the switch; the last one restores it
 * @ctx:	context
 * @dirfd:	/run/nsnet
 * @rec:	the record
 * @k:		the switch
 * @lab:	the lab
 * @tags:	fw_fwd_tags() as read before the lab's table went, or NULL
 *		(read here when needed)
 *
 * The value is restored before the record goes: a kill in between leaves a
 * record whose value is already back, which the next release restores
 * once more, harmlessly. The last holder the record names is not always
 * the last one: a lab that was up when the record was lost holds it by
 * its tag only, and restores it itself when it goes.
 *
 * Return: 0, or -errno.
 */
static int release(struct nsnet_ctx *ctx, int dirfd, json_t *rec,
		   const struct knob *k, const char *lab, json_t *tags)
{
	json_t *ent = json_object_get(rec, k->key), *labs;
	const char *prev;
	ssize_t i;
	int err;

	labs = json_object_get(ent, "labs");
	i = json_is_array(labs) ? labs_find(labs, lab) : -1;
	if (i < 0 && !json_is_object(ent) && tags) {
		/* No record of anyone holding it (lost with /run/nsnet): the
		 * lab's own tag says what was there; another tag means
		 * another holder, which restores it when it goes. */
		prev = tag_was(tags, lab, k->key, false);
		if (!prev || !value_ok(prev) || !strcmp(prev, "1") ||
		    tag_others(tags, lab, k->key))
			return 0;
		return knob_write(ctx, k, prev);
	}
	if (i < 0)
		return 0;
	json_array_remove(labs, (size_t)i);
	if (json_array_size(labs))
		return record_save(ctx, dirfd, rec);
	prev = json_string_value(json_object_get(ent, "prev"));
	if (prev && value_ok(prev) && strcmp(prev, "1")) {
		json_t *read = NULL;
		bool others;

		if (!tags) {
			err = fw_fwd_tags(ctx, &read);
			if (err < 0) {
				json_decref(read);
				return err;
			}
		}
		others = tag_others(tags ? tags : read, lab, k->key);
		json_decref(read);
		err = others ? 0 : knob_write(ctx, k, prev);
		if (err)
			return err;
	}
	json_object_del(rec, k->key);
	return record_save(ctx, dirfd, rec);
}

/**
 * sysctl_forwarding() - hold or let go of IP forwarding for a lab
 * @ctx:	context
 * @dirfd:	the open /run/nsnet (struct state_dir's fd), locked by the
 *		caller (state_lock())
 * @lab:	the lab, or another holder's name (FW_IMPERATIVE)
 * @family:	AF_INET (net.ipv4.ip_forward) or AF_INET6
 *		(net.ipv6.conf.all.forwarding); one family per call
 * @need:	true: the lab needs forwarding (turned on if off, after
 *		recording the value found); false: it does not (any more);
 *		the last lab letting go restores the recorded value
 *
 * Idempotent both ways: holding twice records the lab once, letting go of
 * what was never held changes nothing, so `down` may let go of both
 * families unconditionally. Turning IPv6 forwarding on makes the kernel
 * ignore router advertisements on interfaces with accept_ra 1: a host that
 * configures itself by SLAAC may lose its IPv6 default route, so a lab
 * should hold AF_INET6 only when it routes IPv6.
 *
 * Return: 0, or -errno (-EAFNOSUPPORT for another family).
 */
int sysctl_forwarding(struct nsnet_ctx *ctx, int dirfd, const char *lab,
		      int family, bool need)
{
	return sysctl_forwarding_tagged(ctx, dirfd, lab, family, need, NULL);
}

/**
 * sysctl_forwarding_tagged() - sysctl_forwarding() for a lab whose table
 * this run replaces or deletes
 * @ctx:	context
 * @dirfd:	the open /run/nsnet, locked by the caller
 * @lab:	the lab
 * @family:	AF_INET or AF_INET6
 * @need:	as for sysctl_forwarding()
 * @tags:	fw_fwd_tags() as read before the run changed the lab's table
 *
 * When /run/nsnet holds no record for @family at all (it was lost), the
 * kernel's tags decide: holding, the value found is the one a tag names;
 * letting go, the lab's own tag gives the value to restore, unless another
 * lab's table (or the imperative commands' table) still holds forwarding.
 * The tags must be read before the table is replaced or deleted, which
 * takes the lab's own tag with it.
 *
 * Return: 0, or -errno.
 */
int sysctl_forwarding_tagged(struct nsnet_ctx *ctx, int dirfd, const char *lab,
			     int family, bool need, json_t *tags)
{
	const struct knob *k;
	json_t *rec = NULL;
	int err;

	if (family != AF_INET && family != AF_INET6)
		return nsnet_fail(ctx, -EAFNOSUPPORT, "forwarding");
	k = family == AF_INET ? &knob_v4 : &knob_v6;
	err = record_load(ctx, dirfd, &rec);
	if (!err && need)
		err = acquire(ctx, dirfd, rec, k, lab, tags);
	else if (!err)
		err = release(ctx, dirfd, rec, k, lab, tags);
	json_decref(rec);
	return err;
}
