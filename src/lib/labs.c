// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * labs.c - the lab verbs: up (and plan), down, list, status
 *
 * Each is the one pipeline with different inputs: file -> model -> checks
 * -> observe -> plan -> apply, under the state directory's lock for
 * anything that changes the system.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "engine.h"
#include "svc_int.h"
#include "fw.h"

/**
 * diags_clear() - forget the last run's diagnostics
 * @ctx:	context
 */
void diags_clear(struct nsnet_ctx *ctx)
{
	size_t i;

	for (i = 0; i < ctx->n_diags; i++)
		free(ctx->diags[i]);
	free(ctx->diags);
	ctx->diags = NULL;
	ctx->n_diags = 0;
}

/**
 * struct diag_ref - a diagnostic's position and index, for sorting
 * @pos:	position
 * @index:	index in the diagnostics
 */
struct diag_ref {
	struct lab_pos pos;
	size_t index;
};

/**
 * cmp_diag() - order diagnostics by line, column, then as found
 * @a:		struct diag_ref
 * @b:		struct diag_ref
 *
 * Return: <0, 0, >0.
 */
static int cmp_diag(const void *a, const void *b)
{
	const struct diag_ref *x = a, *y = b;

	if (x->pos.line != y->pos.line)
		return x->pos.line < y->pos.line ? -1 : 1;
	if (x->pos.col != y->pos.col)
		return x->pos.col < y->pos.col ? -1 : 1;
	return x->index < y->index ? -1 : x->index > y->index;
}

/**
 * diags_take() - copy diagnostics into the context as formatted lines
 * @ctx:	context
 * @d:		diagnostics
 *
 * Return: -EINVAL recorded as an input error naming the count.
 */
static int diags_take(struct nsnet_ctx *ctx, const struct lab_diags *d)
{
	struct diag_ref *order = calloc(d->n ? d->n : 1, sizeof(*order));
	char line[1024];
	size_t i;

	diags_clear(ctx);
	ctx->diags = calloc(d->n ? d->n : 1, sizeof(char *));
	for (i = 0; order && i < d->n; i++)
		order[i] = (struct diag_ref){ d->items[i].pos, i };
	/* In file order, as a reader goes through the file. */
	if (order)
		qsort(order, d->n, sizeof(*order), cmp_diag);
	for (i = 0; order && ctx->diags && i < d->n; i++) {
		ctx->diags[ctx->n_diags] = strdup(lab_diag_format(
			d, order[i].index, line, sizeof(line)));
		if (ctx->diags[ctx->n_diags])
			ctx->n_diags++;
	}
	free(order);
	return nsnet_fail_why(ctx, -EINVAL, true,
			      d->n == 1 ? "1 problem, nothing was changed" :
			      "problems found, nothing was changed",
			      "%s", d->file ? d->file : "lab");
}

/**
 * nsnet_diag_count() - how many problems the last lab run found
 * @ctx:	context
 *
 * Return: the count.
 */
size_t nsnet_diag_count(const struct nsnet_ctx *ctx)
{
	return ctx->n_diags;
}

/**
 * nsnet_diag() - one problem, "FILE:LINE:COL: message"
 * @ctx:	context
 * @i:		index
 *
 * Return: the text, or NULL past the end.
 */
const char *nsnet_diag(const struct nsnet_ctx *ctx, size_t i)
{
	return i < ctx->n_diags ? ctx->diags[i] : NULL;
}

/**
 * nsnet_ctx_set_fail_at() - test hook: fail a lab run's Nth operation
 * @ctx:	context
 * @n:		1-based operation number, 0 to switch off
 */
void nsnet_ctx_set_fail_at(struct nsnet_ctx *ctx, unsigned int n)
{
	ctx->fail_at = n;
}

/**
 * load_lab() - parse and check a lab file
 * @ctx:	context
 * @file:	path
 * @out:	the lab
 *
 * Return: 0, or -EINVAL with diagnostics in @ctx, or -errno.
 */
