// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_graph.c - nsnet_graph_dot() on synthetic labs, without the kernel:
 * every node, switch and cable is in the DOT, once; names with characters
 * DOT or XML treat specially are escaped; Graphviz's dot accepts the text
 * (when it is installed); and `nsnet graph` refuses bad arguments before
 * it asks the kernel anything.
 */
#include <arpa/inet.h>
#include <fcntl.h>
#include <linux/if.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"
#include "pfx.h"
#include "tap.h"

extern char **environ;

/**
 * iface() - one interface of a synthetic lab
 * @node:	node name
 * @ifname:	interface name, "" for a node without interfaces
 * @peer:	host end, "NODE:IF" for a cable, "" for none
 * @master:	bridge of the host end, "" for none
 * @addr:	one address, or NULL
 *
 * Return: the interface, up.
 */
static struct nsnet_lab_if iface(const char *node, const char *ifname,
				 const char *peer, const char *master,
				 const char *addr)
{
	struct nsnet_lab_if e = { .flags = IFF_UP };

	snprintf(e.node, sizeof(e.node), "%s", node);
	snprintf(e.ifname, sizeof(e.ifname), "%s", ifname);
	snprintf(e.peer, sizeof(e.peer), "%s", peer);
	snprintf(e.master, sizeof(e.master), "%s", master);
	if (addr)
		e.addrs[e.n_addrs++] = pfx(addr);
	return e;
}

/**
 * count() - occurrences of @needle in @hay
 * @hay:	text
 * @needle:	what to count
 *
 * Return: how many (not overlapping).
 */
static int count(const char *hay, const char *needle)
{
	int n = 0;

	while ((hay = strstr(hay, needle))) {
		n++;
		hay += strlen(needle);
	}
	return n;
}

/**
 * has() - assert @dot contains @needle
 * @dot:	the DOT text
 * @needle:	the text expected
 * @what:	test name
 */
static void has(const char *dot, const char *needle, const char *what)
{
	if (!ok(strstr(dot, needle) != NULL, "%s", what))
		diag("no \"%s\" in the DOT", needle);
}

/**
 * dot_accepts() - Graphviz's dot renders @text to SVG without complaint
 * @text:	DOT text
 *
 * Return: 1 if it does, 0 if not, -1 if dot is not installed.
 */
static int dot_accepts(const char *text)
{
	char in[] = "/tmp/test_graph.XXXXXX", errf[] = "/tmp/test_graph.err.XXXXXX";
	char *argv[] = { "dot", "-Tsvg", "-o", "/dev/null", in, NULL };
	posix_spawn_file_actions_t fa;
	int fd = mkstemp(in), efd = mkstemp(errf), status = 0, rc;
	off_t errlen;
	pid_t pid;

	if (fd < 0 || efd < 0 || write(fd, text, strlen(text)) != (ssize_t)strlen(text))
		return 0;
	close(fd);
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, efd, 2);
	rc = posix_spawnp(&pid, "dot", &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	if (!rc)
		waitpid(pid, &status, 0);
	errlen = lseek(efd, 0, SEEK_END);
	close(efd);
	unlink(in);
	unlink(errf);
	if (rc)
		return -1;
	return WIFEXITED(status) && !WEXITSTATUS(status) && errlen == 0;
}

/**
 * test_lab() - a lab with every kind of thing the picture shows
 */
