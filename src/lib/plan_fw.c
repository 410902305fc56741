// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * plan_fw.c - plan a lab's nftables table and its need for forwarding
 *
 * A lab whose host is attached to any of its networks gets one table:
 * isolation from other labs always, masquerade for `nat:` networks, DNAT
 * for `forwards:`. The table is compared by its listing: the one recorded
 * right after it was applied against the one the kernel has now, so a
 * flushed ruleset or a hand-edited rule (drift) is put back by `up`.
 */
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"
#include "fw.h"

/**
 * fw_wanted() - whether the lab needs a table at all
 * @lab:	the lab
 *
 * Return: true when the host is attached to one of its networks.
 */
static bool fw_wanted(const struct lab *lab)
{
	size_t i;

	for (i = 0; i < lab->n_networks; i++)
		if (lab->networks[i].has_gateway)
			return true;
	return false;
}

/**
 * lab_needs_forwarding() - whether the host must route @family for the lab
 * @lab:	the lab
 * @family:	AF_INET or AF_INET6
 *
 * NAT and forwards pass through the host, and so does traffic between two
 * of the lab's networks that the host is attached to.
 *
 * Return: true if so.
 */
bool lab_needs_forwarding(const struct lab *lab, int family)
{
	size_t i, attached = 0;

	for (i = 0; i < lab->n_networks; i++) {
		const struct lab_network *net = &lab->networks[i];

		if (!net->has_gateway || net->gateway.family != family)
			continue;
		if (net->nat)
			return true;
		attached++;
	}
	for (i = 0; i < lab->n_forwards; i++)
		if ((lab->forwards[i].has_host ? lab->forwards[i].host.family :
		     AF_INET) == family)
			return true;
	return attached > 1;
}

/**
 * forwarding_off() - whether the host does not forward @family right now
 * @family:	AF_INET or AF_INET6
 *
 * Someone may have turned it off under a lab that needs it: drift.
 *
 * Return: true if it reads 0.
 */
bool forwarding_off(int family)
{
	const char *path = family == AF_INET ? "/proc/sys/net/ipv4/ip_forward" :
			   "/proc/sys/net/ipv6/conf/all/forwarding";
	char v[8] = "";
	FILE *f = fopen(path, "re");

	if (f) {
		if (!fgets(v, sizeof(v), f))
			v[0] = '\0';
		fclose(f);
	}
	return v[0] == '0';
}

/**
 * restore_script() - a script that puts back the table as listed now
 * @lab:	lab name
 * @listing:	`list table` output
 *
 * Used for rollback when the table there before this run is not the one
 * recorded in the state (or none is).
 *
 * Return: the script (free()), or NULL.
 */
static char *restore_script(const char *lab, const char *listing)
{
	char *s = NULL;

	if (asprintf(&s, "add table inet %s%s\ndelete table inet %s%s\n%s",
		     FW_TABLE_PREFIX, lab, FW_TABLE_PREFIX, lab, listing) < 0)
		return NULL;
	return s;
}

/**
 * build_spec() - the table's contents from the lab
 * @lab:	the lab
 * @to:		per forward, the node address it goes to
 * @s:		filled; its arrays are allocated (free with free_spec())
 *
 * Return: 0, or -ENOMEM.
 */
static int build_spec(const struct lab *lab, const struct nsnet_prefix *to,
		      struct fw_spec *s)
{
	const char **bridges = calloc(lab->n_networks + 1, sizeof(*bridges));
	struct fw_nat *nats = calloc(lab->n_networks + 1, sizeof(*nats));
	struct fw_fwd *fwds = calloc(lab->n_forwards + 1, sizeof(*fwds));
	size_t i;

	memset(s, 0, sizeof(*s));
	s->lab = lab->name;
	s->bridges = bridges;
	s->nats = nats;
	s->fwds = fwds;
	if (!bridges || !nats || !fwds)
		return -ENOMEM;
	for (i = 0; i < lab->n_networks; i++) {
		const struct lab_network *net = &lab->networks[i];

		bridges[s->n_bridges++] = net->name;
		if (!net->nat)
			continue;
		nats[s->n_nats].subnet = net->subnet;
		nats[s->n_nats].bridge = net->name;
		nats[s->n_nats++].out = net->nat_out;
	}
	for (i = 0; i < lab->n_forwards; i++) {
		const struct lab_forward *f = &lab->forwards[i];

		fwds[i] = (struct fw_fwd){ .proto = f->proto, .port = f->port,
					   .to = to[i], .to_port = f->to_port,
					   .has_host = f->has_host,
					   .host = f->host };
	}
	s->n_fwds = lab->n_forwards;
	return 0;
}

/**
 * free_spec() - release what build_spec() allocated
 * @s:		spec
 */
static void free_spec(struct fw_spec *s)
{
	free((void *)s->bridges);
	free((void *)s->nats);
	free((void *)s->fwds);
}

