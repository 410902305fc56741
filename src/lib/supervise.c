// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * supervise.c - the monitor: one process per supervised command
 *
 * Forked by the library itself (a program linking libnsnet need not be
 * nsnet), detached from the caller's session, a child subreaper so nothing
 * below it can escape by being orphaned. It starts the command, records it,
 * restarts it by policy with backoff, and on SIGTERM takes the whole tree
 * down: SIGTERM, a grace period, SIGKILL, every process reaped. Signals
 * arrive through a signalfd, so the loop is one poll() with no handlers.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/close_range.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "proc.h"

/* Restart backoff: from 0.2 s, doubling, at most 5 s; a process restarted
 * this many times within the window is given up as failed. */
#define BACKOFF_FIRST_MS	200
#define BACKOFF_MAX_MS		5000
#define GIVE_UP_RESTARTS	5
#define GIVE_UP_WINDOW_MS	30000
/* Grace for what is left of a tree when its main process ended. */
#define LEFTOVER_GRACE_MS	1000

/**
 * struct mon - the monitor's state
 * @s:		what it supervises
 * @ctx:	context (its error buffer, for the child's failures)
 * @sigfd:	signalfd for SIGCHLD, SIGTERM, SIGINT, SIGHUP
 * @tagfd:	the memfd "nsnet-lab:<lab>" that marks the monitor as its
 *		lab's (proc_sweep()), held for the monitor's life
 * @child:	the command's pid, 0 when none runs
 * @status:	wait status of the last exit
 * @exited:	the command ended and has not been handled yet
 * @stop:	asked to stop
 * @stop_ms:	the grace asked for
 * @recent:	monotonic times (ms) of the restarts within the window
 * @n_recent:	count
 */
struct mon {
	struct sup *s;
	struct nsnet_ctx *ctx;
	int sigfd;
	int tagfd;
	pid_t child;
	int status;
	bool exited;
	bool stop;
	unsigned int stop_ms;
	long long recent[GIVE_UP_RESTARTS + 1];
	unsigned int n_recent;
};

/**
 * mono_ms() - monotonic milliseconds
 *
 * Return: the time.
 */
static long long mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

/**
 * save() - update the record's state and write it
 * @m:		monitor
 * @state:	"running", "restarting", "exited", "failed"
 */
static void save(struct mon *m, const char *state)
{
	json_t *rec = m->s->rec;

	json_object_set_new(rec, "state", json_string(state));
	json_object_set_new(rec, "since", json_integer(time(NULL)));
	json_object_set_new(rec, "pid", json_integer(m->child));
	json_object_set_new(rec, "pid_start", json_integer(
		m->child ? (json_int_t)proc_starttime(m->child) : 0));
	proc_record_write(m->s->procfd, m->s->id, rec);
}

/**
 * logline() - a line of the monitor's own in the process's log
 * @m:		monitor
 * @fmt:	printf format
 */
static void __attribute__((format(printf, 2, 3)))
logline(struct mon *m, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf) - 1, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if (n > (int)sizeof(buf) - 2)
		n = sizeof(buf) - 2;
	buf[n++] = '\n';
	if (write(m->s->logfd, buf, n) < 0)
		return;
}

/**
 * reap() - collect every exited child; note the command's exit
 * @m:		monitor
 *
 * As subreaper the monitor inherits every orphan of the tree, so it reaps
 * whatever ends, not only the command.
 */
static void reap(struct mon *m)
{
	int st;
	pid_t p;

	while ((p = waitpid(-1, &st, WNOHANG)) > 0) {
		if (p == m->child) {
			m->child = 0;
			m->status = st;
			m->exited = true;
		}
	}
}

/**
 * read_signals() - handle the signals that arrived
 * @m:		monitor
 */
