// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * dhcp_msg.c - DHCPv4 messages to and from bytes (RFC 2131, RFC 2132)
 *
 * Pure functions, no I/O: what arrives on port 68 is untrusted, so every
 * read is checked against the received length, and a message that does
 * not hold together is refused as a whole rather than half used.
 */
#include <errno.h>
#include <string.h>

#include <arpa/inet.h>

#include "dhcp.h"

static const uint8_t magic_cookie[4] = { 99, 130, 83, 99 };

/**
 * put_u16() - store a 16-bit value in network order
 * @p:		destination
 * @v:		value
 */
static void put_u16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

/**
 * put_u32() - store a 32-bit value in network order
 * @p:		destination
 * @v:		value
 */
static void put_u32(uint8_t *p, uint32_t v)
{
	put_u16(p, (uint16_t)(v >> 16));
	put_u16(p + 2, (uint16_t)v);
}

/**
 * get_u32() - read a 32-bit value in network order
 * @p:		source
 *
 * Return: the value.
 */
static uint32_t get_u32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

/**
 * struct wbuf - an output buffer that refuses to overflow
 * @p:		buffer
 * @len:	bytes written
 * @cap:	size of @p
 * @full:	something did not fit
 */
struct wbuf {
	uint8_t *p;
	size_t len;
	size_t cap;
	bool full;
};

/**
 * opt_put() - append one option
 * @w:		buffer
 * @code:	option code
 * @data:	value
 * @len:	its length, at most 255 (the length byte)
 */
static void opt_put(struct wbuf *w, uint8_t code, const void *data, size_t len)
{
	if (len > 255 || w->len + 2 + len > w->cap) {
		w->full = true;
		return;
	}
	w->p[w->len++] = code;
	w->p[w->len++] = (uint8_t)len;
	memcpy(w->p + w->len, data, len);
	w->len += len;
}

/**
 * opt_put_addr() - append an option holding one address, unless it is 0
 * @w:		buffer
 * @code:	option code
 * @a:		address in network order
 */
static void opt_put_addr(struct wbuf *w, uint8_t code, in_addr_t a)
{
	if (a)
		opt_put(w, code, &a, 4);
}

/**
 * opt_put_u32() - append an option holding one 32-bit time, unless it is 0
 * @w:		buffer
 * @code:	option code
 * @v:		value
 */
static void opt_put_u32(struct wbuf *w, uint8_t code, uint32_t v)
{
	uint8_t b[4];

	if (!v)
		return;
	put_u32(b, v);
	opt_put(w, code, b, 4);
}

/**
 * dhcp_encode() - the bytes of a DHCP message
 * @m:		the message
 * @buf:	output
 * @cap:	size of @buf, at least DHCP_MIN_LEN
 *
 * Writes the BOOTP header, the cookie and the options @m has (message type
 * first, as RFC 2131 recommends), then END, padded to DHCP_MIN_LEN bytes
 * because some relays and old servers drop shorter BOOTP packets.
 *
 * Return: the length, or -EMSGSIZE when @buf is too small.
 */
