// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cmd_netns.c - nsnet netns add|del|list|exec|identify|pids|attach
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

/**
 * check_name() - refuse a bad namespace name before any system call
 * @c:		invocation
 * @name:	the name
 *
 * Return: EXIT_OK or EXIT_USAGE.
 */
static int check_name(struct cli *c, const char *name)
{
	const char *why = nsnet_check_nsname(name);

	return why ? cli_usage(c, "netns \"%s\": %s", name, why) : EXIT_OK;
}

/**
 * one_name() - the single NAME argument of add/del/pids
 * @c:		invocation
 * @argc:	argument count
 * @argv:	arguments
 * @verb:	for messages
 *
 * Return: EXIT_OK or EXIT_USAGE.
 */
static int one_name(struct cli *c, int argc, char **argv, const char *verb)
{
	if (argc != 1)
		return cli_usage(c, "netns %s: expects exactly one NAME", verb);
	return check_name(c, argv[0]);
}

/**
 * netns_add() - nsnet netns add NAME
 * @c:		invocation
 * @argc:	argument count
 * @argv:	arguments
 *
 * Return: exit code.
 */
static int netns_add(struct cli *c, int argc, char **argv)
{
	int rc = one_name(c, argc, argv, "add");

	if (rc || (rc = cli_ctx(c)))
		return rc;
	return nsnet_netns_add(c->ctx, argv[0]) ? cli_lib_error(c) : EXIT_OK;
}

/**
 * netns_del() - nsnet netns del NAME
 * @c:		invocation
 * @argc:	argument count
 * @argv:	arguments
 *
 * Return: exit code.
 */
static int netns_del(struct cli *c, int argc, char **argv)
{
	int rc = one_name(c, argc, argv, "del");

	if (rc || (rc = cli_ctx(c)))
		return rc;
	return nsnet_netns_del(c->ctx, argv[0]) ? cli_lib_error(c) : EXIT_OK;
}

/**
 * netns_list_all() - nsnet netns list --all
 * @c:		invocation
 *
 * Return: exit code.
 */
static int netns_list_all(struct cli *c)
{
	struct nsnet_netns_info *ns;
	json_t *arr;
	int n, i, rc;

	if ((rc = cli_ctx(c)))
		return rc;
	n = nsnet_netns_list_all(c->ctx, &ns);
	if (n < 0)
		return cli_lib_error(c);
	arr = json_array();
	for (i = 0; i < n; i++)
		json_array_append_new(arr, render_netns_info(&ns[i]));
	free(ns);
	if (!c->json)
		text_netns_info_head(c, arr);
	return cli_emit(c, arr, text_netns_info);
}

/**
 * netns_list() - nsnet netns list
 * @c:		invocation
 * @argc:	argument count
 * @argv:	arguments
 *
 * Return: exit code.
 */
static int netns_list(struct cli *c, int argc, char **argv)
{
	struct nsnet_netns *ns;
	json_t *arr;
	int n, i, rc;

	if (argc == 1 && (!strcmp(argv[0], "--all") || !strcmp(argv[0], "all")))
		return netns_list_all(c);
	if (argc)
		return cli_usage(c, "netns list: unexpected \"%s\"", argv[0]);
	if ((rc = cli_ctx(c)))
		return rc;
	n = nsnet_netns_list(c->ctx, &ns);
	if (n < 0)
		return cli_lib_error(c);
	arr = json_array();
	for (i = 0; i < n; i++)
		json_array_append_new(arr, render_netns(&ns[i]));
	free(ns);
	return cli_emit(c, arr, text_netns);
}

/**
 * netns_exec() - nsnet netns exec NAME CMD...
 * @c:		invocation
 * @argc:	argument count
 * @argv:	arguments
 *
 * Like `ip netns exec`, the command replaces nsnet, so its exit status is
 * the command's own. 127 means it could not be run, as in a shell.
 *
 * Return: exit code (only on failure).
 */
static int netns_exec(struct cli *c, int argc, char **argv)
{
	int rc;

	if (argc < 2)
		return cli_usage(c, "netns exec: expects NAME and a command");
	if ((rc = check_name(c, argv[0])) || (rc = cli_ctx(c)))
		return rc;
	if (nsnet_netns_enter(c->ctx, argv[0]))
		return cli_lib_error(c);
	nsnet_ctx_free(c->ctx);
	c->ctx = NULL;
	fflush(c->out);
	execvp(argv[1], argv + 1);
	fprintf(c->err, "nsnet: exec \"%s\": %s\n", argv[1], strerror(errno));
	return errno == ENOENT ? 127 : 126;
}

