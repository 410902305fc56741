// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * render.c - kernel objects as JSON (iproute2's key names) and as text
 *
 * Each object is rendered once, to JSON; the text printers read that JSON.
 * So `nsnet -j` and the human output always show the same facts, and the
 * text looks like what `ip` prints.
 */
#include <arpa/inet.h>
#include <net/if_arp.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <linux/if.h>
#include <linux/if_addr.h>
#include <linux/neighbour.h>
#include <linux/rtnetlink.h>

#include "cli.h"

/**
 * cmp_index() - bsearch comparator: ifindex against a link
 * @key:	int *
 * @item:	struct nsnet_link *
 *
 * Return: <0, 0, >0.
 */
static int cmp_index(const void *key, const void *item)
{
	return *(const int *)key - ((const struct nsnet_link *)item)->ifindex;
}

/**
 * linkmap_find() - the link with @ifindex
 * @m:		links of the namespace, sorted by ifindex
 * @ifindex:	index
 *
 * Return: the link, or NULL.
 */
const struct nsnet_link *linkmap_find(const struct linkmap *m, int ifindex)
{
	if (!m || !m->links)
		return NULL;
	return bsearch(&ifindex, m->links, (size_t)m->n, sizeof(*m->links),
		       cmp_index);
}

/**
 * linkmap_name() - the name of @ifindex, or "ifN" when unknown
 * @m:		links
 * @ifindex:	index
 * @buf:	storage for the fallback
 * @len:	size of @buf
 *
 * Return: the name.
 */
const char *linkmap_name(const struct linkmap *m, int ifindex, char *buf,
			 size_t len)
{
	const struct nsnet_link *l = linkmap_find(m, ifindex);

	if (l)
		return l->name;
	snprintf(buf, len, "if%d", ifindex);
	return buf;
}

/**
 * hwaddr() - "aa:bb:cc:..." of a hardware address
 * @a:		bytes
 * @n:		count
 * @buf:	output, at least 3 * 32 bytes
 *
 * Return: @buf.
 */
static char *hwaddr(const uint8_t *a, unsigned int n, char *buf)
{
	unsigned int i;
	int pos = 0;

	buf[0] = '\0';
	for (i = 0; i < n && i < 32; i++)
		pos += sprintf(buf + pos, "%s%02x", i ? ":" : "", a[i]);
	return buf;
}

/**
 * flag_names() - IFF_* flags as iproute2 lists them
 * @flags:	IFF_*
 *
 * Return: a JSON array of names.
 */
static json_t *flag_names(unsigned int flags)
{
	static const struct {
		unsigned int bit;
		const char *name;
	} names[] = {
		{ IFF_LOOPBACK, "LOOPBACK" }, { IFF_BROADCAST, "BROADCAST" },
		{ IFF_POINTOPOINT, "POINTOPOINT" },
		{ IFF_MULTICAST, "MULTICAST" }, { IFF_NOARP, "NOARP" },
		{ IFF_ALLMULTI, "ALLMULTI" }, { IFF_PROMISC, "PROMISC" },
		{ IFF_MASTER, "MASTER" }, { IFF_SLAVE, "SLAVE" },
		{ IFF_UP, "UP" }, { IFF_LOWER_UP, "LOWER_UP" },
		{ IFF_DORMANT, "DORMANT" },
	};
	json_t *arr = json_array();
	size_t i;

	/* iproute2 shows NO-CARRIER for an interface up without carrier */
	if ((flags & IFF_UP) && !(flags & IFF_RUNNING))
		json_array_append_new(arr, json_string("NO-CARRIER"));
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (flags & names[i].bit)
			json_array_append_new(arr, json_string(names[i].name));
	return arr;
}

/**
 * operstate_name() - RFC 2863 operational state as iproute2 names it
 * @state:	IF_OPER_*
 *
 * Return: the name.
 */
static const char *operstate_name(unsigned int state)
{
	static const char *const names[] = {
		"UNKNOWN", "NOTPRESENT", "DOWN", "LOWERLAYERDOWN",
		"TESTING", "DORMANT", "UP",
	};

	return state < sizeof(names) / sizeof(names[0]) ? names[state] :
							   "UNKNOWN";
}

/**
 * link_type_name() - ARPHRD_* as iproute2 names it
 * @type:	ARPHRD_*
 *
 * Return: the name.
 */
