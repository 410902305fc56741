// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * svc.c - bring a lab's services to what its file says, and take them down
 *
 * `up` first works out every change (svc_prepare(): files that differ,
 * processes missing or started with another command line, processes the
 * file no longer has), so `plan` can list them and a missing command stops
 * `up` before anything changes. svc_apply() then stops, writes, starts, and
 * waits for every DHCP client to hold a lease: a lab is up when its nodes
 * have their addresses. Processes started by a run that fails are stopped
 * again.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>

#include "svc_int.h"

/* How long `up` waits for DHCP leases. */
#define LEASE_WAIT_MS 20000
/* How long `up` waits for a `run:` service's `ready:` port. */
#define READY_WAIT_MS 30000
/* Grace between SIGTERM and SIGKILL when up replaces or down stops. */
#define SVC_STOP_MS 3000

/**
 * act_add() - append a change
 * @sp:		the services plan
 * @kind:	what
 *
 * Return: the change (zeroed but for @kind), or NULL.
 */
static struct svc_act *act_add(struct svc_plan *sp, enum svc_kind kind)
{
	struct svc_act *a;

	if (sp->n_acts == sp->cap_acts) {
		size_t cap = sp->cap_acts ? sp->cap_acts * 2 : 16;

		a = realloc(sp->acts, cap * sizeof(*a));
		if (!a)
			return NULL;
		sp->acts = a;
		sp->cap_acts = cap;
	}
	a = &sp->acts[sp->n_acts++];
	memset(a, 0, sizeof(*a));
	a->kind = kind;
	a->node = "";
	return a;
}

/**
 * plan_file() - a change for /etc/netns/NODE/NAME if it is not as wanted
 * @ctx:	context
 * @sp:		the services plan
 * @node:	the node
 * @name:	"hosts" or "resolv.conf"
 * @st:		etc_state_at() of the file
 * @t:		the content (moved into the change), or empty for @link
 * @link:	symlink target when @t is empty
 *
 * Return: 0, -EEXIST (input error: a foreign file), or -ENOMEM.
 */
static int plan_file(struct nsnet_ctx *ctx, struct svc_plan *sp,
		     const char *node, const char *name, int st,
		     struct svc_text *t, const char *link)
{
	struct svc_act *a;

	if (st == ETC_FOREIGN)
		return nsnet_fail_why(ctx, -EEXIST, true,
				      "exists and is not this lab's (remove it or give the node another name)",
				      "%s/%s/%s", NETNS_ETC_DIR, node, name);
	if (st == ETC_SAME_OURS)
		return 0;
	a = act_add(sp, SVC_FILE);
	if (!a)
		return -ENOMEM;
	a->node = node;
	a->file = name;
	a->replace = st == ETC_OURS;
	a->text = t->s;
	a->link = t->s ? NULL : link;
	memset(t, 0, sizeof(*t));
	return 0;
}

/**
 * struct node_files - one node's two files: wanted, and as found
 * @hosts:	its own hosts text, or empty for the link to the lab's
 * @resolv:	its resolv.conf text, or empty when it needs none
 * @st_hosts:	etc_state_at() of its hosts
 * @st_resolv:	etc_state_at() of its resolv.conf (against "" when it
 *		needs none: then ETC_OURS is a file of ours to remove)
 */
struct node_files {
	struct svc_text hosts;
	struct svc_text resolv;
	int st_hosts;
	int st_resolv;
};

/**
 * struct files_look - what look_node() needs
 * @lab:	the lab
 * @link:	the lab-wide hosts file
 * @nf:		one per node
 */
struct files_look {
	const struct lab *lab;
	const char *link;
	struct node_files *nf;
};

/**
 * look_node() - ns_each() work: how node @i's files stand
 * @w:		the worker's context (unused: nothing here fails)
 * @i:		node index
 * @arg:	struct files_look; only its nf[@i] is written
 *
 * Four system calls a node, a thousand nodes on every `up`: done by a few
 * threads at once.
 *
 * Return: 0.
 */
