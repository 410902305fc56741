/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * engine.h - the lab engine: state, observation, plan and apply
 *
 * up, down, plan and status are one pipeline: lab file -> model -> checks ->
 * plan against what is observed -> apply with a journal. These are its
 * internal interfaces; the public face is nsnet_lab_*() in nsnet.h.
 */
#ifndef NSNET_ENGINE_H
#define NSNET_ENGINE_H

#include <jansson.h>

#include "internal.h"
#include "lab.h"
#include "ovs.h"

/** STATE_DIR - root-owned 0700 directory with the lock and per-lab state */
#define STATE_DIR "/run/nsnet"
/** TAG_PREFIX - link alias marking an object as a lab's: "nsnet:<lab>" */
#define TAG_PREFIX "nsnet:"

/**
 * struct state_dir - the open state directory
 * @fd:		directory, opened without following symlinks
 * @lockfd:	the lock file, flock()ed while changes are made
 */
struct state_dir {
	int fd;
	int lockfd;
};

int state_open(struct nsnet_ctx *ctx, struct state_dir *sd, bool create);
int private_dir_open(struct nsnet_ctx *ctx, int dirfd, const char *name,
		     const char *label, bool create);
int state_lock(struct nsnet_ctx *ctx, struct state_dir *sd);
void state_close(struct state_dir *sd);
json_t *state_load(struct nsnet_ctx *ctx, struct state_dir *sd,
		   const char *lab, int *err);
int state_save(struct nsnet_ctx *ctx, struct state_dir *sd, const char *lab,
	       json_t *st);
int state_remove(struct nsnet_ctx *ctx, struct state_dir *sd, const char *lab);
int state_labs(struct nsnet_ctx *ctx, struct state_dir *sd, json_t **names);
int journal_open(struct nsnet_ctx *ctx, struct state_dir *sd, const char *lab);
int journal_add(struct nsnet_ctx *ctx, int fd, const char *kind,
		const char *ns, const char *name);
json_t *journal_read(struct state_dir *sd, const char *lab);
void journal_remove(struct state_dir *sd, const char *lab);

bool json_listed(json_t *arr, const char *name);
int json_write_fd(const json_t *j, int fd);
unsigned int lab_group(const char *lab);
void lab_tag(const char *lab, char *buf, size_t len);

/**
 * struct obs_ns - what one namespace of interest holds
 * @name:	namespace name
 * @exists:	there is a live namespace of that name
 * @stale:	there is a file of that name with no namespace mounted on it
 * @ours:	it is tagged as this lab's (lo's alias), or journaled
 * @host_id:	the id it gives the host (-1: none): its link whose peer is
 *		(@host_id, N) is connected to the host's link of ifindex N.
 *		Asked of the namespace, whose ids are few: asking the host
 *		for its id of each of N namespaces costs O(N) each (the
 *		kernel walks its id table), O(N^2) for a lab
 * @links:	its links, sorted by ifindex
 * @byname:	the same links sorted by name, for obs_link()
 * @n_links:	count
 * @addrs:	its addresses
 * @n_addrs:	count
 * @routes:	its main-table routes
 * @n_routes:	count
 */
struct obs_ns {
	char name[NSNET_NSNAMSIZ];
	bool exists;
	bool stale;
	bool ours;
	int host_id;
	struct nsnet_link *links;
	const struct nsnet_link **byname;
	int n_links;
	struct nsnet_address *addrs;
	int n_addrs;
	struct nsnet_route *routes;
	int n_routes;
};

/**
 * struct observed - the part of the system a lab touches
 * @host:	the host namespace (links, addresses, routes)
 * @ns:		the lab's namespaces (desired, recorded, journaled), by name
 * @n_ns:	count
 * @journal:	names in an unfinished run's journal ({"kind", "ns", "name"})
 * @fw:		listing of the lab's nftables table, NULL if it has none
 * @ovs:	Open vSwitch's bridges and ports (none when OVS is absent)
 */
struct observed {
	struct obs_ns host;
	struct obs_ns *ns;
	size_t n_ns;
	json_t *journal;
	char *fw;
	struct ovs_obs ovs;
};

int observe(struct nsnet_ctx *ctx, const char *lab, const char *const *names,
	    size_t n_names, json_t *journal, json_t *recorded, struct observed *o);
void observed_free(struct observed *o);
struct obs_ns *observed_ns(struct observed *o, const char *name);
const struct nsnet_link *obs_link(const struct obs_ns *ns, const char *name);
bool obs_link_ours(const struct observed *o, const char *lab,
		   const struct nsnet_link *l, const char *ns);
bool obs_ovs_internal(const struct observed *o, const char *name);