static const char *link_type_name(unsigned int type)
{
	switch (type) {
	case ARPHRD_ETHER:	return "ether";
	case ARPHRD_LOOPBACK:	return "loopback";
	case ARPHRD_NONE:	return "none";
	case ARPHRD_TUNNEL:	return "ipip";
	case ARPHRD_SIT:	return "sit";
	case ARPHRD_IPGRE:	return "gre";
	default:		return "unknown";
	}
}

/**
 * render_link() - one interface as `ip -j link show` prints it
 * @l:		the link
 * @m:		all links of its namespace, to name master and peer
 *
 * A veth whose peer is in the same namespace gets "link": peer name; one
 * whose peer is elsewhere gets "link_index" and "link_netnsid", as iproute2.
 *
 * Return: a new JSON object.
 */
json_t *render_link(const struct nsnet_link *l, const struct linkmap *m)
{
	json_t *o = json_object();
	char buf[128];

	json_object_set_new(o, "ifindex", json_integer(l->ifindex));
	if (l->link && l->link != l->ifindex) {
		const struct nsnet_link *peer = l->link_netnsid < 0 ?
			linkmap_find(m, l->link) : NULL;

		if (peer)
			json_object_set_new(o, "link", json_string(peer->name));
		else
			json_object_set_new(o, "link_index",
					    json_integer(l->link));
	}
	json_object_set_new(o, "ifname", json_string(l->name));
	json_object_set_new(o, "flags", flag_names(l->flags));
	json_object_set_new(o, "mtu", json_integer(l->mtu));
	if (l->master)
		json_object_set_new(o, "master", json_string(
			linkmap_name(m, l->master, buf, sizeof(buf))));
	json_object_set_new(o, "operstate",
			    json_string(operstate_name(l->operstate)));
	if (l->group)
		json_object_set_new(o, "group", json_integer(l->group));
	else
		json_object_set_new(o, "group", json_string("default"));
	json_object_set_new(o, "link_type",
			    json_string(link_type_name(l->type)));
	if (l->addr_len) {
		json_object_set_new(o, "address", json_string(
			hwaddr(l->addr, l->addr_len, buf)));
		json_object_set_new(o, "broadcast", json_string(
			hwaddr(l->brd, l->addr_len, buf)));
	}
	if (l->link_netnsid >= 0)
		json_object_set_new(o, "link_netnsid",
				    json_integer(l->link_netnsid));
	if (m && m->peers && *m->peers[l - m->links].netns) {
		const struct nsnet_peer *p = &m->peers[l - m->links];

		json_object_set_new(o, "peer_netns", json_string(p->netns));
		if (*p->ifname)
			json_object_set_new(o, "peer_ifname", json_string(p->ifname));
	}
	if (l->alias[0])
		json_object_set_new(o, "ifalias", json_string(l->alias));
	if (l->kind[0]) {
		json_t *info = json_object();

		json_object_set_new(info, "info_kind", json_string(l->kind));
		json_object_set_new(o, "linkinfo", info);
	}
	return o;
}

/**
 * scope_name() - RT_SCOPE_* as iproute2 names it
 * @scope:	scope
 * @buf:	storage for a number
 * @len:	size of @buf
 *
 * Return: the name.
 */
static const char *scope_name(unsigned int scope, char *buf, size_t len)
{
	switch (scope) {
	case RT_SCOPE_UNIVERSE:	return "global";
	case RT_SCOPE_SITE:	return "site";
	case RT_SCOPE_LINK:	return "link";
	case RT_SCOPE_HOST:	return "host";
	case RT_SCOPE_NOWHERE:	return "nowhere";
	default:
		snprintf(buf, len, "%u", scope);
		return buf;
	}
}

/**
 * render_addr() - one address as an element of iproute2's "addr_info"
 * @a:		the address
 *
 * Return: a new JSON object.
 */
json_t *render_addr(const struct nsnet_address *a)
{
	json_t *o = json_object();
	char buf[64];

	json_object_set_new(o, "family", json_string(
		a->local.family == AF_INET ? "inet" : "inet6"));
	json_object_set_new(o, "local", json_string(
		nsnet_prefix_format(&a->local, false, buf, sizeof(buf))));
	json_object_set_new(o, "prefixlen", json_integer(a->local.len));
	json_object_set_new(o, "scope", json_string(
		scope_name(a->scope, buf, sizeof(buf))));
	if (a->flags & IFA_F_PERMANENT)
		; /* the default: iproute2 prints nothing */
	else
		json_object_set_new(o, "dynamic", json_true());
	if (a->flags & IFA_F_TENTATIVE)
		json_object_set_new(o, "tentative", json_true());
	if (a->label[0])
		json_object_set_new(o, "label", json_string(a->label));
	json_object_set_new(o, "valid_life_time", json_integer(a->valid_lft));
	json_object_set_new(o, "preferred_life_time",
			    json_integer(a->preferred_lft));
	return o;
}