static int look_node(struct nsnet_ctx *w, size_t i, void *arg)
{
	const struct files_look *fl = arg;
	struct node_files *nf = &fl->nf[i];
	const char *lab = fl->lab->name;
	int dfd = etc_node_dir(fl->lab->nodes[i].name);

	nf->st_hosts = etc_state_at(dfd, lab, "hosts", nf->hosts.s,
				    nf->hosts.s ? NULL : fl->link);
	nf->st_resolv = etc_state_at(dfd, lab, "resolv.conf",
				     nf->resolv.s ? nf->resolv.s : "", NULL);
	if (dfd >= 0)
		close(dfd);
	return 0;
}

/**
 * plan_files() - the changes to every node's /etc/netns files
 * @ctx:	context
 * @sp:		the services plan
 * @lab:	the lab
 * @state:	its state after the plan
 * @old:	the state recorded by the last up, or NULL
 * @link:	the lab-wide hosts file, which nodes' hosts link to
 *
 * The wanted texts first, then every node's files looked at in parallel
 * (look_node()), then the changes in node order, so a foreign file is
 * reported for the same node whatever the threads did.
 *
 * Return: 0, or -errno.
 */
static int plan_files(struct nsnet_ctx *ctx, struct svc_plan *sp,
		      const struct lab *lab, json_t *state, json_t *old,
		      const char *link)
{
	struct files_look fl = { .lab = lab, .link = link };
	json_t *names = json_object(), *v;
	struct svc_act *a;
	size_t i;
	int err = names ? 0 : -ENOMEM;

	fl.nf = calloc(lab->n_nodes ? lab->n_nodes : 1, sizeof(*fl.nf));
	if (!fl.nf)
		err = -ENOMEM;
	for (i = 0; !err && i < lab->n_nodes; i++) {
		const struct lab_node *n = &lab->nodes[i];

		err = json_object_set_new(names, n->name, json_true()) ? -ENOMEM : 0;
		if (!err && n->n_hosts)
			err = svc_hosts_text(lab, state, n, &fl.nf[i].hosts);
		if (!err)
			err = svc_resolv_text(lab, i, &sp->resolv,
					      &fl.nf[i].resolv);
	}
	if (!err)
		err = ns_each(ctx, lab->n_nodes, look_node, &fl);
	for (i = 0; !err && i < lab->n_nodes; i++) {
		struct node_files *nf = &fl.nf[i];
		const char *node = lab->nodes[i].name;

		err = plan_file(ctx, sp, node, "hosts", nf->st_hosts,
				&nf->hosts, link);
		if (!err && nf->resolv.s)
			err = plan_file(ctx, sp, node, "resolv.conf",
					nf->st_resolv, &nf->resolv, NULL);
		else if (!err && nf->st_resolv == ETC_OURS) {
			a = act_add(sp, SVC_FILE_DROP);
			if (!a)
				err = -ENOMEM;
			else {
				a->node = node;
				a->file = "resolv.conf";
			}
		}
	}
	for (i = 0; fl.nf && i < lab->n_nodes; i++) {
		text_free(&fl.nf[i].hosts);
		text_free(&fl.nf[i].resolv);
	}
	free(fl.nf);
	/* nodes the file no longer has: their files go with them */
	json_array_foreach(json_object_get(old, "nodes"), i, v) {
		static const char *const files[] = { "hosts", "resolv.conf" };
		const char *name = json_string_value(v);
		size_t f;

		for (f = 0; f < 2; f++) {
			if (err || !name || json_object_get(names, name) ||
			    !etc_owned(lab->name, name, files[f]))
				continue;
			a = act_add(sp, SVC_FILE_DROP);
			if (!a) {
				err = -ENOMEM;
				break;
			}
			a->node = name;
			a->file = files[f];
		}
	}
	json_decref(names);
	return err;
}

/**
 * same_argv() - whether a record's argv is @argv
 * @rec:	the record's "argv" array
 * @argv:	NULL-terminated
 *
 * Return: true if equal.
 */
