/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * fw.h - NAT, port forwards and isolation through nftables (fw.c), and the
 * forwarding sysctl they need (sysctl.c)
 *
 * Each lab owns one table, `inet nsnet-<lab>`, which holds every rule of the
 * lab and nothing else; it is replaced and deleted as a whole, in one
 * nftables transaction, so no other table (Docker's, firewalld's, the
 * admin's) is ever flushed or changed and no policy is flipped. The
 * imperative `nsnet nat` and `nsnet forward` commands keep their rules in
 * one shared table, `inet nsnet`.
 *
 * libnftables is used in-process (the nft program is never run). An nft
 * context is bound to the network namespace that is current when it is
 * created, so every call here creates one, uses it and frees it in the
 * calling thread: call them from the host namespace.
 */
#ifndef NSNET_FW_H
#define NSNET_FW_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "internal.h"

/** FW_TABLE_PREFIX - a lab's table is "nsnet-<lab>" in family inet */
#define FW_TABLE_PREFIX "nsnet-"
/** FW_TABLE_SHARED - the table of the imperative nat/forward commands */
#define FW_TABLE_SHARED "nsnet"
/** FW_TABLE_MAX - room for a table name: the prefix, a lab name, NUL */
#define FW_TABLE_MAX 64
/** FW_IMPERATIVE - the pseudo-lab holding forwarding for nat/forward
 * commands: ':' is refused in lab names, so no lab can be called so */
#define FW_IMPERATIVE "nsnet:imperative"

/**
 * struct fw_nat - masquerade one subnet of a lab (`nat:` of a network)
 * @subnet:	the network's prefix (IPv4 or IPv6)
 * @bridge:	the network's bridge
 * @out:	only when leaving through this host interface; "" for any
 *		interface other than the lab's bridges
 */
struct fw_nat {
	struct nsnet_prefix subnet;
	const char *bridge;
	const char *out;
};

/**
 * struct fw_fwd - a host port forwarded to a node (`forwards:` entry)
 * @proto:	IPPROTO_TCP or IPPROTO_UDP
 * @port:	the host's port, 1..65535
 * @to:		the node's address (its family picks ip or ip6)
 * @to_port:	the node's port, 1..65535
 * @has_host:	only traffic to @host (else to any local address)
 * @host:	a local address of the host, of @to's family
 */
struct fw_fwd {
	int proto;
	unsigned int port;
	struct nsnet_prefix to;
	unsigned int to_port;
	bool has_host;
	struct nsnet_prefix host;
};

/**
 * struct fw_spec - everything a lab's table holds
 * @lab:	the lab's name (letters, digits, '.', '_', '-')
 * @bridges:	every bridge of the lab (isolation; never masqueraded to)
 * @n_bridges:	count
 * @nats:	masqueraded subnets
 * @n_nats:	count
 * @fwds:	port forwards
 * @n_fwds:	count
 */
struct fw_spec {
	const char *lab;
	const char *const *bridges;
	size_t n_bridges;
	const struct fw_nat *nats;
	size_t n_nats;
	const struct fw_fwd *fwds;
	size_t n_fwds;
};

const char *fw_check_name(const char *name);
int fw_table_name(const char *lab, char *buf, size_t len);
char *fw_script(const struct fw_spec *s);
int fw_run(struct nsnet_ctx *ctx, const char *script);
int fw_list(struct nsnet_ctx *ctx, const char *lab, char **text);
int fw_list_json(struct nsnet_ctx *ctx, const char *lab, char **text);
int fw_delete(struct nsnet_ctx *ctx, const char *lab);
int fw_ruleset_json(struct nsnet_ctx *ctx, char **text);

/* sysctl.c: the caller holds the state lock; @dirfd is /run/nsnet. */
int sysctl_forwarding(struct nsnet_ctx *ctx, int dirfd, const char *lab,
		      int family, bool need);
int sysctl_forwarding_tagged(struct nsnet_ctx *ctx, int dirfd, const char *lab,
			     int family, bool need, json_t *tags);
/* fw.c: forwarding tags in the labs' tables, for a lost /run/nsnet */
int fw_fwd_tags(struct nsnet_ctx *ctx, json_t **out);
int fw_fwd_tag(struct nsnet_ctx *ctx, const char *lab, const char *family,
	       const char *was);

#endif /* NSNET_FW_H */
