// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * procs.c - the public face of processes in nodes: exec, run, stop, list,
 * logs
 *
 * These take a lab that is up and one of its nodes, check both against the
 * lab's recorded state before anything else, and hand the work to proc.c.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/close_range.h>
#include <unistd.h>

#include "engine.h"
#include "proc.h"

/**
 * lab_node_check() - refuse a lab that is not up, or a node not of it
 * @ctx:	context
 * @lab:	lab name
 * @node:	node name, or NULL to check the lab only
 *
 * Return: 0, or -errno (an input error for an unknown lab or node).
 */
static int lab_node_check(struct nsnet_ctx *ctx, const char *lab,
			  const char *node)
{
	const char *why = nsnet_check_nsname(lab);
	struct state_dir sd;
	json_t *st = NULL;
	int err;

	if (why)
		return nsnet_fail_why(ctx, -EINVAL, true, why, "lab \"%s\"", lab);
	if (node && (why = nsnet_check_nsname(node)))
		return nsnet_fail_why(ctx, -EINVAL, true, why, "node \"%s\"", node);
	err = state_open(ctx, &sd, false);
	if (!err)
		st = state_load(ctx, &sd, lab, &err);
	state_close(&sd);
	if (err == -ENOENT)
		return nsnet_fail_why(ctx, -ENOENT, true, "no such lab is up",
				      "lab %s", lab);
	if (err)
		return err;
	if (node && !json_listed(json_object_get(st, "nodes"), node))
		err = nsnet_fail_why(ctx, -ENOENT, true, "no such node in the lab",
				     "lab %s: node %s", lab, node);
	json_decref(st);
	return err;
}

/**
 * default_id() - "<node>-<command's base name>", unique among the lab's
 * records (-2, -3, ... appended)
 * @procfd:	the lab's procs/ directory, -1 if it has none yet
 * @node:	node name
 * @cmd:	argv[0]
 * @id:		result
 *
 * Characters an id may not hold become '_'.
 */
static void default_id(int procfd, const char *node, const char *cmd,
		       char id[NSNET_PROC_IDSIZ])
{
	const char *base = strrchr(cmd, '/') ? strrchr(cmd, '/') + 1 : cmd;
	char stem[NSNET_PROC_IDSIZ], name[NSNET_PROC_IDSIZ + 8];
	unsigned int i;
	char *p;

	snprintf(stem, sizeof(stem) - 6, "%s-%s", node, *base ? base : "cmd");
	for (p = stem; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9') || *p == '_' || *p == '.' ||
		      *p == '-'))
			*p = '_';
	for (i = 1; i < 100000; i++) {
		if (i == 1)
			snprintf(id, NSNET_PROC_IDSIZ, "%s", stem);
		else
			snprintf(id, NSNET_PROC_IDSIZ, "%.58s-%u", stem, i % 100000);
		snprintf(name, sizeof(name), "%s.json", id);
		if (procfd < 0 || faccessat(procfd, name, F_OK,
					    AT_SYMLINK_NOFOLLOW) < 0)
			return;
	}
}

/**
 * nsnet_run() - start a supervised process in a lab's node
 * @ctx:	context
 * @lab:	lab name
 * @node:	node name
 * @argv:	command
 * @opts:	options, or NULL
 * @id:		its id, out
 *
 * The state lock is held while the id is chosen and the process started,
 * so two runs never pick the same default id.
 *
 * Return: 0, or -errno.
 */
