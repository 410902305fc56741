// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cmd_link.c - nsnet link add|set|del|show
 */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

/**
 * link_add_parse() - parse `link add` as iproute2 spells it
 * @c:		invocation
 * @argc:	argument count
 * @argv:	arguments after "add"
 * @a:		result
 *
 * [name] NAME [netns NS] type veth [peer [name] PEER [netns NS]]
 * [name] NAME type bridge
 *
 * Return: EXIT_OK or EXIT_USAGE.
 */
int link_add_parse(struct cli *c, int argc, char **argv,
		   struct link_add_args *a)
{
	bool peer = false;
	int i, rc;

	memset(a, 0, sizeof(*a));
	for (i = 0; i < argc; i++) {
		const char *w = argv[i];

		if (!strcmp(w, "type")) {
			if ((rc = cli_need(c, argc, argv, i, "link type")))
				return rc;
			a->type = argv[++i];
			if (strcmp(a->type, "veth") && strcmp(a->type, "bridge"))
				return cli_usage(c, "link type \"%s\": unknown type (known: veth, bridge)",
						 a->type);
		} else if (!strcmp(w, "peer") && a->type &&
			   !strcmp(a->type, "veth") && !peer) {
			peer = true;
		} else if (!strcmp(w, "netns")) {
			if ((rc = cli_need(c, argc, argv, i, "namespace")))
				return rc;
			*(peer ? &a->peer_ns : &a->name_ns) = argv[++i];
		} else if (!strcmp(w, "name") || !strcmp(w, "dev")) {
			if ((rc = cli_need(c, argc, argv, i, "interface name")))
				return rc;
			*(peer ? &a->peer : &a->name) = argv[++i];
		} else if (peer ? !a->peer : !a->name) {
			*(peer ? &a->peer : &a->name) = w;
		} else {
			return cli_usage(c, "link add: unexpected \"%s\"", w);
		}
	}
	if (!a->name)
		return cli_usage(c, "link add: missing NAME");
	if (!a->type)
		return cli_usage(c, "link add %s: missing \"type veth|bridge\"",
				 a->name);
	if ((rc = cli_ifname(c, "interface name", a->name)))
		return rc;
	if (a->peer && (rc = cli_ifname(c, "peer name", a->peer)))
		return rc;
	if (!strcmp(a->type, "bridge") && (peer || a->name_ns))
		return cli_usage(c, "link add %s: a bridge takes no peer or netns",
				 a->name);
	return EXIT_OK;
}

/**
 * link_add() - nsnet link add ...
 * @c:		invocation
 * @argc:	argument count
 * @argv:	arguments
 *
 * Return: exit code.
 */
static int link_add(struct cli *c, int argc, char **argv)
{
	struct link_add_args a;
	int rc, err;

	if ((rc = link_add_parse(c, argc, argv, &a)) || (rc = cli_ctx(c)))
		return rc;
	if (!strcmp(a.type, "bridge"))
		err = nsnet_link_add_bridge(c->ctx, c->ns, a.name);
	else
		err = nsnet_link_add_veth(c->ctx, c->ns, a.name, a.name_ns,
					  a.peer, a.peer_ns);
	return err ? cli_lib_error(c) : EXIT_OK;
}

/**
 * link_set_parse() - parse `link set [dev] NAME CHANGE...`
 * @c:		invocation
 * @argc:	argument count
 * @argv:	arguments after "set"
 * @name:	the interface
 * @ch:		the changes
 *
 * Return: EXIT_OK or EXIT_USAGE.
 */
int link_set_parse(struct cli *c, int argc, char **argv, const char **name,
		   struct nsnet_link_change *ch)
{
	unsigned long mtu;
	int i, rc;

	memset(ch, 0, sizeof(*ch));
	*name = NULL;
	for (i = 0; i < argc; i++) {
		const char *w = argv[i];

		if (!strcmp(w, "up") || !strcmp(w, "down")) {
			ch->up = w[0] == 'u' ? 1 : -1;
		} else if (!strcmp(w, "nomaster")) {
			ch->nomaster = true;
		} else if (!strcmp(w, "netns")) {
			if ((rc = cli_need(c, argc, argv, i, "namespace or PID")))
				return rc;
			ch->netns = argv[++i];
		} else if (!strcmp(w, "master")) {
			if ((rc = cli_need(c, argc, argv, i, "bridge name")) ||
			    (rc = cli_ifname(c, "master", argv[i + 1])))
				return rc;
			ch->master = argv[++i];
		} else if (!strcmp(w, "mtu")) {
			if ((rc = cli_need(c, argc, argv, i, "MTU")) ||
			    (rc = cli_uint(c, "mtu", argv[i + 1], 0xffffffffUL, &mtu)))
				return rc;
			if (mtu == 0)
				return cli_usage(c, "mtu \"%s\": must be positive", argv[i + 1]);
			ch->mtu = (unsigned int)mtu;
			i++;
		} else if (!strcmp(w, "name")) {
			if ((rc = cli_need(c, argc, argv, i, "new name")) ||
			    (rc = cli_ifname(c, "new name", argv[i + 1])))
				return rc;
			ch->name = argv[++i];
		} else if (!strcmp(w, "dev") && !*name) {
			if ((rc = cli_need(c, argc, argv, i, "interface name")))
				return rc;
			*name = argv[++i];
		} else if (!*name) {
			*name = w;
		} else {
			return cli_usage(c, "link set %s: unknown change \"%s\"",
					 *name, w);
		}
	}
	if (!*name)
		return cli_usage(c, "link set: missing interface name");
	if ((rc = cli_ifname(c, "interface name", *name)))
		return rc;
	if (ch->master && ch->nomaster)
		return cli_usage(c, "link set %s: both master and nomaster",
				 *name);
	if (!ch->up && !ch->netns && !ch->master && !ch->nomaster && !ch->mtu &&
	    !ch->name)
		return cli_usage(c, "link set %s: nothing to change", *name);
	return EXIT_OK;
}

