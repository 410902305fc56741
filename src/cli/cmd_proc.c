// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cmd_proc.c - processes in a lab's nodes: nsnet exec|run|ps|stop|logs
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

/**
 * struct proc_args - parsed `exec`/`run` arguments
 * @lab:	LAB
 * @node:	NODE
 * @name:	--name ID, or NULL
 * @restart:	--restart, NSNET_RESTART_*
 * @user:	--user USER, or NULL
 * @env:	-e K=V entries, NULL-terminated (free() the array)
 * @cmd:	the command, NULL-terminated (points into argv)
 */
struct proc_args {
	const char *lab;
	const char *node;
	const char *name;
	int restart;
	const char *user;
	char **env;
	char **cmd;
};

/**
 * parse_restart() - a --restart word
 * @c:		invocation
 * @s:		the word
 * @out:	NSNET_RESTART_*
 *
 * Return: EXIT_OK or EXIT_USAGE.
 */
static int parse_restart(struct cli *c, const char *s, int *out)
{
	static const char *const words[] = { "no", "on-failure", "always" };
	int i;

	for (i = 0; i < 3; i++)
		if (!strcmp(s, words[i])) {
			*out = i;
			return EXIT_OK;
		}
	return cli_usage(c, "--restart \"%s\": expected no, on-failure or always", s);
}

/**
 * parse_proc_args() - LAB NODE [OPTIONS] [--] CMD...
 * @c:		invocation
 * @verb:	"exec" or "run" (which options apply, and for messages)
 * @argc:	argument count
 * @argv:	arguments (not NULL-terminated past argc is not assumed)
 * @a:		result
 *
 * Options end at "--" or at the first word that is not one; the command
 * is passed on as it is, never to a shell.
 *
 * Return: EXIT_OK or EXIT_USAGE.
 */
static int parse_proc_args(struct cli *c, const char *verb, int argc,
			   char **argv, struct proc_args *a)
{
	bool run = !strcmp(verb, "run");
	int i, n_env = 0;
	const char *why;

	memset(a, 0, sizeof(*a));
	a->restart = NSNET_RESTART_ON_FAILURE;
	if (argc < 2)
		return cli_usage(c, "%s: expects LAB NODE -- CMD...", verb);
	a->lab = argv[0];
	a->node = argv[1];
	if (cli_lab_name(c, a->lab))
		return EXIT_USAGE;
	if ((why = nsnet_check_nsname(a->node)))
		return cli_usage(c, "node \"%s\": %s", a->node, why);
	a->env = calloc(argc + 1, sizeof(char *));
	if (!a->env)
		return cli_usage(c, "%s: out of memory", verb);
	for (i = 2; i < argc; i++) {
		const char *o = argv[i];

		if (!strcmp(o, "--")) {
			i++;
			break;
		}
		if (o[0] != '-')
			break;
		if (cli_need(c, argc, argv, i, "value"))
			return EXIT_USAGE;
		if (!strcmp(o, "-e") || !strcmp(o, "--env")) {
			const char *v = argv[++i], *eq = strchr(v, '=');

			if (!eq || eq == v)
				return cli_usage(c, "-e \"%s\": expected NAME=VALUE", v);
			a->env[n_env++] = argv[i];
		} else if (!strcmp(o, "--user") || !strcmp(o, "-u")) {
			a->user = argv[++i];
		} else if (run && !strcmp(o, "--name")) {
			a->name = argv[++i];
		} else if (run && !strcmp(o, "--restart")) {
			if (parse_restart(c, argv[++i], &a->restart))
				return EXIT_USAGE;
		} else {
			return cli_usage(c, "%s: option \"%s\": unknown, try \"nsnet help %s\"",
					 verb, o, verb);
		}
	}
	if (i >= argc || !*argv[i])
		return cli_usage(c, "%s: empty command: expects LAB NODE -- CMD...", verb);
	a->cmd = argv + i;
	return EXIT_OK;
}

/**
 * proc_exec() - nsnet exec LAB NODE [--user U] [-e K=V]... -- CMD...
 * @c:		invocation
 * @argc:	argument count
 * @argv:	arguments (NULL-terminated, as main's)
 *
 * The command replaces nsnet, so its exit status is its own; 127 and 126
 * mean it could not be found or run, as in a shell.
 *
 * Return: exit code (only on failure).
 */
