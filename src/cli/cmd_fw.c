// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cmd_fw.c - nsnet nat add|del|show and nsnet forward add|del|show
 *
 * The tutorial's two iptables lines as nsnet commands:
 *
 *	iptables -t nat -A POSTROUTING -s 192.168.15.0/24 -j MASQUERADE
 *	nsnet nat add 192.168.15.0/24
 *
 *	iptables -t nat -A PREROUTING -p tcp --dport 8080 \
 *		-j DNAT --to-destination 192.168.15.2:80
 *	nsnet forward add 8080 to 192.168.15.2:80
 *
 * The rules go into nftables (table inet nsnet) through the library; see
 * nsnet.h. Both act in the host namespace only: -n does not apply.
 */
#include <net/if.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

/**
 * nat_parse() - parse "SUBNET [dev UPLINK] [--force]"
 * @c:		invocation
 * @argc:	argument count
 * @argv:	arguments after the verb
 * @verb:	"add" or "del", for messages
 * @nat:	the rule
 * @force:	set by --force (add only), or NULL where it does not apply
 *
 * Return: EXIT_OK or EXIT_USAGE.
 */
static int nat_parse(struct cli *c, int argc, char **argv, const char *verb,
		     struct nsnet_nat *nat, bool *force)
{
	const char *subnet = NULL;
	int i, rc;

	memset(nat, 0, sizeof(*nat));
	for (i = 0; i < argc; i++) {
		if (force && !strcmp(argv[i], "--force")) {
			*force = true;
		} else if (!strcmp(argv[i], "dev")) {
			if ((rc = cli_need(c, argc, argv, i, "interface name")) ||
			    (rc = cli_ifname(c, "dev", argv[i + 1])))
				return rc;
			strcpy(nat->dev, argv[++i]);
		} else if (!subnet && argv[i][0] != '-') {
			subnet = argv[i];
		} else {
			return cli_usage(c, "nat %s: unexpected \"%s\" (nat %s SUBNET [dev UPLINK]%s)",
					 verb, argv[i], verb, force ? " [--force]" : "");
		}
	}
	if (!subnet)
		return cli_usage(c, "nat %s: missing SUBNET (ADDRESS/LEN)", verb);
	return cli_prefix(c, "subnet", subnet, NSNET_PFX_NO_HOSTBITS,
			  &nat->subnet);
}

/**
 * nat_add() - nsnet nat add SUBNET [dev UPLINK]
 * @c:		invocation
 * @argc:	argument count
 * @argv:	arguments
 *
 * Return: exit code.
 */
static int nat_add(struct cli *c, int argc, char **argv)
{
	struct nsnet_nat nat;
	bool force = false;
	int rc;

	if ((rc = nat_parse(c, argc, argv, "add", &nat, &force)))
		return rc;
	/*
	 * A rule for a mistyped uplink would match nothing, silently. Names
	 * nftables cannot write are left to the library, which says why.
	 */
	if (nat.dev[0] && !force && !strpbrk(nat.dev, "\"\\*") &&
	    !if_nametoindex(nat.dev))
		return cli_usage(c, "dev %s: no such interface on the host (add --force for one that comes later)",
				 nat.dev);
	if ((rc = cli_ctx(c)))
		return rc;
	return nsnet_nat_add(c->ctx, &nat) ? cli_lib_error(c) : EXIT_OK;
}

/**
 * same_prefix() - whether two prefixes are the same network
 * @a:		one
 * @b:		the other
 *
 * Return: true if they are.
 */
static bool same_prefix(const struct nsnet_prefix *a,
			const struct nsnet_prefix *b)
{
	return a->family == b->family && a->len == b->len &&
	       !memcmp(a->addr, b->addr, sizeof(a->addr));
}

/**
 * nat_pick_dev() - for `nat del SUBNET` without dev: the one rule meant
 * @c:		invocation (context created)
 * @nat:	the rule asked for; its @dev is set when exactly one rule
 *		masquerades the subnet and it has an uplink
 *
 * A rule without an uplink is the one meant when it exists; otherwise the
 * only rule for the subnet is, whatever its uplink. Several are refused
 * naming them, so the user says which.
 *
 * Return: EXIT_OK, or an exit code after reporting.
 */
