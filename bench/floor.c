// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * floor.c - the benchmark's floor: the star workload over raw batched
 * rtnetlink, with no checks, no state, no journal
 *
 *   floor up N BRIDGES      build the star (see bench/run for the layout)
 *   floor down N BRIDGES    remove it
 *
 * It does the same kernel work as every other builder in bench/run, the
 * cheapest way we know, so its time is what the kernel itself costs:
 * namespaces the iproute2 way (a file in /run/netns with the namespace's
 * nsfs file bind-mounted on it), a veth created with its peer already in
 * the namespace and the host end on the bridge, then one batch per
 * namespace. Netlink requests carry no NLM_F_ACK: the kernel answers only
 * errors, which are counted, not explained. Not part of nsnet.
 *
 * The layout, shared with bench/run: node i (1-based) is the namespace
 * "n%05d" with interface eth0, its host end "n%05d-eth0"; nodes are split
 * in consecutive blocks over the bridges bbr0..; bridge b has the subnet
 * 10.(100+b).0.0/16 with the gateway .0.1 on the bridge; the k-th node
 * (0-based) of a bridge gets host number k+2. IPv6 link-local addresses
 * are off on every interface (addr_gen_mode none before it goes up).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <libmnl/libmnl.h>
#include <linux/if_addr.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <linux/veth.h>
#include <net/if.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#define NETNS_DIR	"/run/netns"
#define GROUP		4242		/* device group of every host link */
#define BUF_SIZE	(64 * 1024)

/**
 * struct star - the workload's size
 * @n:		nodes
 * @bridges:	bridges the nodes are split over
 * @per:	nodes per bridge (the last one may have fewer)
 */
struct star {
	int n;
	int bridges;
	int per;
};

/**
 * struct batch - netlink messages waiting to be sent on one socket
 * @nl:		the socket
 * @buf:	messages
 * @len:	bytes used in @buf
 * @seq:	sequence number of the next message
 * @errors:	error answers seen so far
 */
struct batch {
	struct mnl_socket *nl;
	char buf[BUF_SIZE];
	size_t len;
	unsigned int seq;
	int errors;
};

/**
 * die() - report a failure of the floor program itself and stop
 * @what:	what failed
 *
 * A benchmark helper, not nsnet: any failure ends the run, and bench/run
 * reports the exit status.
 */
static void die(const char *what)
{
	fprintf(stderr, "floor: %s: %s\n", what, strerror(errno));
	exit(1);
}

/**
 * drain() - read whatever the kernel answered, counting errors
 * @b:		batch
 *
 * Without NLM_F_ACK only failed requests are answered; the answers wait in
 * the socket until read, so reading them without blocking is enough.
 */
static void drain(struct batch *b)
{
	char rx[MNL_SOCKET_BUFFER_SIZE];
	ssize_t got;

	while ((got = recv(mnl_socket_get_fd(b->nl), rx, sizeof(rx),
			   MSG_DONTWAIT)) > 0) {
		struct nlmsghdr *nlh = (struct nlmsghdr *)rx;
		int len = (int)got;

		for (; mnl_nlmsg_ok(nlh, len); nlh = mnl_nlmsg_next(nlh, &len)) {
			const struct nlmsgerr *e = mnl_nlmsg_get_payload(nlh);

			if (nlh->nlmsg_type == NLMSG_ERROR && e->error) {
				if (b->errors++ < 5)
					fprintf(stderr, "floor: request %u: %s\n",
						e->msg.nlmsg_seq,
						strerror(-e->error));
			}
		}
	}
}

/**
 * flush() - send the batch's messages in one sendmsg
 * @b:		batch
 *
 * rtnetlink handles a send synchronously, so when this returns every
 * message has been applied (or its error queued).
 */
static void flush(struct batch *b)
{
	if (b->len && mnl_socket_sendto(b->nl, b->buf, b->len) < 0)
		die("send");
	b->len = 0;
	drain(b);
}

/**
 * msg() - start a request in the batch, flushing first when it is full
 * @b:		batch
 * @type:	RTM_*
 * @flags:	NLM_F_* besides NLM_F_REQUEST
 * @hdrlen:	size of the family header
 *
 * Return: the message; its family header is zeroed.
 */
