// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * ovs.c - Open vSwitch bridges and ports through ovs-vsctl
 *
 * ovs-vsctl is run with an argv (user values are whole arguments, never
 * parsed by a shell), a clean environment, no inherited descriptors, the
 * database socket and a timeout given explicitly. Changes wait for
 * ovs-vswitchd to apply them (no --no-wait), so the bridge's internal port
 * exists when the next step gives it an address; a timeout there means
 * ovs-vswitchd is not running. Reads need only ovsdb-server.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <jansson.h>

#include "internal.h"
#include "ovs.h"

/* How long ovs-vsctl may take, in seconds, before ovs-vswitchd (or the
 * database) counts as not running. */
#define OVS_TIMEOUT "5"

/* Where ovs-vsctl may be installed, in order. */
static const char *const vsctl_paths[] = {
	"/usr/bin/ovs-vsctl", "/usr/local/bin/ovs-vsctl", "/usr/sbin/ovs-vsctl",
};

/* What to tell a user whose Open vSwitch is missing or stopped. */
#define OVS_INSTALL "install it with `apt-get install openvswitch-switch`"
#define OVS_START "start it with `systemctl start openvswitch-switch` " \
	"or `/usr/share/openvswitch/scripts/ovs-ctl start`"

/**
 * db_sock() - the OVSDB socket: $OVS_RUNDIR/db.sock, else the default
 * @buf:	output
 * @len:	its size
 *
 * OVS's own tools honour OVS_RUNDIR; doing the same lets nsnet find a
 * database started in a private run directory.
 *
 * Return: @buf.
 */
static const char *db_sock(char *buf, size_t len)
{
	const char *dir = secure_getenv("OVS_RUNDIR");

	snprintf(buf, len, "%s/db.sock", dir && *dir ? dir : "/run/openvswitch");
	return buf;
}

/**
 * vsctl_path() - the installed ovs-vsctl
 *
 * Return: its path, or NULL when Open vSwitch is not installed.
 */
static const char *vsctl_path(void)
{
	size_t i;

	for (i = 0; i < sizeof(vsctl_paths) / sizeof(*vsctl_paths); i++)
		if (access(vsctl_paths[i], X_OK) == 0)
			return vsctl_paths[i];
	return NULL;
}

/**
 * usable() - whether ovs-vsctl and the database socket are there
 * @why:	if not, why and what to do
 * @len:	its size
 *
 * Return: true if OVS can be asked.
 */
static bool usable(char *why, size_t len)
{
	char sock[160];

	if (!vsctl_path()) {
		snprintf(why, len, "Open vSwitch is not installed (no ovs-vsctl): %s",
			 OVS_INSTALL);
		return false;
	}
	if (access(db_sock(sock, sizeof(sock)), F_OK) < 0) {
		snprintf(why, len,
			 "Open vSwitch is not running (no database socket %s): %s; if it is not installed, %s",
			 sock, OVS_START, OVS_INSTALL);
		return false;
	}
	return true;
}

/**
 * read_all() - the contents of a memfd the child wrote
 * @fd:		the memfd
 *
 * Return: a NUL-terminated copy (free()), or NULL with errno set.
 */
static char *read_all(int fd)
{
	off_t size = lseek(fd, 0, SEEK_END);
	char *buf;
	ssize_t n;

	if (size < 0)
		return NULL;
	buf = malloc((size_t)size + 1);
	if (!buf)
		return NULL;
	n = pread(fd, buf, (size_t)size, 0);
	if (n < 0) {
		int err = errno;

		free(buf);
		errno = err;
		return NULL;
	}
	buf[n] = '\0';
	return buf;
}

/**
 * spawn() - run ovs-vsctl with @args and wait for it
 * @path:	ovs-vsctl
 * @argv:	full argv, NULL-terminated
 * @out:	its stdout (free()), or NULL not to keep it
 * @err:	first line of its stderr
 * @errlen:	size of @err
 *
 * Output goes to memory files rather than pipes, so a chatty child can
 * never block on a full pipe while we wait for it.
 *
 * Return: 0, -ETIMEDOUT (killed by its own --timeout alarm), -EIO (failed,
 * @err says why), or -errno.
 */
