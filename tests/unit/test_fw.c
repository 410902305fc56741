// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_fw.c - the nftables side of labs: scripts for a few specs compared
 * with golden files (tests/fixtures/fw/NAME.nft; UPDATE_GOLDEN=1 rewrites
 * them), refusals of what a script cannot hold, table names; and, when run
 * as root, the scripts run for real by libnftables and the forwarding
 * sysctl, both in a network namespace of this process's own (unshare), so
 * nothing here ever touches the host's rules or settings.
 *
 * Golden files are found under $FW_FIXTURES, else tests/fixtures/fw (prove
 * runs from the top of the tree).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "fw.h"
#include "pfx.h"
#include "tap.h"

/**
 * golden_dir() - the golden file directory
 *
 * Return: $FW_FIXTURES or the path relative to the top of the tree.
 */
static const char *golden_dir(void)
{
	const char *f = getenv("FW_FIXTURES");

	return f && *f ? f : "tests/fixtures/fw";
}

/**
 * read_file() - a whole small file
 * @path:	the file
 *
 * Return: its text (free()), or NULL.
 */
static char *read_file(const char *path)
{
	char *buf = NULL;
	size_t cap = 0;
	FILE *f = fopen(path, "re");
	ssize_t n;

	if (!f)
		return NULL;
	n = getdelim(&buf, &cap, '\0', f);
	fclose(f);
	if (n < 0) {
		free(buf);
		return NULL;
	}
	return buf;
}

/**
 * golden_ext() - compare a text with its golden file (or write it)
 * @name:	golden file name without its extension
 * @ext:	".nft" (a script) or ".json" (`nft -j list table`)
 * @got:	the text
 */
static void golden_ext(const char *name, const char *ext, const char *got)
{
	const char *upd = getenv("UPDATE_GOLDEN");
	char path[4096], *want;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s%s", golden_dir(), name, ext);
	if (upd && !strcmp(upd, "1")) {
		f = fopen(path, "we");
		ok(f && fputs(got, f) >= 0 && fclose(f) == 0, "%s written", path);
		return;
	}
	want = read_file(path);
	if (!ok(want && !strcmp(want, got), "%s%s matches its golden file",
		name, ext)) {
		diag("got:\n%s", got);
		diag("(UPDATE_GOLDEN=1 %s rewrites %s)", "build/tests/test_fw",
		     path);
	}
	free(want);
}

/**
 * golden() - compare a script with its golden file NAME.nft
 * @name:	golden file name without ".nft"
 * @got:	the script
 */
static void golden(const char *name, const char *got)
{
	golden_ext(name, ".nft", got);
}

/* The tutorial: one bridge, masqueraded, port 8080 forwarded to blue:80. */
static const char *const house_bridges[] = { "v-net-0" };

/**
 * spec_house() - the tutorial's lab
 * @s:		filled
 * @nat:	storage for its nat
 * @fwd:	storage for its forward
 */
static void spec_house(struct fw_spec *s, struct fw_nat *nat,
		       struct fw_fwd *fwd)
{
	*nat = (struct fw_nat){ .subnet = pfx("192.168.15.0/24"),
				.bridge = "v-net-0", .out = "" };
	*fwd = (struct fw_fwd){ .proto = IPPROTO_TCP, .port = 8080,
				.to = pfx("192.168.15.2"), .to_port = 80 };
	*s = (struct fw_spec){ .lab = "house", .bridges = house_bridges,
			       .n_bridges = 1, .nats = nat, .n_nats = 1,
			       .fwds = fwd, .n_fwds = 1 };
}

/* test_house() - the tutorial's table */
static void test_house(void)
{
	struct fw_spec s;
	struct fw_nat nat;
	struct fw_fwd fwd;
	char *script;

	spec_house(&s, &nat, &fwd);
	script = fw_script(&s);
	if (!ok(script != NULL, "house: a script"))
		return;
	golden("house", script);
	ok(strstr(script, "add table inet nsnet-house\n"
			  "delete table inet nsnet-house\n"
			  "table inet nsnet-house {\n") != NULL,
	   "the table is replaced in one transaction");
	ok(strstr(script, "fib daddr type local") != NULL,
	   "the forward takes only traffic to the host itself");
	ok(strstr(script, "ip daddr != 127.0.0.0/8") != NULL,
	   "and never to the loopback");
	ok(!strstr(script, "route_localnet") && !strstr(script, "flush"),
	   "nothing global: no flush");
	free(script);
}

