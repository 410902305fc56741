// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cmd_route.c - nsnet route add|del|show
 */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

/**
 * route_parse() - parse "[to] (default|CIDR) [via GW] [dev IF]"
 * @c:		invocation
 * @argc:	argument count
 * @argv:	arguments after the verb
 * @verb:	"add" or "del", for messages
 * @sp:		the route; @sp->via points into @gw
 * @gw:		storage for the gateway
 *
 * "default" takes its family from the gateway (or -6), as in iproute2.
 * A destination with host bits is refused, as the kernel would.
 *
 * Return: EXIT_OK or EXIT_USAGE.
 */
int route_parse(struct cli *c, int argc, char **argv, const char *verb,
		struct nsnet_route_spec *sp, struct nsnet_prefix *gw)
{
	const char *dst = NULL;
	int i, rc;

	memset(sp, 0, sizeof(*sp));
	for (i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "via")) {
			if ((rc = cli_need(c, argc, argv, i, "gateway")) ||
			    (rc = cli_prefix(c, "gateway", argv[i + 1],
					     NSNET_PFX_NO_LEN, gw)))
				return rc;
			sp->via = gw;
			i++;
		} else if (!strcmp(argv[i], "dev")) {
			if ((rc = cli_need(c, argc, argv, i, "interface name")) ||
			    (rc = cli_ifname(c, "dev", argv[i + 1])))
				return rc;
			sp->dev = argv[++i];
		} else if (!strcmp(argv[i], "to") && !dst) {
			if ((rc = cli_need(c, argc, argv, i, "destination")))
				return rc;
			dst = argv[++i];
		} else if (!dst) {
			dst = argv[i];
		} else {
			return cli_usage(c, "route %s: unexpected \"%s\"", verb,
					 argv[i]);
		}
	}
	if (!dst)
		return cli_usage(c, "route %s: missing destination (default or ADDRESS/LEN)",
				 verb);
	rc = cli_prefix(c, "destination", dst,
			NSNET_PFX_DEFAULT | NSNET_PFX_NO_HOSTBITS, &sp->dst);
	if (rc)
		return rc;
	if (!strcmp(dst, "default") &&
	    ((sp->via && sp->via->family == AF_INET6) || c->family == AF_INET6))
		sp->dst.family = AF_INET6;
	if (sp->via && sp->via->family != sp->dst.family)
		return cli_usage(c, "gateway \"%s\": not of the destination's family",
				 argv[i - 1]);
	if (!sp->via && !sp->dev && !strcmp(verb, "add"))
		return cli_usage(c, "route %s %s: needs \"via GATEWAY\" or \"dev IF\"",
				 verb, dst);
	return EXIT_OK;
}

/**
 * route_add() - nsnet route add ...
 * @c:		invocation
 * @argc:	argument count
 * @argv:	arguments
 *
 * Return: exit code.
 */
static int route_add(struct cli *c, int argc, char **argv)
{
	struct nsnet_route_spec sp;
	struct nsnet_prefix gw;
	int rc;

	if ((rc = route_parse(c, argc, argv, "add", &sp, &gw)) ||
	    (rc = cli_ctx(c)))
		return rc;
	return nsnet_route_add(c->ctx, c->ns, &sp) ? cli_lib_error(c) : EXIT_OK;
}

/**
 * route_del() - nsnet route del ...
 * @c:		invocation
 * @argc:	argument count
 * @argv:	arguments
 *
 * Return: exit code.
 */
static int route_del(struct cli *c, int argc, char **argv)
{
	struct nsnet_route_spec sp;
	struct nsnet_prefix gw;
	int rc;

	if ((rc = route_parse(c, argc, argv, "del", &sp, &gw)) ||
	    (rc = cli_ctx(c)))
		return rc;
	return nsnet_route_del(c->ctx, c->ns, &sp) ? cli_lib_error(c) : EXIT_OK;
}

/**
 * route_show() - nsnet route show (IPv4 unless -6, as `ip route`)
 * @c:		invocation
 * @argc:	argument count
 * @argv:	arguments
 *
 * Return: exit code.
 */
static int route_show(struct cli *c, int argc, char **argv)
{
	struct nsnet_route *routes;
	struct linkmap m;
	json_t *arr;
	int i, n, rc;

	if (argc)
		return cli_usage(c, "route show: unexpected \"%s\"", argv[0]);
	if ((rc = cli_links(c, &m)))
		return rc;
	n = nsnet_route_list(c->ctx, c->ns, c->family ? c->family : AF_INET,
			     &routes);
	if (n < 0) {
		free(m.links);
		return cli_lib_error(c);
	}
	arr = json_array();
	for (i = 0; i < n; i++)
		json_array_append_new(arr, render_route(&routes[i], &m));
	free(routes);
	free(m.links);
	return cli_emit(c, arr, text_route);
}

static const struct cli_cmd route_cmds[] = {
	{ "add", NULL, "default|ADDRESS/LEN [via GATEWAY] [dev IF]", "add a route to the main table", route_add },
	{ "del", "delete", "default|ADDRESS/LEN [via GATEWAY] [dev IF]", "delete a route", route_del },
	{ "show", "list", "", "list routes of the main table (the default)", route_show },
	{ NULL, NULL, NULL, NULL, NULL },
};

const struct cli_object cli_route = {
	.name = "route",
	.summary = "routes: default, subnet and host routes, via a gateway or a device",
	.cmds = route_cmds,
	.dflt = "show",
	.uses_ns = true,
};
