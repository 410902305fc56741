/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * lab.h - the desired state read from a lab file (nsnet-lab(5))
 *
 * Every value remembers where in the file it came from, so every error can
 * point at the input. The model is plain data: arrays owned by struct lab,
 * released by lab_free().
 */
#ifndef NSNET_LAB_H
#define NSNET_LAB_H

#include <stdbool.h>
#include <stddef.h>

#include "nsnet/nsnet.h"

/** LAB_NAME_MAX - longest lab name: it goes into "nsnet:<lab>" link aliases */
#define LAB_NAME_MAX 32

/** LAB_NODES_MAX - most nodes a lab may have: planning costs memory per
 * node (a 200,000-node file took 479 MB), and a bigger lab would not
 * keep the socket cache (SOCK_CACHE_MAX) either */
#define LAB_NODES_MAX 16384

/** LAB_DEPTH_MAX - deepest nesting of mappings and lists in a lab file (a
 * lab needs fewer than 10): libyaml's loader is quadratic in the depth */
#define LAB_DEPTH_MAX 64

/** LAB_NONE - an index (network, node) whose name is not defined in the lab */
#define LAB_NONE ((size_t)-1)

/**
 * struct lab_pos - where a value is in the lab file (1-based)
 * @line:	line
 * @col:	column
 */
struct lab_pos {
	unsigned int line;
	unsigned int col;
};

/** LAB_LEASE_DEFAULT - DHCP lease time without `lease:` (seconds) */
#define LAB_LEASE_DEFAULT 3600u
/** LAB_LEASE_INFINITE - `lease: infinite` */
#define LAB_LEASE_INFINITE 0xffffffffu

/**
 * struct lab_dhcp - a network's `dhcp:`: dnsmasq hands out addresses
 * @on:		whether `dhcp:` was given
 * @pos:	its position
 * @first:	first address of `range:` (with the subnet's length)
 * @last:	last address of `range:`
 * @range_pos:	position of `range:`'s value
 * @lease:	lease time in seconds (LAB_LEASE_INFINITE: no expiry)
 * @server:	index into lab->nodes of `server:`, LAB_NONE for the host
 *		(dnsmasq on the network's gateway address)
 * @server_name: `server:` as written, "" for the host
 * @server_pos:	its position
 */
struct lab_dhcp {
	bool on;
	struct lab_pos pos;
	struct nsnet_prefix first;
	struct nsnet_prefix last;
	struct lab_pos range_pos;
	unsigned int lease;
	size_t server;
	char server_name[NSNET_NSNAMSIZ];
	struct lab_pos server_pos;
};

/** enum lab_net_type - what a network's switch is (`type:`) */
enum lab_net_type {
	LAB_NET_BRIDGE,		/* a Linux bridge (the default) */
	LAB_NET_OVS,		/* an Open vSwitch bridge */
};

/**
 * struct lab_network - a switch (`networks:` entry)
 * @name:	bridge name, used as written on the host
 * @pos:	position of the key
 * @type:	Linux bridge or Open vSwitch
 * @subnet:	the network's prefix, valid if @has_subnet
 * @has_subnet:	whether `subnet:` was given
 * @subnet_pos:	its position
 * @gateway:	the host's address on the switch (with @subnet's length)
 * @has_gateway: whether `gateway:` was given (else the host is not attached)
 * @gateway_pos: its position
 * @nat:	`nat: true` or `nat: {out: IFACE}`: masquerade the subnet when
 *		it leaves the host through another interface than the bridge
 * @nat_out:	only through this host interface ("" for any)
 * @nat_pos:	position of `nat:`'s value
 * @dhcp:	`dhcp:`
 */
struct lab_network {
	char name[NSNET_IFNAMSIZ];
	struct lab_pos pos;
	struct nsnet_prefix subnet;
	bool has_subnet;
	struct lab_pos subnet_pos;
	struct nsnet_prefix gateway;
	bool has_gateway;
	struct lab_pos gateway_pos;
	bool nat;
	char nat_out[NSNET_IFNAMSIZ];
	struct lab_pos nat_pos;
	struct lab_dhcp dhcp;
	enum lab_net_type type;
};

