/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * pfx.h - addresses written as text in unit tests
 */
#ifndef NSNET_TEST_PFX_H
#define NSNET_TEST_PFX_H

#include <stdlib.h>

#include <nsnet/nsnet.h>

#include "tap.h"

/**
 * pfx() - parse an address, failing the test run if the test itself is wrong
 * @s:		"ADDR[/LEN]"
 *
 * Return: the prefix.
 */
static inline struct nsnet_prefix pfx(const char *s)
{
	struct nsnet_prefix p;
	const char *why = nsnet_prefix_parse(s, 0, &p);

	if (why) {
		diag("bad address in the test itself: %s: %s", s, why);
		exit(1);
	}
	return p;
}

#endif /* NSNET_TEST_PFX_H */
