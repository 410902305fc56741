/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * dhcp.h - DHCPv4 messages (dhcp_msg.c), nsnet's DHCP client (dhcpc.c) and
 * the command line of the dnsmasq that serves a lab's network (dnsmasq.c)
 */
#ifndef NSNET_DHCP_H
#define NSNET_DHCP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <netinet/in.h>

#include "nsnet/nsnet.h"

#define DHCP_SERVER_PORT	67
#define DHCP_CLIENT_PORT	68

/* Fixed BOOTP header, then the 4-byte magic cookie, then options. */
#define DHCP_HDR_LEN		236
#define DHCP_OPT_OFF		240
/* RFC 2131 4.1: a client must accept messages of at least 576 bytes of IP;
 * BOOTP relays expect at least 300 bytes of BOOTP, so we pad to that. */
#define DHCP_MIN_LEN		300
#define DHCP_MAX_LEN		1500

/* DHCP message types (option 53, RFC 2132 9.6) */
enum dhcp_type {
	DHCP_DISCOVER = 1,
	DHCP_OFFER,
	DHCP_REQUEST,
	DHCP_DECLINE,
	DHCP_ACK,
	DHCP_NAK,
	DHCP_RELEASE,
	DHCP_INFORM,
};

/* Option codes used here (RFC 2132, RFC 3397) */
enum dhcp_opt {
	DHO_PAD = 0,
	DHO_SUBNET_MASK = 1,
	DHO_ROUTER = 3,
	DHO_DNS = 6,
	DHO_HOSTNAME = 12,
	DHO_DOMAIN = 15,
	DHO_REQUESTED_IP = 50,
	DHO_LEASE_TIME = 51,
	DHO_OVERLOAD = 52,
	DHO_MSG_TYPE = 53,
	DHO_SERVER_ID = 54,
	DHO_PARAM_REQ = 55,
	DHO_MESSAGE = 56,
	DHO_MAX_SIZE = 57,
	DHO_T1 = 58,
	DHO_T2 = 59,
	DHO_CLIENT_ID = 61,
	DHO_SEARCH = 119,
	DHO_END = 255,
};

#define DHCP_MAX_DNS	4

/**
 * struct dhcp_msg - one DHCPv4 message, decoded
 *
 * Addresses are in network byte order; 0 means "absent" for the optional
 * ones (none of them can be 0.0.0.0 when present). Times are seconds, 0
 * absent (dhcp_times() fills in RFC 2131's defaults).
 *
 * @op:		1 BOOTREQUEST, 2 BOOTREPLY
 * @type:	enum dhcp_type (option 53), 0 for plain BOOTP
 * @xid:	transaction id, host order
 * @secs:	seconds since the client began, host order
 * @broadcast:	the broadcast flag: answer to 255.255.255.255
 * @ciaddr:	client's current address (renewing)
 * @yiaddr:	"your" address: the one offered or acknowledged
 * @siaddr:	next server (unused by us)
 * @giaddr:	relay agent
 * @chaddr:	client hardware address
 * @hlen:	bytes used in @chaddr
 * @requested:	option 50
 * @server_id:	option 54
 * @mask:	option 1
 * @router:	first of option 3
 * @dns:	option 6
 * @n_dns:	entries used in @dns
 * @lease:	option 51
 * @t1:		option 58
 * @t2:		option 59
 * @domain:	option 15, NUL-terminated; "" unless it is a DNS name
 * @search:	option 119, names separated by spaces (only DNS names)
 * @hostname:	option 12
 * @message:	option 56 (a server's text, e.g. why it NAKed)
 * @client_id:	option 61
 * @client_id_len: bytes used in @client_id
 * @params:	option 55, requested options
 * @n_params:	entries used in @params
 * @refused_name: the first option (DHO_DOMAIN, DHO_SEARCH) that held a
 *		name that is not a DNS name and was left out, 0 for none
 */