static bool same_argv(json_t *rec, char *const *argv)
{
	size_t i;

	for (i = 0; argv[i]; i++)
		if (!json_is_string(json_array_get(rec, i)) ||
		    strcmp(json_string_value(json_array_get(rec, i)), argv[i]))
			return false;
	return i == json_array_size(rec);
}

/**
 * proc_is() - whether a live process runs as @w says
 * @rec:	its record
 * @w:		the wanted process
 *
 * Return: true if command, node, user and policy are the same.
 */
static bool proc_is(json_t *rec, const struct want_proc *w)
{
	const char *node = json_string_value(json_object_get(rec, "node"));
	const char *user = json_string_value(json_object_get(rec, "user"));
	const char *restart = json_string_value(json_object_get(rec, "restart"));

	/* a DHCP client runs a function: what it shows stands for it */
	return same_argv(json_object_get(rec, w->dhcp ? "display" : "argv"),
			 w->argv) &&
	       node && !strcmp(node, w->netns) &&
	       !strcmp(user ? user : "", w->user ? w->user : "") &&
	       restart && !strcmp(restart, proc_restart_name(w->restart));
}

/**
 * plan_procs() - the changes to the lab's processes
 * @ctx:	context
 * @state_fd:	the state directory (-1: none yet, nothing runs)
 * @sp:		the services plan, its wanted processes filled
 * @lab:	lab name
 * @old:	the state recorded by the last up, or NULL
 *
 * Return: 0, or -errno.
 */
static int plan_procs(struct nsnet_ctx *ctx, int state_fd, struct svc_plan *sp,
		      const char *lab, json_t *old)
{
	json_t *rec, *wanted = json_object(), *v;
	struct svc_act *a;
	size_t i;
	int err = wanted ? 0 : -ENOMEM;

	for (i = 0; !err && i < sp->n_procs; i++) {
		const struct want_proc *w = &sp->procs[i];

		rec = NULL;
		if (json_object_set_new(wanted, w->id, json_true()))
			err = -ENOMEM;
		if (!err && state_fd >= 0) {
			err = proc_get(ctx, state_fd, lab, w->id, &rec);
			if (err == -ENOENT) {
				nsnet_clear_err(ctx);
				err = 0;
			}
		}
		if (!err && (!rec || !proc_is(rec, w))) {
			a = act_add(sp, SVC_START);
			if (!a)
				err = -ENOMEM;
			else {
				a->proc = w;
				a->replace = rec != NULL;
				snprintf(a->id, sizeof(a->id), "%s", w->id);
			}
		}
		json_decref(rec);
	}
	json_array_foreach(json_object_get(old, "svc_procs"), i, v) {
		const char *id = json_string_value(v);

		if (err || !id || json_object_get(wanted, id))
			continue;
		a = act_add(sp, SVC_STOP);
		if (!a)
			err = -ENOMEM;
		else
			snprintf(a->id, sizeof(a->id), "%s", id);
	}
	json_decref(wanted);
	return err;
}

/**
 * svc_prepare() - every change `up` makes to the lab's services
 * @ctx:	context
 * @state_fd:	the state directory, -1 if there is none yet
 * @lab:	the lab
 * @state:	its state after the network plan (auto addresses); the
 *		ids of the lab's processes are added as "svc_procs"
 * @old:	the state recorded by the last up, or NULL
 * @sp:		filled
 *
 * Changes nothing. Return: 0; an input error for a missing command, user
 * or dnsmasq, or a foreign file in /etc/netns; or -errno.
 */
