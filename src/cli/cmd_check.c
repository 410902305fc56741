// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cmd_check.c - nsnet check LAB [--from NODE] [--to NODE] [--sample N]
 *
 * Each probe is rendered once, to JSON ({"from", "to", "address",
 * "expected", "reachable", "probe"}, plus the interface or the host's
 * network, and "icmp" when an echo request was asked too); the matrix is
 * printed from that JSON, so -j and the table never disagree. Rows are
 * sending nodes, columns the nodes (and the host) probed; a cell holds one
 * verdict per address of the column, joined by "/" when they differ.
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

/* Wider than this, the matrix numbers its columns instead of naming them. */
#define MATRIX_MAX_WIDTH 100
/* Room for one cell's verdicts ("ok/ok/--"); more is cut with "+". */
#define CELL_MAX 24

/**
 * jstr() - a string member of a JSON object
 * @o:		the object
 * @key:	member name
 *
 * Return: its value, "" when absent.
 */
static const char *jstr(json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));

	return s ? s : "";
}

/**
 * render_reach() - one probe as a JSON object
 * @r:		the probe
 *
 * A gateway is "to": "host" with "network" (a node could be named host;
 * "network" instead of "interface" says which it is).
 *
 * Return: a new object.
 */
static json_t *render_reach(const struct nsnet_reach *r)
{
	static const char *const how[] = { "udp", "broadcast", "unknown" };
	char addr[64];
	bool host = !*r->to;
	json_t *o;

	nsnet_prefix_format(&r->address, false, addr, sizeof(addr));
	o = json_pack("{s:s, s:s, s:s, s:s, s:b, s:b, s:s}", "from", r->from,
		      "to", host ? "host" : r->to,
		      host ? "network" : "interface", r->ifname,
		      "address", addr, "expected", r->expected,
		      "reachable", r->reachable,
		      "probe", r->how < 3 ? how[r->how] : "udp");
	if (o && r->how == NSNET_REACH_UNKNOWN)
		json_object_set_new(o, "reachable", json_null());
	if (o && r->icmp >= 0)
		json_object_set_new(o, "icmp", json_boolean(r->icmp > 0));
	return o;
}

/**
 * verdict() - a probe's cell word
 * @p:		the rendered probe
 *
 * Return: "ok", "--" (isolated, as the lab wants), "FAIL", "LEAK", or "?"
 * (not found out: the machine's neighbour table had no room for it).
 */
static const char *verdict(json_t *p)
{
	bool want = json_is_true(json_object_get(p, "expected"));
	bool got = json_is_true(json_object_get(p, "reachable"));

	if (json_is_null(json_object_get(p, "reachable")))
		return "?";
	if (want)
		return got ? "ok" : "FAIL";
	return got ? "LEAK" : "--";
}

/**
 * is_host() - whether a rendered probe goes to the host
 * @p:		the probe
 *
 * Return: true for a gateway.
 */
static bool is_host(json_t *p)
{
	return json_object_get(p, "network") != NULL;
}

/**
 * struct grid - the matrix being laid out
 * @rows:	sending nodes, in order (strings owned by the JSON)
 * @n_rows:	count
 * @cols:	probed nodes in row order, then "host" (if probed)
 * @n_cols:	count
 * @has_host:	the last column is the host's
 * @cells:	n_rows * n_cols texts, "" for no probe (a node itself)
 * @n_addrs:	per column, how many addresses it has
 * @width:	per column, its printed width
 * @row_w:	width of the row labels
 * @numbered:	columns are numbered (too wide to name them)
 */
struct grid {
	const char **rows;
	size_t n_rows;
	const char **cols;
	size_t n_cols;
	bool has_host;
	char (*cells)[CELL_MAX];
	size_t *n_addrs;
	int *width;
	int row_w;
	bool numbered;
};

/**
 * find_name() - the index of @name among @names
 * @names:	names
 * @n:		count
 * @name:	the name
 *
 * Return: its index, or @n.
 */
static size_t find_name(const char **names, size_t n, const char *name)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!strcmp(names[i], name))
			return i;
	return n;
}

/**
 * col_insert() - add a probed node to the columns, after its predecessor
 * @g:		grid
 * @name:	the node
 * @prev:	the node its sender probed just before, or NULL
 *
 * Each sender probes in the lab file's order, so putting every new name
 * right after the one probed before it (first when none) lays the
 * columns out in that order too, also for a node that sends nothing (a
 * server only answering, a sample, --to).
 */
static void col_insert(struct grid *g, const char *name, const char *prev)
{
	size_t at = prev ? find_name(g->cols, g->n_cols, prev) + 1 : 0;

	if (at > g->n_cols)
		at = g->n_cols;
	memmove(&g->cols[at + 1], &g->cols[at], (g->n_cols - at) * sizeof(*g->cols));
	g->cols[at] = name;
	g->n_cols++;
}