static void test_lab(void)
{
	struct nsnet_lab_if ifs[] = {
		iface("a<b>&\"c", "e\x01x", "h&<>", "br0", "10.0.0.9/24"),
		iface("blue", "p0", "red:p0", "", "10.1.0.2/30"),
		iface("blue", "eth1", "blue-eth1", "br-nohost", NULL),
		iface("caf\xc3\xa9", "eth0", "-", "", NULL),
		iface("lonely", "", "", "", NULL),
		iface("red", "eth0", "red-eth0", "br0", "10.0.0.2/24"),
		iface("red", "p0", "blue:p0", "", "10.1.0.1/30"),
		iface("red", "x\xff", "ghost:x", "", NULL),
		iface("solo", "up0", "red:x\xff", "", NULL),
	};
	struct nsnet_graph_switch sw[3] = {
		{ .name = "br0", .n_addrs = 1 },
		{ .name = "br-nohost" },
		{ .name = "gone", .missing = true },
	};
	struct nsnet_graph_lab lab = {
		.name = "t&t", .ifs = ifs, .n_ifs = sizeof(ifs) / sizeof(ifs[0]),
		.switches = sw, .n_switches = 3,
		.nat = "10.0.0.0/24 from br0 out any\n",
		.forwards = "tcp 8080 -> red:10.0.0.2:80\nudp 53 -> blue:10.1.0.2:53",
	};
	char *dot = NULL;
	int rc;

	sw[0].addrs[0] = pfx("10.0.0.1/24");
	ifs[5].addrs[ifs[5].n_addrs++] = pfx("fd00::2/64");
	ifs[2].flags = 0;
	is_int(nsnet_graph_dot(&lab, 1, &dot), 0, "nsnet_graph_dot() succeeds");
	if (!dot)
		return;
	ok(!strncmp(dot, "graph nsnet {\n", 14) && !strcmp(dot + strlen(dot) - 2, "}\n"),
	   "one undirected graph");
	has(dot, "<b>host</b>", "the host is drawn");
	has(dot, "<b>blue</b>", "node blue is named");
	has(dot, "<b>red</b>", "node red is named");
	has(dot, "<b>lonely</b>", "a node without interfaces is drawn");
	has(dot, "<b>solo</b>", "a node with only a cable is drawn");
	has(dot, "<b>br0</b>", "switch br0 is named");
	has(dot, "<b>br-nohost</b>", "a switch the host is not on is named");
	has(dot, "<b>gone</b><br/>(missing)", "a missing switch says so");
	has(dot, "lab <b>t&amp;t</b>", "the lab is a cluster, its name escaped");
	has(dot, "<td port=\"l0s0\" align=\"left\">10.0.0.1/24</td>",
	    "the host row for br0 holds the gateway address");
	has(dot, "10.0.0.0/24", "br0's subnet is shown");
	has(dot, "host:l0s0:e -- l0s0;", "host to br0");
	is_int(count(dot, "\thost:"), 1, "no edge from the host to switches it is not on");
	has(dot, "l0s0 -- l0n5:i5:w [label=<red-eth0>]",
	    "red's eth0 to br0, labelled with the host end");
	has(dot, "l0s1 -- l0n1:i2:w [label=<blue-eth1>]",
	    "blue's eth1 to br-nohost, labelled with the host end");
	has(dot, ">10.0.0.2/24<br align=\"left\"/>fd00::2/64</td>",
	    "red's eth0: both addresses, one a line");
	has(dot, "eth1 (down)</font>", "an interface that is down says so");
	is_int(count(dot, "l0n1:o1:e -- l0n5:o6:e"), 1, "the blue-red cable, once");
	is_int(count(dot, "l0n5:o6:e -- l0n1:o1:e"), 0, "  ... not again from red");
	has(dot, "l0n5:o7:e -- l0n8:i8:w", "red to solo: solo goes right of red");
	has(dot, "l0x7 [shape=box, style=dashed, label=<ghost:x>]",
	    "a cable to a namespace outside the lab names it");
	has(dot, "<td align=\"left\">NAT</td><td align=\"left\">10.0.0.0/24 from br0 out any</td>",
	    "the NAT line is in the host table");
	has(dot, "tcp 8080 -&gt; red:10.0.0.2:80", "the first forward, '>' escaped");
	has(dot, "udp 53 -&gt; blue:10.1.0.2:53", "the last forward, without a newline");
	has(dot, "<b>a&lt;b&gt;&amp;&quot;c</b>", "a node name with < > & \" is escaped");
	ok(!strstr(dot, "a<b>&"), "  ... and not written raw");
	has(dot, ">e\\x01x</td>", "a control character is shown as \\x01");
	ok(!strchr(dot, '\x01'), "  ... and not written raw");
	has(dot, "label=<h&amp;&lt;&gt;>", "a host end's name is escaped");
	has(dot, "<b>caf\xc3\xa9</b>", "valid UTF-8 passes through");
	has(dot, ">x\\xff</td>", "an invalid UTF-8 byte is shown as \\xff");
	ok(!strchr(dot, '\xff'), "  ... and not written raw");
	ok(count(dot, "{") == count(dot, "}"), "braces balance");
	rc = dot_accepts(dot);
	if (rc < 0)
		skip(1, "graphviz is not installed");
	else
		ok(rc == 1, "dot -Tsvg accepts it without a warning");
	free(dot);
}

