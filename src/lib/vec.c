// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * vec.c - growable arrays that dumps collect their results in
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/**
 * vec_push() - append one zeroed item
 * @v:		the array; @v->size must be set
 *
 * Doubling keeps a dump of N objects O(N) in copies.
 *
 * Return: the new item, or NULL when out of memory.
 */
void *vec_push(struct vec *v)
{
	char *item;

	if (v->n == v->cap) {
		/* Big items (a lab file's interfaces, routes) mostly come one
		 * or two to an array: 16 of them for every node of a large
		 * lab cost more in malloc and page faults than the parse. */
		size_t cap = v->cap ? v->cap * 2 : v->size >= 64 ? 2 : 16;
		void *p = realloc(v->items, cap * v->size);

		if (!p)
			return NULL;
		v->items = p;
		v->cap = cap;
	}
	item = (char *)v->items + v->n++ * v->size;
	memset(item, 0, v->size);
	return item;
}

/**
 * vec_take() - hand the items over to the caller
 * @v:		the array, left empty
 * @out_items:	a pointer to the caller's array pointer (void ** in disguise)
 *
 * An empty result is still a valid pointer the caller may free().
 *
 * Return: the number of items, or -ENOMEM.
 */
int vec_take(struct vec *v, void *out_items)
{
	int n = (int)v->n;

	if (!v->items) {
		v->items = malloc(v->size);
		if (!v->items)
			return -ENOMEM;
	}
	memcpy(out_items, &v->items, sizeof(void *));
	v->items = NULL;
	v->n = v->cap = 0;
	return n;
}

/**
 * vec_sort() - sort the items
 * @v:		the array
 * @cmp:	qsort() comparator
 *
 * qsort() must not see the NULL of an array that never grew.
 */
void vec_sort(struct vec *v, int (*cmp)(const void *, const void *))
{
	if (v->n > 1)
		qsort(v->items, v->n, v->size, cmp);
}
