// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * svc_plan.c - what a lab's services should be: processes and files
 *
 * The wanted processes of a lab are its networks' dnsmasqs, a DHCP client
 * per `address: dhcp` interface and its `run:` entries, each with an id
 * that names it in `nsnet ps`: dnsmasq-NET, dhcp-NODE-IF, and the run's
 * name. Building the list checks what only the running system can judge
 * (does the command exist, does the user) before anything changes.
 */
#include <errno.h>
#include <limits.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "dhcp.h"
#include "proc.h"
#include "svc_int.h"

/**
 * find_in_path() - whether a command can be run: a path, or a name found
 *		    in the PATH supervised processes get
 * @cmd:	argv[0]
 *
 * Return: true if executable.
 */
static bool find_in_path(const char *cmd)
{
	const char *p = PROC_PATH, *colon;
	char path[PATH_MAX];
	size_t n;

	if (strchr(cmd, '/'))
		return access(cmd, X_OK) == 0;
	for (;;) {
		colon = strchr(p, ':');
		n = colon ? (size_t)(colon - p) : strlen(p);
		if ((size_t)snprintf(path, sizeof(path), "%.*s/%s", (int)n, p,
				     cmd) < sizeof(path) &&
		    access(path, X_OK) == 0)
			return true;
		if (!colon)
			return false;
		p = colon + 1;
	}
}

/**
 * want_add() - a new wanted process
 * @sp:		the services plan
 *
 * Return: the entry (zeroed), or NULL.
 */
static struct want_proc *want_add(struct svc_plan *sp)
{
	struct want_proc *w;

	if (sp->n_procs == sp->cap_procs) {
		size_t cap = sp->cap_procs ? sp->cap_procs * 2 : 8;

		w = realloc(sp->procs, cap * sizeof(*w));
		if (!w)
			return NULL;
		sp->procs = w;
		sp->cap_procs = cap;
	}
	w = &sp->procs[sp->n_procs++];
	memset(w, 0, sizeof(*w));
	return w;
}

/**
 * want_dnsmasq() - the dnsmasq of network @i
 * @ctx:	context
 * @sp:		the services plan
 * @lab:	the lab
 * @i:		network index
 * @labdir:	the lab's runtime directory path
 *
 * Return: 0, or -errno.
 */
static int want_dnsmasq(struct nsnet_ctx *ctx, struct svc_plan *sp,
			const struct lab *lab, size_t i, const char *labdir)
{
	const struct lab_network *net = &lab->networks[i];
	const struct lab_iface *srv = lab_dhcp_server_if(lab, i);
	struct dnsmasq_conf c = { 0 };
	struct want_proc *w = want_add(sp);
	char pid[PATH_MAX], leases[PATH_MAX];
	struct dns_upstreams up;
	int err;

	if (!w)
		return -ENOMEM;
	snprintf(w->id, sizeof(w->id), "dnsmasq-%s", net->name);
	snprintf(pid, sizeof(pid), "%s/dnsmasq-%s.pid", labdir, net->name);
	snprintf(leases, sizeof(leases), "%s/dnsmasq-%s.leases", labdir,
		 net->name);
	c.ifname = srv ? srv->name : net->name;
	c.listen = svc_dns_addr(lab, i);
	c.subnet = &net->subnet;
	c.range_start = &net->dhcp.first;
	c.range_end = &net->dhcp.last;
	c.lease_secs = net->dhcp.lease;
	c.router = net->has_gateway ? &net->gateway : NULL;
	c.dns = c.listen;
	c.domain = lab->name;
	c.pid_path = pid;
	c.lease_path = leases;
	c.hosts = sp->hosts;
	dns_forwarders(&sp->resolv, lab,
		       srv ? &lab->nodes[net->dhcp.server] : NULL, &up);
	c.upstream = up.server;
	c.n_upstream = up.n;
	err = dnsmasq_argv(&c, &w->argv);
	if (err == -EINVAL)
		return nsnet_fail_why(ctx, err, true,
				      "a name or address dnsmasq cannot take",
				      "dnsmasq for %s", net->name);
	if (err)
		return nsnet_fail(ctx, err, "dnsmasq for %s", net->name);
	w->own_argv = true;
	w->netns = srv ? lab->nodes[net->dhcp.server].name : "";
	w->restart = PROC_RESTART_ALWAYS;
	snprintf(w->what, sizeof(w->what), "dnsmasq for network %s", net->name);
	return 0;
}

/**
 * want_dhcp_client() - the DHCP client of a node's interface
 * @sp:		the services plan
 * @lab:	the lab
 * @node:	node index
 * @ifc:	interface index
 * @labdir:	the lab's runtime directory path
 *
 * Return: 0, or -ENOMEM.
 */
static int want_dhcp_client(struct svc_plan *sp, const struct lab *lab,
			    size_t node, size_t ifc, const char *labdir)
{
	const struct lab_node *n = &lab->nodes[node];
	struct want_proc *w = want_add(sp);

	if (!w)
		return -ENOMEM;
	snprintf(w->id, sizeof(w->id), "dhcp-%.40s-%s", n->name,
		 n->ifaces[ifc].name);
	snprintf(w->job.ifname, sizeof(w->job.ifname), "%s",
		 n->ifaces[ifc].name);
	snprintf(w->job.hostname, sizeof(w->job.hostname), "%.63s", n->name);
	snprintf(w->job.lease_path, sizeof(w->job.lease_path),
		 "%s/leases/%s.json", labdir, w->id);
	w->netns = n->name;
	w->restart = PROC_RESTART_ALWAYS;
	w->dhcp = true;
	snprintf(w->what, sizeof(w->what), "DHCP client of %s:%s", n->name,
		 n->ifaces[ifc].name);
	return 0;
}

