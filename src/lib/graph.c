// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * graph.c - labs as Graphviz DOT: the host, switches, nodes and cables
 *
 * Drawn left to right, the way a reader follows a packet out of a lab:
 * host -> switch -> node. Twenty nodes on one switch then stack in a column
 * instead of a row twenty boxes wide, and a table per node keeps each
 * interface next to its addresses, with the cable ending at its row.
 *
 * Every label is an HTML-like label: its only special characters are
 * & < > and ", where a quoted label also interprets backslash escapes and
 * a record label | { } < > and blanks. Graph identifiers are made up
 * (l0n3, l0s1), so names appear nowhere but in labels.
 *
 * nsnet_lab_graph() reads what is up; nsnet_graph_dot() only formats, so
 * it can be tested without privileges.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/if.h>

#include "engine.h"

/* Colours: host warm, switches blue, nodes green, cables between nodes
 * orange, so each kind of thing is told apart at a glance. */
#define C_HOST		"#ffe3b3"
#define C_SWITCH	"#cfe0ff"
#define C_NODE		"#d5efd5"
#define C_MISSING	"#f4c7c3"
#define C_CABLE		"#c0641a"
#define C_DIM		"#777777"

/**
 * utf8_len() - length of a valid UTF-8 sequence of two bytes or more
 * @s:		text, at a byte >= 0x80
 * @rest:	bytes left in the text
 *
 * Overlong forms, surrogates and code points above U+10FFFF are refused:
 * an XML parser reading the SVG would reject them.
 *
 * Return: 2 to 4, or 0 if @s does not start a valid sequence.
 */
static size_t utf8_len(const unsigned char *s, size_t rest)
{
	size_t n, i;

	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		n = 2;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		n = 3;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		n = 4;
	else
		return 0;
	if (n > rest)
		return 0;
	for (i = 1; i < n; i++)
		if ((s[i] & 0xc0) != 0x80)
			return 0;
	if ((s[0] == 0xe0 && s[1] < 0xa0) || (s[0] == 0xed && s[1] >= 0xa0) ||
	    (s[0] == 0xf0 && s[1] < 0x90) || (s[0] == 0xf4 && s[1] >= 0x90))
		return 0;
	return n;
}

/**
 * put_textn() - write @len bytes of a name or line into an HTML-like label
 * @f:		output
 * @s:		text, any bytes
 * @len:	how many
 *
 * Interface names may hold any byte but '/', ':' and blanks, so control
 * characters and invalid UTF-8 are shown as \xNN: visible, and valid in
 * the XML of an SVG.
 */
static void put_textn(FILE *f, const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s,
			    *end = (const unsigned char *)s + len;
	size_t n;

	while (p < end) {
		if (*p == '&')
			fputs("&amp;", f);
		else if (*p == '<')
			fputs("&lt;", f);
		else if (*p == '>')
			fputs("&gt;", f);
		else if (*p == '"')
			fputs("&quot;", f);
		else if (*p >= 0x20 && *p < 0x7f)
			fputc(*p, f);
		else if (*p >= 0x80 && (n = utf8_len(p, (size_t)(end - p)))) {
			fwrite(p, 1, n, f);
			p += n;
			continue;
		} else
			fprintf(f, "\\x%02x", *p);
		p++;
	}
}

/**
 * put_text() - write a name into an HTML-like label
 * @f:		output
 * @s:		the name, any bytes
 */
static void put_text(FILE *f, const char *s)
{
	put_textn(f, s, strlen(s));
}

/**
 * put_prefix() - write an address with its length into a label
 * @f:		output
 * @p:		the address
 */
static void put_prefix(FILE *f, const struct nsnet_prefix *p)
{
	char buf[64];

	put_text(f, nsnet_prefix_format(p, true, buf, sizeof(buf)));
}

/**
 * node_end() - the index after the run of interfaces of one node
 * @lab:	the lab
 * @start:	first interface of the node
 *
 * Return: the first index whose node differs, or @lab->n_ifs.
 */
static size_t node_end(const struct nsnet_graph_lab *lab, size_t start)
{
	size_t i = start + 1;

	while (i < lab->n_ifs && !strcmp(lab->ifs[i].node, lab->ifs[start].node))
		i++;
	return i;
}

/**
 * node_start() - the first interface of the node interface @i belongs to
 * @lab:	the lab
 * @i:		an interface
 *
 * A node is drawn once, named after the index of its first interface.
 *
 * Return: that index.
 */
