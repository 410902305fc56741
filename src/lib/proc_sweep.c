// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * proc_sweep.c - stop a lab's processes found by their tags, not by records
 *
 * proc.c stops what the lab's records name; this finds the rest.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "engine.h"
#include "proc.h"

/*
 * A lab's processes found by the tags they carry in the kernel, for when
 * the records are gone (/run/nsnet lost, a killed run's records removed):
 * - a monitor is called "nsnet-sup" and holds a memfd named
 *   "nsnet-lab:<lab>" (PROC_TAG_PREFIX), which the kernel shows as the
 *   link /proc/PID/fd/N -> "/memfd:nsnet-lab:<lab> (deleted)";
 * - a command carries NSNET_LAB=<lab> in its environment (PROC_ENV_LAB);
 * - a process in one of the lab's own namespaces is the lab's;
 * - and so is whatever descends from a process found so.
 * Every comparison is of the whole name, so lab "a" never takes lab "ab"'s.
 */

/** SWEEP_ENV_MAX - how much of a process's environment is looked at */
#define SWEEP_ENV_MAX 65536
/** SWEEP_ROUNDS - scans at most: what a victim forked meanwhile is next */
#define SWEEP_ROUNDS 3
/** SWEEP_KILL_WAIT_MS - how long SIGKILLed processes are waited for */
#define SWEEP_KILL_WAIT_MS 2000

/**
 * struct sweep_proc - one process of the table, as read for the sweep
 * @pid:	its pid
 * @ppid:	its parent
 * @start:	its start time (proc_starttime())
 * @monitor:	it is one of the lab's monitors
 * @ours:	it is one of the lab's processes
 * @pidfd:	held while it is being stopped, else -1
 */
struct sweep_proc {
	pid_t pid;
	pid_t ppid;
	unsigned long long start;
	bool monitor;
	bool ours;
	int pidfd;
};

/**
 * struct sweep - what a sweep looks for
 * @fdtag:	the monitor's memfd link, "/memfd:nsnet-lab:<lab> (deleted)"
 * @envtag:	the environment entry, "NSNET_LAB=<lab>"
 * @ns:		the lab's namespaces (device and inode), or NULL
 * @n_ns:	count
 * @envbuf:	room for one environment (SWEEP_ENV_MAX)
 */
struct sweep {
	char fdtag[PROC_TAG_MAX + 32];
	char envtag[PROC_TAG_MAX + 16];
	const struct stat *ns;
	size_t n_ns;
	char *envbuf;
};

/**
 * read_stat() - parent, start time and name of a process
 * @pid:	the process
 * @p:		its entry (@ppid, @start filled in)
 * @comm:	its name, out
 * @len:	size of @comm
 *
 * Return: true if it is alive and not a zombie.
 */
static bool read_stat(pid_t pid, struct sweep_proc *p, char *comm, size_t len)
{
	char path[64], buf[1024], *open_p, *close_p, *f;
	ssize_t n;
	int fd, i;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return false;
	buf[n] = '\0';
	open_p = strchr(buf, '(');
	close_p = strrchr(buf, ')');
	if (!open_p || !close_p || close_p < open_p || close_p[1] != ' ' ||
	    close_p[2] == 'Z' || close_p[2] == 'X' || close_p[3] != ' ')
		return false;
	snprintf(comm, len, "%.*s", (int)(close_p - open_p - 1), open_p + 1);
	p->ppid = (pid_t)strtol(close_p + 4, NULL, 10);
	/* fields after comm: state is 3, start time 22 */
	f = close_p + 2;
	for (i = 3; i < 22 && f; i++) {
		f = strchr(f, ' ');
		if (f)
			f++;
	}
	p->start = f ? strtoull(f, NULL, 10) : 0;
	return p->start != 0;
}

/**
 * has_fdtag() - whether a process holds a descriptor that links to @tag
 * @pid:	the process
 * @tag:	the link's whole text
 *
 * Return: true if so.
 */
static bool has_fdtag(pid_t pid, const char *tag)
{
	char path[64], link[PROC_TAG_MAX + 48];
	struct dirent *de;
	bool found = false;
	ssize_t n;
	DIR *d;

	snprintf(path, sizeof(path), "/proc/%d/fd", (int)pid);
	d = opendir(path);
	if (!d)
		return false;
	while (!found && (de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		n = readlinkat(dirfd(d), de->d_name, link, sizeof(link) - 1);
		if (n <= 0)
			continue;
		link[n] = '\0';
		found = !strcmp(link, tag);
	}
	closedir(d);
	return found;
}

/**
 * has_envtag() - whether a process's environment holds the entry @tag
 * @w:		the sweep (its buffer)
 * @pid:	the process
 *
 * Return: true if so.
 */
static bool has_envtag(struct sweep *w, pid_t pid)
{
	size_t have = 0, i, len = strlen(w->envtag);
	char path[64];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/environ", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	while (have < SWEEP_ENV_MAX - 1 &&
	       (n = read(fd, w->envbuf + have, SWEEP_ENV_MAX - 1 - have)) > 0)
		have += (size_t)n;
	close(fd);
	w->envbuf[have] = '\0';
	for (i = 0; i < have; i += strlen(w->envbuf + i) + 1)
		if (!strncmp(w->envbuf + i, w->envtag, len) &&
		    w->envbuf[i + len] == '\0')
			return true;
	return false;
}