int nsnet_run(struct nsnet_ctx *ctx, const char *lab, const char *node,
	      char *const argv[], const struct nsnet_run_opts *opts,
	      char id[NSNET_PROC_IDSIZ])
{
	const struct nsnet_run_opts dflt = { .restart = NSNET_RESTART_ON_FAILURE };
	struct proc_spec sp = { .lab = lab, .netns = node, .etc_netns = true,
				.argv = argv };
	struct state_dir sd;
	int err, labfd, procfd = -1;

	nsnet_clear_err(ctx);
	if (!opts)
		opts = &dflt;
	if (opts->name && proc_check_id(opts->name))
		return nsnet_fail_why(ctx, -EINVAL, true, proc_check_id(opts->name),
				      "process id \"%s\"", opts->name);
	if ((unsigned int)opts->restart > NSNET_RESTART_ALWAYS)
		return nsnet_fail_why(ctx, -EINVAL, true, "unknown policy",
				      "restart %d", opts->restart);
	if (!argv || !argv[0] || !*argv[0])
		return nsnet_fail_why(ctx, -EINVAL, true, "empty command", "run");
	err = lab_node_check(ctx, lab, node);
	if (err)
		return err;
	err = state_open(ctx, &sd, false);
	if (err)
		return err == -ENOENT ? nsnet_fail_why(ctx, err, true,
			"no such lab is up", "lab %s", lab) : err;
	err = state_lock(ctx, &sd);
	if (err)
		goto out;
	if (opts->name) {
		snprintf(id, NSNET_PROC_IDSIZ, "%s", opts->name);
	} else {
		labfd = labdir_open(ctx, sd.fd, lab, false);
		if (labfd >= 0) {
			procfd = labdir_sub(ctx, labfd, lab, "procs", false);
			close(labfd);
		}
		default_id(procfd, node, argv[0], id);
		if (procfd >= 0)
			close(procfd);
		nsnet_clear_err(ctx);
	}
	sp.id = id;
	sp.env = opts->env;
	sp.user = opts->user;
	sp.restart = (enum proc_restart)opts->restart;
	err = proc_start(ctx, sd.fd, &sp);
out:
	state_close(&sd);
	return err;
}

/**
 * nsnet_stop() - stop a supervised process, or every one of a lab
 * @ctx:	context
 * @lab:	lab name
 * @id:		process id, NULL for all
 * @timeout_ms:	grace, 0 for the default
 *
 * Return: 0, or -errno.
 */
int nsnet_stop(struct nsnet_ctx *ctx, const char *lab, const char *id,
	       unsigned int timeout_ms)
{
	const char *why = nsnet_check_nsname(lab);
	char name[NSNET_PROC_IDSIZ + 8];
	struct state_dir sd;
	int err, labfd = -1, procfd = -1;

	nsnet_clear_err(ctx);
	if (why)
		return nsnet_fail_why(ctx, -EINVAL, true, why, "lab \"%s\"", lab);
	if (id && (why = proc_check_id(id)))
		return nsnet_fail_why(ctx, -EINVAL, true, why,
				      "process id \"%s\"", id);
	err = state_open(ctx, &sd, false);
	if (err == -ENOENT)
		return id ? nsnet_fail_why(ctx, -ENOENT, true, "no such process",
					   "process %s of lab %s", id, lab) : 0;
	if (err)
		return err;
	if (id) {
		labfd = labdir_open(ctx, sd.fd, lab, false);
		if (labfd >= 0)
			procfd = labdir_sub(ctx, labfd, lab, "procs", false);
		snprintf(name, sizeof(name), "%s.json", id);
		if (procfd < 0 || faccessat(procfd, name, F_OK,
					    AT_SYMLINK_NOFOLLOW) < 0) {
			err = nsnet_fail_why(ctx, -ENOENT, true, "no such process",
					     "process %s of lab %s", id, lab);
			goto out;
		}
		err = proc_stop(ctx, sd.fd, lab, id, timeout_ms);
	} else {
		err = proc_stop_all(ctx, sd.fd, lab, timeout_ms);
	}
out:
	if (procfd >= 0)
		close(procfd);
	if (labfd >= 0)
		close(labfd);
	state_close(&sd);
	return err;
}

/**
 * fill_proc() - a public entry from a record
 * @p:		result
 * @lab:	lab name
 * @id:		process id
 * @rec:	the record
 */
