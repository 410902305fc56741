// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_proc.c - the parts of process supervision that need no namespace:
 * id validation, start times, the process-tree walk, records and the lab's
 * runtime directory (in a scratch directory, without privileges).
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "proc.h"
#include "tap.h"

/**
 * test_ids() - which process ids are file-name safe
 */
static void test_ids(void)
{
	static const char *const good[] = { "run-blue-0", "dnsmasq-v-net-0",
					    "a", "A_b.c-9" };
	static const char *const bad[] = { "", ".", "..", "../x", "a/b", "-x",
					   ".hidden", "a b", "a:b", "é" };
	char long_id[PROC_ID_MAX + 2];
	size_t i;

	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		ok(!proc_check_id(good[i]), "id \"%s\" accepted", good[i]);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ok(proc_check_id(bad[i]) != NULL, "id \"%s\" refused", bad[i]);
	memset(long_id, 'a', sizeof(long_id) - 1);
	long_id[PROC_ID_MAX] = '\0';
	ok(!proc_check_id(long_id), "a 64-byte id is accepted");
	long_id[PROC_ID_MAX] = 'a';
	long_id[PROC_ID_MAX + 1] = '\0';
	ok(proc_check_id(long_id) != NULL, "a 65-byte id is refused");
	is_str(proc_restart_name(PROC_RESTART_ON_FAILURE), "on-failure", "policy names");
}

/**
 * test_tree() - start times and the descendant walk, on our own children
 */
static void test_tree(void)
{
	unsigned long long st = proc_starttime(getpid());
	pid_t a, b;
	int i;

	ok(st > 0, "our own start time is read");
	ok(proc_alive(getpid(), st), "we are alive with that start time");
	ok(!proc_alive(getpid(), st + 1), "a different start time is another process");
	is_int(proc_tree_kill(getpid(), 0, false), 0, "no descendants yet");
	a = fork();
	if (a == 0) {
		/* a child with a grandchild of its own */
		if (fork() == 0)
			pause();
		pause();
		_exit(0);
	}
	b = fork();
	if (b == 0) {
		pause();
		_exit(0);
	}
	for (i = 0; i < 100 && proc_tree_kill(getpid(), 0, false) < 3; i++)
		usleep(10000);
	is_int(proc_tree_kill(getpid(), 0, false), 3,
	       "two children and a grandchild are found");
	is_int(proc_tree_kill(a, 0, false), 1, "below the first child: its child");
	proc_tree_kill(getpid(), SIGKILL, false);
	waitpid(a, NULL, 0);
	waitpid(b, NULL, 0);
	for (i = 0; i < 100 && proc_tree_kill(getpid(), 0, false) > 0; i++)
		usleep(10000);
	is_int(proc_tree_kill(getpid(), 0, false), 0, "all gone after SIGKILL");
	ok(!proc_alive(b, 1), "a reaped child is not alive");
}

/**
 * test_dirs() - the lab directory, records, and removal without following
 * symlinks
 */