/**
 * grid_names() - rows and columns from the probes
 * @g:		grid, zeroed
 * @arr:	rendered probes
 *
 * Rows are the senders, columns every node probed, both in the lab file's
 * order, not in the order probes happen to name them in.
 *
 * Return: 0, or -1 when out of memory.
 */
static int grid_names(struct grid *g, json_t *arr)
{
	size_t i, n = json_array_size(arr);
	const char *prev = NULL, *from = NULL;
	json_t *p;

	g->rows = calloc(n + 1, sizeof(*g->rows));
	g->cols = calloc(n + 2, sizeof(*g->cols));
	if (!g->rows || !g->cols)
		return -1;
	json_array_foreach(arr, i, p) {
		if (find_name(g->rows, g->n_rows, jstr(p, "from")) == g->n_rows)
			g->rows[g->n_rows++] = jstr(p, "from");
		if (!from || strcmp(from, jstr(p, "from")) != 0)
			prev = NULL;
		from = jstr(p, "from");
		if (is_host(p)) {
			g->has_host = true;
			continue;
		}
		if (find_name(g->cols, g->n_cols, jstr(p, "to")) == g->n_cols)
			col_insert(g, jstr(p, "to"), prev);
		prev = jstr(p, "to");
	}
	if (g->has_host)
		g->cols[g->n_cols++] = "host";
	return 0;
}

/**
 * col_of() - the column of a rendered probe
 * @g:		grid
 * @p:		the probe
 *
 * Return: its index, or @g->n_cols.
 */
static size_t col_of(const struct grid *g, json_t *p)
{
	if (is_host(p))
		return g->has_host ? g->n_cols - 1 : g->n_cols;
	return find_name(g->cols, g->n_cols - g->has_host, jstr(p, "to"));
}

/**
 * cell_add() - append a verdict to a cell
 * @cell:	the cell's text
 * @word:	the verdict
 */
static void cell_add(char *cell, const char *word)
{
	size_t len = strlen(cell);

	if (len && cell[len - 1] == '+')
		return;
	if (len + !!len + strlen(word) + 1 >= CELL_MAX) {
		memcpy(cell + len, "+", 2);	/* cut: -j has every probe */
		return;
	}
	snprintf(cell + len, CELL_MAX - len, "%s%s", len ? "/" : "", word);
}

/**
 * grid_cells() - fill the cells and count each column's addresses
 * @g:		grid with rows and columns
 * @arr:	rendered probes
 *
 * The addresses of a column are counted on the first row that probes it.
 *
 * Return: 0, or -1 when out of memory.
 */
static int grid_cells(struct grid *g, json_t *arr)
{
	size_t i, r, col, *first;
	json_t *p;

	g->cells = calloc(g->n_rows * g->n_cols + 1, sizeof(*g->cells));
	g->n_addrs = calloc(g->n_cols + 1, sizeof(*g->n_addrs));
	g->width = calloc(g->n_cols + 1, sizeof(*g->width));
	first = calloc(g->n_cols + 1, sizeof(*first));
	if (!g->cells || !g->n_addrs || !g->width || !first) {
		free(first);
		return -1;
	}
	json_array_foreach(arr, i, p) {
		r = find_name(g->rows, g->n_rows, jstr(p, "from"));
		col = col_of(g, p);
		if (r == g->n_rows || col == g->n_cols)
			continue;
		cell_add(g->cells[r * g->n_cols + col], verdict(p));
		if (!first[col])
			first[col] = r + 1;
		if (first[col] == r + 1)
			g->n_addrs[col]++;
	}
	free(first);
	return 0;
}

/**
 * num_w() - the width of the largest row number
 * @n:		rows
 *
 * Return: its digits.
 */
static int num_w(size_t n)
{
	char num[24];

	return snprintf(num, sizeof(num), "%zu", n);
}

/**
 * col_label() - a column's heading
 * @g:		grid
 * @col:	the column
 * @buf:	room for a number
 * @len:	its size
 *
 * Numbered columns carry their row's number; the host's column, and a node
 * that sends nothing (it has no row), keep their names.
 *
 * Return: the heading, @buf or a name.
 */
static const char *col_label(const struct grid *g, size_t col, char *buf,
			     size_t len)
{
	size_t r = find_name(g->rows, g->n_rows, g->cols[col]);

	if (!g->numbered || (g->has_host && col == g->n_cols - 1) ||
	    r == g->n_rows)
		return g->cols[col];
	snprintf(buf, len, "%zu", r + 1);
	return buf;
}

/**
 * grid_widths() - column widths, and whether to number the columns
 * @g:		grid with cells
 */
