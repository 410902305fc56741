// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * dhcpc.c - nsnet's DHCPv4 client (RFC 2131): one interface, in the
 * network namespace the calling thread is in
 *
 * A plain UDP socket on port 68, bound to the interface, is enough on
 * Linux: we ask servers to broadcast their answers (the broadcast flag), and
 * the kernel delivers a limited broadcast to an interface without an
 * address; our own broadcasts leave from 0.0.0.0. SO_BINDTODEVICE lets one
 * client per interface share the port, in one namespace or many.
 *
 * States as in RFC 2131 figure 5: SELECTING (DISCOVER sent), REQUESTING,
 * BOUND, RENEWING (unicast to our server from T1), REBINDING (broadcast from
 * T2); an expired lease or a NAK starts over. SIGTERM/SIGINT, read through a
 * signalfd, release the lease.
 *
 * Whoever is on the segment can answer a broadcast and read its xid, so
 * every reply is judged (dhcpc_judge()) and every ACK checked
 * (dhcpc_lease_from()) before it changes anything; what is refused is
 * reported to the caller's log callback, one line each, and the lease in
 * use is kept.
 */
#include <errno.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <net/if.h>
#include <sys/random.h>
#include <sys/signalfd.h>
#include <sys/ioctl.h>
#include <linux/sockios.h>
#include <sys/socket.h>

#include "dhcp.h"
#include "internal.h"

/* Retransmission: 1 s, 2 s, 4 s ... at most this much, plus jitter. */
#define RETX_MAX_MS	32000
#define JITTER_MS	500
/* REQUESTs after an OFFER before we go back to DISCOVER */
#define REQUEST_TRIES	4

/**
 * struct dhcpc - one client's state
 * @ctx:	context, for errors and netlink
 * @o:		options
 * @ifindex:	our interface
 * @mac:	its hardware address
 * @mac_len:	bytes used in @mac
 * @udp:	the port 68 socket
 * @sfd:	signalfd for SIGTERM and SIGINT
 * @state:	enum dhcpc_state
 * @xid:	transaction id of the current exchange
 * @began:	when the current exchange began (ms), for the secs field
 * @tries:	transmissions in this state so far
 * @next_tx:	when to (re)transmit (ms)
 * @offered:	address of the OFFER being requested
 * @server:	the server that made it
 * @bound:	@lease is configured on the interface
 * @lease:	the lease in use
 * @acked:	when @lease was acknowledged (ms)
 */
struct dhcpc {
	struct nsnet_ctx *ctx;
	const struct nsnet_dhcpc_opts *o;
	int ifindex;
	uint8_t mac[16];
	unsigned int mac_len;
	int udp;
	int sfd;
	enum dhcpc_state state;
	uint32_t xid;
	uint64_t began;
	unsigned int tries;
	uint64_t next_tx;
	in_addr_t offered;
	in_addr_t server;
	bool bound;
	struct dhcpc_lease lease;
	uint64_t acked;
};

/**
 * now_ms() - milliseconds on a clock that also runs during suspend
 *
 * Lease times are real time: a suspended machine's lease still runs out.
 *
 * Return: the time.
 */
static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_BOOTTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/**
 * rand32() - a random number, for transaction ids and jitter
 *
 * Return: 32 random bits (from getrandom; the clock if that fails, which
 * is still unique enough between the clients of one machine).
 */
static uint32_t rand32(void)
{
	uint32_t v;

	if (getrandom(&v, sizeof(v), GRND_NONBLOCK) != sizeof(v))
		v = (uint32_t)now_ms() * 2654435761u ^ (uint32_t)getpid();
	return v;
}

/**
 * backoff() - schedule the next retransmission
 * @c:		client
 * @limit:	not later than this (ms), 0 for no limit
 *
 * 1 s, 2 s, 4 s ... capped, each ± up to half a second so that clients
 * started together do not stay in step.
 */
