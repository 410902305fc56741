// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cmd_dhcp.c - nsnet [-n NS] dhcp IFACE: nsnet's DHCP client, in the
 * foreground
 */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

const char cli_dhcp_usage[] =
	"IFACE [--once] [--timeout SEC] [--lease-file F] [--resolv-file F] [--hostname NAME]";
const char cli_dhcp_summary[] =
	"get an address, router and DNS by DHCP; keep it until SIGTERM, then release it";

/**
 * log_stderr() - the client's log line: refused server messages
 * @line:	the line, without its newline
 * @arg:	unused
 */
static void log_stderr(const char *line, void *arg)
{
	fprintf(stderr, "%s\n", line);
}

/**
 * cli_dhcp() - nsnet [-n NS] dhcp IFACE [options]
 * @c:		invocation
 * @argc:	arguments after "dhcp"
 * @argv:	arguments
 *
 * The hostname sent defaults to the namespace's name: in a lab, the node's
 * name, which dnsmasq then answers in DNS.
 *
 * Return: exit code.
 */
int cli_dhcp(struct cli *c, int argc, char **argv)
{
	struct nsnet_dhcpc_opts o = { .hostname = c->ns, .log = log_stderr };
	unsigned long secs;
	int i, rc;

	for (i = 0; i < argc; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "--once")) {
			o.once = true;
		} else if (!strcmp(a, "--timeout")) {
			if (cli_need(c, argc, argv, i, "seconds") ||
			    cli_uint(c, "--timeout", argv[++i], 86400, &secs))
				return EXIT_USAGE;
			o.timeout_ms = (unsigned int)secs * 1000;
		} else if (!strcmp(a, "--lease-file") ||
			   !strcmp(a, "--resolv-file") ||
			   !strcmp(a, "--hostname")) {
			if (cli_need(c, argc, argv, i, "value"))
				return EXIT_USAGE;
			if (!*argv[i + 1])
				return cli_usage(c, "%s \"\": empty", a);
			if (a[2] == 'l')
				o.lease_path = argv[++i];
			else if (a[2] == 'r')
				o.resolv_path = argv[++i];
			else
				o.hostname = argv[++i];
		} else if (a[0] == '-') {
			return cli_usage(c, "dhcp option \"%s\": unknown, try \"nsnet help dhcp\"",
					 a);
		} else if (!o.ifname) {
			if (cli_ifname(c, "dhcp interface", a))
				return EXIT_USAGE;
			o.ifname = a;
		} else {
			return cli_usage(c, "dhcp: unexpected \"%s\"", a);
		}
	}
	if (!o.ifname)
		return cli_usage(c, "dhcp: missing interface name");
	if (o.timeout_ms && !o.once)
		return cli_usage(c, "--timeout: only with --once");
	if ((rc = cli_ctx(c)))
		return rc;
	if (nsnet_dhcp_client(c->ctx, c->ns, &o))
		return cli_lib_error(c);
	return EXIT_OK;
}