int dhcp_encode(const struct dhcp_msg *m, uint8_t *buf, size_t cap)
{
	struct wbuf w = { .p = buf, .cap = cap };
	uint8_t t = m->type;
	size_t len;

	if (cap < DHCP_MIN_LEN || m->hlen > sizeof(m->chaddr))
		return -EMSGSIZE;
	memset(buf, 0, cap);
	buf[0] = m->op;
	buf[1] = 1;			/* htype: Ethernet */
	buf[2] = m->hlen;
	put_u32(buf + 4, m->xid);
	put_u16(buf + 8, m->secs);
	put_u16(buf + 10, m->broadcast ? 0x8000 : 0);
	memcpy(buf + 12, &m->ciaddr, 4);
	memcpy(buf + 16, &m->yiaddr, 4);
	memcpy(buf + 20, &m->siaddr, 4);
	memcpy(buf + 24, &m->giaddr, 4);
	memcpy(buf + 28, m->chaddr, m->hlen);
	memcpy(buf + DHCP_HDR_LEN, magic_cookie, 4);
	w.len = DHCP_OPT_OFF;
	if (t)
		opt_put(&w, DHO_MSG_TYPE, &t, 1);
	opt_put_addr(&w, DHO_REQUESTED_IP, m->requested);
	opt_put_addr(&w, DHO_SERVER_ID, m->server_id);
	opt_put_u32(&w, DHO_LEASE_TIME, m->lease);
	opt_put_u32(&w, DHO_T1, m->t1);
	opt_put_u32(&w, DHO_T2, m->t2);
	opt_put_addr(&w, DHO_SUBNET_MASK, m->mask);
	opt_put_addr(&w, DHO_ROUTER, m->router);
	if (m->n_dns)
		opt_put(&w, DHO_DNS, m->dns,
			(size_t)4 * (m->n_dns > DHCP_MAX_DNS ? DHCP_MAX_DNS : m->n_dns));
	if (m->domain[0])
		opt_put(&w, DHO_DOMAIN, m->domain, strlen(m->domain));
	if (m->hostname[0])
		opt_put(&w, DHO_HOSTNAME, m->hostname, strlen(m->hostname));
	if (m->message[0])
		opt_put(&w, DHO_MESSAGE, m->message, strlen(m->message));
	if (m->client_id_len)
		opt_put(&w, DHO_CLIENT_ID, m->client_id,
			m->client_id_len > sizeof(m->client_id) ?
			sizeof(m->client_id) : m->client_id_len);
	if (m->n_params)
		opt_put(&w, DHO_PARAM_REQ, m->params,
			m->n_params > sizeof(m->params) ?
			sizeof(m->params) : m->n_params);
	if (w.full || w.len + 1 > cap)
		return -EMSGSIZE;
	buf[w.len++] = DHO_END;
	len = w.len < DHCP_MIN_LEN ? DHCP_MIN_LEN : w.len;
	return (int)len;
}

/**
 * copy_text() - copy an option's text into a NUL-terminated field
 * @dst:	field
 * @cap:	its size
 * @src:	option data (not terminated; may hold NULs, which end it)
 * @len:	its length
 *
 * Control characters and bytes >= 0x80 become '?': the server's message
 * ends up in logs, where a newline would forge a line and invalid UTF-8
 * makes a JSON encoder drop the whole string.
 */
static void copy_text(char *dst, size_t cap, const uint8_t *src, size_t len)
{
	size_t i;

	if (len >= cap)
		len = cap - 1;
	for (i = 0; i < len && src[i]; i++)
		dst[i] = (src[i] < 0x20 || src[i] >= 0x7f) ? '?' : (char)src[i];
	dst[i] = '\0';
}

/**
 * dns_label_ok() - whether bytes make one label of a DNS name
 * @p:		the label
 * @n:		its length
 *
 * Letters, digits, '-' and '_' (seen in service names), 1 to 63 bytes,
 * no '-' at either end (RFC 1035 2.3.1, RFC 1123 2.1). Everything else is
 * refused rather than escaped: a space would split a search list entry in
 * two in resolv.conf, a dot would move a label boundary, a byte >= 0x80
 * is not UTF-8 the lease file's JSON can hold.
 *
 * Return: true when it is one.
 */
static bool dns_label_ok(const uint8_t *p, size_t n)
{
	size_t i;

	if (n < 1 || n > 63 || p[0] == '-' || p[n - 1] == '-')
		return false;
	for (i = 0; i < n; i++) {
		uint8_t ch = p[i];

		if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		      (ch >= '0' && ch <= '9') || ch == '-' || ch == '_'))
			return false;
	}
	return true;
}

/**
 * copy_domain() - option 15 (a domain name as text), if it is a DNS name
 * @dst:	field of struct dhcp_msg
 * @cap:	its size (256: a name is at most 253 characters)
 * @src:	option data
 * @len:	its length
 *
 * Trailing NULs (some servers terminate the string) and one trailing dot
 * (the root) are dropped.
 *
 * Return: true when it was a DNS name (then copied) or empty, false
 * (@dst empty).
 */