/**
 * struct lab_forward - a host port forwarded to a node (`forwards:` entry)
 * @proto:	IPPROTO_TCP (default) or IPPROTO_UDP
 * @port:	the host's port
 * @node:	index into lab->nodes (the `to: NODE:PORT` node)
 * @node_name:	that node's name as written
 * @to_port:	the node's port
 * @host:	only traffic to this host address, valid if @has_host
 * @has_host:	whether `host:` was given
 * @pos:	position of the entry
 * @port_pos:	position of `port:`'s value
 * @to_pos:	position of `to:`'s value
 * @host_pos:	position of `host:`'s value
 */
struct lab_forward {
	int proto;
	unsigned int port;
	size_t node;
	char node_name[NSNET_NSNAMSIZ];
	unsigned int to_port;
	struct nsnet_prefix host;
	bool has_host;
	struct lab_pos pos;
	struct lab_pos port_pos;
	struct lab_pos to_pos;
	struct lab_pos host_pos;
};

/** enum lab_addr_kind - what `address:` says */
enum lab_addr_kind {
	LAB_ADDR_NONE,		/* no address: key absent */
	LAB_ADDR_STATIC,	/* a CIDR */
	LAB_ADDR_AUTO,		/* `auto`: next free address of the subnet */
	LAB_ADDR_DHCP,		/* `dhcp`: leased from the network's dnsmasq */
};

/**
 * struct lab_iface - a node's interface on a network (`interfaces:` entry)
 * @name:	interface name inside the node's namespace
 * @pos:	position of the key
 * @network:	index into lab->networks, LAB_NONE if @network_name is unknown
 * @network_pos: position of `network:`'s value
 * @addr_kind:	none, static or auto
 * @addr:	the static address with its prefix length
 * @addr_pos:	position of `address:`
 * @peer:	host-side name from `peer:`, "" to derive one
 * @peer_pos:	position of `peer:`
 * @network_name: `network:` as written ("" if it was not a valid name)
 * @addr_len_given: whether the static address was written with "/LEN"
 *		(without it, @addr takes the subnet's length)
 */
struct lab_iface {
	char name[NSNET_IFNAMSIZ];
	struct lab_pos pos;
	size_t network;
	struct lab_pos network_pos;
	enum lab_addr_kind addr_kind;
	struct nsnet_prefix addr;
	struct lab_pos addr_pos;
	char peer[NSNET_IFNAMSIZ];
	struct lab_pos peer_pos;
	char network_name[NSNET_IFNAMSIZ];
	bool addr_len_given;
};

/**
 * struct lab_route - one `routes:` entry, in ip's words
 * @text:	as written ("default via 192.168.15.5")
 * @pos:	its position
 * @dst:	destination (len 0: default)
 * @via:	gateway, valid if @has_via
 * @has_via:	whether "via" was given
 * @dev:	"dev IF" (an interface of the node), "" if not given
 */
struct lab_route {
	char text[128];
	struct lab_pos pos;
	struct nsnet_prefix dst;
	struct nsnet_prefix via;
	bool has_via;
	char dev[NSNET_IFNAMSIZ];
};

/**
 * struct lab_dns - a node's `dns:`, written to /etc/netns/NODE/resolv.conf
 * @given:	whether `dns:` was given
 * @pos:	its position
 * @servers:	`nameservers:`
 * @n_servers:	count
 * @search:	`search:` domains
 * @n_search:	count
 * @options:	`options:` ("ndots:2", "edns0")
 * @n_options:	count
 */
struct lab_dns {
	bool given;
	struct lab_pos pos;
	struct nsnet_prefix *servers;
	size_t n_servers;
	char **search;
	size_t n_search;
	char **options;
	size_t n_options;
};

/**
 * struct lab_host - one `hosts:` entry of a node: a name and its address
 * @name:	host name
 * @addr:	its address
 * @pos:	position of the entry
 */