static void fill_proc(struct nsnet_proc *p, const char *lab, const char *id,
		      json_t *rec)
{
	const char *state = json_string_value(json_object_get(rec, "state"));
	bool mon = proc_alive((pid_t)json_integer_value(json_object_get(rec, "monitor_pid")),
			      (unsigned long long)json_integer_value(
				      json_object_get(rec, "monitor_start")));
	json_t *v, *words = json_object_get(rec, "display");
	size_t i, len = 0;

	memset(p, 0, sizeof(*p));
	snprintf(p->lab, sizeof(p->lab), "%s", lab);
	snprintf(p->id, sizeof(p->id), "%s", id);
	snprintf(p->node, sizeof(p->node), "%s",
		 json_string_value(json_object_get(rec, "node")) ?: "");
	if (!state)
		state = "lost";
	if (!mon && (!strcmp(state, "running") || !strcmp(state, "restarting") ||
		     !strcmp(state, "starting")))
		state = "lost";
	snprintf(p->state, sizeof(p->state), "%s", state);
	p->monitor = mon ? (pid_t)json_integer_value(json_object_get(rec, "monitor_pid")) : 0;
	p->pid = mon ? (pid_t)json_integer_value(json_object_get(rec, "pid")) : 0;
	v = json_object_get(rec, "exit_code");
	p->exit_code = json_is_integer(v) ? (int)json_integer_value(v) : -1;
	p->exit_signal = (int)json_integer_value(json_object_get(rec, "exit_signal"));
	p->restarts = (unsigned int)json_integer_value(json_object_get(rec, "restarts"));
	snprintf(p->restart, sizeof(p->restart), "%s",
		 json_string_value(json_object_get(rec, "restart")) ?: "");
	p->started = json_integer_value(json_object_get(rec, "started"));
	snprintf(p->log, sizeof(p->log), "%s",
		 json_string_value(json_object_get(rec, "log")) ?: "");
	json_array_foreach(words, i, v) {
		const char *w = json_string_value(v);

		if (w && len < sizeof(p->command) - 1)
			len += snprintf(p->command + len, sizeof(p->command) - len,
					"%s%s", i ? " " : "", w);
	}
}

/**
 * list_lab() - append a lab's processes to @out
 * @ctx:	context
 * @sd:		state directory
 * @lab:	lab name
 * @out:	growing array
 *
 * Return: 0, or -errno.
 */
static int list_lab(struct nsnet_ctx *ctx, struct state_dir *sd,
		    const char *lab, struct vec *out)
{
	int labfd, procfd, err;
	json_t *ids, *e;
	size_t i;

	labfd = labdir_open(ctx, sd->fd, lab, false);
	if (labfd < 0)
		return labfd == -ENOENT ? 0 : labfd;
	procfd = labdir_sub(ctx, labfd, lab, "procs", false);
	close(labfd);
	if (procfd < 0)
		return procfd == -ENOENT ? 0 : procfd;
	err = proc_ids(procfd, &ids);
	json_array_foreach(ids, i, e) {
		json_t *rec = proc_record_read(procfd, json_string_value(e));
		struct nsnet_proc *p;

		if (!rec)
			continue;
		p = vec_push(out);
		if (p)
			fill_proc(p, lab, json_string_value(e), rec);
		json_decref(rec);
		if (!p) {
			err = -ENOMEM;
			break;
		}
	}
	json_decref(ids);
	close(procfd);
	return err ? nsnet_fail(ctx, err, "processes of lab %s", lab) : 0;
}

/**
 * nsnet_proc_list() - the supervised processes of one lab or of all
 * @ctx:	context
 * @lab:	lab name, or NULL
 * @out:	result
 *
 * Return: the count, or -errno.
 */
int nsnet_proc_list(struct nsnet_ctx *ctx, const char *lab,
		    struct nsnet_proc **out)
{
	struct vec v = { .size = sizeof(struct nsnet_proc) };
	struct state_dir sd;
	struct dirent *de;
	json_t *labs;
	size_t i;
	int err, fd;
	DIR *d;

