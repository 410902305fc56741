// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cmd_lab.c - nsnet up|down|plan FILE, status [LAB], labs
 */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"

/**
 * struct progress - how to report operations as they happen
 * @c:		invocation
 * @tty:	stderr is a terminal: one self-overwriting progress line
 * @list:	print each operation on stdout (plan, -v)
 */
struct progress {
	struct cli *c;
	bool tty;
	bool list;
};

/**
 * on_op() - nsnet_op_cb: list or show progress
 * @data:	struct progress
 * @op:		operation text
 * @i:		its number from 0
 * @n:		total
 */
static void on_op(void *data, const char *op, size_t i, size_t n)
{
	struct progress *pr = data;

	if (pr->list) {
		fprintf(pr->c->out, "%s\n", op);
	} else if (pr->tty) {
		fprintf(pr->c->err, "\r\033[K[%zu/%zu] %.60s", i + 1, n, op);
		if (i + 1 == n)
			fputs("\r\033[K", pr->c->err);
		fflush(pr->c->err);
	}
}

/**
 * lab_failed() - report a failed lab run: every diagnostic, or the error
 * @c:		invocation
 * @pr:		progress (to end the progress line)
 *
 * Return: the exit code.
 */
static int lab_failed(struct cli *c, struct progress *pr)
{
	size_t i, n = nsnet_diag_count(c->ctx);

	if (pr->tty && !pr->list)
		fputs("\r\033[K", c->err);
	for (i = 0; i < n; i++)
		fprintf(c->err, "nsnet: %s\n", nsnet_diag(c->ctx, i));
	return cli_lib_error(c);
}

/**
 * fail_at_env() - the NSNET_FAIL_AT test hook, passed to the library
 * @c:		invocation
 */
static void fail_at_env(struct cli *c)
{
	const char *s = getenv("NSNET_FAIL_AT");

	if (s && *s)
		nsnet_ctx_set_fail_at(c->ctx, (unsigned int)strtoul(s, NULL, 10));
}

/**
 * struct counted - progress plus the number of operations seen
 * @pr:		progress
 * @n:		operations the run had
 */
struct counted {
	struct progress pr;
	size_t n;
};

/**
 * count_op() - nsnet_op_cb that counts and forwards
 * @data:	struct counted
 * @op:		operation text
 * @i:		number
 * @n:		total
 */
static void count_op(void *data, const char *op, size_t i, size_t n)
{
	struct counted *ct = data;

	ct->n = n;
	on_op(&ct->pr, op, i, n);
}

/**
 * summary() - "FILE: N changes" on stderr, after the listed operations
 * @c:		invocation
 * @what:	the lab file or name
 * @n:		number of operations
 */
static void summary(struct cli *c, const char *what, size_t n)
{
	fflush(c->out);	/* the operations, when listed, come first */
	fprintf(c->err, "%s: %zu change%s\n", what, n, n == 1 ? "" : "s");
}

/**
 * lab_up_or_plan() - nsnet up FILE, and nsnet plan FILE
 * @c:		invocation
 * @argc:	argument count
 * @argv:	arguments
 * @plan:	only print the plan
 *
 * Return: exit code.
 */
static int lab_up_or_plan(struct cli *c, int argc, char **argv, bool plan)
{
	struct counted ct = { .pr = { .c = c, .tty = isatty(2), .list = plan || c->verbose } };
	int rc;

	if (argc != 1)
		return cli_usage(c, "%s: expects one lab FILE", plan ? "plan" : "up");
	if ((rc = cli_ctx(c)))
		return rc;
	fail_at_env(c);
	if (nsnet_lab_up(c->ctx, argv[0], plan ? NSNET_LAB_PLAN : 0, count_op, &ct))
		return lab_failed(c, &ct.pr);
	if (plan && !ct.n)
		fprintf(c->out, "no changes\n");
	else if (!plan && (c->verbose || ct.pr.tty))
		summary(c, argv[0], ct.n);
	return EXIT_OK;
}

/**
 * lab_up() - nsnet up FILE
 * @c:		invocation
 * @argc:	argument count
 * @argv:	arguments
 *
 * Return: exit code.
 */
static int lab_up(struct cli *c, int argc, char **argv)
{
	return lab_up_or_plan(c, argc, argv, false);
}

/**
 * lab_plan() - nsnet plan FILE
 * @c:		invocation
 * @argc:	argument count
 * @argv:	arguments
 *
 * Return: exit code.
 */
static int lab_plan(struct cli *c, int argc, char **argv)
{
	return lab_up_or_plan(c, argc, argv, true);
}

/**
 * names_file() - whether a `down` argument is meant as a lab file
 * @arg:	the argument
 *
 * The same test the library makes: an existing file, a path, or a name
 * ending in .yaml or .yml. Anything else must be a valid lab name.
 *
 * Return: true for a file.
 */
static bool names_file(const char *arg)
{
	size_t n = strlen(arg);
	struct stat st;

	return strchr(arg, '/') || stat(arg, &st) == 0 ||
	       (n > 5 && !strcmp(arg + n - 5, ".yaml")) ||
	       (n > 4 && !strcmp(arg + n - 4, ".yml"));
}

/**
 * lab_down() - nsnet down LAB|FILE
 * @c:		invocation
 * @argc:	argument count
 * @argv:	arguments
 *
 * Return: exit code.
 */