/* test_isolated() - no NAT, no forwards: only isolation */
static void test_isolated(void)
{
	static const char *const br[] = { "lan-a", "lan-b", "lan-a" };
	struct fw_spec s = { .lab = "two.nets_only", .bridges = br,
			     .n_bridges = 3 };
	char *script = fw_script(&s);

	if (!ok(script != NULL, "isolated: a script"))
		return;
	golden("isolated", script);
	ok(!strstr(script, "type nat"), "no NAT chain without NAT");
	ok(strstr(script, "elements = { \"lan-a\", \"lan-b\" }") != NULL,
	   "each bridge once in the set");
	free(script);
	s.n_bridges = 0;
	script = fw_script(&s);
	ok(script && strstr(script, "\t\ttype ifname\n\t}\n"),
	   "no bridges: an empty set");
	free(script);
}

/* test_full() - every kind of rule, both families */
static void test_full(void)
{
	static const char *const br[] = { "v-net-0", "v-net-6" };
	struct fw_nat nats[] = {
		{ .subnet = pfx("192.168.15.0/24"), .bridge = "v-net-0",
		  .out = "" },
		{ .subnet = pfx("192.168.16.0/24"), .bridge = "v-net-1",
		  .out = "eth0" },
		{ .subnet = pfx("fd00:15::/64"), .bridge = "v-net-6" },
	};
	struct fw_fwd fwds[] = {
		{ .proto = IPPROTO_TCP, .port = 8080, .to = pfx("192.168.15.2"),
		  .to_port = 80 },
		{ .proto = IPPROTO_TCP, .port = 8080, .to = pfx("192.168.15.3"),
		  .to_port = 8000, .has_host = true,
		  .host = pfx("203.0.113.1") },
		{ .proto = IPPROTO_UDP, .port = 53, .to = pfx("192.168.16.2"),
		  .to_port = 5353 },
		{ .proto = IPPROTO_TCP, .port = 443, .to = pfx("fd00:15::2"),
		  .to_port = 8443 },
	};
	struct fw_spec s = { .lab = "full", .bridges = br, .n_bridges = 2,
			     .nats = nats, .n_nats = 3, .fwds = fwds,
			     .n_fwds = 4 };
	char *script = fw_script(&s), *a, *b;

	if (!ok(script != NULL, "full: a script"))
		return;
	golden("full", script);
	ok(strstr(script, "\"v-net-0\", \"v-net-6\", \"v-net-1\"") != NULL,
	   "a nat's bridge joins the set");
	a = strstr(script, "ip daddr 203.0.113.1");
	b = strstr(script, "ip daddr != 127.0.0.0/8 fib daddr type local tcp dport 8080");
	ok(a && b && a < b, "a forward bound to a host address comes first");
	ok(strstr(script, "dnat ip6 to [fd00:15::2]:8443") != NULL,
	   "IPv6 forward");
	ok(strstr(script, "ip6 saddr fd00:15::/64 oifname != @bridges masquerade") != NULL,
	   "IPv6 masquerade");
	free(script);
}