static void backoff(struct dhcpc *c, uint64_t limit)
{
	unsigned int shift = c->tries < 6 ? c->tries : 6;
	uint64_t d = (uint64_t)1000 << shift;

	if (d > RETX_MAX_MS)
		d = RETX_MAX_MS;
	d = d - JITTER_MS + rand32() % (2 * JITTER_MS);
	c->next_tx = now_ms() + d;
	if (limit && c->next_tx > limit)
		c->next_tx = limit;
	c->tries++;
}

/**
 * new_exchange() - start a new transaction
 * @c:		client
 * @state:	the state it starts in
 */
static void new_exchange(struct dhcpc *c, enum dhcpc_state state)
{
	c->state = state;
	c->xid = rand32();
	c->began = now_ms();
	c->tries = 0;
	c->next_tx = c->began;
}

/**
 * build() - the fields every message of ours has
 * @c:		client
 * @m:		message to fill
 * @type:	enum dhcp_type
 *
 * The hostname lets dnsmasq put the node's name in DNS; the client id
 * (type 1, the MAC) keeps the lease ours across restarts.
 */
static void build(struct dhcpc *c, struct dhcp_msg *m, uint8_t type)
{
	static const uint8_t params[] = {
		DHO_SUBNET_MASK, DHO_ROUTER, DHO_DNS, DHO_DOMAIN,
		DHO_LEASE_TIME, DHO_T1, DHO_T2, DHO_SEARCH,
	};
	uint64_t secs = (now_ms() - c->began) / 1000;

	memset(m, 0, sizeof(*m));
	m->op = 1;
	m->type = type;
	m->xid = c->xid;
	m->secs = (uint16_t)(secs > 0xffff ? 0xffff : secs);
	m->hlen = (uint8_t)c->mac_len;
	memcpy(m->chaddr, c->mac, c->mac_len);
	m->client_id[0] = 1;
	memcpy(m->client_id + 1, c->mac, c->mac_len);
	m->client_id_len = c->mac_len + 1;
	if (c->o->hostname)
		snprintf(m->hostname, sizeof(m->hostname), "%s",
			 c->o->hostname);
	if (type != DHCP_RELEASE) {
		memcpy(m->params, params, sizeof(params));
		m->n_params = sizeof(params);
	}
}

/**
 * send_msg() - send a message to a server
 * @c:		client
 * @m:		message
 * @to:		server address, or INADDR_BROADCAST
 *
 * A lost datagram is no error: retransmission covers it. Only a failure
 * that will not go away (the interface vanished) is reported.
 *
 * Return: 0, or -errno.
 */
static int send_msg(struct dhcpc *c, const struct dhcp_msg *m, in_addr_t to)
{
	struct sockaddr_in sa = {
		.sin_family = AF_INET,
		.sin_port = htons(DHCP_SERVER_PORT),
		.sin_addr.s_addr = to,
	};
	uint8_t buf[DHCP_MAX_LEN];
	int len = dhcp_encode(m, buf, sizeof(buf));

	if (len < 0)
		return nsnet_fail(c->ctx, len, "dhcp: encode %s",
				  dhcp_type_name(m->type));
	if (sendto(c->udp, buf, (size_t)len, 0, (struct sockaddr *)&sa,
		   sizeof(sa)) < 0) {
		if (errno == ENODEV || errno == ENXIO)
			return nsnet_fail(c->ctx, -errno, "dhcp %s: send %s",
					  c->o->ifname, dhcp_type_name(m->type));
	}
	return 0;
}

/**
 * transmit() - send what the current state sends
 * @c:		client
 *
 * Return: 0, or -errno.
 */