int svc_prepare(struct nsnet_ctx *ctx, int state_fd, const struct lab *lab,
		json_t *state, json_t *old, struct svc_plan *sp)
{
	json_t *ids;
	size_t i;
	int err;

	snprintf(sp->hosts_link, sizeof(sp->hosts_link), "%s/%s.d/hosts",
		 STATE_DIR, lab->name);
	host_resolv_read(&sp->resolv);
	err = svc_want(ctx, lab, state, sp);
	if (!err)
		err = plan_files(ctx, sp, lab, state, old, sp->hosts_link);
	if (!err)
		err = plan_procs(ctx, state_fd, sp, lab->name, old);
	if (err)
		return err == -ENOMEM ? nsnet_fail(ctx, err, "lab %s", lab->name) :
		       err;
	ids = json_array();
	for (i = 0; ids && i < sp->n_procs; i++)
		json_array_append_new(ids, json_string(sp->procs[i].id));
	if (!ids || json_object_set_new(state, "svc_procs", ids))
		return nsnet_fail(ctx, -ENOMEM, "lab %s", lab->name);
	return 0;
}

/**
 * svc_act_text() - one change as a line of `plan` output
 * @a:		the change
 * @buf:	destination
 * @len:	its size
 *
 * Return: @buf.
 */
const char *svc_act_text(const struct svc_act *a, char *buf, size_t len)
{
	char cmd[160] = "";
	size_t i, o = 0;

	switch (a->kind) {
	case SVC_FILE:
		snprintf(buf, len, "%c file %s/%s/%s", a->replace ? '~' : '+',
			 NETNS_ETC_DIR, a->node, a->file);
		break;
	case SVC_FILE_DROP:
		snprintf(buf, len, "- file %s/%s/%s", NETNS_ETC_DIR, a->node,
			 a->file);
		break;
	case SVC_STOP:
		snprintf(buf, len, "- process %s", a->id);
		break;
	case SVC_START:
		for (i = 0; a->proc->argv[i] && o + 1 < sizeof(cmd); i++)
			o += (size_t)snprintf(cmd + o, sizeof(cmd) - o, "%s%s",
					      i ? " " : "", a->proc->argv[i]);
		snprintf(buf, len, "%c process %s (%s%s): %s",
			 a->replace ? '~' : '+', a->id,
			 *a->proc->netns ? "in " : "on the host",
			 a->proc->netns, cmd);
		break;
	}
	return buf;
}

/**
 * log_stderr() - a DHCP client's log line, into the process's log
 * @line:	the line, without its newline
 * @arg:	unused
 */
static void log_stderr(const char *line, void *arg)
{
	dprintf(STDERR_FILENO, "%s\n", line);
}

/**
 * dhcp_job_run() - a DHCP client process: nsnet's client in the node
 * @arg:	struct dhcp_job
 *
 * Runs in the supervised child, already in the node's namespace; its
 * stderr is the process's log.
 *
 * Return: the exit status.
 */
static int dhcp_job_run(void *arg)
{
	const struct dhcp_job *j = arg;
	struct nsnet_dhcpc_opts o = {
		.ifname = j->ifname,
		.hostname = j->hostname,
		.lease_path = j->lease_path,
		.log = log_stderr,
	};
	struct nsnet_ctx *ctx;
	int err;

	if (nsnet_ctx_new(&ctx) < 0)
		return 1;
	err = dhcpc_run(ctx, &o);
	if (err)
		dprintf(2, "nsnet-dhcp %s: %s\n", j->ifname, nsnet_errmsg(ctx));
	nsnet_ctx_free(ctx);
	return err ? 1 : 0;
}

/**
 * start() - start a wanted process
 * @ctx:	context
 * @state_fd:	the state directory
 * @lab:	lab name
 * @w:		the process
 *
 * Return: 0, or -errno.
 */
static int start(struct nsnet_ctx *ctx, int state_fd, const char *lab,
		 const struct want_proc *w)
{
	struct proc_spec sp = {
		.lab = lab,
		.id = w->id,
		.netns = w->netns,
		.etc_netns = w->etc_netns,
		.argv = w->argv,
		.user = w->user,
		.restart = w->restart,
	};

	if (w->dhcp) {
		unlink(w->job.lease_path);	/* up waits for a new one */
		sp.argv = NULL;
		sp.cmdline_display = w->display;
		sp.fn = dhcp_job_run;
		sp.fn_arg = (void *)&w->job;
	}
	return proc_start(ctx, state_fd, &sp);
}