static int proc_exec(struct cli *c, int argc, char **argv)
{
	char self[4096];
	struct proc_args a;
	int rc, err;

	rc = parse_proc_args(c, "exec", argc, argv, &a);
	if (!rc)
		rc = cli_ctx(c);
	if (rc) {
		free(a.env);
		return rc;
	}
	fflush(c->out);
	a.cmd[0] = (char *)cli_self_prog(a.cmd[0], self, sizeof(self));
	err = nsnet_exec(c->ctx, a.lab, a.node, a.cmd, a.env, a.user);
	free(a.env);
	rc = cli_lib_error(c);
	if (rc == EXIT_USAGE)
		return rc;
	return err == -ENOENT ? 127 : err == -EACCES ? 126 : EXIT_FAILED;
}

/**
 * proc_run() - nsnet run LAB NODE [OPTIONS] -- CMD...: prints the id
 * @c:		invocation
 * @argc:	argument count
 * @argv:	arguments
 *
 * Return: exit code.
 */
static int proc_run(struct cli *c, int argc, char **argv)
{
	char id[NSNET_PROC_IDSIZ], self[4096];
	struct nsnet_run_opts o;
	struct proc_args a;
	json_t *o_json;
	int rc;

	rc = parse_proc_args(c, "run", argc, argv, &a);
	if (!rc)
		rc = cli_ctx(c);
	if (rc) {
		free(a.env);
		return rc;
	}
	a.cmd[0] = (char *)cli_self_prog(a.cmd[0], self, sizeof(self));
	o = (struct nsnet_run_opts){ .name = a.name, .env = a.env,
				     .user = a.user, .restart = a.restart };
	if (nsnet_run(c->ctx, a.lab, a.node, a.cmd, &o, id)) {
		free(a.env);
		return cli_lib_error(c);
	}
	free(a.env);
	if (!c->json) {
		fprintf(c->out, "%s\n", id);
		return EXIT_OK;
	}
	o_json = json_pack("{s:s, s:s, s:s}", "lab", a.lab, "node", a.node, "id", id);
	json_dumpf(o_json, c->out, JSON_COMPACT);
	fputc('\n', c->out);
	json_decref(o_json);
	return EXIT_OK;
}

/**
 * render_proc() - one process as JSON
 * @p:		the process
 *
 * Return: the object.
 */
static json_t *render_proc(const struct nsnet_proc *p)
{
	return json_pack("{s:s, s:s, s:s, s:i, s:i, s:s, s:i, s:s, s:o, s:o, s:I, s:s, s:s}",
			 "lab", p->lab, "id", p->id, "node", p->node,
			 "pid", (int)p->pid, "monitor", (int)p->monitor,
			 "state", p->state, "restarts", (int)p->restarts,
			 "restart", p->restart,
			 "exit_code", p->exit_code >= 0 ? json_integer(p->exit_code) : json_null(),
			 "exit_signal", p->exit_signal ? json_integer(p->exit_signal) : json_null(),
			 "started", (json_int_t)p->started,
			 "command", p->command, "log", p->log);
}

/**
 * text_proc() - one row of `nsnet ps`
 * @c:		invocation
 * @p:		rendered process
 */
static void text_proc(struct cli *c, json_t *p)
{
	json_t *code = json_object_get(p, "exit_code");
	json_t *sig = json_object_get(p, "exit_signal");
	long long pid = json_integer_value(json_object_get(p, "pid"));
	char last[32] = "-", pids[16] = "-";

	if (json_is_integer(sig))
		snprintf(last, sizeof(last), "signal %lld", json_integer_value(sig));
	else if (json_is_integer(code))
		snprintf(last, sizeof(last), "status %lld", json_integer_value(code));
	if (pid)
		snprintf(pids, sizeof(pids), "%lld", pid);
	fprintf(c->out, "%-12s %-24s %-12s %7s %-10s %8lld %-10s %s\n",
		json_string_value(json_object_get(p, "lab")),
		json_string_value(json_object_get(p, "id")),
		json_string_value(json_object_get(p, "node")), pids,
		json_string_value(json_object_get(p, "state")),
		json_integer_value(json_object_get(p, "restarts")), last,
		json_string_value(json_object_get(p, "command")));
}

/**
 * proc_ps() - nsnet ps [LAB]
 * @c:		invocation
 * @argc:	argument count
 * @argv:	arguments
 *
 * Return: exit code.
 */