/**
 * parse_pid() - a PID argument
 * @c:		invocation
 * @s:		text
 * @pid:	result
 *
 * Return: EXIT_OK or EXIT_USAGE.
 */
static int parse_pid(struct cli *c, const char *s, pid_t *pid)
{
	unsigned long v;
	int rc = cli_uint(c, "pid", s, 0x3fffffff, &v);

	if (!rc && v == 0)
		rc = cli_usage(c, "pid \"%s\": not a process id", s);
	*pid = (pid_t)v;
	return rc;
}

/**
 * netns_identify() - nsnet netns identify [PID]
 * @c:		invocation
 * @argc:	argument count
 * @argv:	arguments
 *
 * Return: exit code.
 */
static int netns_identify(struct cli *c, int argc, char **argv)
{
	struct nsnet_netns *ns;
	pid_t pid = 0;
	json_t *arr;
	int n, i, rc;

	if (argc > 1)
		return cli_usage(c, "netns identify: expects at most one PID");
	if (argc && (rc = parse_pid(c, argv[0], &pid)))
		return rc;
	if ((rc = cli_ctx(c)))
		return rc;
	n = nsnet_netns_identify(c->ctx, pid ? pid : getpid(), &ns);
	if (n < 0)
		return cli_lib_error(c);
	arr = json_array();
	for (i = 0; i < n; i++)
		json_array_append_new(arr, json_pack("{s:s}", "name",
						     ns[i].name));
	free(ns);
	return cli_emit(c, arr, text_netns);
}

/**
 * netns_pids() - nsnet netns pids NAME
 * @c:		invocation
 * @argc:	argument count
 * @argv:	arguments
 *
 * Return: exit code.
 */
static int netns_pids(struct cli *c, int argc, char **argv)
{
	json_t *arr, *v;
	pid_t *pids;
	size_t j;
	int n, i, rc = one_name(c, argc, argv, "pids");

	if (rc || (rc = cli_ctx(c)))
		return rc;
	n = nsnet_netns_pids(c->ctx, argv[0], &pids);
	if (n < 0)
		return cli_lib_error(c);
	arr = json_array();
	for (i = 0; i < n; i++)
		json_array_append_new(arr, json_integer(pids[i]));
	free(pids);
	if (c->json)
		return cli_emit(c, arr, NULL);
	json_array_foreach(arr, j, v)
		fprintf(c->out, "%lld\n", json_integer_value(v));
	json_decref(arr);
	return EXIT_OK;
}

/**
 * netns_attach() - nsnet netns attach NAME PID
 * @c:		invocation
 * @argc:	argument count
 * @argv:	arguments
 *
 * Return: exit code.
 */
static int netns_attach(struct cli *c, int argc, char **argv)
{
	pid_t pid;
	int rc;

	if (argc != 2)
		return cli_usage(c, "netns attach: expects NAME and PID");
	if ((rc = check_name(c, argv[0])) || (rc = parse_pid(c, argv[1], &pid)) ||
	    (rc = cli_ctx(c)))
		return rc;
	return nsnet_netns_attach(c->ctx, argv[0], pid) ? cli_lib_error(c) :
							  EXIT_OK;
}

static const struct cli_cmd netns_cmds[] = {
	{ "add", NULL, "NAME", "create a named network namespace", netns_add },
	{ "del", "delete", "NAME", "delete a named network namespace", netns_del },
	{ "list", "show", "[--all]", "list named namespaces (the default); --all: every namespace, with its processes", netns_list },
	{ "exec", NULL, "NAME CMD...", "run CMD inside NAME, as ip netns exec", netns_exec },
	{ "identify", NULL, "[PID]", "name the namespace of PID (default: nsnet)", netns_identify },
	{ "pids", NULL, "NAME", "list the processes inside NAME", netns_pids },
	{ "attach", NULL, "NAME PID", "give the namespace of PID the name NAME", netns_attach },
	{ NULL, NULL, NULL, NULL, NULL },
};

const struct cli_object cli_netns = {
	.name = "netns",
	.summary = "named network namespaces (/run/netns, shared with ip netns)",
	.cmds = netns_cmds,
	.dflt = "list",
	.uses_ns = false,
};
