// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuzz_lab.c - libFuzzer target: a lab file, read, checked and planned
 *
 * Every input is the text of a lab file: lab_parse_buffer(), lab_check()
 * when it parsed, and for a lab that passed both, plan_lab() against an
 * empty observation (no namespace, no link, no nftables table of the lab,
 * Open vSwitch present with no bridge): what `nsnet lab up` plans on a
 * fresh host. That needs neither root nor the kernel: the planner only
 * reads /proc/sys/net/.../forwarding, and asks the kernel about cables
 * that already exist (none here). Every diagnostic is formatted too.
 *
 * `make fuzz` builds and runs it, seeded from tests/fixtures/labs/.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"
#include "internal.h"
#include "lab.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/**
 * format_all() - every diagnostic as the CLI would print it
 * @d:		diagnostics
 *
 * The text must be terminated within the buffer, whatever the file held.
 */
static void format_all(const struct lab_diags *d)
{
	char buf[512];
	size_t i;

	for (i = 0; i < d->n; i++) {
		lab_diag_format(d, i, buf, sizeof(buf));
		if (strnlen(buf, sizeof(buf)) >= sizeof(buf))
			abort();
	}
}

/**
 * plan_empty() - plan `up` of a checked lab on a host with nothing of it
 * @lab:	the lab
 *
 * A context per input: it holds only a descriptor of the namespace and
 * a receive buffer here, and keeping one across inputs would need a
 * global.
 */
static void plan_empty(const struct lab *lab)
{
	struct lab_diags d = { .file = "fuzz.yaml" };
	struct observed o;
	struct nsnet_ctx *ctx;
	struct plan p;

	if (nsnet_ctx_new(&ctx))
		return;
	memset(&o, 0, sizeof(o));
	o.host.exists = true;
	o.ovs.present = true;
	if (plan_lab(ctx, lab, NULL, NULL, &o, &p, &d) == 0) {
		size_t i;
		char text[512];

		for (i = 0; i < p.n; i++)
			op_text(&p.ops[i], text, sizeof(text));
		if (p.state) {
			char *s = json_dumps(p.state, JSON_COMPACT);

			if (!s)
				abort();	/* the state must be JSON (UTF-8) */
			free(s);
		}
	}
	format_all(&d);
	plan_free(&p);
	lab_diags_free(&d);
	nsnet_ctx_free(ctx);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct lab_diags d = { .file = "fuzz.yaml" };
	struct lab *lab = NULL;
	int err;

	err = lab_parse_buffer("fuzz.yaml", (const char *)data, size, &lab, &d);
	if (lab && lab_check(lab, &d) == 0 && !err)
		plan_empty(lab);
	format_all(&d);
	lab_free(lab);
	lab_diags_free(&d);
	return 0;
}