static int load_lab(struct nsnet_ctx *ctx, const char *file, struct lab **out)
{
	struct lab_diags d = { .file = file };
	int err;

	*out = NULL;
	err = lab_parse_file(file, out, &d);
	if (*out)
		lab_check(*out, &d);
	if (d.n || d.dropped) {
		err = diags_take(ctx, &d);
		lab_free(*out);
		*out = NULL;
	} else if (err) {
		err = nsnet_fail_input(ctx, err, "%s", file);
	}
	lab_diags_free(&d);
	return err;
}

/**
 * other_subnets() - the subnets and forwarded ports of every other lab up
 * @ctx:	context
 * @sd:		state directory
 * @lab:	this lab's name
 *
 * Return: array of {"lab", "subnet"} and {"lab", "port"}.
 */
static json_t *other_subnets(struct nsnet_ctx *ctx, struct state_dir *sd,
			     const char *lab)
{
	json_t *names = NULL, *out = json_array(), *name, *sub;
	size_t i, j;

	if (state_labs(ctx, sd, &names) < 0) {
		json_decref(names);
		return out;
	}
	json_array_foreach(names, i, name) {
		const char *other = json_string_value(name);
		json_t *st;
		int err;

		if (!strcmp(other, lab))
			continue;
		st = state_load(ctx, sd, other, &err);
		json_array_foreach(json_object_get(st, "subnets"), j, sub)
			json_array_append_new(out, json_pack("{s:s, s:O}", "lab",
							     other, "subnet", sub));
		json_array_foreach(json_object_get(st, "fw_ports"), j, sub)
			json_array_append_new(out, json_pack("{s:s, s:O}", "lab",
							     other, "port", sub));
		json_decref(st);
	}
	json_decref(names);
	nsnet_clear_err(ctx);
	return out;
}

/**
 * names_of_interest() - namespaces the lab has, had, or may have created
 * @lab:	the lab file's model, or NULL (down)
 * @state:	recorded state, or NULL
 * @journal:	an unfinished run's journal
 * @all:	without state, every name under /run/netns (down finds a lab
 *		by the tags inside its namespaces)
 *
 * Return: a JSON array of names (may repeat; observe() skips repeats).
 */
static json_t *names_of_interest(const struct lab *lab, json_t *state,
				 json_t *journal, json_t *all)
{
	json_t *names = json_array(), *e;
	size_t i;

	for (i = 0; lab && i < lab->n_nodes; i++)
		json_array_append_new(names, json_string(lab->nodes[i].name));
	json_array_extend(names, json_object_get(state, "nodes"));
	json_array_foreach(journal, i, e)
		if (!strcmp(json_string_value(json_object_get(e, "kind")), "netns"))
			json_array_append(names, json_object_get(e, "name"));
	json_array_extend(names, all);
	return names;
}

/**
 * run_observe() - observe the namespaces in @names
 * @ctx:	context
 * @lab:	lab name
 * @names:	JSON array of namespace names
 * @journal:	journal entries
 * @recorded:	node names in the lab's state
 * @o:		result
 *
 * Return: 0, or -errno.
 */
static int run_observe(struct nsnet_ctx *ctx, const char *lab, json_t *names,
		       json_t *journal, json_t *recorded, struct observed *o)
{
	size_t n = json_array_size(names), i;
	const char **v = calloc(n ? n : 1, sizeof(*v));
	int err;

	if (!v)
		return nsnet_fail(ctx, -ENOMEM, "observe");
	for (i = 0; i < n; i++)
		v[i] = json_string_value(json_array_get(names, i));
	err = observe(ctx, lab, v, n, journal, recorded, o);
	free(v);
	return err;
}

/**
 * struct svc_run - the services' part of an up, for apply()'s hook
 * @ctx:	context
 * @state_fd:	the state directory
 * @lab:	the lab
 * @state:	its state after the plan
 * @sp:		the services' changes
 */
struct svc_run {
	struct nsnet_ctx *ctx;
	int state_fd;
	const struct lab *lab;
	json_t *state;
	struct svc_plan *sp;
};

/**
 * svc_then() - apply()'s hook: the services, once the network is there
 * @arg:	struct svc_run
 *
 * Return: 0, or -errno (apply() then rolls the network back too).
 */
