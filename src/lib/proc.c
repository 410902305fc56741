// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * proc.c - supervised processes of a lab: start, stop, look up
 *
 * proc_start() forks a monitor (supervise.c) that is detached from the
 * caller (double fork, setsid) and answers through a close-on-exec pipe
 * once the command really runs, so an exec failure is the caller's error
 * and leaves nothing behind. The monitor owns the record procs/<id>.json;
 * a stopper finds it there by pid and start time, holds it by a pidfd, and
 * tells it to stop; the monitor takes its whole tree down. Only when the
 * monitor does not finish in time does the stopper kill the tree itself.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "engine.h"
#include "proc.h"

/**
 * proc_check_id() - validate a process id (it becomes a file name)
 * @id:		the id
 *
 * Return: NULL if valid, else a static text saying why not.
 */
const char *proc_check_id(const char *id)
{
	const char *p;

	if (!id || !*id)
		return "empty";
	if (strlen(id) > PROC_ID_MAX)
		return "longer than 64 bytes";
	if (!strcmp(id, ".") || !strcmp(id, "..") || id[0] == '-' || id[0] == '.')
		return "must not start with '.' or '-'";
	for (p = id; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9') || *p == '_' || *p == '.' ||
		      *p == '-'))
			return "only letters, digits, '_', '.' and '-' are allowed";
	return NULL;
}

/**
 * proc_restart_name() - the word for a restart policy
 * @r:		policy
 *
 * Return: "no", "on-failure" or "always".
 */
const char *proc_restart_name(enum proc_restart r)
{
	static const char *const names[] = { "no", "on-failure", "always" };

	return (unsigned int)r < 3 ? names[r] : "no";
}

/**
 * proc_starttime() - when @pid started, in clock ticks after boot
 * @pid:	process
 *
 * Field 22 of /proc/PID/stat: with the pid it names one process for the
 * lifetime of the system, so a reused pid is never taken for ours.
 *
 * Return: the start time, or 0 if there is no such process.
 */
unsigned long long proc_starttime(pid_t pid)
{
	char path[64], buf[1024], *p;
	unsigned long long v = 0;
	ssize_t n;
	int fd, i;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	/* comm may hold spaces and ')': the fields start after the last ')' */
	p = strrchr(buf, ')');
	if (!p || p[1] != ' ' || p[2] == 'Z' || p[2] == 'X')
		return 0;
	p += 2;
	for (i = 3; i < 22 && p; i++) {
		p = strchr(p, ' ');
		if (p)
			p++;
	}
	if (p)
		v = strtoull(p, NULL, 10);
	return v;
}

/**
 * proc_alive() - whether @pid is still the process that started at @start
 * @pid:	process id
 * @start:	its recorded start time
 *
 * Return: true if so (a zombie counts as gone).
 */
bool proc_alive(pid_t pid, unsigned long long start)
{
	return pid > 0 && start && proc_starttime(pid) == start;
}

/**
 * struct ptab - a snapshot of the process table: pids and parents
 * @pid:	process ids
 * @ppid:	their parents
 * @n:		count
 */
struct ptab {
	pid_t *pid;
	pid_t *ppid;
	size_t n;
};

/**
 * ptab_read() - snapshot every live process's parent from /proc
 * @t:		result (free both arrays)
 *
 * Return: 0, or -ENOMEM / -errno.
 */