static int transmit(struct dhcpc *c)
{
	struct dhcp_msg m;
	uint64_t limit = 0;

	switch (c->state) {
	case DHCPC_SELECTING:
		build(c, &m, DHCP_DISCOVER);
		m.broadcast = true;
		backoff(c, 0);
		return send_msg(c, &m, INADDR_BROADCAST);
	case DHCPC_REQUESTING:
		if (c->tries >= REQUEST_TRIES) {
			new_exchange(c, DHCPC_SELECTING);
			return transmit(c);
		}
		build(c, &m, DHCP_REQUEST);
		m.broadcast = true;
		m.requested = c->offered;
		m.server_id = c->server;
		backoff(c, 0);
		return send_msg(c, &m, INADDR_BROADCAST);
	case DHCPC_RENEWING:
	case DHCPC_REBINDING:
		/* RFC 2131 4.3.2: ciaddr set, no requested address nor
		 * server id; unicast to our server while renewing. */
		build(c, &m, DHCP_REQUEST);
		m.ciaddr = c->lease.address;
		limit = c->acked + (uint64_t)(c->state == DHCPC_RENEWING ?
					      c->lease.t2 : c->lease.lease) * 1000;
		backoff(c, limit);
		return send_msg(c, &m, c->state == DHCPC_RENEWING ?
				c->lease.server : INADDR_BROADCAST);
	case DHCPC_BOUND:
		break;
	}
	return 0;
}

/**
 * drop_lease() - forget the lease: off the interface, lease file removed
 * @c:		client
 *
 * Return: 0, or -errno.
 */
static int drop_lease(struct dhcpc *c)
{
	int err = 0;

	if (c->bound)
		err = dhcpc_unconfigure(c->ctx, c->ifindex, &c->lease);
	c->bound = false;
	if (c->o->lease_path && unlink(c->o->lease_path) < 0 &&
	    errno != ENOENT && !err)
		err = nsnet_fail(c->ctx, -errno, "dhcp: remove %s",
				 c->o->lease_path);
	return err;
}

/**
 * note() - hand a refused message to the caller's log
 * @c:		client
 * @fmt:	printf format
 *
 * The client runs for days with nobody to return a warning to, so it goes
 * to the options' log callback, if any (both of nsnet's callers, `nsnet
 * dhcp` and a lab's supervised client, write it to stderr, their log).
 */
static void __attribute__((format(printf, 2, 3)))
note(struct dhcpc *c, const char *fmt, ...)
{
	char line[512], msg[480];
	va_list ap;

	if (!c->o->log)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	snprintf(line, sizeof(line), "dhcp %s: %s", c->o->ifname, msg);
	c->o->log(line, c->o->log_arg);
}

/**
 * judge_addr() - an address as text, for dhcpc_judge()'s reasons
 * @a:		address, network order
 * @buf:	at least INET_ADDRSTRLEN bytes
 *
 * Return: @buf.
 */
static const char *judge_addr(in_addr_t a, char *buf)
{
	struct in_addr in = { .s_addr = a };

	return inet_ntop(AF_INET, &in, buf, INET_ADDRSTRLEN);
}

/**
 * bind_lease() - an ACK arrived: check it, configure it and record it
 * @c:		client
 * @ack:	the message (dhcpc_judge() took it)
 *
 * An ACK the kernel could not take (dhcpc_lease_from()) is refused and
 * reported, and the lease in use stays as it is: retransmission goes on
 * until a good ACK comes or the lease runs out.
 *
 * Return: 1 when bound, 0 when refused, or -errno.
 */
static int bind_lease(struct dhcpc *c, const struct dhcp_msg *ack)
{
	char why[256], b[INET_ADDRSTRLEN];
	struct dhcpc_lease l;
	int err;

	if (dhcpc_lease_from(ack, &l, why, sizeof(why))) {
		note(c, "DHCPACK from %s refused: %s; %s",
		     judge_addr(ack->server_id, b), why,
		     c->bound ? "keeping the lease" : "no lease yet");
		return 0;
	}
	if (ack->refused_name)
		note(c, "DHCPACK from %s: option %u (%s): not a DNS name, left out",
		     judge_addr(ack->server_id, b), ack->refused_name,
		     ack->refused_name == DHO_SEARCH ? "search list" : "domain");
	err = dhcpc_configure(c->ctx, c->ifindex, &l, c->bound ? &c->lease :
			      NULL);
	if (err)
		return err;
	c->lease = l;
	c->bound = true;
	c->acked = now_ms();
	c->state = DHCPC_BOUND;
	c->tries = 0;
	c->next_tx = c->acked + (uint64_t)l.t1 * 1000;
	if (c->o->lease_path) {
		err = dhcpc_write_lease(c->ctx, c->o->lease_path,
					c->o->ifname, &l);
		if (err)
			return err;
	}
	if (c->o->resolv_path) {
		err = dhcpc_write_resolv(c->ctx, c->o->resolv_path, &l);
		if (err)
			return err;
	}
	return 1;
}