/**
 * protocol_name() - RTPROT_* as iproute2 names it
 * @proto:	protocol
 * @buf:	storage for a number
 * @len:	size of @buf
 *
 * Return: the name.
 */
static const char *protocol_name(unsigned int proto, char *buf, size_t len)
{
	switch (proto) {
	case RTPROT_REDIRECT:	return "redirect";
	case RTPROT_KERNEL:	return "kernel";
	case RTPROT_BOOT:	return "boot";
	case RTPROT_STATIC:	return "static";
	case RTPROT_RA:		return "ra";
	case RTPROT_DHCP:	return "dhcp";
	default:
		snprintf(buf, len, "%u", proto);
		return buf;
	}
}

/**
 * route_type_name() - RTN_* for the types `ip route` prints by name
 * @type:	RTN_*
 *
 * Return: the name, or NULL for unicast (printed without a type).
 */
static const char *route_type_name(unsigned int type)
{
	switch (type) {
	case RTN_UNICAST:	return NULL;
	case RTN_LOCAL:		return "local";
	case RTN_BROADCAST:	return "broadcast";
	case RTN_ANYCAST:	return "anycast";
	case RTN_MULTICAST:	return "multicast";
	case RTN_BLACKHOLE:	return "blackhole";
	case RTN_UNREACHABLE:	return "unreachable";
	case RTN_PROHIBIT:	return "prohibit";
	case RTN_THROW:		return "throw";
	default:		return "unknown";
	}
}

/**
 * render_route() - one route as `ip -j route show` prints it
 * @r:		the route
 * @m:		links of its namespace, to name the device
 *
 * A host route is shown without "/32" (or "/128"), default as "default".
 *
 * Return: a new JSON object.
 */
json_t *render_route(const struct nsnet_route *r, const struct linkmap *m)
{
	unsigned int width = r->dst.family == AF_INET ? 32 : 128;
	const char *type = route_type_name(r->type);
	json_t *o = json_object();
	char buf[64];

	if (type)
		json_object_set_new(o, "type", json_string(type));
	if (r->dst.len == 0)
		json_object_set_new(o, "dst", json_string("default"));
	else
		json_object_set_new(o, "dst", json_string(nsnet_prefix_format(
			&r->dst, r->dst.len != width, buf, sizeof(buf))));
	if (r->has_gateway)
		json_object_set_new(o, "gateway", json_string(
			nsnet_prefix_format(&r->gateway, false, buf,
					    sizeof(buf))));
	if (r->oif)
		json_object_set_new(o, "dev", json_string(
			linkmap_name(m, r->oif, buf, sizeof(buf))));
	/* ip leaves out "boot", the protocol of routes added by hand */
	if (r->protocol != RTPROT_BOOT)
		json_object_set_new(o, "protocol", json_string(
			protocol_name(r->protocol, buf, sizeof(buf))));
	if (r->scope != RT_SCOPE_UNIVERSE)
		json_object_set_new(o, "scope", json_string(
			scope_name(r->scope, buf, sizeof(buf))));
	if (r->has_prefsrc)
		json_object_set_new(o, "prefsrc", json_string(
			nsnet_prefix_format(&r->prefsrc, false, buf,
					    sizeof(buf))));
	if (r->metric)
		json_object_set_new(o, "metric", json_integer(r->metric));
	json_object_set_new(o, "flags", json_array());
	if (r->flags & RTNH_F_LINKDOWN)
		json_array_append_new(json_object_get(o, "flags"),
				      json_string("linkdown"));
	return o;
}

/**
 * nud_names() - NUD_* states as iproute2 names them
 * @state:	NUD_* bits
 *
 * Return: a JSON array of names.
 */
