// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * dispatch.c - global options, then OBJECT VERB ARGS, and help
 *
 * The command line follows iproute2 (`nsnet -n red link set veth-red up`),
 * with exact words only: no prefix abbreviations whose meaning would depend
 * on the order of a table.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "cli.h"

#define NSNET_VERSION "0.1.0"

static const struct cli_object *const objects[] = {
	&cli_netns, &cli_link, &cli_addr, &cli_route, &cli_neigh, &cli_nat,
	&cli_forward, NULL,
};

/**
 * find_object() - the object named @name, exactly or by an alias
 * @name:	the word
 *
 * Return: the object, or NULL.
 */
static const struct cli_object *find_object(const char *name)
{
	const struct cli_object *const *o;
	int i;

	for (o = objects; *o; o++) {
		if (!strcmp((*o)->name, name))
			return *o;
		for (i = 0; i < 3 && (*o)->aliases[i]; i++)
			if (!strcmp((*o)->aliases[i], name))
				return *o;
	}
	return NULL;
}

/**
 * find_cmd() - the verb @name of @o, exactly or by its alias
 * @o:		object
 * @name:	the word
 *
 * Return: the verb, or NULL.
 */
static const struct cli_cmd *find_cmd(const struct cli_object *o,
				      const char *name)
{
	const struct cli_cmd *cmd;

	for (cmd = o->cmds; cmd->name; cmd++)
		if (!strcmp(cmd->name, name) ||
		    (cmd->alias && !strcmp(cmd->alias, name)))
			return cmd;
	return NULL;
}

/**
 * help_object() - print the verbs of one object
 * @f:		stream
 * @o:		object
 */
static void help_object(FILE *f, const struct cli_object *o)
{
	const struct cli_cmd *cmd;
	char left[128];

	fprintf(f, "\n%s: %s\n", o->name, o->summary);
	for (cmd = o->cmds; cmd->name; cmd++) {
		snprintf(left, sizeof(left), "%s %s %s", o->name, cmd->name,
			 cmd->usage);
		fprintf(f, "  nsnet %-52s %s\n", left, cmd->summary);
	}
}

/**
 * help_labs() - print the lab verbs
 * @f:		stream
 */
static void help_labs(FILE *f)
{
	const struct cli_cmd *cmd;
	char left[128];

	fputs("\nlabs: declarative labs from a lab file (nsnet-lab(5))\n", f);
	for (cmd = cli_lab_cmds; cmd->name; cmd++) {
		snprintf(left, sizeof(left), "%s %s", cmd->name, cmd->usage);
		fprintf(f, "  nsnet %-52s %s\n", left, cmd->summary);
	}
	fputs("\nprocesses: commands in a lab's nodes, foreground or supervised\n", f);
	for (cmd = cli_proc_cmds; cmd->name; cmd++) {
		snprintf(left, sizeof(left), "%s %s", cmd->name, cmd->usage);
		if (strlen(left) <= 52)
			fprintf(f, "  nsnet %-52s %s\n", left, cmd->summary);
		else
			fprintf(f, "  nsnet %s\n  %58s %s\n", left, "", cmd->summary);
	}
}

/**
 * help_dhcp() - print the DHCP client's usage
 * @f:		stream
 */
static void help_dhcp(FILE *f)
{
	fputs("\ndhcp: nsnet's DHCP client, in the foreground (-n NS applies)\n", f);
	fprintf(f, "  nsnet dhcp %s\n        %s\n", cli_dhcp_usage,
		cli_dhcp_summary);
}

/**
 * find_lab_cmd() - the lab verb @name
 * @name:	the word
 *
 * Return: the verb, or NULL.
 */
static const struct cli_cmd *find_lab_cmd(const char *name)
{
	const struct cli_cmd *cmd;

	for (cmd = cli_lab_cmds; cmd->name; cmd++)
		if (!strcmp(cmd->name, name))
			return cmd;
	for (cmd = cli_proc_cmds; cmd->name; cmd++)
		if (!strcmp(cmd->name, name))
			return cmd;
	return NULL;
}

/**
 * cli_help() - print usage generated from the command tables
 * @c:		invocation (unused, for symmetry)
 * @f:		stream
 * @only:	one object, or NULL for all
 */