static int nat_pick_dev(struct cli *c, struct nsnet_nat *nat)
{
	struct nsnet_nat *nats;
	char list[256] = "", buf[64];
	int n, i, hits = 0, pick = -1, rc = EXIT_OK;

	n = nsnet_nat_list(c->ctx, &nats);
	if (n < 0)
		return cli_lib_error(c);
	for (i = 0; i < n; i++) {
		if (!same_prefix(&nats[i].subnet, &nat->subnet))
			continue;
		if (!nats[i].dev[0])
			goto out;	/* the rule without dev: as asked */
		hits++;
		pick = i;
		snprintf(list + strlen(list), sizeof(list) - strlen(list),
			 "%sdev %s", hits > 1 ? ", " : "", nats[i].dev);
	}
	if (hits == 1)
		strcpy(nat->dev, nats[pick].dev);
	else if (hits > 1)
		rc = cli_usage(c, "nat del %s: %d rules masquerade it (%s): say which with dev UPLINK",
			       nsnet_prefix_format(&nat->subnet, true, buf, sizeof(buf)),
			       hits, list);
out:
	free(nats);
	return rc;
}

/**
 * nat_del() - nsnet nat del SUBNET [dev UPLINK]
 * @c:		invocation
 * @argc:	argument count
 * @argv:	arguments
 *
 * Return: exit code.
 */
static int nat_del(struct cli *c, int argc, char **argv)
{
	struct nsnet_nat nat;
	int rc;

	if ((rc = nat_parse(c, argc, argv, "del", &nat, NULL)) ||
	    (rc = cli_ctx(c)))
		return rc;
	if (!nat.dev[0] && (rc = nat_pick_dev(c, &nat)))
		return rc;
	return nsnet_nat_del(c->ctx, &nat) ? cli_lib_error(c) : EXIT_OK;
}

/**
 * text_nat() - print a masquerade rule as it is given to `nat add`
 * @c:		invocation
 * @n:		rendered rule
 */
static void text_nat(struct cli *c, json_t *n)
{
	json_t *dev = json_object_get(n, "dev");

	fprintf(c->out, "%s", json_string_value(json_object_get(n, "subnet")));
	if (dev)
		fprintf(c->out, " dev %s", json_string_value(dev));
	fputc('\n', c->out);
}

/**
 * nat_show() - nsnet nat show
 * @c:		invocation
 * @argc:	argument count
 * @argv:	arguments
 *
 * Return: exit code.
 */
static int nat_show(struct cli *c, int argc, char **argv)
{
	struct nsnet_nat *nats;
	char buf[64];
	json_t *arr, *o;
	int i, n, rc;

	if (argc)
		return cli_usage(c, "nat show: unexpected \"%s\"", argv[0]);
	if ((rc = cli_ctx(c)))
		return rc;
	n = nsnet_nat_list(c->ctx, &nats);
	if (n < 0)
		return cli_lib_error(c);
	arr = json_array();
	for (i = 0; i < n; i++) {
		o = json_object();
		json_object_set_new(o, "subnet",
				    json_string(nsnet_prefix_format(&nats[i].subnet,
								    true, buf,
								    sizeof(buf))));
		if (nats[i].dev[0])
			json_object_set_new(o, "dev", json_string(nats[i].dev));
		json_array_append_new(arr, o);
	}
	free(nats);
	return cli_emit(c, arr, text_nat);
}

/**
 * dest_parse() - parse "ADDR[:PORT]", "[ADDR6]:PORT" or a bare IPv6 address
 * @c:		invocation
 * @s:		the text
 * @port:	the port when none is given (the host's)
 * @f:		the forward, @to and @to_port set
 *
 * Return: EXIT_OK or EXIT_USAGE.
 */
static int dest_parse(struct cli *c, const char *s, unsigned int port,
		      struct nsnet_forward *f)
{
	char addr[64];
	const char *colon = NULL, *end;
	unsigned long p = port;
	size_t n;
	int rc;

	if (s[0] == '[') {
		end = strchr(s, ']');
		if (!end || (end[1] && end[1] != ':'))
			return cli_usage(c, "to \"%s\": [ADDRESS]:PORT expected", s);
		n = (size_t)(end - s - 1);
		colon = end[1] ? end + 1 : NULL;
		s++;
	} else {
		colon = strchr(s, ':');
		/* More than one ':' is an IPv6 address without a port. */
		if (colon && strchr(colon + 1, ':'))
			colon = NULL;
		n = colon ? (size_t)(colon - s) : strlen(s);
	}
	if (n >= sizeof(addr))
		return cli_usage(c, "to \"%s\": not an IP address", s);
	memcpy(addr, s, n);
	addr[n] = '\0';
	if ((rc = cli_prefix(c, "to", addr, NSNET_PFX_NO_LEN, &f->to)))
		return rc;
	if (colon && (rc = cli_uint(c, "to port", colon + 1, 65535, &p)))
		return rc;
	if (!p)
		return cli_usage(c, "to port \"%s\": must be from 1 to 65535",
				 colon + 1);
	f->to_port = (unsigned int)p;
	return EXIT_OK;
}