static size_t node_start(const struct nsnet_graph_lab *lab, size_t i)
{
	while (i > 0 && !strcmp(lab->ifs[i - 1].node, lab->ifs[i].node))
		i--;
	return i;
}

/**
 * find_switch() - the switch named @name
 * @lab:	the lab
 * @name:	bridge name
 *
 * Return: its index, or -1.
 */
static long find_switch(const struct nsnet_graph_lab *lab, const char *name)
{
	size_t i;

	for (i = 0; i < lab->n_switches; i++)
		if (!strcmp(lab->switches[i].name, name))
			return (long)i;
	return -1;
}

/**
 * find_cable_end() - the interface at the other end of a cable
 * @lab:	the lab
 * @peer:	"NODE:IF", as in nsnet_lab_if.peer
 *
 * Names of namespaces and of interfaces cannot hold ':', so the first
 * one separates them.
 *
 * Return: the interface's index, or -1 if it is not one of the lab's.
 */
static long find_cable_end(const struct nsnet_graph_lab *lab, const char *peer)
{
	const char *colon = strchr(peer, ':');
	size_t i, len;

	if (!colon)
		return -1;
	len = (size_t)(colon - peer);
	for (i = 0; i < lab->n_ifs; i++)
		if (strlen(lab->ifs[i].node) == len &&
		    !strncmp(lab->ifs[i].node, peer, len) &&
		    !strcmp(lab->ifs[i].ifname, colon + 1))
			return (long)i;
	return -1;
}

/**
 * is_cable() - whether an interface's peer is another node's interface
 * @e:		the interface
 *
 * Return: true for "NODE:IF".
 */
static bool is_cable(const struct nsnet_lab_if *e)
{
	return strchr(e->peer, ':') != NULL;
}

/**
 * has_host_peer() - whether an interface's peer is a host interface
 * @e:		the interface
 *
 * Return: true if @e->peer names one ("-" and "" mean unknown).
 */
static bool has_host_peer(const struct nsnet_lab_if *e)
{
	return *e->ifname && *e->peer && strcmp(e->peer, "-") != 0 && !is_cable(e);
}

/**
 * lines_count() - how many lines a text holds
 * @s:		text, lines ended by '\n' (the last may not be), or NULL
 *
 * Return: the count.
 */
static size_t lines_count(const char *s)
{
	size_t n = 0;

	for (; s && *s; n++) {
		s = strchr(s, '\n');
		if (!s)
			return n + 1;
		s++;
	}
	return n;
}

/**
 * put_lines() - one host table row per line of a text
 * @f:		output
 * @key:	the row's first cell ("NAT", "forward")
 * @s:		the lines, or NULL
 */
static void put_lines(FILE *f, const char *key, const char *s)
{
	const char *end;

	for (; s && *s; s = *end ? end + 1 : end) {
		end = strchrnul(s, '\n');
		fprintf(f, "<tr><td align=\"left\">%s</td><td align=\"left\">",
			key);
		put_textn(f, s, (size_t)(end - s));
		fputs("</td></tr>\n", f);
	}
}

/**
 * host_rows() - the host table's rows for one lab
 * @f:		output
 * @li:		the lab's number, for the ports' names
 * @lab:	the lab
 * @title:	start with a row naming the lab (several labs are drawn)
 *
 * Each switch the host is attached to gets a row with the host's
 * addresses on it; the edge to the switch leaves from that row.
 */
static void host_rows(FILE *f, size_t li, const struct nsnet_graph_lab *lab,
		      bool title)
{
	size_t i, k, rows = lines_count(lab->nat) + lines_count(lab->forwards);

	for (i = 0; i < lab->n_switches; i++)
		rows += lab->switches[i].n_addrs > 0;
	if (!rows)
		return;
	if (title) {
		fputs("<tr><td colspan=\"2\" align=\"left\"><i>lab ", f);
		put_text(f, lab->name);
		fputs("</i></td></tr>\n", f);
	}
	for (i = 0; i < lab->n_switches; i++) {
		const struct nsnet_graph_switch *sw = &lab->switches[i];

		if (!sw->n_addrs)
			continue;
		fputs("<tr><td align=\"left\">", f);
		put_text(f, sw->name);
		fprintf(f, "</td><td port=\"l%zus%zu\" align=\"left\">", li, i);
		for (k = 0; k < sw->n_addrs && k < 8; k++) {
			fputs(k ? "<br align=\"left\"/>" : "", f);
			put_prefix(f, &sw->addrs[k]);
		}
		fputs("</td></tr>\n", f);
	}
	put_lines(f, "NAT", lab->nat);
	put_lines(f, "forward", lab->forwards);
}