static int ptab_read(struct ptab *t)
{
	size_t cap = 0;
	struct dirent *de;
	DIR *d = opendir("/proc");

	memset(t, 0, sizeof(*t));
	if (!d)
		return -errno;
	while ((de = readdir(d))) {
		char path[64], buf[512], *p;
		long pid = strtol(de->d_name, &p, 10);
		ssize_t len;
		int fd;

		if (*p || pid <= 0)
			continue;
		snprintf(path, sizeof(path), "/proc/%ld/stat", pid);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			continue;
		len = read(fd, buf, sizeof(buf) - 1);
		close(fd);
		if (len <= 0)
			continue;
		buf[len] = '\0';
		p = strrchr(buf, ')');
		if (!p || p[1] != ' ' || p[2] == 'Z' || p[2] == 'X' || p[3] != ' ')
			continue;
		if (t->n == cap) {
			size_t nc = cap ? cap * 2 : 256;
			pid_t *a = realloc(t->pid, nc * sizeof(pid_t));
			pid_t *b = a ? realloc(t->ppid, nc * sizeof(pid_t)) : NULL;

			if (a)
				t->pid = a;
			if (!b) {
				closedir(d);
				return -ENOMEM;
			}
			t->ppid = b;
			cap = nc;
		}
		t->pid[t->n] = (pid_t)pid;
		t->ppid[t->n] = (pid_t)strtol(p + 4, NULL, 10);
		t->n++;
	}
	closedir(d);
	return 0;
}

/**
 * proc_tree_kill() - signal every live descendant of @root
 * @root:	top of the tree
 * @sig:	signal, 0 to only count
 * @self:	signal @root too
 *
 * Descendants by parent links, so a process that left its session and
 * process group (setsid) is still found; below a subreaper nothing can
 * escape by being orphaned either. Zombies are not counted.
 *
 * Return: the number of live descendants (@root not counted), or -errno.
 */
int proc_tree_kill(pid_t root, int sig, bool self)
{
	struct ptab t;
	bool *in, grew = true;
	size_t i, j;
	int n = 0, err;

	err = ptab_read(&t);
	in = err ? NULL : calloc(t.n ? t.n : 1, sizeof(bool));
	if (!in) {
		free(t.pid);
		free(t.ppid);
		return err ? err : -ENOMEM;
	}
	while (grew) {
		grew = false;
		for (i = 0; i < t.n; i++) {
			if (in[i] || t.pid[i] == root)
				continue;
			if (t.ppid[i] == root) {
				in[i] = grew = true;
				continue;
			}
			for (j = 0; j < t.n; j++)
				if (in[j] && t.pid[j] == t.ppid[i]) {
					in[i] = grew = true;
					break;
				}
		}
	}
	for (i = 0; i < t.n; i++) {
		if (!in[i])
			continue;
		n++;
		if (sig)
			kill(t.pid[i], sig);
	}
	if (self && sig)
		kill(root, sig);
	free(in);
	free(t.pid);
	free(t.ppid);
	return n;
}

/**
 * proc_record_write() - replace a record atomically (temporary + rename)
 * @procfd:	the lab's procs/ directory
 * @id:		process id
 * @rec:	the record
 *
 * Return: 0, or -errno.
 */
int proc_record_write(int procfd, const char *id, json_t *rec)
{
	char name[PROC_ID_MAX + 8], tmp[PROC_ID_MAX + 32];
	int fd, err = 0;

	snprintf(name, sizeof(name), "%s.json", id);
	snprintf(tmp, sizeof(tmp), ".%s.%d.tmp", id, (int)getpid());
	unlinkat(procfd, tmp, 0);
	fd = openat(procfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
		    O_CLOEXEC, 0600);
	if (fd < 0)
		return -errno;
	if (json_write_fd(rec, fd) < 0)
		err = -EIO;
	close(fd);
	if (!err && renameat(procfd, tmp, procfd, name) < 0)
		err = -errno;
	if (err)
		unlinkat(procfd, tmp, 0);
	return err;
}

/**
 * proc_record_read() - read a record
 * @procfd:	the lab's procs/ directory
 * @id:		process id
 *
 * Return: the record (an object), or NULL if there is none (or it is torn).
 */