static json_t *nud_names(unsigned int state)
{
	static const struct {
		unsigned int bit;
		const char *name;
	} names[] = {
		{ NUD_INCOMPLETE, "INCOMPLETE" }, { NUD_REACHABLE, "REACHABLE" },
		{ NUD_STALE, "STALE" }, { NUD_DELAY, "DELAY" },
		{ NUD_PROBE, "PROBE" }, { NUD_FAILED, "FAILED" },
		{ NUD_NOARP, "NOARP" }, { NUD_PERMANENT, "PERMANENT" },
	};
	json_t *arr = json_array();
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (state & names[i].bit)
			json_array_append_new(arr, json_string(names[i].name));
	if (!state)
		json_array_append_new(arr, json_string("NONE"));
	return arr;
}

/**
 * render_neigh() - one neighbour entry as `ip -j neigh show` prints it
 * @e:		the entry
 * @m:		links of its namespace
 *
 * Return: a new JSON object.
 */
json_t *render_neigh(const struct nsnet_neigh *e, const struct linkmap *m)
{
	json_t *o = json_object();
	char buf[128];

	json_object_set_new(o, "dst", json_string(
		nsnet_prefix_format(&e->dst, false, buf, sizeof(buf))));
	json_object_set_new(o, "dev", json_string(
		linkmap_name(m, e->ifindex, buf, sizeof(buf))));
	if (e->lladdr_len)
		json_object_set_new(o, "lladdr", json_string(
			hwaddr(e->lladdr, e->lladdr_len, buf)));
	if (e->flags & NTF_ROUTER)
		json_object_set_new(o, "router", json_null());
	json_object_set_new(o, "state", nud_names(e->state));
	return o;
}

/**
 * render_netns() - one named namespace as `ip -j netns list` prints it
 * @n:		the namespace
 *
 * Return: a new JSON object.
 */
json_t *render_netns(const struct nsnet_netns *n)
{
	json_t *o = json_object();

	json_object_set_new(o, "name", json_string(n->name));
	if (n->id >= 0)
		json_object_set_new(o, "id", json_integer(n->id));
	if (n->stale)
		json_object_set_new(o, "stale", json_true());
	return o;
}

/**
 * jstr() - a string member, "" when absent
 * @o:		object
 * @key:	member
 *
 * Return: the string.
 */
static const char *jstr(json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));

	return s ? s : "";
}

/**
 * text_link_head() - the two lines `ip link` prints for an interface
 * @c:		invocation
 * @l:		rendered link
 */
static void text_link_head(struct cli *c, json_t *l)
{
	json_t *flags = json_object_get(l, "flags"), *v;
	size_t i;

	fprintf(c->out, "%lld: %s", json_integer_value(json_object_get(l, "ifindex")),
		jstr(l, "ifname"));
	if (json_object_get(l, "link"))
		fprintf(c->out, "@%s", jstr(l, "link"));
	else if (json_object_get(l, "link_index"))
		fprintf(c->out, "@if%lld",
			json_integer_value(json_object_get(l, "link_index")));
	fputs(": <", c->out);
	json_array_foreach(flags, i, v)
		fprintf(c->out, "%s%s", i ? "," : "", json_string_value(v));
	fprintf(c->out, "> mtu %lld", json_integer_value(json_object_get(l, "mtu")));
	if (json_object_get(l, "master"))
		fprintf(c->out, " master %s", jstr(l, "master"));
	fprintf(c->out, " state %s\n", jstr(l, "operstate"));
	fprintf(c->out, "    link/%s", jstr(l, "link_type"));
	if (json_object_get(l, "address"))
		fprintf(c->out, " %s brd %s", jstr(l, "address"),
			jstr(l, "broadcast"));
	if (json_object_get(l, "peer_netns"))
		fprintf(c->out, " link-netns %s peer %s", jstr(l, "peer_netns"),
			*jstr(l, "peer_ifname") ? jstr(l, "peer_ifname") : "?");
	else if (json_object_get(l, "link_netnsid"))
		fprintf(c->out, " link-netnsid %lld",
			json_integer_value(json_object_get(l, "link_netnsid")));
	fputc('\n', c->out);
}

/**
 * text_link() - print a link as `ip link` does
 * @c:		invocation
 * @l:		rendered link
 */
void text_link(struct cli *c, json_t *l)
{
	text_link_head(c, l);
	if (json_object_get(l, "ifalias"))
		fprintf(c->out, "    alias %s\n", jstr(l, "ifalias"));
}

/**
 * text_addr() - print a link with its addresses as `ip addr` does
 * @c:		invocation
 * @l:		rendered link with "addr_info"
 */