/**
 * want_run() - a `run:` entry
 * @ctx:	context
 * @sp:		the services plan
 * @node:	its node
 * @r:		the entry
 *
 * Return: 0; -ENOENT/-ESRCH as input errors (no such command or user); or
 * -ENOMEM.
 */
static int want_run(struct nsnet_ctx *ctx, struct svc_plan *sp,
		    const struct lab_node *node, const struct lab_run *r)
{
	static const enum proc_restart policy[] = {
		[LAB_RESTART_ON_FAILURE] = PROC_RESTART_ON_FAILURE,
		[LAB_RESTART_NO] = PROC_RESTART_NO,
		[LAB_RESTART_ALWAYS] = PROC_RESTART_ALWAYS,
	};
	struct want_proc *w;

	if (!find_in_path(r->argv[0]))
		return nsnet_fail_why(ctx, -ENOENT, true,
				      "command not found (not executable, or not in " PROC_PATH ")",
				      "run %s in %s: %s", r->id, node->name,
				      r->argv[0]);
	if (r->user && !getpwnam(r->user))
		return nsnet_fail_why(ctx, -ESRCH, true, "no such user",
				      "run %s in %s: user %s", r->id,
				      node->name, r->user);
	w = want_add(sp);
	if (!w)
		return -ENOMEM;
	snprintf(w->id, sizeof(w->id), "%s", r->id);
	w->argv = r->argv;
	w->netns = node->name;
	w->etc_netns = true;
	w->user = r->user;
	w->restart = policy[r->restart];
	w->ready = r->ready.port ? &r->ready : NULL;
	snprintf(w->what, sizeof(w->what), "%s in %s", r->id, node->name);
	return 0;
}

/**
 * static_hosts() - the names dnsmasq answers for: nodes with addresses
 *		    known before they run
 * @lab:	the lab
 * @state:	its state after the plan
 * @out:	array terminated by a NULL name (free())
 *
 * Return: 0, or -ENOMEM.
 */
static int static_hosts(const struct lab *lab, json_t *state,
			struct dnsmasq_host **out)
{
	struct dnsmasq_host *h;
	struct nsnet_prefix a;
	size_t i, j, n = 0;

	for (i = 0; i < lab->n_nodes; i++)
		n += lab->nodes[i].n_ifaces;
	h = calloc(n + 1, sizeof(*h));
	if (!h)
		return -ENOMEM;
	n = 0;
	for (i = 0; i < lab->n_nodes; i++)
		for (j = 0; j < lab->nodes[i].n_ifaces; j++)
			if (svc_node_addr(lab, state, i, j, &a) &&
			    a.family == AF_INET) {
				h[n].name = lab->nodes[i].name;
				h[n++].address = a;
			}
	*out = h;
	return 0;
}

/**
 * svc_want() - every process the lab file asks for
 * @ctx:	context
 * @lab:	the lab
 * @state:	its state after the plan (auto addresses)
 * @sp:		filled
 *
 * Return: 0; an input error (exit 2) when a command, user or dnsmasq is
 * missing; or -errno.
 */
int svc_want(struct nsnet_ctx *ctx, const struct lab *lab, json_t *state,
	     struct svc_plan *sp)
{
	char labdir[sizeof(STATE_DIR) + LAB_NAME_MAX + 8];
	bool dhcp = false;
	size_t i, j, k;
	int err = 0;

	snprintf(labdir, sizeof(labdir), "%s/%s.d", STATE_DIR, lab->name);
	for (i = 0; i < lab->n_networks; i++)
		dhcp |= lab->networks[i].dhcp.on;
	if (dhcp && !find_in_path("dnsmasq"))
		return nsnet_fail_why(ctx, -ENOENT, true,
				      "not installed: apt-get install dnsmasq-base",
				      "dhcp: dnsmasq");
	if (dhcp) {
		err = static_hosts(lab, state, &sp->hosts);
		if (err)
			return err;
	}
	for (i = 0; !err && i < lab->n_networks; i++)
		if (lab->networks[i].dhcp.on)
			err = want_dnsmasq(ctx, sp, lab, i, labdir);
	for (i = 0; !err && i < lab->n_nodes; i++)
		for (j = 0; !err && j < lab->nodes[i].n_ifaces; j++)
			if (lab->nodes[i].ifaces[j].addr_kind == LAB_ADDR_DHCP)
				err = want_dhcp_client(sp, lab, i, j, labdir);
	for (i = 0; !err && i < lab->n_nodes; i++)
		for (k = 0; !err && k < lab->nodes[i].n_runs; k++)
			err = want_run(ctx, sp, &lab->nodes[i],
				       &lab->nodes[i].runs[k]);
	/* A DHCP client's argv points into its own entry, which want_add()
	 * may have moved since: it is set once the array is complete. */
	for (i = 0; !err && i < sp->n_procs; i++) {
		struct want_proc *w = &sp->procs[i];

		if (!w->dhcp)
			continue;
		w->display[0] = "nsnet-dhcp";
		w->display[1] = w->job.ifname;
		w->argv = (char **)w->display;
	}
	return err;
}

/**
 * svc_plan_free() - release a services plan
 * @sp:		the plan
 */
void svc_plan_free(struct svc_plan *sp)
{
	size_t i;

	for (i = 0; i < sp->n_procs; i++)
		if (sp->procs[i].own_argv)
			dnsmasq_argv_free(sp->procs[i].argv);
	free(sp->procs);
	free(sp->hosts);
	for (i = 0; i < sp->n_acts; i++) {
		free(sp->acts[i].text);
		free(sp->acts[i].old_text);
		free(sp->acts[i].old_link);
	}
	free(sp->acts);
	host_resolv_free(&sp->resolv);
	memset(sp, 0, sizeof(*sp));
}