void cli_help(struct cli *c, FILE *f, const struct cli_object *only)
{
	const struct cli_object *const *o;

	fputs("Usage: nsnet [-n NS] [-j [-p]] [-4|-6] OBJECT [VERB [ARGS...]]\n"
	      "       nsnet -all netns exec CMD... (in every named namespace)\n"
	      "       nsnet [-j] [-v] up|down|plan|status|labs|graph|check|doctor [ARGS...]\n"
	      "       nsnet [-j] exec|run|ps|stop|logs LAB ... (processes in a lab's nodes)\n"
	      "       nsnet help [OBJECT]\n"
	      "\n"
	      "  -n NS   act inside the named network namespace NS\n"
	      "  -j      print JSON with iproute2's key names (-p: indented);\n"
	      "          -j and --json also after the verb\n"
	      "  -4, -6  IPv4 or IPv6 only (route show defaults to IPv4)\n"
	      "  -v      list each operation of up and down\n",
	      f);
	if (only) {
		help_object(f, only);
		return;
	}
	help_labs(f);
	for (o = objects; *o; o++)
		help_object(f, *o);
	help_dhcp(f);
	fputs("\nExit status: 0 done, 1 the operation failed, 2 invalid usage or input.\n"
	      "Every `ip` command of the namespace tutorials works with `ip` replaced\n"
	      "by `nsnet`. See nsnet(8).\n",
	      f);
}

/**
 * is_help() - whether @s asks for help ("help", "--help", "-h", "-help")
 * @s:		the word
 *
 * Return: true if it does.
 */
static bool is_help(const char *s)
{
	return !strcmp(s, "help") || !strcmp(s, "--help") ||
	       !strcmp(s, "-h") || !strcmp(s, "-help");
}

/**
 * json_word() - whether @s is -j or -p in one of its spellings
 * @c:		invocation, whose @json or @pretty it sets when it is
 * @s:		the word
 * @first:	@s comes before the object: the short -p counts too (later
 *		on it is iptables' protocol, which `forward add` explains)
 *
 * Return: true if @s was one of them.
 */
static bool json_word(struct cli *c, const char *s, bool first)
{
	if (!strcmp(s, "-j") || !strcmp(s, "-json") || !strcmp(s, "--json"))
		c->json = true;
	else if ((first && (!strcmp(s, "-p") || !strcmp(s, "-pretty"))) ||
		 !strcmp(s, "--pretty"))
		c->pretty = true;
	else
		return false;
	return true;
}

/**
 * takes_value() - whether the option @s of some verb takes the next word
 * @s:		the word
 *
 * The word after such an option is its value, never -j.
 *
 * Return: true if it does.
 */
static bool takes_value(const char *s)
{
	static const char *const opts[] = {
		"-o", "--timeout", "-e", "--env", "-u", "--user", "--name",
		"--restart", "--lease-file", "--resolv-file", "--hostname",
	};
	size_t i;

	for (i = 0; i < sizeof(opts) / sizeof(opts[0]); i++)
		if (!strcmp(s, opts[i]))
			return true;
	return false;
}

/**
 * strip_json() - take -j/--json (and --pretty) from anywhere after the object
 * @c:		invocation
 * @argc:	words from the object or lab verb on
 * @argv:	the words; those taken are removed, the rest keep their order
 *
 * iproute2 wants -j first; users type it last too. The words of a command
 * to run are never looked at: after "--", after `netns exec`, and after
 * `exec|run LAB NODE [OPTIONS]` (their first word that is not an option).
 *
 * Return: the new argument count.
 */
static int strip_json(struct cli *c, int argc, char **argv)
{
	bool proc = !strcmp(argv[0], "exec") || !strcmp(argv[0], "run");
	bool netns = !strcmp(argv[0], "netns");
	int i, n = 0, stop = argc;

	for (i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "--") ||
		    (netns && i == 1 && !strcmp(argv[i], "exec")) ||
		    (proc && i >= 3 && argv[i][0] != '-')) {
			stop = i;
			break;
		}
		if (json_word(c, argv[i], false))
			continue;
		argv[n++] = argv[i];
		if (takes_value(argv[i]) && i + 1 < argc)
			argv[n++] = argv[++i];
	}
	for (i = stop; i < argc; i++)
		argv[n++] = argv[i];
	return n;
}

/**
 * run_object() - dispatch OBJECT [VERB] ARGS
 * @c:		invocation
 * @o:		object
 * @argc:	arguments after the object
 * @argv:	arguments
 *
 * Return: exit code.
 */