static int proc_ps(struct cli *c, int argc, char **argv)
{
	const char *lab = NULL;
	struct nsnet_proc *procs;
	json_t *arr;
	int n, i, rc;

	for (i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "-j") || !strcmp(argv[i], "-json"))
			c->json = true;
		else if (!lab && argv[i][0] != '-')
			lab = argv[i];
		else
			return cli_usage(c, "ps: unexpected \"%s\"", argv[i]);
	}
	if (lab && ((rc = cli_lab_name(c, lab)) || (rc = cli_lab_up(c, lab))))
		return rc;
	if ((rc = cli_ctx(c)))
		return rc;
	n = nsnet_proc_list(c->ctx, lab, &procs);
	if (n < 0)
		return cli_lib_error(c);
	arr = json_array();
	for (i = 0; i < n; i++)
		json_array_append_new(arr, render_proc(&procs[i]));
	nsnet_proc_free(procs);
	if (!c->json && n)
		fprintf(c->out, "%-12s %-24s %-12s %7s %-10s %8s %-10s %s\n", "LAB",
			"ID", "NODE", "PID", "STATE", "RESTARTS", "LAST", "COMMAND");
	return cli_emit(c, arr, text_proc);
}

/**
 * proc_stop() - nsnet stop LAB ID|--all [--timeout SECONDS]
 * @c:		invocation
 * @argc:	argument count
 * @argv:	arguments
 *
 * Return: exit code.
 */
static int proc_stop(struct cli *c, int argc, char **argv)
{
	const char *lab = NULL, *id = NULL;
	unsigned long timeout = 0;
	bool all = false, has_timeout = false;
	int i, rc;

	for (i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "--all")) {
			all = true;
		} else if (!strcmp(argv[i], "--timeout")) {
			if (cli_need(c, argc, argv, i, "seconds") ||
			    cli_uint(c, "--timeout", argv[++i], 3600, &timeout))
				return EXIT_USAGE;
			has_timeout = true;
		} else if (argv[i][0] == '-') {
			return cli_usage(c, "stop: option \"%s\": unknown", argv[i]);
		} else if (!lab) {
			lab = argv[i];
		} else if (!id) {
			id = argv[i];
		} else {
			return cli_usage(c, "stop: unexpected \"%s\"", argv[i]);
		}
	}
	if (!lab || (!id && !all) || (id && all))
		return cli_usage(c, "stop: expects LAB and ID, or LAB --all");
	if ((rc = cli_lab_name(c, lab)) || (rc = cli_lab_up(c, lab)))
		return rc;
	/* the library's 0 means "the default": --timeout 0 asks for 1 ms */
	if (nsnet_stop(c->ctx, lab, id, !has_timeout ? 0 :
		       timeout ? (unsigned int)timeout * 1000 : 1))
		return cli_lib_error(c);
	return EXIT_OK;
}

/**
 * proc_logs() - nsnet logs LAB ID: the process's log on stdout
 * @c:		invocation
 * @argc:	argument count
 * @argv:	arguments
 *
 * Return: exit code.
 */
static int proc_logs(struct cli *c, int argc, char **argv)
{
	char buf[65536];
	ssize_t n;
	int fd, rc;

	if (argc != 2)
		return cli_usage(c, "logs: expects LAB and ID");
	if ((rc = cli_lab_name(c, argv[0])))
		return rc;
	if ((rc = cli_ctx(c)))
		return rc;
	fd = nsnet_proc_log(c->ctx, argv[0], argv[1]);
	if (fd < 0)
		return cli_lib_error(c);
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		if (fwrite(buf, 1, n, c->out) != (size_t)n)
			break;
	close(fd);
	return n < 0 ? EXIT_FAILED : EXIT_OK;
}

const struct cli_cmd cli_proc_cmds[] = {
	{ "exec", NULL, "LAB NODE [--user U] [-e K=V]... -- CMD...", "run CMD in the node, in the foreground (as ip netns exec)", proc_exec },
	{ "run", NULL, "LAB NODE [--name ID] [--restart no|on-failure|always] [--user U] [-e K=V]... -- CMD...", "start CMD in the node, supervised, in the background; prints its id", proc_run },
	{ "ps", NULL, "[LAB]", "supervised processes: state, restarts, last exit", proc_ps },
	{ "stop", NULL, "LAB ID|--all [--timeout SECONDS]", "stop a supervised process and its whole tree", proc_stop },
	{ "logs", NULL, "LAB ID", "print a supervised process's output", proc_logs },
	{ NULL, NULL, NULL, NULL, NULL },
};