static int svc_then(void *arg)
{
	struct svc_run *r = arg;

	return svc_apply(r->ctx, r->state_fd, r->lab, r->state, r->sp);
}

/**
 * run_plan() - apply a plan (or only report it), telling @cb about each op
 * @ctx:	context
 * @sd:		state directory (locked)
 * @lab:	lab name
 * @p:		the plan
 * @dry:	only report
 * @had_journal: a killed run's journal was there before this run
 * @svc:	the services to bring up with it (up), or NULL (down)
 * @cb:		callback, may be NULL
 * @data:	its data
 *
 * One transaction: when the services fail, the network changes of this
 * run are rolled back as well.
 *
 * Return: 0, or -errno.
 */
static int run_plan(struct nsnet_ctx *ctx, struct state_dir *sd,
		    const char *lab, struct plan *p, bool dry, bool had_journal,
		    struct svc_run *svc, nsnet_op_cb cb, void *data)
{
	size_t i, more = svc ? svc->sp->n_acts : 0;
	char text[512];
	bool clean;
	int jfd, err;

	if (cb)
		for (i = 0; i < p->n; i++)
			cb(data, op_text(&p->ops[i], text, sizeof(text)), i,
			   p->n + more);
	for (i = 0; cb && i < more; i++)
		cb(data, svc_act_text(&svc->sp->acts[i], text, sizeof(text)),
		   p->n + i, p->n + more);
	if (dry)
		return 0;
	if (svc) {
		svc->sp->fail_first = (unsigned int)p->n;
		svc->sp->fail_at = ctx->fail_at > p->n ?
				   ctx->fail_at - (unsigned int)p->n : 0;
	}
	if (!p->n)
		return svc ? svc_then(svc) : 0;
	jfd = journal_open(ctx, sd, lab);
	if (jfd < 0)
		return jfd;
	err = apply(ctx, lab, p, jfd, ctx->fail_at, &clean,
		    svc ? svc_then : NULL, svc);
	close(jfd);
	/* Rolled back completely and no older run's objects are pending:
	 * nothing is left to find. */
	if (err && clean && !had_journal)
		journal_remove(sd, lab);
	return err;
}

/** DOWN_SWEEP_MS - grace for a lab's unrecorded processes (proc_sweep()) */
#define DOWN_SWEEP_MS 3000

/**
 * record() - after a successful up: forwarding, the table's listing, state
 * @ctx:	context
 * @sd:		state directory (locked)
 * @lab:	lab name
 * @p:		the applied plan
 * @tags:	the forwarding tags as they were before the run replaced the
 *		table (fw_fwd_tags()), or NULL
 *
 * The listing is what the kernel shows right after the table was put in
 * place; a later difference is drift, which `up` repairs.
 *
 * Return: 0, or -errno.
 */
static int record(struct nsnet_ctx *ctx, struct state_dir *sd, const char *lab,
		  struct plan *p, json_t *tags)
{
	char *listing = NULL;
	int err;

	err = sysctl_forwarding_tagged(ctx, sd->fd, lab, AF_INET,
				       p->forwarding, tags);
	if (!err)
		err = sysctl_forwarding_tagged(ctx, sd->fd, lab, AF_INET6,
					       p->forwarding6, tags);
	if (!err && p->fw) {
		err = fw_list(ctx, lab, &listing);
		if (!err)
			json_object_set_new(p->state, "fw_listing",
					    json_string(listing));
		free(listing);
	}
	if (!err)
		err = state_save(ctx, sd, lab, p->state);
	if (!err)
		journal_remove(sd, lab);
	return err;
}

/**
 * retag() - after a failed up of a lab that was up: its forwarding tags
 * @ctx:	context
 * @sd:		state directory (locked)
 * @lab:	lab name
 * @state:	its recorded state
 *
 * A rolled-back table is put back from the script recorded, which does not
 * hold the tags (they are added after the table, see record()); holding
 * forwarding again as the state says adds them back, so the table is the
 * one recorded, and a /run/nsnet lost later still leaves them. Holding
 * again changes nothing else. Best effort: the run's failure is what counts.
 */
