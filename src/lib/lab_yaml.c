// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * lab_yaml.c - read a lab file (nsnet-lab(5)) into struct lab
 *
 * libyaml's document API builds the tree; this file walks it with one small
 * function per section and a table of known keys per mapping. A pass over
 * libyaml's events comes first (pre_scan()): it bounds the nesting depth and
 * the node count before the loader, which is quadratic in the depth, runs.
 * The walk never stops at the first problem: every problem is added to the
 * caller's struct lab_diags with its line and column, and the walk goes on
 * with the next value. What can only be judged against the rest of the
 * file (unknown references, duplicates, overlaps) is left to lab_check().
 *
 * Strictness is the point: unknown keys, keys of features not built yet,
 * duplicate keys (which libyaml accepts) and values of the wrong YAML kind
 * are all errors, never ignored.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <yaml.h>

#include "fw.h"
#include "lab_yaml.h"

/* LAB_FILE_MAX - a lab file larger than this is refused unread (16 MiB). */
#define LAB_FILE_MAX ((size_t)16 << 20)

/* ------------------------------------------------------------ YAML nodes */

/**
 * pos_of() - the 1-based position of a node
 * @n:		the node
 *
 * Return: its line and column (libyaml counts from 0).
 */
struct lab_pos pos_of(const yaml_node_t *n)
{
	struct lab_pos p = {
		.line = (unsigned int)n->start_mark.line + 1,
		.col = (unsigned int)n->start_mark.column + 1,
	};

	return p;
}

/**
 * is_null() - whether a node is YAML's null (empty, "~" or "null")
 * @n:		the node
 *
 * The document API does not resolve tags, so this is the core schema's
 * rule applied by hand: only a plain (unquoted) scalar can be null.
 *
 * Return: true for a null.
 */