/* test_refused() - what a script cannot hold is refused, never written */
static void test_refused(void)
{
	static const char *const bad_br[] = { "br\"x" };
	static const char *const star_br[] = { "br*" };
	struct fw_spec s;
	struct fw_nat nat;
	struct fw_fwd fwd;

	spec_house(&s, &nat, &fwd);
	s.lab = "a$b";
	errno = 0;
	ok(!fw_script(&s) && errno == EINVAL, "lab name with '$': EINVAL");
	s.lab = "";
	ok(!fw_script(&s) && errno == EINVAL, "empty lab name: EINVAL");
	spec_house(&s, &nat, &fwd);
	s.bridges = bad_br;
	ok(!fw_script(&s) && errno == EINVAL, "bridge with '\"': EINVAL");
	s.bridges = star_br;
	ok(!fw_script(&s) && errno == EINVAL, "bridge with '*': EINVAL");
	spec_house(&s, &nat, &fwd);
	nat.out = "up\\0";
	ok(!fw_script(&s) && errno == EINVAL, "uplink with '\\': EINVAL");
	spec_house(&s, &nat, &fwd);
	fwd.has_host = true;
	fwd.host = pfx("127.0.0.1");
	ok(!fw_script(&s) && errno == EINVAL,
	   "a forward for the loopback: EINVAL");
	fwd.host = pfx("2001:db8::1");
	ok(!fw_script(&s) && errno == EINVAL,
	   "host and destination of two families: EINVAL");
	spec_house(&s, &nat, &fwd);
	fwd.port = 0;
	ok(!fw_script(&s) && errno == EINVAL, "port 0: EINVAL");
	fwd.port = 65536;
	ok(!fw_script(&s) && errno == EINVAL, "port 65536: EINVAL");
	spec_house(&s, &nat, &fwd);
	fwd.proto = IPPROTO_SCTP;
	ok(!fw_script(&s) && errno == EINVAL, "sctp: EINVAL");
	ok(!fw_script(NULL) && errno == EINVAL, "no spec: EINVAL");
}

/* test_names() - table names and names in rules */
static void test_names(void)
{
	char buf[FW_TABLE_MAX];

	is_int(fw_table_name("house", buf, sizeof(buf)), 0, "house: a name");
	is_str(buf, "nsnet-house", "nsnet-house");
	is_int(fw_table_name("a.b_c-D9", NULL, 0), 0,
	       "letters, digits, '.', '_', '-' are fine");
	is_int(fw_table_name("house", buf, 8), -ENAMETOOLONG,
	       "a short buffer: -ENAMETOOLONG");
	is_int(fw_table_name("a b", buf, sizeof(buf)), -EINVAL, "space: -EINVAL");
	is_int(fw_table_name("caf\xc3\xa9", buf, sizeof(buf)), -EINVAL,
	       "non-ASCII: -EINVAL");
	is_int(fw_table_name("", buf, sizeof(buf)), -EINVAL, "empty: -EINVAL");
	is_int(fw_table_name(NULL, buf, sizeof(buf)), -EINVAL, "NULL: -EINVAL");
	ok(fw_check_name("v-net-0") == NULL, "v-net-0 can be written");
	ok(fw_check_name("a\"b") != NULL, "'\"' cannot");
	ok(fw_check_name("eth*") != NULL, "'*' cannot");
	ok(fw_check_name("a\\b") != NULL, "'\\' cannot");
}

/* ------------------------------------------------- as root, in a netns */

/**
 * nft_json_table() - the names of the chains and count of rules of a table
 * @ctx:	context
 * @lab:	lab
 * @chains:	chain names, space-separated, in listing order
 * @len:	size of @chains
 *
 * Return: the number of rules, or -1.
 */
static int nft_json_table(struct nsnet_ctx *ctx, const char *lab,
			  char *chains, size_t len)
{
	json_t *root, *it, *c;
	char *text = NULL;
	size_t i, off = 0;
	int rules = 0;

	chains[0] = '\0';
	if (fw_list_json(ctx, lab, &text))
		return -1;
	root = json_loads(text, 0, NULL);
	free(text);
	json_array_foreach(json_object_get(root, "nftables"), i, it) {
		c = json_object_get(it, "chain");
		if (c)
			off += (size_t)snprintf(chains + off, len - off, "%s%s",
						off ? " " : "",
						json_string_value(json_object_get(c, "name")));
		if (json_object_get(it, "rule"))
			rules++;
	}
	json_decref(root);
	return rules;
}

/**
 * like_err() - the context holds one line, "nftables: WHY"
 * @ctx:	context
 */
static void like_err(struct nsnet_ctx *ctx)
{
	const char *e = nsnet_errmsg(ctx);

	if (!ok(!strncmp(e, "nftables: ", 10) && strlen(e) > 10 &&
		!strchr(e, '\n'), "nft's error in one line: %s", e))
		diag("got: %s", e);
}