/**
 * dhcpc_judge() - what a received message means to the client
 * @e:		what the client waits for
 * @m:		the message, decoded
 * @why:	why a message of our transaction was refused ("" otherwise:
 *		not ours, or nothing to say)
 * @why_len:	size of @why
 *
 * RFC 2131 4.3.1 table 3: an ACK and a NAK carry the server identifier
 * (option 54), so one without is refused. While requesting, only the
 * chosen server may answer, and only for the address it offered; while
 * renewing, the REQUEST went by unicast to the lease's server, so only it
 * may answer; an ACK must grant the address asked for (ciaddr) - one for
 * another address is not the renewal asked for.
 *
 * While rebinding (4.4.5) the REQUEST is broadcast and any server may
 * extend the lease, so an ACK from any server is taken (checked like any
 * other). A NAK is another matter: it costs a working address, and anyone
 * on the segment who saw the broadcast xid can forge one. It is honoured
 * from the lease's own server; from another one it is refused and the
 * client keeps rebinding: if the network really changed under it, the
 * lease runs out (by default 1/8 of the lease time after T2) and the
 * client starts over with a DISCOVER, which that server answers.
 * Refusing a real NAK costs those minutes; honouring a forged one would
 * let any host take every client's address away at T2.
 *
 * Offered and acknowledged addresses and server identifiers must be
 * unicast (dhcp_unicast()): the server's identifier is where RENEWING and
 * RELEASE are sent.
 *
 * Return: enum dhcpc_verdict.
 */
enum dhcpc_verdict dhcpc_judge(const struct dhcpc_expect *e,
			       const struct dhcp_msg *m, char *why,
			       size_t why_len)
{
	char b1[INET_ADDRSTRLEN], b2[INET_ADDRSTRLEN], b3[INET_ADDRSTRLEN];
	const char *type = dhcp_type_name(m->type);

	why[0] = '\0';
	if (m->op != 2 || m->xid != e->xid || m->hlen != e->mac_len ||
	    memcmp(m->chaddr, e->mac, e->mac_len) != 0)
		return DHCPC_IGNORE;	/* another client's exchange */
	switch (e->state) {
	case DHCPC_SELECTING:
		if (m->type != DHCP_OFFER)
			return DHCPC_IGNORE;
		if (!m->server_id || !dhcp_unicast(m->server_id)) {
			snprintf(why, why_len, "%s refused: %s server identifier",
				 type, m->server_id ? "not a unicast" : "no");
			return DHCPC_IGNORE;
		}
		if (!dhcp_unicast(m->yiaddr)) {
			snprintf(why, why_len,
				 "%s from %s refused: address %s is not a unicast address",
				 type, judge_addr(m->server_id, b1),
				 judge_addr(m->yiaddr, b2));
			return DHCPC_IGNORE;
		}
		return DHCPC_TAKE_OFFER;
	case DHCPC_REQUESTING:
	case DHCPC_RENEWING:
	case DHCPC_REBINDING:
		/* a second server's OFFER, late: nothing to say */
		if (m->type != DHCP_ACK && m->type != DHCP_NAK)
			return DHCPC_IGNORE;
		if (!m->server_id) {
			snprintf(why, why_len,
				 "%s refused: no server identifier (option 54)",
				 type);
			return DHCPC_IGNORE;
		}
		if (m->server_id != e->server &&
		    (e->state != DHCPC_REBINDING || m->type == DHCP_NAK)) {
			snprintf(why, why_len, "%s from %s refused: %s is %s",
				 type, judge_addr(m->server_id, b1),
				 judge_addr(e->server, b2),
				 e->state == DHCPC_REQUESTING ?
				 "the server chosen" : "the lease's server");
			return DHCPC_IGNORE;
		}
		if (m->type == DHCP_NAK)
			return DHCPC_TAKE_NAK;
		if (m->yiaddr != (e->state == DHCPC_REQUESTING ? e->offered :
				  e->address)) {
			snprintf(why, why_len,
				 "%s from %s refused: address %s, not the %s %s",
				 type, judge_addr(m->server_id, b1),
				 judge_addr(m->yiaddr, b2),
				 e->state == DHCPC_REQUESTING ? "offered" : "leased",
				 judge_addr(e->state == DHCPC_REQUESTING ?
					    e->offered : e->address, b3));
			return DHCPC_IGNORE;
		}
		if (!dhcp_unicast(m->server_id)) {
			snprintf(why, why_len,
				 "%s refused: server identifier %s is not a unicast address",
				 type, judge_addr(m->server_id, b1));
			return DHCPC_IGNORE;
		}
		if (!m->lease) {
			snprintf(why, why_len, "%s from %s refused: no lease time",
				 type, judge_addr(m->server_id, b1));
			return DHCPC_IGNORE;
		}
		return DHCPC_TAKE_ACK;
	case DHCPC_BOUND:
		break;
	}
	return DHCPC_IGNORE;
}