static int spawn(const char *path, char *const *argv, char **out, char *err,
		 size_t errlen)
{
	static char *const env[] = { "PATH=/usr/sbin:/usr/bin:/sbin:/bin",
				     "LC_ALL=C", NULL };
	int ofd = memfd_create("ovs-out", MFD_CLOEXEC);
	int efd = memfd_create("ovs-err", MFD_CLOEXEC);
	int status, ret = 0;
	char *e = NULL;
	pid_t pid;

	*err = '\0';
	if (ofd < 0 || efd < 0) {
		ret = -errno;
		goto out;
	}
	pid = fork();
	if (pid < 0) {
		ret = -errno;
		goto out;
	}
	if (pid == 0) {
		int nul = open("/dev/null", O_RDONLY | O_CLOEXEC);

		if (nul < 0 || dup2(nul, 0) < 0 || dup2(ofd, 1) < 0 ||
		    dup2(efd, 2) < 0)
			_exit(127);
		close_range(3, ~0U, 0);
		execve(path, argv, env);
		_exit(127);
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR) {
			ret = -errno;
			goto out;
		}
	e = read_all(efd);
	if (e) {
		e[strcspn(e, "\n")] = '\0';
		snprintf(err, errlen, "%s", e);
	}
	if (WIFSIGNALED(status) && WTERMSIG(status) == SIGALRM)
		ret = -ETIMEDOUT;
	else if (!WIFEXITED(status) || WEXITSTATUS(status))
		ret = -EIO;
	if (!ret && out && !(*out = read_all(ofd)))
		ret = -errno;
out:
	free(e);
	if (ofd >= 0)
		close(ofd);
	if (efd >= 0)
		close(efd);
	return ret;
}

/**
 * vsctl() - run one ovs-vsctl transaction
 * @ctx:	context
 * @what:	the operation, for messages
 * @wait:	wait for ovs-vswitchd to apply the change
 * @args:	ovs-vsctl commands and arguments, NULL-terminated
 * @out:	stdout (free()), or NULL
 *
 * Return: 0, or -errno recorded in @ctx: -ENOENT when OVS is missing or
 * stopped, -ETIMEDOUT when ovs-vswitchd did not apply the change in time.
 */
static int vsctl(struct nsnet_ctx *ctx, const char *what, bool wait,
		 const char *const *args, char **out)
{
	char sock[160], db[200], why[512], err[200];
	const char **argv;
	size_t n = 0, i;
	int ret;

	if (!usable(why, sizeof(why)))
		return nsnet_fail_why(ctx, -ENOENT, false, why, "%s", what);
	for (i = 0; args[i]; i++)
		;
	argv = malloc((i + 5) * sizeof(*argv));
	if (!argv)
		return nsnet_fail(ctx, -ENOMEM, "%s", what);
	snprintf(db, sizeof(db), "--db=unix:%s", db_sock(sock, sizeof(sock)));
	argv[n++] = "ovs-vsctl";
	argv[n++] = db;
	argv[n++] = "--timeout=" OVS_TIMEOUT;
	if (!wait)
		argv[n++] = "--no-wait";
	for (i = 0; args[i]; i++)
		argv[n++] = args[i];
	argv[n] = NULL;
	ret = spawn(vsctl_path(), (char *const *)argv, out, err, sizeof(err));
	free(argv);
	if (ret == -ETIMEDOUT)
		return nsnet_fail_why(ctx, ret, false,
				      "ovs-vswitchd did not answer within " OVS_TIMEOUT " s; is it running? " OVS_START,
				      "%s", what);
	if (ret == -EIO)
		return nsnet_fail_why(ctx, ret, false,
				      *err ? err : "ovs-vsctl failed", "%s", what);
	if (ret)
		return nsnet_fail(ctx, ret, "%s: running ovs-vsctl", what);
	return 0;
}

/* ------------------------------------------------------------- observe */

/**
 * map_has() - whether an OVSDB map value ["map", [[k, v], ...]] has k=v
 * @map:	the value
 * @key:	key
 * @val:	value
 *
 * Return: true if present.
 */
static bool map_has(json_t *map, const char *key, const char *val)
{
	json_t *pair;
	size_t i;

	json_array_foreach(json_array_get(map, 1), i, pair) {
		const char *k = json_string_value(json_array_get(pair, 0));
		const char *v = json_string_value(json_array_get(pair, 1));

		if (k && v && !strcmp(k, key) && !strcmp(v, val))
			return true;
	}
	return false;
}

/**
 * set_has_uuid() - whether a reference set holds @uuid
 * @set:	["set", [["uuid", U], ...]] or a single ["uuid", U]
 * @uuid:	the uuid
 *
 * OVSDB writes a one-element set as the element itself.
 *
 * Return: true if present.
 */