/**
 * in_lab_ns() - whether a process's network namespace is one of the lab's
 * @w:		the sweep
 * @pid:	the process
 *
 * Return: true if so.
 */
static bool in_lab_ns(const struct sweep *w, pid_t pid)
{
	char path[64];
	struct stat st;
	size_t i;

	if (!w->n_ns)
		return false;
	snprintf(path, sizeof(path), "/proc/%d/ns/net", (int)pid);
	if (stat(path, &st) < 0)
		return false;
	for (i = 0; i < w->n_ns; i++)
		if (st.st_ino == w->ns[i].st_ino && st.st_dev == w->ns[i].st_dev)
			return true;
	return false;
}

/**
 * sweep_scan() - one pass over /proc: every live process, the lab's marked
 * @w:		the sweep
 * @v:		result, a vec of struct sweep_proc (free its items)
 *
 * The caller and its ancestors are never the lab's: a `down` run from a
 * lab's own process must not end itself. Neither is pid 1.
 *
 * Return: the number of the lab's processes, or -errno.
 */
static int sweep_scan(struct sweep *w, struct vec *v)
{
	struct sweep_proc *t;
	struct dirent *de;
	size_t i, j, n;
	char comm[64];
	bool grew;
	pid_t up;
	int count = 0;
	DIR *d = opendir("/proc");

	if (!d)
		return -errno;
	while ((de = readdir(d))) {
		struct sweep_proc p = { .pidfd = -1 };
		char *end;
		long pid = strtol(de->d_name, &end, 10);

		if (*end || pid <= 1)
			continue;
		p.pid = (pid_t)pid;
		if (!read_stat(p.pid, &p, comm, sizeof(comm)))
			continue;
		if (!strcmp(comm, "nsnet-sup") && has_fdtag(p.pid, w->fdtag))
			p.monitor = p.ours = true;
		else
			p.ours = in_lab_ns(w, p.pid) || has_envtag(w, p.pid);
		t = vec_push(v);
		if (!t) {
			closedir(d);
			return -ENOMEM;
		}
		*t = p;
	}
	closedir(d);
	t = v->items;
	n = v->n;
	/* descendants, by parent links, until nothing is added */
	for (grew = true; grew;) {
		grew = false;
		for (i = 0; i < n; i++) {
			if (t[i].ours)
				continue;
			for (j = 0; j < n; j++)
				if (t[j].ours && t[j].pid == t[i].ppid) {
					t[i].ours = grew = true;
					break;
				}
		}
	}
	/* ourselves and our ancestors */
	for (up = getpid(); up > 1;) {
		pid_t next = 0;

		for (i = 0; i < n; i++)
			if (t[i].pid == up) {
				t[i].ours = t[i].monitor = false;
				next = t[i].ppid;
			}
		up = next;
	}
	for (i = 0; i < n; i++)
		count += t[i].ours;
	return count;
}

/**
 * sweep_hold() - hold each of the lab's processes by a pidfd
 * @t:		the table
 * @n:		its size
 *
 * The start time is checked after the pidfd is opened, so a pid reused
 * since the scan is never signalled.
 */
static void sweep_hold(struct sweep_proc *t, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (!t[i].ours)
			continue;
		t[i].pidfd = (int)syscall(SYS_pidfd_open, t[i].pid, 0);
		if (t[i].pidfd >= 0 && proc_starttime(t[i].pid) != t[i].start) {
			close(t[i].pidfd);
			t[i].pidfd = -1;
		}
	}
}

/**
 * under_monitor() - whether a process descends from one of the lab's
 * monitors (which then stops it itself)
 * @t:		the table
 * @n:		its size
 * @i:		the process's index
 *
 * Return: true if so.
 */
static bool under_monitor(const struct sweep_proc *t, size_t n, size_t i)
{
	pid_t up = t[i].ppid;
	size_t j, depth;

	for (depth = 0; up > 1 && depth < n; depth++) {
		for (j = 0; j < n && t[j].pid != up; j++)
			;
		if (j == n)
			return false;
		if (t[j].monitor && t[j].pidfd >= 0)
			return true;
		up = t[j].ppid;
	}
	return false;
}

