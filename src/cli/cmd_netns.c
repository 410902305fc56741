// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cmd_netns.c - nsnet netns add|del|list|exec|identify|pids|attach|set|
 * list-id|monitor, and nsnet -all netns exec
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
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
 * exec_in() - the child of `-all netns exec`: enter @name, run @cmd
 * @c:		invocation (its context is the parent's copy)
 * @name:	namespace name
 * @cmd:	the command, NULL-terminated
 */
static void __attribute__((noreturn)) exec_in(struct cli *c, const char *name,
					      char **cmd)
{
	char self[4096];

	if (nsnet_netns_enter(c->ctx, name)) {
		fprintf(c->err, "nsnet: %s\n", nsnet_errmsg(c->ctx));
		_exit(EXIT_FAILED);
	}
	execvp(cli_self_prog(cmd[0], self, sizeof(self)), cmd);
	fprintf(c->err, "nsnet: exec \"%s\": %s\n", cmd[0], strerror(errno));
	_exit(errno == ENOENT ? 127 : 126);
}

/**
 * netns_exec_all() - nsnet -all netns exec CMD...
 * @c:		invocation
 * @argc:	argument count
 * @argv:	the command
 *
 * As `ip -all netns exec`: for each named namespace, by name, a line
 * "netns: NAME" after an empty one, then CMD run there to its end. A
 * command's exit status does not count, so the status is 0, unless a
 * command is killed by a signal: then it is 1 and the rest do not run.
 *
 * Return: exit code.
 */
static int netns_exec_all(struct cli *c, int argc, char **argv)
{
	struct nsnet_netns *ns;
	int n, i, rc, status;
	pid_t pid;

	if (argc < 1)
		return cli_usage(c, "-all netns exec: expects a command");
	if ((rc = cli_ctx(c)))
		return rc;
	n = nsnet_netns_list(c->ctx, &ns);
	if (n < 0)
		return cli_lib_error(c);
	for (i = 0, rc = EXIT_OK; i < n && rc == EXIT_OK; i++) {
		fprintf(c->out, "\nnetns: %s\n", ns[i].name);
		fflush(c->out);
		fflush(c->err);
		pid = fork();
		if (pid == 0)
			exec_in(c, ns[i].name, argv);
		if (pid < 0) {
			fprintf(c->err, "nsnet: fork: %s\n", strerror(errno));
			rc = EXIT_FAILED;
		} else if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status)) {
			rc = EXIT_FAILED;
		}
	}
	free(ns);
	return rc;
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
	char self[4096];
	const char *prog;
	int rc;

	if (c->all)
		return netns_exec_all(c, argc, argv);
	if (argc < 2)
		return cli_usage(c, "netns exec: expects NAME and a command");
	if ((rc = check_name(c, argv[0])) || (rc = cli_ctx(c)))
		return rc;
	if (nsnet_netns_enter(c->ctx, argv[0]))
		return cli_lib_error(c);
	nsnet_ctx_free(c->ctx);
	c->ctx = NULL;
	fflush(c->out);
	prog = cli_self_prog(argv[1], self, sizeof(self));
	execvp(prog, argv + 1);
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

/**
 * netns_set() - nsnet netns set NAME ID|auto
 * @c:		invocation
 * @argc:	argument count
 * @argv:	arguments
 *
 * Return: exit code.
 */
static int netns_set(struct cli *c, int argc, char **argv)
{
	unsigned long id = 0;
	int rc;

	if (argc != 2)
		return cli_usage(c, "netns set: expects NAME and ID (a number, or auto)");
	if ((rc = check_name(c, argv[0])))
		return rc;
	if (strcmp(argv[1], "auto") &&
	    (rc = cli_uint(c, "netns id", argv[1], 0x7fffffff, &id)))
		return rc;
	if ((rc = cli_ctx(c)))
		return rc;
	return nsnet_netns_set_id(c->ctx, argv[0],
				  strcmp(argv[1], "auto") ? (int)id : -1) ?
		cli_lib_error(c) : EXIT_OK;
}

/**
 * text_nsid() - one line of `netns list-id`, as iproute2 prints it
 * @c:		invocation
 * @e:		rendered id
 */