/**
 * test_several() - two labs are two clusters around one host; none is a
 * host alone
 */
static void test_several(void)
{
	const struct nsnet_lab_if a[] = { iface("n1", "eth0", "n1-eth0", "sw", NULL) };
	struct nsnet_graph_switch sw = { .name = "sw", .n_addrs = 1 };
	struct nsnet_graph_lab labs[2] = {
		{ .name = "one", .ifs = a, .n_ifs = 1, .switches = &sw, .n_switches = 1 },
		{ .name = "two", .ifs = a, .n_ifs = 1, .nat = "", .forwards = NULL },
	};
	char *dot = NULL;

	sw.addrs[0] = pfx("fd00::1/64");
	is_int(nsnet_graph_dot(labs, 2, &dot), 0, "two labs");
	if (dot) {
		has(dot, "subgraph cluster_l0 {", "  ... a cluster for the first");
		has(dot, "subgraph cluster_l1 {", "  ... and one for the second");
		is_int(count(dot, "\thost [label="), 1, "  ... one host");
		has(dot, "<i>lab one</i>", "  ... whose rows say which lab");
		ok(!strstr(dot, "<i>lab two</i>"), "  ... only for labs with host rows");
		has(dot, "fd00::/64", "  ... an IPv6 subnet");
		has(dot, "l1n0 [label=", "  ... node ids unique per lab");
		has(dot, "\thost -- l1n0:i0:w [label=<n1-eth0 on sw>]",
		    "  ... a bridge the lab does not list: a cable to the host");
		ok(dot_accepts(dot) != 0, "  ... dot accepts it");
	}
	free(dot);
	dot = NULL;
	is_int(nsnet_graph_dot(NULL, 0, &dot), 0, "no lab at all");
	if (dot) {
		has(dot, "<b>host</b>", "  ... is the host alone");
		ok(dot_accepts(dot) != 0, "  ... dot accepts it");
	}
	free(dot);
}

/**
 * struct run - what one cli_main() call printed and returned
 * @rc:		exit code
 * @err:	stderr text
 */
struct run {
	int rc;
	char *err;
};

/**
 * refused() - `nsnet graph ARGS` exits 2 with one line naming @needle,
 * before a library context exists (so before the kernel is asked)
 * @needle:	text the message must contain
 * @...:	the arguments after "nsnet"
 */
#define refused(needle, ...) refused_(needle, (char *[]){ __VA_ARGS__, NULL })
static void refused_(const char *needle, char **argv)
{
	struct cli c = { 0 };
	char *out = NULL, *err = NULL;
	size_t olen, elen, n;
	int argc = 0, rc;

	while (argv[argc])
		argc++;
	c.out = open_memstream(&out, &olen);
	c.err = open_memstream(&err, &elen);
	rc = cli_main(&c, argc, argv);
	fclose(c.out);
	fclose(c.err);
	n = strlen(err);
	ok(rc == EXIT_USAGE && !c.ctx && n && !memchr(err, '\n', n - 1) &&
	   !strncmp(err, "nsnet: graph", 12) && strstr(err, needle),
	   "refused: nsnet %s %s %s -> %d %.*s", argv[0], argc > 1 ? argv[1] : "",
	   argc > 2 ? argv[2] : "", rc, (int)(n ? n - 1 : 0), err);
	nsnet_ctx_free(c.ctx);
	free(out);
	free(err);
}

/**
 * test_cli() - argument errors of `nsnet graph`
 */
static void test_cli(void)
{
	refused("LAB or --all", "graph");
	refused("LAB or --all", "graph", "house", "--all");
	refused("one LAB", "graph", "house", "full");
	refused(".svg, .png or .dot", "graph", "house", "-o", "x.jpg");
	refused(".svg, .png or .dot", "graph", "--all", "-o", "noext");
	refused("-o: expects a FILE", "graph", "house", "-o");
	refused("\"-x\"", "graph", "-x", "house");
}

/**
 * main() - run the tests
 *
 * Return: 0 if all passed.
 */
int main(void)
{
	test_lab();
	test_several();
	test_cli();
	return done_testing();
}
