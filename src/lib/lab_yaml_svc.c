// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * lab_yaml_svc.c - read the services of a lab file: dns, hosts, run, dhcp
 *
 * These values end up in files other programs read (resolv.conf, hosts,
 * dnsmasq's command line) and in argv of processes, so they are held to
 * the syntax of those files here: no whitespace or newline can sneak a
 * second directive into resolv.conf, and a `run:` command is split into
 * words the way a user expects from a shell, but without one: what a
 * shell would treat specially (pipes, redirections, variables) is refused
 * with a hint instead of being passed on as a literal argument by surprise.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lab_yaml.h"

/* glibc's resolver reads at most 3 nameservers (MAXNS). */
#define DNS_SERVERS_MAX 3
/* Search domains: glibc reads more since 2.26, older ones 6. */
#define DNS_SEARCH_MAX 6
/* dnsmasq refuses shorter leases than 2 minutes. */
#define LEASE_MIN 120u
/* Words of one `run:` command. */
#define RUN_ARGS_MAX 256

/* ----------------------------------------------------------- text checks */

/**
 * domain_why() - why a text is not a DNS name, or NULL if it is one
 * @s:		the text
 *
 * Letters, digits and '-' in labels of 1 to 63 bytes, 253 in all; also
 * '_' (service names are written with it). A trailing dot is allowed.
 *
 * Return: NULL if valid, else the reason.
 */
static const char *domain_why(const char *s)
{
	size_t len = strlen(s), label = 0, i;

	if (!len)
		return "empty";
	if (len > 253)
		return "longer than 253 bytes";
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '.') {
			if (!label)
				return "empty label";
			label = 0;
			continue;
		}
		if (!isalnum(c) && c != '-' && c != '_')
			return "only letters, digits, '-', '_' and '.' are allowed";
		if (++label > 63)
			return "a label is longer than 63 bytes";
	}
	return NULL;
}

/**
 * option_why() - why a text is not a resolv.conf option, or NULL
 * @s:		the text ("ndots:2", "edns0")
 *
 * Return: NULL if valid, else the reason.
 */
static const char *option_why(const char *s)
{
	size_t i, len = strlen(s);

	if (!len || len > 64)
		return "must be 1 to 64 bytes";
	for (i = 0; i < len; i++)
		if (!isalnum((unsigned char)s[i]) && !strchr(":._-", s[i]))
			return "only letters, digits and \":._-\" are allowed";
	return NULL;
}

/**
 * user_why() - why a text is not a user name (or uid), or NULL
 * @s:		the text
 *
 * Whether the user exists is judged when the lab goes up.
 *
 * Return: NULL if valid, else the reason.
 */
static const char *user_why(const char *s)
{
	size_t i, len = strlen(s);

	if (!len || len > 32)
		return "must be 1 to 32 bytes";
	if (s[0] == '-')
		return "must not start with '-'";
	for (i = 0; i < len; i++)
		if (!isalnum((unsigned char)s[i]) && !strchr("_.-", s[i]))
			return "only letters, digits and \"_.-\" are allowed";
	return NULL;
}

/**
 * run_id_why() - why a text is not a process name, or NULL
 * @s:		the text
 *
 * It names a log file and a state file: no '/', no leading '.'.
 *
 * Return: NULL if valid, else the reason.
 */
static const char *run_id_why(const char *s)
{
	size_t i, len = strlen(s);

	if (!len || len > LAB_RUN_ID_MAX)
		return "must be 1 to 64 bytes";
	if (s[0] == '.' || s[0] == '-')
		return "must not start with '.' or '-'";
	for (i = 0; i < len; i++)
		if (!isalnum((unsigned char)s[i]) && !strchr("_.-", s[i]))
			return "only letters, digits and \"_.-\" are allowed";
	return NULL;
}

/**
 * xstrdup() - strdup() that records a failure in the walk
 * @st:		walk state
 * @s:		the text
 *
 * Return: the copy, or NULL with @st->oom set.
 */
static char *xstrdup(struct yst *st, const char *s)
{
	char *p = strdup(s);

	if (!p)
		st->oom = true;
	return p;
}