/**
 * put_host() - the host: one table for all labs
 * @f:		output
 * @labs:	the labs
 * @n:		count
 */
static void put_host(FILE *f, const struct nsnet_graph_lab *labs, size_t n)
{
	size_t i;

	fputs("\thost [label=<<table border=\"0\" cellborder=\"1\" "
	      "cellspacing=\"0\" cellpadding=\"4\">\n"
	      "<tr><td colspan=\"2\" bgcolor=\"" C_HOST "\"><b>host</b></td></tr>\n",
	      f);
	for (i = 0; i < n; i++)
		host_rows(f, i, &labs[i], n > 1);
	fputs("</table>>];\n", f);
}

/**
 * put_switch() - one switch: a hexagon with its name and subnets
 * @f:		output
 * @li:		the lab's number
 * @si:		the switch's number
 * @sw:		the switch
 *
 * The subnets are those of the host's addresses on it: a switch the host
 * is not attached to has no subnet nsnet can see.
 */
static void put_switch(FILE *f, size_t li, size_t si,
		       const struct nsnet_graph_switch *sw)
{
	size_t k;

	fprintf(f, "\t\tl%zus%zu [shape=hexagon, style=\"filled%s\", "
		"fillcolor=\"%s\", label=<<b>", li, si,
		sw->missing ? ",dashed" : "", sw->missing ? C_MISSING : C_SWITCH);
	put_text(f, sw->name);
	fputs("</b>", f);
	if (sw->missing)
		fputs("<br/>(missing)", f);
	for (k = 0; k < sw->n_addrs && k < 8; k++) {
		struct nsnet_prefix net = pfx_masked(&sw->addrs[k]);

		fputs("<br/>", f);
		put_prefix(f, &net);
	}
	fputs(">];\n", f);
}

/**
 * put_if_row() - one interface of a node: its name and its addresses
 * @f:		output
 * @i:		its index in the lab, for the ports' names
 * @e:		the interface
 *
 * Two ports: a cable from a switch, on the left, ends at the name (iN); a
 * cable to another node, on the right, at the addresses (oN), so that
 * neither crosses the row's text.
 */
static void put_if_row(FILE *f, size_t i, const struct nsnet_lab_if *e)
{
	bool down = !(e->flags & IFF_UP);
	unsigned int k;

	fprintf(f, "<tr><td port=\"i%zu\" align=\"left\">", i);
	if (down)
		fputs("<font color=\"" C_DIM "\">", f);
	put_text(f, e->ifname);
	if (down)
		fputs(" (down)</font>", f);
	fprintf(f, "</td><td port=\"o%zu\" align=\"left\">", i);
	for (k = 0; k < e->n_addrs && k < 8; k++) {
		fputs(k ? "<br align=\"left\"/>" : "", f);
		put_prefix(f, &e->addrs[k]);
	}
	fputs("</td></tr>\n", f);
}

/**
 * put_node() - one node: a table, its name on top, a row per interface
 * @f:		output
 * @li:		the lab's number
 * @lab:	the lab
 * @start:	its first interface
 * @end:	the index after its last
 */
static void put_node(FILE *f, size_t li, const struct nsnet_graph_lab *lab,
		     size_t start, size_t end)
{
	const struct nsnet_lab_if *first = &lab->ifs[start];
	size_t i;

	fprintf(f, "\t\tl%zun%zu [label=<<table border=\"0\" cellborder=\"1\" "
		"cellspacing=\"0\" cellpadding=\"3\">\n"
		"<tr><td colspan=\"2\" bgcolor=\"%s\"><b>", li, start,
		first->missing ? C_MISSING : C_NODE);
	put_text(f, first->node);
	fputs(first->missing ? "</b> (missing)</td></tr>\n" : "</b></td></tr>\n", f);
	for (i = start; i < end; i++)
		if (*lab->ifs[i].ifname)
			put_if_row(f, i, &lab->ifs[i]);
	fputs("</table>>];\n", f);
}

/**
 * on_switch() - whether a node has a cable to a switch or to the host
 * @lab:	the lab
 * @start:	the node's first interface
 *
 * Return: true if so; such a node has its place in the columns already.
 */