static void read_signals(struct mon *m)
{
	struct signalfd_siginfo si;

	while (read(m->sigfd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
		if (si.ssi_signo == SIGCHLD)
			continue;
		/* A stopper passes its grace as the signal's value. */
		if (!m->stop)
			m->stop_ms = si.ssi_code == SI_QUEUE && si.ssi_int > 0 ?
				     (unsigned int)si.ssi_int : PROC_STOP_TIMEOUT_MS;
		m->stop = true;
	}
	reap(m);
}

/**
 * wait_event() - sleep until a signal arrives or @ms pass
 * @m:		monitor
 * @ms:		longest wait, -1 for none
 */
static void wait_event(struct mon *m, int ms)
{
	struct pollfd p = { .fd = m->sigfd, .events = POLLIN };

	poll(&p, 1, ms);
	read_signals(m);
}

/**
 * drain() - end every process below the monitor
 * @m:		monitor
 * @grace_ms:	time between SIGTERM and SIGKILL
 *
 * SIGTERM to the command's process group and to every descendant found by
 * parent links (which catches those that setsid()ed away), SIGKILL to
 * whatever is left after @grace_ms, until nothing is left and all is
 * reaped. A stop request arriving meanwhile shortens nothing: it is only
 * noted.
 */
static void drain(struct mon *m, unsigned int grace_ms)
{
	long long deadline = mono_ms() + grace_ms;
	bool killed = false;

	if (m->child)
		kill(-m->child, SIGTERM);
	proc_tree_kill(getpid(), SIGTERM, false);
	for (;;) {
		reap(m);
		if (proc_tree_kill(getpid(), 0, false) <= 0)
			break;
		if (mono_ms() >= deadline) {
			if (m->child)
				kill(-m->child, SIGKILL);
			proc_tree_kill(getpid(), SIGKILL, false);
			if (!killed)
				logline(m, "nsnet: processes left after %u ms, killed",
					grace_ms);
			killed = true;
		}
		wait_event(m, 50);
	}
	reap(m);
}

/**
 * stop_now() - the end on request: drain, forget the record, exit
 * @m:		monitor
 */
static void __attribute__((noreturn)) stop_now(struct mon *m)
{
	char name[PROC_ID_MAX + 8];

	drain(m, m->stop_ms);
	logline(m, "nsnet: stopped");
	snprintf(name, sizeof(name), "%s.json", m->s->id);
	unlinkat(m->s->procfd, name, 0);
	_exit(0);
}

/**
 * spawn() - start the command in its node
 * @m:		monitor
 * @err:	the failure's text, for the caller (or the log)
 * @len:	size of @err
 *
 * The close-on-exec pipe tells exec success (closed by execve, nothing
 * written) from failure (the child writes why, then exits 127).
 *
 * Return: 0 with @m->child set, or -errno with @err filled in.
 */
static int spawn(struct mon *m, char *err, size_t len)
{
	const struct proc_exec *px = m->s->px;
	struct { int err; char msg[700]; } r;
	sigset_t none;
	int ep[2], e, nul;
	ssize_t n;
	pid_t pid;

	if (pipe2(ep, O_CLOEXEC) < 0) {
		snprintf(err, len, "start %s: pipe: %s", m->s->id, strerror(errno));
		return -errno;
	}
	pid = fork();
	if (pid < 0) {
		e = -errno;
		snprintf(err, len, "start %s: fork: %s", m->s->id, strerror(errno));
		close(ep[0]);
		close(ep[1]);
		return e;
	}
	if (pid == 0) {
		close(ep[0]);
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		setsid();
		e = proc_child_setup(m->ctx, px);
		if (!e) {
			nul = open("/dev/null", O_RDONLY | O_CLOEXEC);
			if (nul < 0 || dup2(nul, 0) < 0 || dup2(m->s->logfd, 1) < 0 ||
			    dup2(m->s->logfd, 2) < 0)
				e = nsnet_fail(m->ctx, -errno, "stdio");
		}
		if (!e && px->fn) {
			close(ep[1]);
			close_range(3, ~0U, 0);
			_exit(px->fn(px->fn_arg) & 0xff);
		}
		if (!e) {
			/* Only 0, 1, 2 survive the exec (ep[1] is CLOEXEC). */
			close_range(3, ~0U, CLOSE_RANGE_CLOEXEC);
			execve(px->path, px->argv, px->envp);
			e = nsnet_fail(m->ctx, -errno, "exec \"%s\"", px->argv[0]);
		}
		r.err = e;
		snprintf(r.msg, sizeof(r.msg), "%s", nsnet_errmsg(m->ctx));
		n = write(ep[1], &r, sizeof(r));
		_exit(n < 0 ? 126 : 127);
	}
	close(ep[1]);
	do {
		n = read(ep[0], &r, sizeof(r));
	} while (n < 0 && errno == EINTR);
	close(ep[0]);
	if (n == (ssize_t)sizeof(r)) {
		r.msg[sizeof(r.msg) - 1] = '\0';
		snprintf(err, len, "%s", r.msg);
		while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
			;
		return r.err ? r.err : -EIO;
	}
	m->child = pid;
	m->exited = false;
	return 0;
}

/**
 * describe() - a wait status in words ("status 1", "signal 9")
 * @st:		wait status
 * @buf:	output
 * @len:	size of @buf
 *
 * Return: @buf.
 */
static const char *describe(int st, char *buf, size_t len)
{
	if (WIFSIGNALED(st))
		snprintf(buf, len, "signal %d (%s)", WTERMSIG(st),
			 sigabbrev_np(WTERMSIG(st)) ? sigabbrev_np(WTERMSIG(st)) : "?");
	else
		snprintf(buf, len, "status %d", WEXITSTATUS(st));
	return buf;
}

/**
 * after_exit() - apply the policy to the command's end
 * @m:		monitor
 *
 * Return: milliseconds until the restart, or -1: no restart (the record
 * says "exited" or "failed").
 */
static long long after_exit(struct mon *m)
{
	bool failed = !WIFEXITED(m->status) || WEXITSTATUS(m->status) != 0;
	json_t *rec = m->s->rec;
	long long now = mono_ms(), delay;
	unsigned int i, k = 0;
	char how[64];

	m->exited = false;
	json_object_set_new(rec, "exit_code", WIFEXITED(m->status) ?
			    json_integer(WEXITSTATUS(m->status)) : json_null());
	json_object_set_new(rec, "exit_signal", WIFSIGNALED(m->status) ?
			    json_integer(WTERMSIG(m->status)) : json_null());
	describe(m->status, how, sizeof(how));
	/* what the old instance left (a daemonized grandchild) goes too:
	 * it would hold the port the next instance needs */
	drain(m, LEFTOVER_GRACE_MS);
	if (m->stop)
		stop_now(m);
	if (m->s->restart == PROC_RESTART_NO ||
	    (m->s->restart == PROC_RESTART_ON_FAILURE && !failed)) {
		logline(m, "nsnet: process exited with %s", how);
		save(m, "exited");
		return -1;
	}
	for (i = 0; i < m->n_recent; i++)
		if (now - m->recent[i] < GIVE_UP_WINDOW_MS)
			m->recent[k++] = m->recent[i];
	m->n_recent = k;
	if (k >= GIVE_UP_RESTARTS) {
		logline(m, "nsnet: process exited with %s, %u restarts within %d s, giving up",
			how, k, GIVE_UP_WINDOW_MS / 1000);
		save(m, "failed");
		return -1;
	}
	delay = (long long)BACKOFF_FIRST_MS << k;
	if (delay > BACKOFF_MAX_MS)
		delay = BACKOFF_MAX_MS;
	m->recent[m->n_recent++] = now;
	json_object_set_new(rec, "restarts", json_integer(
		json_integer_value(json_object_get(rec, "restarts")) + 1));
	logline(m, "nsnet: process exited with %s, restarting (%lld)", how,
		json_integer_value(json_object_get(rec, "restarts")));
	save(m, "restarting");
	return delay;
}

/**
 * keep_fds() - close every inherited descriptor but the ones in @fds
 * @fds:	descriptors to keep; moved above 2 first if needed (updated)
 * @n:		count
 *
 * Return: 0, or -errno.
 */
static int keep_fds(int **fds, size_t n)
{
	unsigned int lo = 3;
	size_t i, j;

	for (i = 0; i < n; i++) {
		if (*fds[i] < 3) {
			int fd = fcntl(*fds[i], F_DUPFD_CLOEXEC, 3);

			if (fd < 0)
				return -errno;
			*fds[i] = fd;
		}
	}
	/* close the gaps between the kept descriptors, in ascending order */
	for (;;) {
		unsigned int next = ~0U;

		for (j = 0; j < n; j++)
			if ((unsigned int)*fds[j] >= lo && (unsigned int)*fds[j] < next)
				next = (unsigned int)*fds[j];
		if (next > lo)
			close_range(lo, next == ~0U ? ~0U : next - 1, 0);
		if (next == ~0U)
			break;
		lo = next + 1;
	}
	return 0;
}

/**
 * setup() - become a clean monitor
 * @m:		monitor
 * @report:	the pipe to the starter (kept open; updated if moved)
 *
 * Return: 0, or -errno with the reason in the context.
 */
static int setup(struct mon *m, int *report)
{
	int *keep[] = { report, &m->s->labfd, &m->s->procfd, &m->s->logfd,
			&m->s->px->nsfd };
	char tag[PROC_TAG_MAX + 16];
	sigset_t mask;
	int sig, nul;

	/* the caller's ignored signals and mask are not ours */
	for (sig = 1; sig < NSIG; sig++)
		if (sig != SIGKILL && sig != SIGSTOP)
			signal(sig, SIG_DFL);
	sigemptyset(&mask);
	sigaddset(&mask, SIGCHLD);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGHUP);
	sigprocmask(SIG_SETMASK, &mask, NULL);
	if (keep_fds(keep, sizeof(keep) / sizeof(keep[0])) < 0)
		return nsnet_fail(m->ctx, -errno, "supervise %s", m->s->id);
	m->sigfd = signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC);
	if (m->sigfd < 0)
		return nsnet_fail(m->ctx, -errno, "supervise %s: signalfd", m->s->id);
	nul = open("/dev/null", O_RDWR);
	if (nul < 0 || dup2(nul, 0) < 0 || dup2(m->s->logfd, 1) < 0 ||
	    dup2(m->s->logfd, 2) < 0)
		return nsnet_fail(m->ctx, -errno, "supervise %s: stdio", m->s->id);
	if (nul > 2)
		close(nul);
	/* The lab's name in a kernel object: found by `down` even when
	 * every record is gone. Close-on-exec, so the command has none. */
	snprintf(tag, sizeof(tag), "%s%s", PROC_TAG_PREFIX, m->s->lab);
	m->tagfd = memfd_create(tag, MFD_CLOEXEC);
	if (m->tagfd < 0)
		return nsnet_fail(m->ctx, -errno, "supervise %s: memfd", m->s->id);
	if (prctl(PR_SET_CHILD_SUBREAPER, 1) < 0)
		return nsnet_fail(m->ctx, -errno, "supervise %s: subreaper", m->s->id);
	/* "nsnet..." so the leak check and ps users recognise it */
	prctl(PR_SET_NAME, "nsnet-sup");
	umask(077);
	if (chdir("/") < 0)
		return nsnet_fail(m->ctx, -errno, "supervise %s: chdir", m->s->id);
	return 0;
}

