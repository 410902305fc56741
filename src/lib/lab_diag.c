// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * lab_diag.c - the problems found in a lab file, collected to be reported
 * together (as nftables does with its error records)
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lab.h"

/**
 * lab_diag_add() - record one problem
 * @d:		the collection
 * @pos:	where in the file (line 0: the file as a whole)
 * @fmt:	printf format of the message, which names the offending value
 *
 * Out of memory, the problem is only counted in @d->dropped: what was
 * found so far is kept, and the count still tells the caller the file is
 * not clean.
 */
void lab_diag_add(struct lab_diags *d, struct lab_pos pos, const char *fmt,
		  ...)
{
	struct lab_diag *it;
	va_list ap;

	if (d->n == d->cap) {
		size_t cap = d->cap ? d->cap * 2 : 8;
		void *p = realloc(d->items, cap * sizeof(*d->items));

		if (!p) {
			d->dropped++;
			return;
		}
		d->items = p;
		d->cap = cap;
	}
	it = &d->items[d->n++];
	it->pos = pos;
	va_start(ap, fmt);
	vsnprintf(it->msg, sizeof(it->msg), fmt, ap);
	va_end(ap);
}

/**
 * lab_diags_free() - release the problems, keep @d->file
 * @d:		the collection, may be NULL
 */
void lab_diags_free(struct lab_diags *d)
{
	if (!d)
		return;
	free(d->items);
	d->items = NULL;
	d->n = d->cap = d->dropped = 0;
}

/**
 * lab_diag_format() - one problem as the compilers write it
 * @d:		the collection
 * @i:		which problem
 * @buf:	output
 * @len:	size of @buf
 *
 * "FILE:LINE:COL: message", or "FILE: message" for a problem about the
 * whole file (line 0). Without a file name the "FILE:" part is left out.
 *
 * Return: @buf ("" if @i is out of range).
 */
const char *lab_diag_format(const struct lab_diags *d, size_t i, char *buf,
			    size_t len)
{
	const struct lab_diag *it;
	const char *file = d->file, *sep = d->file ? ": " : "";

	if (!len)
		return buf;
	buf[0] = '\0';
	if (i >= d->n)
		return buf;
	it = &d->items[i];
	if (!file)
		file = "";
	if (it->pos.line == 0)
		snprintf(buf, len, "%s%s%s", file, sep, it->msg);
	else
		snprintf(buf, len, "%s%s%u:%u: %s", file, d->file ? ":" : "",
			 it->pos.line, it->pos.col, it->msg);
	return buf;
}

/**
 * utf8_cut() - where to cut a text so no UTF-8 sequence is split
 * @s:		the text
 * @o:		its length
 *
 * Return: @o, or the start of an incomplete last sequence.
 */
static size_t utf8_cut(const char *s, size_t o)
{
	size_t k = o, need;
	unsigned char lead;

	while (k > 0 && ((unsigned char)s[k - 1] & 0xc0) == 0x80)
		k--;
	if (k == 0 || (unsigned char)s[k - 1] < 0xc0)
		return o;
	lead = (unsigned char)s[k - 1];
	need = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : 2;
	return o - (k - 1) < need ? k - 1 : o;
}

/**
 * lab_show_n() - a value from the file, made safe to put in a message
 * @v:		the value
 * @len:	its length (NUL bytes included)
 *
 * Messages end up on a terminal, and a lab file may come from anyone:
 * control characters, C1 controls in UTF-8 (U+0080..U+009F, which some
 * terminals take as CSI), '"' and '\\' are escaped. A long value is cut
 * with "..." on a character boundary, so the message around it survives.
 *
 * Return: the text, by value.
 */
struct lab_text lab_show_n(const char *v, size_t len)
{
	const unsigned char *p = (const unsigned char *)v, *end = p + len;
	struct lab_text t;
	size_t o = 0;

	for (; p < end && o < 60; p++) {
		if (*p < 0x20 || *p == 0x7f) {
			o += (size_t)snprintf(t.s + o, sizeof(t.s) - o,
					      "\\x%02x", *p);
		} else if (*p == 0xc2 && p + 1 < end && p[1] >= 0x80 &&
			   p[1] <= 0x9f) {
			o += (size_t)snprintf(t.s + o, sizeof(t.s) - o,
					      "\\u%04x", p[1]);
			p++;
		} else if (*p == '"' || *p == '\\') {
			t.s[o++] = '\\';
			t.s[o++] = (char)*p;
		} else {
			t.s[o++] = (char)*p;
		}
	}
	if (p < end) {
		o = utf8_cut(t.s, o);
		memcpy(t.s + o, "...", 3);
		o += 3;
	}
	t.s[o] = '\0';
	return t;
}

/**
 * lab_show() - a string from the file, made safe to put in a message
 * @v:		the string
 *
 * Return: as lab_show_n().
 */
struct lab_text lab_show(const char *v)
{
	return lab_show_n(v, strlen(v));
}

/**
 * lab_pfx() - an address as text
 * @p:		the address
 * @with_len:	append "/LEN"
 *
 * Return: the text, by value.
 */
struct lab_text lab_pfx(const struct nsnet_prefix *p, bool with_len)
{
	struct lab_text t;

	nsnet_prefix_format(p, with_len, t.s, sizeof(t.s));
	return t;
}