static struct nlmsghdr *msg(struct batch *b, uint16_t type, uint16_t flags,
			    size_t hdrlen)
{
	struct nlmsghdr *nlh;

	if (BUF_SIZE - b->len < 1024)
		flush(b);
	nlh = mnl_nlmsg_put_header(b->buf + b->len);
	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | flags;
	nlh->nlmsg_seq = ++b->seq;
	mnl_nlmsg_put_extra_header(nlh, hdrlen);
	return nlh;
}

/**
 * done() - account for a finished message
 * @b:		batch
 * @nlh:	the message msg() returned
 */
static void done(struct batch *b, struct nlmsghdr *nlh)
{
	b->len += NLMSG_ALIGN(nlh->nlmsg_len);
}

/**
 * batch_open() - a batch with a netlink socket in the current namespace
 * @b:		batch to set up
 */
static void batch_open(struct batch *b)
{
	b->nl = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC);
	if (!b->nl || mnl_socket_bind(b->nl, 0, MNL_SOCKET_AUTOPID) < 0)
		die("netlink socket");
	b->len = 0;
}

/**
 * link_msg() - start an RTM_NEWLINK (create or change) for a named link
 * @b:		batch
 * @name:	link name
 * @create:	create it (NLM_F_CREATE | NLM_F_EXCL)
 * @up:		bring it up
 *
 * Return: the message, for more attributes.
 */
static struct nlmsghdr *link_msg(struct batch *b, const char *name,
				 int create, int up)
{
	struct nlmsghdr *nlh;
	struct ifinfomsg *ifi;

	nlh = msg(b, RTM_NEWLINK, create ? NLM_F_CREATE | NLM_F_EXCL : 0,
		  sizeof(*ifi));
	ifi = mnl_nlmsg_get_payload(nlh);
	ifi->ifi_family = AF_UNSPEC;
	if (up) {
		ifi->ifi_change = IFF_UP;
		ifi->ifi_flags = IFF_UP;
	}
	mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	return nlh;
}

/**
 * no_ll() - switch a link's IPv6 link-local address off
 * @b:		batch
 * @name:	link name
 *
 * Its own message: the kernel applies IFF_UP before IFLA_AF_SPEC, and the
 * mode must be set before the link goes up.
 */
static void no_ll(struct batch *b, const char *name)
{
	struct nlmsghdr *nlh = link_msg(b, name, 0, 0);
	struct nlattr *spec = mnl_attr_nest_start(nlh, IFLA_AF_SPEC);
	struct nlattr *fam = mnl_attr_nest_start(nlh, AF_INET6);

	mnl_attr_put_u8(nlh, IFLA_INET6_ADDR_GEN_MODE, IN6_ADDR_GEN_MODE_NONE);
	mnl_attr_nest_end(nlh, fam);
	mnl_attr_nest_end(nlh, spec);
	done(b, nlh);
}

/**
 * set_up() - bring a link up
 * @b:		batch
 * @name:	link name
 */
static void set_up(struct batch *b, const char *name)
{
	done(b, link_msg(b, name, 0, 1));
}

/**
 * subnet() - the network address of bridge @br, host order
 * @br:		bridge number
 *
 * Return: 10.(100+br).0.0
 */
static uint32_t subnet(int br)
{
	return (10u << 24) | ((100u + (uint32_t)br) << 16);
}

/**
 * add_addr() - an IPv4 address with prefix length 16
 * @b:		batch
 * @ifindex:	link (RTM_NEWADDR takes no name)
 * @ip:		address, host order
 */
static void add_addr(struct batch *b, unsigned int ifindex, uint32_t ip)
{
	struct nlmsghdr *nlh;
	struct ifaddrmsg *ifa;
	uint32_t be = htonl(ip);

	nlh = msg(b, RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL, sizeof(*ifa));
	ifa = mnl_nlmsg_get_payload(nlh);
	ifa->ifa_family = AF_INET;
	ifa->ifa_prefixlen = 16;
	ifa->ifa_index = ifindex;
	mnl_attr_put(nlh, IFA_LOCAL, sizeof(be), &be);
	mnl_attr_put(nlh, IFA_ADDRESS, sizeof(be), &be);
	done(b, nlh);
}

/**
 * add_default() - a default route via @gw
 * @b:		batch
 * @gw:		gateway, host order
 */