void text_addr(struct cli *c, json_t *l)
{
	json_t *a;
	size_t i;

	text_link_head(c, l);
	json_array_foreach(json_object_get(l, "addr_info"), i, a) {
		fprintf(c->out, "    %s %s/%lld scope %s", jstr(a, "family"),
			jstr(a, "local"),
			json_integer_value(json_object_get(a, "prefixlen")),
			jstr(a, "scope"));
		if (json_object_get(a, "dynamic"))
			fputs(" dynamic", c->out);
		if (json_object_get(a, "label"))
			fprintf(c->out, " %s", jstr(a, "label"));
		fputc('\n', c->out);
	}
}

/**
 * text_route() - print a route as `ip route` does
 * @c:		invocation
 * @r:		rendered route
 */
void text_route(struct cli *c, json_t *r)
{
	static const char *const keys[][2] = {
		{ "gateway", "via" }, { "dev", "dev" }, { "protocol", "proto" },
		{ "scope", "scope" }, { "prefsrc", "src" },
	};
	json_t *v;
	size_t i;

	if (json_object_get(r, "type"))
		fprintf(c->out, "%s ", jstr(r, "type"));
	fputs(jstr(r, "dst"), c->out);
	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (json_object_get(r, keys[i][0]))
			fprintf(c->out, " %s %s", keys[i][1],
				jstr(r, keys[i][0]));
	if (json_object_get(r, "metric"))
		fprintf(c->out, " metric %lld",
			json_integer_value(json_object_get(r, "metric")));
	json_array_foreach(json_object_get(r, "flags"), i, v)
		fprintf(c->out, " %s", json_string_value(v));
	fputc('\n', c->out);
}

/**
 * text_neigh() - print a neighbour entry as `ip neigh` does
 * @c:		invocation
 * @e:		rendered entry
 */
void text_neigh(struct cli *c, json_t *e)
{
	json_t *v;
	size_t i;

	fprintf(c->out, "%s dev %s", jstr(e, "dst"), jstr(e, "dev"));
	if (json_object_get(e, "lladdr"))
		fprintf(c->out, " lladdr %s", jstr(e, "lladdr"));
	if (json_object_get(e, "router"))
		fputs(" router", c->out);
	json_array_foreach(json_object_get(e, "state"), i, v)
		fprintf(c->out, " %s", json_string_value(v));
	fputc('\n', c->out);
}

/**
 * text_netns() - print a namespace as `ip netns list` does
 * @c:		invocation
 * @n:		rendered namespace
 */
void text_netns(struct cli *c, json_t *n)
{
	fputs(jstr(n, "name"), c->out);
	if (json_object_get(n, "id"))
		fprintf(c->out, " (id: %lld)",
			json_integer_value(json_object_get(n, "id")));
	if (json_object_get(n, "stale"))
		fputs(" (stale: nothing mounted, remove with netns del)", c->out);
	fputc('\n', c->out);
}

/**
 * render_lab_if() - one interface of a lab's node
 * @e:		the interface
 *
 * Return: a new JSON object.
 */
json_t *render_lab_if(const struct nsnet_lab_if *e)
{
	json_t *o = json_object(), *addrs = json_array();
	char buf[64];
	unsigned int i;

	json_object_set_new(o, "node", json_string(e->node));
	if (e->missing) {
		json_object_set_new(o, "missing", json_true());
		return o;
	}
	json_object_set_new(o, "ifname", json_string(e->ifname));
	json_object_set_new(o, "peer", json_string(e->peer));
	if (*e->master)
		json_object_set_new(o, "master", json_string(e->master));
	json_object_set_new(o, "operstate",
			    json_string(operstate_name(e->operstate)));
	for (i = 0; i < e->n_addrs; i++)
		json_array_append_new(addrs, json_string(nsnet_prefix_format(
			&e->addrs[i], true, buf, sizeof(buf))));
	json_object_set_new(o, "addresses", addrs);
	return o;
}

/**
 * lines() - a text of lines as a JSON array
 * @text:	lines, each ending in '\n'
 *
 * Return: a new JSON array.
 */
static json_t *lines(const char *text)
{
	json_t *arr = json_array();
	const char *nl;

	for (; text && (nl = strchr(text, '\n')); text = nl + 1)
		json_array_append_new(arr, json_stringn(text, (size_t)(nl - text)));
	return arr;
}

