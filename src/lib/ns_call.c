// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * ns_call.c - run a function inside another network namespace
 *
 * Namespace membership is per thread, so the work is handed to a helper
 * thread that joins the namespace: the caller's thread never switches and
 * can never be left stranded in the wrong namespace.
 *
 * The helper lives as long as the context. Starting a thread per call cost
 * more than the work itself: a thousand-node `up` opens a socket in every
 * namespace and creates every namespace this way. After each call the helper
 * goes back to the context's namespace, so it never keeps one alive that is
 * being deleted. It blocks all signals (a SIGTERM meant for a signalfd of
 * the caller's must not land on it), and a context used in a child after
 * fork() (where the helper does not exist) starts a helper of its own.
 */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <unistd.h>

#include "internal.h"

/**
 * struct ns_helper - a context's helper thread and the call it runs
 * @thread:	the thread
 * @lock:	guards everything below
 * @cv:		signalled when a call is posted, done, or the helper must quit
 * @pid:	the process the helper runs in (after fork(): not this one)
 * @home:	the context's namespace, where the helper waits
 * @pending:	a call is posted and not done yet
 * @quit:	the helper must end
 * @nsfd:	the call's namespace, -1 for the context's own
 * @fn:		the call's work
 * @arg:	its argument
 * @ret:	its result
 */
struct ns_helper {
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t cv;
	pid_t pid;
	int home;
	bool pending;
	bool quit;
	int nsfd;
	int (*fn)(void *);
	void *arg;
	int ret;
};

/**
 * run_in() - join @nsfd (or @home), run @fn, go back home
 * @home:	the context's namespace
 * @nsfd:	namespace to run in, -1 for @home
 * @fn:		the work; may unshare(CLONE_NEWNET) for itself
 * @arg:	its argument
 *
 * Return: @fn's result, or -errno if the namespace could not be joined.
 */
static int run_in(int home, int nsfd, int (*fn)(void *), void *arg)
{
	int ret;

	if (setns(nsfd >= 0 ? nsfd : home, CLONE_NEWNET) < 0)
		return -errno;
	ret = fn(arg);
	/* Cannot fail for a thread that could leave home; if it did, the
	 * next call joins its own namespace anyway. */
	(void)setns(home, CLONE_NEWNET);
	return ret;
}

/**
 * helper_main() - the helper thread: run posted calls until told to quit
 * @p:		struct ns_helper
 *
 * Return: NULL.
 */
static void *helper_main(void *p)
{
	struct ns_helper *h = p;

	pthread_mutex_lock(&h->lock);
	for (;;) {
		while (!h->pending && !h->quit)
			pthread_cond_wait(&h->cv, &h->lock);
		if (h->quit)
			break;
		pthread_mutex_unlock(&h->lock);
		h->ret = run_in(h->home, h->nsfd, h->fn, h->arg);
		pthread_mutex_lock(&h->lock);
		h->pending = false;
		pthread_cond_broadcast(&h->cv);
	}
	pthread_mutex_unlock(&h->lock);
	return NULL;
}

/**
 * start_blocked() - start a thread with every signal blocked
 * @t:		the thread
 * @fn:		its body
 * @arg:	its argument
 *
 * Return: 0, or a positive error number (as pthread_create()).
 */
int start_blocked(pthread_t *t, void *(*fn)(void *), void *arg)
{
	sigset_t all, old;
	int err;

	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	err = pthread_create(t, NULL, fn, arg);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return err;
}

/**
 * helper_get() - the context's helper, started on first use
 * @ctx:	context
 *
 * Return: the helper, or NULL if no thread could be started.
 */
static struct ns_helper *helper_get(struct nsnet_ctx *ctx)
{
	struct ns_helper *h = ctx->helper;

	if (h && h->pid == getpid())
		return h;
	if (!h) {
		h = calloc(1, sizeof(*h));
		if (!h)
			return NULL;
		ctx->helper = h;
	}
	/* New, or inherited through fork() without its thread: the old
	 * lock's state is meaningless here, start from scratch. */
	pthread_mutex_init(&h->lock, NULL);
	pthread_cond_init(&h->cv, NULL);
	h->pending = h->quit = false;
	h->home = ctx->host_fd;
	if (start_blocked(&h->thread, helper_main, h)) {
		h->pid = 0;
		return NULL;
	}
	h->pid = getpid();
	return h;
}

/**
 * thread_main() - body of a one-off thread (no helper could be started)
 * @p:		struct ns_helper holding the call
 *
 * Return: NULL.
 */
static void *thread_main(void *p)
{
	struct ns_helper *h = p;

	h->ret = run_in(h->home, h->nsfd, h->fn, h->arg);
	return NULL;
}

/**
 * ns_call() - run @fn in the context's helper thread, inside namespace @nsfd
 * @ctx:	context
 * @nsfd:	namespace descriptor, or -1 for the context's own
 * @fn:		the work; may also unshare(CLONE_NEWNET) for itself
 * @arg:	its argument
 *
 * Return: @fn's result, or -errno if it could not be run.
 */
int ns_call(struct nsnet_ctx *ctx, int nsfd, int (*fn)(void *), void *arg)
{
	struct ns_helper *h = helper_get(ctx);
	int ret;

	if (!h) {
		/* No helper: one thread for this call. */
		struct ns_helper one = { .home = ctx->host_fd, .nsfd = nsfd,
					 .fn = fn, .arg = arg };
		pthread_t t;

		ret = start_blocked(&t, thread_main, &one);
		if (ret)
			return -ret;
		pthread_join(t, NULL);
		return one.ret;
	}
	pthread_mutex_lock(&h->lock);
	h->nsfd = nsfd;
	h->fn = fn;
	h->arg = arg;
	h->pending = true;
	pthread_cond_broadcast(&h->cv);
	while (h->pending)
		pthread_cond_wait(&h->cv, &h->lock);
	ret = h->ret;
	pthread_mutex_unlock(&h->lock);
	return ret;
}

/**
 * ns_helper_stop() - end the context's helper thread
 * @ctx:	context
 *
 * In a child after fork() the thread is not there: only the memory goes.
 */
void ns_helper_stop(struct nsnet_ctx *ctx)
{
	struct ns_helper *h = ctx->helper;

	if (!h)
		return;
	if (h->pid == getpid()) {
		pthread_mutex_lock(&h->lock);
		h->quit = true;
		pthread_cond_broadcast(&h->cv);
		pthread_mutex_unlock(&h->lock);
		pthread_join(h->thread, NULL);
		pthread_cond_destroy(&h->cv);
		pthread_mutex_destroy(&h->lock);
	}
	free(h);
	ctx->helper = NULL;
}
