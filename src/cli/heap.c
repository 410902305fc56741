// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * heap.c - the nsnet program's heap: one region, in large pages
 *
 * The program lives for one command and builds most of its memory once: the
 * lab file's document, a dump of every namespace, the state to write. On a
 * VM with shadow page tables (the benchmark machine) the first touch of each
 * 4 KiB page costs 15-20 us, more than the work done in it: an unchanged
 * `up` of a 1,000-node lab touched ~1,800 fresh pages, a quarter of its
 * time. With the heap in one region that never shrinks and asks for
 * transparent huge pages, a few 2 MiB faults replace them (`make bench`:
 * re-up of star-1000 from 111 to 84 ms). On bare metal a fault is cheap and
 * this changes little. Only the program does it: the library never tunes
 * its caller's allocator.
 */
#include <malloc.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "cli.h"

/* Address space the heap takes at once (only touched pages cost memory). */
#define HEAP_RESERVE ((size_t)64 << 20)
#define HUGE_PAGE ((uintptr_t)2 << 20)

/**
 * heap_tune() - make the heap one growing region backed by huge pages
 *
 * Large blocks come from the heap instead of mmap() (a dump's vector grown
 * by realloc() would otherwise be mapped, copied and unmapped), freed
 * memory is kept for reuse instead of being given back and faulted in
 * again, and worker threads share the main arena instead of each faulting
 * in a 64 MiB one. Then the heap is grown once by HEAP_RESERVE and its
 * 2 MiB-aligned part marked MADV_HUGEPAGE; a filler block takes the space
 * below the first aligned address, so what the program allocates next
 * lands in huge pages (the filler is never written: it costs address
 * space, not memory). Every step is advice: when one is refused (THP
 * disabled, an old kernel) nsnet works as before.
 *
 * Return: the filler, for heap_release(); may be NULL.
 */
void *heap_tune(void)
{
	uintptr_t lo, hi;
	char *start;
	void *p;

	mallopt(M_MMAP_THRESHOLD, (int)(HEAP_RESERVE / 2));
	mallopt(M_TRIM_THRESHOLD, (int)(HEAP_RESERVE * 4));
	mallopt(M_ARENA_MAX, 1);
	mallopt(M_TOP_PAD, (int)HEAP_RESERVE);
	start = sbrk(0);
	if (start == (void *)-1)
		return NULL;
	/* More than the heap has free: it grows, by the pad as well. */
	p = malloc((size_t)256 << 10);
	if (p)
		*(volatile char *)p = 0;	/* a use the compiler must keep */
	free(p);
	lo = ((uintptr_t)start + HUGE_PAGE - 1) & ~(HUGE_PAGE - 1);
	hi = (uintptr_t)sbrk(0) & ~(HUGE_PAGE - 1);
	if (hi <= lo + HUGE_PAGE)
		return NULL;
	madvise((void *)lo, hi - lo, MADV_HUGEPAGE);
	/* The free space began below @start (the old top), so this ends
	 * just below @lo. */
	return malloc(lo - (uintptr_t)start);
}

/**
 * heap_release() - give back heap_tune()'s filler
 * @filler:	its return value
 *
 * Only so that leak checkers see every block freed.
 */
void heap_release(void *filler)
{
	free(filler);
}
