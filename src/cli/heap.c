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
 * transparent huge pages, a few 2 MiB faults replace them (`perf stat` of
 * that re-up in the sandbox: 1,770 faults and 111 ms before, ~180 faults
 * and 81 ms after). On bare metal a fault is cheap and this changes little. Only the program does it: the library never tunes
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
#define PAGE_4K ((uintptr_t)4096)

/**
 * heap_tune() - make the heap one growing region backed by huge pages
 *
 * Large blocks come from the heap instead of mmap() (a dump's vector grown
 * by realloc() would otherwise be mapped, copied and unmapped), freed
 * memory is kept for reuse instead of being given back and faulted in
 * again, and worker threads share the main arena instead of each faulting
 * in a 64 MiB one. Then a filler block grows the heap by HEAP_RESERVE,
 * ending a page short of the first 2 MiB boundary, and the aligned part
 * after it is marked MADV_HUGEPAGE. Nothing may touch that part before:
 * a page faulted in there as a small one keeps its 2 MiB range in small
 * pages (the top chunk's header, written right after the filler, is why
 * the filler ends a page early). The filler is never written beyond its
 * header: it costs address space, not memory. Every step is advice: when
 * one is refused (THP disabled, an old kernel) nsnet works as before.
 *
 * Return: the filler, for heap_release(); may be NULL.
 */
void *heap_tune(void)
{
	uintptr_t lo, hi, top;
	char *start;
	void *filler;

	mallopt(M_MMAP_THRESHOLD, (int)(HEAP_RESERVE / 2));
	mallopt(M_TRIM_THRESHOLD, (int)(HEAP_RESERVE * 4));
	mallopt(M_ARENA_MAX, 1);
	mallopt(M_TOP_PAD, (int)HEAP_RESERVE);
	start = sbrk(0);
	if (start == (void *)-1)
		return NULL;
	/* The free top of the heap ends at the break. */
	top = (uintptr_t)start - mallinfo2().keepcost;
	lo = ((uintptr_t)start + 2 * PAGE_4K + HUGE_PAGE - 1) & ~(HUGE_PAGE - 1);
	filler = malloc(lo - PAGE_4K - top);
	hi = (uintptr_t)sbrk(0) & ~(HUGE_PAGE - 1);
	if (filler && hi > lo)
		madvise((void *)lo, hi - lo, MADV_HUGEPAGE);
	return filler;
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