static void grid_widths(struct grid *g)
{
	char num[24];
	size_t r, col;
	int total;

	for (g->numbered = false;; g->numbered = true) {
		g->row_w = (int)strlen("FROM\\TO");
		for (r = 0; r < g->n_rows; r++) {
			int w = (int)strlen(g->rows[r]) +
				(g->numbered ? num_w(g->n_rows) + 1 : 0);

			if (w > g->row_w)
				g->row_w = w;
		}
		total = g->row_w;
		for (col = 0; col < g->n_cols; col++) {
			g->width[col] = (int)strlen(col_label(g, col, num,
							      sizeof(num)));
			for (r = 0; r < g->n_rows; r++) {
				int w = (int)strlen(g->cells[r * g->n_cols + col]);

				if (w > g->width[col])
					g->width[col] = w;
			}
			total += 2 + g->width[col];
		}
		if (g->numbered || total <= MATRIX_MAX_WIDTH)
			return;
	}
}

/**
 * grid_print() - the matrix
 * @c:		invocation
 * @g:		laid-out grid
 */
static void grid_print(struct cli *c, const struct grid *g)
{
	char label[NSNET_NSNAMSIZ + 24];
	size_t r, col;

	fprintf(c->out, "%-*s", g->row_w, "FROM\\TO");
	for (col = 0; col < g->n_cols; col++)
		fprintf(c->out, "  %-*s", col + 1 < g->n_cols ? g->width[col] : 0,
			col_label(g, col, label, sizeof(label)));
	fputc('\n', c->out);
	for (r = 0; r < g->n_rows; r++) {
		if (g->numbered)
			snprintf(label, sizeof(label), "%*zu %s", num_w(g->n_rows),
				 r + 1, g->rows[r]);
		else
			snprintf(label, sizeof(label), "%s", g->rows[r]);
		fprintf(c->out, "%-*s", g->row_w, label);
		for (col = 0; col < g->n_cols; col++) {
			const char *cell = g->cells[r * g->n_cols + col];

			fprintf(c->out, "  %-*s",
				col + 1 < g->n_cols ? g->width[col] : 0,
				*cell ? cell : ".");
		}
		fputc('\n', c->out);
	}
}

/**
 * legend() - the addresses of each column that has several, in cell order
 * @c:		invocation
 * @g:		grid
 * @arr:	rendered probes
 */
static void legend(struct cli *c, const struct grid *g, json_t *arr)
{
	size_t col, i;
	json_t *p;

	for (col = 0; col < g->n_cols; col++) {
		const char *first = NULL;
		size_t shown = 0;

		if (g->n_addrs[col] < 2)
			continue;
		fprintf(c->out, "%s:", g->cols[col]);
		json_array_foreach(arr, i, p) {
			if (col_of(g, p) != col)
				continue;
			if (!first)
				first = jstr(p, "from");
			if (strcmp(first, jstr(p, "from")) != 0)
				break;
			fprintf(c->out, "%s %s %s", shown++ ? "," : "",
				jstr(p, "address"), is_host(p) ?
				jstr(p, "network") : jstr(p, "interface"));
		}
		fputc('\n', c->out);
	}
}

/**
 * grid_free() - release a grid's arrays
 * @g:		grid, may be zeroed
 */
static void grid_free(struct grid *g)
{
	free(g->rows);
	free(g->cols);
	free(g->cells);
	free(g->n_addrs);
	free(g->width);
}

/**
 * text_matrix() - the probes as a matrix, with a legend where needed
 * @c:		invocation
 * @arr:	rendered probes
 *
 * Return: EXIT_OK, or EXIT_FAILED when out of memory.
 */
static int text_matrix(struct cli *c, json_t *arr)
{
	struct grid g = { 0 };
	int rc = EXIT_OK;

	if (grid_names(&g, arr) || grid_cells(&g, arr)) {
		fprintf(c->err, "nsnet: check: out of memory\n");
		rc = EXIT_FAILED;
	} else {
		grid_widths(&g);
		grid_print(c, &g);
		legend(c, &g, arr);
	}
	grid_free(&g);
	return rc;
}

/**
 * report() - the summary on stdout, then each unexpected outcome on stderr
 * @c:		invocation
 * @lab:	lab name
 * @arr:	rendered probes
 *
 * Return: the number of unexpected outcomes.
 */