/* ------------------------------------------------------------------ dns */

/**
 * struct dns_ctx - a node's `dns:` being read
 * @dns:	the node's dns
 * @search:	char * (owned)
 * @options:	char * (owned)
 * @servers:	struct nsnet_prefix
 */
struct dns_ctx {
	struct lab_dns *dns;
	struct vec search;
	struct vec options;
	struct vec servers;
};

/**
 * dns_server_item() - one of `nameservers:`
 * @st:		walk state
 * @item:	the value
 * @idx:	its index
 * @obj:	struct dns_ctx
 */
static void dns_server_item(struct yst *st, yaml_node_t *item, size_t idx,
			    void *obj)
{
	struct dns_ctx *c = obj;
	struct nsnet_prefix a;

	if (!addr_value(st, item, "nameserver", NSNET_PFX_NO_LEN, &a, NULL))
		return;
	if (idx >= DNS_SERVERS_MAX) {
		lab_diag_add(st->d, pos_of(item),
			     "nameserver %s: at most %d (the resolver reads no more)",
			     lab_pfx(&a, false).s, DNS_SERVERS_MAX);
		return;
	}
	push(st, &c->servers, &a);
}

/**
 * dns_servers() - `nameservers:`: a list of addresses (or one)
 * @st:		walk state
 * @val:	the value
 * @obj:	struct dns_ctx
 */
static void dns_servers(struct yst *st, yaml_node_t *val, void *obj)
{
	if (val->type == YAML_SCALAR_NODE && !is_null(val))
		dns_server_item(st, val, 0, obj);
	else
		walk_list(st, val, "nameservers", dns_server_item, obj);
}

/**
 * dns_word() - add one search domain or option after checking it
 * @st:		walk state
 * @item:	the value
 * @what:	"search" or "options"
 * @v:		where it goes (char *)
 * @max:	how many are allowed (0: no limit)
 */
static void dns_word(struct yst *st, yaml_node_t *item, const char *what,
		     struct vec *v, size_t max)
{
	const char *s = scalar(st, item, what), *why;
	char *copy;

	if (!s)
		return;
	why = !strcmp(what, "search") ? domain_why(s) : option_why(s);
	if (why) {
		lab_diag_add(st->d, pos_of(item), "%s \"%s\": %s", what,
			     lab_show(s).s, why);
		return;
	}
	if (max && v->n >= max) {
		lab_diag_add(st->d, pos_of(item), "%s \"%s\": at most %zu",
			     what, lab_show(s).s, max);
		return;
	}
	copy = xstrdup(st, s);
	if (copy && !push(st, v, &copy))
		free(copy);
}

static void search_item(struct yst *st, yaml_node_t *item, size_t idx,
			void *obj)
{
	dns_word(st, item, "search", &((struct dns_ctx *)obj)->search,
		 DNS_SEARCH_MAX);
}

static void option_item(struct yst *st, yaml_node_t *item, size_t idx,
			void *obj)
{
	dns_word(st, item, "options", &((struct dns_ctx *)obj)->options, 0);
}

/**
 * dns_search() - `search:`: a list of domains (or one)
 * @st:		walk state
 * @val:	the value
 * @obj:	struct dns_ctx
 */
static void dns_search(struct yst *st, yaml_node_t *val, void *obj)
{
	if (val->type == YAML_SCALAR_NODE && !is_null(val))
		search_item(st, val, 0, obj);
	else
		walk_list(st, val, "search", search_item, obj);
}

/**
 * dns_options() - `options:`: a list of resolver options (or one)
 * @st:		walk state
 * @val:	the value
 * @obj:	struct dns_ctx
 */
static void dns_options(struct yst *st, yaml_node_t *val, void *obj)
{
	if (val->type == YAML_SCALAR_NODE && !is_null(val))
		option_item(st, val, 0, obj);
	else
		walk_list(st, val, "options", option_item, obj);
}

static const struct key_rule dns_rules[] = {
	{ "nameservers", dns_servers, false },
	{ "search", dns_search, false },
	{ "options", dns_options, false },
};