/**
 * render_lab_fw() - add a lab's NAT, forwards and table state to its status
 * @fw:		from nsnet_lab_fw()
 * @status:	the lab's status object
 */
void render_lab_fw(const struct nsnet_lab_fw *fw, json_t *status)
{
	static const char *const states[] = { "none", "ok", "missing", "changed" };

	json_object_set_new(status, "nat", lines(fw->nat));
	json_object_set_new(status, "forwards", lines(fw->forwards));
	json_object_set_new(status, "nftables", json_string(
		fw->table >= 0 && fw->table < 4 ? states[fw->table] : "none"));
	if (fw->forwarding_off)
		json_object_set_new(status, "forwarding_off", json_true());
}

/**
 * text_lab() - one line of `nsnet labs`
 * @c:		invocation
 * @l:		{"lab", "nodes", "networks", "file"}
 */
void text_lab(struct cli *c, json_t *l)
{
	fprintf(c->out, "%-20s %6lld %9lld  %s\n", jstr(l, "lab"),
		json_integer_value(json_object_get(l, "nodes")),
		json_integer_value(json_object_get(l, "networks")),
		jstr(l, "file"));
}

/**
 * text_lab_status() - a lab's interfaces as a table
 * @c:		invocation
 * @s:		{"lab", "interfaces": [...]}
 */
void text_lab_status(struct cli *c, json_t *s)
{
	static const char *const keys[] = { "node", "ifname", "peer", "master" };
	static const char *const heads[] = { "NODE", "INTERFACE", "PEER", "SWITCH" };
	json_t *ifs = json_object_get(s, "interfaces"), *e, *a;
	int w[4], k;
	size_t i, j;

	for (k = 0; k < 4; k++) {
		w[k] = (int)strlen(heads[k]);
		json_array_foreach(ifs, i, e)
			if ((int)strlen(jstr(e, keys[k])) > w[k])
				w[k] = (int)strlen(jstr(e, keys[k]));
	}
	fprintf(c->out, "lab %s\n  %-*s %-*s %-*s %-*s %-8s ADDRESSES\n",
		jstr(s, "lab"), w[0], heads[0], w[1], heads[1], w[2], heads[2],
		w[3], heads[3], "STATE");
	json_array_foreach(ifs, i, e) {
		const char *state = json_object_get(e, "missing") ? "MISSING" :
				    *jstr(e, "ifname") ? jstr(e, "operstate") : "-";

		fprintf(c->out, "  %-*s %-*s %-*s %-*s %s", w[0], jstr(e, "node"),
			w[1], *jstr(e, "ifname") ? jstr(e, "ifname") : "-",
			w[2], *jstr(e, "peer") ? jstr(e, "peer") : "-",
			w[3], *jstr(e, "master") ? jstr(e, "master") : "-", state);
		json_array_foreach(json_object_get(e, "addresses"), j, a)
			fprintf(c->out, "%*s%s", j ? 1 : (int)(9 - strlen(state)),
				"", json_string_value(a));
		fputc('\n', c->out);
	}
	json_array_foreach(json_object_get(s, "nat"), i, a)
		fprintf(c->out, "  nat      %s\n", json_string_value(a));
	json_array_foreach(json_object_get(s, "forwards"), i, a)
		fprintf(c->out, "  forward  %s\n", json_string_value(a));
	if (!strcmp(jstr(s, "nftables"), "missing") ||
	    !strcmp(jstr(s, "nftables"), "changed"))
		fprintf(c->out, "  nftables table inet nsnet-%s is %s: `nsnet up` puts it back\n",
			jstr(s, "lab"), !strcmp(jstr(s, "nftables"), "missing") ?
			"MISSING" : "CHANGED");
	else if (!strcmp(jstr(s, "nftables"), "ok"))
		fprintf(c->out, "  nftables table inet nsnet-%s ok\n", jstr(s, "lab"));
	if (json_object_get(s, "forwarding_off"))
		fputs("  forwarding is OFF but the lab needs it: `nsnet up` turns it on\n",
		      c->out);
	json_array_foreach(json_object_get(s, "leases"), i, a) {
		long long left = json_integer_value(json_object_get(a, "expires"));

		fprintf(c->out, "  lease    %s %s %s on %s", jstr(a, "address"),
			*jstr(a, "hostname") ? jstr(a, "hostname") : "-",
			jstr(a, "mac"), jstr(a, "network"));
		if (left)
			fprintf(c->out, ", %llds left\n",
				left > (long long)time(NULL) ?
				left - (long long)time(NULL) : 0);
		else
			fputs(", infinite\n", c->out);
	}
}