static bool on_switch(const struct nsnet_graph_lab *lab, size_t start)
{
	size_t i, end = node_end(lab, start);

	for (i = start; i < end; i++)
		if (has_host_peer(&lab->ifs[i]))
			return true;
	return false;
}

/**
 * put_cable() - a cable between two nodes, drawn once from its first end
 * @f:		output
 * @li:		the lab's number
 * @lab:	the lab
 * @i:		one end
 *
 * Between two nodes that are on switches, the cable must not push one of
 * them a column further (constraint=false); it leaves and enters on the
 * right, looping beside the column instead of through its tables. A node
 * with nothing but cables goes right of the neighbour that is on a switch.
 */
static void put_cable(FILE *f, size_t li, const struct nsnet_graph_lab *lab,
		      size_t i)
{
	long j = find_cable_end(lab, lab->ifs[i].peer);
	size_t a = node_start(lab, i), b, t;
	bool sa, sb;

	if (j < 0) {
		/* The other end is in no node of the lab: show where. */
		fprintf(f, "\tl%zux%zu [shape=box, style=dashed, label=<", li, i);
		put_text(f, lab->ifs[i].peer);
		fprintf(f, ">];\n\tl%zun%zu:o%zu:e -- l%zux%zu [style=dashed, "
			"color=\"" C_CABLE "\"];\n", li, a, i, li, i);
		return;
	}
	if ((size_t)j < i && find_cable_end(lab, lab->ifs[j].peer) == (long)i)
		return;	/* drawn from the other end */
	b = node_start(lab, (size_t)j);
	sa = on_switch(lab, a);
	sb = on_switch(lab, b);
	if (sa && sb) {
		fprintf(f, "\tl%zun%zu:o%zu:e -- l%zun%zu:o%ld:e [color=\"" C_CABLE
			"\", penwidth=1.6, constraint=false];\n", li, a, i, li, b, j);
		return;
	}
	if (sb && !sa) {	/* the tail is the end further left */
		t = a, a = b, b = t;
		t = i, i = (size_t)j, j = (long)t;
	}
	fprintf(f, "\tl%zun%zu:o%zu:e -- l%zun%zu:i%ld:w [color=\"" C_CABLE
		"\", penwidth=1.6];\n", li, a, i, li, b, j);
}

/**
 * put_port() - a cable from a switch (or the host) to a node
 * @f:		output
 * @li:		the lab's number
 * @lab:	the lab
 * @i:		the node's end
 *
 * The edge is labelled with the host end's name. A host end on no known
 * switch is drawn as a cable to the host itself.
 */
static void put_port(FILE *f, size_t li, const struct nsnet_graph_lab *lab,
		     size_t i)
{
	const struct nsnet_lab_if *e = &lab->ifs[i];
	long s = *e->master ? find_switch(lab, e->master) : -1;

	if (s >= 0)
		fprintf(f, "\tl%zus%ld -- l%zun%zu:i%zu:w [label=<", li, s, li,
			node_start(lab, i), i);
	else
		fprintf(f, "\thost -- l%zun%zu:i%zu:w [label=<", li,
			node_start(lab, i), i);
	put_text(f, e->peer);
	if (s < 0 && *e->master) {
		fputs(" on ", f);
		put_text(f, e->master);
	}
	fputs(">];\n", f);
}

/**
 * put_lab() - one lab: a cluster of its switches and nodes, then cables
 * @f:		output
 * @li:		the lab's number
 * @lab:	the lab
 */
static void put_lab(FILE *f, size_t li, const struct nsnet_graph_lab *lab)
{
	size_t i;

	fprintf(f, "\tsubgraph cluster_l%zu {\n\t\tlabel=<lab <b>", li);
	put_text(f, lab->name);
	fputs("</b>>; labeljust=l; style=rounded; color=\"#999999\";\n", f);
	for (i = 0; i < lab->n_switches; i++)
		put_switch(f, li, i, &lab->switches[i]);
	for (i = 0; i < lab->n_ifs; i = node_end(lab, i))
		put_node(f, li, lab, i, node_end(lab, i));
	fputs("\t}\n", f);
	for (i = 0; i < lab->n_switches; i++)
		if (lab->switches[i].n_addrs)
			fprintf(f, "\thost:l%zus%zu:e -- l%zus%zu;\n", li, i, li, i);
	for (i = 0; i < lab->n_ifs; i++) {
		if (is_cable(&lab->ifs[i]))
			put_cable(f, li, lab, i);
		else if (has_host_peer(&lab->ifs[i]))
			put_port(f, li, lab, i);
	}
}

