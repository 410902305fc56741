/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * ovs.h - Open vSwitch as a lab's switch (`type: ovs`)
 *
 * OVSDB is asked and changed through ovs-vsctl, run with an argv, a clean
 * environment and no inherited descriptors. Bridges and ports a lab creates
 * carry external_ids:nsnet-lab=<lab>, written in the same transaction that
 * creates them, so `down` finds them even when the state is lost and a
 * killed run never leaves an untagged one.
 */
#ifndef NSNET_OVS_H
#define NSNET_OVS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "nsnet/nsnet.h"

/** OVS_LAB_KEY - the external_ids key that marks a bridge or port as a lab's */
#define OVS_LAB_KEY "nsnet-lab"

/**
 * struct ovs_bridge - an OVS bridge
 * @name:	its name (also its internal port's and host link's name)
 * @ours:	external_ids:nsnet-lab is the lab asked about
 */
struct ovs_bridge {
	char name[NSNET_IFNAMSIZ];
	bool ours;
};

/**
 * struct ovs_port - an OVS port (the bridge's own internal port included)
 * @name:	its name
 * @bridge:	the bridge it is on ("" if on none)
 * @ours:	external_ids:nsnet-lab is the lab asked about
 */
struct ovs_port {
	char name[NSNET_IFNAMSIZ];
	char bridge[NSNET_IFNAMSIZ];
	bool ours;
};

/**
 * struct ovs_obs - what OVSDB holds
 * @present:	OVSDB answered; false when OVS is not installed or not
 *		running (then the lists are empty and @why says which)
 * @why:	why OVS is not usable, with the fix, for messages
 * @bridges:	all bridges
 * @n_bridges:	count
 * @ports:	all ports
 * @n_ports:	count
 */
struct ovs_obs {
	bool present;
	char why[512];
	struct ovs_bridge *bridges;
	size_t n_bridges;
	struct ovs_port *ports;
	size_t n_ports;
};

int ovs_observe(struct nsnet_ctx *ctx, const char *lab, struct ovs_obs *o);
void ovs_obs_free(struct ovs_obs *o);
const struct ovs_bridge *ovs_bridge_find(const struct ovs_obs *o,
					 const char *name);
const struct ovs_port *ovs_port_find(const struct ovs_obs *o,
				     const char *name);
void ovs_set_masters(const struct ovs_obs *o, struct nsnet_link *links, int n);

bool ovs_userspace(void);
int ovs_add_bridge(struct nsnet_ctx *ctx, const char *lab, const char *bridge,
		   const uint8_t mac[6]);
int ovs_add_ports(struct nsnet_ctx *ctx, const char *lab,
		  const char *const *bridges, const char *const *ports, size_t n);
int ovs_del_bridge(struct nsnet_ctx *ctx, const char *bridge);
int ovs_del_port(struct nsnet_ctx *ctx, const char *port);

#endif /* NSNET_OVS_H */