/**
 * fwd_iptables() - refuse iptables' options, showing nsnet's form of them
 * @c:		invocation
 * @argc:	argument count
 * @argv:	arguments after the verb
 * @verb:	"add" or "del"
 * @bad:	the first word that starts with '-'
 *
 * People type the tutorial's iptables line with `nsnet forward add` in
 * front; -p/--protocol, --dport and --to-destination are translated into
 * the command they meant.
 *
 * Return: EXIT_USAGE.
 */
static int fwd_iptables(struct cli *c, int argc, char **argv,
			const char *verb, const char *bad)
{
	const char *proto = NULL, *port = NULL, *to = NULL;
	int i;

	for (i = 0; i + 1 < argc; i++) {
		if (!strcmp(argv[i], "-p") || !strcmp(argv[i], "--protocol"))
			proto = argv[++i];
		else if (!strcmp(argv[i], "--dport"))
			port = argv[++i];
		else if (!strcmp(argv[i], "--to-destination") ||
			 !strcmp(argv[i], "--to"))
			to = argv[++i];
	}
	if (!port)
		return cli_usage(c, "forward %s: option \"%s\": unknown; the form is: forward %s [proto tcp|udp] PORT %sto ADDR[:PORT]%s",
				 verb, bad, verb, strcmp(verb, "add") ? "[" : "",
				 strcmp(verb, "add") ? "]" : "");
	return cli_usage(c, "forward %s: option \"%s\": that is iptables' form; nsnet's is: forward %s %s%s%s%s%s%s",
			 verb, bad, verb, proto ? "proto " : "", proto ? proto : "",
			 proto ? " " : "", port, to ? " to " : "", to ? to : "");
}

/**
 * fwd_parse() - parse "[proto tcp|udp] PORT to ADDR[:PORT]"
 * @c:		invocation
 * @argc:	argument count
 * @argv:	arguments after the verb
 * @verb:	"add" or "del", for messages
 * @need_to:	whether "to ADDR" is required (add) or optional (del)
 * @f:		the forward; @f->to.family is 0 when "to" was not given
 *
 * Return: EXIT_OK or EXIT_USAGE.
 */
static int fwd_parse(struct cli *c, int argc, char **argv, const char *verb,
		     bool need_to, struct nsnet_forward *f)
{
	const char *port = NULL, *to = NULL;
	unsigned long p;
	int i, rc;

	memset(f, 0, sizeof(*f));
	f->proto = IPPROTO_TCP;
	for (i = 0; i < argc; i++) {
		if (argv[i][0] == '-')
			return fwd_iptables(c, argc, argv, verb, argv[i]);
		if (!strcmp(argv[i], "tcp") || !strcmp(argv[i], "udp"))
			return cli_usage(c, "forward %s: \"%s\": a protocol is written \"proto %s\", before the PORT (forward %s [proto tcp|udp] PORT %s)",
					 verb, argv[i], argv[i], verb,
					 need_to ? "to ADDR[:PORT]" : "[to ADDR[:PORT]]");
		if (!strcmp(argv[i], "proto")) {
			if ((rc = cli_need(c, argc, argv, i, "tcp or udp")))
				return rc;
			i++;
			if (!strcmp(argv[i], "tcp"))
				f->proto = IPPROTO_TCP;
			else if (!strcmp(argv[i], "udp"))
				f->proto = IPPROTO_UDP;
			else
				return cli_usage(c, "proto \"%s\": tcp or udp expected",
						 argv[i]);
		} else if (!strcmp(argv[i], "to")) {
			if ((rc = cli_need(c, argc, argv, i, "ADDRESS[:PORT]")))
				return rc;
			to = argv[++i];
		} else if (!port) {
			port = argv[i];
		} else {
			return cli_usage(c, "forward %s: unexpected \"%s\" after PORT %s (forward %s [proto tcp|udp] PORT %s)",
					 verb, argv[i], port, verb,
					 need_to ? "to ADDR[:PORT]" : "[to ADDR[:PORT]]");
		}
	}
	if (!port)
		return cli_usage(c, "forward %s: missing PORT", verb);
	if ((rc = cli_uint(c, "port", port, 65535, &p)))
		return rc;
	if (!p)
		return cli_usage(c, "port \"%s\": must be from 1 to 65535", port);
	f->port = (unsigned int)p;
	if (!to)
		return need_to ? cli_usage(c, "forward %s %s: missing \"to ADDRESS[:PORT]\"",
					   verb, port) : EXIT_OK;
	return dest_parse(c, to, f->port, f);
}