/**
 * node_dns() - `dns:` of a node: what its resolv.conf says
 * @st:		walk state
 * @val:	the value
 * @obj:	struct node_ctx
 */
void node_dns(struct yst *st, yaml_node_t *val, void *obj)
{
	struct node_ctx *n = obj;
	struct lab_dns *dns = &n->node.dns;
	struct dns_ctx c = {
		.dns = dns,
		.search.size = sizeof(char *),
		.options.size = sizeof(char *),
		.servers.size = sizeof(struct nsnet_prefix),
	};
	char where[128];

	dns->given = true;
	dns->pos = pos_of(val);
	snprintf(where, sizeof(where), "dns of %s", n->where);
	walk_keys(st, val, dns_rules, ARRAY_SIZE(dns_rules), &c, where);
	dns->servers = c.servers.items;
	dns->n_servers = c.servers.n;
	dns->search = c.search.items;
	dns->n_search = c.search.n;
	dns->options = c.options.items;
	dns->n_options = c.options.n;
}

/* ---------------------------------------------------------------- hosts */

/**
 * host_entry() - one `hosts:` entry: NAME: ADDRESS
 * @st:		walk state
 * @key:	its key
 * @name:	the host name
 * @val:	the address
 * @obj:	struct node_ctx
 */
static void host_entry(struct yst *st, yaml_node_t *key, const char *name,
		       yaml_node_t *val, void *obj)
{
	struct node_ctx *n = obj;
	struct lab_host h = { .pos = pos_of(key) };
	const char *why = domain_why(name);

	if (why) {
		lab_diag_add(st->d, h.pos, "host name \"%s\": %s",
			     lab_show(name).s, why);
		return;
	}
	if (!addr_value(st, val, "hosts address", NSNET_PFX_NO_LEN, &h.addr,
			NULL))
		return;
	h.name = xstrdup(st, name);
	if (h.name && !push(st, &n->hosts, &h))
		free(h.name);
}

/**
 * node_hosts() - `hosts:` of a node: extra lines of its /etc/hosts
 * @st:		walk state
 * @val:	a mapping of names to addresses
 * @obj:	struct node_ctx
 */
void node_hosts(struct yst *st, yaml_node_t *val, void *obj)
{
	walk_named(st, val, "hosts", host_entry, obj);
}

/* ------------------------------------------------------------------ run */

/**
 * split_words() - split a command line into words, the way sh would
 *		   without expanding anything
 * @s:		the command
 * @words:	char * of the words (allocated)
 * @why:	reason of a refusal
 * @len:	size of @why
 *
 * Blanks separate words; '...' is literal; "..." is literal but for \" and
 * \\; a backslash outside quotes takes the next byte literally. What would
 * make a shell do something else than run one program - | & ; < > ` $ - is
 * refused unless quoted, since nsnet runs no shell.
 *
 * Return: 0, -EINVAL with @why set, or -ENOMEM.
 */
static int split_words(const char *s, struct vec *words, char *why, size_t len)
{
	size_t n = strlen(s);
	char *buf = malloc(n + 1), *w;
	size_t o = 0;
	bool in_word = false;
	char q = 0;

	if (!buf)
		return -ENOMEM;
	for (; ; s++) {
		char c = *s;

		if (!q && (c == '\0' || c == ' ' || c == '\t' || c == '\n')) {
			if (in_word) {
				buf[o] = '\0';
				w = strdup(buf);
				if (!w || !vec_push(words)) {
					free(w);
					free(buf);
					return -ENOMEM;
				}
				((char **)words->items)[words->n - 1] = w;
				o = 0;
				in_word = false;
			}
			if (c == '\0')
				break;
			continue;
		}
		if (c == '\0') {
			snprintf(why, len, "unterminated %c quote", q);
			free(buf);
			return -EINVAL;
		}
		in_word = true;
		if (q == '\'') {
			if (c == '\'')
				q = 0;
			else
				buf[o++] = c;
		} else if (q == '"') {
			if (c == '"')
				q = 0;
			else if (c == '\\' && (s[1] == '"' || s[1] == '\\'))
				buf[o++] = *++s;
			else
				buf[o++] = c;
		} else if (c == '\'' || c == '"') {
			q = c;
		} else if (c == '\\' && s[1]) {
			buf[o++] = *++s;
		} else if (strchr("|&;<>`$", c)) {
			snprintf(why, len,
				 "'%c' is shell syntax and nsnet runs no shell (quote it, or run [sh, -c, \"...\"])",
				 c);
			free(buf);
			return -EINVAL;
		} else {
			buf[o++] = c;
		}
	}
	free(buf);
	return 0;
}