/**
 * receive() - handle one datagram from port 68
 * @c:		client
 *
 * Anything that is not an answer to our current transaction (other
 * clients on the same switch see the same broadcasts) is ignored; an
 * answer that is refused is reported, and changes nothing.
 *
 * Return: 1 when a lease was bound, 0 otherwise, or -errno.
 */
static int receive(struct dhcpc *c)
{
	struct dhcpc_expect e = {
		.state = c->state, .xid = c->xid, .mac = c->mac,
		.mac_len = c->mac_len, .offered = c->offered,
		.server = c->state == DHCPC_REQUESTING ? c->server :
			  c->lease.server,
		.address = c->lease.address,
	};
	uint8_t buf[DHCP_MAX_LEN];
	char why[256];
	struct dhcp_msg m;
	ssize_t n = recv(c->udp, buf, sizeof(buf), 0);
	int err;

	if (n < 0 || dhcp_decode(buf, (size_t)n, &m))
		return 0;
	switch (dhcpc_judge(&e, &m, why, sizeof(why))) {
	case DHCPC_TAKE_OFFER:
		c->offered = m.yiaddr;
		c->server = m.server_id;
		c->state = DHCPC_REQUESTING;
		c->tries = 0;
		return transmit(c);
	case DHCPC_TAKE_NAK:
		note(c, "DHCPNAK: lease dropped, starting over%s%s",
		     m.message[0] ? ": " : "", m.message);
		err = drop_lease(c);
		new_exchange(c, DHCPC_SELECTING);
		return err ? err : transmit(c);
	case DHCPC_TAKE_ACK:
		return bind_lease(c, &m);
	case DHCPC_IGNORE:
		if (why[0])
			note(c, "%s", why);
		break;
	}
	return 0;
}

/**
 * timers() - what is due: retransmission, T1, T2, expiry
 * @c:		client
 *
 * Return: 0, or -errno.
 */
static int timers(struct dhcpc *c)
{
	uint64_t now = now_ms();
	int err;

	if (c->bound && now >= c->acked + (uint64_t)c->lease.lease * 1000) {
		err = drop_lease(c);
		if (err)
			return err;
		new_exchange(c, DHCPC_SELECTING);
	} else if (c->bound && c->state != DHCPC_REBINDING &&
		   now >= c->acked + (uint64_t)c->lease.t2 * 1000) {
		new_exchange(c, DHCPC_REBINDING);
	} else if (c->state == DHCPC_BOUND && now >= c->next_tx) {
		new_exchange(c, DHCPC_RENEWING);
	}
	if (now >= c->next_tx)
		return transmit(c);
	return 0;
}