static bool copy_domain(char *dst, size_t cap, const uint8_t *src, size_t len)
{
	size_t i, start = 0;

	dst[0] = '\0';
	while (len && src[len - 1] == '\0')
		len--;
	if (len && src[len - 1] == '.')
		len--;
	if (!len)
		return true;		/* empty: no domain, nothing wrong */
	if (len > 253 || len >= cap)
		return false;
	for (i = 0; i <= len; i++) {
		if (i < len && src[i] != '.')
			continue;
		if (!dns_label_ok(src + start, i - start))
			return false;
		start = i + 1;
	}
	memcpy(dst, src, len);
	dst[len] = '\0';
	return true;
}

/**
 * search_name() - decode one RFC 1035 name of an RFC 3397 search list
 * @p:		the whole option value
 * @len:	its length
 * @pos:	where the name starts; advanced past it
 * @out:	the name as text, at least 256 bytes ("" for the root)
 * @valid:	set false when a label is not a DNS label (dns_label_ok())
 *		or the name is longer than 253 characters; the name is
 *		still walked, so the next one can be read
 *
 * Compression pointers may only point backwards, which also bounds the
 * number of jumps: a loop is impossible.
 *
 * Return: 0, or -EBADMSG (the list does not hold together).
 */
static int search_name(const uint8_t *p, size_t len, size_t *pos, char *out,
		       bool *valid)
{
	size_t i = *pos, limit = len, next = 0, olen = 0;
	bool jumped = false;

	*valid = true;
	for (;;) {
		uint8_t n;

		if (i >= limit)
			return -EBADMSG;
		n = p[i];
		if (n == 0) {
			i++;
			break;
		}
		if ((n & 0xc0) == 0xc0) {
			size_t to;

			if (i + 1 >= limit)
				return -EBADMSG;
			to = (size_t)(n & 0x3f) << 8 | p[i + 1];
			if (to >= i)
				return -EBADMSG;
			if (!jumped)
				next = i + 2;
			jumped = true;
			limit = i;
			i = to;
			continue;
		}
		if ((n & 0xc0) || i + 1 + n > limit)
			return -EBADMSG;
		if (!dns_label_ok(p + i + 1, n) || olen + (olen ? 1 : 0) + n > 253)
			*valid = false;
		if (*valid) {
			if (olen)
				out[olen++] = '.';
			memcpy(out + olen, p + i + 1, n);
			olen += n;
		}
		i += 1 + (size_t)n;
	}
	out[*valid ? olen : 0] = '\0';
	*pos = jumped ? next : i;
	return 0;
}

/**
 * decode_search() - option 119 as space-separated names
 * @p:		option value
 * @len:	its length
 * @out:	field of struct dhcp_msg
 * @cap:	its size
 *
 * The root name (a lone 0) adds nothing. A name that is not a DNS name,
 * or does not fit in @out, is left out.
 *
 * Return: 1 when a name was left out, 0, or -EBADMSG (then the message is
 * refused: the list's structure is broken, not just one name).
 */
static int decode_search(const uint8_t *p, size_t len, char *out, size_t cap)
{
	size_t pos = 0, olen = 0;
	int dropped = 0, err;

	out[0] = '\0';
	while (pos < len) {
		char name[256];
		size_t n;
		bool valid;

		err = search_name(p, len, &pos, name, &valid);
		if (err)
			return err;
		n = strlen(name);
		if (!valid || olen + (olen ? 1 : 0) + n >= cap) {
			dropped = 1;
			continue;
		}
		if (!n)
			continue;		/* the root: no name to add */
		if (olen)
			out[olen++] = ' ';
		memcpy(out + olen, name, n + 1);
		olen += n;
	}
	return dropped;
}