/**
 * write_lab_hosts() - the lab-wide hosts file, rewritten in place
 * @ctx:	context
 * @labfd:	the lab's runtime directory
 * @lab:	the lab
 * @state:	its state after the plan
 *
 * Return: 0, or -errno.
 */
static int write_lab_hosts(struct nsnet_ctx *ctx, int labfd,
			   const struct lab *lab, json_t *state)
{
	struct svc_text t = { 0 };
	int fd, err = svc_hosts_text(lab, state, NULL, &t);
	ssize_t w = 0;
	size_t off = 0;

	if (err)
		return nsnet_fail(ctx, err, "lab %s: hosts", lab->name);
	fd = openat(labfd, "hosts", O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW |
		    O_CLOEXEC, 0644);
	if (fd < 0)
		err = -errno;
	while (fd >= 0 && off < t.len &&
	       ((w = write(fd, t.s + off, t.len - off)) > 0 || errno == EINTR))
		off += w > 0 ? (size_t)w : 0;
	if (fd >= 0 && off < t.len)
		err = -errno;
	if (fd >= 0 && fchmod(fd, 0644) < 0 && !err)
		err = -errno;
	if (fd >= 0)
		close(fd);
	text_free(&t);
	return err ? nsnet_fail(ctx, err, "write %s/%s.d/hosts", STATE_DIR,
				lab->name) : 0;
}

/**
 * ms_since() - milliseconds since @t0
 * @t0:		a CLOCK_MONOTONIC time
 *
 * Return: the elapsed time.
 */
static long ms_since(const struct timespec *t0)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (now.tv_sec - t0->tv_sec) * 1000 +
	       (now.tv_nsec - t0->tv_nsec) / 1000000;
}

/**
 * wait_leases() - wait until every DHCP client of the lab has a lease
 * @ctx:	context
 * @sp:		the services plan
 * @lab:	lab name
 *
 * Return: 0, or -ETIMEDOUT naming the first interface without one.
 */
static int wait_leases(struct nsnet_ctx *ctx, const struct svc_plan *sp,
		       const char *lab)
{
	struct timespec t0, nap = { 0, 20 * 1000 * 1000 };
	size_t i = 0;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (i < sp->n_procs) {
		const struct want_proc *w = &sp->procs[i];

		if (!w->dhcp || access(w->job.lease_path, F_OK) == 0) {
			i++;
			continue;
		}
		if (ms_since(&t0) > LEASE_WAIT_MS)
			return nsnet_fail_why(ctx, -ETIMEDOUT, false,
					      "no lease within 20 s (see nsnet logs)",
					      "%s: %s", lab, w->what);
		nanosleep(&nap, NULL);
	}
	return 0;
}

/**
 * try_ready() - one TCP connection to a `ready:` port (in the node)
 * @arg:	the struct lab_ready
 *
 * The address is the node's own (loopback by default), so the connection
 * is answered or refused at once; the send timeout only bounds a check
 * aimed elsewhere.
 *
 * Return: 0 once the service accepts, else -errno.
 */