/**
 * wait_sent() - let a unicast message leave before the address goes
 * @c:		client
 *
 * A RELEASE goes to the server's address: while its MAC is being resolved
 * the datagram waits in the neighbour queue, and removing our address
 * right away loses it (the server then keeps the lease until it expires).
 * A UDP socket's unsent bytes (SIOCOUTQ) include such a datagram, so wait
 * until they are 0, for at most a second.
 */
static void wait_sent(struct dhcpc *c)
{
	struct timespec nap = { 0, 5 * 1000 * 1000 };
	int pending, i;

	for (i = 0; i < 200; i++) {
		if (ioctl(c->udp, SIOCOUTQ, &pending) < 0 || pending <= 0)
			return;
		nanosleep(&nap, NULL);
	}
}

/**
 * release() - give the lease back and take it off the interface
 * @c:		client
 *
 * Return: 0, or -errno.
 */
static int release(struct dhcpc *c)
{
	struct dhcp_msg m;

	if (c->bound) {
		c->xid = rand32();
		build(c, &m, DHCP_RELEASE);
		m.ciaddr = c->lease.address;
		m.server_id = c->lease.server;
		if (send_msg(c, &m, c->lease.server) == 0)
			wait_sent(c);
	}
	return drop_lease(c);
}

/**
 * open_socket() - the UDP socket on port 68 of our interface
 * @c:		client
 *
 * Return: 0, or -errno.
 */