/**
 * json_normalized() - `nft -j list table` of a lab without what changes
 * from one run to the next: handles, and nft's version
 * @ctx:	context
 * @lab:	the lab
 *
 * Return: indented JSON with sorted keys and a final newline (free()), or
 * NULL.
 */
static char *json_normalized(struct nsnet_ctx *ctx, const char *lab)
{
	json_t *root, *arr, *out, *it, *v, *wrap;
	char *text = NULL, *dump, *res = NULL;
	const char *k;
	size_t i;

	if (fw_list_json(ctx, lab, &text))
		return NULL;
	root = json_loads(text, 0, NULL);
	free(text);
	arr = json_object_get(root, "nftables");
	out = json_array();
	json_array_foreach(arr, i, it) {
		if (json_object_get(it, "metainfo"))
			continue;
		json_object_foreach(it, k, v)
			json_object_del(v, "handle");
		json_array_append(out, it);
	}
	wrap = json_pack("{s:o}", "nftables", out);
	dump = json_dumps(wrap, JSON_INDENT(1) | JSON_SORT_KEYS);
	json_decref(wrap);
	if (dump && asprintf(&res, "%s\n", dump) < 0)
		res = NULL;
	free(dump);
	json_decref(root);
	return res;
}

/**
 * run_golden() - a golden spec's script runs, lists as its golden dump, and
 * is replaced
 * @ctx:	context
 * @golden_name: the golden files' name
 * @name:	the lab
 * @script:	its script
 */
static void run_golden(struct nsnet_ctx *ctx, const char *golden_name,
		       const char *name, const char *script)
{
	char *l = NULL;

	is_int(fw_run(ctx, script), 0, "%s's script runs", name);
	l = json_normalized(ctx, name);
	if (ok(l != NULL, "%s: nft -j list table", name))
		golden_ext(golden_name, ".json", l);
	free(l);
	l = NULL;
	is_int(fw_run(ctx, script), 0, "%s's script runs again", name);
	is_int(fw_list(ctx, name, &l), 0, "%s lists", name);
	free(l);
	is_int(fw_delete(ctx, name), 0, "%s deleted", name);
}

/**
 * test_run() - the scripts, run for real in this process's own netns
 * @ctx:	context created in that namespace
 */
static void test_run(struct nsnet_ctx *ctx)
{
	struct fw_spec s;
	struct fw_nat nat;
	struct fw_fwd fwd;
	char *script, *l1 = NULL, *l2 = NULL, chains[256];

	spec_house(&s, &nat, &fwd);
	script = fw_script(&s);
	is_int(fw_list(ctx, "house", &l1), -ENOENT,
	       "no table yet: fw_list says -ENOENT");
	ok(nsnet_errmsg(ctx)[0] == '\0', "without recording an error");
	is_int(fw_run(ctx, script), 0, "house's script runs");
	is_int(fw_list(ctx, "house", &l1), 0, "and lists");
	ok(l1 && strstr(l1, "table inet nsnet-house {") &&
	   strstr(l1, "comment \"nsnet lab house\""),
	   "the table carries its comment");
	is_int(nft_json_table(ctx, "house", chains, sizeof(chains)), 8,
	   "8 rules (nft -j)");
	is_str(chains, "postrouting prerouting output forward", "4 chains");
	is_int(fw_run(ctx, script), 0, "the script runs again (replaces)");
	is_int(fw_list(ctx, "house", &l2), 0, "and lists");
	ok(l1 && l2 && !strcmp(l1, l2), "the listing is the same: no drift");
	free(l2);
	l2 = NULL;
	is_int(fw_run(ctx, "add rule inet nsnet-house forward accept\n"), 0,
	       "someone adds a rule");
	is_int(fw_list(ctx, "house", &l2), 0, "and lists");
	ok(l1 && l2 && strcmp(l1, l2), "the listing differs: drift is seen");
	free(l1);
	free(l2);
	l2 = NULL;
	is_int(fw_run(ctx, "add table inet nsnet-house { chain forward { drop junk; } }\n"),
	       -EINVAL, "a bad script: -EINVAL");
	like_err(ctx);
	is_int(fw_delete(ctx, "house"), 0, "fw_delete");
	is_int(fw_list(ctx, "house", &l2), -ENOENT, "the table is gone");
	is_int(fw_delete(ctx, "house"), 0, "fw_delete of an absent table: 0");
	is_int(fw_delete(ctx, "a$b"), 0, "of a name no table can have: 0");
	free(script);
}