static bool set_has_uuid(json_t *set, const char *uuid)
{
	const char *tag = json_string_value(json_array_get(set, 0));
	json_t *e;
	size_t i;

	if (tag && !strcmp(tag, "uuid"))
		return !strcmp(json_string_value(json_array_get(set, 1)) ?: "",
			       uuid);
	json_array_foreach(json_array_get(set, 1), i, e)
		if (!strcmp(json_string_value(json_array_get(e, 1)) ?: "", uuid))
			return true;
	return false;
}

/**
 * parse_tables() - the two listings of ovs_observe() into @o
 * @text:	"list Bridge" then "list Port", JSON each
 * @lab:	the lab whose objects are "ours"
 * @o:		filled
 *
 * Return: 0, -EINVAL (unexpected output) or -ENOMEM.
 */
static int parse_tables(const char *text, const char *lab, struct ovs_obs *o)
{
	json_t *br = NULL, *po = NULL, *row, *brow;
	json_error_t jerr;
	size_t i, j, len = strlen(text);
	int ret = -EINVAL;

	br = json_loadb(text, len, JSON_DISABLE_EOF_CHECK, &jerr);
	if (br && jerr.position < (int)len)
		po = json_loads(text + jerr.position, 0, NULL);
	if (!br || !po)
		goto out;
	o->bridges = calloc(json_array_size(json_object_get(br, "data")) + 1,
			    sizeof(*o->bridges));
	o->ports = calloc(json_array_size(json_object_get(po, "data")) + 1,
			  sizeof(*o->ports));
	if (!o->bridges || !o->ports) {
		ret = -ENOMEM;
		goto out;
	}
	/* Bridge columns: name, ports, external_ids. */
	json_array_foreach(json_object_get(br, "data"), i, row) {
		struct ovs_bridge *b = &o->bridges[o->n_bridges];
		const char *name = json_string_value(json_array_get(row, 0));

		if (!name)
			goto out;
		snprintf(b->name, sizeof(b->name), "%s", name);
		b->ours = map_has(json_array_get(row, 2), OVS_LAB_KEY, lab);
		o->n_bridges++;
	}
	/* Port columns: _uuid, name, external_ids. */
	json_array_foreach(json_object_get(po, "data"), i, row) {
		struct ovs_port *p = &o->ports[o->n_ports];
		const char *uuid = json_string_value(json_array_get(json_array_get(row, 0), 1));
		const char *name = json_string_value(json_array_get(row, 1));

		if (!uuid || !name)
			goto out;
		snprintf(p->name, sizeof(p->name), "%s", name);
		p->ours = map_has(json_array_get(row, 2), OVS_LAB_KEY, lab);
		json_array_foreach(json_object_get(br, "data"), j, brow)
			if (set_has_uuid(json_array_get(brow, 1), uuid))
				snprintf(p->bridge, sizeof(p->bridge), "%s",
					 json_string_value(json_array_get(brow, 0)));
		o->n_ports++;
	}
	ret = 0;
out:
	json_decref(br);
	json_decref(po);
	return ret;
}

/**
 * ovs_observe() - every OVS bridge and port, and which are @lab's
 * @ctx:	context
 * @lab:	lab name ("" when no lab is asked about)
 * @o:		result; free with ovs_obs_free()
 *
 * OVS that is not installed or not running is not an error here: it holds
 * nothing of any lab then, and only a lab that wants an OVS switch must
 * refuse (with @o->why).
 *
 * Return: 0, or -errno when OVSDB answered something unreadable.
 */
int ovs_observe(struct nsnet_ctx *ctx, const char *lab, struct ovs_obs *o)
{
	static const char *const args[] = {
		"--format=json", "--data=json",
		"--columns=name,ports,external_ids", "list", "Bridge", "--",
		"--columns=_uuid,name,external_ids", "list", "Port", NULL,
	};
	char *text = NULL;
	int ret;

	memset(o, 0, sizeof(*o));
	if (!usable(o->why, sizeof(o->why)))
		return 0;
	ret = vsctl(ctx, "Open vSwitch", false, args, &text);
	if (ret) {
		/* The socket is there but nobody answers on it. */
		snprintf(o->why, sizeof(o->why), "%s", nsnet_errmsg(ctx));
		nsnet_clear_err(ctx);
		return 0;
	}
	ret = parse_tables(text, lab, o);
	free(text);
	if (ret) {
		ovs_obs_free(o);
		return nsnet_fail(ctx, ret, "Open vSwitch: unexpected ovs-vsctl output");
	}
	o->present = true;
	return 0;
}

