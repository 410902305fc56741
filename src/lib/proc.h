/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * proc.h - processes in nodes: the lab's runtime directory, supervised
 * background processes (a monitor per process) and their records
 *
 * /run/nsnet/<lab>.d holds procs/<id>.json (one record per supervised
 * process, written by its monitor) and logs/<id>.log (the process's output).
 * A record names the monitor by pid and start time, so a stopper never
 * signals a process that merely reuses the pid; nothing is found by name.
 * When the records are lost, the kernel still tells a lab's processes
 * apart (proc_sweep()): a monitor holds a memfd named after its lab, a
 * command carries NSNET_LAB=<lab> and runs in one of the lab's namespaces.
 */
#ifndef NSNET_PROC_H
#define NSNET_PROC_H

#include <jansson.h>
#include <sys/stat.h>

#include "internal.h"

/** PROC_ID_MAX - longest process id, in bytes */
#define PROC_ID_MAX 64
/** PROC_STOP_TIMEOUT_MS - default grace between SIGTERM and SIGKILL */
#define PROC_STOP_TIMEOUT_MS 5000
/** PROC_TAG_PREFIX - a monitor's memfd is named this and its lab's name */
#define PROC_TAG_PREFIX "nsnet-lab:"
/** PROC_TAG_MAX - room for a lab name in a tag (twice a lab name) */
#define PROC_TAG_MAX 64
/** PROC_ENV_LAB - the variable naming a command's lab in its environment */
#define PROC_ENV_LAB "NSNET_LAB"
/** PROC_PATH - the PATH a child gets, and argv[0] is looked up in */
#define PROC_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

int labdir_open(struct nsnet_ctx *ctx, int state_fd, const char *lab,
		bool create);
int labdir_remove(struct nsnet_ctx *ctx, int state_fd, const char *lab);
int labdir_sub(struct nsnet_ctx *ctx, int labfd, const char *lab,
	       const char *sub, bool create);

/* Restart policies (the same values as the public NSNET_RESTART_*). */
enum proc_restart { PROC_RESTART_NO, PROC_RESTART_ON_FAILURE, PROC_RESTART_ALWAYS };

/**
 * struct proc_spec - a supervised process to start
 * @lab:	owning lab
 * @id:		unique within the lab, [A-Za-z0-9_.-]{1,64}
 * @netns:	namespace to run in; NULL or "" for the context's own
 * @etc_netns:	`ip netns exec` semantics: private mount namespace, /sys
 *		remounted, /etc/netns/<netns>/ files bound over /etc
 * @argv:	the command; argv[0] is looked up in PROC_PATH, never a shell
 * @env:	extra "K=V" entries on top of a clean environment, or NULL
 * @user:	NULL for root, else the user to run as
 * @restart:	what to do when the process ends
 * @fn:		instead of exec'ing @argv, run this in the child (after the
 *		namespace is entered); its return is the exit status
 * @fn_arg:	passed to @fn
 * @cmdline_display: what ps shows (else @argv), or NULL
 */
struct proc_spec {
	const char *lab;
	const char *id;
	const char *netns;
	bool etc_netns;
	char *const *argv;
	char *const *env;
	const char *user;
	enum proc_restart restart;
	int (*fn)(void *arg);
	void *fn_arg;
	const char *const *cmdline_display;
};

int proc_start(struct nsnet_ctx *ctx, int state_fd, const struct proc_spec *sp);
int proc_stop(struct nsnet_ctx *ctx, int state_fd, const char *lab,
	      const char *id, unsigned int timeout_ms);
int proc_stop_all(struct nsnet_ctx *ctx, int state_fd, const char *lab,
		  unsigned int timeout_ms);
int proc_get(struct nsnet_ctx *ctx, int state_fd, const char *lab,
	     const char *id, json_t **out);
long long proc_now_ms(void);
void proc_ask_stop(int pidfd, unsigned int grace_ms);
int proc_sweep(struct nsnet_ctx *ctx, const char *lab, const struct stat *ns,
	       size_t n_ns, unsigned int timeout_ms);

/* ---- shared between proc.c, supervise.c and procs.c ---- */
const char *proc_check_id(const char *id);
const char *proc_restart_name(enum proc_restart r);
unsigned long long proc_starttime(pid_t pid);
bool proc_alive(pid_t pid, unsigned long long start);
int proc_record_write(int procfd, const char *id, json_t *rec);
json_t *proc_record_read(int procfd, const char *id);
int proc_ids(int procfd, json_t **out);

/**
 * struct proc_exec - everything a child needs, prepared before any fork
 * @path:	argv[0] resolved through PROC_PATH
 * @argv:	the command
 * @envp:	the complete environment
 * @uid:	user to become (0: stay root)
 * @gid:	its primary group
 * @user:	its name, for initgroups(), or NULL for root
 * @nsfd:	the namespace to enter
 * @netns:	its name, for /etc/netns and messages ("" for the host)
 * @etc_netns:	`ip netns exec` semantics
 * @fn:		run this instead of exec, or NULL
 * @fn_arg:	its argument
 */
struct proc_exec {
	char *path;
	char *const *argv;
	char **envp;
	uid_t uid;
	gid_t gid;
	char *user;
	int nsfd;
	const char *netns;
	bool etc_netns;
	int (*fn)(void *arg);
	void *fn_arg;
};

int proc_exec_prepare(struct nsnet_ctx *ctx, struct proc_exec *px,
		      char *const *argv, char *const *env, const char *user);
void proc_exec_free(struct proc_exec *px);
int proc_child_setup(struct nsnet_ctx *ctx, const struct proc_exec *px);

/**
 * struct sup - what a monitor supervises
 * @px:		the prepared child
 * @restart:	policy
 * @lab:	the lab's name (the monitor's tag)
 * @labfd:	the lab's runtime directory
 * @procfd:	its procs/ directory
 * @logfd:	the log, open for appending
 * @id:		process id (the record's name)
 * @rec:	the record, rewritten on every change
 */
struct sup {
	struct proc_exec *px;
	enum proc_restart restart;
	const char *lab;
	int labfd;
	int procfd;
	int logfd;
	const char *id;
	json_t *rec;
};

void sup_monitor(struct nsnet_ctx *ctx, struct sup *s, int report)
	__attribute__((noreturn));
int proc_tree_kill(pid_t root, int sig, bool self);

#endif /* NSNET_PROC_H */
