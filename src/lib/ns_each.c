// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * ns_each.c - the same work in many namespaces, by a few threads
 *
 * A thread can join one network namespace after another with setns(), and
 * a socket it opens belongs to the namespace it is in at that moment. So a
 * handful of workers, each with a context of its own, visit every namespace
 * of a lab: starting a thread per namespace (ns_call()) costs more than the
 * dumps done there, and a thousand of them dominated an unchanged `up`.
 * Each item opens its namespace itself, so no more than one descriptor per
 * worker is open at a time. The caller's thread never switches; the
 * workers end when the list does, wherever they stand.
 */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"

/* Workers at most, and items per worker before another one is worth it. */
#define EACH_THREADS_MAX 4
#define EACH_ITEMS_PER_THREAD 32

/**
 * struct each - one ns_each() call, shared by its workers
 * @n:		items
 * @fn:		the work
 * @arg:	its argument
 * @next:	the next item to take
 * @lock:	guards the failure fields
 * @failed:	index of the first failed item (lowest), @n if none
 * @err:	its -errno
 * @msg:	its message
 * @input:	it was an input error
 */
struct each {
	size_t n;
	ns_each_fn fn;
	void *arg;
	atomic_size_t next;
	pthread_mutex_t lock;
	size_t failed;
	int err;
	char msg[sizeof(((struct nsnet_ctx *)0)->err)];
	bool input;
};

/**
 * note_failure() - keep the failure of the lowest item
 * @e:		the call
 * @i:		item
 * @err:	-errno
 * @w:		the worker's context, holding the message (or NULL)
 *
 * Reporting the lowest failing item, not the first in time, keeps the
 * message the same from run to run whatever the threads' timing.
 */
static void note_failure(struct each *e, size_t i, int err,
			 const struct nsnet_ctx *w)
{
	pthread_mutex_lock(&e->lock);
	if (i < e->failed) {
		e->failed = i;
		e->err = err;
		snprintf(e->msg, sizeof(e->msg), "%s",
			 w ? w->err : strerror(-err));
		e->input = w && w->err_input;
	}
	pthread_mutex_unlock(&e->lock);
}

/**
 * worker() - take items until none is left (or one failed)
 * @p:		struct each
 *
 * Return: NULL.
 */
static void *worker(void *p)
{
	struct each *e = p;
	struct nsnet_ctx *w;
	size_t i;
	int err;

	err = nsnet_ctx_new(&w);
	if (err) {
		note_failure(e, 0, err, NULL);
		return NULL;
	}
	while ((i = atomic_fetch_add(&e->next, 1)) < e->n) {
		pthread_mutex_lock(&e->lock);
		err = i > e->failed;
		pthread_mutex_unlock(&e->lock);
		if (err)
			break;
		err = e->fn(w, i, e->arg);
		if (err) {
			note_failure(e, i, err, w);
			break;
		}
	}
	nsnet_ctx_free(w);
	return NULL;
}

/**
 * ns_each() - run @fn for items 0..@n-1 in worker threads that may switch
 *	       namespaces
 * @ctx:	context; a failure's message is copied here
 * @n:		items (namespaces, usually)
 * @fn:		called as fn(wctx, i, arg) by a worker thread, which it may
 *		move into item @i's namespace with setns(); wctx is the
 *		worker's own context (its host_fd is the caller's namespace):
 *		a socket opened with sock_open_here() belongs to the
 *		namespace the thread is in
 * @arg:	its argument; @fn must only write the parts of it that item
 *		@i owns, as several workers run at once
 *
 * Up to EACH_THREADS_MAX workers, one per EACH_ITEMS_PER_THREAD items and
 * no more than there are CPUs. On failure the remaining items are skipped.
 *
 * Return: 0, or the -errno of the lowest failing item.
 */
int ns_each(struct nsnet_ctx *ctx, size_t n, ns_each_fn fn, void *arg)
{
	struct each e = { .n = n, .fn = fn, .arg = arg, .failed = n };
	pthread_t t[EACH_THREADS_MAX];
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	size_t want = (n + EACH_ITEMS_PER_THREAD - 1) / EACH_ITEMS_PER_THREAD;
	size_t k, started = 0;
	int err;

	if (!n)
		return 0;
	if (cpus < 1)
		cpus = 1;
	if (want > (size_t)cpus)
		want = (size_t)cpus;
	if (want > EACH_THREADS_MAX)
		want = EACH_THREADS_MAX;
	if (!want)
		want = 1;
	atomic_init(&e.next, 0);
	pthread_mutex_init(&e.lock, NULL);
	for (k = 0; k < want; k++) {
		err = start_blocked(&t[k], worker, &e);
		if (err)
			break;
		started++;
	}
	if (!started)
		note_failure(&e, 0, -err, NULL);
	for (k = 0; k < started; k++)
		pthread_join(t[k], NULL);
	pthread_mutex_destroy(&e.lock);
	if (e.failed == n)
		return 0;
	snprintf(ctx->err, sizeof(ctx->err), "%s", e.msg);
	ctx->err_input = e.input;
	return e.err;
}
