// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cmd_neigh.c - nsnet neigh show (the ARP and NDP tables)
 */
#include <stdlib.h>
#include <string.h>

#include <linux/neighbour.h>

#include "cli.h"

/**
 * neigh_show() - nsnet neigh show [dev IF]
 * @c:		invocation
 * @argc:	argument count
 * @argv:	arguments
 *
 * Return: exit code.
 */
static int neigh_show(struct cli *c, int argc, char **argv)
{
	struct nsnet_neigh *ents;
	const char *dev = NULL;
	struct linkmap m;
	json_t *arr;
	int i, n, rc, index = 0;

	if (argc && strcmp(argv[0], "dev"))
		return cli_usage(c, "neigh show: unexpected \"%s\"", argv[0]);
	if ((rc = cli_dev_arg(c, argc, argv, "neigh show", &dev)) ||
	    (rc = cli_links(c, &m)))
		return rc;
	if (dev && (index = cli_find_dev(c, &m, dev)) < 0) {
		free(m.links);
		return EXIT_USAGE;
	}
	n = nsnet_neigh_list(c->ctx, c->ns, c->family, &ents);
	if (n < 0) {
		free(m.links);
		return cli_lib_error(c);
	}
	arr = json_array();
	for (i = 0; i < n; i++) {
		if (dev && ents[i].ifindex != index)
			continue;
		/* Like ip, hide NOARP entries (multicast mappings): they are
		 * computed, not learned, and say nothing about neighbours. */
		if (ents[i].state & NUD_NOARP)
			continue;
		json_array_append_new(arr, render_neigh(&ents[i], &m));
	}
	free(ents);
	free(m.links);
	return cli_emit(c, arr, text_neigh);
}

static const struct cli_cmd neigh_cmds[] = {
	{ "show", "list", "[dev IF]", "list neighbours: the ARP/NDP table (the default)", neigh_show },
	{ NULL, NULL, NULL, NULL, NULL },
};

const struct cli_object cli_neigh = {
	.name = "neigh",
	.aliases = { "neighbour", "neighbor" },
	.summary = "the neighbour (ARP) table",
	.cmds = neigh_cmds,
	.dflt = "show",
	.uses_ns = true,
};
