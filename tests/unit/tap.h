/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tap.h - a tiny header-only TAP producer for nsnet's C unit tests
 *
 *	plan(3);                      // optional; done_testing() prints it otherwise
 *	ok(x == 1, "x is %d", 1);
 *	is_int(f(), 0, "f() succeeds");
 *	is_str(name, "red", "the name");
 *	return done_testing();        // 0 if every test passed, else 1
 *
 * Output goes to stdout, diagnostics ("# ...") to stderr, as prove expects.
 * State is static to the including file: one test program, one plan.
 */
#ifndef NSNET_TAP_H
#define NSNET_TAP_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#define TAP_PRINTF(a, b) __attribute__((format(printf, a, b)))

static int tap_planned_ = -1;	/* -1: no plan printed yet */
static int tap_run_;
static int tap_failed_;

/**
 * plan() - announce how many tests will run
 * @n:	the number of tests
 */
static inline void plan(int n)
{
	tap_planned_ = n;
	printf("1..%d\n", n);
	fflush(stdout);
}

/**
 * diag() - print a diagnostic line ("# ...") to stderr
 * @fmt:	printf format
 */
static inline TAP_PRINTF(1, 2) void diag(const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fputs("# ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	fflush(stderr);
}

/**
 * tap_vok_() - record one result
 * @pass:	whether the test passed
 * @file:	source file of the test
 * @line:	source line of the test
 * @fmt:	printf format of the test's name
 * @ap:		its arguments
 *
 * Return: @pass.
 */
static inline TAP_PRINTF(4, 0) bool tap_vok_(bool pass, const char *file,
					     int line, const char *fmt, va_list ap)
{
	tap_run_++;
	if (!pass)
		tap_failed_++;
	printf("%sok %d - ", pass ? "" : "not ", tap_run_);
	vprintf(fmt, ap);
	putchar('\n');
	fflush(stdout);
	if (!pass)
		diag("  Failed test at %s line %d.", file, line);
	return pass;
}

/* tap_ok_() - ok() without the macro; see tap_vok_(). */
static inline TAP_PRINTF(4, 5) bool tap_ok_(bool pass, const char *file,
					    int line, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	pass = tap_vok_(pass, file, line, fmt, ap);
	va_end(ap);
	return pass;
}

/* tap_is_int_() - is_int() without the macro. */
static inline TAP_PRINTF(5, 6) bool tap_is_int_(long long got, long long exp,
						const char *file, int line,
						const char *fmt, ...)
{
	va_list ap;
	bool pass = got == exp;

	va_start(ap, fmt);
	tap_vok_(pass, file, line, fmt, ap);
	va_end(ap);
	if (!pass)
		diag("         got: %lld\n#     expected: %lld", got, exp);
	return pass;
}

/* tap_is_str_() - is_str() without the macro; NULL equals only NULL. */
static inline TAP_PRINTF(5, 6) bool tap_is_str_(const char *got,
						const char *exp,
						const char *file, int line,
						const char *fmt, ...)
{
	va_list ap;
	bool pass = (got && exp) ? strcmp(got, exp) == 0 : got == exp;

	va_start(ap, fmt);
	tap_vok_(pass, file, line, fmt, ap);
	va_end(ap);
	if (!pass)
		diag("         got: %s%s%s\n#     expected: %s%s%s",
		     got ? "'" : "", got ? got : "NULL", got ? "'" : "",
		     exp ? "'" : "", exp ? exp : "NULL", exp ? "'" : "");
	return pass;
}

/**
 * skip() - record @n skipped tests
 * @n:		how many
 * @why:	the reason
 */
static inline void skip(int n, const char *why)
{
	while (n-- > 0) {
		printf("ok %d # skip %s\n", ++tap_run_, why);
	}
	fflush(stdout);
}

/**
 * done_testing() - finish: print the plan if none was given, check it
 *
 * Return: the exit status for main(): 0 if all passed as planned, else 1.
 */
static inline int done_testing(void)
{
	if (tap_planned_ < 0) {
		printf("1..%d\n", tap_run_);
	} else if (tap_planned_ != tap_run_) {
		diag("Looks like you planned %d tests but ran %d.",
		     tap_planned_, tap_run_);
		return 1;
	}
	fflush(stdout);
	if (tap_failed_)
		diag("Looks like you failed %d test%s of %d.", tap_failed_,
		     tap_failed_ == 1 ? "" : "s", tap_run_);
	return tap_failed_ ? 1 : 0;
}

/* ok(cond, fmt, ...) - pass when @cond is true. Returns the result. */
#define ok(cond, ...) tap_ok_(!!(cond), __FILE__, __LINE__, __VA_ARGS__)
/* is_int(got, expected, fmt, ...) - integers equal */
#define is_int(got, exp, ...) \
	tap_is_int_((long long)(got), (long long)(exp), __FILE__, __LINE__, \
		    __VA_ARGS__)
/* is_str(got, expected, fmt, ...) - strings equal (NULL only equals NULL) */
#define is_str(got, exp, ...) \
	tap_is_str_((got), (exp), __FILE__, __LINE__, __VA_ARGS__)

#endif /* NSNET_TAP_H */