/**
 * test_run_all() - every golden spec runs in nftables as written
 * @ctx:	context
 */
static void test_run_all(struct nsnet_ctx *ctx)
{
	static const char *const names[] = { "house", "isolated", "full" };
	char path[4096], *script, *name;
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s.nft", golden_dir(),
			 names[i]);
		script = read_file(path);
		if (!ok(script != NULL, "read %s", path))
			continue;
		/* The lab is named in the script's first line. */
		name = strstr(script, "table inet nsnet-");
		if (name) {
			char lab[64];

			sscanf(name + strlen("table inet nsnet-"), "%63s", lab);
			run_golden(ctx, names[i], lab, script);
		}
		free(script);
	}
}

/**
 * proc_fwd() - the namespace's net.ipv4.ip_forward or IPv6 forwarding
 * @v6:		IPv6 instead of IPv4
 * @set:	a value to write first, or NULL
 *
 * Return: the value read ('0', '1', or '?').
 */
static char proc_fwd(bool v6, const char *set)
{
	const char *path = v6 ? "/proc/sys/net/ipv6/conf/all/forwarding" :
				"/proc/sys/net/ipv4/ip_forward";
	char c = '?';
	int fd;

	if (set) {
		fd = open(path, O_WRONLY | O_CLOEXEC);
		if (fd >= 0) {
			if (write(fd, set, strlen(set)) < 0)
				diag("write %s: %s", path, strerror(errno));
			close(fd);
		}
	}
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		if (read(fd, &c, 1) != 1)
			c = '?';
		close(fd);
	}
	return c;
}

/**
 * record() - the forwarding record's entry for a family, as "PREV:LAB,LAB"
 * @dirfd:	the state directory
 * @key:	"ipv4" or "ipv6"
 * @buf:	output ("-" when there is no record or entry)
 * @len:	size of @buf
 *
 * Return: @buf.
 */
static const char *record(int dirfd, const char *key, char *buf, size_t len)
{
	json_t *root = NULL, *ent, *v;
	size_t i, off;
	FILE *f;
	int fd;

	snprintf(buf, len, "-");
	fd = openat(dirfd, "sysctl:forwarding", O_RDONLY | O_CLOEXEC);
	f = fd < 0 ? NULL : fdopen(fd, "r");
	if (f) {
		root = json_loadf(f, 0, NULL);
		fclose(f);
	} else if (fd >= 0) {
		close(fd);
	}
	ent = json_object_get(root, key);
	if (ent) {
		off = (size_t)snprintf(buf, len, "%s:",
				       json_string_value(json_object_get(ent, "prev")));
		json_array_foreach(json_object_get(ent, "labs"), i, v)
			off += (size_t)snprintf(buf + off, len - off, "%s%s",
						i ? "," : "",
						json_string_value(v));
	}
	json_decref(root);
	return buf;
}

/**
 * test_sysctl() - forwarding held by labs, restored by the last one
 * @ctx:	context
 *
 * In this process's own network namespace, so /proc/sys/net is its own.
 */