static void retag(struct nsnet_ctx *ctx, struct state_dir *sd,
		  const char *lab, json_t *state)
{
	json_t *fwd = json_object_get(state, "forwarding");
	struct err_keep k;

	err_keep(ctx, &k);
	if (json_is_true(json_object_get(fwd, "ipv4")))
		sysctl_forwarding(ctx, sd->fd, lab, AF_INET, true);
	if (json_is_true(json_object_get(fwd, "ipv6")))
		sysctl_forwarding(ctx, sd->fd, lab, AF_INET6, true);
	err_restore(ctx, &k);
}

/**
 * sweep_unrecorded() - before an up without state: the lab's processes
 * that have no record
 * @ctx:	context
 * @sd:		state directory (locked)
 * @lab:	lab name
 *
 * Without the lab's runtime directory (/run/nsnet lost) no process of the
 * lab has a record, so the services would be started a second time next
 * to the old ones: the old ones, found by their tags (not by namespace:
 * the namespaces stay), are stopped first. A runtime directory means
 * records, which the services' plan uses as they are (a killed run's).
 * Best effort, like the stop of a process.
 */
static void sweep_unrecorded(struct nsnet_ctx *ctx, struct state_dir *sd,
			     const char *lab)
{
	int fd = labdir_open(ctx, sd->fd, lab, false);

	if (fd >= 0)
		close(fd);
	else if (fd == -ENOENT)
		proc_sweep(ctx, lab, NULL, 0, DOWN_SWEEP_MS);
	nsnet_clear_err(ctx);
}

/**
 * nsnet_lab_up() - build or converge a lab; see nsnet.h
 * @ctx:	context
 * @file:	lab file
 * @flags:	NSNET_LAB_PLAN for a dry run
 * @cb:		operation callback
 * @data:	its data
 *
 * Return: 0, or -errno.
 */
int nsnet_lab_up(struct nsnet_ctx *ctx, const char *file, unsigned int flags,
		 nsnet_op_cb cb, void *data)
{
	struct state_dir sd = { -1, -1 };
	struct lab_diags d = { .file = file };
	json_t *state = NULL, *journal = NULL, *others = NULL, *names = NULL;
	json_t *tags = NULL;
	struct svc_plan sp = { 0 };
	struct svc_run svc;
	struct observed o = { 0 };
	struct plan p = { 0 };
	struct lab *lab;
	int err;

	nsnet_clear_err(ctx);
	diags_clear(ctx);
	err = load_lab(ctx, file, &lab);
	if (err)
		return err;
	/* plan only reads: no state directory just means no labs yet */
	err = state_open(ctx, &sd, !(flags & NSNET_LAB_PLAN));
	if (!err && !(flags & NSNET_LAB_PLAN))
		err = state_lock(ctx, &sd);
	if (err && !(err == -ENOENT && (flags & NSNET_LAB_PLAN)))
		goto out;
	if (sd.fd >= 0) {
		state = state_load(ctx, &sd, lab->name, &err);
		if (err && err != -ENOENT)
			goto out;
		journal = journal_read(&sd, lab->name);
		others = other_subnets(ctx, &sd, lab->name);
		if (!state && !(flags & NSNET_LAB_PLAN))
			sweep_unrecorded(ctx, &sd, lab->name);
	} else {
		journal = json_array();
		others = json_array();
	}
	names = names_of_interest(lab, state, journal, NULL);
	err = run_observe(ctx, lab->name, names, journal,
			  json_object_get(state, "nodes"), &o);
	if (err)
		goto out;
	err = plan_lab(ctx, lab, state, others, &o, &p, &d);
	if (err == -EINVAL && d.n)
		err = diags_take(ctx, &d);
	if (!err)
		err = svc_prepare(ctx, sd.fd, lab, p.state, state, &sp);
	if (err)
		goto out;
	svc.ctx = ctx;
	svc.state_fd = sd.fd;
	svc.lab = lab;
	svc.state = p.state;
	svc.sp = &sp;
	/* The tags go with a table this run replaces: read them first. */
	if (!(flags & NSNET_LAB_PLAN) && (p.forwarding || p.forwarding6 || o.fw))
		err = fw_fwd_tags(ctx, &tags);
	if (!err)
		err = run_plan(ctx, &sd, lab->name, &p, flags & NSNET_LAB_PLAN,
			       json_array_size(journal) > 0, &svc, cb, data);
	if (err && !state && !json_array_size(journal) &&
	    !(flags & NSNET_LAB_PLAN)) {
		/* A new lab that failed leaves no runtime directory either.
		 * After a killed run (its journal) the directory stays: it
		 * holds the records of that run's processes, for `down`. */
		struct err_keep k;

		err_keep(ctx, &k);
		labdir_remove(ctx, sd.fd, lab->name);
		err_restore(ctx, &k);
	} else if (err && state && !(flags & NSNET_LAB_PLAN)) {
		retag(ctx, &sd, lab->name, state);
	}
	if (!err && !(flags & NSNET_LAB_PLAN))
		err = record(ctx, &sd, lab->name, &p, tags);
out:
	svc_plan_free(&sp);
	plan_free(&p);
	observed_free(&o);
	json_decref(tags);
	json_decref(names);
	json_decref(others);
	json_decref(journal);
	json_decref(state);
	lab_diags_free(&d);
	lab_free(lab);
	state_close(&sd);
	return err;
}