/**
 * struct run_ctx - a `run:` entry being read
 * @run:	the entry
 * @args:	char * words (owned until moved into @run)
 * @where:	"run entry N of node NAME"
 */
struct run_ctx {
	struct lab_run run;
	struct vec args;
	char where[128];
};

static void run_arg_item(struct yst *st, yaml_node_t *item, size_t idx,
			 void *obj)
{
	struct run_ctx *c = obj;
	const char *s = scalar(st, item, "command word");
	char *w;

	if (!s)
		return;
	w = xstrdup(st, s);
	if (w && !push(st, &c->args, &w))
		free(w);
}

/**
 * run_command() - `command:` (or the entry itself): a string or a list
 * @st:		walk state
 * @val:	the value
 * @obj:	struct run_ctx
 */
static void run_command(struct yst *st, yaml_node_t *val, void *obj)
{
	struct run_ctx *c = obj;
	char why[160];
	const char *s;
	int err;

	if (val->type == YAML_SEQUENCE_NODE) {
		walk_list(st, val, "command", run_arg_item, c);
		return;
	}
	s = scalar(st, val, "command");
	if (!s)
		return;
	err = split_words(s, &c->args, why, sizeof(why));
	if (err == -ENOMEM)
		st->oom = true;
	else if (err)
		lab_diag_add(st->d, pos_of(val), "command \"%s\": %s",
			     lab_show(s).s, why);
}

/**
 * run_restart() - `restart:`: no, on-failure or always
 * @st:		walk state
 * @val:	the value
 * @obj:	struct run_ctx
 */
static void run_restart(struct yst *st, yaml_node_t *val, void *obj)
{
	struct run_ctx *c = obj;
	const char *s = scalar(st, val, "restart");
	bool b;

	if (!s)
		return;
	if (!strcmp(s, "no") || (bool_value(st, val, &b) && !b))
		c->run.restart = LAB_RESTART_NO;
	else if (!strcmp(s, "on-failure"))
		c->run.restart = LAB_RESTART_ON_FAILURE;
	else if (!strcmp(s, "always"))
		c->run.restart = LAB_RESTART_ALWAYS;
	else
		lab_diag_add(st->d, pos_of(val),
			     "restart \"%s\": expected no, on-failure or always",
			     lab_show(s).s);
}

/**
 * run_user() - `user:`: whom the process runs as
 * @st:		walk state
 * @val:	the value
 * @obj:	struct run_ctx
 */
static void run_user(struct yst *st, yaml_node_t *val, void *obj)
{
	struct run_ctx *c = obj;
	const char *s = scalar(st, val, "user"), *why;

	if (!s)
		return;
	why = user_why(s);
	if (why) {
		lab_diag_add(st->d, pos_of(val), "user \"%s\": %s",
			     lab_show(s).s, why);
		return;
	}
	free(c->run.user);
	c->run.user = xstrdup(st, s);
}

/**
 * run_name() - `name:`: the process's name in `nsnet ps`
 * @st:		walk state
 * @val:	the value
 * @obj:	struct run_ctx
 */
static void run_name(struct yst *st, yaml_node_t *val, void *obj)
{
	struct run_ctx *c = obj;
	const char *s = scalar(st, val, "name"), *why;

	if (!s)
		return;
	why = run_id_why(s);
	if (why) {
		lab_diag_add(st->d, pos_of(val), "name \"%s\": %s",
			     lab_show(s).s, why);
		return;
	}
	strcpy(c->run.id, s);
	c->run.id_given = true;
}

