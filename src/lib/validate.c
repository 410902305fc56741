// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * validate.c - names and addresses, checked before any system call
 *
 * Everything here is pure: no context, no kernel. Names become paths
 * (/run/netns/NAME, /etc/netns/NAME) and interface names, so the rules are
 * the union of what the kernel's dev_valid_name() and a safe path component
 * need, plus ':' which the lab file uses as a separator.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "internal.h"

/**
 * check_name() - the rules shared by namespace and interface names
 * @name:	the name
 * @max:	buffer size the name must fit in with its NUL
 *
 * Return: NULL if valid, else why not.
 */
static const char *check_name(const char *name, size_t max)
{
	const unsigned char *p;

	if (!name || !*name)
		return "empty name";
	if (!strcmp(name, ".") || !strcmp(name, ".."))
		return "\".\" and \"..\" are not names";
	if (name[0] == '-')
		return "a name must not start with '-'";
	if (strlen(name) >= max)
		return max == NSNET_IFNAMSIZ ?
			"longer than 15 bytes" : "name too long";
	for (p = (const unsigned char *)name; *p; p++) {
		if (*p == '/')
			return "contains '/'";
		if (*p == ':')
			return "contains ':'";
		if (isspace(*p))
			return "contains whitespace";
		if (iscntrl(*p))
			return "contains a control character";
	}
	return NULL;
}

/**
 * nsnet_check_nsname() - validate a namespace name
 * @name:	the name
 *
 * Return: NULL if valid, else why not.
 */
const char *nsnet_check_nsname(const char *name)
{
	return check_name(name, NSNET_NSNAMSIZ);
}

/**
 * nsnet_check_ifname() - validate an interface name
 * @name:	the name
 *
 * Return: NULL if valid, else why not.
 */
const char *nsnet_check_ifname(const char *name)
{
	return check_name(name, NSNET_IFNAMSIZ);
}

/**
 * parse_len() - parse a prefix length: decimal digits only, no sign/space
 * @s:		the text after '/'
 * @max:	largest allowed value
 * @out:	the value
 *
 * Return: NULL on success, else why not.
 */
static const char *parse_len(const char *s, unsigned int max,
			     unsigned int *out)
{
	unsigned long v = 0;
	const char *p;

	if (!*s)
		return "missing prefix length after '/'";
	for (p = s; *p; p++) {
		if (*p < '0' || *p > '9')
			return "prefix length is not a number";
		v = v * 10 + (unsigned long)(*p - '0');
		if (v > max)
			return max == 32 ? "prefix length over 32" :
					   "prefix length over 128";
	}
	*out = (unsigned int)v;
	return NULL;
}

/**
 * has_host_bits() - whether bits beyond the prefix length are set
 * @p:		prefix
 *
 * Return: true if @p is not a network address.
 */
static bool has_host_bits(const struct nsnet_prefix *p)
{
	unsigned int width = p->family == AF_INET ? 32 : 128;
	unsigned int bit;

	for (bit = p->len; bit < width; bit++)
		if (p->addr[bit / 8] & (0x80 >> (bit % 8)))
			return true;
	return false;
}

/**
 * nsnet_prefix_parse() - parse "ADDR[/LEN]" strictly
 * @s:		the text
 * @flags:	NSNET_PFX_*
 * @out:	result
 *
 * inet_pton() is the authority on the address part, so "10.0.0.300",
 * "1.2.3" and leading spaces are all refused.
 *
 * Return: NULL on success, else why not.
 */
const char *nsnet_prefix_parse(const char *s, unsigned int flags,
			       struct nsnet_prefix *out)
{
	char addr[INET6_ADDRSTRLEN + 1];
	const char *slash, *why;
	size_t alen;

	memset(out, 0, sizeof(*out));
	if (!s || !*s)
		return "empty address";
	if ((flags & NSNET_PFX_DEFAULT) && !strcmp(s, "default")) {
		out->family = AF_INET;
		return NULL;
	}
	slash = strchr(s, '/');
	alen = slash ? (size_t)(slash - s) : strlen(s);
	if (alen == 0 || alen >= sizeof(addr))
		return "not an IP address";
	memcpy(addr, s, alen);
	addr[alen] = '\0';
	if (inet_pton(AF_INET, addr, out->addr) == 1)
		out->family = AF_INET;
	else if (inet_pton(AF_INET6, addr, out->addr) == 1)
		out->family = AF_INET6;
	else
		return "not an IP address";
	out->len = out->family == AF_INET ? 32 : 128;
	if (slash) {
		if (flags & NSNET_PFX_NO_LEN)
			return "an address without prefix length is expected";
		why = parse_len(slash + 1, out->len, &out->len);
		if (why)
			return why;
	} else if (flags & NSNET_PFX_NEED_LEN) {
		return "missing /prefix length";
	}
	if ((flags & NSNET_PFX_NO_HOSTBITS) && has_host_bits(out))
		return "host bits set (not a network address)";
	return NULL;
}

/**
 * nsnet_prefix_format() - format an address, optionally with its length
 * @p:		prefix
 * @with_len:	append "/LEN"
 * @buf:	output
 * @len:	size of @buf
 *
 * Return: @buf.
 */
char *nsnet_prefix_format(const struct nsnet_prefix *p, bool with_len,
			  char *buf, size_t len)
{
	char a[INET6_ADDRSTRLEN];

	if (!inet_ntop(p->family, p->addr, a, sizeof(a)))
		snprintf(a, sizeof(a), "?");
	if (with_len)
		snprintf(buf, len, "%s/%u", a, p->len);
	else
		snprintf(buf, len, "%s", a);
	return buf;
}