/**
 * lab_name_of() - the lab a `down` argument names: a file's `lab:`, or itself
 * @ctx:	context
 * @arg:	lab name or lab file path
 * @name:	result
 * @len:	size of @name
 *
 * A file that no longer parses still names its lab when `lab:` is readable,
 * so a broken edit never prevents taking a lab down.
 *
 * Return: 0, or -EINVAL (input error) when @arg is neither.
 */
static int lab_name_of(struct nsnet_ctx *ctx, const char *arg, char *name,
		       size_t len)
{
	struct lab_diags d = { .file = arg };
	struct lab *lab = NULL;
	struct stat st;
	const char *why;

	int st_err = stat(arg, &st) < 0 ? errno : 0;

	if (!st_err && S_ISREG(st.st_mode)) {
		lab_parse_file(arg, &lab, &d);
		lab_diags_free(&d);
		if (lab && *lab->name) {
			snprintf(name, len, "%s", lab->name);
			lab_free(lab);
			return 0;
		}
		lab_free(lab);
		return nsnet_fail_why(ctx, -EINVAL, true, "no readable `lab:` name",
				      "%s", arg);
	}
	if (strchr(arg, '/') || (strlen(arg) > 5 &&
	    (!strcmp(arg + strlen(arg) - 5, ".yaml") ||
	     !strcmp(arg + strlen(arg) - 4, ".yml"))))
		return nsnet_fail_input(ctx, st_err ? -st_err : -EISDIR,
					"lab file %s", arg);	/* meant a file */
	why = nsnet_check_nsname(arg);
	if (!why && strlen(arg) > LAB_NAME_MAX)
		why = "longer than a lab name can be";
	if (why)
		return nsnet_fail_why(ctx, -EINVAL, true, why,
				      "lab \"%s\"", arg);
	snprintf(name, len, "%s", arg);
	return 0;
}

/**
 * all_netns() - every name under /run/netns
 * @ctx:	context
 *
 * Return: JSON array of names (empty on error).
 */
static json_t *all_netns(struct nsnet_ctx *ctx)
{
	struct nsnet_netns *ns;
	json_t *arr = json_array();
	int n, i;

	n = nsnet_netns_list(ctx, &ns);
	for (i = 0; i < n; i++)
		json_array_append_new(arr, json_string(ns[i].name));
	if (n >= 0)
		free(ns);
	return arr;
}

/**
 * sweep_lab() - stop the lab's processes that no record names any more
 * @ctx:	context
 * @lab:	lab name
 * @p:		the down plan (its OP_DEL_NETNS ops name the lab's namespaces)
 *
 * After svc_down(), which stopped the recorded ones, whatever still runs
 * was lost with /run/nsnet or with a killed run's records: it is found by
 * its tags (proc_sweep()), among them its namespace, before the namespaces
 * lose their names and could no longer be told apart.
 *
 * Return: 0, or -errno.
 */