/**
 * nsnet_graph_dot() - Graphviz DOT text of labs
 * @labs:	the labs
 * @n:		count
 * @dot:	the text (free() it)
 *
 * Return: 0, or -ENOMEM.
 */
int nsnet_graph_dot(const struct nsnet_graph_lab *labs, size_t n, char **dot)
{
	size_t len, i;
	FILE *f;
	int err;

	*dot = NULL;
	f = open_memstream(dot, &len);
	if (!f)
		return -ENOMEM;
	fputs("graph nsnet {\n"
	      "\tgraph [rankdir=LR, ranksep=0.8, nodesep=0.12, fontname=\"Helvetica\", "
	      "fontsize=12];\n"
	      "\tnode [shape=plain, fontname=\"Helvetica\", fontsize=10];\n"
	      "\tedge [fontname=\"Helvetica\", fontsize=8, fontcolor=\"#444444\", "
	      "color=\"#555555\"];\n", f);
	put_host(f, labs, n);
	for (i = 0; i < n; i++)
		put_lab(f, i, &labs[i]);
	fputs("}\n", f);
	err = ferror(f) ? -ENOMEM : 0;
	if (fclose(f) || err) {
		free(*dot);
		*dot = NULL;
		return -ENOMEM;
	}
	return 0;
}

/**
 * struct host_view - the host's links and addresses, read once for all labs
 * @links:	links
 * @n_links:	count
 * @addrs:	addresses
 * @n_addrs:	count
 */
struct host_view {
	struct nsnet_link *links;
	int n_links;
	struct nsnet_address *addrs;
	int n_addrs;
};

/**
 * struct graph_lab - one lab's description and the storage behind it
 * @pub:	what nsnet_graph_dot() reads
 * @ifs:	from nsnet_lab_status()
 * @sw:		the switches (struct nsnet_graph_switch)
 * @fw:		from nsnet_lab_fw()
 */
struct graph_lab {
	struct nsnet_graph_lab pub;
	struct nsnet_lab_if *ifs;
	struct vec sw;
	struct nsnet_lab_fw fw;
};

/**
 * host_view_read() - dump the host's links and addresses
 * @ctx:	context
 * @hv:		result, host_view_free() it
 *
 * Return: 0, or -errno.
 */
static int host_view_read(struct nsnet_ctx *ctx, struct host_view *hv)
{
	hv->n_links = nsnet_link_list(ctx, NULL, &hv->links);
	if (hv->n_links < 0)
		return hv->n_links;
	hv->n_addrs = nsnet_addr_list(ctx, NULL, 0, &hv->addrs);
	return hv->n_addrs < 0 ? hv->n_addrs : 0;
}

/**
 * host_view_free() - release a host view
 * @hv:		the view, may be zeroed
 */
static void host_view_free(struct host_view *hv)
{
	free(hv->links);
	free(hv->addrs);
}

/**
 * add_switch() - add a switch to a lab's picture, once
 * @hv:		the host
 * @sw:		the lab's switches
 * @name:	bridge name
 *
 * Return: 0, or -ENOMEM.
 */
static int add_switch(const struct host_view *hv, struct vec *sw,
		      const char *name)
{
	struct nsnet_graph_switch *s = sw->items;
	const struct nsnet_link *l = NULL;
	size_t i;
	int k;

	for (i = 0; i < sw->n; i++)
		if (!strcmp(s[i].name, name))
			return 0;
	s = vec_push(sw);
	if (!s)
		return -ENOMEM;
	snprintf(s->name, sizeof(s->name), "%s", name);
	for (k = 0; k < hv->n_links && !l; k++)
		if (!strcmp(hv->links[k].name, name))
			l = &hv->links[k];
	s->missing = !l;
	for (k = 0; l && k < hv->n_addrs && s->n_addrs < 8; k++)
		if (hv->addrs[k].ifindex == l->ifindex &&
		    !pfx_link_local(&hv->addrs[k].local))
			s->addrs[s->n_addrs++] = hv->addrs[k].local;
	return 0;
}

/**
 * lab_switches() - a lab's switches: its networks, and any bridge its
 * nodes' host ends are on
 * @ctx:	context
 * @lab:	lab name
 * @hv:		the host
 * @gl:		the lab, its interfaces read; gets @gl->sw
 *
 * The networks come from the lab's state (a network with no node on it
 * is still drawn); the bridges seen only through the nodes show drift.
 *
 * Return: 0, or -errno.
 */