/**
 * ovs_obs_free() - release an observation
 * @o:		observation, may be zeroed
 */
void ovs_obs_free(struct ovs_obs *o)
{
	free(o->bridges);
	free(o->ports);
	o->bridges = NULL;
	o->ports = NULL;
	o->n_bridges = o->n_ports = 0;
}

/**
 * ovs_bridge_find() - the bridge named @name
 * @o:		observation
 * @name:	bridge name
 *
 * Return: it, or NULL.
 */
const struct ovs_bridge *ovs_bridge_find(const struct ovs_obs *o,
					 const char *name)
{
	size_t i;

	for (i = 0; i < o->n_bridges; i++)
		if (!strcmp(o->bridges[i].name, name))
			return &o->bridges[i];
	return NULL;
}

/**
 * ovs_port_find() - the port named @name (a bridge's own port included)
 * @o:		observation
 * @name:	port name
 *
 * Return: it, or NULL.
 */
const struct ovs_port *ovs_port_find(const struct ovs_obs *o, const char *name)
{
	size_t i;

	for (i = 0; i < o->n_ports; i++)
		if (!strcmp(o->ports[i].name, name))
			return &o->ports[i];
	return NULL;
}

/**
 * ovs_set_masters() - make OVS ports show their bridge as master
 * @o:		observation
 * @links:	the host's links
 * @n:		count
 *
 * The kernel names no master for a port of the userspace datapath, and
 * "ovs-system" for one of the kernel datapath; what a user means by master
 * is the bridge, whose internal port carries its name. Ports of a bridge
 * without such a link are left alone.
 */
void ovs_set_masters(const struct ovs_obs *o, struct nsnet_link *links, int n)
{
	size_t i;
	int j;

	for (i = 0; i < o->n_ports; i++) {
		const struct ovs_port *p = &o->ports[i];
		int port = -1, br = -1;

		if (!*p->bridge || !strcmp(p->name, p->bridge))
			continue;
		for (j = 0; j < n && (port < 0 || br < 0); j++) {
			if (!strcmp(links[j].name, p->name))
				port = j;
			else if (!strcmp(links[j].name, p->bridge))
				br = j;
		}
		if (port >= 0 && br >= 0)
			links[port].master = links[br].ifindex;
	}
}

/**
 * nsnet_ovs_masters() - fill in the OVS bridge as master of OVS ports
 * @ctx:	context
 * @links:	the host's links (nsnet_link_list() of the host)
 * @n:		count
 *
 * Asks OVSDB only when a link looks like an OVS internal port (a tap or
 * an "openvswitch" device), so hosts without OVS pay nothing.
 *
 * Return: 0, or -errno.
 */
int nsnet_ovs_masters(struct nsnet_ctx *ctx, struct nsnet_link *links, int n)
{
	struct ovs_obs o;
	bool maybe = false;
	int j, ret;

	for (j = 0; j < n && !maybe; j++)
		maybe = !strcmp(links[j].kind, "tun") ||
			!strcmp(links[j].kind, "openvswitch");
	if (!maybe)
		return 0;
	ret = ovs_observe(ctx, "", &o);
	if (ret)
		return ret;
	ovs_set_masters(&o, links, n);
	ovs_obs_free(&o);
	return 0;
}

/* ------------------------------------------------------------- change */

/**
 * ovs_userspace() - whether a lab's OVS bridges use the userspace datapath
 *
 * The kernel's datapath needs the openvswitch module; without it
 * ovs-vswitchd switches in userspace (netdev), which works on any kernel
 * but passes frames between ports without finishing their checksums
 * (offload.c).
 *
 * Return: true for the userspace datapath.
 */
bool ovs_userspace(void)
{
	return access("/sys/module/openvswitch", F_OK) != 0;
}

/**
 * ovs_add_bridge() - create a lab's bridge, tagged, and wait for its port
 * @ctx:	context
 * @lab:	lab name
 * @bridge:	bridge name
 * @mac:	its fixed hardware address (stable across re-creation)
 *
 * The kernel datapath when its module is loaded, else the userspace one
 * (netdev), which works on any kernel. --may-exist makes a re-run after a
 * killed one converge instead of failing.
 *
 * Return: 0, or -errno recorded in @ctx.
 */