static int sweep_lab(struct nsnet_ctx *ctx, const char *lab,
		     const struct plan *p)
{
	struct stat *ns = calloc(p->n ? p->n : 1, sizeof(*ns));
	size_t i, n = 0;
	int fd, err;

	if (!ns)
		return nsnet_fail(ctx, -ENOMEM, "processes of lab %s", lab);
	for (i = 0; i < p->n; i++) {
		if (p->ops[i].type != OP_DEL_NETNS)
			continue;
		fd = ns_open(ctx, p->ops[i].ns);
		if (fd < 0)
			continue;	/* stale: no process can be in it */
		if (!fstat(fd, &ns[n]))
			n++;
		close(fd);
	}
	nsnet_clear_err(ctx);
	err = proc_sweep(ctx, lab, ns, n, DOWN_SWEEP_MS);
	free(ns);
	return err < 0 ? err : 0;
}

/**
 * down_locked() - remove everything a lab owns, the lock held
 * @ctx:	context
 * @sd:		state directory (locked)
 * @lab:	lab name
 * @state:	its state (recorded, or the one a failed up would have
 *		recorded), or NULL: the lab's objects are found by their tags
 * @cb:		told about each operation, may be NULL
 * @data:	passed to @cb
 *
 * Processes and files go first, while the namespaces they use exist:
 * the recorded ones, then those found by their tags. Forwarding tags are
 * read while the lab's table is still there.
 *
 * Return: 0, or -errno.
 */
static int down_locked(struct nsnet_ctx *ctx, struct state_dir *sd,
		       const char *lab, json_t *state, nsnet_op_cb cb,
		       void *data)
{
	json_t *journal = NULL, *names = NULL, *all = NULL, *tags = NULL;
	struct observed o = { 0 };
	struct plan p = { 0 };
	int err;

	err = svc_down(ctx, sd->fd, lab, state);
	if (err)
		return err;
	journal = journal_read(sd, lab);
	if (!state)
		all = all_netns(ctx);
	names = names_of_interest(NULL, state, journal, all);
	err = run_observe(ctx, lab, names, journal,
			  json_object_get(state, "nodes"), &o);
	if (!err)
		err = plan_down(ctx, lab, &o, &p);
	if (!err)
		err = sweep_lab(ctx, lab, &p);
	if (!err)
		err = fw_fwd_tags(ctx, &tags);
	if (!err)
		err = run_plan(ctx, sd, lab, &p, false,
			       json_array_size(journal) > 0, NULL, cb, data);
	if (!err)
		err = sysctl_forwarding_tagged(ctx, sd->fd, lab, AF_INET, false,
					       tags);
	if (!err)
		err = sysctl_forwarding_tagged(ctx, sd->fd, lab, AF_INET6, false,
					       tags);
	if (!err)
		err = state_remove(ctx, sd, lab);
	json_decref(tags);
	plan_free(&p);
	observed_free(&o);
	json_decref(all);
	json_decref(names);
	json_decref(journal);
	return err;
}

/**
 * nsnet_lab_down() - remove a lab; see nsnet.h
 * @ctx:	context
 * @arg:	lab name or file
 * @cb:		operation callback
 * @data:	its data
 *
 * Return: 0, or -errno.
 */
int nsnet_lab_down(struct nsnet_ctx *ctx, const char *arg, nsnet_op_cb cb,
		   void *data)
{
	struct state_dir sd = { -1, -1 };
	char lab[LAB_NAME_MAX + 1];
	json_t *state = NULL;
	int err;

	nsnet_clear_err(ctx);
	diags_clear(ctx);
	err = lab_name_of(ctx, arg, lab, sizeof(lab));
	if (!err)
		err = state_open(ctx, &sd, true);
	if (!err)
		err = state_lock(ctx, &sd);
	if (!err) {
		state = state_load(ctx, &sd, lab, &err);
		if (err == -ENOENT)
			err = 0;
	}
	if (!err)
		err = down_locked(ctx, &sd, lab, state, cb, data);
	json_decref(state);
	state_close(&sd);
	return err;
}
