// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * dnsmasq.c - the command line of the dnsmasq serving a lab's network, and
 * its lease file
 *
 * The dnsmasq we start must depend on nothing of the host's configuration
 * and touch nothing outside the lab's state: no /etc/dnsmasq.conf
 * (--conf-file=/dev/null), no /etc/hosts (--no-hosts), sockets on the lab's
 * switch only (--bind-interfaces, so a host's own DNS server on port 53 of
 * another interface keeps working), its pid and lease files where we say,
 * logs to stderr (which the supervisor keeps).
 *
 * Privileges: dnsmasq parses untrusted DHCP and DNS packets from the lab,
 * so it drops to the unprivileged user "dnsmasq" (created by Debian's
 * dnsmasq-base), keeping only the capabilities DHCP needs. That works with
 * the state in root's 0700 /run/nsnet because dnsmasq opens its pid and
 * lease files before it drops privileges, and keeps the lease file open.
 * It reads --addn-hosts only after dropping them, though (checked with
 * dnsmasq 2.90: "Permission denied" under a 0700 directory), so static
 * names are passed as --host-record arguments, read at start as root.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <arpa/inet.h>

#include "dhcp.h"
#include "internal.h"

/** DNSMASQ_USER - who dnsmasq runs as after start */
#define DNSMASQ_USER "dnsmasq"
/** DNSMASQ_GROUP - its group ("dip", dnsmasq's default, is for dial-up) */
#define DNSMASQ_GROUP "nogroup"
/** DNSMASQ_BIN - the program */
#define DNSMASQ_BIN "/usr/sbin/dnsmasq"
/* dnsmasq refuses shorter leases */
#define DNSMASQ_MIN_LEASE 120

/**
 * struct argv_b - an argv being built
 * @v:		the array, NULL-terminated when done
 * @n:		entries used
 * @cap:	entries allocated
 * @oom:	an allocation failed
 */
struct argv_b {
	char **v;
	size_t n;
	size_t cap;
	bool oom;
};

/**
 * add() - append one formatted argument
 * @b:		argv being built
 * @fmt:	printf format
 */
static __attribute__((format(printf, 2, 3)))
void add(struct argv_b *b, const char *fmt, ...)
{
	va_list ap;
	char *s;

	if (b->oom)
		return;
	if (b->n + 2 > b->cap) {
		size_t cap = b->cap ? b->cap * 2 : 32;
		char **v = realloc(b->v, cap * sizeof(*v));

		if (!v) {
			b->oom = true;
			return;
		}
		b->v = v;
		b->cap = cap;
	}
	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0) {
		b->oom = true;
		s = NULL;
	}
	va_end(ap);
	if (s) {
		b->v[b->n++] = s;
		b->v[b->n] = NULL;
	}
}

/**
 * v4() - an IPv4 prefix's address as text
 * @p:		the prefix
 * @buf:	output, at least 64 bytes
 *
 * Return: @buf.
 */
static char *v4(const struct nsnet_prefix *p, char *buf)
{
	return nsnet_prefix_format(p, false, buf, 64);
}

/**
 * plain() - whether a value can go into dnsmasq's comma-separated syntax
 * @s:		the value
 *
 * dnsmasq splits option values at ',' and '/', and a name with spaces or
 * control characters is no name: such values are refused, not quoted.
 *
 * Return: true if @s is safe.
 */
static bool plain(const char *s)
{
	for (; *s; s++)
		if (*s <= ' ' || *s == ',' || *s == '/' || *s == '#' ||
		    *s == 0x7f)
			return false;
	return true;
}

/**
 * check_conf() - refuse a configuration dnsmasq would misread
 * @c:		the configuration
 *
 * Return: 0, or -EINVAL.
 */