/**
 * render_lease() - one DHCP lease of a lab
 * @l:		the lease
 *
 * Return: a new JSON object.
 */
json_t *render_lease(const struct nsnet_lease *l)
{
	char buf[64];

	return json_pack("{s:s, s:s, s:s, s:s, s:I}", "network", l->network,
			 "address", nsnet_prefix_format(&l->address, false, buf,
							 sizeof(buf)),
			 "mac", l->mac, "hostname", l->hostname,
			 "expires", (json_int_t)l->expires);
}

/**
 * render_netns_info() - one namespace of `netns list --all`
 * @e:		the namespace
 *
 * Return: a new JSON object.
 */
json_t *render_netns_info(const struct nsnet_netns_info *e)
{
	json_t *o = json_object(), *pids = json_array();
	unsigned int i;

	json_object_set_new(o, "inode", json_integer((json_int_t)e->ino));
	if (*e->name)
		json_object_set_new(o, "name", json_string(e->name));
	if (*e->path)
		json_object_set_new(o, "path", json_string(e->path));
	if (e->host)
		json_object_set_new(o, "host", json_true());
	if (e->stale)
		json_object_set_new(o, "stale", json_true());
	if (*e->lab)
		json_object_set_new(o, "lab", json_string(e->lab));
	if (e->n_links >= 0)
		json_object_set_new(o, "links", json_integer(e->n_links));
	for (i = 0; i < e->n_pids && i < 8; i++)
		json_array_append_new(pids, json_pack("{s:i, s:s}", "pid",
						      (int)e->pids[i], "comm",
						      e->comms[i]));
	json_object_set_new(o, "processes", pids);
	json_object_set_new(o, "process_count", json_integer(e->n_pids));
	return o;
}

/**
 * netns_info_label() - how a namespace is called in the NAME column
 * @e:		rendered namespace
 *
 * Return: its name, "(host)", its mount path, "(stale)" or "-".
 */
static const char *netns_info_label(json_t *e)
{
	if (json_object_get(e, "host"))
		return *jstr(e, "name") ? jstr(e, "name") : "(host)";
	if (*jstr(e, "name"))
		return jstr(e, "name");
	return *jstr(e, "path") ? jstr(e, "path") : "-";
}

/**
 * text_netns_info_head() - the header of `netns list --all`
 * @c:		invocation
 * @arr:	all rows (to size the NAME column)
 */
void text_netns_info_head(struct cli *c, json_t *arr)
{
	json_t *e;
	size_t i;
	int w = 4;

	json_array_foreach(arr, i, e)
		if ((int)strlen(netns_info_label(e)) > w)
			w = (int)strlen(netns_info_label(e));
	c->width = w;
	fprintf(c->out, "%-11s %-*s %-10s %5s  %s\n", "INODE", w, "NAME", "LAB",
		"LINKS", "PROCESSES");
}

/**
 * text_netns_info() - one row of `netns list --all`
 * @c:		invocation
 * @e:		rendered namespace
 */
void text_netns_info(struct cli *c, json_t *e)
{
	json_t *p;
	size_t i;
	long long n = json_integer_value(json_object_get(e, "process_count"));

	fprintf(c->out, "%-11lld %-*s %-10s ",
		json_integer_value(json_object_get(e, "inode")), c->width,
		netns_info_label(e), *jstr(e, "lab") ? jstr(e, "lab") : "-");
	if (json_object_get(e, "stale"))
		fprintf(c->out, "%5s  stale: nothing mounted; remove with `nsnet netns del %s`\n",
			"-", jstr(e, "name"));
	else if (json_object_get(e, "links"))
		fprintf(c->out, "%5lld ", json_integer_value(json_object_get(e, "links")));
	else
		fprintf(c->out, "%5s ", "?");
	if (json_object_get(e, "stale"))
		return;
	json_array_foreach(json_object_get(e, "processes"), i, p)
		fprintf(c->out, " %lld(%s)", json_integer_value(json_object_get(p, "pid")),
			jstr(p, "comm"));
	if (n > (long long)json_array_size(json_object_get(e, "processes")))
		fprintf(c->out, " +%lld more",
			n - (long long)json_array_size(json_object_get(e, "processes")));
	if (!n)
		fputs(" -", c->out);
	fputc('\n', c->out);
}
