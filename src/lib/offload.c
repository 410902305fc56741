// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * offload.c - checksum offload of a node's end of a veth on a userspace
 * Open vSwitch
 *
 * A veth hands packets to its peer with the checksum still to be filled in
 * (CHECKSUM_PARTIAL): the kernel trusts its peer's stack to know. Open
 * vSwitch's userspace datapath (netdev, what runs when the kernel has no
 * openvswitch module) reads the host end through an AF_PACKET socket and
 * writes the frame out of another port as it is, so the far node receives
 * TCP and UDP with a wrong checksum and drops them, while ICMP, whose
 * checksum the sender always computes, passes: ping works and curl hangs.
 * Turning the node end's transmit checksum offload off makes its stack
 * compute every checksum itself (segmentation offload goes with it).
 */
#include <errno.h>
#include <string.h>
#include <sys/ioctl.h>
#include <net/if.h>
#include <linux/ethtool.h>
#include <linux/sockios.h>

#include "internal.h"

/**
 * link_tx_csum() - read or set a link's transmit checksum offload
 * @fd:		any socket of the link's namespace (the ethtool ioctl acts
 *		on the namespace the socket belongs to, whatever its family:
 *		a netlink socket of the cache does)
 * @ifname:	the link
 * @cmd:	ETHTOOL_GTXCSUM or ETHTOOL_STXCSUM
 * @val:	in: the value to set; out: the value read
 *
 * Return: 0, or -errno.
 */
static int link_tx_csum(int fd, const char *ifname, __u32 cmd, __u32 *val)
{
	struct ethtool_value ev = { .cmd = cmd, .data = *val };
	struct ifreq ifr = { 0 };

	if (strlen(ifname) >= sizeof(ifr.ifr_name))
		return -EINVAL;
	strcpy(ifr.ifr_name, ifname);
	ifr.ifr_data = (void *)&ev;
	if (ioctl(fd, SIOCETHTOOL, &ifr) < 0)
		return -errno;
	*val = ev.data;
	return 0;
}

/**
 * link_tx_csum_off() - make a link's stack compute its own checksums
 * @ctx:	context
 * @fd:		a socket of the link's namespace
 * @ns:		the namespace's name, for messages
 * @ifname:	the link
 *
 * Return: 0 (also when it was off already), or -errno recorded in @ctx.
 */
int link_tx_csum_off(struct nsnet_ctx *ctx, int fd, const char *ns,
		     const char *ifname)
{
	__u32 v = 0;
	int err = link_tx_csum(fd, ifname, ETHTOOL_GTXCSUM, &v);

	if (!err && v) {
		v = 0;
		err = link_tx_csum(fd, ifname, ETHTOOL_STXCSUM, &v);
	}
	return err ? nsnet_fail(ctx, err, "tx checksum offload off: %s%s%s",
				ns, *ns ? ":" : "", ifname) : 0;
}

/**
 * link_tx_csum_on() - whether a link leaves checksums to its peer
 * @fd:		a socket of the link's namespace
 * @ifname:	the link
 *
 * Return: 1 if transmit checksum offload is on, 0 if off, or -errno.
 */
int link_tx_csum_on(int fd, const char *ifname)
{
	__u32 v = 0;
	int err = link_tx_csum(fd, ifname, ETHTOOL_GTXCSUM, &v);

	return err ? err : v != 0;
}