static int open_socket(struct dhcpc *c)
{
	struct sockaddr_in sa = {
		.sin_family = AF_INET,
		.sin_port = htons(DHCP_CLIENT_PORT),
	};
	int one = 1;

	c->udp = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (c->udp < 0)
		return nsnet_fail(c->ctx, -errno, "dhcp: socket");
	if (setsockopt(c->udp, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    setsockopt(c->udp, SOL_SOCKET, SO_BROADCAST, &one, sizeof(one)) ||
	    setsockopt(c->udp, SOL_SOCKET, SO_BINDTODEVICE, c->o->ifname,
		       (socklen_t)strlen(c->o->ifname) + 1))
		return nsnet_fail(c->ctx, -errno, "dhcp %s: socket options",
				  c->o->ifname);
	if (bind(c->udp, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		return nsnet_fail(c->ctx, -errno, "dhcp %s: bind port %d",
				  c->o->ifname, DHCP_CLIENT_PORT);
	return 0;
}

/**
 * loop() - run the state machine until a signal, or the first lease (once)
 * @c:		client
 *
 * Return: 0, or -errno.
 */
static int loop(struct dhcpc *c)
{
	uint64_t deadline = c->o->once && c->o->timeout_ms ?
			    now_ms() + c->o->timeout_ms : 0;
	int err;

	new_exchange(c, DHCPC_SELECTING);
	for (;;) {
		struct pollfd p[2] = {
			{ .fd = c->sfd, .events = POLLIN },
			{ .fd = c->udp, .events = POLLIN },
		};
		uint64_t now = now_ms(), wake = c->next_tx;
		int ms;

		if (c->bound) {
			uint64_t t2 = c->acked + (uint64_t)c->lease.t2 * 1000;
			uint64_t end = c->acked + (uint64_t)c->lease.lease * 1000;

			if (c->state != DHCPC_REBINDING && t2 < wake)
				wake = t2;
			if (end < wake)
				wake = end;
		}
		if (deadline && deadline < wake)
			wake = deadline;
		ms = wake <= now ? 0 : wake - now > 60000 ? 60000 :
		     (int)(wake - now);
		if (poll(p, 2, ms) < 0 && errno != EINTR)
			return nsnet_fail(c->ctx, -errno, "dhcp: poll");
		if (p[0].revents & POLLIN) {
			struct signalfd_siginfo si;

			if (read(c->sfd, &si, sizeof(si)) == sizeof(si))
				return release(c);
		}
		if (p[1].revents & POLLIN) {
			err = receive(c);
			if (err < 0)
				return err;
			if (err == 1 && c->o->once)
				return 0;
		}
		if (deadline && now_ms() >= deadline)
			return nsnet_fail(c->ctx, -ETIMEDOUT,
					  "dhcp %s: no lease", c->o->ifname);
		err = timers(c);
		if (err)
			return err;
	}
}

/**
 * dhcpc_run() - obtain and keep a DHCP lease on an interface
 * @ctx:	context
 * @o:		what to do
 *
 * Runs in the current network namespace (the caller joined the node's)
 * until SIGTERM or SIGINT, which release the lease and take the address
 * and route off; with @o->once it returns as soon as the first lease is
 * configured, leaving it there. The two signals are blocked while it runs
 * and read through a signalfd, so no handler and no global are needed.
 *
 * Return: 0, or -errno (-ETIMEDOUT: no lease within @o->timeout_ms).
 */
int dhcpc_run(struct nsnet_ctx *ctx, const struct nsnet_dhcpc_opts *o)
{
	struct dhcpc c = { .ctx = ctx, .o = o, .udp = -1, .sfd = -1 };
	sigset_t mask, old;
	const char *why;
	int err;

	nsnet_clear_err(ctx);
	why = o->ifname ? nsnet_check_ifname(o->ifname) : "missing";
	if (why)
		return nsnet_fail_why(ctx, -EINVAL, true, why, "dhcp interface \"%s\"",
				      o->ifname ? o->ifname : "");
	c.ifindex = (int)if_nametoindex(o->ifname);
	if (!c.ifindex)
		return nsnet_fail_why(ctx, -ENODEV, true, "no such interface",
				      "dhcp %s", o->ifname);
	sigemptyset(&mask);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	if (pthread_sigmask(SIG_BLOCK, &mask, &old))
		return nsnet_fail(ctx, -EINVAL, "dhcp: block signals");
	c.sfd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
	if (c.sfd < 0) {
		err = nsnet_fail(ctx, -errno, "dhcp: signalfd");
		goto out;
	}
	err = dhcpc_link_up(ctx, c.ifindex, c.mac, &c.mac_len);
	if (!err)
		err = open_socket(&c);
	if (!err)
		err = loop(&c);
	if (err && c.bound) {
		/* Failing halfway (a lease configured, its file not written):
		 * give the lease back and leave nothing behind, keeping the
		 * first error as the one reported. */
		char msg[sizeof(ctx->err)];
		bool input = ctx->err_input;

		memcpy(msg, ctx->err, sizeof(msg));
		release(&c);
		memcpy(ctx->err, msg, sizeof(msg));
		ctx->err_input = input;
	}
out:
	if (c.udp >= 0)
		close(c.udp);
	if (c.sfd >= 0)
		close(c.sfd);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return err;
}

/**
 * nsnet_dhcp_client() - obtain and keep a DHCP lease on an interface
 * @ctx:	context
 * @ns:		namespace to run in (the thread joins it for good), or NULL
 * @o:		what to do
 *
 * The client's sockets, the interface it reads by name and its netlink
 * requests all belong to the thread's namespace, so the thread moves
 * there rather than borrowing it: no mount changes are needed (files are
 * named by the caller), unlike nsnet_netns_enter().
 *
 * Return: 0, or -errno.
 */
int nsnet_dhcp_client(struct nsnet_ctx *ctx, const char *ns,
		      const struct nsnet_dhcpc_opts *o)
{
	nsnet_clear_err(ctx);
	if (ns && *ns) {
		int fd = ns_open(ctx, ns);

		if (fd < 0)
			return fd;
		if (setns(fd, CLONE_NEWNET) < 0) {
			int err = -errno;

			close(fd);
			return nsnet_fail(ctx, err, "netns %s: enter", ns);
		}
		close(fd);
	}
	return dhcpc_run(ctx, o);
}