	nsnet_clear_err(ctx);
	*out = NULL;
	if (lab && nsnet_check_nsname(lab))
		return nsnet_fail_why(ctx, -EINVAL, true, nsnet_check_nsname(lab),
				      "lab \"%s\"", lab);
	err = state_open(ctx, &sd, false);
	if (err == -ENOENT)
		return vec_take(&v, out);
	if (err)
		return err;
	labs = json_array();
	if (lab) {
		json_array_append_new(labs, json_string(lab));
	} else {
		fd = dup(sd.fd);
		d = fd < 0 ? NULL : fdopendir(fd);
		while (d && (de = readdir(d))) {
			size_t n = strlen(de->d_name);

			if (n > 2 && !strcmp(de->d_name + n - 2, ".d"))
				json_array_append_new(labs, json_stringn(de->d_name, n - 2));
		}
		if (d)
			closedir(d);
		else if (fd >= 0)
			close(fd);
	}
	for (i = 0; !err && i < json_array_size(labs); i++) {
		const char *name = json_string_value(json_array_get(labs, i));

		if (!nsnet_check_nsname(name))
			err = list_lab(ctx, &sd, name, &v);
	}
	json_decref(labs);
	state_close(&sd);
	if (err) {
		free(v.items);
		return err;
	}
	return vec_take(&v, out);
}

/**
 * nsnet_proc_free() - release nsnet_proc_list()'s result
 * @procs:	the array, may be NULL
 */
void nsnet_proc_free(struct nsnet_proc *procs)
{
	free(procs);
}

/**
 * nsnet_proc_log() - open a process's log
 * @ctx:	context
 * @lab:	lab name
 * @id:		process id
 *
 * Return: a descriptor, or -errno.
 */
int nsnet_proc_log(struct nsnet_ctx *ctx, const char *lab, const char *id)
{
	char name[NSNET_PROC_IDSIZ + 8];
	struct state_dir sd;
	int labfd = -1, logsfd = -1, fd = -ENOENT, err;

	nsnet_clear_err(ctx);
	if (nsnet_check_nsname(lab))
		return nsnet_fail_why(ctx, -EINVAL, true, nsnet_check_nsname(lab),
				      "lab \"%s\"", lab);
	if (proc_check_id(id))
		return nsnet_fail_why(ctx, -EINVAL, true, proc_check_id(id),
				      "process id \"%s\"", id);
	err = state_open(ctx, &sd, false);
	if (!err)
		labfd = labdir_open(ctx, sd.fd, lab, false);
	if (labfd >= 0)
		logsfd = labdir_sub(ctx, labfd, lab, "logs", false);
	if (logsfd >= 0) {
		snprintf(name, sizeof(name), "%s.log", id);
		fd = openat(logsfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0)
			fd = -errno;
	}
	if (fd == -ENOENT)
		fd = nsnet_fail_why(ctx, -ENOENT, true, "no such process",
				    "process %s of lab %s", id, lab);
	else if (fd < 0)
		fd = nsnet_fail(ctx, fd, "log of process %s of lab %s", id, lab);
	if (logsfd >= 0)
		close(logsfd);
	if (labfd >= 0)
		close(labfd);
	state_close(&sd);
	return fd;
}

/**
 * nsnet_exec() - become a command in a lab's node
 * @ctx:	context
 * @lab:	lab name
 * @node:	node name
 * @argv:	command
 * @env:	extra environment, or NULL
 * @user:	user, or NULL for root
 *
 * Return: only on failure, -errno.
 */
int nsnet_exec(struct nsnet_ctx *ctx, const char *lab, const char *node,
	       char *const argv[], char *const env[], const char *user)
{
	struct proc_exec px = { .nsfd = -1, .netns = node, .etc_netns = true };
	sigset_t none;
	int err, sig;

	nsnet_clear_err(ctx);
	err = lab_node_check(ctx, lab, node);
	if (!err)
		err = proc_exec_prepare(ctx, &px, argv, env, user);
	if (!err) {
		px.nsfd = ns_open(ctx, node);
		if (px.nsfd < 0)
			err = px.nsfd;
	}
	if (!err)
		err = proc_child_setup(ctx, &px);
	if (!err) {
		for (sig = 1; sig < NSIG; sig++)
			if (sig != SIGKILL && sig != SIGSTOP)
				signal(sig, SIG_DFL);
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		close_range(3, ~0U, CLOSE_RANGE_CLOEXEC);
		execve(px.path, px.argv, px.envp);
		err = nsnet_fail(ctx, -errno, "exec \"%s\"", argv[0]);
	}
	if (px.nsfd >= 0)
		close(px.nsfd);
	proc_exec_free(&px);
	return err;
}