int ovs_add_bridge(struct nsnet_ctx *ctx, const char *lab, const char *bridge,
		   const uint8_t mac[6])
{
	char what[64], ids[128], dp[48], hw[64];
	const char *args[] = {
		"--may-exist", "add-br", bridge, "--", "set", "Bridge", bridge,
		dp, ids, hw, NULL,
	};

	snprintf(what, sizeof(what), "ovs bridge %s", bridge);
	snprintf(ids, sizeof(ids), "external_ids:%s=\"%s\"", OVS_LAB_KEY, lab);
	snprintf(dp, sizeof(dp), "datapath_type=%s",
		 ovs_userspace() ? "netdev" : "system");
	snprintf(hw, sizeof(hw),
		 "other-config:hwaddr=\"%02x:%02x:%02x:%02x:%02x:%02x\"",
		 mac[0], mac[1], mac[2], mac[3], mac[4], mac[5]);
	return vsctl(ctx, what, true, args, NULL);
}

/* Arguments of one port's commands in ovs_add_ports(), "--" before included. */
#define PORT_ARGS 13

/**
 * ovs_add_ports() - put a lab's host links on bridges, tagged, at once
 * @ctx:	context
 * @lab:	lab name
 * @bridges:	bridge of each port
 * @ports:	the host links (veths' host ends)
 * @n:		count
 *
 * One transaction for all: ovs-vswitchd is waited for once, not once per
 * node, and either every port is added or none is. Any earlier port of a
 * name is removed in the same transaction: it may sit on another bridge,
 * or name a link that was re-created, which ovs-vswitchd would not pick
 * up again by itself.
 *
 * Return: 0, or -errno recorded in @ctx.
 */
int ovs_add_ports(struct nsnet_ctx *ctx, const char *lab,
		  const char *const *bridges, const char *const *ports, size_t n)
{
	const char **args;
	char what[64], ids[128];
	size_t i, k = 0;
	int ret;

	if (!n)
		return 0;
	args = calloc(n * PORT_ARGS + 1, sizeof(*args));
	if (!args)
		return nsnet_fail(ctx, -ENOMEM, "ovs ports");
	snprintf(ids, sizeof(ids), "external_ids:%s=\"%s\"", OVS_LAB_KEY, lab);
	for (i = 0; i < n; i++) {
		if (i)
			args[k++] = "--";
		args[k++] = "--if-exists";
		args[k++] = "del-port";
		args[k++] = ports[i];
		args[k++] = "--";
		args[k++] = "add-port";
		args[k++] = bridges[i];
		args[k++] = ports[i];
		args[k++] = "--";
		args[k++] = "set";
		args[k++] = "Port";
		args[k++] = ports[i];
		args[k++] = ids;
	}
	args[k] = NULL;
	if (n == 1)
		snprintf(what, sizeof(what), "ovs port %s on %s", ports[0],
			 bridges[0]);
	else
		snprintf(what, sizeof(what), "ovs ports %s .. %s (%zu)",
			 ports[0], ports[n - 1], n);
	ret = vsctl(ctx, what, true, args, NULL);
	free(args);
	return ret;
}

/**
 * del_retry() - a removal, committed even when ovs-vswitchd is away
 * @ctx:	context
 * @what:	for messages
 * @args:	the command
 *
 * Waiting lets the internal port vanish before we return; when the wait
 * times out, the removal is made in the database alone, which
 * ovs-vswitchd applies when it runs again.
 *
 * Return: 0, or -errno recorded in @ctx.
 */
static int del_retry(struct nsnet_ctx *ctx, const char *what,
		     const char *const *args)
{
	int ret = vsctl(ctx, what, true, args, NULL);

	if (ret == -ETIMEDOUT) {
		nsnet_clear_err(ctx);
		ret = vsctl(ctx, what, false, args, NULL);
	}
	return ret;
}

/**
 * ovs_del_bridge() - remove a bridge and its ports; gone is success
 * @ctx:	context
 * @bridge:	bridge name
 *
 * Return: 0, or -errno recorded in @ctx.
 */
int ovs_del_bridge(struct nsnet_ctx *ctx, const char *bridge)
{
	const char *args[] = { "--if-exists", "del-br", bridge, NULL };
	char what[64];

	snprintf(what, sizeof(what), "ovs bridge %s", bridge);
	return del_retry(ctx, what, args);
}

/**
 * ovs_del_port() - remove a port from whichever bridge; gone is success
 * @ctx:	context
 * @port:	port name
 *
 * Return: 0, or -errno recorded in @ctx.
 */
int ovs_del_port(struct nsnet_ctx *ctx, const char *port)
{
	const char *args[] = { "--if-exists", "del-port", port, NULL };
	char what[64];

	snprintf(what, sizeof(what), "ovs port %s", port);
	return del_retry(ctx, what, args);
}
