// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cmd_graph.c - nsnet graph LAB|--all [-o FILE.svg|.dot|.png]
 *
 * The library writes DOT; pictures come from Graphviz's dot(1), run with an
 * argv (never a shell), a clean environment and none of our descriptors but
 * its stdin (the DOT) and stdout (the file). Without -o the DOT goes to
 * stdout, for a pipe into whatever the user prefers.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include "cli.h"

/**
 * struct graph_args - a parsed `nsnet graph`
 * @lab:	the lab, or NULL with --all
 * @all:	--all: every lab that is up
 * @file:	-o FILE, or NULL for stdout
 * @format:	dot's -T value for @file, NULL to write the DOT itself
 */
struct graph_args {
	const char *lab;
	bool all;
	const char *file;
	const char *format;
};

/**
 * output_format() - the picture format a file name asks for
 * @c:		invocation
 * @file:	the name given to -o
 * @format:	"svg", "png", or NULL for DOT
 *
 * Return: EXIT_OK, or EXIT_USAGE after reporting.
 */
static int output_format(struct cli *c, const char *file, const char **format)
{
	const char *dot = strrchr(file, '.');

	if (dot && (!strcasecmp(dot, ".dot") || !strcasecmp(dot, ".gv")))
		*format = NULL;
	else if (dot && !strcasecmp(dot, ".svg"))
		*format = "svg";
	else if (dot && !strcasecmp(dot, ".png"))
		*format = "png";
	else
		return cli_usage(c, "graph -o \"%s\": the name must end in .svg, .png or .dot",
				 file);
	return EXIT_OK;
}

/**
 * graph_parse() - LAB|--all [-o FILE], in any order
 * @c:		invocation
 * @argc:	argument count
 * @argv:	arguments
 * @a:		result
 *
 * Return: EXIT_OK, or EXIT_USAGE after reporting.
 */
static int graph_parse(struct cli *c, int argc, char **argv,
		       struct graph_args *a)
{
	int i;

	for (i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "-o")) {
			if (i + 1 == argc)
				return cli_usage(c, "graph -o: expects a FILE");
			a->file = argv[++i];
		} else if (!strcmp(argv[i], "--all")) {
			a->all = true;
		} else if (argv[i][0] == '-') {
			return cli_usage(c, "graph: option \"%s\": unknown (LAB|--all [-o FILE])",
					 argv[i]);
		} else if (a->lab) {
			return cli_usage(c, "graph: unexpected \"%s\": one LAB at a time, or --all",
					 argv[i]);
		} else {
			a->lab = argv[i];
		}
	}
	if (!a->lab == !a->all)
		return cli_usage(c, "graph: expects a LAB or --all");
	if (a->lab && cli_lab_name(c, a->lab))
		return EXIT_USAGE;
	return a->file ? output_format(c, a->file, &a->format) : EXIT_OK;
}

/**
 * write_all() - write a whole buffer to a descriptor
 * @fd:		descriptor (a file, or a socket to dot)
 * @buf:	data
 * @len:	its length
 * @sock:	@fd is a socket
 *
 * send() with MSG_NOSIGNAL on sockets: a dot that dies early must give us
 * EPIPE, not a SIGPIPE that kills nsnet before it reports.
 *
 * Return: 0, or -errno.
 */