/**
 * ready_why() - read "tcp:PORT" or "tcp:ADDRESS:PORT" ("tcp:[V6]:PORT")
 * @s:		the text
 * @r:		filled on success
 *
 * Return: NULL, or why @s is not a readiness check.
 */
static const char *ready_why(const char *s, struct lab_ready *r)
{
	char addr[64] = "127.0.0.1", *end;
	const char *p, *colon;
	unsigned long port;

	if (strncmp(s, "tcp:", 4) != 0)
		return "expected tcp:PORT or tcp:ADDRESS:PORT (a TCP port the service accepts connections on)";
	p = s + 4;
	colon = strrchr(p, ':');
	if (colon) {
		size_t n = (size_t)(colon - p);

		if (*p == '[' && n >= 2 && p[n - 1] == ']') {
			p++;
			n -= 2;
		}
		if (!n || n >= sizeof(addr))
			return "expected an address before the port";
		memcpy(addr, p, n);
		addr[n] = '\0';
		p = colon + 1;
	}
	errno = 0;
	port = strtoul(p, &end, 10);
	if (!*p || *end || errno || port < 1 || port > 65535 || *p == '+' ||
	    *p == '-')
		return "the port must be a number from 1 to 65535";
	if (nsnet_prefix_parse(addr, NSNET_PFX_NO_LEN, &r->addr))
		return "not an IPv4 or IPv6 address";
	r->port = (unsigned int)port;
	return NULL;
}

/**
 * run_ready() - `ready:`: `up` waits until the service accepts a TCP
 *		 connection
 * @st:		walk state
 * @val:	the value
 * @obj:	struct run_ctx
 */
static void run_ready(struct yst *st, yaml_node_t *val, void *obj)
{
	struct run_ctx *c = obj;
	const char *s = scalar(st, val, "ready"), *why;
	struct lab_ready r = { .pos = pos_of(val) };

	if (!s)
		return;
	why = ready_why(s, &r);
	if (why) {
		lab_diag_add(st->d, r.pos, "ready \"%s\": %s", lab_show(s).s,
			     why);
		return;
	}
	c->run.ready = r;
}

static const struct key_rule run_rules[] = {
	{ "command", run_command, true },
	{ "restart", run_restart, false },
	{ "user", run_user, false },
	{ "name", run_name, false },
	{ "ready", run_ready, false },
};

/**
 * free_words() - free a NULL-terminated or counted array of words
 * @w:		the words
 * @n:		how many
 */
static void free_words(char **w, size_t n)
{
	size_t i;

	for (i = 0; w && i < n; i++)
		free(w[i]);
	free(w);
}

/**
 * run_item() - one `run:` entry: a command string, a list of words, or
 *		{command, restart, user, name, ready}
 * @st:		walk state
 * @item:	the entry
 * @idx:	its index
 * @obj:	struct node_ctx
 */
static void run_item(struct yst *st, yaml_node_t *item, size_t idx, void *obj)
{
	struct node_ctx *n = obj;
	struct run_ctx c = {
		.run.pos = pos_of(item),
		.args.size = sizeof(char *),
	};
	char *end = NULL;

	snprintf(c.where, sizeof(c.where), "run entry %zu of %s", idx + 1,
		 n->where);
	if (item->type == YAML_MAPPING_NODE)
		walk_keys(st, item, run_rules, ARRAY_SIZE(run_rules), &c,
			  c.where);
	else
		run_command(st, item, &c);
	if (!c.args.n) {
		if (!st->oom && item->type != YAML_MAPPING_NODE)
			lab_diag_add(st->d, c.run.pos, "%s: empty command",
				     c.where);
		goto drop;
	}
	if (c.args.n > RUN_ARGS_MAX) {
		lab_diag_add(st->d, c.run.pos, "%s: more than %d words",
			     c.where, RUN_ARGS_MAX);
		goto drop;
	}
	if (!push(st, &c.args, &end))
		goto drop;
	c.run.argv = c.args.items;
	if (push(st, &n->runs, &c.run))
		return;
	c.args.n--;	/* the NULL */
drop:
	free_words(c.args.items, c.args.n);
	free(c.run.user);
}