/**
 * sup_monitor() - be the monitor of one command; never returns
 * @ctx:	context (a copy, in this process; only its error buffer is used)
 * @s:		what to supervise
 * @report:	the starter's pipe: written once the command runs (err 0)
 *		or could not be started, then closed
 */
void sup_monitor(struct nsnet_ctx *ctx, struct sup *s, int report)
{
	struct mon m = { .s = s, .ctx = ctx, .sigfd = -1, .tagfd = -1 };
	struct { int err; char msg[700]; } r = { 0 };
	long long delay, restart_at = 0;
	ssize_t n;

	r.err = setup(&m, &report);
	if (!r.err) {
		json_object_set_new(s->rec, "monitor_pid", json_integer(getpid()));
		json_object_set_new(s->rec, "monitor_start", json_integer(
			(json_int_t)proc_starttime(getpid())));
		json_object_set_new(s->rec, "started", json_integer(time(NULL)));
		r.err = spawn(&m, r.msg, sizeof(r.msg));
	} else {
		snprintf(r.msg, sizeof(r.msg), "%s", nsnet_errmsg(ctx));
	}
	if (r.err) {
		n = write(report, &r, sizeof(r));
		_exit(n < 0 ? 2 : 1);
	}
	logline(&m, "nsnet: started pid %d", (int)m.child);
	save(&m, "running");
	n = write(report, &r, sizeof(r));
	close(report);
	for (;;) {
		if (m.stop)
			stop_now(&m);
		if (m.exited) {
			delay = after_exit(&m);
			if (delay < 0)
				_exit(0);
			restart_at = mono_ms() + delay;
		}
		if (!m.child && restart_at) {
			long long left = restart_at - mono_ms();

			if (left > 0) {
				wait_event(&m, (int)left);
				continue;
			}
			restart_at = 0;
			if (spawn(&m, r.msg, sizeof(r.msg)) < 0) {
				logline(&m, "nsnet: %s", r.msg);
				m.status = 127 << 8;
				m.exited = true;
				continue;
			}
			logline(&m, "nsnet: started pid %d", (int)m.child);
			save(&m, "running");
			continue;
		}
		wait_event(&m, -1);
	}
}