/**
 * fwd_add() - nsnet forward add [proto tcp|udp] PORT to ADDR[:PORT]
 * @c:		invocation
 * @argc:	argument count
 * @argv:	arguments
 *
 * Return: exit code.
 */
static int fwd_add(struct cli *c, int argc, char **argv)
{
	struct nsnet_forward f;
	int rc;

	if ((rc = fwd_parse(c, argc, argv, "add", true, &f)) ||
	    (rc = cli_ctx(c)))
		return rc;
	return nsnet_forward_add(c->ctx, &f) ? cli_lib_error(c) : EXIT_OK;
}

/**
 * fwd_del() - nsnet forward del [proto tcp|udp] PORT [to ADDR[:PORT]]
 * @c:		invocation
 * @argc:	argument count
 * @argv:	arguments
 *
 * Return: exit code.
 */
static int fwd_del(struct cli *c, int argc, char **argv)
{
	struct nsnet_forward f;
	int rc;

	if ((rc = fwd_parse(c, argc, argv, "del", false, &f)) ||
	    (rc = cli_ctx(c)))
		return rc;
	return nsnet_forward_del(c->ctx, &f) ? cli_lib_error(c) : EXIT_OK;
}

/**
 * text_fwd() - print a forward as it is given to `forward add`
 * @c:		invocation
 * @f:		rendered forward
 */
static void text_fwd(struct cli *c, json_t *f)
{
	const char *to = json_string_value(json_object_get(f, "to"));
	bool v6 = strchr(to, ':') != NULL;

	fprintf(c->out, "proto %s %lld to %s%s%s:%lld\n",
		json_string_value(json_object_get(f, "proto")),
		json_integer_value(json_object_get(f, "port")), v6 ? "[" : "",
		to, v6 ? "]" : "",
		json_integer_value(json_object_get(f, "to_port")));
}

/**
 * fwd_show() - nsnet forward show
 * @c:		invocation
 * @argc:	argument count
 * @argv:	arguments
 *
 * Return: exit code.
 */
static int fwd_show(struct cli *c, int argc, char **argv)
{
	struct nsnet_forward *fwds;
	char buf[64];
	json_t *arr;
	int i, n, rc;

	if (argc)
		return cli_usage(c, "forward show: unexpected \"%s\"", argv[0]);
	if ((rc = cli_ctx(c)))
		return rc;
	n = nsnet_forward_list(c->ctx, &fwds);
	if (n < 0)
		return cli_lib_error(c);
	arr = json_array();
	for (i = 0; i < n; i++)
		json_array_append_new(arr, json_pack("{s:s, s:i, s:s, s:i}",
			"proto", fwds[i].proto == IPPROTO_UDP ? "udp" : "tcp",
			"port", (int)fwds[i].port,
			"to", nsnet_prefix_format(&fwds[i].to, false, buf,
						  sizeof(buf)),
			"to_port", (int)fwds[i].to_port));
	free(fwds);
	return cli_emit(c, arr, text_fwd);
}

static const struct cli_cmd nat_cmds[] = {
	{ "add", NULL, "SUBNET [dev UPLINK [--force]]", "masquerade SUBNET when it leaves the host (--force: UPLINK comes later)", nat_add },
	{ "del", "delete", "SUBNET [dev UPLINK]", "remove a masquerade rule (without dev: the subnet's only one)", nat_del },
	{ "show", "list", "", "list masquerade rules (the default)", nat_show },
	{ NULL, NULL, NULL, NULL, NULL },
};

const struct cli_object cli_nat = {
	.name = "nat",
	.aliases = { NULL },
	.summary = "masquerade (source NAT) of subnets leaving the host",
	.cmds = nat_cmds,
	.dflt = "show",
	.uses_ns = false,
};

static const struct cli_cmd fwd_cmds[] = {
	{ "add", NULL, "[proto tcp|udp] PORT to ADDR[:PORT]", "forward a host port (DNAT)", fwd_add },
	{ "del", "delete", "[proto tcp|udp] PORT [to ADDR[:PORT]]", "remove a port forward", fwd_del },
	{ "show", "list", "", "list port forwards (the default)", fwd_show },
	{ NULL, NULL, NULL, NULL, NULL },
};

const struct cli_object cli_forward = {
	.name = "forward",
	.aliases = { NULL },
	.summary = "host ports forwarded to addresses (DNAT)",
	.cmds = fwd_cmds,
	.dflt = "show",
	.uses_ns = false,
};