/**
 * decode_opt() - store one option of a received message
 * @m:		message being decoded
 * @code:	option code
 * @v:		value
 * @len:	its length
 *
 * Fixed-size options of the wrong size are refused: a server that sends a
 * 3-byte address is broken, and guessing would configure nonsense.
 *
 * A name (options 15 and 119) that is not a DNS name is dropped and noted
 * in @m->refused_name: the rest of the message is still good.
 *
 * Return: 0, or -EBADMSG.
 */
static int decode_opt(struct dhcp_msg *m, uint8_t code, const uint8_t *v,
		      size_t len)
{
	int err;

	switch (code) {
	case DHO_MSG_TYPE:
		if (len != 1)
			return -EBADMSG;
		m->type = v[0];
		break;
	case DHO_SUBNET_MASK:
	case DHO_REQUESTED_IP:
	case DHO_SERVER_ID:
		if (len != 4)
			return -EBADMSG;
		memcpy(code == DHO_SUBNET_MASK ? &m->mask :
		       code == DHO_REQUESTED_IP ? &m->requested :
		       &m->server_id, v, 4);
		break;
	case DHO_ROUTER:
		if (len < 4 || len % 4)
			return -EBADMSG;
		memcpy(&m->router, v, 4);
		break;
	case DHO_DNS:
		if (len < 4 || len % 4)
			return -EBADMSG;
		m->n_dns = (unsigned int)(len / 4);
		if (m->n_dns > DHCP_MAX_DNS)
			m->n_dns = DHCP_MAX_DNS;
		memcpy(m->dns, v, (size_t)4 * m->n_dns);
		break;
	case DHO_LEASE_TIME:
	case DHO_T1:
	case DHO_T2:
		if (len != 4)
			return -EBADMSG;
		*(code == DHO_LEASE_TIME ? &m->lease :
		  code == DHO_T1 ? &m->t1 : &m->t2) = get_u32(v);
		break;
	case DHO_DOMAIN:
		if (!copy_domain(m->domain, sizeof(m->domain), v, len) &&
		    !m->refused_name)
			m->refused_name = DHO_DOMAIN;
		break;
	case DHO_HOSTNAME:
		copy_text(m->hostname, sizeof(m->hostname), v, len);
		break;
	case DHO_MESSAGE:
		copy_text(m->message, sizeof(m->message), v, len);
		break;
	case DHO_SEARCH:
		err = decode_search(v, len, m->search, sizeof(m->search));
		if (err < 0)
			return err;
		if (err && !m->refused_name)
			m->refused_name = DHO_SEARCH;
		break;
	case DHO_CLIENT_ID:
		m->client_id_len = (unsigned int)(len < sizeof(m->client_id) ?
						  len : sizeof(m->client_id));
		memcpy(m->client_id, v, m->client_id_len);
		break;
	case DHO_PARAM_REQ:
		m->n_params = (unsigned int)(len < sizeof(m->params) ?
					     len : sizeof(m->params));
		memcpy(m->params, v, m->n_params);
		break;
	default:
		break;		/* unknown options are skipped, as required */
	}
	return 0;
}

/**
 * dhcp_decode() - parse a received DHCP message
 * @buf:	the UDP payload
 * @len:	its length
 * @m:		the result (zeroed first)
 *
 * Checks the header, the cookie and every option's length against @len.
 * Options in sname/file (overload, option 52) are not read: our servers
 * never need the space.
 *
 * Return: 0, or -EBADMSG for a malformed or truncated message.
 */