/**
 * node_run() - `run:` of a node: supervised processes
 * @st:		walk state
 * @val:	a list of commands
 * @obj:	struct node_ctx
 */
void node_run(struct yst *st, yaml_node_t *val, void *obj)
{
	walk_list(st, val, "run", run_item, obj);
}

/**
 * run_default_id() - "<node>-<program>", made unique within the node
 * @node:	the node, its runs read
 * @i:		the run to name
 *
 * Ids given with `name:` are left alone; that two entries of different
 * nodes (or a given one) clash is lab_check()'s to say.
 */
static void run_default_id(struct lab_node *node, size_t i)
{
	struct lab_run *r = &node->runs[i];
	const char *prog = strrchr(r->argv[0], '/');
	char base[LAB_RUN_ID_MAX + 1], num[24], *p;
	size_t k, len, same = 0;

	prog = prog ? prog + 1 : r->argv[0];
	/* Cut long names so that "-N" still fits after them. */
	snprintf(base, sizeof(base), "%.23s-%.32s", node->name,
		 *prog ? prog : "run");
	for (p = base; *p; p++)
		if (!isalnum((unsigned char)*p) && !strchr("_.-", *p))
			*p = '_';
	for (k = 0; k < i; k++)
		if (!node->runs[k].id_given &&
		    !strncmp(node->runs[k].id, base, strlen(base)))
			same++;
	if (!same) {
		strcpy(r->id, base);
		return;
	}
	/* "-N" after as much of the base as fits */
	snprintf(num, sizeof(num), "-%zu", same + 1);
	len = strlen(base);
	if (len + strlen(num) > LAB_RUN_ID_MAX)
		len = LAB_RUN_ID_MAX - strlen(num);
	memcpy(r->id, base, len);
	memcpy(r->id + len, num, strlen(num) + 1);
}

/**
 * node_svc_finish() - move the services read into the node
 * @st:		walk state
 * @c:		the node read
 */
void node_svc_finish(struct yst *st, struct node_ctx *c)
{
	size_t i;

	c->node.hosts = c->hosts.items;
	c->node.n_hosts = c->hosts.n;
	c->node.runs = c->runs.items;
	c->node.n_runs = c->runs.n;
	for (i = 0; i < c->node.n_runs; i++)
		if (!c->node.runs[i].id_given)
			run_default_id(&c->node, i);
}

/**
 * node_svc_free() - free what node_svc_finish() moved into a node
 * @node:	the node
 */
void node_svc_free(struct lab_node *node)
{
	size_t i, n;

	free(node->dns.servers);
	free_words(node->dns.search, node->dns.n_search);
	free_words(node->dns.options, node->dns.n_options);
	for (i = 0; i < node->n_hosts; i++)
		free(node->hosts[i].name);
	free(node->hosts);
	for (i = 0; i < node->n_runs; i++) {
		for (n = 0; node->runs[i].argv[n]; n++)
			;
		free_words(node->runs[i].argv, n);
		free(node->runs[i].user);
	}
	free(node->runs);
}

/* ----------------------------------------------------------------- dhcp */

/**
 * dhcp_range() - `range:`: "FIRST-LAST", two IPv4 addresses
 * @st:		walk state
 * @val:	the value
 * @obj:	struct net_ctx
 */
static void dhcp_range(struct yst *st, yaml_node_t *val, void *obj)
{
	struct lab_dhcp *dh = &((struct net_ctx *)obj)->net.dhcp;
	const char *s = scalar(st, val, "range"), *dash, *why;
	char a[64];
	size_t n;

	dh->range_pos = pos_of(val);
	if (!s)
		return;
	dash = strchr(s, '-');
	n = dash ? (size_t)(dash - s) : 0;
	if (!dash || n >= sizeof(a)) {
		lab_diag_add(st->d, dh->range_pos,
			     "range \"%s\": FIRST-LAST expected (192.168.15.100-192.168.15.150)",
			     lab_show(s).s);
		return;
	}
	memcpy(a, s, n);
	a[n] = '\0';
	why = nsnet_prefix_parse(a, NSNET_PFX_NO_LEN, &dh->first);
	if (!why)
		why = nsnet_prefix_parse(dash + 1, NSNET_PFX_NO_LEN, &dh->last);
	if (!why && (dh->first.family != AF_INET ||
		     dh->last.family != AF_INET))
		why = "IPv4 addresses expected (DHCPv6 is not supported)";
	if (!why && memcmp(dh->first.addr, dh->last.addr, 4) > 0)
		why = "the first address is above the last";
	if (why) {
		lab_diag_add(st->d, dh->range_pos, "range \"%s\": %s",
			     lab_show(s).s, why);
		memset(&dh->first, 0, sizeof(dh->first));
		memset(&dh->last, 0, sizeof(dh->last));
	}
}