struct lab_host {
	char *name;
	struct nsnet_prefix addr;
	struct lab_pos pos;
};

/** enum lab_restart - what to do when a `run:` process exits */
enum lab_restart {
	LAB_RESTART_ON_FAILURE,	/* restart unless it exited with status 0 */
	LAB_RESTART_NO,		/* report it, leave it */
	LAB_RESTART_ALWAYS,	/* restart whatever the status */
};

/** LAB_RUN_ID_MAX - longest `name:` of a `run:` entry */
#define LAB_RUN_ID_MAX 64

/**
 * struct lab_ready - `ready:` of a `run:` entry: how `up` knows the service
 *		      answers
 * @port:	a TCP port that accepts connections once it is ready; 0 when
 *		`ready:` was not given
 * @addr:	the address connected to, inside the node (127.0.0.1 unless
 *		`tcp:ADDRESS:PORT` says otherwise)
 * @pos:	position of `ready:`'s value
 */
struct lab_ready {
	unsigned int port;
	struct nsnet_prefix addr;
	struct lab_pos pos;
};

/**
 * struct lab_run - one `run:` entry: a supervised process in a node
 * @argv:	the command, NULL-terminated (never given to a shell)
 * @id:		its name within the lab (`name:`, else "<node>-<command>")
 * @id_given:	whether `name:` gave @id
 * @user:	run as this user, NULL for root
 * @restart:	policy when it exits
 * @ready:	its readiness check
 * @pos:	position of the entry
 */
struct lab_run {
	char **argv;
	char id[LAB_RUN_ID_MAX + 1];
	bool id_given;
	char *user;
	enum lab_restart restart;
	struct lab_ready ready;
	struct lab_pos pos;
};

/**
 * struct lab_node - a node: one named network namespace
 * @name:	the namespace's name, used as written
 * @pos:	position of the key
 * @ifaces:	its switch interfaces
 * @n_ifaces:	count
 * @routes:	its routes
 * @n_routes:	count
 * @dns:	`dns:`
 * @hosts:	`hosts:` entries
 * @n_hosts:	count
 * @runs:	`run:` entries
 * @n_runs:	count
 */
struct lab_node {
	char name[NSNET_NSNAMSIZ];
	struct lab_pos pos;
	struct lab_iface *ifaces;
	size_t n_ifaces;
	struct lab_route *routes;
	size_t n_routes;
	struct lab_dns dns;
	struct lab_host *hosts;
	size_t n_hosts;
	struct lab_run *runs;
	size_t n_runs;
};

/**
 * struct lab_end - one end of a direct cable
 * @node:	index into lab->nodes, LAB_NONE if @node_name is unknown
 * @ifname:	interface name in that node
 * @pos:	position of the "node:ifname" value
 * @addr:	address, valid if @has_addr
 * @has_addr:	whether `addresses:` gave one for this end
 * @addr_pos:	its position
 * @node_name:	the node as written ("" if it was not a valid name)
 */
struct lab_end {
	size_t node;
	char ifname[NSNET_IFNAMSIZ];
	struct lab_pos pos;
	struct nsnet_prefix addr;
	bool has_addr;
	struct lab_pos addr_pos;
	char node_name[NSNET_NSNAMSIZ];
};

/**
 * struct lab_link - a direct cable between two nodes (`links:` entry)
 * @end:	its two ends, a and b
 * @pos:	position of the entry
 */
struct lab_link {
	struct lab_end end[2];
	struct lab_pos pos;
};

/**
 * struct lab - a whole lab file
 * @file:	path as given, for messages
 * @name:	`lab:`
 * @name_pos:	its position
 * @networks:	switches
 * @n_networks:	count
 * @nodes:	nodes
 * @n_nodes:	count
 * @links:	direct cables
 * @n_links:	count
 * @forwards:	host ports forwarded to nodes
 * @n_forwards:	count
 */
