/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * lab_yaml.h - the YAML walk shared by the lab file's readers
 *
 * lab_yaml.c reads the network part of a lab file, lab_yaml_svc.c the
 * services (dns, hosts, run, dhcp). Both walk libyaml's document with the
 * helpers below, which add a diagnostic for every problem and go on. They
 * are internal to the library: hidden from its exported symbols.
 */
#ifndef NSNET_LAB_YAML_H
#define NSNET_LAB_YAML_H

#include <stdbool.h>
#include <stddef.h>

#include <yaml.h>

#include "internal.h"
#include "lab.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/**
 * struct yst - the state of one walk over a YAML document
 * @doc:	the document
 * @d:		where problems go
 * @nets:	networks found so far (struct lab_network)
 * @nodes:	nodes found so far (struct lab_node)
 * @links:	links found so far (struct lab_link)
 * @fwds:	forwards found so far (struct lab_forward)
 * @visits:	values looked at so far
 * @max_visits:	bound on @visits: aliases may make a small document expand
 *		exponentially ("billion laughs"), the walk refuses to follow
 * @stop:	@max_visits was reached: the walk unwinds
 * @oom:	an allocation failed
 */
struct yst {
	yaml_document_t *doc;
	struct lab_diags *d;
	struct vec nets;
	struct vec nodes;
	struct vec links;
	struct vec fwds;
	size_t visits;
	size_t max_visits;
	bool stop;
	bool oom;
};

/**
 * typedef key_fn - handles the value of one known key
 * @st:		walk state
 * @val:	the value
 * @obj:	the object being filled
 */
typedef void (*key_fn)(struct yst *st, yaml_node_t *val, void *obj);

/**
 * struct key_rule - one key a mapping may have
 * @key:	the key
 * @fn:		its handler
 * @required:	whether the key must be present
 */
struct key_rule {
	const char *key;
	key_fn fn;
	bool required;
};

/**
 * typedef entry_fn - handles one entry of a mapping of named things
 * @st:		walk state
 * @key:	the key node (its position is the entry's)
 * @name:	the key's text
 * @val:	the value
 * @obj:	the object being filled
 */
typedef void (*entry_fn)(struct yst *st, yaml_node_t *key, const char *name,
			 yaml_node_t *val, void *obj);

/**
 * typedef item_fn - handles one item of a sequence
 * @st:		walk state
 * @item:	the item
 * @idx:	its index, from 0
 * @obj:	the object being filled
 */
typedef void (*item_fn)(struct yst *st, yaml_node_t *item, size_t idx,
			void *obj);

/**
 * struct net_ctx - a network being read
 * @net:	the network
 * @gw_len_given: the gateway was written with "/LEN"
 * @where:	"network NAME", for messages
 */
struct net_ctx {
	struct lab_network net;
	bool gw_len_given;
	char where[96];
};

/**
 * struct node_ctx - a node being read
 * @node:	the node (its arrays are in the vectors meanwhile)
 * @ifaces:	struct lab_iface
 * @routes:	struct lab_route
 * @hosts:	struct lab_host
 * @runs:	struct lab_run
 * @where:	"node NAME", for messages
 */
struct node_ctx {
	struct lab_node node;
	struct vec ifaces;
	struct vec routes;
	struct vec hosts;
	struct vec runs;
	char where[96];
};

#pragma GCC visibility push(hidden)

/* lab_yaml.c: the walk */
struct lab_pos pos_of(const yaml_node_t *n);
bool is_null(const yaml_node_t *n);
struct lab_text kind_text(const yaml_node_t *n);
yaml_node_t *node_at(struct yst *st, int id, const yaml_node_t *from);
const char *scalar(struct yst *st, const yaml_node_t *n, const char *what);
bool expect(struct yst *st, const yaml_node_t *n, yaml_node_type_t type,
	    const char *what);
void walk_keys(struct yst *st, yaml_node_t *map, const struct key_rule *rules,
	       size_t nrules, void *obj, const char *where);
void walk_named(struct yst *st, yaml_node_t *map, const char *what,
		entry_fn fn, void *obj);
void walk_list(struct yst *st, yaml_node_t *seq, const char *what,
	       item_fn fn, void *obj);
bool push(struct yst *st, struct vec *v, const void *item);
bool addr_value(struct yst *st, const yaml_node_t *n, const char *what,
		unsigned int flags, struct nsnet_prefix *out, bool *len_given);
bool name_value(struct yst *st, const yaml_node_t *at, const char *s,
		const char *what, bool ifname, char *out);
bool bool_value(struct yst *st, const yaml_node_t *n, bool *out);

/* lab_yaml_svc.c: the services of nodes and networks */
void node_dns(struct yst *st, yaml_node_t *val, void *obj);
void node_hosts(struct yst *st, yaml_node_t *val, void *obj);
void node_run(struct yst *st, yaml_node_t *val, void *obj);
void node_svc_finish(struct yst *st, struct node_ctx *c);
void node_svc_free(struct lab_node *node);
void net_dhcp(struct yst *st, yaml_node_t *val, void *obj);

#pragma GCC visibility pop

#endif /* NSNET_LAB_YAML_H */
