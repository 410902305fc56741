// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * main.c - the nsnet program: everything else is in cli_main(), which the
 * unit tests call directly with memory streams.
 */
#include "cli.h"

/**
 * main() - nsnet
 * @argc:	argument count
 * @argv:	arguments
 *
 * Return: exit code.
 */
int main(int argc, char **argv)
{
	struct cli c = { .out = stdout, .err = stderr };
	void *filler = heap_tune();
	int rc;

	rc = cli_main(&c, argc - 1, argv + 1);
	nsnet_ctx_free(c.ctx);
	heap_release(filler);
	if (fflush(stdout) != 0 && rc == EXIT_OK)
		rc = EXIT_FAILED;
	return rc;
}