/**
 * link_set() - nsnet link set ...
 * @c:		invocation
 * @argc:	argument count
 * @argv:	arguments
 *
 * Return: exit code.
 */
static int link_set(struct cli *c, int argc, char **argv)
{
	struct nsnet_link_change ch;
	const char *name;
	int rc;

	if ((rc = link_set_parse(c, argc, argv, &name, &ch)) ||
	    (rc = cli_ctx(c)))
		return rc;
	return nsnet_link_set(c->ctx, c->ns, name, &ch) ? cli_lib_error(c) :
							   EXIT_OK;
}

/**
 * link_del() - nsnet link del [dev] NAME
 * @c:		invocation
 * @argc:	argument count
 * @argv:	arguments
 *
 * Return: exit code.
 */
static int link_del(struct cli *c, int argc, char **argv)
{
	const char *name;
	int rc;

	if ((rc = cli_dev_arg(c, argc, argv, "link del", &name)))
		return rc;
	if (!name)
		return cli_usage(c, "link del: missing interface name");
	if ((rc = cli_ctx(c)))
		return rc;
	return nsnet_link_del(c->ctx, c->ns, name) ? cli_lib_error(c) : EXIT_OK;
}

/**
 * cli_links() - dump the links of the invocation's namespace
 * @c:		invocation
 * @m:		result, sorted by ifindex; free m->links
 *
 * Return: EXIT_OK or an exit code after reporting.
 */
int cli_links(struct cli *c, struct linkmap *m)
{
	int rc = cli_ctx(c);

	m->peers = NULL;
	if (rc)
		return rc;
	m->n = nsnet_link_list(c->ctx, c->ns, &m->links);
	if (m->n < 0) {
		m->links = NULL;
		return cli_lib_error(c);
	}
	/* Open vSwitch ports show their bridge as master, as bridge ports do
	 * (OVS runs in the host's namespace). */
	if ((!c->ns || !*c->ns) && nsnet_ovs_masters(c->ctx, m->links, m->n)) {
		free(m->links);
		m->links = NULL;
		return cli_lib_error(c);
	}
	return EXIT_OK;
}

/**
 * link_show() - nsnet link show [[dev] NAME]
 * @c:		invocation
 * @argc:	argument count
 * @argv:	arguments
 *
 * Return: exit code.
 */
static int link_show(struct cli *c, int argc, char **argv)
{
	const char *name = NULL, *master = NULL;
	struct linkmap m;
	json_t *arr;
	int i, rc, index = 0;

	if (argc && !strcmp(argv[0], "master")) {
		if ((rc = cli_need(c, argc, argv, 0, "bridge name")))
			return rc;
		if (argc > 2)
			return cli_usage(c, "link show: unexpected \"%s\"", argv[2]);
		master = argv[1];
		name = master;	/* it must exist, even without ports */
	} else if ((rc = cli_dev_arg(c, argc, argv, "link show", &name))) {
		return rc;
	}
	if ((rc = cli_links(c, &m)))
		return rc;
	if (name && (index = cli_find_dev(c, &m, name)) < 0) {
		free(m.links);
		return EXIT_USAGE;
	}
	/* Name the far end of veths in other namespaces, which ip leaves
	 * as a bare "link-netnsid N". */
	if (nsnet_link_peers(c->ctx, c->ns, m.links, m.n, &m.peers)) {
		free(m.links);
		return cli_lib_error(c);
	}
	arr = json_array();
	for (i = 0; i < m.n; i++) {
		if (master ? m.links[i].master != index :
			     name && m.links[i].ifindex != index)
			continue;
		json_array_append_new(arr, render_link(&m.links[i], &m));
	}
	free(m.peers);
	free(m.links);
	return cli_emit(c, arr, text_link);
}

static const struct cli_cmd link_cmds[] = {
	{ "add", NULL, "NAME type veth [peer name PEER] [netns NS]", "create a veth pair (a virtual cable)", link_add },
	{ "add", NULL, "NAME type bridge", "create a Linux bridge (a virtual switch)", link_add },
	{ "set", NULL, "[dev] NAME up|down|netns NS|master BR|nomaster|mtu N|name NEW", "change an interface", link_set },
	{ "del", "delete", "[dev] NAME", "delete an interface (a veth takes its peer along)", link_del },
	{ "show", "list", "[[dev] NAME | master BR]", "list interfaces (the default)", link_show },
	{ NULL, NULL, NULL, NULL, NULL },
};

const struct cli_object cli_link = {
	.name = "link",
	.summary = "network interfaces: veth pairs, bridges",
	.cmds = link_cmds,
	.dflt = "show",
	.uses_ns = true,
};
