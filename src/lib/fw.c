// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * fw.c - NAT, port forwards and isolation through libnftables
 *
 * A lab's rules live in one table of its own, `inet nsnet-<lab>`, written
 * as one nftables script and run as one transaction: "add table" (so the
 * next command cannot fail), "delete table", then the whole table again.
 * nft 1.0.6 has no "destroy", and this idiom replaces the table atomically
 * whether or not it existed: packets see the old rules or the new ones,
 * never none. Nothing outside the table is touched: no flush, no policy of
 * another table, no route_localnet.
 *
 * What the table does (RELIABILITY.md, "Exposure"):
 * - masquerade a network's subnet when it leaves the host through another
 *   interface than the lab's bridges (so networks of one lab routed through
 *   the host keep their addresses);
 * - DNAT a host port to a node only for packets addressed to the host itself
 *   (`fib daddr type local`), from outside (prerouting) and from the host's
 *   own processes (output), never for loopback destinations: forwarding
 *   127.0.0.1 would need route_localnet, which lets neighbours reach the
 *   host's loopback services (CVE-2020-8558);
 * - isolate: a packet routed into one of the lab's bridges is accepted only
 *   from another of its bridges, as a reply (established, related), or as a
 *   forwarded port (ct status dnat); everything else, another lab or a LAN
 *   host routing through this one, is dropped (moby#14041).
 *
 * Both IPv4 and IPv6 are written from the addresses given (the family of a
 * subnet or of a forward's destination picks ip or ip6). The isolation chain
 * covers both families, since it matches interfaces, not addresses.
 *
 * Limits: a node reaching a forwarded port of its own lab through the host's
 * address (hairpin) is DNATed but not masqueraded, so the answer goes
 * straight back over the bridge and the connection fails, as with Docker
 * without its userland proxy. Another table's drop (a filter FORWARD policy
 * of drop, e.g. Docker's) still drops lab traffic: that policy is not ours
 * to change.
 *
 * The imperative `nat` and `forward` commands keep their rules in the table
 * `inet nsnet`, one rule (or one pair) per command, found again by its
 * comment, which spells the command's arguments.
 *
 * An nft context is bound to the network namespace current when it is made,
 * so each call makes one, uses it and frees it in the calling thread.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <netinet/in.h>
#include <sys/select.h>
#include <sys/socket.h>

#include <nftables/libnftables.h>

#include "engine.h"
#include "fw.h"

/* FW_RULE_MAX - room for the text of any one rule written here */
#define FW_RULE_MAX 256

/* ------------------------------------------------------------------ names */

/**
 * fw_check_name() - whether an interface name can be written in a rule
 * @name:	a valid interface name
 *
 * Names go into rules as quoted strings. nftables has no escape for '"';
 * it reads '\' as an escape and a trailing '*' as a wildcard (so a set
 * element "br*" would match every br-something).
 *
 * Return: NULL if usable, else why not.
 */
const char *fw_check_name(const char *name)
{
	if (strchr(name, '"'))
		return "contains '\"', which nftables cannot quote";
	if (strchr(name, '\\'))
		return "contains '\\', which nftables reads as an escape";
	if (strchr(name, '*'))
		return "contains '*', which nftables reads as a wildcard";
	return NULL;
}

/**
 * fw_table_name() - the name of a lab's table, "nsnet-<lab>"
 * @lab:	lab name
 * @buf:	output, or NULL to only check @lab
 * @len:	size of @buf
 *
 * nft 1.0.6 takes table names as bare identifiers only (a quoted name is a
 * syntax error), so a lab name is limited to what an identifier may hold
 * after the prefix: letters, digits, '.', '_' and '-'. The lab parser
 * refuses other names for that reason.
 *
 * Return: 0, -EINVAL if @lab cannot name a table, -ENAMETOOLONG if @buf is
 * too small.
 */
int fw_table_name(const char *lab, char *buf, size_t len)
{
	const char *p;

	if (!lab || !*lab ||
	    strlen(FW_TABLE_PREFIX) + strlen(lab) >= FW_TABLE_MAX)
		return -EINVAL;
	for (p = lab; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9') || *p == '.' || *p == '_' ||
		      *p == '-'))
			return -EINVAL;
	if (!buf)
		return 0;
	if ((size_t)snprintf(buf, len, "%s%s", FW_TABLE_PREFIX, lab) >= len)
		return -ENAMETOOLONG;
	return 0;
}

/* ----------------------------------------------------------------- script */

/**
 * ip_kw() - the nftables keyword of an address family
 * @family:	AF_INET or AF_INET6
 *
 * Return: "ip" or "ip6".
 */
static const char *ip_kw(int family)
{
	return family == AF_INET6 ? "ip6" : "ip";
}

/**
 * proto_kw() - the nftables keyword of a transport protocol
 * @proto:	IPPROTO_TCP or IPPROTO_UDP
 *
 * Return: "tcp" or "udp".
 */
static const char *proto_kw(int proto)
{
	return proto == IPPROTO_UDP ? "udp" : "tcp";
}

/**
 * is_loopback() - whether an address is a loopback address
 * @a:		the address
 *
 * Return: true for 127.0.0.0/8 and ::1.
 */
static bool is_loopback(const struct nsnet_prefix *a)
{
	static const uint8_t v6[16] = { [15] = 1 };

	if (a->family == AF_INET)
		return a->addr[0] == 127;
	return !memcmp(a->addr, v6, sizeof(v6));
}

/**
 * fwd_valid() - whether a forward can be written as a rule
 * @f:		the forward
 *
 * Return: true if valid.
 */
static bool fwd_valid(const struct fw_fwd *f)
{
	if (f->proto != IPPROTO_TCP && f->proto != IPPROTO_UDP)
		return false;
	if (f->port < 1 || f->port > 65535 || f->to_port < 1 ||
	    f->to_port > 65535)
		return false;
	if (f->to.family != AF_INET && f->to.family != AF_INET6)
		return false;
	/* The loopback is never DNATed: see the file's comment. */
	return !f->has_host ||
	       (f->host.family == f->to.family && !is_loopback(&f->host));
}

/**
 * spec_valid() - whether every name and value of @s can go into a script
 * @s:		the spec
 *
 * Return: true if valid.
 */
static bool spec_valid(const struct fw_spec *s)
{
	size_t i;

	if (fw_table_name(s->lab, NULL, 0))
		return false;
	for (i = 0; i < s->n_bridges; i++)
		if (!s->bridges[i] || nsnet_check_ifname(s->bridges[i]) ||
		    fw_check_name(s->bridges[i]))
			return false;
	for (i = 0; i < s->n_nats; i++) {
		const struct fw_nat *n = &s->nats[i];

		if (n->subnet.family != AF_INET && n->subnet.family != AF_INET6)
			return false;
		if (!n->bridge || nsnet_check_ifname(n->bridge) ||
		    fw_check_name(n->bridge))
			return false;
		if (n->out && *n->out &&
		    (nsnet_check_ifname(n->out) || fw_check_name(n->out)))
			return false;
	}
	for (i = 0; i < s->n_fwds; i++)
		if (!fwd_valid(&s->fwds[i]))
			return false;
	return true;
}

/**
 * put_bridges() - the set of the lab's bridges, each name once
 * @f:		output
 * @s:		the spec
 *
 * A nat's bridge is included even if the caller left it out of @s->bridges:
 * the masquerade rule relies on it. Bridges are few (each is a network of
 * the file), so the quadratic search for duplicates is fine.
 */
static void put_bridges(FILE *f, const struct fw_spec *s)
{
	size_t n = s->n_bridges + s->n_nats, i, j, k = 0;
	const char *name;

	fputs("\tset bridges {\n\t\ttype ifname\n", f);
	for (i = 0; i < n; i++) {
		name = i < s->n_bridges ? s->bridges[i] :
					  s->nats[i - s->n_bridges].bridge;
		for (j = 0; j < i; j++)
			if (!strcmp(name, j < s->n_bridges ? s->bridges[j] :
					  s->nats[j - s->n_bridges].bridge))
				break;
		if (j < i)
			continue;
		fprintf(f, "%s\"%s\"", k ? ", " : "\t\telements = { ", name);
		k++;
	}
	fputs(k ? " }\n\t}\n" : "\t}\n", f);
}

/**
 * put_nats() - the masquerade chain
 * @f:		output
 * @s:		the spec
 */
static void put_nats(FILE *f, const struct fw_spec *s)
{
	char net[64];
	size_t i;

	if (!s->n_nats)
		return;
	fputs("\n\tchain postrouting {\n"
	      "\t\ttype nat hook postrouting priority srcnat; policy accept;\n",
	      f);
	for (i = 0; i < s->n_nats; i++) {
		const struct fw_nat *n = &s->nats[i];

		nsnet_prefix_format(&n->subnet, true, net, sizeof(net));
		if (n->out && *n->out)
			fprintf(f, "\t\t%s saddr %s oifname \"%s\" masquerade\n",
				ip_kw(n->subnet.family), net, n->out);
		else
			fprintf(f, "\t\t%s saddr %s oifname != @bridges masquerade\n",
				ip_kw(n->subnet.family), net);
	}
	fputs("\t}\n", f);
}

/**
 * dnat_rule() - the text of one forward's DNAT rule
 * @d:		the forward, valid
 * @buf:	output
 * @len:	size of @buf (FW_RULE_MAX bytes hold every rule)
 *
 * Without `host`, any local address but the loopback; with it, that
 * address only (still required to be local: a stale address must not turn
 * the rule into one for traffic passing through).
 *
 * Return: @buf.
 */
static char *dnat_rule(const struct fw_fwd *d, char *buf, size_t len)
{
	const char *ip = ip_kw(d->to.family);
	bool v6 = d->to.family == AF_INET6;
	char to[48], host[48], match[80];

	nsnet_prefix_format(&d->to, false, to, sizeof(to));
	if (d->has_host)
		snprintf(match, sizeof(match), "%s daddr %s", ip,
			 nsnet_prefix_format(&d->host, false, host,
					     sizeof(host)));
	else
		snprintf(match, sizeof(match), "%s daddr != %s", ip,
			 v6 ? "::1" : "127.0.0.0/8");
	snprintf(buf, len,
		 "%s fib daddr type local %s dport %u dnat %s to %s%s%s:%u",
		 match, proto_kw(d->proto), d->port, ip, v6 ? "[" : "", to,
		 v6 ? "]" : "", d->to_port);
	return buf;
}

/**
 * put_dnat_chain() - a DNAT chain: prerouting or output
 * @f:		output
 * @s:		the spec
 * @hook:	"prerouting" or "output"
 *
 * Forwards bound to one host address come first, so they win over a
 * forward of the same port for every address.
 */
static void put_dnat_chain(FILE *f, const struct fw_spec *s, const char *hook)
{
	char rule[FW_RULE_MAX];
	size_t i;
	int pass;

	if (!s->n_fwds)
		return;
	/* "dstnat" is refused for the output hook of an inet table by nft
	 * 1.0.6; -100 is its value. */
	fprintf(f, "\n\tchain %s {\n\t\ttype nat hook %s priority %s; policy accept;\n",
		hook, hook, strcmp(hook, "output") ? "dstnat" : "-100");
	for (pass = 0; pass < 2; pass++)
		for (i = 0; i < s->n_fwds; i++)
			if (s->fwds[i].has_host == !pass)
				fprintf(f, "\t\t%s\n",
					dnat_rule(&s->fwds[i], rule,
						  sizeof(rule)));
	fputs("\t}\n", f);
}

/**
 * fw_script() - the nftables script that (re)creates a lab's table
 * @s:		what the table holds
 *
 * Run with fw_run(), it replaces the table atomically, created or not.
 * Chains without rules are left out; the isolation chain is always there.
 *
 * Return: the script (free()), or NULL with errno EINVAL (a name or value
 * that cannot be written: see fw_table_name(), fw_check_name(); a loopback
 * or wrong-family `host`) or ENOMEM.
 */
char *fw_script(const struct fw_spec *s)
{
	char table[FW_TABLE_MAX], *buf = NULL;
	size_t size = 0;
	FILE *f;

	if (!s || !spec_valid(s)) {
		errno = EINVAL;
		return NULL;
	}
	fw_table_name(s->lab, table, sizeof(table));
	f = open_memstream(&buf, &size);
	if (!f)
		return NULL;
	fprintf(f, "# nsnet lab %s: NAT, port forwards and isolation, replaced in one transaction\n"
		"add table inet %s\n"
		"delete table inet %s\n"
		"table inet %s {\n"
		"\tcomment \"nsnet lab %s\"\n\n",
		s->lab, table, table, table, s->lab);
	put_bridges(f, s);
	put_nats(f, s);
	put_dnat_chain(f, s, "prerouting");
	put_dnat_chain(f, s, "output");
	fputs("\n\tchain forward {\n"
	      "\t\ttype filter hook forward priority filter; policy accept;\n"
	      "\t\toifname != @bridges accept\n"
	      "\t\tiifname @bridges accept\n"
	      "\t\tct state established,related accept\n"
	      "\t\tct status dnat accept\n"
	      "\t\tdrop\n"
	      "\t}\n"
	      "}\n", f);
	if (ferror(f)) {
		fclose(f);
		free(buf);
		errno = ENOMEM;
		return NULL;
	}
	if (fclose(f)) {
		free(buf);
		errno = ENOMEM;
		return NULL;
	}
	return buf;
}

/* ------------------------------------------------------------ libnftables */

/**
 * nft_errno() - the errno an nftables error text stands for
 * @why:	the text
 *
 * libnftables reports failures as text only; these are the kernel's
 * strerror() texts it passes on.
 *
 * Return: a negative errno, -EIO when none is recognised.
 */
static int nft_errno(const char *why)
{
	static const struct {
		const char *text;
		int err;
	} map[] = {
		{ "No such file or directory", -ENOENT },
		{ "Operation not permitted", -EPERM },
		{ "File exists", -EEXIST },
		{ "Device or resource busy", -EBUSY },
		{ "Protocol not supported", -EPROTONOSUPPORT },
		{ "Cannot allocate memory", -ENOMEM },
		{ "syntax error", -EINVAL },
	};
	size_t i;

	for (i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (strstr(why, map[i].text))
			return map[i].err;
	return -EIO;
}

/**
 * nft_why() - the first error line of nftables' error text, trimmed
 * @text:	the error buffer (may be NULL)
 * @buf:	output
 * @len:	size of @buf
 *
 * nftables writes "[LOCATION: ]Error: WHAT", then the offending input and
 * a line of carets; only WHAT is kept.
 *
 * Return: @buf.
 */
static char *nft_why(const char *text, char *buf, size_t len)
{
	const char *p = text ? strstr(text, "Error: ") : NULL;
	size_t n;

	if (p)
		p += strlen("Error: ");
	else
		p = text ? text : "";
	while (*p == ' ' || *p == '\n')
		p++;
	n = strcspn(p, "\n");
	while (n && (p[n - 1] == ' ' || p[n - 1] == '\r'))
		n--;
	if (!n) {
		p = "failed without saying why";
		n = strlen(p);
	}
	snprintf(buf, len, "%.*s", (int)n, p);
	return buf;
}

/**
 * nft_fd_fits() - whether the next descriptor opened is below FD_SETSIZE
 * @ctx:	context (its host descriptor is copied to find out)
 *
 * A new descriptor is the lowest free one, so a copy shows where the
 * socket nft_ctx_new() opens will be. None free at all is refused too:
 * libnftables exit()s when it cannot open its socket.
 *
 * Return: true if it is below FD_SETSIZE (or the probe failed for another
 * reason than the open-file limits: let libnftables report it).
 */
static bool nft_fd_fits(const struct nsnet_ctx *ctx)
{
	int fd = fcntl(ctx->host_fd, F_DUPFD_CLOEXEC, 0);

	if (fd < 0)
		return errno != EMFILE && errno != ENFILE;
	close(fd);
	return fd < FD_SETSIZE;
}

/**
 * nft_cmd() - run nftables commands in the calling thread's namespace
 * @ctx:	context
 * @cmds:	the commands (a script)
 * @json:	ask for JSON output
 * @out:	where to put a copy of the output (free()), or NULL
 * @quiet_enoent: a "No such file or directory" failure is returned
 *		without being recorded in @ctx
 *
 * Return: 0, or -errno (recorded in @ctx as "nftables: WHY").
 */
static int nft_cmd(struct nsnet_ctx *ctx, const char *cmds, bool json,
		   char **out, bool quiet_enoent)
{
	struct nft_ctx *nft;
	char why[256];
	int err = 0;

	if (out)
		*out = NULL;
	/* libnftables writes its own "you must be root" line to stderr
	 * before failing; a library must not print, so ask first. */
	if (geteuid() != 0)
		return nsnet_fail_why(ctx, -EPERM, false,
				      "needs root (CAP_NET_ADMIN)", "nftables");
	/* libnftables select()s on its socket, and glibc aborts the process
	 * for a descriptor at FD_SETSIZE or above: refuse instead. The
	 * socket cache lives above it (nlsock.c), so this only trips for
	 * a caller holding a thousand descriptors of its own. */
	if (!nft_fd_fits(ctx))
		return nsnet_fail_why(ctx, -EMFILE, false,
				      "no descriptor below FD_SETSIZE (1024) is free for libnftables",
				      "nftables");
	nft = nft_ctx_new(NFT_CTX_DEFAULT);
	if (!nft)
		return nsnet_fail(ctx, -ENOMEM, "nftables");
	if (json)
		nft_ctx_output_set_flags(nft, NFT_CTX_OUTPUT_JSON);
	if (nft_ctx_buffer_output(nft) || nft_ctx_buffer_error(nft)) {
		err = nsnet_fail(ctx, -ENOMEM, "nftables");
		goto out;
	}
	if (nft_run_cmd_from_buffer(nft, cmds)) {
		nft_why(nft_ctx_get_error_buffer(nft), why, sizeof(why));
		err = nft_errno(why);
		if (!(quiet_enoent && err == -ENOENT))
			nsnet_fail_why(ctx, err, false, why, "nftables");
		goto out;
	}
	if (out) {
		*out = strdup(nft_ctx_get_output_buffer(nft) ?: "");
		if (!*out)
			err = nsnet_fail(ctx, -ENOMEM, "nftables");
	}
out:
	nft_ctx_free(nft);
	return err;
}

/**
 * fw_run() - run an nftables script as one transaction
 * @ctx:	context
 * @script:	the script, e.g. from fw_script()
 *
 * Return: 0, or -errno with nftables' own first error line in @ctx.
 */
int fw_run(struct nsnet_ctx *ctx, const char *script)
{
	return nft_cmd(ctx, script, false, NULL, false);
}

/**
 * list_table() - `list table inet NAME` of a lab, text or JSON
 * @ctx:	context
 * @lab:	lab name
 * @json:	JSON instead of text
 * @text:	the listing (free())
 *
 * Return: 0, -ENOENT (not recorded) when there is no such table, or -errno.
 */
static int list_table(struct nsnet_ctx *ctx, const char *lab, bool json,
		      char **text)
{
	char table[FW_TABLE_MAX], cmd[FW_TABLE_MAX + 32];

	*text = NULL;
	/* A name that cannot be a table's has no table. */
	if (fw_table_name(lab, table, sizeof(table)))
		return -ENOENT;
	snprintf(cmd, sizeof(cmd), "list table inet %s", table);
	return nft_cmd(ctx, cmd, json, text, true);
}

/**
 * fw_list() - the lab's table as `nft list table` prints it
 * @ctx:	context
 * @lab:	lab name
 * @text:	the listing (free()); without handles or counters, so two
 *		listings of an unchanged table are equal
 *
 * Meant for drift detection: keep the listing taken right after applying,
 * compare it with a later one.
 *
 * Return: 0, -ENOENT (not recorded in @ctx) when the table does not exist,
 * or -errno.
 */
int fw_list(struct nsnet_ctx *ctx, const char *lab, char **text)
{
	return list_table(ctx, lab, false, text);
}

/**
 * fw_list_json() - the lab's table as `nft -j list table` prints it
 * @ctx:	context
 * @lab:	lab name
 * @text:	the JSON text (free()); it holds handles, which change each
 *		time the table is replaced
 *
 * Return: 0, -ENOENT (not recorded in @ctx) when the table does not exist,
 * or -errno.
 */
int fw_list_json(struct nsnet_ctx *ctx, const char *lab, char **text)
{
	return list_table(ctx, lab, true, text);
}

/**
 * fw_ruleset_json() - the whole ruleset as `nft -j list ruleset` prints it
 * @ctx:	context
 * @text:	the JSON text (free())
 *
 * For diagnosis (doctor): other tables are read, never changed.
 *
 * Return: 0, or -errno recorded in @ctx.
 */
int fw_ruleset_json(struct nsnet_ctx *ctx, char **text)
{
	return nft_cmd(ctx, "list ruleset", true, text, false);
}

/**
 * fw_delete() - delete the lab's table if it exists
 * @ctx:	context
 * @lab:	lab name
 *
 * "add" then "delete" in one transaction: the delete always finds the
 * table, so an absent table is no error and no race.
 *
 * Return: 0, or -errno.
 */
int fw_delete(struct nsnet_ctx *ctx, const char *lab)
{
	char table[FW_TABLE_MAX], cmd[2 * FW_TABLE_MAX + 48];

	if (fw_table_name(lab, table, sizeof(table)))
		return 0;
	snprintf(cmd, sizeof(cmd), "add table inet %s\ndelete table inet %s\n",
		 table, table);
	return nft_cmd(ctx, cmd, false, NULL, false);
}

/* ------------------------------------ forwarding, recorded in the kernel */

/*
 * A lab that needs forwarding tags its own table with an empty chain,
 * "forwarding_ipv4_was_0": the family and the value found before the first
 * lab needed it. /run/nsnet/sysctl:forwarding stays the record while it is
 * there; the tags are what is left when /run/nsnet is lost: the labs still
 * holding forwarding are the tables that carry a tag, and the value to put
 * back is written in each of them. A table goes with its lab, so a tag can
 * never outlive the lab that holds it.
 */

/** FWD_TAG_PREFIX - start of a tag chain's name */
#define FWD_TAG_PREFIX "forwarding_"

/**
 * parse_tag() - read a tag chain's name
 * @name:	a chain's name
 * @fam:	its family ("ipv4" or "ipv6"), out (5 bytes)
 * @was:	the value found, out (4 bytes)
 *
 * Return: true if @name is a tag.
 */
static bool parse_tag(const char *name, char fam[5], char was[4])
{
	const char *p = name + strlen(FWD_TAG_PREFIX);
	size_t n;

	if (strncmp(name, FWD_TAG_PREFIX, strlen(FWD_TAG_PREFIX)) ||
	    (strncmp(p, "ipv4", 4) && strncmp(p, "ipv6", 4)) ||
	    strncmp(p + 4, "_was_", 5))
		return false;
	n = strspn(p + 9, "0123456789");
	if (n < 1 || n > 3 || p[9 + n])
		return false;
	memcpy(fam, p, 4);
	fam[4] = '\0';
	memcpy(was, p + 9, n);
	was[n] = '\0';
	return true;
}

/**
 * fw_fwd_tags() - the forwarding tags of every lab's table
 * @ctx:	context
 * @out:	a JSON array of {"lab", "family", "was"} (json_decref());
 *		the shared table of the imperative commands, which holds
 *		forwarding without a tag, shows as {"lab": FW_IMPERATIVE,
 *		"family": "*"}
 *
 * One `list chains` for all tables. When nftables cannot be asked (no
 * root, no nf_tables) there are no tables and so no tags: the array is
 * empty and nothing is recorded in @ctx.
 *
 * Return: 0, or -ENOMEM.
 */
int fw_fwd_tags(struct nsnet_ctx *ctx, json_t **out)
{
	json_t *all = NULL, *arr = json_array(), *e, *c;
	char *text = NULL, fam[5], was[4];
	bool shared = false;
	struct err_keep k;
	size_t i;

	*out = arr;
	if (!arr)
		return nsnet_fail(ctx, -ENOMEM, "nftables tags");
	err_keep(ctx, &k);
	if (!nft_cmd(ctx, "list chains", true, &text, true) && text)
		all = json_loads(text, 0, NULL);
	err_restore(ctx, &k);
	free(text);
	json_array_foreach(json_object_get(all, "nftables"), i, e) {
		const char *table, *name, *family;

		c = json_object_get(e, "chain");
		table = json_string_value(json_object_get(c, "table"));
		name = json_string_value(json_object_get(c, "name"));
		family = json_string_value(json_object_get(c, "family"));
		if (!table || !name || !family || strcmp(family, "inet"))
			continue;
		if (!strcmp(table, FW_TABLE_SHARED) && !shared) {
			shared = true;
			json_array_append_new(arr, json_pack("{s:s, s:s, s:s}",
				"lab", FW_IMPERATIVE, "family", "*", "was", ""));
			continue;
		}
		if (strncmp(table, FW_TABLE_PREFIX, strlen(FW_TABLE_PREFIX)) ||
		    !parse_tag(name, fam, was))
			continue;
		json_array_append_new(arr, json_pack("{s:s, s:s, s:s}", "lab",
			table + strlen(FW_TABLE_PREFIX), "family", fam, "was", was));
	}
	json_decref(all);
	return 0;
}

/**
 * fw_fwd_tag() - tag the lab's table: @family was @was before labs needed it
 * @ctx:	context
 * @lab:	lab name
 * @family:	"ipv4" or "ipv6"
 * @was:	the value found, 1 to 3 digits
 *
 * "add chain" is idempotent: tagging again changes nothing.
 *
 * Return: 0, -ENOENT (not recorded) when the lab has no table, or -errno.
 */
int fw_fwd_tag(struct nsnet_ctx *ctx, const char *lab, const char *family,
	       const char *was)
{
	char table[FW_TABLE_MAX], cmd[FW_TABLE_MAX + 96], f[5], w[4];

	if (fw_table_name(lab, table, sizeof(table)))
		return -ENOENT;
	snprintf(cmd, sizeof(cmd), "%s%s_was_%s", FWD_TAG_PREFIX, family, was);
	if (!parse_tag(cmd, f, w))
		return nsnet_fail(ctx, -EINVAL, "forwarding tag %s", cmd);
	snprintf(cmd, sizeof(cmd), "add chain inet %s %s%s_was_%s", table,
		 FWD_TAG_PREFIX, family, was);
	return nft_cmd(ctx, cmd, false, NULL, true);
}

/* ------------------------------------------- imperative nat and forward */

/**
 * struct shared_rule - one rule of the shared table
 * @chain:	its chain
 * @handle:	its handle
 * @comment:	its comment ("" if none)
 */
struct shared_rule {
	char chain[32];
	unsigned long handle;
	char comment[128];
};

/**
 * shared_rules() - the rules of the shared table `inet nsnet`
 * @ctx:	context
 * @rules:	the rules (free())
 * @n:		their count (0 when the table does not exist)
 *
 * Return: 0, or -errno.
 */
static int shared_rules(struct nsnet_ctx *ctx, struct shared_rule **rules,
			size_t *n)
{
	struct vec v = { .size = sizeof(struct shared_rule) };
	json_t *root = NULL, *arr, *it, *r;
	struct shared_rule *sr;
	char *text = NULL;
	size_t i;
	int err;

	*rules = NULL;
	*n = 0;
	err = nft_cmd(ctx, "list table inet " FW_TABLE_SHARED, true, &text,
		      true);
	if (err == -ENOENT)
		return 0;
	if (err)
		return err;
	root = json_loads(text, 0, NULL);
	arr = json_object_get(root, "nftables");
	if (!json_is_array(arr)) {
		err = nsnet_fail_why(ctx, -EIO, false, "unexpected JSON",
				     "nftables: list table inet %s",
				     FW_TABLE_SHARED);
		goto out;
	}
	json_array_foreach(arr, i, it) {
		r = json_object_get(it, "rule");
		if (!json_is_object(r))
			continue;
		sr = vec_push(&v);
		if (!sr) {
			err = nsnet_fail(ctx, -ENOMEM, "nftables");
			goto out;
		}
		memset(sr, 0, sizeof(*sr));
		snprintf(sr->chain, sizeof(sr->chain), "%s",
			 json_string_value(json_object_get(r, "chain")) ?: "");
		sr->handle = (unsigned long)json_integer_value(
			json_object_get(r, "handle"));
		snprintf(sr->comment, sizeof(sr->comment), "%s",
			 json_string_value(json_object_get(r, "comment")) ?: "");
	}
	*rules = v.items;
	*n = v.n;
	v.items = NULL;
out:
	free(v.items);
	json_decref(root);
	free(text);
	return err;
}

/**
 * nat_comment() - the comment naming an imperative nat rule
 * @nat:	the rule
 * @buf:	output
 * @len:	size of @buf
 *
 * Return: "nat SUBNET[ dev DEV]" in @buf.
 */
static char *nat_comment(const struct nsnet_nat *nat, char *buf, size_t len)
{
	char net[64];

	nsnet_prefix_format(&nat->subnet, true, net, sizeof(net));
	snprintf(buf, len, "nat %s%s%s", net, nat->dev[0] ? " dev " : "",
		 nat->dev);
	return buf;
}

/**
 * fwd_key() - the part of a forward's comment that identifies it
 * @f:		the forward
 * @buf:	output
 * @len:	size of @buf
 *
 * One host port (per protocol) goes to one place, so protocol and port
 * identify a forward; the rest of the comment says where it goes.
 *
 * Return: "forward PROTO PORT to " in @buf.
 */
static char *fwd_key(const struct nsnet_forward *f, char *buf, size_t len)
{
	snprintf(buf, len, "forward %s %u to ", proto_kw(f->proto), f->port);
	return buf;
}

/**
 * fwd_comment() - the comment naming an imperative forward's rules
 * @f:		the forward
 * @buf:	output
 * @len:	size of @buf
 *
 * Return: "forward PROTO PORT to ADDR:PORT" in @buf ("[ADDR]:PORT" for
 * IPv6).
 */
static char *fwd_comment(const struct nsnet_forward *f, char *buf, size_t len)
{
	char key[32], to[48];
	bool v6 = f->to.family == AF_INET6;

	nsnet_prefix_format(&f->to, false, to, sizeof(to));
	snprintf(buf, len, "%s%s%s%s:%u", fwd_key(f, key, sizeof(key)),
		 v6 ? "[" : "", to, v6 ? "]" : "", f->to_port);
	return buf;
}

/**
 * parse_nat_comment() - read an imperative nat rule back from its comment
 * @c:		the comment
 * @nat:	the rule
 *
 * Return: true if @c is a nat comment.
 */
static bool parse_nat_comment(const char *c, struct nsnet_nat *nat)
{
	char net[64], dev[NSNET_IFNAMSIZ + 1] = "";
	int n = 0;

	memset(nat, 0, sizeof(*nat));
	if (sscanf(c, "nat %63s %n", net, &n) != 1)
		return false;
	if (c[n] && sscanf(c + n, "dev %16s", dev) != 1)
		return false;
	if (strlen(dev) >= sizeof(nat->dev) ||
	    nsnet_prefix_parse(net, NSNET_PFX_NEED_LEN, &nat->subnet))
		return false;
	strcpy(nat->dev, dev);
	return true;
}

/**
 * parse_fwd_comment() - read an imperative forward back from its comment
 * @c:		the comment
 * @f:		the forward
 *
 * Return: true if @c is a forward comment.
 */
static bool parse_fwd_comment(const char *c, struct nsnet_forward *f)
{
	char proto[8], to[80], *colon, *addr = to;
	unsigned int port, to_port;

	memset(f, 0, sizeof(*f));
	if (sscanf(c, "forward %7s %u to %79s", proto, &port, to) != 3)
		return false;
	colon = strrchr(to, ':');
	if (!colon || sscanf(colon + 1, "%u", &to_port) != 1)
		return false;
	*colon = '\0';
	if (to[0] == '[' && colon > to && colon[-1] == ']') {
		colon[-1] = '\0';
		addr = to + 1;
	}
	if (nsnet_prefix_parse(addr, NSNET_PFX_NO_LEN, &f->to))
		return false;
	f->proto = !strcmp(proto, "udp") ? IPPROTO_UDP : IPPROTO_TCP;
	f->port = port;
	f->to_port = to_port;
	return true;
}

/**
 * rule_family() - the address family an imperative rule is about
 * @r:		the rule
 *
 * Return: AF_INET, AF_INET6, or 0 for a rule that is not ours.
 */
static int rule_family(const struct shared_rule *r)
{
	struct nsnet_forward f;
	struct nsnet_nat nat;

	if (parse_nat_comment(r->comment, &nat))
		return nat.subnet.family;
	if (parse_fwd_comment(r->comment, &f))
		return f.to.family;
	return 0;
}

/**
 * sync_forwarding() - hold forwarding for the families the rules use
 * @ctx:	context
 * @sd:		the locked state directory
 * @rules:	the rules the shared table holds now
 * @n:		their count
 * @extra:	a family about to be used as well (0 for none)
 *
 * The imperative commands count as one pseudo-lab (FW_IMPERATIVE) for the
 * forwarding sysctl: it holds a family while any of its rules uses it.
 *
 * Return: 0, or -errno.
 */
static int sync_forwarding(struct nsnet_ctx *ctx, struct state_dir *sd,
			   const struct shared_rule *rules, size_t n,
			   int extra)
{
	static const int fams[] = { AF_INET, AF_INET6 };
	size_t i, j;
	bool need;
	int err;

	for (i = 0; i < 2; i++) {
		need = extra == fams[i];
		for (j = 0; !need && j < n; j++)
			need = rule_family(&rules[j]) == fams[i];
		err = sysctl_forwarding(ctx, sd->fd, FW_IMPERATIVE, fams[i],
					need);
		if (err)
			return err;
	}
	return 0;
}

/**
 * shared_open() - lock the state and read the shared table
 * @ctx:	context
 * @sd:		the state directory, opened and locked
 * @rules:	the shared table's rules (free())
 * @n:		their count
 *
 * The state lock serializes the imperative commands with each other and
 * with labs, which share the forwarding record.
 *
 * Return: 0, or -errno (@sd closed again).
 */
static int shared_open(struct nsnet_ctx *ctx, struct state_dir *sd,
		       struct shared_rule **rules, size_t *n)
{
	int err;

	err = state_open(ctx, sd, true);
	if (!err)
		err = state_lock(ctx, sd);
	if (!err)
		err = shared_rules(ctx, rules, n);
	if (err)
		state_close(sd);
	return err;
}

/**
 * shared_add() - add rules to the shared table, forwarding on first
 * @ctx:	context
 * @family:	the family the rules use
 * @what:	the rules' comment, for messages
 * @key:	a prefix of comments that means "already there"
 * @rules_text:	"add rule ..." lines
 *
 * Return: 0, -EEXIST if a rule with @key exists, or -errno.
 */
static int shared_add(struct nsnet_ctx *ctx, int family, const char *what,
		      const char *key, const char *rules_text)
{
	struct state_dir sd = { -1, -1 };
	struct shared_rule *rules = NULL;
	char *script = NULL;
	size_t n = 0, i;
	int err;

	err = shared_open(ctx, &sd, &rules, &n);
	if (err)
		return err;
	for (i = 0; i < n; i++) {
		if (!strncmp(rules[i].comment, key, strlen(key))) {
			err = nsnet_fail_why(ctx, -EEXIST, false, "exists",
					     "%s", rules[i].comment);
			goto out;
		}
	}
	/* Forwarding first: if the rules then fail, the resync below lets it
	 * go again, and a rule never waits for forwarding. */
	err = sync_forwarding(ctx, &sd, rules, n, family);
	if (err)
		goto out;
	if (asprintf(&script,
		     "add table inet " FW_TABLE_SHARED " { comment \"nsnet nat and forward commands\"; }\n"
		     "add chain inet " FW_TABLE_SHARED " postrouting { type nat hook postrouting priority srcnat; policy accept; }\n"
		     "add chain inet " FW_TABLE_SHARED " prerouting { type nat hook prerouting priority dstnat; policy accept; }\n"
		     "add chain inet " FW_TABLE_SHARED " output { type nat hook output priority -100; policy accept; }\n"
		     "%s", rules_text) < 0) {
		script = NULL;
		err = nsnet_fail(ctx, -ENOMEM, "%s", what);
	} else {
		err = fw_run(ctx, script);
	}
	if (err)
		sync_forwarding(ctx, &sd, rules, n, 0);
out:
	free(script);
	free(rules);
	state_close(&sd);
	return err;
}

/**
 * shared_del() - delete the rules whose comment matches, by handle
 * @ctx:	context
 * @what:	what is deleted, for messages ("nat 10.0.0.0/24")
 * @match:	decides whether a comment is one of them
 * @arg:	passed to @match
 *
 * The table goes with its last rule, and with it the pseudo-lab's hold on
 * forwarding.
 *
 * Return: 0, -ENOENT (an input error) if no rule matched, or -errno.
 */
static int shared_del(struct nsnet_ctx *ctx, const char *what,
		      bool (*match)(const char *comment, const void *arg),
		      const void *arg)
{
	struct state_dir sd = { -1, -1 };
	struct shared_rule *rules = NULL;
	size_t n = 0, i, m = 0;
	char *buf = NULL;
	size_t size = 0;
	FILE *f = NULL;
	int err;

	err = shared_open(ctx, &sd, &rules, &n);
	if (err)
		return err;
	f = open_memstream(&buf, &size);
	if (!f) {
		err = nsnet_fail(ctx, -ENOMEM, "%s", what);
		goto out;
	}
	for (i = 0; i < n; i++) {
		if (!match(rules[i].comment, arg)) {
			rules[m++] = rules[i];
			continue;
		}
		fprintf(f, "delete rule inet " FW_TABLE_SHARED " %s handle %lu\n",
			rules[i].chain, rules[i].handle);
	}
	if (m == n) {
		err = nsnet_fail_why(ctx, -ENOENT, true, "no such rule", "%s",
				     what);
		goto out;
	}
	if (!m)
		fputs("delete table inet " FW_TABLE_SHARED "\n", f);
	if (fclose(f)) {
		f = NULL;
		err = nsnet_fail(ctx, -ENOMEM, "%s", what);
		goto out;
	}
	f = NULL;
	err = fw_run(ctx, buf);
	if (!err)
		err = sync_forwarding(ctx, &sd, rules, m, 0);
out:
	if (f)
		fclose(f);
	free(buf);
	free(rules);
	state_close(&sd);
	return err;
}

/**
 * nat_valid() - check an imperative nat rule's values
 * @ctx:	context
 * @nat:	the rule
 *
 * Return: 0, or -EINVAL recorded as an input error.
 */
static int nat_valid(struct nsnet_ctx *ctx, const struct nsnet_nat *nat)
{
	const char *why = NULL;
	char net[64];

	if (nat->subnet.family != AF_INET && nat->subnet.family != AF_INET6)
		return nsnet_fail_why(ctx, -EINVAL, true, "not an IP prefix",
				      "nat");
	nsnet_prefix_format(&nat->subnet, true, net, sizeof(net));
	if (pfx_has_host_bits(&nat->subnet))
		return nsnet_fail_why(ctx, -EINVAL, true,
				      "host bits set (not a network address)",
				      "nat %s", net);
	if (nat->dev[0])
		why = nsnet_check_ifname(nat->dev) ?: fw_check_name(nat->dev);
	if (why)
		return nsnet_fail_why(ctx, -EINVAL, true, why, "nat %s dev %s",
				      net, nat->dev);
	return 0;
}

/**
 * nsnet_nat_add() - masquerade a subnet when it leaves the host
 * @ctx:	context
 * @nat:	the subnet, and the uplink ("" for any interface)
 *
 * Return: 0, -EEXIST if that rule exists, or -errno.
 */
int nsnet_nat_add(struct nsnet_ctx *ctx, const struct nsnet_nat *nat)
{
	char comment[128], net[64], *rule = NULL, dev[NSNET_IFNAMSIZ + 16] = "";
	int err;

	err = nat_valid(ctx, nat);
	if (err)
		return err;
	nat_comment(nat, comment, sizeof(comment));
	nsnet_prefix_format(&nat->subnet, true, net, sizeof(net));
	if (nat->dev[0])
		snprintf(dev, sizeof(dev), " oifname \"%s\"", nat->dev);
	/* Never within the subnet itself: with br_netfilter loaded, traffic
	 * between two namespaces on one bridge passes postrouting too, and
	 * must keep its real source address. */
	if (asprintf(&rule, "add rule inet " FW_TABLE_SHARED " postrouting %s saddr %s %s daddr != %s%s masquerade comment \"%s\"\n",
		     ip_kw(nat->subnet.family), net, ip_kw(nat->subnet.family),
		     net, dev, comment) < 0)
		return nsnet_fail(ctx, -ENOMEM, "%s", comment);
	/* The whole comment is the key: the same subnet may go out through
	 * two uplinks. */
	err = shared_add(ctx, nat->subnet.family, comment, comment, rule);
	free(rule);
	return err;
}

/**
 * nat_match() - whether a comment is the nat rule @arg names
 * @comment:	a rule's comment
 * @arg:	the "nat ..." comment wanted
 *
 * Return: true if equal.
 */
static bool nat_match(const char *comment, const void *arg)
{
	return !strcmp(comment, arg);
}

/**
 * nsnet_nat_del() - remove a masquerade rule added by nsnet_nat_add()
 * @ctx:	context
 * @nat:	the rule, as it was added
 *
 * Return: 0, -ENOENT (an input error) if there is no such rule, or -errno.
 */
int nsnet_nat_del(struct nsnet_ctx *ctx, const struct nsnet_nat *nat)
{
	char comment[128];
	int err;

	err = nat_valid(ctx, nat);
	if (err)
		return err;
	nat_comment(nat, comment, sizeof(comment));
	return shared_del(ctx, comment, nat_match, comment);
}

/**
 * nsnet_nat_list() - the masquerade rules added by nsnet_nat_add()
 * @ctx:	context
 * @out:	the rules, in the table's order (free())
 *
 * Return: their count, or -errno.
 */
int nsnet_nat_list(struct nsnet_ctx *ctx, struct nsnet_nat **out)
{
	struct vec v = { .size = sizeof(struct nsnet_nat) };
	struct shared_rule *rules = NULL;
	struct nsnet_nat nat, *p;
	size_t n = 0, i;
	int err;

	*out = NULL;
	err = shared_rules(ctx, &rules, &n);
	for (i = 0; !err && i < n; i++) {
		if (strcmp(rules[i].chain, "postrouting") ||
		    !parse_nat_comment(rules[i].comment, &nat))
			continue;
		p = vec_push(&v);
		if (!p)
			err = nsnet_fail(ctx, -ENOMEM, "nat show");
		else
			*p = nat;
	}
	free(rules);
	if (!err)
		err = vec_take(&v, out);
	if (err == -ENOMEM)
		nsnet_fail(ctx, err, "nat show");
	free(v.items);
	return err;
}

/**
 * fwd_valid_pub() - check an imperative forward's values
 * @ctx:	context
 * @f:		the forward
 * @need_to:	whether the destination must be given (add)
 *
 * Return: 0, or -EINVAL recorded as an input error.
 */
static int fwd_valid_pub(struct nsnet_ctx *ctx, const struct nsnet_forward *f,
			 bool need_to)
{
	if (f->proto != IPPROTO_TCP && f->proto != IPPROTO_UDP)
		return nsnet_fail_why(ctx, -EINVAL, true, "tcp or udp expected",
				      "forward proto");
	if (f->port < 1 || f->port > 65535)
		return nsnet_fail_why(ctx, -EINVAL, true,
				      "expected a number from 1 to 65535",
				      "forward port %u", f->port);
	if (!need_to && !f->to.family)
		return 0;
	if (f->to.family != AF_INET && f->to.family != AF_INET6)
		return nsnet_fail_why(ctx, -EINVAL, true, "not an IP address",
				      "forward %u to", f->port);
	if (f->to_port < 1 || f->to_port > 65535)
		return nsnet_fail_why(ctx, -EINVAL, true,
				      "expected a number from 1 to 65535",
				      "forward %u to port %u", f->port,
				      f->to_port);
	return 0;
}

/**
 * nsnet_forward_add() - forward a host port to an address (DNAT)
 * @ctx:	context
 * @f:		the forward
 *
 * Only packets addressed to the host itself, and not to the loopback, are
 * forwarded: from outside and from the host's own processes.
 *
 * Return: 0, -EEXIST if the port is forwarded already, or -errno.
 */
int nsnet_forward_add(struct nsnet_ctx *ctx, const struct nsnet_forward *f)
{
	struct fw_fwd d = { .proto = f->proto, .port = f->port, .to = f->to,
			    .to_port = f->to_port };
	char comment[128], key[32], rule[FW_RULE_MAX], *rules = NULL;
	int err;

	err = fwd_valid_pub(ctx, f, true);
	if (err)
		return err;
	fwd_comment(f, comment, sizeof(comment));
	fwd_key(f, key, sizeof(key));
	/* The same rule as a lab's, in both DNAT chains. */
	dnat_rule(&d, rule, sizeof(rule));
	if (asprintf(&rules,
		     "add rule inet " FW_TABLE_SHARED " prerouting %s comment \"%s\"\n"
		     "add rule inet " FW_TABLE_SHARED " output %s comment \"%s\"\n",
		     rule, comment, rule, comment) < 0)
		return nsnet_fail(ctx, -ENOMEM, "%s", comment);
	err = shared_add(ctx, f->to.family, comment, key, rules);
	free(rules);
	return err;
}

/**
 * fwd_match() - whether a comment is one of the forward's rules
 * @comment:	a rule's comment
 * @arg:	the struct nsnet_forward wanted (destination optional)
 *
 * Return: true if it is.
 */
static bool fwd_match(const char *comment, const void *arg)
{
	const struct nsnet_forward *f = arg;
	char want[128];

	if (f->to.family)
		return !strcmp(comment, fwd_comment(f, want, sizeof(want)));
	fwd_key(f, want, sizeof(want));
	return !strncmp(comment, want, strlen(want));
}

/**
 * nsnet_forward_del() - remove a forward added by nsnet_forward_add()
 * @ctx:	context
 * @f:		the forward; @f->to.family 0 matches any destination
 *
 * Return: 0, -ENOENT (an input error) if there is no such forward, or
 * -errno.
 */
int nsnet_forward_del(struct nsnet_ctx *ctx, const struct nsnet_forward *f)
{
	char what[128];
	int err;

	err = fwd_valid_pub(ctx, f, false);
	if (err)
		return err;
	if (f->to.family)
		fwd_comment(f, what, sizeof(what));
	else
		snprintf(what, sizeof(what), "forward %s %u",
			 proto_kw(f->proto), f->port);
	return shared_del(ctx, what, fwd_match, f);
}

/**
 * nsnet_forward_list() - the forwards added by nsnet_forward_add()
 * @ctx:	context
 * @out:	the forwards, in the table's order (free())
 *
 * Return: their count, or -errno.
 */
int nsnet_forward_list(struct nsnet_ctx *ctx, struct nsnet_forward **out)
{
	struct vec v = { .size = sizeof(struct nsnet_forward) };
	struct shared_rule *rules = NULL;
	struct nsnet_forward f, *p;
	size_t n = 0, i;
	int err;

	*out = NULL;
	err = shared_rules(ctx, &rules, &n);
	/* Each forward has a rule in prerouting and one in output: count
	 * the first. */
	for (i = 0; !err && i < n; i++) {
		if (strcmp(rules[i].chain, "prerouting") ||
		    !parse_fwd_comment(rules[i].comment, &f))
			continue;
		p = vec_push(&v);
		if (!p)
			err = nsnet_fail(ctx, -ENOMEM, "forward show");
		else
			*p = f;
	}
	free(rules);
	if (!err)
		err = vec_take(&v, out);
	if (err == -ENOMEM)
		nsnet_fail(ctx, err, "forward show");
	free(v.items);
	return err;
}