static int lab_switches(struct nsnet_ctx *ctx, const char *lab,
			const struct host_view *hv, struct graph_lab *gl)
{
	struct state_dir sd;
	json_t *st = NULL, *name;
	size_t i;
	int err;

	err = state_open(ctx, &sd, false);
	if (!err)
		st = state_load(ctx, &sd, lab, &err);
	state_close(&sd);
	/* Gone since nsnet_lab_status() read it: the nodes still tell. */
	if (err == -ENOENT)
		err = 0;
	json_array_foreach(json_object_get(st, "networks"), i, name)
		if (!err && json_string_value(name))
			err = add_switch(hv, &gl->sw, json_string_value(name));
	json_decref(st);
	for (i = 0; !err && i < gl->pub.n_ifs; i++)
		if (*gl->ifs[i].master)
			err = add_switch(hv, &gl->sw, gl->ifs[i].master);
	return err == -ENOMEM ? nsnet_fail(ctx, err, "graph") : err;
}

/**
 * graph_lab_read() - everything the picture of one lab shows
 * @ctx:	context
 * @lab:	lab name (must outlive @gl)
 * @hv:		the host
 * @gl:		result, graph_lab_free() it
 *
 * Return: 0, or -errno (-ENOENT, an input error, when @lab is not up).
 */
static int graph_lab_read(struct nsnet_ctx *ctx, const char *lab,
			  const struct host_view *hv, struct graph_lab *gl)
{
	int n, err;

	gl->sw.size = sizeof(struct nsnet_graph_switch);
	n = nsnet_lab_status(ctx, lab, &gl->ifs);
	if (n < 0)
		return n;
	gl->pub.name = lab;
	gl->pub.ifs = gl->ifs;
	gl->pub.n_ifs = (size_t)n;
	err = nsnet_lab_fw(ctx, lab, &gl->fw);
	if (!err)
		err = lab_switches(ctx, lab, hv, gl);
	gl->pub.switches = gl->sw.items;
	gl->pub.n_switches = gl->sw.n;
	gl->pub.nat = gl->fw.nat;
	gl->pub.forwards = gl->fw.forwards;
	return err;
}

/**
 * graph_lab_free() - release what graph_lab_read() filled in
 * @gl:		the lab, may be zeroed
 */
static void graph_lab_free(struct graph_lab *gl)
{
	free(gl->ifs);
	free(gl->sw.items);
	nsnet_lab_fw_free(&gl->fw);
}

/**
 * nsnet_lab_graph() - Graphviz DOT text of a lab, or of all, as it is now
 * @ctx:	context
 * @lab:	lab name, NULL for every lab that is up
 * @dot:	the text (free() it)
 *
 * Return: 0, or -errno (-ENOENT, an input error, when @lab is not up).
 */
int nsnet_lab_graph(struct nsnet_ctx *ctx, const char *lab, char **dot)
{
	struct nsnet_lab_info *labs = NULL;
	struct nsnet_graph_lab *pub = NULL;
	struct host_view hv = { 0 };
	struct graph_lab *gl = NULL;
	size_t m = 0;
	int n = 1, i, err;

	*dot = NULL;
	nsnet_clear_err(ctx);
	if (!lab && (n = nsnet_lab_list(ctx, &labs)) < 0)
		return n;
	gl = calloc((size_t)n + 1, sizeof(*gl));
	pub = calloc((size_t)n + 1, sizeof(*pub));
	err = gl && pub ? host_view_read(ctx, &hv) : -ENOMEM;
	for (i = 0; !err && i < n; i++) {
		err = graph_lab_read(ctx, lab ? lab : labs[i].name, &hv, &gl[i]);
		if (!err)
			pub[m++] = gl[i].pub;
		else if (err == -ENOENT && !lab) {
			err = 0;	/* went down since it was listed */
			nsnet_clear_err(ctx);
		}
	}
	if (!err)
		err = nsnet_graph_dot(pub, m, dot);
	if (err == -ENOMEM)
		nsnet_fail(ctx, err, "graph");
	for (i = 0; gl && i < n; i++)
		graph_lab_free(&gl[i]);
	host_view_free(&hv);
	free(gl);
	free(pub);
	free(labs);
	return err;
}