static void add_default(struct batch *b, uint32_t gw)
{
	struct nlmsghdr *nlh;
	struct rtmsg *rtm;
	uint32_t be = htonl(gw);

	nlh = msg(b, RTM_NEWROUTE, NLM_F_CREATE | NLM_F_EXCL, sizeof(*rtm));
	rtm = mnl_nlmsg_get_payload(nlh);
	rtm->rtm_family = AF_INET;
	rtm->rtm_table = RT_TABLE_MAIN;
	rtm->rtm_protocol = RTPROT_BOOT;
	rtm->rtm_scope = RT_SCOPE_UNIVERSE;
	rtm->rtm_type = RTN_UNICAST;
	mnl_attr_put(nlh, RTA_GATEWAY, sizeof(be), &be);
	done(b, nlh);
}

/**
 * run_dir() - make /run/netns a shared mount point, as iproute2 does
 *
 * Shared, so a namespace mounted later is visible in every mount namespace
 * that sees /run/netns (`ip netns exec` makes one per command).
 */
static void run_dir(void)
{
	mkdir(NETNS_DIR, 0755);
	if (mount("", NETNS_DIR, "none", MS_SHARED | MS_REC, NULL) == 0)
		return;
	if (mount(NETNS_DIR, NETNS_DIR, "none", MS_BIND | MS_REC, NULL) < 0 ||
	    mount("", NETNS_DIR, "none", MS_SHARED | MS_REC, NULL) < 0)
		die(NETNS_DIR);
}

/**
 * bridges_up() - create the bridges with their gateway addresses
 * @s:		workload
 * @host:	batch on the host's socket
 *
 * The addresses need the ifindex, so this one step waits for answers.
 */
static void bridges_up(const struct star *s, struct batch *host)
{
	char name[IFNAMSIZ];
	int br;

	for (br = 0; br < s->bridges; br++) {
		struct nlmsghdr *nlh;
		struct nlattr *info;

		snprintf(name, sizeof(name), "bbr%d", br);
		nlh = link_msg(host, name, 1, 0);
		mnl_attr_put_u32(nlh, IFLA_GROUP, GROUP);
		info = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
		mnl_attr_put_strz(nlh, IFLA_INFO_KIND, "bridge");
		mnl_attr_nest_end(nlh, info);
		done(host, nlh);
		no_ll(host, name);
		set_up(host, name);
	}
	flush(host);
	for (br = 0; br < s->bridges; br++) {
		snprintf(name, sizeof(name), "bbr%d", br);
		add_addr(host, if_nametoindex(name), subnet(br) | 1);
	}
	flush(host);
}

/**
 * node_up() - one namespace, its cable and everything inside it
 * @s:		workload
 * @host:	batch on the host's socket
 * @ns:		batch for the node's socket, opened and closed here
 * @hostns:	descriptor of the host's network namespace
 * @i:		node number, 1-based
 *
 * The process steps into a new namespace (unshare), pins it under
 * /run/netns, opens a socket there, and steps back; the veth is created
 * from the host with its peer placed by descriptor; the namespace's own
 * batch then configures eth0 (whose index a new namespace makes 2: lo is 1).
 */
static void node_up(const struct star *s, struct batch *host,
		    struct batch *ns, int hostns, int i)
{
	char node[16], hostend[IFNAMSIZ], path[64], br[IFNAMSIZ];
	struct nlattr *info, *data, *peer;
	struct ifinfomsg *pifi;
	struct nlmsghdr *nlh;
	int fd, nsfd, k = (i - 1) % s->per, b = (i - 1) / s->per;

	snprintf(node, sizeof(node), "n%05d", i % 100000);
	snprintf(hostend, sizeof(hostend), "n%05d-eth0", i % 100000);
	snprintf(path, sizeof(path), NETNS_DIR "/%s", node);
	snprintf(br, sizeof(br), "bbr%d", b);

	if (unshare(CLONE_NEWNET) < 0)
		die("unshare");
	fd = open(path, O_RDONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0);
	if (fd < 0)
		die(path);
	close(fd);
	if (mount("/proc/self/ns/net", path, "none", MS_BIND, NULL) < 0)
		die(path);
	nsfd = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	if (nsfd < 0)
		die("open namespace");
	batch_open(ns);
	if (setns(hostns, CLONE_NEWNET) < 0)
		die("setns");