bool is_null(const yaml_node_t *n)
{
	static const char *const nulls[] = { "", "~", "null", "Null", "NULL" };
	size_t i;

	if (n->type != YAML_SCALAR_NODE ||
	    n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
		return false;
	for (i = 0; i < ARRAY_SIZE(nulls); i++)
		if (!strcmp((const char *)n->data.scalar.value, nulls[i]))
			return true;
	return false;
}

/**
 * kind_text() - what a node is, for "expected X, got Y" messages
 * @n:		the node
 *
 * Return: "a mapping", "a list", "nothing" or the quoted scalar.
 */
struct lab_text kind_text(const yaml_node_t *n)
{
	struct lab_text t, v;
	size_t len;

	if (n->type == YAML_MAPPING_NODE) {
		snprintf(t.s, sizeof(t.s), "a mapping");
	} else if (n->type == YAML_SEQUENCE_NODE) {
		snprintf(t.s, sizeof(t.s), "a list");
	} else if (is_null(n)) {
		snprintf(t.s, sizeof(t.s), "nothing");
	} else {
		/* lab_show() stays under 70 bytes: the quotes fit. */
		v = lab_show((const char *)n->data.scalar.value);
		len = strlen(v.s);
		t.s[0] = '"';
		memcpy(t.s + 1, v.s, len);
		memcpy(t.s + 1 + len, "\"", 2);
	}
	return t;
}

/**
 * node_at() - fetch a value node, counting the visit
 * @st:		walk state
 * @id:		node id from a pair or a sequence
 * @from:	node that refers to it, for the position of a refusal
 *
 * Every value of the walk comes through here, so one count bounds the work
 * however aliases multiply a document.
 *
 * Return: the node, or NULL when the walk must stop.
 */
yaml_node_t *node_at(struct yst *st, int id, const yaml_node_t *from)
{
	yaml_node_t *n;

	if (st->stop)
		return NULL;
	if (++st->visits > st->max_visits) {
		lab_diag_add(st->d, pos_of(from),
			     "aliases expand to more than %zu values: refused",
			     st->max_visits);
		st->stop = true;
		return NULL;
	}
	n = yaml_document_get_node(st->doc, id);
	if (!n)
		st->stop = true;
	return n;
}

/**
 * scalar() - the text of a node that must be a single value
 * @st:		walk state
 * @n:		the node
 * @what:	the key, for messages
 *
 * Return: the text, or NULL after adding why it is not a usable value.
 */
const char *scalar(struct yst *st, const yaml_node_t *n,
		   const char *what)
{
	const char *s;

	if (n->type != YAML_SCALAR_NODE || is_null(n)) {
		lab_diag_add(st->d, pos_of(n), "%s: expected a value, got %s",
			     what, kind_text(n).s);
		return NULL;
	}
	s = (const char *)n->data.scalar.value;
	/* "\0" in a double-quoted string: C would silently cut the value. */
	if (strlen(s) != n->data.scalar.length) {
		lab_diag_add(st->d, pos_of(n), "%s \"%s\": contains a NUL byte",
			     what, lab_show_n(s, n->data.scalar.length).s);
		return NULL;
	}
	return s;
}

/**
 * expect() - check that a node is a collection of the wanted kind
 * @st:		walk state
 * @n:		the node
 * @type:	YAML_MAPPING_NODE or YAML_SEQUENCE_NODE
 * @what:	its name, for the message
 *
 * A null stands for an empty collection ("red:" is a node with nothing).
 *
 * Return: true if @n is of @type, false if null or refused.
 */
bool expect(struct yst *st, const yaml_node_t *n, yaml_node_type_t type,
	    const char *what)
{
	if (n->type == type)
		return true;
	if (!is_null(n))
		lab_diag_add(st->d, pos_of(n), "%s: expected %s, got %s", what,
			     type == YAML_MAPPING_NODE ? "a mapping" : "a list",
			     kind_text(n).s);
	return false;
}

/**
 * key_text() - the text of a mapping key
 * @st:		walk state
 * @k:		the key node
 *
 * Return: the text, or NULL after adding why it cannot be a key.
 */
static const char *key_text(struct yst *st, const yaml_node_t *k)
{
	const char *s;

	if (k->type != YAML_SCALAR_NODE) {
		lab_diag_add(st->d, pos_of(k), "expected a name as key, got %s",
			     kind_text(k).s);
		return NULL;
	}
	s = (const char *)k->data.scalar.value;
	if (strlen(s) != k->data.scalar.length) {
		lab_diag_add(st->d, pos_of(k), "key \"%s\": contains a NUL byte",
			     lab_show_n(s, k->data.scalar.length).s);
		return NULL;
	}
	return s;
}

/**
 * struct kref - a key and its place, sorted to find duplicates
 * @s:		the key's text
 * @i:		index of its pair
 */
struct kref {
	const char *s;
	size_t i;
};

/**
 * kref_cmp() - order keys by text, then by place in the file
 * @a:		a struct kref
 * @b:		another
 *
 * Return: <0, 0 or >0 as for qsort().
 */
static int kref_cmp(const void *a, const void *b)
{
	const struct kref *x = a, *y = b;
	int c = strcmp(x->s, y->s);

	if (c)
		return c;
	return x->i < y->i ? -1 : x->i > y->i;
}

/**
 * find_dups() - report keys given twice in one mapping
 * @st:		walk state
 * @map:	a mapping node
 *
 * libyaml keeps every pair; a second "red:" would otherwise silently win or
 * lose. The later occurrences are reported and marked to be skipped.
 * Sorting keeps a mapping of thousands of nodes cheap.
 *
 * Return: a calloc'ed flag per pair (true: skip it), or NULL if out of
 * memory (then nothing is skipped and @st->oom is set).
 */
static bool *find_dups(struct yst *st, yaml_node_t *map)
{
	yaml_node_pair_t *pairs = map->data.mapping.pairs.start;
	size_t n = (size_t)(map->data.mapping.pairs.top - pairs), i, m = 0;
	struct kref *refs = calloc(n ? n : 1, sizeof(*refs));
	bool *dup = calloc(n ? n : 1, sizeof(*dup));
	yaml_node_t *k, *first;

	if (!refs || !dup) {
		st->oom = true;
		free(dup);
		dup = NULL;
		goto out;
	}
	for (i = 0; i < n; i++) {
		k = yaml_document_get_node(st->doc, pairs[i].key);
		if (!k || k->type != YAML_SCALAR_NODE ||
		    strlen((char *)k->data.scalar.value) != k->data.scalar.length)
			continue;
		refs[m].s = (const char *)k->data.scalar.value;
		refs[m++].i = i;
	}
	qsort(refs, m, sizeof(*refs), kref_cmp);
	for (i = 1; i < m; i++) {
		size_t f = i;

		if (strcmp(refs[i].s, refs[i - 1].s))
			continue;
		while (f > 0 && !strcmp(refs[f - 1].s, refs[i].s))
			f--;
		dup[refs[i].i] = true;
		k = yaml_document_get_node(st->doc, pairs[refs[i].i].key);
		first = yaml_document_get_node(st->doc, pairs[refs[f].i].key);
		lab_diag_add(st->d, pos_of(k), "duplicate key \"%s\" (first at line %u)",
			     lab_show(refs[i].s).s, pos_of(first).line);
	}
out:
	free(refs);
	return dup;
}

/**
 * walk_keys() - dispatch the keys of a mapping to their handlers
 * @st:		walk state
 * @map:	the mapping (null: an empty one)
 * @rules:	the keys it may have
 * @nrules:	how many (at most 16)
 * @obj:	passed to the handlers
 * @where:	what the mapping is ("node red"), for messages
 */
void walk_keys(struct yst *st, yaml_node_t *map,
	       const struct key_rule *rules, size_t nrules, void *obj,
	       const char *where)
{
	bool seen[16] = { false }, *dup = NULL;
	yaml_node_pair_t *pair;
	const struct key_rule *r;
	yaml_node_t *k, *v;
	const char *key;
	size_t i;

	if (expect(st, map, YAML_MAPPING_NODE, where))
		dup = find_dups(st, map);
	else if (!is_null(map))
		return;
	for (i = 0; map->type == YAML_MAPPING_NODE && !st->stop &&
	     i < (size_t)(map->data.mapping.pairs.top -
			  map->data.mapping.pairs.start); i++) {
		pair = &map->data.mapping.pairs.start[i];
		k = yaml_document_get_node(st->doc, pair->key);
		if (!k || (dup && dup[i]) || !(key = key_text(st, k)))
			continue;
		for (r = rules; r < rules + nrules; r++)
			if (!strcmp(r->key, key))
				break;
		if (r == rules + nrules) {
			lab_diag_add(st->d, pos_of(k), "unknown key \"%s\" in %s",
				     lab_show(key).s, where);
			continue;
		}
		seen[r - rules] = true;
		v = node_at(st, pair->value, k);
		if (v)
			r->fn(st, v, obj);
	}
	free(dup);
	for (i = 0; i < nrules && !st->stop; i++)
		if (rules[i].required && !seen[i])
			lab_diag_add(st->d, pos_of(map), "missing key \"%s\" in %s",
				     rules[i].key, where);
}

/**
 * walk_named() - call @fn for each entry of a mapping of named things
 * @st:		walk state
 * @map:	the mapping (null: no entries)
 * @what:	its key ("networks"), for messages
 * @fn:		called per entry, duplicates skipped
 * @obj:	passed to @fn
 */
void walk_named(struct yst *st, yaml_node_t *map, const char *what,
		entry_fn fn, void *obj)
{
	yaml_node_pair_t *pair;
	yaml_node_t *k, *v;
	const char *name;
	bool *dup;
	size_t i, n;

	if (!expect(st, map, YAML_MAPPING_NODE, what))
		return;
	dup = find_dups(st, map);
	n = (size_t)(map->data.mapping.pairs.top - map->data.mapping.pairs.start);
	for (i = 0; i < n && !st->stop; i++) {
		pair = &map->data.mapping.pairs.start[i];
		k = yaml_document_get_node(st->doc, pair->key);
		if (!k || (dup && dup[i]) || !(name = key_text(st, k)))
			continue;
		v = node_at(st, pair->value, k);
		if (v)
			fn(st, k, name, v, obj);
	}
	free(dup);
}

/**
 * walk_list() - call @fn for each item of a sequence
 * @st:		walk state
 * @seq:	the sequence (null: no items)
 * @what:	its key ("links"), for messages
 * @fn:		called per item
 * @obj:	passed to @fn
 */
void walk_list(struct yst *st, yaml_node_t *seq, const char *what,
	       item_fn fn, void *obj)
{
	yaml_node_item_t *items;
	yaml_node_t *it;
	size_t i, n;

	if (!expect(st, seq, YAML_SEQUENCE_NODE, what))
		return;
	items = seq->data.sequence.items.start;
	n = (size_t)(seq->data.sequence.items.top - items);
	for (i = 0; i < n && !st->stop; i++) {
		it = node_at(st, items[i], seq);
		if (it)
			fn(st, it, i, obj);
	}
}

/**
 * push() - append a copy of @item to @v
 * @st:		walk state (@st->oom is set on failure)
 * @v:		the array
 * @item:	the item, @v->size bytes
 *
 * Return: true if appended.
 */
bool push(struct yst *st, struct vec *v, const void *item)
{
	void *slot = vec_push(v);

	if (!slot) {
		st->oom = true;
		return false;
	}
	memcpy(slot, item, v->size);
	return true;
}

/* ---------------------------------------------------------------- values */

/**
 * addr_value() - parse an address value, remembering whether "/LEN" was given
 * @st:		walk state
 * @n:		the node
 * @what:	its key, for messages
 * @flags:	NSNET_PFX_* flags
 * @out:	the address
 * @len_given:	whether the text had "/LEN" (may be NULL)
 *
 * Return: true if @out is valid.
 */
bool addr_value(struct yst *st, const yaml_node_t *n, const char *what,
		unsigned int flags, struct nsnet_prefix *out,
		bool *len_given)
{
	const char *s = scalar(st, n, what), *why;

	if (!s)
		return false;
	why = nsnet_prefix_parse(s, flags, out);
	if (why) {
		lab_diag_add(st->d, pos_of(n), "%s \"%s\": %s", what,
			     lab_show(s).s, why);
		return false;
	}
	if (len_given)
		*len_given = strchr(s, '/') != NULL;
	return true;
}

/**
 * name_value() - copy a valid name into a fixed buffer
 * @st:		walk state
 * @at:		the node, for the position
 * @s:		the name
 * @what:	what it names, for messages ("network name")
 * @ifname:	an interface name (else a namespace name)
 * @out:	destination, NSNET_IFNAMSIZ or NSNET_NSNAMSIZ bytes
 *
 * Return: true if valid and copied; false after reporting why not.
 */
bool name_value(struct yst *st, const yaml_node_t *at, const char *s,
		const char *what, bool ifname, char *out)
{
	const char *why = ifname ? nsnet_check_ifname(s) :
				   nsnet_check_nsname(s);

	if (why) {
		lab_diag_add(st->d, pos_of(at), "%s \"%s\": %s", what,
			     lab_show(s).s, why);
		return false;
	}
	strcpy(out, s);
	return true;
}

/* ------------------------------------------------------------- networks */

/**
 * net_type() - `type:` of a network
 * @st:		walk state
 * @val:	the value
 * @obj:	struct net_ctx
 */
static void net_type(struct yst *st, yaml_node_t *val, void *obj)
{
	struct net_ctx *c = obj;
	const char *s = scalar(st, val, "type");

	if (!s || !strcmp(s, "bridge"))
		return;
	if (!strcmp(s, "ovs"))
		c->net.type = LAB_NET_OVS;
	else
		lab_diag_add(st->d, pos_of(val),
			     "type \"%s\": unknown network type (bridge or ovs)",
			     lab_show(s).s);
}

/**
 * net_subnet() - `subnet:` of a network: a network address with its length
 * @st:		walk state
 * @val:	the value
 * @obj:	struct net_ctx
 */
static void net_subnet(struct yst *st, yaml_node_t *val, void *obj)
{
	struct net_ctx *c = obj;

	c->net.subnet_pos = pos_of(val);
	c->net.has_subnet = addr_value(st, val, "subnet",
				       NSNET_PFX_NEED_LEN |
				       NSNET_PFX_NO_HOSTBITS,
				       &c->net.subnet, NULL);
}

/**
 * net_gateway() - `gateway:` of a network, completed by net_finish()
 * @st:		walk state
 * @val:	the value
 * @obj:	struct net_ctx
 */
static void net_gateway(struct yst *st, yaml_node_t *val, void *obj)
{
	struct net_ctx *c = obj;

	c->net.gateway_pos = pos_of(val);
	c->net.has_gateway = addr_value(st, val, "gateway", 0, &c->net.gateway,
					&c->gw_len_given);
}

/**
 * net_finish() - give the gateway the subnet's length
 * @st:		walk state
 * @c:		the network read
 *
 * Done after the whole mapping, since `gateway:` may come before `subnet:`.
 * Whether the gateway is inside the subnet is lab_check()'s business.
 */
static void net_finish(struct yst *st, struct net_ctx *c)
{
	struct lab_network *n = &c->net;

	if (!n->has_gateway)
		return;
	if (!n->has_subnet) {
		lab_diag_add(st->d, n->gateway_pos,
			     "gateway %s: %s has no subnet",
			     lab_pfx(&n->gateway, c->gw_len_given).s, c->where);
		return;
	}
	if (n->gateway.family != n->subnet.family)
		return;
	if (c->gw_len_given && n->gateway.len != n->subnet.len)
		lab_diag_add(st->d, n->gateway_pos,
			     "gateway %s: prefix length must be /%u, as in subnet %s",
			     lab_pfx(&n->gateway, true).s, n->subnet.len,
			     lab_pfx(&n->subnet, true).s);
	n->gateway.len = n->subnet.len;
}

/**
 * bool_value() - a YAML boolean: true or false
 * @st:		walk state
 * @n:		the node
 * @out:	the value
 *
 * The core schema's spellings, plain (unquoted) only: a quoted "true" is a
 * string, and "yes"/"on" are YAML 1.1's surprises (the Norway problem),
 * not booleans.
 *
 * Return: true if @n is a boolean (then *@out is set).
 */
bool bool_value(struct yst *st, const yaml_node_t *n, bool *out)
{
	static const char *const yes[] = { "true", "True", "TRUE" };
	static const char *const no[] = { "false", "False", "FALSE" };
	const char *s;
	size_t i;

	if (n->type != YAML_SCALAR_NODE ||
	    n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
		return false;
	s = (const char *)n->data.scalar.value;
	for (i = 0; i < ARRAY_SIZE(yes); i++) {
		if (!strcmp(s, yes[i]) || !strcmp(s, no[i])) {
			*out = !strcmp(s, yes[i]);
			return true;
		}
	}
	return false;
}

/**
 * nat_out() - `out:` of a network's `nat:`: the uplink to masquerade on
 * @st:		walk state
 * @val:	the value
 * @obj:	struct net_ctx
 *
 * The name goes into an nftables rule as a quoted string, so beyond the
 * kernel's rules it must not hold what nftables reads specially.
 */
static void nat_out(struct yst *st, yaml_node_t *val, void *obj)
{
	struct net_ctx *c = obj;
	const char *s = scalar(st, val, "out"), *why;
	char out[NSNET_IFNAMSIZ];

	if (!s || !name_value(st, val, s, "nat out", true, out))
		return;
	why = fw_check_name(out);
	if (why) {
		lab_diag_add(st->d, pos_of(val), "nat out \"%s\": %s",
			     lab_show(out).s, why);
		return;
	}
	strcpy(c->net.nat_out, out);
}

static const struct key_rule nat_rules[] = {
	{ "out", nat_out, false },
};

/**
 * net_nat() - `nat:` of a network: true, false or {out: IFACE}
 * @st:		walk state
 * @val:	the value
 * @obj:	struct net_ctx
 *
 * A mapping means masquerade (`nat: {}` is `nat: true`); whether the
 * network can be masqueraded at all (subnet, gateway) is lab_check()'s.
 */
static void net_nat(struct yst *st, yaml_node_t *val, void *obj)
{
	struct net_ctx *c = obj;
	char where[128];
	bool on;

	c->net.nat_pos = pos_of(val);
	if (val->type == YAML_MAPPING_NODE) {
		snprintf(where, sizeof(where), "nat of %s", c->where);
		c->net.nat = true;
		walk_keys(st, val, nat_rules, ARRAY_SIZE(nat_rules), c, where);
		return;
	}
	if (bool_value(st, val, &on)) {
		c->net.nat = on;
		return;
	}
	lab_diag_add(st->d, pos_of(val),
		     "nat: expected true, false or {out: IFACE}, got %s",
		     kind_text(val).s);
}

static const struct key_rule net_rules[] = {
	{ "type", net_type, false },
	{ "subnet", net_subnet, false },
	{ "gateway", net_gateway, false },
	{ "nat", net_nat, false },
	{ "dhcp", net_dhcp, false },
};

/**
 * net_entry() - one entry of `networks:`
 * @st:		walk state
 * @key:	its key
 * @name:	the bridge name
 * @val:	its mapping
 * @obj:	unused
 *
 * An entry with an invalid name is still read, to report its other
 * problems, but left out of the lab.
 */
static void net_entry(struct yst *st, yaml_node_t *key, const char *name,
		      yaml_node_t *val, void *obj)
{
	struct net_ctx c = { 0 };
	bool valid = name_value(st, key, name, "network name", true,
				c.net.name);

	c.net.pos = pos_of(key);
	snprintf(c.where, sizeof(c.where), "network %s", lab_show(name).s);
	walk_keys(st, val, net_rules, ARRAY_SIZE(net_rules), &c, c.where);
	net_finish(st, &c);
	if (valid)
		push(st, &st->nets, &c.net);
}

/* ---------------------------------------------------------------- nodes */

/**
 * struct iface_ctx - an interface being read
 * @ifc:	the interface
 * @where:	"interface IF of node NAME", for messages
 */
struct iface_ctx {
	struct lab_iface ifc;
	char where[200];
};

/**
 * if_network() - `network:` of an interface; resolved after the walk
 * @st:		walk state
 * @val:	the value
 * @obj:	struct iface_ctx
 */
static void if_network(struct yst *st, yaml_node_t *val, void *obj)
{
	struct iface_ctx *c = obj;
	const char *s = scalar(st, val, "network");

	c->ifc.network_pos = pos_of(val);
	if (s)
		name_value(st, val, s, "network", true, c->ifc.network_name);
}

/**
 * if_address() - `address:` of an interface: CIDR, plain address or auto
 * @st:		walk state
 * @val:	the value
 * @obj:	struct iface_ctx
 */
static void if_address(struct yst *st, yaml_node_t *val, void *obj)
{
	struct iface_ctx *c = obj;
	const char *s = scalar(st, val, "address");

	c->ifc.addr_pos = pos_of(val);
	if (!s)
		return;
	if (!strcmp(s, "auto")) {
		c->ifc.addr_kind = LAB_ADDR_AUTO;
	} else if (!strcmp(s, "dhcp")) {
		c->ifc.addr_kind = LAB_ADDR_DHCP;
	} else if (addr_value(st, val, "address", 0, &c->ifc.addr,
			      &c->ifc.addr_len_given)) {
		c->ifc.addr_kind = LAB_ADDR_STATIC;
	}
}

/**
 * if_peer() - `peer:`: the host-side interface's name
 * @st:		walk state
 * @val:	the value
 * @obj:	struct iface_ctx
 */
static void if_peer(struct yst *st, yaml_node_t *val, void *obj)
{
	struct iface_ctx *c = obj;
	const char *s = scalar(st, val, "peer");

	c->ifc.peer_pos = pos_of(val);
	if (s)
		name_value(st, val, s, "peer", true, c->ifc.peer);
}

static const struct key_rule iface_rules[] = {
	{ "network", if_network, true },
	{ "address", if_address, false },
	{ "peer", if_peer, false },
};

/**
 * iface_entry() - one entry of a node's `interfaces:`
 * @st:		walk state
 * @key:	its key
 * @name:	the interface name inside the node
 * @val:	its mapping
 * @obj:	struct node_ctx
 */
static void iface_entry(struct yst *st, yaml_node_t *key, const char *name,
			yaml_node_t *val, void *obj)
{
	struct node_ctx *n = obj;
	struct iface_ctx c = { .ifc.network = LAB_NONE };
	bool valid = name_value(st, key, name, "interface name", true,
				c.ifc.name);

	c.ifc.pos = pos_of(key);
	snprintf(c.where, sizeof(c.where), "interface %s of %s",
		 lab_show(name).s, n->where);
	walk_keys(st, val, iface_rules, ARRAY_SIZE(iface_rules), &c, c.where);
	if (valid)
		push(st, &n->ifaces, &c.ifc);
}

/**
 * route_word() - the next whitespace-separated word of a route
 * @p:		cursor into a writable copy, advanced
 *
 * Return: the word (NUL-terminated in place), or NULL at the end.
 */
static char *route_word(char **p)
{
	return strtok_r(NULL, " \t\r\n", p);
}

/**
 * route_opts() - the "via ADDR" and "dev IF" parts of a route, in any order
 * @r:		the route being filled
 * @cur:	cursor after the destination
 * @why:	buffer for the reason of a refusal
 * @len:	size of @why
 *
 * Return: true if valid.
 */
static bool route_opts(struct lab_route *r, char **cur, char *why, size_t len)
{
	const char *e;
	char *w, *a;

	while ((w = route_word(cur))) {
		bool via = !strcmp(w, "via");

		if (!via && strcmp(w, "dev")) {
			snprintf(why, len, "unexpected \"%s\" (via or dev expected)",
				 lab_show(w).s);
			return false;
		}
		if (via ? r->has_via : r->dev[0] != '\0') {
			snprintf(why, len, "\"%s\" given twice", w);
			return false;
		}
		a = route_word(cur);
		if (!a) {
			snprintf(why, len, "\"%s\" needs %s", w,
				 via ? "an address" : "an interface name");
			return false;
		}
		e = via ? nsnet_prefix_parse(a, NSNET_PFX_NO_LEN, &r->via) :
			  nsnet_check_ifname(a);
		if (e) {
			snprintf(why, len, "%s \"%s\": %s", via ? "via" : "dev",
				 lab_show(a).s, e);
			return false;
		}
		if (via)
			r->has_via = true;
		else
			strcpy(r->dev, a);
	}
	return true;
}

/**
 * parse_route() - "[to] (default|PREFIX) [via ADDR] [dev IF]", as ip says it
 * @r:		the route; @r->text holds the text
 * @why:	buffer for the reason of a refusal
 * @len:	size of @why
 *
 * A destination without "/LEN" is a host route, as with ip. "default" takes
 * its family from the gateway (IPv4 without one).
 *
 * Return: true if valid.
 */
static bool parse_route(struct lab_route *r, char *why, size_t len)
{
	char buf[sizeof(r->text)], *cur = NULL, *w;
	bool dflt;
	const char *e;

	strcpy(buf, r->text);
	w = strtok_r(buf, " \t\r\n", &cur);
	if (w && !strcmp(w, "to"))
		w = route_word(&cur);
	if (!w) {
		snprintf(why, len, "missing destination");
		return false;
	}
	dflt = !strcmp(w, "default");
	if (!dflt) {
		e = nsnet_prefix_parse(w, NSNET_PFX_NO_HOSTBITS, &r->dst);
		if (e) {
			snprintf(why, len, "destination \"%s\": %s",
				 lab_show(w).s, e);
			return false;
		}
	}
	if (!route_opts(r, &cur, why, len))
		return false;
	if (dflt) {
		memset(&r->dst, 0, sizeof(r->dst));
		r->dst.family = r->has_via ? r->via.family : AF_INET;
	} else if (r->has_via && r->via.family != r->dst.family) {
		snprintf(why, len,
			 "gateway and destination are of different families");
		return false;
	}
	if (!r->has_via && !r->dev[0]) {
		snprintf(why, len, "needs a gateway (via) or a device (dev)");
		return false;
	}
	return true;
}

/**
 * route_item() - one entry of a node's `routes:`
 * @st:		walk state
 * @item:	the route text
 * @idx:	its index
 * @obj:	struct node_ctx
 */
static void route_item(struct yst *st, yaml_node_t *item, size_t idx,
		       void *obj)
{
	struct node_ctx *n = obj;
	struct lab_route r = { .pos = pos_of(item) };
	const char *s = scalar(st, item, "route");
	char why[160];

	if (!s)
		return;
	if (strlen(s) >= sizeof(r.text)) {
		lab_diag_add(st->d, r.pos, "route \"%s\": longer than %zu bytes",
			     lab_show(s).s, sizeof(r.text) - 1);
		return;
	}
	strcpy(r.text, s);
	if (!parse_route(&r, why, sizeof(why))) {
		lab_diag_add(st->d, r.pos, "route \"%s\": %s", lab_show(s).s,
			     why);
		return;
	}
	push(st, &n->routes, &r);
}

/**
 * node_ifaces() - `interfaces:` of a node
 * @st:		walk state
 * @val:	the value
 * @obj:	struct node_ctx
 */
static void node_ifaces(struct yst *st, yaml_node_t *val, void *obj)
{
	walk_named(st, val, "interfaces", iface_entry, obj);
}

/**
 * node_routes() - `routes:` of a node
 * @st:		walk state
 * @val:	the value
 * @obj:	struct node_ctx
 */
static void node_routes(struct yst *st, yaml_node_t *val, void *obj)
{
	walk_list(st, val, "routes", route_item, obj);
}

static const struct key_rule node_rules[] = {
	{ "interfaces", node_ifaces, false },
	{ "routes", node_routes, false },
	{ "dns", node_dns, false },
	{ "run", node_run, false },
	{ "hosts", node_hosts, false },
};

/**
 * node_entry() - one entry of `nodes:`
 * @st:		walk state
 * @key:	its key
 * @name:	the namespace name
 * @val:	its mapping (null: a node with nothing but its links)
 * @obj:	unused
 */
static void node_entry(struct yst *st, yaml_node_t *key, const char *name,
		       yaml_node_t *val, void *obj)
{
	struct node_ctx c = {
		.ifaces.size = sizeof(struct lab_iface),
		.routes.size = sizeof(struct lab_route),
		.hosts.size = sizeof(struct lab_host),
		.runs.size = sizeof(struct lab_run),
	};
	bool valid = name_value(st, key, name, "node name", false,
				c.node.name);

	c.node.pos = pos_of(key);
	snprintf(c.where, sizeof(c.where), "node %s", lab_show(name).s);
	walk_keys(st, val, node_rules, ARRAY_SIZE(node_rules), &c, c.where);
	c.node.ifaces = c.ifaces.items;
	c.node.n_ifaces = c.ifaces.n;
	c.node.routes = c.routes.items;
	c.node.n_routes = c.routes.n;
	node_svc_finish(st, &c);
	if (valid && push(st, &st->nodes, &c.node))
		return;
	free(c.node.ifaces);
	free(c.node.routes);
	node_svc_free(&c.node);
}

/* ---------------------------------------------------------------- links */

/**
 * struct link_ctx - a link being read
 * @link:	the link
 */
struct link_ctx {
	struct lab_link link;
};

/**
 * link_end() - `a:` or `b:`, "NODE:IFNAME"
 * @st:		walk state
 * @val:	the value
 * @e:		the end to fill
 * @what:	"a" or "b"
 *
 * Node names cannot contain ':', so the first one separates.
 */
static void link_end(struct yst *st, yaml_node_t *val, struct lab_end *e,
		     const char *what)
{
	const char *s = scalar(st, val, what), *colon, *why;
	char node[NSNET_NSNAMSIZ];
	size_t n;

	e->pos = pos_of(val);
	e->node = LAB_NONE;
	if (!s)
		return;
	colon = strchr(s, ':');
	if (!colon) {
		lab_diag_add(st->d, e->pos, "link end \"%s\": NODE:IFNAME expected",
			     lab_show(s).s);
		return;
	}
	n = (size_t)(colon - s);
	why = n >= sizeof(node) ? "name too long" : NULL;
	if (!why) {
		memcpy(node, s, n);
		node[n] = '\0';
		why = nsnet_check_nsname(node);
	}
	if (why)
		lab_diag_add(st->d, e->pos, "link end \"%s\": node name: %s",
			     lab_show(s).s, why);
	why = nsnet_check_ifname(colon + 1);
	if (why) {
		lab_diag_add(st->d, e->pos,
			     "link end \"%s\": interface name: %s",
			     lab_show(s).s, why);
		return;
	}
	strcpy(e->ifname, colon + 1);
	if (n < sizeof(node) && !nsnet_check_nsname(node))
		strcpy(e->node_name, node);
}

/**
 * link_a() - `a:` of a link
 * @st:		walk state
 * @val:	the value
 * @obj:	struct link_ctx
 */
static void link_a(struct yst *st, yaml_node_t *val, void *obj)
{
	link_end(st, val, &((struct link_ctx *)obj)->link.end[0], "a");
}

/**
 * link_b() - `b:` of a link
 * @st:		walk state
 * @val:	the value
 * @obj:	struct link_ctx
 */
static void link_b(struct yst *st, yaml_node_t *val, void *obj)
{
	link_end(st, val, &((struct link_ctx *)obj)->link.end[1], "b");
}

/**
 * link_addrs() - `addresses:` of a link: one CIDR per end, a then b
 * @st:		walk state
 * @val:	the value
 * @obj:	struct link_ctx
 */
static void link_addrs(struct yst *st, yaml_node_t *val, void *obj)
{
	struct lab_link *l = &((struct link_ctx *)obj)->link;
	yaml_node_item_t *items;
	yaml_node_t *it;
	size_t n, i;

	if (!expect(st, val, YAML_SEQUENCE_NODE, "addresses")) {
		if (is_null(val))
			lab_diag_add(st->d, pos_of(val),
				     "addresses: expected a list, got nothing");
		return;
	}
	items = val->data.sequence.items.start;
	n = (size_t)(val->data.sequence.items.top - items);
	if (n != 2) {
		lab_diag_add(st->d, pos_of(val),
			     "addresses: 2 expected (one per end), got %zu", n);
		return;
	}
	for (i = 0; i < 2; i++) {
		it = node_at(st, items[i], val);
		if (!it)
			return;
		l->end[i].addr_pos = pos_of(it);
		l->end[i].has_addr = addr_value(st, it, "address",
						NSNET_PFX_NEED_LEN,
						&l->end[i].addr, NULL);
	}
}

static const struct key_rule link_rules[] = {
	{ "a", link_a, true },
	{ "b", link_b, true },
	{ "addresses", link_addrs, false },
};

/**
 * link_item() - one entry of `links:`
 * @st:		walk state
 * @item:	its mapping
 * @idx:	its index, named in messages from 1
 * @obj:	unused
 */
static void link_item(struct yst *st, yaml_node_t *item, size_t idx, void *obj)
{
	struct link_ctx c = { .link.pos = pos_of(item) };
	char where[32];

	c.link.end[0].node = c.link.end[1].node = LAB_NONE;
	snprintf(where, sizeof(where), "link %zu", idx + 1);
	walk_keys(st, item, link_rules, ARRAY_SIZE(link_rules), &c, where);
	push(st, &st->links, &c.link);
}

/* ------------------------------------------------------------- forwards */

/**
 * port_value() - a port number in decimal, 1..65535
 * @s:		the text
 * @out:	the number
 *
 * Digits only: no sign, no space, no hexadecimal, no leading zero games
 * beyond what the range allows.
 *
 * Return: true if valid.
 */
static bool port_value(const char *s, unsigned int *out)
{
	unsigned long v = 0;
	const char *p;

	if (!*s || strlen(s) > 5)
		return false;
	for (p = s; *p; p++) {
		if (*p < '0' || *p > '9')
			return false;
		v = v * 10 + (unsigned long)(*p - '0');
	}
	if (v < 1 || v > 65535)
		return false;
	*out = (unsigned int)v;
	return true;
}

/**
 * fwd_port() - `port:` of a forward: the host's port
 * @st:		walk state
 * @val:	the value
 * @obj:	struct lab_forward
 */
static void fwd_port(struct yst *st, yaml_node_t *val, void *obj)
{
	struct lab_forward *f = obj;
	const char *s = scalar(st, val, "port");

	f->port_pos = pos_of(val);
	if (s && !port_value(s, &f->port))
		lab_diag_add(st->d, f->port_pos,
			     "port \"%s\": expected a number from 1 to 65535",
			     lab_show(s).s);
}

/**
 * fwd_to() - `to:` of a forward, "NODE:PORT"; the node is resolved later
 * @st:		walk state
 * @val:	the value
 * @obj:	struct lab_forward
 *
 * Node names cannot contain ':', so the first one separates.
 */
static void fwd_to(struct yst *st, yaml_node_t *val, void *obj)
{
	struct lab_forward *f = obj;
	const char *s = scalar(st, val, "to"), *colon, *why;
	char node[NSNET_NSNAMSIZ];
	size_t n;

	f->to_pos = pos_of(val);
	if (!s)
		return;
	colon = strchr(s, ':');
	if (!colon) {
		lab_diag_add(st->d, f->to_pos, "to \"%s\": NODE:PORT expected",
			     lab_show(s).s);
		return;
	}
	n = (size_t)(colon - s);
	why = n >= sizeof(node) ? "name too long" : NULL;
	if (!why) {
		memcpy(node, s, n);
		node[n] = '\0';
		why = nsnet_check_nsname(node);
	}
	if (why)
		lab_diag_add(st->d, f->to_pos, "to \"%s\": node name: %s",
			     lab_show(s).s, why);
	if (!port_value(colon + 1, &f->to_port)) {
		lab_diag_add(st->d, f->to_pos,
			     "to \"%s\": port: expected a number from 1 to 65535",
			     lab_show(s).s);
		return;
	}
	if (!why)
		strcpy(f->node_name, node);
}

/**
 * fwd_proto() - `proto:` of a forward: tcp (the default) or udp
 * @st:		walk state
 * @val:	the value
 * @obj:	struct lab_forward
 */
static void fwd_proto(struct yst *st, yaml_node_t *val, void *obj)
{
	struct lab_forward *f = obj;
	const char *s = scalar(st, val, "proto");

	if (!s)
		return;
	if (!strcmp(s, "tcp"))
		f->proto = IPPROTO_TCP;
	else if (!strcmp(s, "udp"))
		f->proto = IPPROTO_UDP;
	else
		lab_diag_add(st->d, pos_of(val),
			     "proto \"%s\": tcp or udp expected",
			     lab_show(s).s);
}

/**
 * fwd_host() - `host:` of a forward: the one host address it applies to
 * @st:		walk state
 * @val:	the value
 * @obj:	struct lab_forward
 *
 * An address, not a prefix; whether the host has it is for the host to
 * say when packets come (the rule also requires a local destination).
 */
static void fwd_host(struct yst *st, yaml_node_t *val, void *obj)
{
	struct lab_forward *f = obj;

	static const uint8_t v6_lo[16] = { [15] = 1 };

	f->host_pos = pos_of(val);
	f->has_host = addr_value(st, val, "host", NSNET_PFX_NO_LEN, &f->host,
				 NULL);
	if (!f->has_host)
		return;
	/* DNAT of a loopback destination only works with route_localnet,
	 * which opens the host's loopback services to its neighbours. */
	if (f->host.family == AF_INET ? f->host.addr[0] == 127 :
	    !memcmp(f->host.addr, v6_lo, sizeof(v6_lo))) {
		lab_diag_add(st->d, f->host_pos,
			     "host %s: a loopback address cannot be forwarded (that would take route_localnet)",
			     lab_pfx(&f->host, false).s);
		f->has_host = false;
	}
}

static const struct key_rule fwd_rules[] = {
	{ "port", fwd_port, true },
	{ "to", fwd_to, true },
	{ "proto", fwd_proto, false },
	{ "host", fwd_host, false },
};

/**
 * fwd_item() - one entry of `forwards:`
 * @st:		walk state
 * @item:	its mapping
 * @idx:	its index, named in messages from 1
 * @obj:	unused
 *
 * Kept even with problems (port 0, node "" then), so lab_check() can still
 * look at the rest; it skips what is missing.
 */
static void fwd_item(struct yst *st, yaml_node_t *item, size_t idx, void *obj)
{
	struct lab_forward f = { .proto = IPPROTO_TCP, .node = LAB_NONE,
				 .pos = pos_of(item) };
	char where[32];

	snprintf(where, sizeof(where), "forward %zu", idx + 1);
	walk_keys(st, item, fwd_rules, ARRAY_SIZE(fwd_rules), &f, where);
	push(st, &st->fwds, &f);
}

/* ------------------------------------------------------------- top level */

/**
 * top_lab() - `lab:`: the lab's name
 * @st:		walk state
 * @val:	the value
 * @obj:	struct lab
 *
 * It names state files and goes into link aliases, hence the namespace
 * rules and a length bound.
 */
static void top_lab(struct yst *st, yaml_node_t *val, void *obj)
{
	struct lab *lab = obj;
	const char *s = scalar(st, val, "lab"), *why;

	if (!s)
		return;
	why = nsnet_check_nsname(s);
	if (why) {
		lab_diag_add(st->d, pos_of(val), "lab name \"%s\": %s",
			     lab_show(s).s, why);
		return;
	}
	if (strlen(s) > LAB_NAME_MAX) {
		lab_diag_add(st->d, pos_of(val),
			     "lab name \"%s\": longer than %d bytes",
			     lab_show(s).s, LAB_NAME_MAX);
		return;
	}
	if (fw_table_name(s, NULL, 0) == -EINVAL) {
		lab_diag_add(st->d, pos_of(val),
			     "lab name \"%s\": only letters, digits, '.', '_' and '-' (it names the nftables table " FW_TABLE_PREFIX "<lab>)",
			     lab_show(s).s);
		return;
	}
	strcpy(lab->name, s);
	lab->name_pos = pos_of(val);
}

/**
 * top_networks() - `networks:`
 * @st:		walk state
 * @val:	the value
 * @obj:	struct lab
 */
static void top_networks(struct yst *st, yaml_node_t *val, void *obj)
{
	walk_named(st, val, "networks", net_entry, NULL);
}

/**
 * top_nodes() - `nodes:`
 * @st:		walk state
 * @val:	the value
 * @obj:	struct lab
 */
static void top_nodes(struct yst *st, yaml_node_t *val, void *obj)
{
	/* pre_scan() counted the nodes written out; an alias can still
	 * bring in a mapping from elsewhere. */
	if (val->type == YAML_MAPPING_NODE &&
	    val->data.mapping.pairs.top - val->data.mapping.pairs.start >
	    LAB_NODES_MAX) {
		lab_diag_add(st->d, pos_of(val),
			     "more than %d nodes: a lab holds at most %d",
			     LAB_NODES_MAX, LAB_NODES_MAX);
		st->stop = true;
		return;
	}
	walk_named(st, val, "nodes", node_entry, NULL);
}

/**
 * top_links() - `links:`
 * @st:		walk state
 * @val:	the value
 * @obj:	struct lab
 */
static void top_links(struct yst *st, yaml_node_t *val, void *obj)
{
	walk_list(st, val, "links", link_item, NULL);
}

/**
 * top_forwards() - `forwards:`
 * @st:		walk state
 * @val:	the value
 * @obj:	struct lab
 */
static void top_forwards(struct yst *st, yaml_node_t *val, void *obj)
{
	walk_list(st, val, "forwards", fwd_item, NULL);
}

static const struct key_rule top_rules[] = {
	{ "lab", top_lab, true },
	{ "networks", top_networks, false },
	{ "nodes", top_nodes, false },
	{ "links", top_links, false },
	{ "forwards", top_forwards, false },
};

/* ------------------------------------------------------------ resolution */

/**
 * find_network() - the index of a network by name
 * @lab:	the lab
 * @name:	the name ("" never matches)
 *
 * Return: the index, or LAB_NONE.
 */
static size_t find_network(const struct lab *lab, const char *name)
{
	size_t i;

	for (i = 0; *name && i < lab->n_networks; i++)
		if (!strcmp(lab->networks[i].name, name))
			return i;
	return LAB_NONE;
}

/**
 * find_node() - the index of a node by name
 * @lab:	the lab
 * @name:	the name ("" never matches)
 *
 * Return: the index, or LAB_NONE.
 */
static size_t find_node(const struct lab *lab, const char *name)
{
	size_t i;

	for (i = 0; *name && i < lab->n_nodes; i++)
		if (!strcmp(lab->nodes[i].name, name))
			return i;
	return LAB_NONE;
}

/**
 * resolve_addr() - give a static address its network's prefix length
 * @d:		where problems go
 * @ifc:	the interface, its network resolved
 * @net:	that network
 *
 * An address written without "/LEN" takes the subnet's; one written with it
 * must agree, or the kernel would install a route the lab did not mean.
 */
static void resolve_addr(struct lab_diags *d, struct lab_iface *ifc,
			 const struct lab_network *net)
{
	if (ifc->addr_kind != LAB_ADDR_STATIC)
		return;
	if (!net->has_subnet) {
		if (!ifc->addr_len_given)
			lab_diag_add(d, ifc->addr_pos,
				     "address %s: needs a /prefix length (network %s has no subnet)",
				     lab_pfx(&ifc->addr, false).s,
				     lab_show(net->name).s);
		return;
	}
	if (ifc->addr.family != net->subnet.family)
		return;	/* lab_check() says it is outside the subnet */
	if (ifc->addr_len_given && ifc->addr.len != net->subnet.len)
		lab_diag_add(d, ifc->addr_pos,
			     "address %s: prefix length must be /%u, as in subnet %s of network %s",
			     lab_pfx(&ifc->addr, true).s, net->subnet.len,
			     lab_pfx(&net->subnet, true).s,
			     lab_show(net->name).s);
	ifc->addr.len = net->subnet.len;
}

/**
 * resolve() - turn names of networks and nodes into indices
 * @lab:	the lab, every section read
 * @d:		where problems go
 *
 * Sections may come in any order, so references wait for the end. An
 * unknown name is left as LAB_NONE for lab_check() to report.
 */
static void resolve(struct lab *lab, struct lab_diags *d)
{
	struct lab_node *node;
	struct lab_iface *ifc;
	size_t i, j;

	for (i = 0; i < lab->n_nodes; i++) {
		node = &lab->nodes[i];
		for (j = 0; j < node->n_ifaces; j++) {
			ifc = &node->ifaces[j];
			ifc->network = find_network(lab, ifc->network_name);
			if (ifc->network != LAB_NONE)
				resolve_addr(d, ifc,
					     &lab->networks[ifc->network]);
		}
	}
	for (i = 0; i < lab->n_links; i++)
		for (j = 0; j < 2; j++)
			lab->links[i].end[j].node =
				find_node(lab, lab->links[i].end[j].node_name);
	for (i = 0; i < lab->n_forwards; i++)
		lab->forwards[i].node = find_node(lab,
						  lab->forwards[i].node_name);
	for (i = 0; i < lab->n_networks; i++) {
		struct lab_dhcp *dh = &lab->networks[i].dhcp;

		dh->server = find_node(lab, dh->server_name);
		if (lab->networks[i].has_subnet)
			dh->first.len = dh->last.len =
				lab->networks[i].subnet.len;
	}
}

/* ---------------------------------------------------------------- driver */

/**
 * walk_doc() - read a loaded document into @lab
 * @doc:	the document
 * @lab:	the lab to fill (its arrays are empty)
 * @d:		where problems go
 *
 * Return: 0 (problems are in @d), -E2BIG if aliases expand too much (the
 * lab is then a fragment, not worth checking), or -ENOMEM.
 */
static int walk_doc(yaml_document_t *doc, struct lab *lab,
		    struct lab_diags *d)
{
	struct yst st = {
		.doc = doc,
		.d = d,
		.nets.size = sizeof(struct lab_network),
		.nodes.size = sizeof(struct lab_node),
		.links.size = sizeof(struct lab_link),
		.fwds.size = sizeof(struct lab_forward),
	};
	yaml_node_t *root = yaml_document_get_root_node(doc);

	/* Without aliases every value is visited once; allow sharing, not
	 * exponential growth. */
	st.max_visits = (size_t)(doc->nodes.top - doc->nodes.start) * 16 + 4096;
	if (!root)
		lab_diag_add(d, (struct lab_pos){ 0, 0 },
			     "empty file: \"lab:\" is required");
	else
		walk_keys(&st, root, top_rules, ARRAY_SIZE(top_rules), lab,
			  "the lab file");
	lab->networks = st.nets.items;
	lab->n_networks = st.nets.n;
	lab->nodes = st.nodes.items;
	lab->n_nodes = st.nodes.n;
	lab->links = st.links.items;
	lab->n_links = st.links.n;
	lab->forwards = st.fwds.items;
	lab->n_forwards = st.fwds.n;
	if (st.oom)
		return -ENOMEM;
	if (st.stop)
		return -E2BIG;
	resolve(lab, d);
	return 0;
}

/**
 * offset_pos() - the line and column of a byte offset
 * @buf:	the text
 * @len:	its length
 * @off:	the offset
 *
 * libyaml's reader reports encoding errors by offset only.
 *
 * Return: the 1-based position (the column counts bytes).
 */
static struct lab_pos offset_pos(const char *buf, size_t len, size_t off)
{
	struct lab_pos pos = { 1, 1 };
	size_t i;

	for (i = 0; i < off && i < len; i++) {
		if (buf[i] == '\n') {
			pos.line++;
			pos.col = 1;
		} else {
			pos.col++;
		}
	}
	return pos;
}

/**
 * yaml_fail() - report why libyaml could not load the text
 * @p:		the parser, in error
 * @buf:	the text
 * @len:	its length
 * @d:		where the problem goes
 *
 * Return: -ENOMEM, or -EINVAL after adding one problem.
 */
static int yaml_fail(const yaml_parser_t *p, const char *buf, size_t len,
		     struct lab_diags *d)
{
	struct lab_pos pos = {
		.line = (unsigned int)p->problem_mark.line + 1,
		.col = (unsigned int)p->problem_mark.column + 1,
	};
	const char *problem = p->problem ? p->problem : "unknown error";

	if (p->error == YAML_MEMORY_ERROR)
		return -ENOMEM;
	if (p->error == YAML_READER_ERROR) {
		lab_diag_add(d, offset_pos(buf, len, p->problem_offset),
			     "invalid YAML: %s (0x%02x)", problem,
			     (unsigned int)p->problem_value);
	} else if (p->context) {
		lab_diag_add(d, pos, "invalid YAML: %s, %s that starts at %zu:%zu",
			     problem, p->context, p->context_mark.line + 1,
			     p->context_mark.column + 1);
	} else {
		lab_diag_add(d, pos, "invalid YAML: %s", problem);
	}
	return -EINVAL;
}

/**
 * no_second_doc() - refuse a stream with more than one document
 * @p:		the parser, after the first document
 * @buf:	the text
 * @len:	its length
 * @d:		where the problem goes
 *
 * A second document would otherwise be silently ignored.
 *
 * Return: 0, -EINVAL after adding a problem, or -ENOMEM.
 */
static int no_second_doc(yaml_parser_t *p, const char *buf, size_t len,
			 struct lab_diags *d)
{
	yaml_document_t doc;
	yaml_node_t *root;
	int err = 0;

	if (!yaml_parser_load(p, &doc))
		return yaml_fail(p, buf, len, d);
	root = yaml_document_get_root_node(&doc);
	if (root) {
		lab_diag_add(d, pos_of(root),
			     "a second YAML document: a lab file holds one");
		err = -EINVAL;
	}
	yaml_document_delete(&doc);
	return err;
}

/**
 * struct pre_level - one open mapping or list, for pre_scan()
 * @map:	it is a mapping (its children alternate key, value)
 * @items:	children begun so far
 * @nodes:	it is the value of the top-level `nodes:`
 */
struct pre_level {
	bool map;
	size_t items;
	bool nodes;
};

/**
 * pre_node() - account for a node beginning at level @depth, for pre_scan()
 * @lv:		the open levels, [0] the document
 * @depth:	the current level
 * @ev:		the event that begins the node
 * @top_nodes:	set when it is the key "nodes" of the top-level mapping,
 *		cleared at any other key there
 * @count:	incremented for a key of `nodes:`
 */
static void pre_node(struct pre_level *lv, unsigned int depth,
		     const yaml_event_t *ev, bool *top_nodes, size_t *count)
{
	struct pre_level *l = &lv[depth];
	bool key = l->map && l->items % 2 == 0;

	if (key && l->nodes)
		(*count)++;
	if (key && depth == 1)
		*top_nodes = ev->type == YAML_SCALAR_EVENT &&
			     !strcmp((const char *)ev->data.scalar.value, "nodes");
	l->items++;
}

/**
 * pre_scan() - bound the nesting depth and the node count, from events
 * @buf:	the text
 * @len:	its length
 * @d:		where a problem goes
 *
 * libyaml's document loader takes time quadratic in the nesting depth
 * (100,000 levels from an 80 kB file: 30 s), and a lab's memory grows with
 * its nodes; both are judged here from the event stream, before a tree is
 * built, stopping at the first level or node too many. Malformed YAML is
 * left to the loader, which stops at the same place and says why.
 *
 * Return: 0, -EINVAL after adding a problem, or -ENOMEM.
 */
static int pre_scan(const char *buf, size_t len, struct lab_diags *d)
{
	struct pre_level lv[LAB_DEPTH_MAX + 2] = { { 0 } };
	unsigned int depth = 0;
	bool top_nodes = false, done = false;
	size_t count = 0;
	yaml_parser_t p;
	yaml_event_t ev;
	int err = 0;

	if (!yaml_parser_initialize(&p))
		return -ENOMEM;
	yaml_parser_set_input_string(&p, (const unsigned char *)buf, len);
	while (!done) {
		struct lab_pos pos;

		if (!yaml_parser_parse(&p, &ev)) {
			if (p.error == YAML_MEMORY_ERROR)
				err = -ENOMEM;
			break;
		}
		pos.line = (unsigned int)ev.start_mark.line + 1;
		pos.col = (unsigned int)ev.start_mark.column + 1;
		switch (ev.type) {
		case YAML_SCALAR_EVENT:
		case YAML_ALIAS_EVENT:
			pre_node(lv, depth, &ev, &top_nodes, &count);
			break;
		case YAML_SEQUENCE_START_EVENT:
		case YAML_MAPPING_START_EVENT:
			pre_node(lv, depth, &ev, &top_nodes, &count);
			if (depth == LAB_DEPTH_MAX) {
				lab_diag_add(d, pos,
					     "nested deeper than %d levels of mappings and lists: refused",
					     LAB_DEPTH_MAX);
				err = -EINVAL;
				done = true;
				break;
			}
			depth++;
			lv[depth] = (struct pre_level){
				.map = ev.type == YAML_MAPPING_START_EVENT,
				.nodes = depth == 2 && top_nodes &&
					 ev.type == YAML_MAPPING_START_EVENT,
			};
			break;
		case YAML_SEQUENCE_END_EVENT:
		case YAML_MAPPING_END_EVENT:
			if (depth)
				depth--;
			break;
		case YAML_STREAM_END_EVENT:
			done = true;
			break;
		default:
			break;
		}
		if (!err && count > LAB_NODES_MAX) {
			lab_diag_add(d, pos, "more than %d nodes: a lab holds at most %d",
				     LAB_NODES_MAX, LAB_NODES_MAX);
			err = -EINVAL;
			done = true;
		}
		yaml_event_delete(&ev);
	}
	yaml_parser_delete(&p);
	return err;
}

/**
 * lab_parse_buffer() - read a lab from memory
 * @file:	name for messages (may be NULL)
 * @buf:	the text
 * @len:	its length
 * @out:	the lab, or NULL (see lab.h for when)
 * @d:		where problems go; @d->file is set to @file if NULL
 *
 * Return: 0 if no problem was found, -EINVAL if any was added to @d, or
 * -ENOMEM (then *@out is NULL). *@out is also NULL after malformed YAML,
 * nesting deeper than LAB_DEPTH_MAX, more than LAB_NODES_MAX nodes or
 * aliases expanding past the bound: there is no lab worth checking.
 */
int lab_parse_buffer(const char *file, const char *buf, size_t len,
		     struct lab **out, struct lab_diags *d)
{
	size_t before = d->n + d->dropped;
	yaml_parser_t parser;
	yaml_document_t doc;
	struct lab *lab = NULL;
	int err;

	*out = NULL;
	if (!d->file)
		d->file = file;
	err = pre_scan(buf, len, d);
	if (err)
		return err;
	if (!yaml_parser_initialize(&parser))
		return -ENOMEM;
	yaml_parser_set_input_string(&parser, (const unsigned char *)buf, len);
	if (!yaml_parser_load(&parser, &doc)) {
		err = yaml_fail(&parser, buf, len, d);
		goto out;
	}
	err = no_second_doc(&parser, buf, len, d);
	lab = calloc(1, sizeof(*lab));
	if (lab)
		lab->file = strdup(file ? file : "");
	if (!lab || !lab->file)
		err = -ENOMEM;
	else if (err != -ENOMEM)
		err = walk_doc(&doc, lab, d);
	yaml_document_delete(&doc);
out:
	yaml_parser_delete(&parser);
	if (err == -ENOMEM || err == -E2BIG) {
		lab_free(lab);
		lab = NULL;
	}
	if (err == -ENOMEM)
		return err;
	*out = lab;
	return d->n + d->dropped != before ? -EINVAL : 0;
}

/**
 * read_all() - read a whole file, however it is provided (file, pipe)
 * @path:	the file
 * @buf:	the text, malloc'ed
 * @len:	its length
 *
 * Return: 0, -EFBIG beyond LAB_FILE_MAX, or -errno.
 */
static int read_all(const char *path, char **buf, size_t *len)
{
	size_t cap = 0, n = 0;
	char *b = NULL, *nb;
	ssize_t r;
	int fd, err = 0;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return -errno;
	for (;;) {
		if (n == cap) {
			/* One byte past the limit tells "too big" from
			 * "exactly at the limit". */
			if (cap > LAB_FILE_MAX) {
				err = -EFBIG;
				break;
			}
			cap = cap ? cap * 2 : 16384;
			if (cap > LAB_FILE_MAX + 1)
				cap = LAB_FILE_MAX + 1;
			nb = realloc(b, cap);
			if (!nb) {
				err = -ENOMEM;
				break;
			}
			b = nb;
		}
		r = read(fd, b + n, cap - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			err = -errno;
		if (r <= 0)
			break;
		n += (size_t)r;
	}
	close(fd);
	if (!err && n > LAB_FILE_MAX)
		err = -EFBIG;
	if (err) {
		free(b);
		return err;
	}
	*buf = b;
	*len = n;
	return 0;
}

/**
 * lab_parse_file() - read a lab file
 * @path:	the file
 * @out:	the lab, or NULL (see lab.h for when)
 * @d:		where problems go; @d->file is set to @path if NULL
 *
 * Return: as lab_parse_buffer(), or -errno when the file could not be read
 * (also added to @d, at line 0, so the caller shows every failure alike).
 */
int lab_parse_file(const char *path, struct lab **out, struct lab_diags *d)
{
	char *buf = NULL;
	size_t len = 0;
	int err;

	*out = NULL;
	if (!d->file)
		d->file = path;
	err = read_all(path, &buf, &len);
	if (err == -ENOMEM)
		return err;
	if (err) {
		lab_diag_add(d, (struct lab_pos){ 0, 0 }, "cannot read: %s",
			     err == -EFBIG ? "larger than 16 MiB" :
					     strerrordesc_np(-err));
		return err;
	}
	err = lab_parse_buffer(path, buf, len, out, d);
	free(buf);
	return err;
}

/**
 * lab_free() - release a lab
 * @lab:	the lab, may be NULL
 */
void lab_free(struct lab *lab)
{
	size_t i;

	if (!lab)
		return;
	for (i = 0; i < lab->n_nodes; i++) {
		free(lab->nodes[i].ifaces);
		free(lab->nodes[i].routes);
		node_svc_free(&lab->nodes[i]);
	}
	free(lab->nodes);
	free(lab->networks);
	free(lab->links);
	free(lab->forwards);
	free(lab->file);
	free(lab);
}
