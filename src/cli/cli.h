/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cli.h - what the nsnet command's files share
 */
#ifndef NSNET_CLI_H
#define NSNET_CLI_H

#include <stdbool.h>
#include <stdio.h>

#include <sys/socket.h>

#include <jansson.h>

#include "nsnet/nsnet.h"

/* Exit codes: success, the operation failed, usage or invalid input. */
#define EXIT_OK		0
#define EXIT_FAILED	1
#define EXIT_USAGE	2

/**
 * struct cli - one invocation's settings; passed to every command
 * @ctx:	library context (NULL until a command needs the kernel)
 * @ns:		-n NS, or NULL
 * @json:	-j: print JSON
 * @pretty:	-p: indent JSON
 * @family:	-4 / -6, or 0
 * @verbose:	-v: list each operation of up/down
 * @all:	-all: `netns exec` in every named namespace
 * @width:	a column width computed by a table's header, for its rows
 * @out:	where results go (stdout; a memory stream in unit tests)
 * @err:	where errors go (stderr)
 */
struct cli {
	struct nsnet_ctx *ctx;
	const char *ns;
	bool json;
	bool pretty;
	int family;
	bool verbose;
	bool all;
	int width;
	FILE *out;
	FILE *err;
};

/**
 * struct cli_cmd - one verb of an object
 * @name:	the verb, matched exactly
 * @alias:	another exact spelling (iproute2's), or NULL
 * @usage:	arguments, for help
 * @summary:	one line, for help
 * @run:	runs it with the arguments after the verb; returns an exit code
 */
struct cli_cmd {
	const char *name;
	const char *alias;
	const char *usage;
	const char *summary;
	int (*run)(struct cli *c, int argc, char **argv);
};

/**
 * struct cli_object - an object (netns, link, ...) and its verbs
 * @name:	the object, matched exactly
 * @aliases:	other exact spellings, NULL-terminated
 * @summary:	one line, for help
 * @cmds:	its verbs, terminated by an entry with a NULL name
 * @dflt:	the verb used when none is given ("show")
 * @uses_ns:	whether -n NS applies
 */
struct cli_object {
	const char *name;
	const char *aliases[3];
	const char *summary;
	const struct cli_cmd *cmds;
	const char *dflt;
	bool uses_ns;
};

extern const struct cli_object cli_netns, cli_link, cli_addr, cli_route,
	cli_neigh, cli_nat, cli_forward;
extern const struct cli_cmd cli_lab_cmds[];
extern const struct cli_cmd cli_proc_cmds[];	/* cmd_proc.c */
int cli_graph(struct cli *c, int argc, char **argv);
int cli_check(struct cli *c, int argc, char **argv);
int cli_doctor(struct cli *c, int argc, char **argv);

/* cmd_dhcp.c: `nsnet [-n NS] dhcp IFACE ...` (a verb of its own, -n applies) */
extern const char cli_dhcp_usage[], cli_dhcp_summary[];
int cli_dhcp(struct cli *c, int argc, char **argv);

/* args.c: errors and argument helpers */
int cli_usage(struct cli *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
int cli_lib_error(struct cli *c);
int cli_ctx(struct cli *c);
int cli_need(struct cli *c, int argc, char **argv, int i, const char *what);
int cli_prefix(struct cli *c, const char *what, const char *s,
	       unsigned int flags, struct nsnet_prefix *out);
int cli_ifname(struct cli *c, const char *what, const char *s);
int cli_lab_name(struct cli *c, const char *s);
int cli_lab_up(struct cli *c, const char *lab);
const char *cli_self_prog(const char *name, char *buf, size_t len);
int cli_uint(struct cli *c, const char *what, const char *s,
	     unsigned long max, unsigned long *out);
int cli_dev_arg(struct cli *c, int argc, char **argv, const char *what,
		const char **name);
int cli_emit(struct cli *c, json_t *arr,
	     void (*text)(struct cli *c, json_t *item));

/**
 * struct link_add_args - a parsed `link add`
 * @name:	first (or only) interface
 * @name_ns:	netns of @name, or NULL
 * @type:	"veth" or "bridge"
 * @peer:	veth peer name, or NULL for the kernel's choice
 * @peer_ns:	netns of @peer, or NULL
 */
struct link_add_args {
	const char *name;
	const char *name_ns;
	const char *type;
	const char *peer;
	const char *peer_ns;
};
int link_add_parse(struct cli *c, int argc, char **argv,
		   struct link_add_args *a);
int link_set_parse(struct cli *c, int argc, char **argv, const char **name,
		   struct nsnet_link_change *ch);
int addr_parse(struct cli *c, int argc, char **argv, const char *verb,
	       struct nsnet_prefix *p, const char **dev);
int route_parse(struct cli *c, int argc, char **argv, const char *verb,
		struct nsnet_route_spec *sp, struct nsnet_prefix *gw);

/* heap.c: the program's heap in huge pages */
void *heap_tune(void);
void heap_release(void *filler);

/* dispatch.c: global options, dispatch and help */
int cli_main(struct cli *c, int argc, char **argv);
void cli_help(struct cli *c, FILE *f, const struct cli_object *only);

/* render.c: one JSON object per kernel object, in iproute2's keys */
/**
 * struct linkmap - interfaces of one namespace, to name ifindexes
 * @links:	sorted by ifindex
 * @n:		count
 * @peers:	where each link's other end is (aligned with @links), or NULL
 */
struct linkmap {
	struct nsnet_link *links;
	int n;
	struct nsnet_peer *peers;
};
int cli_links(struct cli *c, struct linkmap *m);
int cli_find_dev(struct cli *c, const struct linkmap *m, const char *name);
const struct nsnet_link *linkmap_find(const struct linkmap *m, int ifindex);
const char *linkmap_name(const struct linkmap *m, int ifindex, char *buf,
			 size_t len);
json_t *render_link(const struct nsnet_link *l, const struct linkmap *m);
json_t *render_addr(const struct nsnet_address *a);
json_t *render_route(const struct nsnet_route *r, const struct linkmap *m);
json_t *render_neigh(const struct nsnet_neigh *e, const struct linkmap *m);
json_t *render_netns(const struct nsnet_netns *n);
void text_link(struct cli *c, json_t *link);
void text_addr(struct cli *c, json_t *link);
void text_route(struct cli *c, json_t *route);
void text_neigh(struct cli *c, json_t *neigh);
void text_netns(struct cli *c, json_t *netns);
json_t *render_netns_info(const struct nsnet_netns_info *e);
void text_netns_info_head(struct cli *c, json_t *arr);
void text_netns_info(struct cli *c, json_t *e);
json_t *render_lab_if(const struct nsnet_lab_if *e);
void render_lab_fw(const struct nsnet_lab_fw *fw, json_t *status);
json_t *render_lease(const struct nsnet_lease *l);
void text_lab(struct cli *c, json_t *lab);
void text_lab_status(struct cli *c, json_t *status);

#endif /* NSNET_CLI_H */