static void text_nsid(struct cli *c, json_t *e)
{
	json_t *name = json_object_get(e, "name");

	fprintf(c->out, "nsid %lld", json_integer_value(json_object_get(e, "nsid")));
	if (name)
		fprintf(c->out, " (iproute2 netns name: %s)", json_string_value(name));
	fputc('\n', c->out);
}

/**
 * netns_list_id() - nsnet netns list-id [nsid ID]
 * @c:		invocation
 * @argc:	argument count
 * @argv:	arguments
 *
 * Return: exit code.
 */
static int netns_list_id(struct cli *c, int argc, char **argv)
{
	struct nsnet_nsid *ids;
	unsigned long only = 0;
	bool filter = false;
	json_t *arr, *o;
	int n, i, rc;

	if ((argc && strcmp(argv[0], "nsid")) || argc > 2)
		return cli_usage(c, "netns list-id: unexpected \"%s\" (netns list-id [nsid ID])",
				 argv[argc > 2 ? 2 : 0]);
	if (argc && ((rc = cli_need(c, argc, argv, 0, "namespace id")) ||
		     (rc = cli_uint(c, "nsid", argv[1], 0x7fffffff, &only))))
		return rc;
	filter = argc == 2;
	if ((rc = cli_ctx(c)))
		return rc;
	n = nsnet_netns_list_id(c->ctx, &ids);
	if (n < 0)
		return cli_lib_error(c);
	arr = json_array();
	for (i = 0; i < n; i++) {
		if (filter && ids[i].nsid != (int)only)
			continue;
		o = json_pack("{s:i}", "nsid", ids[i].nsid);
		if (ids[i].name[0])
			json_object_set_new(o, "name", json_string(ids[i].name));
		json_array_append_new(arr, o);
	}
	free(ids);
	return cli_emit(c, arr, text_nsid);
}

/**
 * on_event() - nsnet_netns_event_cb: print "add NAME" or "delete NAME"
 * @data:	struct cli
 * @add:	created, else deleted
 * @name:	the entry
 *
 * Each line is flushed, so a reader on a pipe sees it as it happens.
 *
 * Return: 0 to go on, 1 once output fails (the reader is gone).
 */
static int on_event(void *data, bool add, const char *name)
{
	struct cli *c = data;

	fprintf(c->out, "%s %s\n", add ? "add" : "delete", name);
	return fflush(c->out) == 0 ? 0 : 1;
}

/**
 * netns_monitor() - nsnet netns monitor: namespaces as they come and go
 * @c:		invocation
 * @argc:	argument count
 * @argv:	arguments
 *
 * Return: exit code (only when output fails or the watch does).
 */
static int netns_monitor(struct cli *c, int argc, char **argv)
{
	int rc;

	if (argc)
		return cli_usage(c, "netns monitor: unexpected \"%s\"", argv[0]);
	if ((rc = cli_ctx(c)))
		return rc;
	rc = nsnet_netns_monitor(c->ctx, on_event, c);
	return rc < 0 ? cli_lib_error(c) : EXIT_FAILED;
}

static const struct cli_cmd netns_cmds[] = {
	{ "add", NULL, "NAME", "create a named network namespace", netns_add },
	{ "del", "delete", "NAME", "delete a named network namespace", netns_del },
	{ "list", "show", "[--all]", "list named namespaces (the default); --all: every namespace, with its processes", netns_list },
	{ "exec", NULL, "NAME CMD...", "run CMD inside NAME, as ip netns exec (-all netns exec CMD: in each)", netns_exec },
	{ "identify", NULL, "[PID]", "name the namespace of PID (default: nsnet)", netns_identify },
	{ "pids", NULL, "NAME", "list the processes inside NAME", netns_pids },
	{ "attach", NULL, "NAME PID", "give the namespace of PID the name NAME", netns_attach },
	{ "set", NULL, "NAME ID|auto", "give NAME a namespace id, as seen from here", netns_set },
	{ "list-id", NULL, "[nsid ID]", "the namespace ids given, with their names", netns_list_id },
	{ "monitor", NULL, "", "print add NAME / delete NAME as namespaces come and go", netns_monitor },
	{ NULL, NULL, NULL, NULL, NULL },
};

const struct cli_object cli_netns = {
	.name = "netns",
	.summary = "named network namespaces (/run/netns, shared with ip netns)",
	.cmds = netns_cmds,
	.dflt = "list",
	.uses_ns = false,
};
