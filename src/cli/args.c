// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * args.c - argument checks and error reporting shared by all commands
 *
 * Every refusal is one line on stderr, "nsnet: <what>: <why>", naming the
 * offending value, and exit code 2; it happens before the kernel is asked
 * anything, so nothing changes.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

/**
 * cli_usage() - report invalid usage or input
 * @c:		invocation
 * @fmt:	printf format of "<what>: <why>"
 *
 * Return: EXIT_USAGE.
 */
int cli_usage(struct cli *c, const char *fmt, ...)
{
	va_list ap;

	fputs("nsnet: ", c->err);
	va_start(ap, fmt);
	vfprintf(c->err, fmt, ap);
	va_end(ap);
	fputc('\n', c->err);
	return EXIT_USAGE;
}

/**
 * cli_lib_error() - report the library's last failure
 * @c:		invocation
 *
 * Return: EXIT_USAGE for input errors, EXIT_FAILED otherwise.
 */
int cli_lib_error(struct cli *c)
{
	const char *msg = c->ctx ? nsnet_errmsg(c->ctx) : "";

	fprintf(c->err, "nsnet: %s\n", *msg ? msg : "operation failed");
	return c->ctx && nsnet_err_is_input(c->ctx) ? EXIT_USAGE : EXIT_FAILED;
}

/**
 * cli_ctx() - create the library context on first use
 * @c:		invocation
 *
 * Return: EXIT_OK, or EXIT_FAILED after reporting.
 */
int cli_ctx(struct cli *c)
{
	int err;

	if (c->ctx)
		return EXIT_OK;
	err = nsnet_ctx_new(&c->ctx);
	if (err) {
		fprintf(c->err, "nsnet: init: %s\n", strerror(-err));
		return EXIT_FAILED;
	}
	return EXIT_OK;
}

/**
 * cli_need() - make sure keyword argv[i] is followed by a value
 * @c:		invocation
 * @argc:	argument count
 * @argv:	arguments
 * @i:		index of the keyword
 * @what:	what the value is, for the message
 *
 * Return: EXIT_OK, or EXIT_USAGE after reporting.
 */
int cli_need(struct cli *c, int argc, char **argv, int i, const char *what)
{
	if (i + 1 < argc)
		return EXIT_OK;
	return cli_usage(c, "%s: missing %s", argv[i], what);
}

/**
 * cli_prefix() - parse an address argument or report why it is refused
 * @c:		invocation
 * @what:	its role ("address", "gateway"), for the message
 * @s:		text
 * @flags:	NSNET_PFX_*
 * @out:	result
 *
 * Return: EXIT_OK, or EXIT_USAGE after reporting.
 */
int cli_prefix(struct cli *c, const char *what, const char *s,
	       unsigned int flags, struct nsnet_prefix *out)
{
	const char *why = nsnet_prefix_parse(s, flags, out);

	return why ? cli_usage(c, "%s \"%s\": %s", what, s, why) : EXIT_OK;
}

/**
 * cli_ifname() - check an interface name argument
 * @c:		invocation
 * @what:	its role, for the message
 * @s:		the name
 *
 * Return: EXIT_OK, or EXIT_USAGE after reporting.
 */
int cli_ifname(struct cli *c, const char *what, const char *s)
{
	const char *why = nsnet_check_ifname(s);

	return why ? cli_usage(c, "%s \"%s\": %s", what, s, why) : EXIT_OK;
}

/**
 * cli_lab_name() - check a LAB argument as a lab file's `lab:` is checked
 * @c:		invocation
 * @s:		the name
 *
 * Every verb that takes a lab refuses the same names the same way, before
 * anything is looked up: a name no lab can have is a typo, not a lab that
 * is merely down. Bytes that would garble the line are shown as \xNN, and
 * a long name by its first 40 bytes.
 *
 * Return: EXIT_OK, or EXIT_USAGE after reporting.
 */
int cli_lab_name(struct cli *c, const char *s)
{
	const char *why = nsnet_check_labname(s);
	const unsigned char *p, *end;
	char shown[4 * 40 + 4], *o = shown;

	if (!why)
		return EXIT_OK;
	end = (const unsigned char *)s + strnlen(s, 40);
	for (p = (const unsigned char *)s; p < end; p++) {
		if (*p < 0x20 || *p >= 0x7f || *p == '"' || *p == '\\')
			o += sprintf(o, "\\x%02x", *p);
		else
			*o++ = (char)*p;
	}
	strcpy(o, *p ? "..." : "");
	return cli_usage(c, "lab \"%s\": %s", shown, why);
}

/**
 * cli_lab_up() - refuse a lab that is not up, as `logs` and `status` do
 * @c:		invocation (its context is created)
 * @lab:	a valid lab name
 *
 * Return: EXIT_OK, or an exit code after reporting (EXIT_USAGE when the
 * lab is not up).
 */