/**
 * sweep_wait() - wait until every held process is gone, or @ms pass
 * @t:		the table
 * @n:		its size
 * @ms:		the longest wait
 *
 * Return: how many are left (still held).
 */
static size_t sweep_wait(struct sweep_proc *t, size_t n, unsigned int ms)
{
	long long deadline = proc_now_ms() + ms;
	size_t i, live;

	for (;;) {
		live = 0;
		for (i = 0; i < n; i++) {
			struct pollfd one = { .fd = t[i].pidfd, .events = POLLIN };

			if (t[i].pidfd < 0)
				continue;
			if (poll(&one, 1, 0) > 0) {
				close(t[i].pidfd);
				t[i].pidfd = -1;
				continue;
			}
			live++;
		}
		if (!live || proc_now_ms() >= deadline)
			return live;
		usleep(20000);
	}
}

/**
 * sweep_signal() - send @sig to the held processes, monitors or the others
 * @t:		the table
 * @n:		its size
 * @sig:	the signal
 * @monitors:	true: the monitors only; false: the others
 * @grace_ms:	for a monitor's SIGTERM: the grace it gives its tree
 * @skip_under:	leave out the processes below a held monitor
 */
static void sweep_signal(struct sweep_proc *t, size_t n, int sig,
			 bool monitors, unsigned int grace_ms, bool skip_under)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (t[i].pidfd < 0 || t[i].monitor != monitors ||
		    (skip_under && under_monitor(t, n, i)))
			continue;
		if (monitors && sig == SIGTERM)
			proc_ask_stop(t[i].pidfd, grace_ms);
		else
			syscall(SYS_pidfd_send_signal, t[i].pidfd, sig, NULL, 0);
	}
}

/**
 * proc_sweep() - stop every process of a lab found by its tags
 * @ctx:	context
 * @lab:	lab name
 * @ns:		the lab's own namespaces (fstat() of each), or NULL
 * @n_ns:	count
 * @timeout_ms:	grace between SIGTERM and SIGKILL, 0 for the default
 *
 * Monitors first: asked to stop (SIGTERM, with the grace as its value),
 * they take their trees down without restarting anything; the lab's other
 * processes, not below a monitor, get SIGTERM too. What is left after the
 * grace gets SIGKILL, monitors first. One /proc scan when nothing is
 * found (the usual `down`, whose records stopped everything already).
 *
 * Return: the number of processes stopped, or -errno.
 */
int proc_sweep(struct nsnet_ctx *ctx, const char *lab, const struct stat *ns,
	       size_t n_ns, unsigned int timeout_ms)
{
	struct sweep w = { .ns = ns, .n_ns = n_ns };
	struct vec v = { .size = sizeof(struct sweep_proc) };
	int round, found, total = 0, err = 0;
	struct sweep_proc *t;
	size_t i;

	if (!timeout_ms)
		timeout_ms = PROC_STOP_TIMEOUT_MS;
	if (!lab || nsnet_check_nsname(lab) || strlen(lab) > PROC_TAG_MAX / 2)
		return nsnet_fail_why(ctx, -EINVAL, true, "not a lab name",
				      "lab \"%s\"", lab ? lab : "");
	snprintf(w.fdtag, sizeof(w.fdtag), "/memfd:%s%s (deleted)",
		 PROC_TAG_PREFIX, lab);
	snprintf(w.envtag, sizeof(w.envtag), "%s=%s", PROC_ENV_LAB, lab);
	w.envbuf = malloc(SWEEP_ENV_MAX);
	if (!w.envbuf)
		return nsnet_fail(ctx, -ENOMEM, "processes of lab %s", lab);
	for (round = 0; round < SWEEP_ROUNDS; round++) {
		v.n = 0;
		found = sweep_scan(&w, &v);
		if (found <= 0) {
			if (found < 0)
				err = nsnet_fail(ctx, found, "processes of lab %s: /proc",
						 lab);
			break;
		}
		t = v.items;
		sweep_hold(t, v.n);
		sweep_signal(t, v.n, SIGTERM, true, timeout_ms, false);
		sweep_signal(t, v.n, SIGTERM, false, 0, true);
		/* a monitor SIGKILLs its tree after the grace itself */
		if (sweep_wait(t, v.n, timeout_ms + 1000)) {
			sweep_signal(t, v.n, SIGKILL, true, 0, false);
			sweep_signal(t, v.n, SIGKILL, false, 0, false);
			sweep_wait(t, v.n, SWEEP_KILL_WAIT_MS);
		}
		for (i = 0; i < v.n; i++)
			if (t[i].pidfd >= 0)
				close(t[i].pidfd);
		total += found;
	}
	free(v.items);
	free(w.envbuf);
	return err ? err : total;
}
