/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * svc_int.h - what svc.c and svc_plan.c share: the wanted processes and
 * the changes that bring the services there
 */
#ifndef NSNET_SVC_INT_H
#define NSNET_SVC_INT_H

#include <limits.h>

#include "dhcp.h"
#include "proc.h"
#include "svc.h"

/**
 * struct dhcp_job - what a DHCP client process runs with (its fn_arg)
 * @ifname:	the interface in the node
 * @hostname:	sent to the server: the node's name
 * @lease_path:	where the client writes its lease, for `up` to wait on
 */
struct dhcp_job {
	char ifname[NSNET_IFNAMSIZ];
	char hostname[64];
	char lease_path[PATH_MAX];
};

/**
 * struct host_resolv - the host's resolver files, read once per plan
 * @etc:	/etc/resolv.conf, NULL if unreadable
 * @resolved:	/run/systemd/resolve/resolv.conf (the servers
 *		systemd-resolved forwards to), NULL if absent
 */
struct host_resolv {
	char *etc;
	char *resolved;
};

/** DNS_UPSTREAM_MAX - servers a dnsmasq forwards to (resolv.conf's MAXNS) */
#define DNS_UPSTREAM_MAX 3

/**
 * struct dns_upstreams - the servers a lab's dnsmasq forwards to
 * @server:	their addresses
 * @n:		entries used; 0: it forwards nothing
 */
struct dns_upstreams {
	struct nsnet_prefix server[DNS_UPSTREAM_MAX];
	size_t n;
};

/* dns_upstream.c */
void host_resolv_read(struct host_resolv *hr);
void host_resolv_free(struct host_resolv *hr);
bool resolv_next_line(const char **p, char *line, size_t len);
bool resolv_server(const char *line, struct nsnet_prefix *a);
bool dns_loopback(const struct nsnet_prefix *a);
bool dns_resolved_stub(const struct nsnet_prefix *a);
void dns_forwarders(const struct host_resolv *hr, const struct lab *lab,
		    const struct lab_node *node, struct dns_upstreams *out);

/**
 * struct want_proc - one process the lab file asks for
 * @id:		its id in the lab
 * @netns:	its node ("" for the host)
 * @etc_netns:	with the node's /etc/netns files (`run:` entries)
 * @argv:	the command
 * @own_argv:	@argv was built here (dnsmasq) and is freed with the plan
 * @user:	run as, NULL for root
 * @restart:	policy
 * @dhcp:	a DHCP client: runs dhcpc_run() with @job, not @argv
 * @job:	the client's settings
 * @display:	argv shown for a DHCP client
 * @what:	what it is, for messages
 * @ready:	a `run:` entry's readiness check, NULL for none
 */
struct want_proc {
	char id[PROC_ID_MAX + 1];
	const char *netns;
	bool etc_netns;
	char **argv;
	bool own_argv;
	const char *user;
	enum proc_restart restart;
	bool dhcp;
	struct dhcp_job job;
	const char *display[3];
	char what[NSNET_NSNAMSIZ + PROC_ID_MAX + 32];
	const struct lab_ready *ready;
};

/** enum svc_kind - one change to a lab's services */
enum svc_kind {
	SVC_FILE,		/* write /etc/netns/NODE/FILE (text or link) */
	SVC_FILE_DROP,		/* remove the lab's files of a node */
	SVC_STOP,		/* stop process @id */
	SVC_START,		/* start @proc */
};

/**
 * struct svc_act - one change
 * @kind:	what
 * @node:	the node (files), "" otherwise
 * @file:	"resolv.conf" or "hosts"
 * @text:	the file's content (owned), or NULL for @link
 * @link:	the symlink's target
 * @id:		the process (SVC_STOP)
 * @proc:	the process (SVC_START)
 * @replace:	SVC_START: replaces a running process; SVC_FILE: the
 *		lab's file is there and changes
 * @done:	made by this run (for undo)
 * @old_text:	the file's content before (owned), for undo
 * @old_link:	or its symlink target before (owned)
 */
struct svc_act {
	enum svc_kind kind;
	const char *node;
	const char *file;
	char *text;
	const char *link;
	char id[PROC_ID_MAX + 1];
	const struct want_proc *proc;
	bool replace;
	bool done;
	char *old_text;
	char *old_link;
};

/**
 * struct svc_plan - a lab's services: wanted, and the changes
 * @procs:	wanted processes
 * @n_procs:	count
 * @cap_procs:	allocated
 * @hosts:	names for dnsmasq, NULL-name terminated
 * @acts:	changes, in order
 * @n_acts:	count
 * @cap_acts:	allocated
 * @hosts_link:	the lab-wide hosts file, which nodes' hosts link to
 * @fail_at:	test hook: the change (1-based) svc_apply() makes fail
 * @fail_first:	how many of the run's changes come before the services'
 * @lab:	the lab's name, while svc_apply() runs
 * @resolv:	the host's resolver files
 */
struct svc_plan {
	struct want_proc *procs;
	size_t n_procs;
	size_t cap_procs;
	struct dnsmasq_host *hosts;
	struct svc_act *acts;
	size_t n_acts;
	size_t cap_acts;
	char hosts_link[PATH_MAX];
	unsigned int fail_at;
	unsigned int fail_first;
	const char *lab;
	struct host_resolv resolv;
};

int svc_want(struct nsnet_ctx *ctx, const struct lab *lab, json_t *state,
	     struct svc_plan *sp);
void svc_plan_free(struct svc_plan *sp);
int svc_prepare(struct nsnet_ctx *ctx, int state_fd, const struct lab *lab,
		json_t *state, json_t *old, struct svc_plan *sp);
const char *svc_act_text(const struct svc_act *a, char *buf, size_t len);
int svc_apply(struct nsnet_ctx *ctx, int state_fd, const struct lab *lab,
	      json_t *state, struct svc_plan *sp);

#endif /* NSNET_SVC_INT_H */