int cli_lab_up(struct cli *c, const char *lab)
{
	struct nsnet_lab_info *labs;
	int n, i, rc;

	if ((rc = cli_ctx(c)))
		return rc;
	n = nsnet_lab_list(c->ctx, &labs);
	if (n < 0)
		return cli_lib_error(c);
	for (i = 0; i < n && strcmp(labs[i].name, lab); i++)
		;
	free(labs);
	return i < n ? EXIT_OK :
		cli_usage(c, "lab %s: no such lab is up", lab);
}

/**
 * cli_self_prog() - the program to run for a command named @name
 * @name:	the command's first word
 * @buf:	room for a path
 * @len:	its size
 *
 * `netns exec NS nsnet ...` and `exec LAB NODE -- nsnet ...` mean this
 * nsnet, also when it was run as build/nsnet and is not on PATH: "nsnet"
 * is resolved next to /proc/self/exe when an nsnet is there. Any other
 * name is left to the PATH search.
 *
 * Return: @buf with the path, or @name.
 */
const char *cli_self_prog(const char *name, char *buf, size_t len)
{
	ssize_t n;
	char *slash;

	if (strcmp(name, "nsnet") || len < 8)
		return name;
	n = readlink("/proc/self/exe", buf, len - 7);
	if (n <= 0 || (size_t)n >= len - 7)
		return name;
	buf[n] = '\0';
	slash = strrchr(buf, '/');
	if (!slash)
		return name;
	strcpy(slash + 1, "nsnet");
	return access(buf, X_OK) == 0 ? buf : name;
}

/**
 * cli_uint() - parse a decimal number in [0, max]
 * @c:		invocation
 * @what:	its role, for the message
 * @s:		text
 * @max:	largest value allowed
 * @out:	result
 *
 * Return: EXIT_OK, or EXIT_USAGE after reporting.
 */
int cli_uint(struct cli *c, const char *what, const char *s,
	     unsigned long max, unsigned long *out)
{
	const char *p;

	if (!*s || strlen(s) > 10)
		return cli_usage(c, "%s \"%s\": not a number", what, s);
	for (p = s; *p; p++)
		if (*p < '0' || *p > '9')
			return cli_usage(c, "%s \"%s\": not a number", what,
					 s);
	*out = strtoul(s, NULL, 10);
	if (*out > max)
		return cli_usage(c, "%s \"%s\": larger than %lu", what, s,
				 max);
	return EXIT_OK;
}

/**
 * cli_emit() - print an array of rendered objects as JSON or as text
 * @c:		invocation
 * @arr:	JSON array, consumed
 * @text:	prints one item as text
 *
 * The same JSON objects feed both outputs, so text and -j never disagree.
 *
 * Return: EXIT_OK.
 */
int cli_emit(struct cli *c, json_t *arr,
	     void (*text)(struct cli *c, json_t *item))
{
	size_t i;
	json_t *item;

	if (c->json) {
		json_dumpf(arr, c->out, c->pretty ? JSON_INDENT(4) : JSON_COMPACT);
		fputc('\n', c->out);
	} else {
		json_array_foreach(arr, i, item)
			text(c, item);
	}
	json_decref(arr);
	return EXIT_OK;
}

/**
 * cli_dev_arg() - parse "[dev] NAME" as the whole argument list
 * @c:		invocation
 * @argc:	argument count
 * @argv:	arguments
 * @what:	"link del", for messages
 * @name:	result, NULL if no name was given
 *
 * Return: EXIT_OK or EXIT_USAGE.
 */
int cli_dev_arg(struct cli *c, int argc, char **argv, const char *what,
		const char **name)
{
	int i = 0;

	*name = NULL;
	if (argc && !strcmp(argv[0], "dev")) {
		if (cli_need(c, argc, argv, 0, "interface name"))
			return EXIT_USAGE;
		i = 1;
	}
	if (argc > i + 1)
		return cli_usage(c, "%s: unexpected \"%s\"", what, argv[i + 1]);
	if (argc > i) {
		*name = argv[i];
		return cli_ifname(c, "interface name", *name);
	}
	return EXIT_OK;
}

/**
 * cli_find_dev() - the ifindex of @name among dumped links, or report it
 * @c:		invocation
 * @m:		the namespace's links
 * @name:	interface name
 *
 * Return: the ifindex, or -1 after reporting "no such interface".
 */
int cli_find_dev(struct cli *c, const struct linkmap *m, const char *name)
{
	int i;

	for (i = 0; i < m->n; i++)
		if (!strcmp(m->links[i].name, name))
			return m->links[i].ifindex;
	cli_usage(c, "dev %s: no such interface%s%s", name,
		  c->ns ? " in netns " : "", c->ns ? c->ns : "");
	return -1;
}