static int lab_down(struct cli *c, int argc, char **argv)
{
	struct counted ct = { .pr = { .c = c, .tty = isatty(2), .list = c->verbose } };
	int rc;

	if (argc != 1)
		return cli_usage(c, "down: expects one LAB name or lab FILE");
	if (!names_file(argv[0]) && (rc = cli_lab_name(c, argv[0])))
		return rc;
	if ((rc = cli_ctx(c)))
		return rc;
	fail_at_env(c);
	if (nsnet_lab_down(c->ctx, argv[0], count_op, &ct))
		return lab_failed(c, &ct.pr);
	if (c->verbose || ct.pr.tty)
		summary(c, argv[0], ct.n);
	return EXIT_OK;
}

/**
 * labs_list() - nsnet labs
 * @c:		invocation
 * @argc:	argument count
 * @argv:	arguments
 *
 * Return: exit code.
 */
static int labs_list(struct cli *c, int argc, char **argv)
{
	struct nsnet_lab_info *labs;
	json_t *arr;
	int n, i, rc;

	if (argc)
		return cli_usage(c, "labs: unexpected \"%s\"", argv[0]);
	if ((rc = cli_ctx(c)))
		return rc;
	n = nsnet_lab_list(c->ctx, &labs);
	if (n < 0)
		return cli_lib_error(c);
	arr = json_array();
	for (i = 0; i < n; i++)
		json_array_append_new(arr, json_pack("{s:s, s:i, s:i, s:s}",
			"lab", labs[i].name, "nodes", labs[i].nodes,
			"networks", labs[i].networks, "file", labs[i].file));
	free(labs);
	if (!c->json && n)
		fprintf(c->out, "%-20s %6s %9s  %s\n", "LAB", "NODES", "NETWORKS", "FILE");
	return cli_emit(c, arr, text_lab);
}

/**
 * status_of() - the rendered status of one lab
 * @c:		invocation
 * @lab:	lab name
 * @out:	the JSON object {"lab", "interfaces": [...]}
 *
 * Return: EXIT_OK or an exit code after reporting.
 */
static int status_of(struct cli *c, const char *lab, json_t **out)
{
	struct nsnet_lab_if *ifs;
	struct nsnet_lease *leases;
	struct nsnet_lab_fw fw;
	json_t *arr;
	int n, i;

	n = nsnet_lab_status(c->ctx, lab, &ifs);
	if (n < 0)
		return cli_lib_error(c);
	arr = json_array();
	for (i = 0; i < n; i++)
		json_array_append_new(arr, render_lab_if(&ifs[i]));
	free(ifs);
	if (nsnet_lab_fw(c->ctx, lab, &fw)) {
		json_decref(arr);
		return cli_lib_error(c);
	}
	*out = json_pack("{s:s, s:o}", "lab", lab, "interfaces", arr);
	render_lab_fw(&fw, *out);
	nsnet_lab_fw_free(&fw);
	n = nsnet_lab_leases(c->ctx, lab, &leases);
	if (n < 0) {
		json_decref(*out);
		return cli_lib_error(c);
	}
	arr = json_array();
	for (i = 0; i < n; i++)
		json_array_append_new(arr, render_lease(&leases[i]));
	free(leases);
	json_object_set_new(*out, "leases", arr);
	return EXIT_OK;
}

/**
 * lab_status() - nsnet status [LAB]
 * @c:		invocation
 * @argc:	argument count
 * @argv:	arguments
 *
 * Return: exit code.
 */
static int lab_status(struct cli *c, int argc, char **argv)
{
	struct nsnet_lab_info *labs = NULL;
	json_t *arr, *one;
	int n, i, rc;

	if (argc > 1)
		return cli_usage(c, "status: unexpected \"%s\": one LAB at a time, or none for all",
				 argv[1]);
	if (argc && (rc = cli_lab_name(c, argv[0])))
		return rc;
	if ((rc = cli_ctx(c)))
		return rc;
	arr = json_array();
	if (argc) {
		if ((rc = status_of(c, argv[0], &one))) {
			json_decref(arr);
			return rc;
		}
		json_array_append_new(arr, one);
		return cli_emit(c, arr, text_lab_status);
	}
	n = nsnet_lab_list(c->ctx, &labs);
	if (n < 0) {
		json_decref(arr);
		return cli_lib_error(c);
	}
	for (i = 0, rc = EXIT_OK; i < n && !rc; i++) {
		rc = status_of(c, labs[i].name, &one);
		if (!rc)
			json_array_append_new(arr, one);
	}
	free(labs);
	if (rc) {
		json_decref(arr);
		return rc;
	}
	return cli_emit(c, arr, text_lab_status);
}

const struct cli_cmd cli_lab_cmds[] = {
	{ "up", NULL, "FILE", "build the lab, or converge it to the file (idempotent)", lab_up },
	{ "down", NULL, "LAB|FILE", "remove everything the lab owns (succeeds when gone)", lab_down },
	{ "plan", NULL, "FILE", "print what up would change, change nothing", lab_plan },
	{ "status", NULL, "[LAB]", "nodes, interfaces, peers, addresses, state", lab_status },
	{ "labs", NULL, "", "list the labs that are up", labs_list },
	{ "doctor", NULL, "[LAB|NS]", "find the usual faults and say how to fix each", cli_doctor },
	{ "check", NULL, "LAB [--from NODE] [--to NODE] [--sample N]", "reachability between the lab's nodes, as a matrix", cli_check },
	{ "graph", NULL, "LAB|--all [-o FILE.svg|.dot|.png]", "draw the lab: namespaces, switches, cables, host, NAT, forwards", cli_graph },
	{ NULL, NULL, NULL, NULL, NULL },
};
