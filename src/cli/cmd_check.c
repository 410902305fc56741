// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cmd_check.c - nsnet check LAB: reachability between a lab's nodes
 *
 * Each probe is rendered once, to JSON ({"from", "to", "address",
 * "expected", "reachable"}, plus the interface or the host's network); the
 * matrix is printed from that JSON, so -j and the table never disagree.
 * Rows are sending nodes, columns the nodes (and the host) probed; a cell
 * holds one verdict per address of the column, joined by "/" when they
 * differ.
 */
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
	char addr[64];
	bool host = !*r->to;

	nsnet_prefix_format(&r->address, false, addr, sizeof(addr));
	return json_pack("{s:s, s:s, s:s, s:s, s:b, s:b}", "from", r->from,
			 "to", host ? "host" : r->to,
			 host ? "network" : "interface", r->ifname,
			 "address", addr, "expected", r->expected,
			 "reachable", r->reachable);
}

/**
 * verdict() - a probe's cell word
 * @p:		the rendered probe
 *
 * Return: "ok", "--" (isolated, as the lab wants), "FAIL" or "LEAK".
 */
static const char *verdict(json_t *p)
{
	bool want = json_is_true(json_object_get(p, "expected"));
	bool got = json_is_true(json_object_get(p, "reachable"));

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
 * grid_names() - rows and columns from the probes
 * @g:		grid, zeroed
 * @arr:	rendered probes
 *
 * Columns follow the rows' order (the lab file's), not the order probes
 * happen to name them in.
 *
 * Return: 0, or -1 when out of memory.
 */
static int grid_names(struct grid *g, json_t *arr)
{
	size_t i, n = json_array_size(arr);
	json_t *p;

	g->rows = calloc(n + 1, sizeof(*g->rows));
	g->cols = calloc(n + 2, sizeof(*g->cols));
	if (!g->rows || !g->cols)
		return -1;
	json_array_foreach(arr, i, p) {
		if (find_name(g->rows, g->n_rows, jstr(p, "from")) == g->n_rows)
			g->rows[g->n_rows++] = jstr(p, "from");
		g->has_host |= is_host(p);
	}
	for (i = 0; i < g->n_rows; i++) {
		size_t k;

		json_array_foreach(arr, k, p)
			if (!is_host(p) && !strcmp(jstr(p, "to"), g->rows[i])) {
				g->cols[g->n_cols++] = g->rows[i];
				break;
			}
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
			const char *label = g->cols[col];

			if (g->numbered && !(g->has_host && col == g->n_cols - 1)) {
				snprintf(num, sizeof(num), "%zu", find_name(g->rows,
					 g->n_rows, g->cols[col]) + 1);
				label = num;
			}
			g->width[col] = (int)strlen(label);
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
	for (col = 0; col < g->n_cols; col++) {
		if (g->numbered && !(g->has_host && col == g->n_cols - 1))
			snprintf(label, sizeof(label), "%zu", find_name(g->rows,
				 g->n_rows, g->cols[col]) + 1);
		else
			snprintf(label, sizeof(label), "%s", g->cols[col]);
		fprintf(c->out, "  %-*s", col + 1 < g->n_cols ? g->width[col] : 0,
			label);
	}
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
	size_t i, n[4] = { 0 };
	json_t *p;

	json_array_foreach(arr, i, p) {
		const char *v = verdict(p);

		n[!strcmp(v, "--") ? 1 : !strcmp(v, "FAIL") ? 2 :
		  !strcmp(v, "LEAK") ? 3 : 0]++;
	}
	if (!c->json)
		fprintf(c->out, "check %s: %zu probe%s: %zu ok, %zu isolated (--), "
			"%zu FAIL, %zu LEAK\n", lab, json_array_size(arr),
			json_array_size(arr) == 1 ? "" : "s", n[0], n[1], n[2],
			n[3]);
	fflush(c->out);	/* the table first, then what went wrong */
	json_array_foreach(arr, i, p) {
		const char *v = verdict(p);

		if (strcmp(v, "FAIL") != 0 && strcmp(v, "LEAK") != 0)
			continue;
		fprintf(c->err, "nsnet: check %s: %s -> %s (%s): %s\n", lab,
			jstr(p, "from"), jstr(p, "to"), jstr(p, "address"),
			!strcmp(v, "FAIL") ? "no answer" :
			"answered, though the lab's topology isolates it");
	}
	return n[2] + n[3];
}

/**
 * cli_check() - nsnet check LAB
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
	struct nsnet_reach *r;
	json_t *arr;
	int n, i, rc;

	if (argc != 1)
		return cli_usage(c, "check: expects one LAB");
	if ((rc = cli_lab_name(c, argv[0])) || (rc = cli_ctx(c)))
		return rc;
	n = nsnet_lab_reach(c->ctx, argv[0], 0, &r);
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
	if (report(c, argv[0], arr) && !rc)
		rc = EXIT_FAILED;
	json_decref(arr);
	return rc;
}
