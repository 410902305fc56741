// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * dns_upstream.c - where a lab's names end and the outside world's begin:
 * the resolvers a network's dnsmasq forwards to, and the resolvers a node
 * without a dnsmasq is told about
 *
 * A lookup in a node must never hang. It hangs when the resolver it asks
 * forwards to a server that takes packets and never answers, and the
 * commonest such server is the host's own stub: systemd-resolved listens on
 * 127.0.0.53 of the host's loopback, which inside any other namespace is a
 * loopback with nobody on port 53 (the packets vanish into an ICMP error
 * dnsmasq ignores, so every query waits for the caller's timeouts: 10 s for
 * a reverse lookup of python's http.server, 20 s for `getent hosts`).
 *
 * So dnsmasq is given its servers explicitly (--no-resolv --server=...),
 * each one checked to be reachable from where that dnsmasq runs, without
 * sending it anything:
 *   - a loopback server, for a dnsmasq in the host's namespace, only if a
 *     UDP socket of that namespace is bound to port 53 of that address (or
 *     of the wildcard): /proc/thread-self/net/udp{,6};
 *   - systemd-resolved's stub (127.0.0.53, 127.0.0.54) without a listener,
 *     or seen from a node, is replaced by the servers resolved itself uses
 *     (/run/systemd/resolve/resolv.conf);
 *   - any other server, for a dnsmasq in the host's namespace, only if the
 *     host has a route to it (connect() of a UDP socket: a route lookup, no
 *     packet); for a dnsmasq in a node, only if it is on one of the node's
 *     networks, or the node routes towards it through a network the host
 *     masquerades (without NAT the answer could not come back).
 * With none left dnsmasq forwards nothing: it answers REFUSED at once.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "svc_int.h"

/** RESOLVED_UPSTREAMS - systemd-resolved's list of the servers it uses */
#define RESOLVED_UPSTREAMS "/run/systemd/resolve/resolv.conf"

/**
 * read_small() - a small text file
 * @path:	the file
 *
 * Return: its text (free()), NULL if unreadable.
 */
static char *read_small(const char *path)
{
	FILE *f = fopen(path, "re");
	char *buf;
	size_t len = 0;

	if (!f)
		return NULL;
	/* resolv.conf is small; a huge one is not worth copying */
	buf = calloc(1, 65537);
	if (buf)
		len = fread(buf, 1, 65536, f);
	fclose(f);
	if (buf)
		buf[len] = '\0';
	return buf;
}

/**
 * host_resolv_read() - the host's resolver files
 * @hr:		filled; texts NULL where a file is missing
 */
void host_resolv_read(struct host_resolv *hr)
{
	hr->etc = read_small("/etc/resolv.conf");
	hr->resolved = read_small(RESOLVED_UPSTREAMS);
}

/**
 * host_resolv_free() - release host_resolv_read()'s texts
 * @hr:		the texts
 */
void host_resolv_free(struct host_resolv *hr)
{
	free(hr->etc);
	free(hr->resolved);
	hr->etc = hr->resolved = NULL;
}

/**
 * resolv_server() - the server a resolv.conf line names
 * @line:	one line, NUL-terminated, without its newline
 * @a:		the address
 *
 * Return: true for a "nameserver ADDRESS" line with a valid address.
 */
bool resolv_server(const char *line, struct nsnet_prefix *a)
{
	char addr[64];

	return sscanf(line, " nameserver %63s", addr) == 1 &&
	       !nsnet_prefix_parse(addr, NSNET_PFX_NO_LEN, a);
}

/**
 * dns_loopback() - whether a server is on the loopback
 * @a:		the address
 *
 * Return: true for 127.0.0.0/8 and ::1.
 */
bool dns_loopback(const struct nsnet_prefix *a)
{
	if (a->family == AF_INET)
		return a->addr[0] == 127;
	return !memcmp(a->addr, &in6addr_loopback, 16);
}

/**
 * dns_resolved_stub() - whether a server is systemd-resolved's stub
 * @a:		the address
 *
 * Return: true for 127.0.0.53 and 127.0.0.54.
 */
bool dns_resolved_stub(const struct nsnet_prefix *a)
{
	return a->family == AF_INET && a->addr[0] == 127 && !a->addr[1] &&
	       !a->addr[2] && (a->addr[3] == 53 || a->addr[3] == 54);
}

/**
 * resolv_next_line() - take the next line of a resolv.conf text
 * @p:		where the rest of the text starts (NULL or at its end: none);
 *		moved past the line
 * @line:	the line, NUL-terminated, without its newline (cut to fit)
 * @len:	size of @line
 *
 * Return: true if a line was taken.
 */
bool resolv_next_line(const char **p, char *line, size_t len)
{
	const char *nl;
	size_t n;

	if (!*p || !**p)
		return false;
	nl = strchr(*p, '\n');
	n = nl ? (size_t)(nl - *p) : strlen(*p);
	if (n >= len)
		n = len - 1;
	memcpy(line, *p, n);
	line[n] = '\0';
	*p = nl ? nl + 1 : *p + strlen(*p);
	return true;
}

/**
 * each_server() - call @fn for every nameserver of a resolv.conf text
 * @text:	the text, or NULL
 * @fn:		called with each server and @arg
 * @arg:	passed on
 */
static void each_server(const char *text,
			void (*fn)(const struct nsnet_prefix *, void *),
			void *arg)
{
	const char *p = text;
	struct nsnet_prefix a;
	char line[512];

	while (resolv_next_line(&p, line, sizeof(line)))
		if (resolv_server(line, &a))
			fn(&a, arg);
}

/**
 * udp53_bound() - whether a UDP socket of this thread's namespace is bound
 *		   to port 53 of @a (or of the wildcard address)
 * @a:		a loopback address
 *
 * /proc/net/udp prints each local address as the kernel's 32-bit words in
 * host order (%08X) and the port in host order, so the words are compared
 * as they lie in memory. Reading the table sends nothing.
 *
 * Return: true if bound.
 */
static bool udp53_bound(const struct nsnet_prefix *a)
{
	const char *path = a->family == AF_INET ?
			   "/proc/thread-self/net/udp" :
			   "/proc/thread-self/net/udp6";
	size_t words = a->family == AF_INET ? 1 : 4, i;
	char line[512], hex[33], *end;
	uint32_t want[4], got[4];
	unsigned int port;
	bool found = false, any;
	FILE *f;

	memcpy(want, a->addr, words * 4);
	f = fopen(path, "re");
	if (!f)
		return false;
	while (!found && fgets(line, sizeof(line), f)) {
		if (sscanf(line, " %*u: %32[0-9A-Fa-f]:%x", hex, &port) != 2 ||
		    port != 53 || strlen(hex) != words * 8)
			continue;
		any = true;
		for (i = 0; i < words; i++) {
			char w[9];

			memcpy(w, hex + i * 8, 8);
			w[8] = '\0';
			got[i] = (uint32_t)strtoul(w, &end, 16);
			any &= got[i] == 0;
		}
		found = any || !memcmp(got, want, words * 4);
	}
	fclose(f);
	return found;
}

/**
 * host_routes_to() - whether this thread's namespace has a route to @a
 * @a:		the server
 *
 * connect() of a UDP socket looks the route up and sends nothing.
 *
 * Return: true if it has one.
 */
static bool host_routes_to(const struct nsnet_prefix *a)
{
	struct sockaddr_storage ss = { 0 };
	socklen_t len;
	bool ok;
	int fd;

	if (a->family == AF_INET) {
		struct sockaddr_in *sin = (struct sockaddr_in *)&ss;

		sin->sin_family = AF_INET;
		sin->sin_port = htons(53);
		memcpy(&sin->sin_addr, a->addr, 4);
		len = sizeof(*sin);
	} else {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;

		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons(53);
		memcpy(&sin6->sin6_addr, a->addr, 16);
		len = sizeof(*sin6);
	}
	fd = socket(a->family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return false;
	ok = connect(fd, (struct sockaddr *)&ss, len) == 0;
	close(fd);
	return ok;
}

/**
 * node_routes_to() - whether a node's answers from @a can come back
 * @lab:	the lab
 * @node:	the node
 * @a:		the server
 *
 * On one of the node's networks: yes. Through a route of the node (the
 * default route included): only if the node sits on a network the host
 * masquerades, since the host forwards the node's private source address
 * unchanged otherwise, and the answer never finds its way back.
 *
 * Return: true if it can.
 */
static bool node_routes_to(const struct lab *lab, const struct lab_node *node,
			   const struct nsnet_prefix *a)
{
	bool nat = false;
	size_t i;

	for (i = 0; i < node->n_ifaces; i++) {
		const struct lab_iface *ifc = &node->ifaces[i];
		const struct lab_network *net;

		if (ifc->network == LAB_NONE)
			continue;
		net = &lab->networks[ifc->network];
		if (net->has_subnet && pfx_in(&net->subnet, a))
			return true;
		nat |= net->nat;
	}
	for (i = 0; nat && i < node->n_routes; i++)
		if (node->routes[i].dst.family == a->family &&
		    pfx_in(&node->routes[i].dst, a))
			return true;
	return false;
}

/**
 * struct pick - dns_forwarders() at work
 * @lab:	the lab
 * @node:	the node dnsmasq runs in, NULL for the host
 * @hr:		the host's resolver files
 * @out:	the servers chosen
 * @stub_seen:	a resolved stub was met (its upstreams are added once)
 */
struct pick {
	const struct lab *lab;
	const struct lab_node *node;
	const struct host_resolv *hr;
	struct dns_upstreams *out;
	bool stub_seen;
};

/**
 * take() - keep @a if it is new and there is room
 * @p:		the pick
 * @a:		a reachable server
 */
static void take(struct pick *p, const struct nsnet_prefix *a)
{
	size_t i;

	for (i = 0; i < p->out->n; i++)
		if (pfx_equal(&p->out->server[i], a))
			return;
	if (p->out->n < DNS_UPSTREAM_MAX)
		p->out->server[p->out->n++] = *a;
}

/**
 * pick_resolved() - one of systemd-resolved's own upstreams
 * @a:		the server
 * @arg:	struct pick
 */
static void pick_resolved(const struct nsnet_prefix *a, void *arg)
{
	struct pick *p = arg;

	/* resolved lists real servers; a loopback one here would loop */
	if (dns_loopback(a))
		return;
	if (p->node ? node_routes_to(p->lab, p->node, a) : host_routes_to(a))
		take(p, a);
}

/**
 * pick_etc() - one server of the host's /etc/resolv.conf
 * @a:		the server
 * @arg:	struct pick
 */
static void pick_etc(const struct nsnet_prefix *a, void *arg)
{
	struct pick *p = arg;

	if (dns_loopback(a)) {
		if (!p->node && udp53_bound(a)) {
			take(p, a);
			return;
		}
		if (dns_resolved_stub(a) && !p->stub_seen) {
			p->stub_seen = true;
			each_server(p->hr->resolved, pick_resolved, p);
		}
		return;
	}
	if (p->node ? node_routes_to(p->lab, p->node, a) : host_routes_to(a))
		take(p, a);
}

/**
 * dns_forwarders() - the servers a lab's dnsmasq may forward outside
 *		      names to
 * @hr:		the host's resolver files
 * @lab:	the lab
 * @node:	the node the dnsmasq runs in, NULL for the host's namespace
 *		(the caller's thread must be in that namespace)
 * @out:	the servers, in the host's order; none when none is reachable
 */
void dns_forwarders(const struct host_resolv *hr, const struct lab *lab,
		    const struct lab_node *node, struct dns_upstreams *out)
{
	struct pick p = { .lab = lab, .node = node, .hr = hr, .out = out };

	out->n = 0;
	each_server(hr->etc, pick_etc, &p);
}