static void test_dirs(void)
{
	char tmpl[] = "/tmp/nsnet-test-proc-XXXXXX", buf[64];
	struct nsnet_ctx *ctx;
	int sfd, lfd, pfd;
	json_t *rec, *ids;
	struct stat st;

	if (nsnet_ctx_new(&ctx) < 0 || !mkdtemp(tmpl)) {
		skip(11, "no context or scratch directory");
		return;
	}
	sfd = open(tmpl, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	is_int(labdir_open(ctx, sfd, "house", false), -ENOENT, "missing lab dir: -ENOENT");
	lfd = labdir_open(ctx, sfd, "house", true);
	ok(lfd >= 0, "lab dir created");
	ok(fstat(lfd, &st) == 0 && (st.st_mode & 0777) == 0700, "  ... mode 0700");
	ok(labdir_open(ctx, sfd, "../x", true) == -EINVAL && nsnet_err_is_input(ctx),
	   "a hostile lab name is an input error");
	pfd = labdir_sub(ctx, lfd, "house", "procs", true);
	ok(pfd >= 0, "procs/ created");
	rec = json_pack("{s:s, s:i}", "id", "web", "restarts", 2);
	is_int(proc_record_write(pfd, "web", rec), 0, "record written");
	json_decref(rec);
	rec = proc_record_read(pfd, "web");
	is_int(json_integer_value(json_object_get(rec, "restarts")), 2, "record read back");
	json_decref(rec);
	proc_ids(pfd, &ids);
	is_int(json_array_size(ids), 1, "one id listed (no temporary files)");
	json_decref(ids);
	/* a planted symlink out of the tree must be removed, not followed */
	snprintf(buf, sizeof(buf), "%s/keep", tmpl);
	mkdir(buf, 0700);
	symlinkat(buf, pfd, "evil");
	close(pfd);
	close(lfd);
	is_int(labdir_remove(ctx, sfd, "house"), 0, "lab dir removed");
	ok(stat(buf, &st) == 0, "  ... without following a symlink in it");
	is_int(labdir_remove(ctx, sfd, "house"), 0, "removing it again is fine");
	rmdir(buf);
	close(sfd);
	rmdir(tmpl);
	nsnet_ctx_free(ctx);
}

/**
 * say_and_exit() - a proc_spec.fn: print a line, end with status 3
 * @arg:	the line
 *
 * Return: 3.
 */
static int say_and_exit(void *arg)
{
	printf("%s\n", (const char *)arg);
	fflush(stdout);
	return 3;
}

/**
 * test_fn() - a supervised function (the DHCP client's way) in the host
 * namespace, with a scratch state directory: it runs, its output is
 * logged, its status recorded, and stop_all cleans the record up
 *
 * Needs root (joining a namespace, even one's own, needs CAP_SYS_ADMIN).
 */
static void test_fn(void)
{
	char tmpl[] = "/tmp/nsnet-test-fn-XXXXXX", line[256];
	struct proc_spec sp = { .lab = "unit", .id = "fn-0",
				.restart = PROC_RESTART_NO, .fn = say_and_exit,
				.fn_arg = "hello from fn" };
	struct nsnet_ctx *ctx;
	json_t *rec = NULL;
	int sfd, lfd, pfd, i, err;
	FILE *f;

	if (geteuid() != 0 || nsnet_ctx_new(&ctx) < 0 || !mkdtemp(tmpl)) {
		skip(5, "needs root");
		return;
	}
	sfd = open(tmpl, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	err = proc_start(ctx, sfd, &sp);
	is_int(err, 0, "proc_start with a function: %s", nsnet_errmsg(ctx));
	lfd = labdir_open(ctx, sfd, "unit", false);
	pfd = labdir_sub(ctx, lfd, "unit", "procs", false);
	for (i = 0; i < 100; i++) {
		json_decref(rec);
		rec = proc_record_read(pfd, "fn-0");
		if (rec && !strcmp(json_string_value(json_object_get(rec, "state")) ?: "", "exited"))
			break;
		usleep(50000);
	}
	is_str(json_string_value(json_object_get(rec, "state")), "exited",
	       "policy no: the record says exited");
	is_int(json_integer_value(json_object_get(rec, "exit_code")), 3,
	       "  ... with the function's return as the status");
	json_decref(rec);
	snprintf(line, sizeof(line), "%s/unit.d/logs/fn-0.log", tmpl);
	f = fopen(line, "r");
	/* the monitor's "started" line and the function's race: any order */
	for (i = 0; f && fgets(line, sizeof(line), f);)
		i |= !strcmp(line, "hello from fn\n");
	ok(f && i, "its output is in the log");
	if (f)
		fclose(f);
	proc_stop_all(ctx, sfd, "unit", 1000);
	ok(faccessat(pfd, "fn-0.json", F_OK, 0) < 0, "stop_all removes the record");
	close(pfd);
	close(lfd);
	labdir_remove(ctx, sfd, "unit");
	close(sfd);
	rmdir(tmpl);
	nsnet_ctx_free(ctx);
}

/**
 * main() - run the tests
 *
 * Return: 0 if everything passed.
 */
int main(void)
{
	test_ids();
	test_tree();
	test_dirs();
	test_fn();
	return done_testing();
}