static int write_all(int fd, const char *buf, size_t len, bool sock)
{
	while (len) {
		ssize_t n = sock ? send(fd, buf, len, MSG_NOSIGNAL) :
				   write(fd, buf, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

/**
 * open_output() - create or truncate the output file
 * @c:		invocation
 * @file:	its name
 *
 * Return: the descriptor, or -1 after reporting.
 */
static int open_output(struct cli *c, const char *file)
{
	int fd = open(file, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

	if (fd < 0)
		fprintf(c->err, "nsnet: graph: %s: %s\n", file, strerror(errno));
	return fd;
}

/**
 * write_dot() - -o FILE.dot: the DOT text as it is
 * @c:		invocation
 * @file:	the file
 * @dot:	the text
 *
 * Return: exit code.
 */
static int write_dot(struct cli *c, const char *file, const char *dot)
{
	int fd = open_output(c, file), err;

	if (fd < 0)
		return EXIT_FAILED;
	err = write_all(fd, dot, strlen(dot), false);
	if (close(fd) && !err)
		err = -errno;
	if (err) {
		fprintf(c->err, "nsnet: graph: write %s: %s\n", file, strerror(-err));
		return EXIT_FAILED;
	}
	return EXIT_OK;
}

/**
 * dot_child() - in the child: become `dot -TFORMAT`, or report why not
 * @in:		its stdin (the DOT)
 * @out:	its stdout (the file)
 * @errfd:	close-on-exec pipe that gets errno if exec fails
 * @format:	"svg" or "png"
 */
static void __attribute__((noreturn)) dot_child(int in, int out, int errfd,
						const char *format)
{
	static char *const env[] = { "PATH=/usr/local/bin:/usr/bin:/bin",
				     "LC_ALL=C.UTF-8", NULL };
	char tflag[16];
	char *argv[] = { "dot", tflag, NULL };
	ssize_t r;
	int e, fd;

	snprintf(tflag, sizeof(tflag), "-T%s", format);
	if (dup2(in, 0) < 0 || dup2(out, 1) < 0)
		goto fail;
	/* Nothing of ours may leak into dot; errfd must survive until exec. */
	if (close_range(3, ~0U, CLOSE_RANGE_CLOEXEC))
		for (fd = 3; fd < 1024; fd++)
			fcntl(fd, F_SETFD, FD_CLOEXEC);
	/* Found on the user's PATH; run with a clean environment. */
	execvpe("dot", argv, env);
fail:
	e = errno;
	r = write(errfd, &e, sizeof(e));
	_exit(r < 0 ? 126 : 127);
}

/**
 * wait_dot() - feed dot the DOT text and collect its exit status
 * @c:		invocation
 * @pid:	dot
 * @sock:	our end of its stdin
 * @dot:	the text
 *
 * Return: exit code.
 */
static int wait_dot(struct cli *c, pid_t pid, int sock, const char *dot)
{
	int err = write_all(sock, dot, strlen(dot), true), status;

	close(sock);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return EXIT_FAILED;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0 && !err)
		return EXIT_OK;
	if (WIFEXITED(status))
		fprintf(c->err, "nsnet: graph: dot failed: exit status %d\n",
			WEXITSTATUS(status));
	else
		fprintf(c->err, "nsnet: graph: dot failed: killed by signal %d\n",
			WTERMSIG(status));
	return EXIT_FAILED;
}

/**
 * spawn_dot() - start dot with @in and @out as stdin and stdout
 * @c:		invocation
 * @in:		the child's stdin
 * @out:	the child's stdout
 * @format:	"svg" or "png"
 * @pid:	the child
 *
 * A close-on-exec pipe tells exec failure (dot not installed) apart from
 * dot failing.
 *
 * Return: EXIT_OK, or EXIT_FAILED after reporting.
 */
static int spawn_dot(struct cli *c, int in, int out, const char *format,
		     pid_t *pid)
{
	int ep[2], e = 0, status;
	ssize_t n;

	if (pipe2(ep, O_CLOEXEC)) {
		fprintf(c->err, "nsnet: graph: pipe: %s\n", strerror(errno));
		return EXIT_FAILED;
	}
	fflush(c->err);
	*pid = fork();
	if (*pid == 0)
		dot_child(in, out, ep[1], format);
	close(ep[1]);
	if (*pid < 0) {
		close(ep[0]);
		fprintf(c->err, "nsnet: graph: fork: %s\n", strerror(errno));
		return EXIT_FAILED;
	}
	do
		n = read(ep[0], &e, sizeof(e));
	while (n < 0 && errno == EINTR);
	close(ep[0]);
	if (n <= 0)
		return EXIT_OK;
	waitpid(*pid, &status, 0);
	if (e == ENOENT)
		fprintf(c->err, "nsnet: graph: graphviz is not installed: apt-get install graphviz\n");
	else
		fprintf(c->err, "nsnet: graph: run dot: %s\n", strerror(e));
	return EXIT_FAILED;
}

/**
 * render() - -o FILE.svg|.png: the picture, drawn by dot
 * @c:		invocation
 * @a:		arguments
 * @dot:	the DOT text
 *
 * A file dot did not finish is removed rather than left half written.
 *
 * Return: exit code.
 */
static int render(struct cli *c, const struct graph_args *a, const char *dot)
{
	int fd, sp[2], rc;
	pid_t pid;

	fd = open_output(c, a->file);
	if (fd < 0)
		return EXIT_FAILED;
	/* A socket rather than a pipe, for send(MSG_NOSIGNAL). */
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sp)) {
		fprintf(c->err, "nsnet: graph: socketpair: %s\n", strerror(errno));
		close(fd);
		return EXIT_FAILED;
	}
	rc = spawn_dot(c, sp[1], fd, a->format, &pid);
	close(sp[1]);
	close(fd);
	if (rc == EXIT_OK)
		rc = wait_dot(c, pid, sp[0], dot);
	else
		close(sp[0]);
	if (rc != EXIT_OK)
		unlink(a->file);
	return rc;
}

/**
 * cli_graph() - nsnet graph LAB|--all [-o FILE.svg|.dot|.png]
 * @c:		invocation
 * @argc:	argument count
 * @argv:	arguments
 *
 * Return: exit code.
 */
int cli_graph(struct cli *c, int argc, char **argv)
{
	struct graph_args a = { 0 };
	char *dot;
	int rc;

	if ((rc = graph_parse(c, argc, argv, &a)))
		return rc;
	if ((rc = cli_ctx(c)))
		return rc;
	if (nsnet_lab_graph(c->ctx, a.lab, &dot))
		return cli_lib_error(c);
	if (!a.file)
		fputs(dot, c->out);
	else if (!a.format)
		rc = write_dot(c, a.file, dot);
	else
		rc = render(c, &a, dot);
	free(dot);
	return rc;
}