/**
 * parse_duration() - "3600", "90s", "30m", "12h", "7d" or "infinite"
 * @s:		the text
 * @out:	seconds (LAB_LEASE_INFINITE for "infinite")
 *
 * Return: true if valid.
 */
static bool parse_duration(const char *s, unsigned int *out)
{
	unsigned long long v, mul = 1;
	char *end;

	if (!strcmp(s, "infinite")) {
		*out = LAB_LEASE_INFINITE;
		return true;
	}
	if (!isdigit((unsigned char)*s))
		return false;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno)
		return false;
	if (*end && end[1])
		return false;
	switch (*end) {
	case '\0': case 's': break;
	case 'm': mul = 60; break;
	case 'h': mul = 3600; break;
	case 'd': mul = 86400; break;
	default: return false;
	}
	if (v > (unsigned long long)(LAB_LEASE_INFINITE - 1) / mul)
		return false;
	*out = (unsigned int)(v * mul);
	return true;
}

/**
 * dhcp_lease() - `lease:`: how long a lease lasts
 * @st:		walk state
 * @val:	the value
 * @obj:	struct net_ctx
 */
static void dhcp_lease(struct yst *st, yaml_node_t *val, void *obj)
{
	struct lab_dhcp *dh = &((struct net_ctx *)obj)->net.dhcp;
	const char *s = scalar(st, val, "lease");

	if (!s)
		return;
	if (!parse_duration(s, &dh->lease))
		lab_diag_add(st->d, pos_of(val),
			     "lease \"%s\": expected seconds or a duration (30m, 12h, 7d) or infinite",
			     lab_show(s).s);
	else if (dh->lease < LEASE_MIN)
		lab_diag_add(st->d, pos_of(val),
			     "lease \"%s\": at least 2m (dnsmasq's shortest)",
			     lab_show(s).s);
}

/**
 * dhcp_server() - `server:`: the node running dnsmasq (default: the host)
 * @st:		walk state
 * @val:	the value
 * @obj:	struct net_ctx
 */
static void dhcp_server(struct yst *st, yaml_node_t *val, void *obj)
{
	struct lab_dhcp *dh = &((struct net_ctx *)obj)->net.dhcp;
	const char *s = scalar(st, val, "server");

	dh->server_pos = pos_of(val);
	if (s)
		name_value(st, val, s, "server", false, dh->server_name);
}

static const struct key_rule dhcp_rules[] = {
	{ "range", dhcp_range, true },
	{ "lease", dhcp_lease, false },
	{ "server", dhcp_server, false },
};

/**
 * net_dhcp() - `dhcp:` of a network: {range, lease?, server?}
 * @st:		walk state
 * @val:	the value
 * @obj:	struct net_ctx
 */
void net_dhcp(struct yst *st, yaml_node_t *val, void *obj)
{
	struct net_ctx *c = obj;
	char where[128];

	c->net.dhcp.on = true;
	c->net.dhcp.pos = pos_of(val);
	c->net.dhcp.lease = LAB_LEASE_DEFAULT;
	snprintf(where, sizeof(where), "dhcp of %s", c->where);
	if (val->type != YAML_MAPPING_NODE) {
		lab_diag_add(st->d, pos_of(val),
			     "dhcp: expected {range: FIRST-LAST}, got %s",
			     kind_text(val).s);
		c->net.dhcp.on = false;
		return;
	}
	walk_keys(st, val, dhcp_rules, ARRAY_SIZE(dhcp_rules), c, where);
}
