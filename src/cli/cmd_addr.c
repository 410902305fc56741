// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cmd_addr.c - nsnet addr add|del|show
 */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

/**
 * addr_parse() - parse "CIDR dev IF" in either order, as iproute2 allows
 * @c:		invocation
 * @argc:	argument count
 * @argv:	arguments after the verb
 * @verb:	"add" or "del", for messages
 * @p:		the address
 * @dev:	the interface
 *
 * Without "/LEN" the address gets its full width, like `ip addr add`.
 *
 * Return: EXIT_OK or EXIT_USAGE.
 */
int addr_parse(struct cli *c, int argc, char **argv, const char *verb,
	       struct nsnet_prefix *p, const char **dev)
{
	const char *addr = NULL;
	int i, rc;

	*dev = NULL;
	for (i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "dev")) {
			if ((rc = cli_need(c, argc, argv, i, "interface name")))
				return rc;
			*dev = argv[++i];
		} else if (!strcmp(argv[i], "local") && !addr) {
			if ((rc = cli_need(c, argc, argv, i, "address")))
				return rc;
			addr = argv[++i];
		} else if (!addr) {
			addr = argv[i];
		} else {
			return cli_usage(c, "addr %s: unexpected \"%s\"", verb,
					 argv[i]);
		}
	}
	if (!addr)
		return cli_usage(c, "addr %s: missing ADDRESS[/LEN]", verb);
	if (!*dev)
		return cli_usage(c, "addr %s %s: missing \"dev IF\"", verb, addr);
	if ((rc = cli_ifname(c, "dev", *dev)))
		return rc;
	rc = cli_prefix(c, "address", addr, 0, p);
	if (!rc && c->family && p->family != c->family)
		rc = cli_usage(c, "address \"%s\": not of the family -%c asks for",
			       addr, c->family == AF_INET ? '4' : '6');
	return rc;
}

/**
 * addr_add() - nsnet addr add CIDR dev IF
 * @c:		invocation
 * @argc:	argument count
 * @argv:	arguments
 *
 * Return: exit code.
 */
static int addr_add(struct cli *c, int argc, char **argv)
{
	struct nsnet_prefix p;
	const char *dev;
	int rc;

	if ((rc = addr_parse(c, argc, argv, "add", &p, &dev)) ||
	    (rc = cli_ctx(c)))
		return rc;
	return nsnet_addr_add(c->ctx, c->ns, dev, &p) ? cli_lib_error(c) :
							EXIT_OK;
}

/**
 * addr_del() - nsnet addr del CIDR dev IF
 * @c:		invocation
 * @argc:	argument count
 * @argv:	arguments
 *
 * Return: exit code.
 */
static int addr_del(struct cli *c, int argc, char **argv)
{
	struct nsnet_prefix p;
	const char *dev;
	int rc;

	if ((rc = addr_parse(c, argc, argv, "del", &p, &dev)) ||
	    (rc = cli_ctx(c)))
		return rc;
	return nsnet_addr_del(c->ctx, c->ns, dev, &p) ? cli_lib_error(c) :
							EXIT_OK;
}

/**
 * addr_show() - nsnet addr show [dev IF]
 * @c:		invocation
 * @argc:	argument count
 * @argv:	arguments
 *
 * One dump of links and one of addresses, joined here: the JSON is
 * `ip -j addr`'s, a link object with an "addr_info" array.
 *
 * Return: exit code.
 */
static int addr_show(struct cli *c, int argc, char **argv)
{
	struct nsnet_address *addrs;
	const char *dev = NULL;
	struct linkmap m;
	json_t *arr;
	int i, j, n, rc;

	if ((rc = cli_dev_arg(c, argc, argv, "addr show", &dev)) ||
	    (rc = cli_links(c, &m)))
		return rc;
	if (dev && cli_find_dev(c, &m, dev) < 0) {
		free(m.links);
		return EXIT_USAGE;
	}
	n = nsnet_addr_list(c->ctx, c->ns, c->family, &addrs);
	if (n < 0) {
		free(m.links);
		return cli_lib_error(c);
	}
	arr = json_array();
	for (i = 0; i < m.n; i++) {
		json_t *link, *info;

		if (dev && strcmp(m.links[i].name, dev))
			continue;
		link = render_link(&m.links[i], &m);
		info = json_array();
		for (j = 0; j < n; j++)
			if (addrs[j].ifindex == m.links[i].ifindex)
				json_array_append_new(info,
						      render_addr(&addrs[j]));
		json_object_set_new(link, "addr_info", info);
		json_array_append_new(arr, link);
	}
	free(addrs);
	free(m.links);
	return cli_emit(c, arr, text_addr);
}

static const struct cli_cmd addr_cmds[] = {
	{ "add", NULL, "ADDRESS[/LEN] dev IF", "add an IPv4 or IPv6 address", addr_add },
	{ "del", "delete", "ADDRESS[/LEN] dev IF", "remove an address", addr_del },
	{ "show", "list", "[[dev] IF]", "list interfaces with addresses (the default)", addr_show },
	{ NULL, NULL, NULL, NULL, NULL },
};

const struct cli_object cli_addr = {
	.name = "addr",
	.aliases = { "address" },
	.summary = "IPv4 and IPv6 addresses",
	.cmds = addr_cmds,
	.dflt = "show",
	.uses_ns = true,
};