json_t *proc_record_read(int procfd, const char *id)
{
	char name[PROC_ID_MAX + 8];
	json_t *rec;
	int fd;

	snprintf(name, sizeof(name), "%s.json", id);
	fd = openat(procfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	rec = json_loadfd(fd, 0, NULL);
	close(fd);
	if (rec && !json_is_object(rec)) {
		json_decref(rec);
		rec = NULL;
	}
	return rec;
}

/**
 * rec_int() - an integer member of a record, 0 if absent
 * @rec:	record
 * @key:	member
 *
 * Return: the value.
 */
static long long rec_int(json_t *rec, const char *key)
{
	return json_integer_value(json_object_get(rec, key));
}

/**
 * rec_monitor_alive() - whether the record's monitor is still running
 * @rec:	record
 *
 * Return: true if so.
 */
static bool rec_monitor_alive(json_t *rec)
{
	return proc_alive((pid_t)rec_int(rec, "monitor_pid"),
			  (unsigned long long)rec_int(rec, "monitor_start"));
}

/**
 * open_procs() - open the lab's procs/ directory
 * @ctx:	context
 * @state_fd:	the state directory
 * @lab:	lab name
 * @create:	create the directories if missing
 * @labfd:	the lab's directory (close it)
 *
 * Return: the descriptor, -ENOENT (not recorded) when missing, or -errno.
 */
static int open_procs(struct nsnet_ctx *ctx, int state_fd, const char *lab,
		      bool create, int *labfd)
{
	int fd;

	*labfd = labdir_open(ctx, state_fd, lab, create);
	if (*labfd < 0)
		return *labfd;
	fd = labdir_sub(ctx, *labfd, lab, "procs", create);
	if (fd < 0) {
		close(*labfd);
		*labfd = -1;
	}
	return fd;
}

/**
 * proc_get() - the record of a live supervised process
 * @ctx:	context
 * @state_fd:	the state directory
 * @lab:	lab name
 * @id:		process id
 * @out:	the record (json_decref() it), NULL when there is none
 *
 * "Live" means its monitor runs (the process itself may be between two
 * restarts): the caller compares "argv" to decide whether to restart it.
 *
 * Return: 0 with *@out set; -ENOENT (nothing recorded in @ctx) when no
 * live process has that id; another -errno.
 */
int proc_get(struct nsnet_ctx *ctx, int state_fd, const char *lab,
	     const char *id, json_t **out)
{
	int labfd, procfd;
	json_t *rec;

	*out = NULL;
	if (proc_check_id(id))
		return nsnet_fail_why(ctx, -EINVAL, true, proc_check_id(id),
				      "process id \"%s\"", id);
	procfd = open_procs(ctx, state_fd, lab, false, &labfd);
	if (procfd < 0)
		return procfd;
	rec = proc_record_read(procfd, id);
	close(procfd);
	close(labfd);
	if (!rec || !rec_monitor_alive(rec)) {
		json_decref(rec);
		return -ENOENT;
	}
	*out = rec;
	return 0;
}

/**
 * argv_json() - a string vector as a JSON array
 * @v:		NULL-terminated vector, or NULL
 *
 * Return: the array (never NULL unless out of memory).
 */
static json_t *argv_json(const char *const *v)
{
	json_t *a = json_array();

	for (; v && *v; v++)
		json_array_append_new(a, json_string(*v));
	return a;
}

/**
 * struct report - what a monitor tells the caller of proc_start()
 * @err:	0: the command runs; else -errno
 * @msg:	the error text
 */
struct report {
	int err;
	char msg[700];
};

/**
 * proc_start() - start a supervised background process
 * @ctx:	context
 * @state_fd:	the state directory
 * @sp:		what to run
 *
 * Everything the input can get wrong is checked before anything is
 * created. Returns once the command was exec'd (or @sp->fn started).
 * The monitor is forked from the caller and allocates memory, so call this
 * from a single-threaded process (as nsnet is). In @sp->fn's child the
 * context's sockets and descriptors are closed: it must make its own.
 *
 * Return: 0; -EEXIST (an input error) if a live process has this id;
 * -ENOENT/-EACCES naming argv[0] when it cannot be run; another -errno.
 */
int proc_start(struct nsnet_ctx *ctx, int state_fd, const struct proc_spec *sp)
{
	struct proc_exec px = { .nsfd = -1 };
	struct sup s = { .px = &px, .restart = sp->restart, .id = sp->id,
			 .lab = sp->lab, .labfd = -1, .procfd = -1, .logfd = -1 };
	char logname[PROC_ID_MAX + 8], logpath[512], labvar[PROC_TAG_MAX + 16];
	char **env = NULL;
	size_t n_env = 0;
	int report[2] = { -1, -1 }, logsfd = -1, err, st;
	bool log_created = false;
	struct report r;
	json_t *old;
	ssize_t n;
	pid_t pid;

	nsnet_clear_err(ctx);
	if (proc_check_id(sp->id))
		return nsnet_fail_why(ctx, -EINVAL, true, proc_check_id(sp->id),
				      "process id \"%s\"", sp->id ? sp->id : "");
	if (!sp->fn && (!sp->argv || !sp->argv[0]))
		return nsnet_fail_why(ctx, -EINVAL, true, "empty command",
				      "process %s", sp->id);
	px.netns = sp->netns && *sp->netns ? sp->netns : "";
	px.etc_netns = sp->etc_netns;
	px.fn = sp->fn;
	px.fn_arg = sp->fn_arg;
	if (!sp->lab || nsnet_check_nsname(sp->lab) ||
	    strlen(sp->lab) > PROC_TAG_MAX / 2)
		return nsnet_fail_why(ctx, -EINVAL, true, "not a lab name",
				      "lab \"%s\"", sp->lab ? sp->lab : "");
	/* The command's lab in its environment, after the caller's entries
	 * so that it wins: the tag proc_sweep() finds it by. */
	while (sp->env && sp->env[n_env])
		n_env++;
	env = calloc(n_env + 2, sizeof(*env));
	if (!env)
		return nsnet_fail(ctx, -ENOMEM, "start %s", sp->id);
	if (n_env)
		memcpy(env, sp->env, n_env * sizeof(*env));
	snprintf(labvar, sizeof(labvar), "%s=%s", PROC_ENV_LAB, sp->lab);
	env[n_env] = labvar;
	px.nsfd = ns_open(ctx, sp->netns);
	if (px.nsfd < 0) {
		err = px.nsfd;
		goto out;
	}
	err = proc_exec_prepare(ctx, &px, sp->argv, env, sp->user);
	if (err)
		goto out;
	s.procfd = open_procs(ctx, state_fd, sp->lab, true, &s.labfd);
	if (s.procfd < 0) {
		err = s.procfd;
		goto out;
	}
	old = proc_record_read(s.procfd, sp->id);
	if (old && rec_monitor_alive(old)) {
		json_decref(old);
		err = nsnet_fail_why(ctx, -EEXIST, true, "already running",
				     "process %s of lab %s", sp->id, sp->lab);
		goto out;
	}
	/* a record whose monitor was killed: its process may live on */
	if (old && proc_alive((pid_t)rec_int(old, "pid"),
			      (unsigned long long)rec_int(old, "pid_start")))
		proc_tree_kill((pid_t)rec_int(old, "pid"), SIGKILL, true);
	json_decref(old);
	logsfd = labdir_sub(ctx, s.labfd, sp->lab, "logs", true);
	if (logsfd < 0) {
		err = logsfd;
		goto out;
	}
	snprintf(logname, sizeof(logname), "%s.log", sp->id);
	snprintf(logpath, sizeof(logpath), "%s/%s.d/logs/%s", STATE_DIR,
		 sp->lab, logname);
	s.logfd = openat(logsfd, logname, O_WRONLY | O_APPEND | O_CREAT |
			 O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (s.logfd >= 0)
		log_created = true;
	else if (errno == EEXIST)
		s.logfd = openat(logsfd, logname, O_WRONLY | O_APPEND |
				 O_NOFOLLOW | O_CLOEXEC);
	if (s.logfd < 0) {
		err = nsnet_fail(ctx, -errno, "open %s", logpath);
		goto out;
	}
	s.rec = json_pack("{s:s, s:s, s:s, s:o, s:o, s:s, s:s*, s:s, s:s, s:i}",
			  "lab", sp->lab, "id", sp->id, "node", px.netns,
			  "argv", argv_json((const char *const *)sp->argv),
			  "display", argv_json(sp->cmdline_display ?
					       sp->cmdline_display :
					       (const char *const *)sp->argv),
			  "restart", proc_restart_name(sp->restart),
			  "user", sp->user, "log", logpath, "state", "starting",
			  "restarts", 0);
	if (!s.rec || pipe2(report, O_CLOEXEC) < 0) {
		err = nsnet_fail(ctx, s.rec ? -errno : -ENOMEM, "start %s",
				 sp->id);
		goto out;
	}
	pid = fork();
	if (pid < 0) {
		err = nsnet_fail(ctx, -errno, "start %s: fork", sp->id);
		goto out;
	}
	if (pid == 0) {
		/* The go-between: a new session, then the monitor as its
		 * child, so the monitor is nobody's session leader and can
		 * never get a controlling terminal; we exit at once so the
		 * caller has no child to wait for later. */
		close(report[0]);
		setsid();
		pid = fork();
		if (pid < 0) {
			r.err = -errno;
			snprintf(r.msg, sizeof(r.msg), "start %s: fork: %s",
				 sp->id, strerror(errno));
			n = write(report[1], &r, sizeof(r));
			_exit(1);
		}
		if (pid > 0)
			_exit(0);
		sup_monitor(ctx, &s, report[1]);
	}
	close(report[1]);
	report[1] = -1;
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	do {
		n = read(report[0], &r, sizeof(r));
	} while (n < 0 && errno == EINTR);
	if (n != (ssize_t)sizeof(r)) {
		err = nsnet_fail_why(ctx, -ECHILD, false,
				     "the supervisor ended before the command ran",
				     "start %s", sp->id);
	} else if (r.err) {
		r.msg[sizeof(r.msg) - 1] = '\0';
		err = nsnet_fail_why(ctx, r.err, false, strerror(-r.err), "%s",
				     r.msg);
		/* the message already ends in the reason */
		snprintf(ctx->err, sizeof(ctx->err), "%s", r.msg);
	}
out:
	if (err && log_created)
		unlinkat(logsfd, logname, 0);
	if (report[0] >= 0)
		close(report[0]);
	if (report[1] >= 0)
		close(report[1]);
	if (logsfd >= 0)
		close(logsfd);
	if (s.logfd >= 0)
		close(s.logfd);
	if (s.procfd >= 0)
		close(s.procfd);
	if (s.labfd >= 0)
		close(s.labfd);
	if (px.nsfd >= 0)
		close(px.nsfd);
	json_decref(s.rec);
	proc_exec_free(&px);
	free(env);
	return err;
}

/**
 * unlinkat_record() - remove a record (the log stays)
 * @procfd:	procs/ directory
 * @id:		process id
 */
static void unlinkat_record(int procfd, const char *id)
{
	char name[PROC_ID_MAX + 8];

	snprintf(name, sizeof(name), "%s.json", id);
	unlinkat(procfd, name, 0);
}

/**
 * struct victim - one process being stopped
 * @id:		its id
 * @pidfd:	its monitor, held by a pidfd (-1: no live monitor)
 * @mpid:	the monitor's pid
 */
struct victim {
	const char *id;
	int pidfd;
	pid_t mpid;
};

/**
 * proc_ask_stop() - ask a monitor to stop its command, with a grace
 * @pidfd:	the monitor
 * @grace_ms:	how long it gives its command between SIGTERM and SIGKILL,
 *		carried in the signal's value (supervise.c reads it)
 *
 * A kernel or a sandbox that refuses a queued signal still gets a plain
 * SIGTERM: the monitor then uses its default grace.
 */
void proc_ask_stop(int pidfd, unsigned int grace_ms)
{
	siginfo_t si;

	memset(&si, 0, sizeof(si));
	si.si_signo = SIGTERM;
	si.si_code = SI_QUEUE;
	si.si_pid = getpid();
	si.si_uid = getuid();
	si.si_value.sival_int = (int)grace_ms;
	if (syscall(SYS_pidfd_send_signal, pidfd, SIGTERM, &si, 0) < 0)
		syscall(SYS_pidfd_send_signal, pidfd, SIGTERM, NULL, 0);
}

/**
 * proc_now_ms() - a monotonic clock in milliseconds (also proc_sweep.c's)
 *
 * Return: the time.
 */
long long proc_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

/**
 * victim_signal() - hold a record's monitor and ask it to stop
 * @procfd:	procs/ directory
 * @v:		victim (@id set); @pidfd and @mpid are filled in
 * @timeout_ms:	the grace the monitor gives its tree, passed as the
 *		signal's value
 *
 * The pidfd is opened first and the start time checked after, so the
 * process signalled is the one verified even if the pid is reused at once.
 * A record without a live monitor has its recorded process tree killed
 * (it can only be a leftover of a monitor that was killed).
 */
static void victim_signal(int procfd, struct victim *v, unsigned int timeout_ms)
{
	json_t *rec = proc_record_read(procfd, v->id);
	pid_t child;

	v->pidfd = -1;
	v->mpid = (pid_t)rec_int(rec, "monitor_pid");
	if (rec && v->mpid > 0)
		v->pidfd = (int)syscall(SYS_pidfd_open, v->mpid, 0);
	if (v->pidfd >= 0 && !rec_monitor_alive(rec)) {
		close(v->pidfd);
		v->pidfd = -1;
	}
	if (v->pidfd >= 0) {
		proc_ask_stop(v->pidfd, timeout_ms);
	} else {
		child = (pid_t)rec_int(rec, "pid");
		if (proc_alive(child, (unsigned long long)rec_int(rec, "pid_start")))
			proc_tree_kill(child, SIGKILL, true);
		unlinkat_record(procfd, v->id);
	}
	json_decref(rec);
}

/**
 * stop_victims() - stop processes in parallel: signal all, then wait
 * @procfd:	procs/ directory
 * @v:		the processes (@id set)
 * @n:		count
 * @timeout_ms:	grace between SIGTERM and SIGKILL
 *
 * A monitor that is not gone @timeout_ms + 2 s after being asked is
 * killed with its whole tree: no process of a lab survives a stop.
 */
static void stop_victims(int procfd, struct victim *v, size_t n,
			 unsigned int timeout_ms)
{
	long long deadline;
	struct pollfd *pfd = calloc(n ? n : 1, sizeof(*pfd));
	size_t i, live;

	for (i = 0; i < n; i++)
		victim_signal(procfd, &v[i], timeout_ms);
	deadline = proc_now_ms() + timeout_ms + 2000;
	for (;;) {
		long long left = deadline - proc_now_ms();

		live = 0;
		for (i = 0; i < n; i++) {
			if (v[i].pidfd < 0)
				continue;
			if (!pfd) {
				live++;
				continue;
			}
			pfd[live].fd = v[i].pidfd;
			pfd[live].events = POLLIN;
			pfd[live].revents = 0;
			live++;
		}
		if (!live || left <= 0)
			break;
		if (!pfd) {
			usleep(50000);
			continue;
		}
		if (poll(pfd, live, (int)(left > 100 ? 100 : left)) < 0 &&
		    errno != EINTR)
			break;
		for (i = 0; i < n; i++) {
			struct pollfd one = { .fd = v[i].pidfd, .events = POLLIN };

			if (v[i].pidfd >= 0 && poll(&one, 1, 0) > 0) {
				close(v[i].pidfd);
				v[i].pidfd = -1;
			}
		}
	}
	for (i = 0; i < n; i++) {
		if (v[i].pidfd >= 0) {
			/* The monitor is stuck: its tree first (walked from
			 * the monitor, which is still their ancestor), then
			 * the monitor itself. */
			proc_tree_kill(v[i].mpid, SIGKILL, false);
			syscall(SYS_pidfd_send_signal, v[i].pidfd, SIGKILL, NULL, 0);
			struct pollfd one = { .fd = v[i].pidfd, .events = POLLIN };

			poll(&one, 1, 1000);
			close(v[i].pidfd);
			v[i].pidfd = -1;
		}
		unlinkat_record(procfd, v[i].id);
	}
	free(pfd);
}

/**
 * proc_stop() - stop one supervised process and its whole tree
 * @ctx:	context
 * @state_fd:	the state directory
 * @lab:	lab name
 * @id:		process id
 * @timeout_ms:	grace between SIGTERM and SIGKILL, 0 for the default
 *
 * Waits until the tree is gone; removes the record, keeps the log.
 *
 * Return: 0 (also when it was not running), or -errno.
 */
int proc_stop(struct nsnet_ctx *ctx, int state_fd, const char *lab,
	      const char *id, unsigned int timeout_ms)
{
	struct victim v = { .id = id, .pidfd = -1 };
	int labfd, procfd;

	if (proc_check_id(id))
		return nsnet_fail_why(ctx, -EINVAL, true, proc_check_id(id),
				      "process id \"%s\"", id);
	procfd = open_procs(ctx, state_fd, lab, false, &labfd);
	if (procfd < 0)
		return procfd == -ENOENT ? 0 : procfd;
	stop_victims(procfd, &v, 1, timeout_ms ? timeout_ms : PROC_STOP_TIMEOUT_MS);
	close(procfd);
	close(labfd);
	return 0;
}

/**
 * proc_ids() - the ids that have a record in a procs/ directory
 * @procfd:	the directory
 * @out:	a JSON array of strings, sorted
 *
 * Return: 0, or -errno.
 */
int proc_ids(int procfd, json_t **out)
{
	struct dirent *de;
	int fd = dup(procfd);
	DIR *d = fd < 0 ? NULL : fdopendir(fd);
	json_t *arr = json_array();
	size_t i, j;

	*out = arr;
	if (!d) {
		if (fd >= 0)
			close(fd);
		return -errno;
	}
	rewinddir(d);
	while ((de = readdir(d))) {
		size_t len = strlen(de->d_name);
		char id[PROC_ID_MAX + 8];

		if (len <= 5 || len - 5 > PROC_ID_MAX ||
		    strcmp(de->d_name + len - 5, ".json"))
			continue;
		snprintf(id, sizeof(id), "%.*s", (int)(len - 5), de->d_name);
		if (!proc_check_id(id))
			json_array_append_new(arr, json_string(id));
	}
	closedir(d);
	/* insertion sort: a lab has few processes */
	for (i = 1; i < json_array_size(arr); i++)
		for (j = i; j > 0 && strcmp(json_string_value(json_array_get(arr, j - 1)),
					    json_string_value(json_array_get(arr, j))) > 0; j--) {
			json_t *a = json_incref(json_array_get(arr, j - 1));

			json_array_set(arr, j - 1, json_array_get(arr, j));
			json_array_set_new(arr, j, a);
		}
	return 0;
}

/**
 * proc_stop_all() - stop every process of a lab, in parallel
 * @ctx:	context
 * @state_fd:	the state directory
 * @lab:	lab name
 * @timeout_ms:	grace between SIGTERM and SIGKILL, 0 for the default
 *
 * For `down`: all are signalled first and then waited for, so a lab's
 * processes cost one grace period, not one each.
 *
 * Return: 0, or -errno.
 */
int proc_stop_all(struct nsnet_ctx *ctx, int state_fd, const char *lab,
		  unsigned int timeout_ms)
{
	struct victim *v;
	int labfd, procfd, err;
	json_t *ids;
	size_t i, n;

	procfd = open_procs(ctx, state_fd, lab, false, &labfd);
	if (procfd < 0)
		return procfd == -ENOENT ? 0 : procfd;
	err = proc_ids(procfd, &ids);
	n = json_array_size(ids);
	v = calloc(n ? n : 1, sizeof(*v));
	if (err || !v) {
		err = nsnet_fail(ctx, err ? err : -ENOMEM, "stop processes of lab %s", lab);
	} else {
		for (i = 0; i < n; i++)
			v[i].id = json_string_value(json_array_get(ids, i));
		stop_victims(procfd, v, n, timeout_ms ? timeout_ms : PROC_STOP_TIMEOUT_MS);
	}
	free(v);
	json_decref(ids);
	close(procfd);
	close(labfd);
	return err;
}
