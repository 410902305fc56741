// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * ctx.c - the library context and its error buffer
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/resource.h>

#include "engine.h"

/**
 * sock_cache_max() - how many netlink sockets a context may keep open
 *
 * Half the open-file limit as it is now, so that the caller keeps the
 * other half: a socket per namespace saves a trip through the helper
 * thread each time a namespace is worked on again. The limit is the
 * caller's to raise (ulimit -n): programs nsnet starts inherit it.
 *
 * Return: the bound.
 */
static size_t sock_cache_max(void)
{
	struct rlimit r;
	size_t n = SOCK_CACHE_MIN;

	if (getrlimit(RLIMIT_NOFILE, &r) == 0)
		n = r.rlim_cur == RLIM_INFINITY || r.rlim_cur / 2 > SOCK_CACHE_MAX ?
		    SOCK_CACHE_MAX : (size_t)r.rlim_cur / 2;
	if (n < SOCK_CACHE_MIN)
		n = SOCK_CACHE_MIN;
	return n > SOCK_CACHE_MAX ? SOCK_CACHE_MAX : n;
}

/**
 * nsnet_ctx_new() - create a context bound to the caller's network namespace
 * @out:	where to store it
 *
 * Return: 0, or -errno.
 */
int nsnet_ctx_new(struct nsnet_ctx **out)
{
	struct nsnet_ctx *ctx;

	ctx = calloc(1, sizeof(*ctx));
	if (!ctx)
		return -ENOMEM;
	ctx->rbuf = malloc(NL_RECV_SIZE * NL_RECV_DGRAMS);
	/* thread-self: a namespace is a per-thread property */
	ctx->host_fd = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
	if (!ctx->rbuf || ctx->host_fd < 0) {
		int err = ctx->rbuf ? -errno : -ENOMEM;

		if (ctx->host_fd >= 0)
			close(ctx->host_fd);
		free(ctx->rbuf);
		free(ctx);
		return err;
	}
	ctx->maxsocks = sock_cache_max();
	*out = ctx;
	return 0;
}

/**
 * kernel_has_ipv6() - whether the kernel has IPv6 (ipv6.disable=1 or no
 * module leaves /proc/sys/net/ipv6 out)
 * @ctx:	context; the answer is kept there
 *
 * Return: true if so.
 */
bool kernel_has_ipv6(struct nsnet_ctx *ctx)
{
	if (!ctx->ipv6)
		ctx->ipv6 = access("/proc/sys/net/ipv6", F_OK) == 0 ? 1 : -1;
	return ctx->ipv6 > 0;
}

/**
 * nsnet_ctx_free() - release a context
 * @ctx:	context, may be NULL
 */
void nsnet_ctx_free(struct nsnet_ctx *ctx)
{
	if (!ctx)
		return;
	ns_helper_stop(ctx);
	nl_socks_close(ctx);
	diags_clear(ctx);
	close(ctx->host_fd);
	free(ctx->rbuf);
	free(ctx);
}

/**
 * nsnet_errmsg() - text of the last failure
 * @ctx:	context
 *
 * Return: the text, empty if nothing failed.
 */
const char *nsnet_errmsg(const struct nsnet_ctx *ctx)
{
	return ctx->err;
}

/**
 * nsnet_err_is_input() - whether the last failure was the input's fault
 * @ctx:	context
 *
 * Return: true for an input error.
 */
bool nsnet_err_is_input(const struct nsnet_ctx *ctx)
{
	return ctx->err_input;
}

/**
 * nsnet_clear_err() - forget the last failure
 * @ctx:	context
 */
void nsnet_clear_err(struct nsnet_ctx *ctx)
{
	ctx->err[0] = '\0';
	ctx->err_input = false;
}

/**
 * vfail() - record "<what>: <why>" in the error buffer
 * @ctx:	context
 * @input:	whether the input is at fault
 * @err:	negative errno
 * @why:	the reason, NULL for strerror(-@err)
 * @fmt:	printf format of <what>
 * @ap:		arguments
 *
 * Return: @err, so callers can `return nsnet_fail(...)`.
 */
static int vfail(struct nsnet_ctx *ctx, bool input, int err, const char *why,
		 const char *fmt, va_list ap)
{
	size_t n;

	vsnprintf(ctx->err, sizeof(ctx->err), fmt, ap);
	n = strlen(ctx->err);
	snprintf(ctx->err + n, sizeof(ctx->err) - n, ": %s",
		 why ? why : strerror(-err));
	ctx->err_input = input;
	return err;
}

/**
 * nsnet_fail() - record an operation failure, explained by strerror
 * @ctx:	context
 * @err:	negative errno
 * @fmt:	printf format of what failed
 *
 * Return: @err.
 */
int nsnet_fail(struct nsnet_ctx *ctx, int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfail(ctx, false, err, NULL, fmt, ap);
	va_end(ap);
	return err;
}

/**
 * nsnet_fail_input() - record a failure caused by the input, with strerror
 * @ctx:	context
 * @err:	negative errno
 * @fmt:	printf format of what was wrong
 *
 * Return: @err.
 */
int nsnet_fail_input(struct nsnet_ctx *ctx, int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfail(ctx, true, err, NULL, fmt, ap);
	va_end(ap);
	return err;
}

/**
 * nsnet_fail_why() - record a failure with an explicit reason
 * @ctx:	context
 * @err:	negative errno
 * @input:	whether the input is at fault
 * @why:	the reason shown after the colon
 * @fmt:	printf format of what failed
 *
 * Return: @err.
 */
int nsnet_fail_why(struct nsnet_ctx *ctx, int err, bool input,
		   const char *why, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfail(ctx, input, err, why, fmt, ap);
	va_end(ap);
	return err;
}

/**
 * err_keep() - copy the context's failure, before cleanup runs
 * @ctx:	context
 * @k:		where it goes
 */
void err_keep(const struct nsnet_ctx *ctx, struct err_keep *k)
{
	memcpy(k->err, ctx->err, sizeof(k->err));
	k->input = ctx->err_input;
}

/**
 * err_restore() - make a kept failure the context's again
 * @ctx:	context
 * @k:		the kept failure
 *
 * The first failure is what the caller is told; what went wrong while
 * cleaning up after it would only hide it.
 */
void err_restore(struct nsnet_ctx *ctx, const struct err_keep *k)
{
	memcpy(ctx->err, k->err, sizeof(ctx->err));
	ctx->err_input = k->input;
}