static int try_ready(void *arg)
{
	const struct lab_ready *r = arg;
	struct timeval tv = { .tv_sec = 1 };
	struct sockaddr_storage ss = { 0 };
	socklen_t len;
	int fd, err;

	if (r->addr.family == AF_INET) {
		struct sockaddr_in *sin = (struct sockaddr_in *)&ss;

		sin->sin_family = AF_INET;
		sin->sin_port = htons((uint16_t)r->port);
		memcpy(&sin->sin_addr, r->addr.addr, 4);
		len = sizeof(*sin);
	} else {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;

		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons((uint16_t)r->port);
		memcpy(&sin6->sin6_addr, r->addr.addr, 16);
		len = sizeof(*sin6);
	}
	fd = socket(r->addr.family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	err = connect(fd, (struct sockaddr *)&ss, len) ? -errno : 0;
	close(fd);
	return err;
}

/**
 * wait_ready() - wait until every `run:` service this run started that
 *		  has `ready:` accepts connections
 * @ctx:	context
 * @sp:		the services plan, its starts made
 * @lab:	lab name
 *
 * They were all started before, so they get ready side by side: the wait
 * is the slowest one's, not the sum.
 *
 * Return: 0, or -ETIMEDOUT naming the first service that never answered.
 */
static int wait_ready(struct nsnet_ctx *ctx, const struct svc_plan *sp,
		      const char *lab)
{
	struct timespec t0, nap = { 0, 50 * 1000 * 1000 };
	char addr[64];
	size_t i;
	int nsfd;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (i = 0; i < sp->n_acts; i++) {
		const struct svc_act *a = &sp->acts[i];
		const struct lab_ready *r;

		if (a->kind != SVC_START || !a->proc->ready)
			continue;
		r = a->proc->ready;
		nsfd = ns_open(ctx, a->proc->netns);
		if (nsfd < 0)
			return nsfd;
		while (ns_call(ctx, nsfd, try_ready, (void *)r) &&
		       ms_since(&t0) <= READY_WAIT_MS)
			nanosleep(&nap, NULL);
		close(nsfd);
		if (ms_since(&t0) > READY_WAIT_MS)
			return nsnet_fail_why(ctx, -ETIMEDOUT, false,
					      "not ready within 30 s (see nsnet logs)",
					      "%s: %s: ready tcp:%s:%u", lab,
					      a->proc->what,
					      nsnet_prefix_format(&r->addr, false,
								  addr, sizeof(addr)),
					      r->port);
	}
	return 0;
}

/**
 * file_act() - write or remove one file, remembering how to undo it
 * @ctx:	context
 * @lab:	lab name
 * @a:		SVC_FILE or SVC_FILE_DROP
 *
 * Return: 0, or -errno.
 */
static int file_act(struct nsnet_ctx *ctx, const char *lab, struct svc_act *a)
{
	const char *keep = !strcmp(a->file, "hosts") ? "resolv.conf" : "hosts";

	a->old_text = etc_read(lab, a->node, a->file, &a->old_link);
	a->done = true;
	if (a->kind == SVC_FILE_DROP) {
		etc_drop(lab, a->node, keep);
		return 0;
	}
	return etc_put(ctx, lab, a->node, a->file, a->text, a->link, NULL);
}

/**
 * undo() - take back what svc_apply() did before it failed
 * @ctx:	context
 * @state_fd:	the state directory
 * @lab:	lab name
 * @sp:		the services plan, its done changes marked
 *
 * Started processes are stopped, files get their old content back (or go,
 * if they were new). Processes stopped to be replaced cannot come back.
 */
static void undo(struct nsnet_ctx *ctx, int state_fd, const char *lab,
		 struct svc_plan *sp)
{
	struct err_keep k;
	size_t i;

	err_keep(ctx, &k);
	for (i = sp->n_acts; i-- > 0;) {
		struct svc_act *a = &sp->acts[i];

		if (!a->done)
			continue;
		if (a->kind == SVC_START)
			proc_stop(ctx, state_fd, lab, a->id, SVC_STOP_MS);
		else if (a->kind != SVC_STOP && (a->old_text || a->old_link))
			etc_put(ctx, lab, a->node, a->file, a->old_text,
				a->old_link, NULL);
		else if (a->kind != SVC_STOP)
			etc_drop(lab, a->node, !strcmp(a->file, "hosts") ?
				 "resolv.conf" : "hosts");
	}
	err_restore(ctx, &k);
}

/**
 * injected() - the test hook NSNET_FAIL_AT, for the services' changes
 * @ctx:	context
 * @sp:		the services plan
 * @i:		the change about to be made
 * @fail:	the change to fail (1-based, among the services'), or 0
 *
 * Return: -EIO if this change is to fail, else 0.
 */
static int injected(struct nsnet_ctx *ctx, const struct svc_plan *sp,
		    size_t i, unsigned int fail)
{
	char text[512], why[64];

	if (!fail || i + 1 != fail)
		return 0;
	snprintf(why, sizeof(why), "failure injected by NSNET_FAIL_AT=%u",
		 sp->fail_first + fail);
	return nsnet_fail_why(ctx, -EIO, false, why, "lab %s: %s", sp->lab,
			      svc_act_text(&sp->acts[i], text, sizeof(text)));
}

/**
 * svc_apply() - make the changes of svc_prepare()
 * @ctx:	context
 * @state_fd:	the state directory
 * @lab:	the lab
 * @state:	its state after the plan
 * @sp:		the services plan (@sp->fail_at: test hook, the change to
 *		fail, 1-based, 0 for none)
 *
 * Files first, then the processes the file adds or changes, then the wait
 * for leases, and last the processes it no longer has: until then, a
 * failure can still be undone (undo()), which it is.
 *
 * Return: 0, or -errno.
 */
int svc_apply(struct nsnet_ctx *ctx, int state_fd, const struct lab *lab,
	      json_t *state, struct svc_plan *sp)
{
	int labfd, sub, err = 0;
	size_t i;

	sp->lab = lab->name;
	labfd = labdir_open(ctx, state_fd, lab->name, true);
	if (labfd < 0)
		return labfd;
	sub = labdir_sub(ctx, labfd, lab->name, "leases", true);
	if (sub < 0)
		err = sub;
	else
		close(sub);
	if (!err)
		err = write_lab_hosts(ctx, labfd, lab, state);
	close(labfd);
	for (i = 0; !err && i < sp->n_acts; i++) {
		struct svc_act *a = &sp->acts[i];

		if (a->kind == SVC_FILE || a->kind == SVC_FILE_DROP)
			err = injected(ctx, sp, i, sp->fail_at) ?:
			      file_act(ctx, lab->name, a);
	}
	for (i = 0; !err && i < sp->n_acts; i++) {
		struct svc_act *a = &sp->acts[i];

		if (a->kind != SVC_START)
			continue;
		err = injected(ctx, sp, i, sp->fail_at);
		if (!err && a->replace)
			err = proc_stop(ctx, state_fd, lab->name, a->id,
					SVC_STOP_MS);
		if (!err)
			err = start(ctx, state_fd, lab->name, a->proc);
		a->done = !err;
	}
	if (!err)
		err = wait_leases(ctx, sp, lab->name);
	if (!err)
		err = wait_ready(ctx, sp, lab->name);
	for (i = 0; !err && i < sp->n_acts; i++)
		if (sp->acts[i].kind == SVC_STOP)
			err = injected(ctx, sp, i, sp->fail_at) ?:
			      proc_stop(ctx, state_fd, lab->name,
					sp->acts[i].id, SVC_STOP_MS);
	if (err)
		undo(ctx, state_fd, lab->name, sp);
	return err;
}

/**
 * svc_down() - stop every process of a lab and remove its files
 * @ctx:	context
 * @state_fd:	the state directory
 * @lab:	lab name
 * @state:	its recorded state, or NULL (then /etc/netns is searched)
 *
 * Processes go first, while their namespaces still exist (a DHCP client
 * releases its lease on the way out).
 *
 * Return: 0, or -errno.
 */
int svc_down(struct nsnet_ctx *ctx, int state_fd, const char *lab,
	     json_t *state)
{
	json_t *nodes = json_object_get(state, "nodes"), *v;
	size_t i;
	int err;

	err = proc_stop_all(ctx, state_fd, lab, SVC_STOP_MS);
	if (nodes)
		json_array_foreach(nodes, i, v)
			etc_drop(lab, json_string_value(v), NULL);
	else
		etc_drop_all(lab);
	if (!err)
		err = labdir_remove(ctx, state_fd, lab);
	return err;
}
