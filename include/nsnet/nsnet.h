/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * nsnet.h - the one public header of libnsnet
 *
 * libnsnet builds isolated virtual networks out of Linux network namespaces.
 * All state lives in an opaque context; the library never prints and never
 * exits. Every call returns 0 (or a count) on success and a negative errno on
 * failure, and leaves a one-line description of the failure, including the
 * kernel's extended-ack text when there is one, in the context's error buffer.
 *
 * Namespaces are named by strings everywhere: NULL (or "") is the namespace
 * the context was created in, any other string is a name under /run/netns, as
 * with `ip -n NAME`. Where iproute2 accepts a PID instead of a namespace name
 * (`ip link set DEV netns PID`), so does the corresponding call here.
 *
 * Result arrays are flat: release them with free().
 */
#ifndef NSNET_NSNET_H
#define NSNET_NSNET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#ifdef __cplusplus
extern "C" {
#endif

/** NSNET_IFNAMSIZ - interface name buffer size, 15 bytes plus NUL (IFNAMSIZ) */
#define NSNET_IFNAMSIZ 16
/** NSNET_NSNAMSIZ - namespace name buffer size (a file name under /run/netns) */
#define NSNET_NSNAMSIZ 256

struct nsnet_ctx;

/* ---------------------------------------------------------------- context */

/**
 * nsnet_ctx_new() - create a library context
 * @out:	where to store the new context
 *
 * The context remembers the network namespace of the calling thread at this
 * moment as the "host" namespace (NULL in every call below).
 *
 * Return: 0, or -errno.
 */
int nsnet_ctx_new(struct nsnet_ctx **out);

/**
 * nsnet_ctx_free() - release a context, its sockets and descriptors
 * @ctx:	context, may be NULL
 */
void nsnet_ctx_free(struct nsnet_ctx *ctx);

/**
 * nsnet_errmsg() - the description of the last failure
 * @ctx:	context
 *
 * Return: "<what>: <why>", never NULL (empty when nothing failed).
 */
const char *nsnet_errmsg(const struct nsnet_ctx *ctx);

/**
 * nsnet_err_is_input() - whether the last failure was caused by the input
 * @ctx:	context
 *
 * True for values that are malformed or name something that does not exist,
 * refused before anything was changed; the CLI maps it to exit code 2.
 *
 * Return: true if the last failure was an input error.
 */
bool nsnet_err_is_input(const struct nsnet_ctx *ctx);

/* ------------------------------------------------------------- validation */

/**
 * nsnet_check_nsname() - validate a namespace name (a file under /run/netns)
 * @name:	the name
 *
 * Refuses "", ".", "..", '/', ':', whitespace, control characters, a leading
 * '-', and names of NSNET_NSNAMSIZ bytes or more.
 *
 * Return: NULL if valid, else a static text saying why not.
 */
const char *nsnet_check_nsname(const char *name);

/**
 * nsnet_check_ifname() - validate an interface name as the kernel would
 * @name:	the name
 *
 * Return: NULL if valid, else a static text saying why not.
 */
const char *nsnet_check_ifname(const char *name);

/**
 * nsnet_check_labname() - validate a lab name as a lab file's `lab:` is
 * @name:	the name
 *
 * A namespace name of at most 32 bytes made of letters, digits, '.', '_'
 * and '-' (it names the lab's nftables table).
 *
 * Return: NULL if valid, else a static text saying why not.
 */
const char *nsnet_check_labname(const char *name);

/**
 * struct nsnet_prefix - an IP address with a prefix length
 * @family:	AF_INET or AF_INET6
 * @len:	prefix length
 * @addr:	address bytes in network order (4 or 16 used)
 */
struct nsnet_prefix {
	int family;
	unsigned int len;
	uint8_t addr[16];
};

/* Flags for nsnet_prefix_parse() */
#define NSNET_PFX_NEED_LEN	0x1	/* "/LEN" must be given */
#define NSNET_PFX_NO_HOSTBITS	0x2	/* a network: no bits set after the prefix */
#define NSNET_PFX_DEFAULT	0x4	/* accept "default" (0.0.0.0/0) */
#define NSNET_PFX_NO_LEN	0x8	/* a plain address: "/LEN" is refused */

/**
 * nsnet_prefix_parse() - parse "ADDR[/LEN]" strictly
 * @s:		the text
 * @flags:	NSNET_PFX_* flags
 * @out:	the result; without "/LEN" the length is the full address width
 *
 * Return: NULL on success, else a static text saying why @s was refused.
 */
const char *nsnet_prefix_parse(const char *s, unsigned int flags,
			       struct nsnet_prefix *out);

/**
 * nsnet_prefix_format() - format an address, with "/LEN" if @with_len
 * @p:		the prefix
 * @with_len:	append the prefix length
 * @buf:	output buffer
 * @len:	size of @buf, at least 50 bytes for every value
 *
 * Return: @buf.
 */
char *nsnet_prefix_format(const struct nsnet_prefix *p, bool with_len,
			  char *buf, size_t len);

/* ------------------------------------------------------------- namespaces */

/**
 * struct nsnet_netns - one named network namespace
 * @name:	the file name under /run/netns
 * @id:		its namespace id as seen from the host namespace, -1 if none
 * @ino:	inode of the namespace (0 for a stale entry)
 * @stale:	the file exists but no namespace is mounted on it
 */
struct nsnet_netns {
	char name[NSNET_NSNAMSIZ];
	int id;
	uint64_t ino;
	bool stale;
};

int nsnet_netns_add(struct nsnet_ctx *ctx, const char *name);
int nsnet_netns_del(struct nsnet_ctx *ctx, const char *name);
int nsnet_netns_attach(struct nsnet_ctx *ctx, const char *name, pid_t pid);
/* Return: the number of entries in *@out, or -errno. */
int nsnet_netns_list(struct nsnet_ctx *ctx, struct nsnet_netns **out);
/* The names under /run/netns that are the namespace of @pid (0 = self). */
int nsnet_netns_identify(struct nsnet_ctx *ctx, pid_t pid,
			 struct nsnet_netns **out);
/* The processes whose network namespace is @name. */
int nsnet_netns_pids(struct nsnet_ctx *ctx, const char *name, pid_t **out);

/**
 * nsnet_netns_enter() - move the calling process into @name for good
 * @ctx:	context
 * @name:	namespace name
 *
 * Does what `ip netns exec` does before it executes the command: joins the
 * network namespace, unshares the mount namespace (made a slave of the
 * parent's so nothing leaks back), remounts /sys for the new namespace and
 * bind-mounts every file of /etc/netns/NAME over its namesake in /etc. Meant
 * to be followed by exec; there is no way back.
 *
 * Return: 0, or -errno.
 */
int nsnet_netns_enter(struct nsnet_ctx *ctx, const char *name);

/**
 * struct nsnet_netns_info - one network namespace found on the machine
 * @ino:	its inode, which identifies it (0 for a stale entry)
 * @name:	its name under /run/netns, "" if unnamed
 * @path:	another nsfs mount of it (e.g. a container's), "" if none
 * @lab:	the lab it is a node of (lo's alias "nsnet:<lab>"), "" if none
 * @host:	it is the namespace the context was created in
 * @stale:	a /run/netns entry with no namespace mounted on it
 * @n_links:	its interfaces, -1 when it could not be entered
 * @n_pids:	processes in it
 * @pids:	the first (lowest) of them
 * @comms:	their names
 */
struct nsnet_netns_info {
	uint64_t ino;
	char name[NSNET_NSNAMSIZ];
	char path[256];
	char lab[NSNET_NSNAMSIZ];
	bool host;
	bool stale;
	int n_links;
	unsigned int n_pids;
	pid_t pids[8];
	char comms[8][16];
};

/* Every network namespace: named, held by processes, or mounted elsewhere.
 * Return: the count in *@out (host first, then named, then by inode). */
int nsnet_netns_list_all(struct nsnet_ctx *ctx, struct nsnet_netns_info **out);

/**
 * nsnet_netns_set_id() - give a named namespace an id in the host's eyes
 * @ctx:	context
 * @name:	namespace name
 * @id:		the id (0 and up), or -1 for the kernel's choice
 *
 * What `ip netns set NAME ID|auto` does (RTM_NEWNSID). A namespace that has
 * an id keeps it: the kernel refuses a second one.
 *
 * Return: 0, or -errno (an input error for a name that is no namespace).
 */
int nsnet_netns_set_id(struct nsnet_ctx *ctx, const char *name, int id);

/**
 * struct nsnet_nsid - an id the host namespace gives another namespace
 * @nsid:	the id
 * @name:	the /run/netns entry of that namespace, "" if none
 */
struct nsnet_nsid {
	int nsid;
	char name[NSNET_NSNAMSIZ];
};

/* Every id the host namespace has given (RTM_GETNSID dump, `ip netns
 * list-id`), in the kernel's order. Return: the count in *@out, free() it. */
int nsnet_netns_list_id(struct nsnet_ctx *ctx, struct nsnet_nsid **out);

/** typedef nsnet_netns_event_cb - @name was created (@add) or deleted */
typedef int (*nsnet_netns_event_cb)(void *data, bool add, const char *name);

/**
 * nsnet_netns_monitor() - watch /run/netns until told to stop
 * @ctx:	context
 * @cb:		called for every entry created or deleted there; a non-zero
 *		return ends the watch
 * @data:	passed to @cb
 *
 * What `ip netns monitor` watches (inotify). Blocks.
 *
 * Return: the non-zero value @cb returned, or -errno.
 */
int nsnet_netns_monitor(struct nsnet_ctx *ctx, nsnet_netns_event_cb cb,
			void *data);

/* ------------------------------------------------------------------ links */

/**
 * struct nsnet_link - one network interface as the kernel reports it
 * @ifindex:	interface index
 * @name:	interface name
 * @kind:	IFLA_INFO_KIND ("veth", "bridge", ...), "" for none
 * @flags:	IFF_* flags
 * @mtu:	MTU
 * @operstate:	IF_OPER_* state
 * @type:	ARPHRD_* hardware type
 * @group:	device group
 * @master:	ifindex of the master device, 0 if none
 * @link:	ifindex of the peer/lower device, 0 if none
 * @link_netnsid: namespace id the @link index lives in, -1 if the same
 * @addr_len:	bytes used in @addr and @brd
 * @addr:	hardware address
 * @brd:	hardware broadcast address
 * @alias:	interface alias (IFLA_IFALIAS)
 */
struct nsnet_link {
	int ifindex;
	char name[NSNET_IFNAMSIZ];
	char kind[16];
	unsigned int flags;
	unsigned int mtu;
	unsigned int operstate;
	unsigned int type;
	unsigned int group;
	int master;
	int link;
	int link_netnsid;
	unsigned int addr_len;
	uint8_t addr[32];
	uint8_t brd[32];
	char alias[64];
};

/**
 * nsnet_link_add_veth() - create a veth pair, both ends already placed
 * @ctx:	context
 * @ns:		namespace the request is made in
 * @name:	first end
 * @name_ns:	namespace for @name, NULL to keep it in @ns
 * @peer:	second end, NULL to let the kernel choose (vethN)
 * @peer_ns:	namespace for @peer, NULL to keep it in @ns
 *
 * One RTM_NEWLINK creates the pair with each end in its target namespace,
 * so no kill can strand a half-moved pair.
 *
 * Return: 0, or -errno.
 */
int nsnet_link_add_veth(struct nsnet_ctx *ctx, const char *ns,
			const char *name, const char *name_ns,
			const char *peer, const char *peer_ns);

/* Create a Linux bridge @name in @ns (down, like `ip link add`). */
int nsnet_link_add_bridge(struct nsnet_ctx *ctx, const char *ns,
			  const char *name);

/* Delete interface @name in @ns (a veth takes its peer with it). */
int nsnet_link_del(struct nsnet_ctx *ctx, const char *ns, const char *name);

/**
 * struct nsnet_link_change - what `link set` changes; zero means "keep"
 * @up:		1 up, -1 down, 0 keep
 * @netns:	move to this namespace (name or PID)
 * @master:	enslave to this bridge
 * @nomaster:	release from its master
 * @mtu:	new MTU
 * @name:	new name
 */
struct nsnet_link_change {
	int up;
	const char *netns;
	const char *master;
	bool nomaster;
	unsigned int mtu;
	const char *name;
};

int nsnet_link_set(struct nsnet_ctx *ctx, const char *ns, const char *name,
		   const struct nsnet_link_change *change);

/* Return: the number of links in *@out (sorted by ifindex), or -errno. */
int nsnet_link_list(struct nsnet_ctx *ctx, const char *ns,
		    struct nsnet_link **out);

/**
 * struct nsnet_peer - where the other end of a link is
 * @netns:	its namespace: a name, "host", a mount path or "pid:PID";
 *		"" when it is in the same namespace or there is none
 * @ifname:	its name there ("" if it could not be read)
 */
struct nsnet_peer {
	char netns[NSNET_NSNAMSIZ + 16];
	char ifname[NSNET_IFNAMSIZ];
};

int nsnet_link_peers(struct nsnet_ctx *ctx, const char *ns,
		     const struct nsnet_link *links, int n,
		     struct nsnet_peer **out);

/* Return: the ifindex of @name in @ns, or -errno (-ENODEV if absent). */
int nsnet_link_index(struct nsnet_ctx *ctx, const char *ns, const char *name);

/* -------------------------------------------------------------- addresses */

/**
 * struct nsnet_address - one interface address
 * @ifindex:	interface it is on
 * @local:	the address and its prefix length
 * @scope:	RT_SCOPE_*
 * @flags:	IFA_F_*
 * @label:	IFA_LABEL
 * @valid_lft:	valid lifetime in seconds, UINT32_MAX for forever
 * @preferred_lft: preferred lifetime in seconds, UINT32_MAX for forever
 */
struct nsnet_address {
	int ifindex;
	struct nsnet_prefix local;
	unsigned int scope;
	unsigned int flags;
	char label[NSNET_IFNAMSIZ];
	uint32_t valid_lft;
	uint32_t preferred_lft;
};

int nsnet_addr_add(struct nsnet_ctx *ctx, const char *ns, const char *dev,
		   const struct nsnet_prefix *addr);
int nsnet_addr_del(struct nsnet_ctx *ctx, const char *ns, const char *dev,
		   const struct nsnet_prefix *addr);
/* @family: AF_INET, AF_INET6 or 0 for both. Return: count, or -errno. */
int nsnet_addr_list(struct nsnet_ctx *ctx, const char *ns, int family,
		    struct nsnet_address **out);

/* ----------------------------------------------------------------- routes */

/**
 * struct nsnet_route - one route of the main table
 * @dst:	destination prefix (len 0 for default)
 * @has_gateway: whether @gateway is set
 * @gateway:	next hop
 * @oif:	output interface index, 0 if none
 * @has_prefsrc: whether @prefsrc is set
 * @prefsrc:	preferred source address
 * @protocol:	RTPROT_*
 * @scope:	RT_SCOPE_*
 * @type:	RTN_*
 * @table:	routing table
 * @metric:	priority
 * @flags:	RTNH_F_* flags
 */
struct nsnet_route {
	struct nsnet_prefix dst;
	bool has_gateway;
	struct nsnet_prefix gateway;
	int oif;
	bool has_prefsrc;
	struct nsnet_prefix prefsrc;
	unsigned int protocol;
	unsigned int scope;
	unsigned int type;
	unsigned int table;
	uint32_t metric;
	unsigned int flags;
};

/**
 * struct nsnet_route_spec - a route to add or delete
 * @dst:	destination; len 0 means default
 * @via:	gateway, NULL for none
 * @dev:	output interface name, NULL for none
 */
struct nsnet_route_spec {
	struct nsnet_prefix dst;
	const struct nsnet_prefix *via;
	const char *dev;
};

int nsnet_route_add(struct nsnet_ctx *ctx, const char *ns,
		    const struct nsnet_route_spec *spec);
int nsnet_route_del(struct nsnet_ctx *ctx, const char *ns,
		    const struct nsnet_route_spec *spec);
/* Routes of the main table; @family 0 for both. Return: count, or -errno. */
int nsnet_route_list(struct nsnet_ctx *ctx, const char *ns, int family,
		     struct nsnet_route **out);

/* -------------------------------------------------------------- neighbours */

/**
 * struct nsnet_neigh - one neighbour (ARP/NDP) entry
 * @ifindex:	interface
 * @dst:	the neighbour's IP address (len is the full width)
 * @lladdr_len:	bytes used in @lladdr, 0 if unresolved
 * @lladdr:	link-layer address
 * @state:	NUD_* state
 * @flags:	NTF_* flags
 */
struct nsnet_neigh {
	int ifindex;
	struct nsnet_prefix dst;
	unsigned int lladdr_len;
	uint8_t lladdr[32];
	unsigned int state;
	unsigned int flags;
};

int nsnet_neigh_list(struct nsnet_ctx *ctx, const char *ns, int family,
		     struct nsnet_neigh **out);

/* ------------------------------------------------------------------- labs */

/**
 * typedef nsnet_op_cb - told about each operation of a lab run
 * @data:	caller's pointer
 * @op:		one line describing it ("+ netns red", "- link x")
 * @i:		its number, from 0
 * @n:		how many there are
 *
 * Called before each operation is applied (for `plan`: instead of it), so
 * a caller can print a plan or show progress.
 */
typedef void (*nsnet_op_cb)(void *data, const char *op, size_t i, size_t n);

/* Flags for nsnet_lab_up() */
#define NSNET_LAB_PLAN	0x1	/* only report what up would do */

/**
 * nsnet_lab_up() - build a lab from a file, or converge it to the file
 * @ctx:	context
 * @file:	lab file (nsnet-lab(5))
 * @flags:	NSNET_LAB_* flags
 * @cb:		told about each operation, may be NULL
 * @data:	passed to @cb
 *
 * Validates everything first (all problems at once, see nsnet_diag()),
 * then plans against what exists and applies only the difference: an
 * unchanged lab is left untouched. Changes are serialized by a lock; a
 * failure undoes what this run created.
 *
 * Return: 0; -EINVAL with diagnostics for an invalid file or a conflict;
 * other -errno when an operation failed (and was rolled back).
 */
int nsnet_lab_up(struct nsnet_ctx *ctx, const char *file, unsigned int flags,
		 nsnet_op_cb cb, void *data);

/**
 * nsnet_lab_down() - remove everything a lab owns
 * @ctx:	context
 * @lab:	lab name, or the path of its lab file
 * @cb:		told about each operation, may be NULL
 * @data:	passed to @cb
 *
 * Finds the lab's objects by their tags even without recorded state.
 * Succeeds when the lab is already gone.
 *
 * Return: 0, or -errno.
 */
int nsnet_lab_down(struct nsnet_ctx *ctx, const char *lab, nsnet_op_cb cb,
		   void *data);

/* Problems found by the last nsnet_lab_up(): "FILE:LINE:COL: message". */
size_t nsnet_diag_count(const struct nsnet_ctx *ctx);
const char *nsnet_diag(const struct nsnet_ctx *ctx, size_t i);

/**
 * struct nsnet_lab_info - one lab that is up
 * @name:	lab name
 * @file:	the lab file it was brought up from
 * @nodes:	number of nodes
 * @networks:	number of networks
 */
struct nsnet_lab_info {
	char name[NSNET_NSNAMSIZ];
	char file[1024];
	unsigned int nodes;
	unsigned int networks;
};

/* Return: the number of labs in *@out (sorted by name), or -errno. */
int nsnet_lab_list(struct nsnet_ctx *ctx, struct nsnet_lab_info **out);

/**
 * struct nsnet_lab_if - one interface of a lab's node, as it is now
 * @node:	the node (namespace)
 * @ifname:	interface name in the node
 * @peer:	its veth peer: host interface name, or "NODE:IF" for a cable
 * @master:	the bridge the host end is on, "" for none
 * @operstate:	IF_OPER_* state
 * @flags:	IFF_* flags
 * @n_addrs:	addresses used in @addrs
 * @addrs:	addresses (IPv6 link-local ones left out)
 * @missing:	the node's namespace does not exist (only @node is set)
 *
 * A node without interfaces is one entry with an empty @ifname.
 */
struct nsnet_lab_if {
	char node[NSNET_NSNAMSIZ];
	char ifname[NSNET_IFNAMSIZ];
	char peer[NSNET_NSNAMSIZ + NSNET_IFNAMSIZ];
	char master[NSNET_IFNAMSIZ];
	unsigned int operstate;
	unsigned int flags;
	unsigned int n_addrs;
	struct nsnet_prefix addrs[8];
	bool missing;
};

/* Interfaces of a lab's nodes, by node then ifindex. Return: count or -errno;
 * -ENOENT (an input error) when no such lab is up. */
int nsnet_lab_status(struct nsnet_ctx *ctx, const char *lab,
		     struct nsnet_lab_if **out);

/**
 * struct nsnet_lease - a DHCP lease a lab's dnsmasq handed out
 * @network:	the lab's network
 * @address:	the leased address
 * @mac:	the client's hardware address
 * @hostname:	the name the client sent, "" for none
 * @expires:	when it ends (seconds since the epoch), 0 for never
 */
struct nsnet_lease {
	char network[NSNET_IFNAMSIZ];
	struct nsnet_prefix address;
	char mac[64];
	char hostname[64];
	long long expires;
};

/* The leases of a lab's `dhcp:` networks, from dnsmasq's lease files.
 * Return: the count (free(*out)), or -errno. */
int nsnet_lab_leases(struct nsnet_ctx *ctx, const char *lab,
		     struct nsnet_lease **out);

/* What became of a lab's nftables table (nsnet_lab_fw()). */
enum nsnet_fw_state {
	NSNET_FW_NONE,		/* the lab has no table (host not attached) */
	NSNET_FW_OK,		/* exactly as `up` left it */
	NSNET_FW_MISSING,	/* gone (e.g. `nft flush ruleset`): run up */
	NSNET_FW_CHANGED,	/* edited by someone else: run up */
};

/**
 * struct nsnet_lab_fw - a lab's NAT, forwards and the state of its table
 * @table:	enum nsnet_fw_state
 * @nat:	masqueraded subnets, one per line ("" for none)
 * @forwards:	port forwards, one per line ("" for none)
 * @forwarding_off: the lab needs the host to forward, and it does not
 *		(someone turned ip_forward off): run up
 */
struct nsnet_lab_fw {
	int table;
	char *nat;
	char *forwards;
	bool forwarding_off;
};

/* Fill @out (free its strings with nsnet_lab_fw_free()). Return: 0 or
 * -errno; -ENOENT (an input error) when no such lab is up. */
int nsnet_lab_fw(struct nsnet_ctx *ctx, const char *lab,
		 struct nsnet_lab_fw *out);
void nsnet_lab_fw_free(struct nsnet_lab_fw *fw);

/* Test hook: make the lab run's operation number @n (1-based) fail. */
void nsnet_ctx_set_fail_at(struct nsnet_ctx *ctx, unsigned int n);

/* ============================================================================
 * NAT and port forwards of the imperative commands (fw.c)
 *
 * `nsnet nat` and `nsnet forward`: rules kept in one nftables table of their
 * own, `inet nsnet` (a lab's rules are in its table `inet nsnet-<lab>`), one
 * rule (a forward: one per DNAT chain) per call, named by a comment that
 * spells the call. Changes take /run/nsnet's lock; while any rule exists,
 * IP forwarding is held on for it (restored when the last rule goes, as a
 * lab does). Always in the context's host namespace.
 * ========================================================================= */

/**
 * struct nsnet_nat - a masquerade rule (`nat add SUBNET [dev UPLINK]`)
 * @subnet:	source prefix to masquerade (no host bits)
 * @dev:	only when leaving through this interface; "" for any
 */
struct nsnet_nat {
	struct nsnet_prefix subnet;
	char dev[NSNET_IFNAMSIZ];
};

/**
 * struct nsnet_forward - a port forward (`forward add [proto P] PORT to
 * ADDR[:PORT]`)
 * @proto:	IPPROTO_TCP or IPPROTO_UDP
 * @port:	the host's port, 1..65535
 * @to:		the destination address (full length); in a delete,
 *		family 0 matches any destination
 * @to_port:	the destination port, 1..65535
 *
 * Only packets addressed to the host itself are forwarded (any local
 * address but the loopback), from outside and from the host's processes.
 */
struct nsnet_forward {
	int proto;
	unsigned int port;
	struct nsnet_prefix to;
	unsigned int to_port;
};

/* Return: 0; -EEXIST if the same rule exists; -errno. */
int nsnet_nat_add(struct nsnet_ctx *ctx, const struct nsnet_nat *nat);
/* Return: 0; -ENOENT (an input error) if there is no such rule; -errno. */
int nsnet_nat_del(struct nsnet_ctx *ctx, const struct nsnet_nat *nat);
/* Return: the number of rules in *@out, or -errno. */
int nsnet_nat_list(struct nsnet_ctx *ctx, struct nsnet_nat **out);
/* Return: 0; -EEXIST if that protocol and port are forwarded; -errno. */
int nsnet_forward_add(struct nsnet_ctx *ctx, const struct nsnet_forward *f);
/* Return: 0; -ENOENT (an input error) if there is no such forward; -errno. */
int nsnet_forward_del(struct nsnet_ctx *ctx, const struct nsnet_forward *f);
/* Return: the number of forwards in *@out, or -errno. */
int nsnet_forward_list(struct nsnet_ctx *ctx, struct nsnet_forward **out);

/* ============================================================================
 * Pictures of labs (graph.c)
 *
 * `nsnet graph`: Graphviz DOT text of what is up. nsnet_lab_graph() reads
 * the labs as nsnet_lab_status() and nsnet_lab_fw() see them and hands them
 * to nsnet_graph_dot(), which only formats: a caller with a description of
 * its own gets the same picture without touching the kernel.
 * ========================================================================= */

/**
 * struct nsnet_graph_switch - a lab's switch, for nsnet_graph_dot()
 * @name:	the bridge's name on the host
 * @n_addrs:	addresses used in @addrs
 * @addrs:	the host's addresses on it (its gateway); none: the host is
 *		not attached to this switch
 * @missing:	the bridge does not exist (drawn dashed)
 */
struct nsnet_graph_switch {
	char name[NSNET_IFNAMSIZ];
	unsigned int n_addrs;
	struct nsnet_prefix addrs[8];
	bool missing;
};

/**
 * struct nsnet_graph_lab - one lab, as nsnet_graph_dot() draws it
 * @name:	lab name
 * @ifs:	its nodes' interfaces, grouped by node (as nsnet_lab_status()
 *		returns them); @peer and @master say where each cable goes
 * @n_ifs:	count
 * @switches:	its switches
 * @n_switches:	count
 * @nat:	masqueraded subnets, one per line (nsnet_lab_fw()), or NULL
 * @forwards:	port forwards, one per line (nsnet_lab_fw()), or NULL
 */
struct nsnet_graph_lab {
	const char *name;
	const struct nsnet_lab_if *ifs;
	size_t n_ifs;
	const struct nsnet_graph_switch *switches;
	size_t n_switches;
	const char *nat;
	const char *forwards;
};

/**
 * nsnet_graph_dot() - Graphviz DOT text of labs
 * @labs:	the labs, each drawn as a cluster
 * @n:		count; 0 draws the host alone
 * @dot:	the text (free() it)
 *
 * Left to right: the host (its address on each switch, NAT, forwards),
 * the switches, the nodes (a table of interfaces and addresses each). A
 * cable to a switch is an edge from the switch to the node's interface,
 * labelled with the host end's name; a cable between two nodes joins
 * their interfaces. Every name is escaped: whatever the kernel accepts
 * as a name can be drawn.
 *
 * Return: 0, or -ENOMEM.
 */
int nsnet_graph_dot(const struct nsnet_graph_lab *labs, size_t n, char **dot);

/**
 * nsnet_lab_graph() - Graphviz DOT text of a lab, or of all, as it is now
 * @ctx:	context
 * @lab:	lab name, NULL for every lab that is up
 * @dot:	the text (free() it)
 *
 * Return: 0, or -errno (-ENOENT, an input error, when @lab is not up).
 */
int nsnet_lab_graph(struct nsnet_ctx *ctx, const char *lab, char **dot);

/* ============================================================================
 * Reachability between a lab's nodes (check.c)
 *
 * `nsnet check LAB`: from every node to every address of every other node
 * and to the host's gateways, a UDP probe between sockets nsnet opens in
 * the namespaces (all at once, unanswered ones again, a second round for
 * what did not answer), next to what the lab file's topology says should
 * answer; an ICMP echo request tells a pair that passes only ICMP.
 * ========================================================================= */

/** NSNET_REACH_TIMEOUT_MS - the default longest wait for answers */
#define NSNET_REACH_TIMEOUT_MS 1000

/**
 * struct nsnet_reach - one probe: a node to one address
 * @from:	the node the echo request is sent from
 * @to:		the node that has @address; "" for the host (a gateway)
 * @ifname:	the interface @address is on: the node's; for the host, the
 *		network (its bridge)
 * @address:	the address probed, with its prefix length
 * @expected:	the topology says it answers: on the same switch or cable,
 *		or with a route there and one back (through the host or a
 *		node that routes)
 * @reachable:	it answered
 * @how:	enum nsnet_reach_how, how @reachable was found
 * @icmp:	for a pair expected to answer that did not: 1 when an ICMP echo
 *		request answers all the same (the path passes ICMP, not UDP:
 *		a firewall rule, a switch that breaks checksums), 0 when it does
 *		not either, -1 when not tried
 */
struct nsnet_reach {
	char from[NSNET_NSNAMSIZ];
	char to[NSNET_NSNAMSIZ];
	char ifname[NSNET_IFNAMSIZ];
	struct nsnet_prefix address;
	bool expected;
	bool reachable;
	unsigned char how;
	signed char icmp;
};

/** enum nsnet_reach_how - how a probe's outcome was found */
enum nsnet_reach_how {
	/* a UDP request from nsnet's socket in the sender to its socket in
	 * the owner of the address, and the reply from that very address */
	NSNET_REACH_UDP,
	/* sender and owner share a switch and reach each other directly: a
	 * UDP broadcast from each address of the pair got to the other, and
	 * each address answers a UDP probe of its own (ARP and unicast) */
	NSNET_REACH_BCAST,
	/* not found out: the machine's neighbour table (shared by every
	 * namespace, net.ipv4.neigh.default.gc_thresh3) overflowed while the
	 * probes ran, so an unanswered probe proves nothing, or had no room
	 * left to probe the pair by itself; @reachable is false */
	NSNET_REACH_UNKNOWN,
};

/**
 * struct nsnet_reach_opts - which probes nsnet_lab_check() sends
 * @from:	only those sent by this node; NULL for every node
 * @to:		only those to this node's addresses ("host": the gateways,
 *		unless a node has that name); NULL for every address
 * @sample:	at most this many, spread so every sender and as many
 *		destinations as fit are in; 0 for all
 * @timeout_ms:	the longest wait of one round of probes, 0 for
 *		NSNET_REACH_TIMEOUT_MS; an unanswered probe gets a second round
 */
struct nsnet_reach_opts {
	const char *from;
	const char *to;
	unsigned int sample;
	unsigned int timeout_ms;
};

/**
 * nsnet_lab_reach() - probe every node-to-address pair of a lab that is up
 * @ctx:	context
 * @lab:	lab name
 * @timeout_ms:	the longest wait for answers, 0 for NSNET_REACH_TIMEOUT_MS;
 *		it ends sooner once every expected answer is in
 * @out:	results (free() them): by sending node, then by address, both
 *		in the lab file's order, the host's gateways last
 *
 * The topology is the lab file recorded at `up`, as it reads now, with the
 * auto addresses `up` recorded. A node whose namespace is gone is no error:
 * its probes go unanswered.
 *
 * Return: the number of results, or -errno (-ENOENT, an input error, when
 * no such lab is up).
 */
int nsnet_lab_reach(struct nsnet_ctx *ctx, const char *lab,
		    unsigned int timeout_ms, struct nsnet_reach **out);

/**
 * nsnet_lab_check() - nsnet_lab_reach() for some of the pairs
 * @ctx:	context
 * @lab:	lab name
 * @opts:	which probes; NULL for all of them
 * @out:	results (free() them), in nsnet_lab_reach()'s order
 *
 * Return: the number of results, or -errno: -ENOENT (input) when no such
 * lab is up, -EINVAL (input) for a node @opts names that the lab has not.
 */
int nsnet_lab_check(struct nsnet_ctx *ctx, const char *lab,
		    const struct nsnet_reach_opts *opts,
		    struct nsnet_reach **out);

/* ============================================================================
 * The doctor (doctor.c)
 *
 * `nsnet doctor [LAB|NS]`: the usual reasons why something cannot connect
 * (interfaces down, an address or route the lab file has and the kernel
 * not, gateways off-link or silent, forwarding off, the lab's nftables
 * table gone, strict rp_filter, MTU mismatches, duplicate addresses, bridge
 * ports down, br_netfilter with another table's drop policy, stale
 * /run/netns entries), each with where it is and the command that fixes
 * it. It only reads; call it from the namespace the context was made in.
 * ========================================================================= */

/* How bad a finding is (struct nsnet_finding's @severity) */
enum nsnet_severity {
	NSNET_SEV_ERROR,	/* traffic the setup means to pass does not */
	NSNET_SEV_WARNING,	/* traffic may break, or something is left over */
	NSNET_SEV_NOTE,		/* no fault: something could not be checked */
};

/**
 * struct nsnet_finding - one fault found by nsnet_doctor()
 * @severity:	enum nsnet_severity
 * @check:	the check that found it, a stable word: "link-down",
 *		"addr-missing", ... (doctor.c lists them)
 * @lab:	the lab it belongs to, "" if none
 * @netns:	the namespace it is in (a node's name), "" for the host
 * @ifname:	the interface, "" if none
 * @what:	what is wrong, one line
 * @where:	where, one line: "lab house, node red, interface veth-red"
 * @fix:	one shell command line, quoted, that fixes it (a "# ..."
 *		comment when no command is known; "" for a note)
 */
struct nsnet_finding {
	int severity;
	char check[24];
	char lab[NSNET_NSNAMSIZ];
	char netns[NSNET_NSNAMSIZ];
	char ifname[NSNET_IFNAMSIZ];
	char what[1024];
	char where[768];
	char fix[1536];
};

/* Flags for nsnet_doctor() */
#define NSNET_DOCTOR_LAB	0x1	/* @target can only be a lab */
#define NSNET_DOCTOR_NETNS	0x2	/* @target can only be a namespace */

/**
 * nsnet_doctor() - find the usual faults, and the command fixing each
 * @ctx:	context
 * @target:	NULL: every lab that is up, and every stale /run/netns
 *		entry; a lab's name: that lab; a namespace's name: it and the
 *		host ends of its veths (and, for a lab's node, what the lab
 *		says of it). A lab wins over a namespace of the same name.
 * @flags:	NSNET_DOCTOR_* to take @target as one kind only, or 0
 * @out:	the findings (free() them), in the order their fixes are to
 *		be run (a link up before an address on it, before a route)
 *
 * Return: the number of findings (0: healthy), or -errno (-ENOENT, an
 * input error, when @target names neither).
 */
int nsnet_doctor(struct nsnet_ctx *ctx, const char *target,
		 unsigned int flags, struct nsnet_finding **out);

/* ============================================================================
 * Processes in a lab's nodes (procs.c, proc.c, supervise.c, child.c)
 *
 * `nsnet exec` runs a command in a node in the foreground, as `ip netns
 * exec` does; `nsnet run` starts a supervised background process there. A
 * monitor process (comm "nsnet-sup") per command restarts it by policy,
 * keeps its output in /run/nsnet/<lab>.d/logs/<id>.log and its record in
 * .../procs/<id>.json, and takes its whole process tree down on stop.
 * Commands get argv (never a shell), a clean environment (PATH, HOME, USER,
 * LOGNAME, LANG=C.UTF-8, TERM if set, plus the caller's K=V entries) and
 * no descriptors but 0, 1, 2.
 * ========================================================================= */

/** NSNET_PROC_IDSIZ - process id buffer size: [A-Za-z0-9_.-]{1,64} + NUL */
#define NSNET_PROC_IDSIZ 65

/* Restart policies of nsnet_run() */
enum nsnet_restart {
	NSNET_RESTART_NO,		/* never: ps shows "exited" */
	NSNET_RESTART_ON_FAILURE,	/* on a non-zero status or a signal */
	NSNET_RESTART_ALWAYS,		/* whenever it ends */
};

/**
 * struct nsnet_proc - one supervised process
 * @lab:	its lab
 * @id:		its id, unique in the lab
 * @node:	the node (namespace) it runs in, "" for the host
 * @pid:	the process, 0 when none runs (between restarts, or ended)
 * @monitor:	its monitor, 0 when gone
 * @state:	"running", "restarting" (waiting out the backoff),
 *		"exited" (ended, not restarted by policy), "failed" (given up
 *		after 5 restarts within 30 s), "lost" (the monitor was killed)
 * @exit_code:	status of the last exit, -1 if none or killed by a signal
 * @exit_signal: signal that ended it last, 0 if none
 * @restarts:	how often it was restarted
 * @restart:	its policy: "no", "on-failure", "always"
 * @started:	when it was first started (Unix time)
 * @command:	the command line, words separated by spaces
 * @log:	the path of its log
 */
struct nsnet_proc {
	char lab[NSNET_NSNAMSIZ];
	char id[NSNET_PROC_IDSIZ];
	char node[NSNET_NSNAMSIZ];
	pid_t pid;
	pid_t monitor;
	char state[16];
	int exit_code;
	int exit_signal;
	unsigned int restarts;
	char restart[16];
	int64_t started;
	char command[1024];
	char log[512];
};

/* Supervised processes of @lab (NULL: of every lab), by lab then id.
 * Return: the count in *@out (release with nsnet_proc_free()), or -errno. */
int nsnet_proc_list(struct nsnet_ctx *ctx, const char *lab,
		    struct nsnet_proc **out);
void nsnet_proc_free(struct nsnet_proc *procs);

/**
 * struct nsnet_run_opts - how nsnet_run() starts a process
 * @name:	its id; NULL for "<node>-<command's base name>", made unique
 *		with -2, -3, ...
 * @env:	extra "K=V" entries, NULL-terminated, or NULL
 * @user:	user to run as, NULL for root
 * @restart:	enum nsnet_restart
 */
struct nsnet_run_opts {
	const char *name;
	char *const *env;
	const char *user;
	int restart;
};

/**
 * nsnet_run() - start a supervised background process in a lab's node
 * @ctx:	context
 * @lab:	a lab that is up
 * @node:	one of its nodes
 * @argv:	the command, NULL-terminated; argv[0] is looked up in a fixed
 *		PATH
 * @opts:	options, NULL for the defaults (restart on failure)
 * @id:		the process's id, out
 *
 * Returns once the command was executed, with `ip netns exec` semantics
 * in the node (its /etc/netns/NODE files bound over /etc).
 *
 * Return: 0; -errno: an unknown lab, node or user, a bad id, an id in use
 * are input errors; a command that cannot be found is -ENOENT.
 */
int nsnet_run(struct nsnet_ctx *ctx, const char *lab, const char *node,
	      char *const argv[], const struct nsnet_run_opts *opts,
	      char id[NSNET_PROC_IDSIZ]);

/**
 * nsnet_stop() - stop a supervised process, or all of a lab's
 * @ctx:	context
 * @lab:	lab name
 * @id:		the process, NULL for every process of @lab
 * @timeout_ms:	grace between SIGTERM and SIGKILL, 0 for 5 s
 *
 * Stops its whole process tree (also what left the process group), waits
 * until all of it is gone, forgets the record and keeps the log.
 *
 * Return: 0, or -errno (-ENOENT, an input error, for an unknown @id).
 */
int nsnet_stop(struct nsnet_ctx *ctx, const char *lab, const char *id,
	       unsigned int timeout_ms);

/**
 * nsnet_proc_log() - open a supervised process's log for reading
 * @ctx:	context
 * @lab:	lab name
 * @id:		process id
 *
 * Return: an O_CLOEXEC descriptor, or -errno (-ENOENT, an input error,
 * when there is no such log).
 */
int nsnet_proc_log(struct nsnet_ctx *ctx, const char *lab, const char *id);

/**
 * nsnet_exec() - replace the calling process with a command in a node
 * @ctx:	context
 * @lab:	a lab that is up
 * @node:	one of its nodes
 * @argv:	the command, NULL-terminated; argv[0] is looked up in a fixed
 *		PATH
 * @env:	extra "K=V" entries, NULL-terminated, or NULL
 * @user:	user to run as, NULL for root
 *
 * Like `ip netns exec` in the node, with a clean environment, no
 * descriptors but 0, 1, 2, the default signal dispositions and mask.
 * Everything is checked before the namespace is entered; a failure after
 * that leaves the caller in the node (exit then).
 *
 * Return: only on failure: -errno; an unknown lab, node or user is an
 * input error; -ENOENT (not an input error) when the command is not found,
 * -EACCES when it cannot be executed (a shell's 127 and 126).
 */
int nsnet_exec(struct nsnet_ctx *ctx, const char *lab, const char *node,
	       char *const argv[], char *const env[], const char *user);

/* ============================================================================
 * DHCP client (dhcpc.c)
 *
 * `nsnet [-n NS] dhcp IFACE`: nsnet's own DHCPv4 client, in the foreground.
 * ========================================================================= */

/**
 * struct nsnet_dhcpc_opts - what nsnet_dhcp_client() does
 * @ifname:	the interface, in the namespace the client runs in
 * @hostname:	sent to the server (option 12) so it can name the client in
 *		DNS; NULL for none
 * @lease_path:	the lease is kept here as JSON ({"ifname", "address",
 *		"prefixlen", "router", "dns", "domain", "server",
 *		"lease_time", "obtained", "expires"}), replaced atomically,
 *		removed when the lease goes; NULL for none
 * @resolv_path: "nameserver" and "search" lines are written into this
 *		file, in place; NULL for none
 * @once:	return once the first lease is configured (it stays)
 * @timeout_ms:	with @once: fail with -ETIMEDOUT after this long; 0 never
 * @log:	called with one line ("dhcp IFACE: ...", no newline) for each
 *		server message the client refuses and keeps its lease
 *		through: it runs for days and has no caller to return such a
 *		warning to; NULL to drop them. The library itself never
 *		prints: the caller decides where its log goes.
 * @log_arg:	passed to @log
 */
struct nsnet_dhcpc_opts {
	const char *ifname;
	const char *hostname;
	const char *lease_path;
	const char *resolv_path;
	bool once;
	unsigned int timeout_ms;
	void (*log)(const char *line, void *arg);
	void *log_arg;
};

/**
 * nsnet_dhcp_client() - obtain and keep a DHCP lease on an interface
 * @ctx:	context
 * @ns:		namespace to run in: the calling thread joins it for good
 *		(NULL: stay where it is)
 * @o:		what to do
 *
 * Configures the address (its lifetimes are the lease, so the kernel
 * drops it if the client dies) and a default route via the router (proto
 * dhcp), renews and rebinds, and on SIGTERM or SIGINT releases the lease
 * and removes both. The two signals are blocked while it runs.
 *
 * Return: 0 after a signal (or the first lease, with @o->once), or -errno.
 */
int nsnet_dhcp_client(struct nsnet_ctx *ctx, const char *ns,
		      const struct nsnet_dhcpc_opts *o);

/* ---- Open vSwitch (ovs.c) ---- */
/**
 * nsnet_ovs_masters() - name the OVS bridge as master of its ports
 * @ctx:	context
 * @links:	the host's links, from nsnet_link_list(); changed in place
 * @n:		count
 *
 * The kernel reports no master (userspace datapath) or "ovs-system"
 * (kernel datapath) for an Open vSwitch port; this sets each port's master
 * to the ifindex of its bridge's internal port, as a Linux bridge's port
 * shows. OVSDB is asked only when some link looks like an OVS device.
 *
 * Return: 0, or -errno.
 */
int nsnet_ovs_masters(struct nsnet_ctx *ctx, struct nsnet_link *links, int n);

#ifdef __cplusplus
}
#endif

#endif /* NSNET_NSNET_H */