struct dhcp_msg {
	uint8_t op;
	uint8_t type;
	uint32_t xid;
	uint16_t secs;
	bool broadcast;
	in_addr_t ciaddr, yiaddr, siaddr, giaddr;
	uint8_t chaddr[16];
	uint8_t hlen;
	in_addr_t requested, server_id, mask, router;
	in_addr_t dns[DHCP_MAX_DNS];
	unsigned int n_dns;
	uint32_t lease, t1, t2;
	char domain[256];
	char search[256];
	char hostname[64];
	char message[128];
	uint8_t client_id[32];
	unsigned int client_id_len;
	uint8_t params[32];
	unsigned int n_params;
	uint8_t refused_name;
};

int dhcp_encode(const struct dhcp_msg *m, uint8_t *buf, size_t cap);
int dhcp_decode(const uint8_t *buf, size_t len, struct dhcp_msg *m);
void dhcp_times(const struct dhcp_msg *ack, uint32_t *t1, uint32_t *t2);
unsigned int dhcp_mask_len(in_addr_t mask);
bool dhcp_mask_ok(in_addr_t mask);
bool dhcp_unicast(in_addr_t a);
const char *dhcp_type_name(unsigned int type);

/* The client's states, as in RFC 2131 figure 5 */
enum dhcpc_state {
	DHCPC_SELECTING,
	DHCPC_REQUESTING,
	DHCPC_BOUND,
	DHCPC_RENEWING,
	DHCPC_REBINDING,
};

/**
 * struct dhcpc_expect - what the client waits for: a reply is judged by it
 * @state:	enum dhcpc_state
 * @xid:	transaction id of the current exchange
 * @mac:	our hardware address (chaddr)
 * @mac_len:	its length
 * @offered:	REQUESTING: the address the chosen OFFER made
 * @server:	REQUESTING: the server chosen; RENEWING, REBINDING: the
 *		server of the lease in use
 * @address:	RENEWING, REBINDING: the address of the lease in use
 */
struct dhcpc_expect {
	enum dhcpc_state state;
	uint32_t xid;
	const uint8_t *mac;
	unsigned int mac_len;
	in_addr_t offered;
	in_addr_t server;
	in_addr_t address;
};

/* What a received message is to the client (dhcpc_judge()) */
enum dhcpc_verdict {
	DHCPC_IGNORE,		/* not for us, or refused */
	DHCPC_TAKE_OFFER,	/* request this OFFER */
	DHCPC_TAKE_ACK,		/* an ACK to check (dhcpc_lease_from()) and bind */
	DHCPC_TAKE_NAK,		/* drop the lease, start over */
};

enum dhcpc_verdict dhcpc_judge(const struct dhcpc_expect *e,
			       const struct dhcp_msg *m, char *why,
			       size_t why_len);

/* The options are the public struct nsnet_dhcpc_opts (nsnet.h). */
int dhcpc_run(struct nsnet_ctx *ctx, const struct nsnet_dhcpc_opts *o);

/* dhcpc_cfg.c: the lease applied to the interface and written to files */
/**
 * struct dhcpc_lease - a lease as it was acknowledged
 * @address:	our address
 * @prefixlen:	from the subnet mask (or the class default)
 * @router:	default gateway, 0 for none
 * @server:	the server's identifier
 * @dns:	DNS servers
 * @n_dns:	entries used in @dns
 * @domain:	domain name, "" for none
 * @search:	search list, space separated, "" for none
 * @lease:	lease time in seconds
 * @t1:		renew after this many seconds
 * @t2:		rebind after this many seconds
 * @obtained:	wall clock time the lease was acknowledged
 */
struct dhcpc_lease {
	in_addr_t address;
	unsigned int prefixlen;
	in_addr_t router;
	in_addr_t server;
	in_addr_t dns[DHCP_MAX_DNS];
	unsigned int n_dns;
	char domain[256];
	char search[256];
	uint32_t lease, t1, t2;
	time_t obtained;
};