	nlh = link_msg(host, hostend, 1, 0);
	mnl_attr_put_u32(nlh, IFLA_GROUP, GROUP);
	mnl_attr_put_u32(nlh, IFLA_MASTER, if_nametoindex(br));
	info = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
	mnl_attr_put_strz(nlh, IFLA_INFO_KIND, "veth");
	data = mnl_attr_nest_start(nlh, IFLA_INFO_DATA);
	peer = mnl_attr_nest_start(nlh, VETH_INFO_PEER);
	pifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*pifi));
	pifi->ifi_family = AF_UNSPEC;
	mnl_attr_put_strz(nlh, IFLA_IFNAME, "eth0");
	mnl_attr_put_u32(nlh, IFLA_NET_NS_FD, (uint32_t)nsfd);
	mnl_attr_nest_end(nlh, peer);
	mnl_attr_nest_end(nlh, data);
	mnl_attr_nest_end(nlh, info);
	done(host, nlh);
	no_ll(host, hostend);
	set_up(host, hostend);
	flush(host);		/* the peer must exist before its batch */
	close(nsfd);

	no_ll(ns, "eth0");
	set_up(ns, "lo");
	set_up(ns, "eth0");
	add_addr(ns, 2, subnet(b) | (uint32_t)(k + 2));
	add_default(ns, subnet(b) | 1);
	flush(ns);
	host->errors += ns->errors;
	ns->errors = 0;
	mnl_socket_close(ns->nl);
}

/**
 * star_down() - delete every host link in one request, then the namespaces
 * @s:		workload
 * @host:	batch on the host's socket
 *
 * One RTM_DELLINK for the device group removes the bridges and every veth
 * (both ends) in one kernel pass; a namespace then goes when its last
 * reference, the bind mount, is detached.
 */
static void star_down(const struct star *s, struct batch *host)
{
	struct ifinfomsg *ifi;
	struct nlmsghdr *nlh;
	char path[64];
	int i;

	nlh = msg(host, RTM_DELLINK, 0, sizeof(*ifi));
	ifi = mnl_nlmsg_get_payload(nlh);
	ifi->ifi_family = AF_UNSPEC;
	mnl_attr_put_u32(nlh, IFLA_GROUP, GROUP);
	done(host, nlh);
	flush(host);
	for (i = 1; i <= s->n; i++) {
		snprintf(path, sizeof(path), NETNS_DIR "/n%05d", i);
		if (umount2(path, MNT_DETACH) < 0 || unlink(path) < 0)
			host->errors++;
	}
}

/**
 * main() - floor up|down N BRIDGES
 * @argc:	argument count
 * @argv:	arguments
 *
 * Return: 0, 1 when any request failed, 2 on bad usage.
 */
int main(int argc, char **argv)
{
	static struct batch host, ns;	/* 64 KiB each: not on the stack */
	struct rlimit nofile;
	struct star s;
	int hostns, i;

	if (argc != 4 || (strcmp(argv[1], "up") && strcmp(argv[1], "down")) ||
	    (s.n = atoi(argv[2])) < 1 || (s.bridges = atoi(argv[3])) < 1 ||
	    s.bridges > 100 || s.n > 99999) {
		fprintf(stderr, "usage: floor up|down NODES BRIDGES\n");
		return 2;
	}
	s.per = (s.n + s.bridges - 1) / s.bridges;
	/* A bridge port count past 65,533 addresses a /16 cannot hold. */
	if (s.per > 65000) {
		fprintf(stderr, "floor: too many nodes per bridge\n");
		return 2;
	}
	if (getrlimit(RLIMIT_NOFILE, &nofile) == 0) {
		nofile.rlim_cur = nofile.rlim_max;
		setrlimit(RLIMIT_NOFILE, &nofile);
	}
	hostns = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	if (hostns < 0)
		die("open host namespace");
	batch_open(&host);
	if (!strcmp(argv[1], "down")) {
		star_down(&s, &host);
	} else {
		run_dir();
		bridges_up(&s, &host);
		for (i = 1; i <= s.n; i++)
			node_up(&s, &host, &ns, hostns, i);
	}
	flush(&host);
	mnl_socket_close(host.nl);
	close(hostns);
	if (host.errors) {
		fprintf(stderr, "floor: %d request(s) failed\n", host.errors);
		return 1;
	}
	return 0;
}