static int check_conf(const struct dnsmasq_conf *c)
{
	const struct nsnet_prefix *v[] = {
		c->listen, c->subnet, c->range_start, c->range_end,
		c->router, c->dns,
	};
	size_t i;

	if (!c->ifname || nsnet_check_ifname(c->ifname) || !c->listen ||
	    !c->subnet || !c->range_start || !c->range_end ||
	    !c->pid_path || !c->lease_path ||
	    c->lease_secs < DNSMASQ_MIN_LEASE)
		return -EINVAL;
	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++)
		if (v[i] && v[i]->family != AF_INET)
			return -EINVAL;
	if (c->domain && (!*c->domain || !plain(c->domain)))
		return -EINVAL;
	for (i = 0; i < c->n_upstream; i++)
		if (c->upstream[i].family != AF_INET &&
		    c->upstream[i].family != AF_INET6)
			return -EINVAL;
	for (i = 0; c->hosts && c->hosts[i].name; i++)
		if (!*c->hosts[i].name || !plain(c->hosts[i].name) ||
		    c->hosts[i].address.family != AF_INET)
			return -EINVAL;
	return 0;
}

/**
 * dnsmasq_argv() - the command line of a hermetic dnsmasq for one network
 * @c:		what it serves
 * @argv_out:	the argv, NULL-terminated, argv[0] the program's path; free
 *		it with dnsmasq_argv_free()
 *
 * DNS is served on @c->listen only when @c->dns is set (clients are told
 * to use it); otherwise --port=0 turns DNS off. Names under @c->domain are
 * answered from leases and host records and never forwarded; so are
 * reverse lookups of private addresses (--bogus-priv: NXDOMAIN unless a
 * lease or record knows the address) and names without a dot
 * (--domain-needed). Anything else goes to @c->upstream only: dnsmasq
 * reads no resolv.conf, whose servers may be unreachable from where it
 * runs (dns_upstream.c); with no upstream it answers REFUSED at once.
 *
 * Return: 0; -EINVAL for a configuration dnsmasq would misread; -ENOMEM.
 */
int dnsmasq_argv(const struct dnsmasq_conf *c, char ***argv_out)
{
	struct nsnet_prefix mask = { .family = AF_INET };
	char a[64], b[64], m[64];
	struct argv_b v = { 0 };
	uint32_t bits;
	size_t i;

	*argv_out = NULL;
	if (check_conf(c))
		return -EINVAL;
	bits = c->subnet->len ? 0xffffffffu << (32 - c->subnet->len) : 0;
	bits = htonl(bits);
	memcpy(mask.addr, &bits, 4);
	mask.len = 32;
	add(&v, "%s", DNSMASQ_BIN);
	add(&v, "--keep-in-foreground");
	add(&v, "--conf-file=/dev/null");
	add(&v, "--no-hosts");
	add(&v, "--bind-interfaces");
	add(&v, "--interface=%s", c->ifname);
	add(&v, "--except-interface=lo");
	add(&v, "--listen-address=%s", v4(c->listen, a));
	add(&v, "--user=%s", DNSMASQ_USER);
	add(&v, "--group=%s", DNSMASQ_GROUP);
	add(&v, "--pid-file=%s", c->pid_path);
	add(&v, "--dhcp-leasefile=%s", c->lease_path);
	add(&v, "--log-facility=-");
	add(&v, "--dhcp-authoritative");
	/* The lab hands out every static address outside the range itself:
	 * probing each offer with a ping would only delay it by seconds. */
	add(&v, "--no-ping");
	if (c->lease_secs == 0xffffffffu)
		add(&v, "--dhcp-range=%s,%s,%s,infinite", v4(c->range_start, a),
		    v4(c->range_end, b), v4(&mask, m));
	else
		add(&v, "--dhcp-range=%s,%s,%s,%u", v4(c->range_start, a),
		    v4(c->range_end, b), v4(&mask, m), c->lease_secs);
	if (c->router)
		add(&v, "--dhcp-option=option:router,%s", v4(c->router, a));
	else
		add(&v, "--dhcp-option=option:router");
	if (c->dns)
		add(&v, "--dhcp-option=option:dns-server,%s", v4(c->dns, a));
	else
		add(&v, "--port=0");
	if (c->renew_secs)
		add(&v, "--dhcp-option=option:T1,%u", c->renew_secs);
	if (c->domain) {
		add(&v, "--domain=%s", c->domain);
		add(&v, "--local=/%s/", c->domain);
	}
	for (i = 0; c->hosts && c->hosts[i].name; i++) {
		if (c->domain)
			add(&v, "--host-record=%s,%s.%s,%s", c->hosts[i].name,
			    c->hosts[i].name, c->domain,
			    v4(&c->hosts[i].address, a));
		else
			add(&v, "--host-record=%s,%s", c->hosts[i].name,
			    v4(&c->hosts[i].address, a));
	}
	add(&v, "--no-resolv");
	add(&v, "--bogus-priv");
	add(&v, "--domain-needed");
	for (i = 0; i < c->n_upstream; i++)
		add(&v, "--server=%s", nsnet_prefix_format(&c->upstream[i],
							   false, a, sizeof(a)));
	if (v.oom) {
		dnsmasq_argv_free(v.v);
		return -ENOMEM;
	}
	*argv_out = v.v;
	return 0;
}