static void test_sysctl(struct nsnet_ctx *ctx)
{
	char dir[] = "/tmp/nsnet-test-fw-XXXXXX", buf[128];
	int fd;

	if (!ok(mkdtemp(dir) != NULL, "a state directory"))
		return;
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	proc_fwd(false, "0");
	is_int(sysctl_forwarding(ctx, fd, "a", AF_INET, true), 0, "a needs it");
	ok(proc_fwd(false, NULL) == '1', "ip_forward is on");
	is_str(record(fd, "ipv4", buf, sizeof(buf)), "0:a",
	       "recorded: was 0, held by a");
	is_int(sysctl_forwarding(ctx, fd, "b", AF_INET, true), 0, "b needs it");
	is_int(sysctl_forwarding(ctx, fd, "a", AF_INET, true), 0,
	       "a needs it again");
	is_str(record(fd, "ipv4", buf, sizeof(buf)), "0:a,b", "each lab once");
	is_int(sysctl_forwarding(ctx, fd, "a", AF_INET, false), 0, "a lets go");
	ok(proc_fwd(false, NULL) == '1', "still on for b");
	is_int(sysctl_forwarding(ctx, fd, "a", AF_INET, false), 0,
	       "a lets go again: nothing happens");
	is_int(sysctl_forwarding(ctx, fd, "c", AF_INET, false), 0,
	       "a lab that never held it: nothing happens");
	is_str(record(fd, "ipv4", buf, sizeof(buf)), "0:b", "b holds it");
	proc_fwd(false, "0");
	is_int(sysctl_forwarding(ctx, fd, "b", AF_INET, true), 0,
	       "someone turned it off; b needs it again");
	ok(proc_fwd(false, NULL) == '1', "on again");
	is_int(sysctl_forwarding(ctx, fd, "b", AF_INET, false), 0,
	       "the last lab lets go");
	ok(proc_fwd(false, NULL) == '0', "ip_forward is restored to 0");
	ok(faccessat(fd, "sysctl:forwarding", F_OK, 0) < 0 && errno == ENOENT,
	   "the record is gone");

	proc_fwd(false, "1");
	is_int(sysctl_forwarding(ctx, fd, "a", AF_INET, true), 0,
	       "on already: a needs it");
	is_str(record(fd, "ipv4", buf, sizeof(buf)), "1:a", "recorded as 1");
	is_int(sysctl_forwarding(ctx, fd, "a", AF_INET, false), 0, "a lets go");
	ok(proc_fwd(false, NULL) == '1', "left on: it was on before");
	ok(faccessat(fd, "sysctl:forwarding", F_OK, 0) < 0,
	   "no record left");
	proc_fwd(false, "0");

	if (proc_fwd(true, NULL) == '?') {
		skip(4, "no IPv6 in this kernel");
	} else {
		proc_fwd(true, "0");
		is_int(sysctl_forwarding(ctx, fd, "a", AF_INET6, true), 0,
		       "IPv6: a needs it");
		ok(proc_fwd(true, NULL) == '1' && proc_fwd(false, NULL) == '0',
		   "IPv6 forwarding on, IPv4 untouched");
		is_int(sysctl_forwarding(ctx, fd, "a", AF_INET6, false), 0,
		       "IPv6: a lets go");
		ok(proc_fwd(true, NULL) == '0', "IPv6 forwarding restored");
	}
	is_int(sysctl_forwarding(ctx, fd, "a", AF_UNIX, true), -EAFNOSUPPORT,
	       "another family: -EAFNOSUPPORT");
	unlinkat(fd, "sysctl:forwarding", 0);
	close(fd);
	ok(rmdir(dir) == 0, "the state directory is left empty");
}

/**
 * test_privileged() - everything that needs nftables and /proc/sys
 *
 * Only in a network namespace of this process's own: unshare() moves the
 * whole (single-threaded) test there, and the kernel drops the namespace
 * with its tables when the test exits.
 */
static void test_privileged(void)
{
	struct nsnet_ctx *ctx = NULL;

	if (geteuid() != 0 || unshare(CLONE_NEWNET) < 0) {
		skip(1, "needs root for a network namespace of its own");
		return;
	}
	if (!is_int(nsnet_ctx_new(&ctx), 0, "a context in the new namespace"))
		return;
	test_run(ctx);
	test_run_all(ctx);
	test_sysctl(ctx);
	nsnet_ctx_free(ctx);
}

/**
 * main() - run every group
 *
 * Return: 0 if every test passed.
 */
int main(void)
{
	test_names();
	test_house();
	test_isolated();
	test_full();
	test_refused();
	test_privileged();
	return done_testing();
}