static size_t report(struct cli *c, const char *lab, json_t *arr)
{
	size_t i, n[5] = { 0 };
	json_t *p, *icmp;

	json_array_foreach(arr, i, p) {
		const char *v = verdict(p);

		n[!strcmp(v, "--") ? 1 : !strcmp(v, "FAIL") ? 2 :
		  !strcmp(v, "LEAK") ? 3 : !strcmp(v, "?") ? 4 : 0]++;
	}
	if (!c->json) {
		fprintf(c->out, "check %s: %zu probe%s: %zu ok, %zu isolated (--), "
			"%zu FAIL, %zu LEAK", lab, json_array_size(arr),
			json_array_size(arr) == 1 ? "" : "s", n[0], n[1], n[2],
			n[3]);
		if (n[4])
			fprintf(c->out, ", %zu unknown (?)", n[4]);
		fputc('\n', c->out);
	}
	fflush(c->out);	/* the table first, then what went wrong */
	json_array_foreach(arr, i, p) {
		const char *v = verdict(p), *why;

		icmp = json_object_get(p, "icmp");
		if (!strcmp(v, "LEAK"))
			why = "answered, though the lab's topology isolates it";
		else if (!strcmp(v, "?"))
			why = "not found out: the machine's neighbour table "
			      "(net.ipv4.neigh.default.gc_thresh3) is too full "
			      "to probe it";
		else if (strcmp(v, "FAIL") != 0)
			continue;
		else if (json_is_true(icmp))
			why = "no answer over UDP, though ICMP echo answers "
			      "(a filter or a switch that passes only ICMP)";
		else if (json_is_false(icmp))
			why = "no answer (neither UDP nor ICMP echo)";
		else
			why = "no answer (UDP)";
		fprintf(c->err, "nsnet: check %s: %s -> %s (%s): %s\n", lab,
			jstr(p, "from"), jstr(p, "to"), jstr(p, "address"), why);
	}
	return n[2] + n[3] + n[4];
}

/**
 * check_parse() - LAB [--from NODE] [--to NODE] [--sample N], in any order
 * @c:		invocation
 * @argc:	argument count
 * @argv:	arguments
 * @lab:	result: the lab
 * @o:		result: the options
 *
 * Return: EXIT_OK, or EXIT_USAGE after reporting.
 */
static int check_parse(struct cli *c, int argc, char **argv, const char **lab,
		       struct nsnet_reach_opts *o)
{
	const char *opt;
	char *end;
	long v;
	int i;

	*lab = NULL;
	for (i = 0; i < argc; i++) {
		opt = argv[i];
		if (strcmp(opt, "--from") != 0 && strcmp(opt, "--to") != 0 &&
		    strcmp(opt, "--sample") != 0) {
			if (opt[0] == '-')
				return cli_usage(c, "check: option \"%s\": unknown "
						 "(LAB [--from NODE] [--to NODE] [--sample N])",
						 opt);
			if (*lab)
				return cli_usage(c, "check: expects one LAB");
			*lab = opt;
			continue;
		}
		if (++i == argc)
			return cli_usage(c, "check %s: expects %s", opt,
					 strcmp(opt, "--sample") != 0 ? "a NODE" :
					 "a count");
		if (!strcmp(opt, "--from")) {
			o->from = argv[i];
		} else if (!strcmp(opt, "--to")) {
			o->to = argv[i];
		} else {
			errno = 0;
			v = strtol(argv[i], &end, 10);
			if (errno || end == argv[i] || *end || v < 1 || v > INT_MAX)
				return cli_usage(c, "check --sample \"%s\": expects "
						 "a count of probes, 1 or more", argv[i]);
			o->sample = (unsigned int)v;
		}
	}
	if (!*lab)
		return cli_usage(c, "check: expects one LAB");
	return EXIT_OK;
}

/**
 * cli_check() - nsnet check LAB [--from NODE] [--to NODE] [--sample N]
 * @c:		invocation
 * @argc:	argument count
 * @argv:	arguments
 *
 * Return: EXIT_OK when every pair answers or not exactly as the lab's
 * topology says; EXIT_FAILED naming each pair that does not; EXIT_USAGE
 * for a lab that is not up.
 */
int cli_check(struct cli *c, int argc, char **argv)
{
	struct nsnet_reach_opts o = { 0 };
	struct nsnet_reach *r;
	const char *lab;
	json_t *arr;
	int n, i, rc;

	if ((rc = check_parse(c, argc, argv, &lab, &o)) ||
	    (rc = cli_lab_name(c, lab)) || (rc = cli_ctx(c)))
		return rc;
	n = nsnet_lab_check(c->ctx, lab, &o, &r);
	if (n < 0)
		return cli_lib_error(c);
	arr = json_array();
	for (i = 0; i < n; i++)
		json_array_append_new(arr, render_reach(&r[i]));
	free(r);
	if (c->json) {
		json_dumpf(arr, c->out, c->pretty ? JSON_INDENT(4) : JSON_COMPACT);
		fputc('\n', c->out);
	} else if (n) {
		rc = text_matrix(c, arr);
	}
	if (report(c, lab, arr) && !rc)
		rc = EXIT_FAILED;
	json_decref(arr);
	return rc;
}