/**
 * dnsmasq_argv_free() - release an argv from dnsmasq_argv()
 * @argv:	the argv, may be NULL
 */
void dnsmasq_argv_free(char **argv)
{
	size_t i;

	for (i = 0; argv && argv[i]; i++)
		free(argv[i]);
	free(argv);
}

/**
 * parse_lease() - one line of dnsmasq's lease file
 * @line:	"EXPIRY MAC IP HOSTNAME CLIENTID", NUL-terminated, no newline
 * @l:		the result
 *
 * dnsmasq writes "*" for an unknown hostname or client id; DHCPv6 leases
 * (after a "duid" line) have an IPv6 address, which is kept as it is.
 *
 * Return: 0, or -EBADMSG for a line that is not a lease.
 */
static int parse_lease(char *line, struct dnsmasq_lease *l)
{
	char *f[5], *save = NULL, *end;
	long long exp;
	int n;

	memset(l, 0, sizeof(*l));
	for (n = 0; n < 5; n++) {
		f[n] = strtok_r(n ? NULL : line, " \t", &save);
		if (!f[n])
			return -EBADMSG;
	}
	errno = 0;
	exp = strtoll(f[0], &end, 10);
	if (errno || *end || exp < 0)
		return -EBADMSG;
	if (nsnet_prefix_parse(f[2], NSNET_PFX_NO_LEN, &l->address))
		return -EBADMSG;
	l->expires = exp;
	snprintf(l->mac, sizeof(l->mac), "%s", f[1]);
	if (strcmp(f[3], "*") != 0)
		snprintf(l->hostname, sizeof(l->hostname), "%s", f[3]);
	if (strcmp(f[4], "*") != 0)
		snprintf(l->client_id, sizeof(l->client_id), "%s", f[4]);
	return 0;
}

/**
 * dnsmasq_leases_read() - the leases in a dnsmasq lease file
 * @ctx:	context
 * @path:	the file (struct dnsmasq_conf's @lease_path)
 * @out:	the leases (free() them), in the file's order
 *
 * A missing file is no lease, not an error: dnsmasq creates it at start.
 * Lines that are not leases ("duid ...") are skipped.
 *
 * Return: the number of leases, or -errno.
 */
int dnsmasq_leases_read(struct nsnet_ctx *ctx, const char *path,
			struct dnsmasq_lease **out)
{
	struct vec v = { .size = sizeof(struct dnsmasq_lease) };
	struct dnsmasq_lease l;
	char line[1024];
	FILE *f;
	int n;

	*out = NULL;
	f = fopen(path, "re");
	if (!f)
		return errno == ENOENT ? 0 :
		       nsnet_fail(ctx, -errno, "dhcp leases %s", path);
	while (fgets(line, sizeof(line), f)) {
		struct dnsmasq_lease *p;

		line[strcspn(line, "\n")] = '\0';
		if (parse_lease(line, &l))
			continue;
		p = vec_push(&v);
		if (!p) {
			fclose(f);
			free(v.items);
			return nsnet_fail(ctx, -ENOMEM, "dhcp leases %s", path);
		}
		*p = l;
	}
	fclose(f);
	n = vec_take(&v, out);
	return n < 0 ? nsnet_fail(ctx, n, "dhcp leases %s", path) : n;
}
