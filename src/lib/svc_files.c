// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * svc_files.c - what a lab's resolv.conf and hosts files say
 *
 * Names: every node's addresses go into one hosts file per lab, so nodes
 * find each other as NODE and NODE.LAB without any server. Nodes that take
 * their address from DHCP are named by the lab's dnsmasq instead (it learns
 * them from the clients), so a node that can reach a dnsmasq asks it first.
 *
 * Resolvers: the host's resolv.conf often names a resolver on loopback
 * (systemd-resolved's 127.0.0.53), which inside a namespace is the
 * namespace's own, empty loopback: such lines are replaced by the lab's
 * dnsmasq where the node can reach one, and dropped otherwise.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "svc_int.h"

/**
 * text_add() - append formatted text
 * @t:		the text
 * @fmt:	printf format
 *
 * A failed allocation sets @t->oom; later calls do nothing.
 */
void text_add(struct svc_text *t, const char *fmt, ...)
{
	va_list ap;
	size_t need;
	int n;

	if (t->oom)
		return;
	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0) {
		t->oom = true;
		return;
	}
	need = t->len + (size_t)n + 1;
	if (need > t->cap) {
		size_t cap = t->cap ? t->cap : 256;
		char *s;

		while (cap < need)
			cap *= 2;
		s = realloc(t->s, cap);
		if (!s) {
			t->oom = true;
			return;
		}
		t->s = s;
		t->cap = cap;
	}
	va_start(ap, fmt);
	vsnprintf(t->s + t->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	t->len += (size_t)n;
}

/**
 * text_free() - release a text
 * @t:		the text
 */
void text_free(struct svc_text *t)
{
	free(t->s);
	memset(t, 0, sizeof(*t));
}

/**
 * svc_node_addr() - the address an interface of a node has or will have
 * @lab:	the lab
 * @state:	the lab's state after the plan (its "auto" map)
 * @node:	node index
 * @ifc:	interface index in the node
 * @out:	the address, with its length
 *
 * Return: true if the address is known before the lab runs (static or
 * auto); false for none or DHCP.
 */
bool svc_node_addr(const struct lab *lab, json_t *state, size_t node,
		   size_t ifc, struct nsnet_prefix *out)
{
	const struct lab_node *n = &lab->nodes[node];
	const struct lab_iface *f = &n->ifaces[ifc];
	char key[NSNET_NSNAMSIZ + NSNET_IFNAMSIZ + 2];
	const char *s;

	if (f->addr_kind == LAB_ADDR_STATIC) {
		*out = f->addr;
		return true;
	}
	if (f->addr_kind != LAB_ADDR_AUTO)
		return false;
	snprintf(key, sizeof(key), "%s/%s", n->name, f->name);
	s = json_string_value(json_object_get(json_object_get(state, "auto"),
					      key));
	return s && !nsnet_prefix_parse(s, NSNET_PFX_NEED_LEN, out);
}

/**
 * svc_dns_addr() - where a network's dnsmasq listens
 * @lab:	the lab
 * @net:	network index
 *
 * Return: the server node's static address on the network, or the
 * network's gateway (the host); NULL if the network has no dnsmasq.
 */
const struct nsnet_prefix *svc_dns_addr(const struct lab *lab, size_t net)
{
	const struct lab_network *n = &lab->networks[net];
	const struct lab_iface *srv;

	if (!n->dhcp.on)
		return NULL;
	if (n->dhcp.server != LAB_NONE) {
		srv = lab_dhcp_server_if(lab, net);
		return srv ? &srv->addr : NULL;
	}
	return n->has_gateway ? &n->gateway : NULL;
}

/**
 * add_host() - one "ADDRESS NODE NODE.LAB" line
 * @t:		the text
 * @a:		address
 * @node:	node name
 * @lab:	lab name
 */
static void add_host(struct svc_text *t, const struct nsnet_prefix *a,
		     const char *node, const char *lab)
{
	char buf[64];

	nsnet_prefix_format(a, false, buf, sizeof(buf));
	text_add(t, "%s\t%s %s.%s\n", buf, node, node, lab);
}

/**
 * svc_hosts_text() - a hosts file naming every node of the lab
 * @lab:	the lab
 * @state:	its state after the plan (auto addresses)
 * @own:	a node whose `hosts:` entries are added, or NULL for the
 *		lab-wide file
 * @t:		the text, filled
 *
 * Return: 0, or -ENOMEM.
 */
int svc_hosts_text(const struct lab *lab, json_t *state,
		   const struct lab_node *own, struct svc_text *t)
{
	char marker[128], buf[64];
	struct nsnet_prefix a;
	size_t i, j;

	text_add(t, "%s", etc_marker(lab->name, marker, sizeof(marker)));
	text_add(t, "127.0.0.1\tlocalhost\n"
		    "::1\tlocalhost ip6-localhost ip6-loopback\n"
		    "ff02::1\tip6-allnodes\n"
		    "ff02::2\tip6-allrouters\n");
	for (i = 0; i < lab->n_nodes; i++)
		for (j = 0; j < lab->nodes[i].n_ifaces; j++)
			if (svc_node_addr(lab, state, i, j, &a))
				add_host(t, &a, lab->nodes[i].name, lab->name);
	for (i = 0; i < lab->n_links; i++)
		for (j = 0; j < 2; j++) {
			const struct lab_end *e = &lab->links[i].end[j];

			if (e->has_addr && e->node != LAB_NONE)
				add_host(t, &e->addr, lab->nodes[e->node].name,
					 lab->name);
		}
	for (i = 0; own && i < own->n_hosts; i++) {
		nsnet_prefix_format(&own->hosts[i].addr, false, buf, sizeof(buf));
		text_add(t, "%s\t%s\n", buf, own->hosts[i].name);
	}
	return t->oom ? -ENOMEM : 0;
}

/**
 * resolved_lines() - systemd-resolved's upstream servers, for a node
 * @text:	/run/systemd/resolve/resolv.conf, or NULL
 * @t:		where the nameserver lines go
 */
static void resolved_lines(const char *text, struct svc_text *t)
{
	const char *p = text;
	struct nsnet_prefix a;
	char line[512], buf[64];

	while (resolv_next_line(&p, line, sizeof(line)))
		if (resolv_server(line, &a) && !dns_loopback(&a))
			text_add(t, "nameserver %s\t# systemd-resolved's upstream\n",
				 nsnet_prefix_format(&a, false, buf,
						     sizeof(buf)));
}

/**
 * host_lines() - the host's resolv.conf as a node sees it
 * @hr:		the host's resolver files
 * @t:		where the lines go
 * @dropped:	set to whether a loopback resolver was dropped
 *
 * A loopback resolver of the host is the node's own loopback, where nobody
 * listens: it is commented out. systemd-resolved's stub (127.0.0.53) is
 * replaced by the servers resolved itself forwards to, which a node routed
 * through the host can reach like any other address.
 */
static void host_lines(const struct host_resolv *hr, struct svc_text *t,
		       bool *dropped)
{
	const char *p = hr->etc;
	struct nsnet_prefix a;
	bool stub_done = false;
	char line[512];

	*dropped = false;
	while (resolv_next_line(&p, line, sizeof(line))) {
		if (!resolv_server(line, &a) || !dns_loopback(&a)) {
			text_add(t, "%s\n", line);
			continue;
		}
		*dropped = true;
		text_add(t, "# %s: the host's, unreachable from the namespace\n",
			 line);
		if (dns_resolved_stub(&a) && !stub_done) {
			stub_done = true;
			resolved_lines(hr->resolved, t);
		}
	}
}

/**
 * svc_resolv_text() - the resolv.conf of a node, if it needs its own
 * @lab:	the lab
 * @node:	node index
 * @hr:		the host's resolver files
 * @t:		the text; left empty (NULL) when the host's file serves
 *
 * `dns:` is written as given. Without it, a node on a network with a
 * dnsmasq uses it (it answers the lab's names and forwards the rest to
 * the host's resolvers it can reach: dns_upstream.c). Otherwise the host's
 * file as a node sees it (host_lines()), when it has a loopback resolver.
 *
 * Return: 0, or -ENOMEM.
 */
int svc_resolv_text(const struct lab *lab, size_t node,
		    const struct host_resolv *hr, struct svc_text *t)
{
	const struct lab_node *n = &lab->nodes[node];
	const struct nsnet_prefix *dns = NULL;
	char marker[128], buf[64];
	struct svc_text host = { 0 };
	bool dropped;
	size_t i;

	etc_marker(lab->name, marker, sizeof(marker));
	if (n->dns.given) {
		text_add(t, "%s", marker);
		for (i = 0; i < n->dns.n_servers; i++)
			text_add(t, "nameserver %s\n",
				 nsnet_prefix_format(&n->dns.servers[i], false,
						     buf, sizeof(buf)));
		if (n->dns.n_search)
			text_add(t, "search");
		for (i = 0; i < n->dns.n_search; i++)
			text_add(t, " %s%s", n->dns.search[i],
				 i + 1 == n->dns.n_search ? "\n" : "");
		if (n->dns.n_options)
			text_add(t, "options");
		for (i = 0; i < n->dns.n_options; i++)
			text_add(t, " %s%s", n->dns.options[i],
				 i + 1 == n->dns.n_options ? "\n" : "");
		return t->oom ? -ENOMEM : 0;
	}
	for (i = 0; !dns && i < n->n_ifaces; i++)
		if (n->ifaces[i].network != LAB_NONE)
			dns = svc_dns_addr(lab, n->ifaces[i].network);
	if (dns) {
		text_add(t, "%s", marker);
		text_add(t, "nameserver %s\nsearch %s\n",
			 nsnet_prefix_format(dns, false, buf, sizeof(buf)),
			 lab->name);
		return t->oom ? -ENOMEM : 0;
	}
	host_lines(hr, &host, &dropped);
	if (dropped) {
		text_add(t, "%s", marker);
		text_add(t, "%s", host.s ? host.s : "");
	}
	text_free(&host);
	return t->oom ? -ENOMEM : 0;
}