struct lab {
	char *file;
	char name[LAB_NAME_MAX + 1];
	struct lab_pos name_pos;
	struct lab_network *networks;
	size_t n_networks;
	struct lab_node *nodes;
	size_t n_nodes;
	struct lab_link *links;
	size_t n_links;
	struct lab_forward *forwards;
	size_t n_forwards;
};

/**
 * struct lab_diag - one problem found in a lab file
 * @pos:	where (line 0: the file as a whole)
 * @msg:	what is wrong, naming the value
 */
struct lab_diag {
	struct lab_pos pos;
	char msg[256];
};

/**
 * struct lab_diags - every problem found, reported together
 * @file:	the file they are about
 * @items:	the problems, in the order found
 * @n:		count
 * @cap:	allocated
 * @dropped:	problems found but not stored for want of memory
 */
struct lab_diags {
	const char *file;
	struct lab_diag *items;
	size_t n;
	size_t cap;
	size_t dropped;
};

void lab_diag_add(struct lab_diags *d, struct lab_pos pos, const char *fmt,
		  ...) __attribute__((format(printf, 3, 4)));
void lab_diags_free(struct lab_diags *d);
/* "FILE:LINE:COL: message" ("FILE: message" for line 0) into @buf. */
const char *lab_diag_format(const struct lab_diags *d, size_t i, char *buf,
			    size_t len);

/**
 * struct lab_text - a short text returned by value, for message arguments
 * @s:		the text (a C11 temporary lives until the end of the call)
 */
struct lab_text {
	char s[80];
};
/* A value from the file made safe to print: control characters escaped,
 * cut with "..." past 60 bytes. lab_show_n() also shows NUL bytes. */
struct lab_text lab_show(const char *v);
struct lab_text lab_show_n(const char *v, size_t len);
/* An address as text, with "/LEN" if @with_len. */
struct lab_text lab_pfx(const struct nsnet_prefix *p, bool with_len);

/* lab_yaml.c: parse a file; every problem goes to @d.
 * Return: 0 if the file is a well-formed lab (no diagnostic added), -EINVAL
 * if any problem was added to @d, -ENOMEM, or -errno if the file could not
 * be read (also reported in @d, at line 0). *@out is set whenever the text
 * was YAML, even with problems, so lab_check() can add its own; it is NULL
 * otherwise (and when YAML aliases expand past a bound). A lab that came with problems is only fit for lab_check() and
 * lab_free(): unknown references are LAB_NONE. @d->file is set to the file
 * name when it was NULL (it must then outlive @d). */
int lab_parse_file(const char *path, struct lab **out, struct lab_diags *d);
int lab_parse_buffer(const char *file, const char *buf, size_t len,
		     struct lab **out, struct lab_diags *d);
void lab_free(struct lab *lab);

/* lab_check.c: checks that need nothing but the file (names, CIDRs,
 * references, overlaps and duplicates within the lab). */
int lab_check(const struct lab *lab, struct lab_diags *d);

/* lab_check_svc.c: the checks of dhcp, dns, hosts and run (lab_check()
 * calls it), and what the services need to know of a network. */
int lab_check_svc(const struct lab *lab, struct lab_diags *d);
bool lab_dhcp_in_range(const struct lab_network *net,
		       const struct nsnet_prefix *a);
const struct lab_iface *lab_dhcp_server_if(const struct lab *lab, size_t net);

/* The interface of a forward's node whose address the forward goes to: the
 * first one (file order) on a network with a gateway, with an address (static
 * or auto), of the family of `host:` if given, else IPv4 if the node has one.
 * Return: its index in the node's ifaces, or LAB_NONE (lab_check() refuses
 * such a lab). */
size_t lab_forward_iface(const struct lab *lab, const struct lab_forward *f);

/* The host-side name of a node's switch interface: `peer:` if given, else
 * "<node>-<iface>", shortened with a hash to 15 bytes when longer. */
void lab_host_ifname(const struct lab_node *node, const struct lab_iface *ifc,
		     char out[NSNET_IFNAMSIZ]);

#endif /* NSNET_LAB_H */