/** enum op_type - one step of a plan (plan.c says in which order) */
enum op_type {
	OP_DEL_ROUTE,		/* ns: route a(/len) via b */
	OP_DEL_ADDR,		/* ns: address a on name */
	OP_DEL_NSLINK,		/* ns: link name (a cable end; takes the peer) */
	OP_DEL_HOSTLINK,	/* host link name (a veth's host end or bridge) */
	OP_DEL_GROUP,		/* every host link of the lab's device group */
	OP_DEL_NETNS,		/* namespace ns */
	OP_ADD_BRIDGE,		/* bridge name, up, tagged */
	OP_ADD_NETNS,		/* namespace ns, lo up, tagged */
	OP_ADD_VETH,		/* ns:name2 <-> host name, master */
	OP_SET_MASTER,		/* host link name -> master */
	OP_ADD_CABLE,		/* ns:name <-> ns2:name2 */
	OP_SETUP_IF,		/* ns: link name tagged, IPv6 LL off, up */
	OP_ADD_ADDR,		/* ns: address a on name */
	OP_ADD_ROUTE,		/* ns: route a via b dev name */
	OP_FW_APPLY,		/* (re)create the lab's nftables table: p->fw */
	OP_FW_DELETE,		/* delete the lab's nftables table */
	OP_SYSCTL,		/* forwarding (name: "ipv4"/"ipv6") is off but
				 * needed: shown in plans, turned on by up */
	OP_OVS_DEL_PORT,	/* OVS port name, from whichever bridge */
	OP_OVS_DEL_BRIDGE,	/* OVS bridge name, with its ports */
	OP_OVS_ADD_BRIDGE,	/* OVS bridge name, tagged; its port up */
	OP_OVS_ADD_PORT,	/* host link name -> OVS bridge master; the
				 * node end ns2:name2 computes its own
				 * checksums on a userspace datapath */
};

/**
 * struct op - one planned change
 * @type:	what
 * @ns:		namespace it happens in ("" for the host)
 * @name:	link name
 * @ns2:	second namespace (cable's b end)
 * @name2:	second link name (veth's node end, cable's b end)
 * @master:	bridge name
 * @a:		address or route destination
 * @b:		route gateway, valid if @has_b
 * @has_b:	whether @b is set
 * @v6:		the link carries IPv6: keep its link-local address (else
 *		it is switched off before the link goes up)
 */
struct op {
	enum op_type type;
	char ns[NSNET_NSNAMSIZ];
	char name[NSNET_IFNAMSIZ];
	char ns2[NSNET_NSNAMSIZ];
	char name2[NSNET_IFNAMSIZ];
	char master[NSNET_IFNAMSIZ];
	struct nsnet_prefix a;
	struct nsnet_prefix b;
	bool has_b;
	bool v6;
};

/**
 * struct plan - ordered changes, and the state to record once they are done
 * @ops:	changes in application order
 * @n:		count
 * @cap:	allocated
 * @state:	the lab's state after the plan is applied
 * @fw:		the nftables script of OP_FW_APPLY (NULL: the lab wants no table)
 * @old_fw:	the table there before, as a script to restore on rollback,
 *		or NULL when there was none
 * @forwarding:	the lab needs the host to forward IPv4 (NAT, forwards, or
 *		routing between its networks)
 * @forwarding6: the same for IPv6
 */
struct plan {
	struct op *ops;
	size_t n;
	size_t cap;
	json_t *state;
	char *fw;
	char *old_fw;
	bool forwarding;
	bool forwarding6;
};

int plan_lab(struct nsnet_ctx *ctx, const struct lab *lab, json_t *old_state,
	     json_t *other_subnets, struct observed *o, struct plan *p,
	     struct lab_diags *d);
bool forwarding_off(int family);
bool lab_needs_forwarding(const struct lab *lab, int family);
int plan_fw(struct nsnet_ctx *ctx, const struct lab *lab,
	    const struct nsnet_prefix *to, json_t *old_state,
	    const struct observed *o, struct plan *p);
int plan_down(struct nsnet_ctx *ctx, const char *lab, struct observed *o,
	      struct plan *p);
struct op *plan_add(struct plan *p, enum op_type type, const char *ns,
		    const char *name);
void plan_free(struct plan *p);
char *op_text(const struct op *op, char *buf, size_t len);

int apply(struct nsnet_ctx *ctx, const char *lab, struct plan *p, int journal,
	  unsigned int fail_at, bool *clean, int (*then)(void *arg), void *arg);

void diags_clear(struct nsnet_ctx *ctx);

/**
 * struct ipam - addresses used in a lab, and where to look for free ones
 * @set:	open-addressing hash set of used addresses (family 0: empty)
 * @cap:	slots in @set, a power of two
 * @n:		used slots
 * @cursor:	per network, the last address handed out
 * @lab:	the lab, whose DHCP ranges are not handed out
 */
struct ipam {
	struct nsnet_prefix *set;
	size_t cap;
	size_t n;
	struct nsnet_prefix *cursor;
	const struct lab *lab;
};

int ipam_init(struct ipam *ip, const struct lab *lab);
bool ipam_used(struct ipam *ip, const struct nsnet_prefix *a);
bool ipam_take(struct ipam *ip, const struct nsnet_prefix *net,
	       const struct nsnet_prefix *a);
int ipam_next(struct ipam *ip, size_t i, const struct nsnet_prefix *net,
	      struct nsnet_prefix *out);
void ipam_free(struct ipam *ip);

#endif /* NSNET_ENGINE_H */