static int run_object(struct cli *c, const struct cli_object *o, int argc,
		      char **argv)
{
	const struct cli_cmd *cmd;
	const char *verb = argc ? argv[0] : o->dflt;

	/* `nsnet netns --help`, `nsnet netns help`, `nsnet netns add --help` */
	if ((argc && is_help(argv[0])) ||
	    (argc > 1 && strcmp(argv[1], "help") && is_help(argv[1]))) {
		cli_help(c, c->out, o);
		return EXIT_OK;
	}
	cmd = find_cmd(o, verb);
	if (!cmd)
		return cli_usage(c, "%s \"%s\": unknown command, try \"nsnet help %s\"",
				 o->name, verb, o->name);
	if (c->ns && !o->uses_ns)
		return cli_usage(c, "-n %s: does not apply to \"%s\"", c->ns,
				 o->name);
	if (c->all && (o != &cli_netns || strcmp(cmd->name, "exec")))
		return cli_usage(c, "-all: applies to \"netns exec\" only, not to \"%s %s\"",
				 o->name, cmd->name);
	return cmd->run(c, argc ? argc - 1 : 0, argc ? argv + 1 : argv);
}

/**
 * cli_main() - parse global options and run one command
 * @c:		invocation, with @out and @err set
 * @argc:	arguments after the program name
 * @argv:	arguments
 *
 * Return: exit code.
 */
int cli_main(struct cli *c, int argc, char **argv)
{
	const struct cli_object *o;
	const struct cli_cmd *lc;
	int i;

	for (i = 0; i < argc && argv[i][0] == '-'; i++) {
		const char *opt = argv[i];

		if (!strcmp(opt, "-n") || !strcmp(opt, "-netns")) {
			if (cli_need(c, argc, argv, i, "namespace name"))
				return EXIT_USAGE;
			c->ns = argv[++i];
			if (nsnet_check_nsname(c->ns))
				return cli_usage(c, "netns \"%s\": %s", c->ns,
						 nsnet_check_nsname(c->ns));
		} else if (json_word(c, opt, true)) {
			continue;
		} else if (!strcmp(opt, "-v") || !strcmp(opt, "-verbose")) {
			c->verbose = true;
		} else if (!strcmp(opt, "-all") || !strcmp(opt, "--all")) {
			c->all = true;
		} else if (!strcmp(opt, "-4")) {
			c->family = AF_INET;
		} else if (!strcmp(opt, "-6")) {
			c->family = AF_INET6;
		} else if (!strcmp(opt, "-h") || !strcmp(opt, "--help") ||
			   !strcmp(opt, "-help")) {
			cli_help(c, c->out, NULL);
			return EXIT_OK;
		} else if (!strcmp(opt, "-V") || !strcmp(opt, "--version")) {
			fprintf(c->out, "nsnet %s\n", NSNET_VERSION);
			return EXIT_OK;
		} else {
			return cli_usage(c, "option \"%s\": unknown, try \"nsnet --help\"",
					 opt);
		}
	}
	if (i == argc) {
		cli_help(c, c->err, NULL);
		return EXIT_USAGE;
	}
	if (!strcmp(argv[i], "help")) {
		o = i + 1 < argc ? find_object(argv[i + 1]) : NULL;
		if (i + 1 < argc && !o && (find_lab_cmd(argv[i + 1]) ||
					   !strcmp(argv[i + 1], "lab"))) {
			help_labs(c->out);
			return EXIT_OK;
		}
		if (i + 1 < argc && !o && !strcmp(argv[i + 1], "dhcp")) {
			help_dhcp(c->out);
			return EXIT_OK;
		}
		if (i + 1 < argc && !o)
			return cli_usage(c, "help \"%s\": unknown object",
					 argv[i + 1]);
		cli_help(c, c->out, o);
		return EXIT_OK;
	}
	argc = i + strip_json(c, argc - i, argv + i);
	if (c->all && strcmp(argv[i], "netns"))
		return cli_usage(c, "-all: applies to \"netns exec\" only, not to \"%s\"",
				 argv[i]);
	if (!strcmp(argv[i], "dhcp")) {
		if (i + 1 < argc && is_help(argv[i + 1]) && strcmp(argv[i + 1], "help")) {
			help_dhcp(c->out);
			return EXIT_OK;
		}
		return cli_dhcp(c, argc - i - 1, argv + i + 1);
	}
	lc = find_lab_cmd(argv[i]);
	/* a lab can not be called "--help" or "-h": they ask for help */
	if (lc && i + 1 < argc && argv[i + 1][0] == '-' && is_help(argv[i + 1])) {
		help_labs(c->out);
		return EXIT_OK;
	}
	if (lc) {
		if (c->ns)
			return cli_usage(c, "-n %s: does not apply to \"%s\"",
					 c->ns, lc->name);
		return lc->run(c, argc - i - 1, argv + i + 1);
	}
	o = find_object(argv[i]);
	if (!o)
		return cli_usage(c, "object \"%s\": unknown, try \"nsnet --help\"",
				 argv[i]);
	return run_object(c, o, argc - i - 1, argv + i + 1);
}