int dhcpc_lease_from(const struct dhcp_msg *ack, struct dhcpc_lease *l,
		     char *why, size_t why_len);
int dhcpc_configure(struct nsnet_ctx *ctx, int ifindex,
		    const struct dhcpc_lease *l, const struct dhcpc_lease *old);
int dhcpc_unconfigure(struct nsnet_ctx *ctx, int ifindex,
		      const struct dhcpc_lease *l);
int dhcpc_link_up(struct nsnet_ctx *ctx, int ifindex, uint8_t *mac,
		  unsigned int *mac_len);
int dhcpc_write_lease(struct nsnet_ctx *ctx, const char *path,
		      const char *ifname, const struct dhcpc_lease *l);
int dhcpc_write_resolv(struct nsnet_ctx *ctx, const char *path,
		       const struct dhcpc_lease *l);

/**
 * struct dnsmasq_host - a name dnsmasq answers for
 * @name:	the host name (also NAME.DOMAIN)
 * @address:	its IPv4 address
 */
struct dnsmasq_host {
	const char *name;
	struct nsnet_prefix address;
};

/**
 * struct dnsmasq_conf - one network dnsmasq serves
 * @ifname:	the switch's interface on the host (a bridge)
 * @listen:	the host's address on it, where dnsmasq listens
 * @subnet:	the network (for the netmask)
 * @range_start: first address handed out
 * @range_end:	last address handed out
 * @lease_secs:	lease time in seconds, at least 120 (dnsmasq's minimum)
 * @router:	default gateway for clients, NULL for none
 * @dns:	DNS server for clients, NULL for none (then dnsmasq serves no
 *		DNS at all: port 0)
 * @domain:	the lab's domain, NULL for none
 * @pid_path:	dnsmasq's pid file
 * @lease_path:	dnsmasq's lease file
 * @hosts:	static names (nodes with fixed addresses), terminated by an
 *		entry with a NULL name; NULL for none. Passed as --host-record
 *		arguments, not a hosts file: dnsmasq reads --addn-hosts only
 *		after dropping privileges, and cannot enter /run/nsnet (0700)
 * @upstream:	DNS servers to forward other names to (dnsmasq never reads
 *		a resolv.conf: the caller picks servers it can reach)
 * @n_upstream:	how many; 0: other names are refused, not forwarded
 * @renew_secs:	T1 sent to clients (option 58), 0 for the default
 */
struct dnsmasq_conf {
	const char *ifname;
	const struct nsnet_prefix *listen;
	const struct nsnet_prefix *subnet;
	const struct nsnet_prefix *range_start;
	const struct nsnet_prefix *range_end;
	unsigned int lease_secs;
	const struct nsnet_prefix *router;
	const struct nsnet_prefix *dns;
	const char *domain;
	const char *pid_path;
	const char *lease_path;
	const struct dnsmasq_host *hosts;
	const struct nsnet_prefix *upstream;
	size_t n_upstream;
	unsigned int renew_secs;
};

int dnsmasq_argv(const struct dnsmasq_conf *c, char ***argv_out);
void dnsmasq_argv_free(char **argv);

/**
 * struct dnsmasq_lease - one line of dnsmasq's lease file
 * @expires:	expiry (seconds since the epoch), 0 for an infinite lease
 * @mac:	hardware address as dnsmasq writes it
 * @address:	the client's address
 * @hostname:	the name the client sent, "" for none ("*" in the file)
 * @client_id:	its client identifier, "" for none
 */
struct dnsmasq_lease {
	int64_t expires;
	char mac[64];
	struct nsnet_prefix address;
	char hostname[64];
	char client_id[256];
};

int dnsmasq_leases_read(struct nsnet_ctx *ctx, const char *path,
			struct dnsmasq_lease **out);

#endif /* NSNET_DHCP_H */