/**
 * describe() - NAT and forwards as lines for the state (shown by status)
 * @lab:	the lab
 * @to:		forward targets
 * @st:		state object, gets "nat" and "forwards" arrays
 */
static void describe(const struct lab *lab, const struct nsnet_prefix *to,
		     json_t *st)
{
	json_t *nat = json_array(), *fwd = json_array();
	char a[64], b[64], line[512];
	size_t i;

	for (i = 0; i < lab->n_networks; i++) {
		const struct lab_network *net = &lab->networks[i];

		if (!net->nat)
			continue;
		snprintf(line, sizeof(line), "%s from %s out %s",
			 nsnet_prefix_format(&net->subnet, true, a, sizeof(a)),
			 net->name, *net->nat_out ? net->nat_out : "any");
		json_array_append_new(nat, json_string(line));
	}
	for (i = 0; i < lab->n_forwards; i++) {
		const struct lab_forward *f = &lab->forwards[i];

		bool v6 = to[i].family == AF_INET6;

		snprintf(line, sizeof(line), "%s %s%s%s%s%u -> %s:%s%s%s:%u",
			 f->proto == IPPROTO_UDP ? "udp" : "tcp",
			 f->has_host && v6 ? "[" : "",
			 f->has_host ? nsnet_prefix_format(&f->host, false, b, sizeof(b)) : "",
			 f->has_host && v6 ? "]" : "", f->has_host ? ":" : "",
			 f->port, f->node_name, v6 ? "[" : "",
			 nsnet_prefix_format(&to[i], false, a, sizeof(a)),
			 v6 ? "]" : "", f->to_port);
		json_array_append_new(fwd, json_string(line));
	}
	json_object_set_new(st, "nat", nat);
	json_object_set_new(st, "forwards", fwd);
}

/**
 * plan_fw() - plan the lab's table; record what it will be in the state
 * @ctx:	context
 * @lab:	the lab
 * @to:		per forward, the node address it goes to
 * @old_state:	recorded state (its "fw_script" and "fw_listing"), or NULL
 * @o:		observation (o->fw: the table's listing now)
 * @p:		plan: gets OP_FW_APPLY/OP_FW_DELETE, p->fw, p->forwarding;
 *		p->state gets "fw_script", "nat", "forwards"
 *
 * Return: 0, or -errno recorded in @ctx.
 */
int plan_fw(struct nsnet_ctx *ctx, const struct lab *lab,
	    const struct nsnet_prefix *to, json_t *old_state,
	    const struct observed *o, struct plan *p)
{
	const char *old_script = json_string_value(json_object_get(old_state, "fw_script"));
	const char *old_listing = json_string_value(json_object_get(old_state, "fw_listing"));
	struct fw_spec spec;
	int err;

	p->forwarding = lab_needs_forwarding(lab, AF_INET);
	p->forwarding6 = lab_needs_forwarding(lab, AF_INET6);
	json_object_set_new(p->state, "forwarding", json_pack("{s:b, s:b}",
		"ipv4", p->forwarding, "ipv6", p->forwarding6));
	if ((p->forwarding && forwarding_off(AF_INET) &&
	     !plan_add(p, OP_SYSCTL, "", "ipv4")) ||
	    (p->forwarding6 && forwarding_off(AF_INET6) &&
	     !plan_add(p, OP_SYSCTL, "", "ipv6")))
		return nsnet_fail(ctx, -ENOMEM, "plan");
	/* What a rollback must restore is what is there now, not what the
	 * state remembers. */
	if (o->fw) {
		p->old_fw = old_script && old_listing && !strcmp(old_listing, o->fw) ?
			    strdup(old_script) : restore_script(lab->name, o->fw);
		if (!p->old_fw)
			return nsnet_fail(ctx, -ENOMEM, "plan");
	}
	describe(lab, to, p->state);
	if (!fw_wanted(lab)) {
		if (o->fw && !plan_add(p, OP_FW_DELETE, "", lab->name))
			return nsnet_fail(ctx, -ENOMEM, "plan");
		return 0;
	}
	err = build_spec(lab, to, &spec);
	if (!err) {
		p->fw = fw_script(&spec);
		err = p->fw ? 0 : -errno;
	}
	free_spec(&spec);
	if (err)
		return nsnet_fail(ctx, err, "lab %s: nftables rules", lab->name);
	json_object_set_new(p->state, "fw_script", json_string(p->fw));
	/* Unchanged file, and the kernel still holds exactly what was put
	 * there: nothing to do. Anything else (drift) is replaced. */
	if (o->fw && old_script && old_listing && !strcmp(old_script, p->fw) &&
	    !strcmp(old_listing, o->fw)) {
		json_object_set_new(p->state, "fw_listing", json_string(o->fw));
		return 0;
	}
	if (!plan_add(p, OP_FW_APPLY, "", lab->name))
		return nsnet_fail(ctx, -ENOMEM, "plan");
	return 0;
}
