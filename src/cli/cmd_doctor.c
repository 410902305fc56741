// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cmd_doctor.c - nsnet doctor [LAB|NS]
 *
 * One block per finding, in the order the fixes are to be run:
 *
 *	problem: interface veth-red is down
 *	where:   lab house, node red, interface veth-red
 *	fix:     nsnet -n red link set veth-red up
 *
 * or "no problems found". -j prints the same findings as a JSON list. The
 * exit status says whether anything is wrong (1) or not (0); 2 is for a
 * name that is neither a lab that is up nor a namespace.
 */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

/**
 * severity_name() - a severity as a word
 * @sev:	enum nsnet_severity
 *
 * Return: "error", "warning" or "note".
 */
static const char *severity_name(int sev)
{
	switch (sev) {
	case NSNET_SEV_ERROR:	return "error";
	case NSNET_SEV_WARNING:	return "warning";
	default:		return "note";
	}
}

/**
 * render_finding() - one finding as JSON
 * @f:		the finding
 *
 * Return: a new {"severity", "check", "what", "where", "fix"} object.
 */
static json_t *render_finding(const struct nsnet_finding *f)
{
	return json_pack("{s:s, s:s, s:s, s:s, s:s}",
			 "severity", severity_name(f->severity),
			 "check", f->check, "what", f->what,
			 "where", f->where, "fix", f->fix);
}

/**
 * text_finding() - one finding as a block of lines
 * @c:		invocation
 * @f:		rendered finding
 *
 * A warning says so after what it is; a note has no fix.
 */
static void text_finding(struct cli *c, json_t *f)
{
	const char *sev = json_string_value(json_object_get(f, "severity"));
	const char *fix = json_string_value(json_object_get(f, "fix"));
	bool note = !strcmp(sev, "note");

	fprintf(c->out, "%s %s%s\nwhere:   %s\n", note ? "note:   " : "problem:",
		json_string_value(json_object_get(f, "what")),
		!strcmp(sev, "warning") ? " (warning)" : "",
		json_string_value(json_object_get(f, "where")));
	if (*fix)
		fprintf(c->out, "fix:     %s\n", fix);
}

/**
 * cli_doctor() - nsnet doctor [LAB|NS]
 * @c:		invocation
 * @argc:	argument count
 * @argv:	arguments
 *
 * Return: EXIT_OK when nothing is wrong, EXIT_FAILED when something is,
 * EXIT_USAGE for an unknown name.
 */
int cli_doctor(struct cli *c, int argc, char **argv)
{
	struct nsnet_finding *fs;
	bool bad = false;
	json_t *arr, *f;
	size_t i;
	int n, k, rc;

	if (argc > 1)
		return cli_usage(c, "doctor: expects at most one LAB or NS");
	if ((rc = cli_ctx(c)))
		return rc;
	n = nsnet_doctor(c->ctx, argc ? argv[0] : NULL, 0, &fs);
	if (n < 0)
		return cli_lib_error(c);
	arr = json_array();
	for (k = 0; k < n; k++) {
		json_array_append_new(arr, render_finding(&fs[k]));
		bad |= fs[k].severity != NSNET_SEV_NOTE;
	}
	free(fs);
	if (c->json) {
		cli_emit(c, arr, text_finding);
	} else {
		json_array_foreach(arr, i, f) {
			if (i)
				fputc('\n', c->out);
			text_finding(c, f);
		}
		if (!bad)
			fprintf(c->out, "%sno problems found\n", n ? "\n" : "");
		json_decref(arr);
	}
	return bad ? EXIT_FAILED : EXIT_OK;
}