int dhcp_decode(const uint8_t *buf, size_t len, struct dhcp_msg *m)
{
	size_t i;
	int err;

	memset(m, 0, sizeof(*m));
	if (len < DHCP_OPT_OFF || memcmp(buf + DHCP_HDR_LEN, magic_cookie, 4) != 0)
		return -EBADMSG;
	if ((buf[0] != 1 && buf[0] != 2) || buf[2] > sizeof(m->chaddr))
		return -EBADMSG;
	m->op = buf[0];
	m->hlen = buf[2];
	m->xid = get_u32(buf + 4);
	m->secs = (uint16_t)(buf[8] << 8 | buf[9]);
	m->broadcast = buf[10] & 0x80;
	memcpy(&m->ciaddr, buf + 12, 4);
	memcpy(&m->yiaddr, buf + 16, 4);
	memcpy(&m->siaddr, buf + 20, 4);
	memcpy(&m->giaddr, buf + 24, 4);
	memcpy(m->chaddr, buf + 28, m->hlen);
	for (i = DHCP_OPT_OFF; i < len;) {
		uint8_t code = buf[i], olen;

		if (code == DHO_PAD) {
			i++;
			continue;
		}
		if (code == DHO_END)
			return 0;
		if (i + 2 > len)
			return -EBADMSG;
		olen = buf[i + 1];
		if (i + 2 + olen > len)
			return -EBADMSG;
		err = decode_opt(m, code, buf + i + 2, olen);
		if (err)
			return err;
		i += 2 + (size_t)olen;
	}
	/* RFC 2131 requires END; a message cut short lacks it. */
	return -EBADMSG;
}

/**
 * dhcp_times() - T1 and T2 of an ACK, with RFC 2131's defaults
 * @ack:	the acknowledgement
 * @t1:		renewal time: option 58, else half the lease
 * @t2:		rebinding time: option 59, else 7/8 of the lease
 *
 * Values that contradict each other (T1 after T2, T2 after the end of the
 * lease) fall back to the defaults, so the client always renews before it
 * rebinds and rebinds before the lease runs out.
 */
void dhcp_times(const struct dhcp_msg *ack, uint32_t *t1, uint32_t *t2)
{
	uint32_t lease = ack->lease;

	*t2 = ack->t2 && ack->t2 < lease ? ack->t2 :
	      (uint32_t)((uint64_t)lease * 7 / 8);
	*t1 = ack->t1 && ack->t1 < *t2 ? ack->t1 : lease / 2;
	if (*t1 > *t2)
		*t1 = *t2;
}

/**
 * dhcp_mask_len() - prefix length of a subnet mask
 * @mask:	mask in network order
 *
 * Return: the number of leading one bits (a non-contiguous mask counts
 * only its leading ones).
 */
unsigned int dhcp_mask_len(in_addr_t mask)
{
	uint32_t m = ntohl(mask);
	unsigned int n = 0;

	while (n < 32 && (m & (0x80000000u >> n)))
		n++;
	return n;
}

/**
 * dhcp_mask_ok() - whether a subnet mask is one the kernel can use
 * @mask:	mask in network order
 *
 * Its one bits must be contiguous from the top (255.0.255.0 has no prefix
 * length) and there must be at least one: a /0 "subnet" would put every
 * address on-link.
 *
 * Return: true when it is such a mask.
 */
bool dhcp_mask_ok(in_addr_t mask)
{
	uint32_t m = ntohl(mask);

	return m && (~m & (~m + 1)) == 0;
}

/**
 * dhcp_unicast() - whether an address can be a host's (ours, a router's,
 * a server's)
 * @a:		address in network order
 *
 * Refused: 0.0.0.0/8 ("this network"), 127.0.0.0/8 (loopback),
 * 224.0.0.0/4 (multicast), 240.0.0.0/4 (reserved, and the limited
 * broadcast 255.255.255.255).
 *
 * Return: true when it is a unicast address.
 */
bool dhcp_unicast(in_addr_t a)
{
	uint32_t h = ntohl(a);

	return (h >> 24) != 0 && (h >> 24) != 127 && (h >> 28) < 14;
}

/**
 * dhcp_type_name() - the name of a message type, for errors and logs
 * @type:	enum dhcp_type
 *
 * Return: "DHCPDISCOVER" ..., or "DHCP?" for an unknown type.
 */
const char *dhcp_type_name(unsigned int type)
{
	static const char *const names[] = {
		"DHCP?", "DHCPDISCOVER", "DHCPOFFER", "DHCPREQUEST",
		"DHCPDECLINE", "DHCPACK", "DHCPNAK", "DHCPRELEASE",
		"DHCPINFORM",
	};

	return type < sizeof(names) / sizeof(names[0]) ? names[type] : "DHCP?";
}
