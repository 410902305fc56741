/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * svc.h - a lab's services: /etc/netns files, dnsmasq, DHCP clients and
 * `run:` processes
 *
 * They come after the network: `up` applies the network plan first, then
 * brings the services to what the file says (svc.c), and `down` stops them
 * before the namespaces go. Every service is found again from what it
 * leaves: files by their marker (etcfiles.c), processes by their records
 * in the lab's runtime directory (proc.c).
 */
#ifndef NSNET_SVC_H
#define NSNET_SVC_H

#include <jansson.h>

#include "engine.h"
#include "lab.h"

/* etcfiles.c */
/** enum etc_owner - whose an entry of /etc/netns/NODE is */
enum etc_owner {
	ETC_MISSING,
	ETC_OURS,
	ETC_FOREIGN,
	ETC_SAME_OURS,		/* the lab's, and as wanted */
};

const char *etc_marker(const char *lab, char *buf, size_t len);
int etc_put(struct nsnet_ctx *ctx, const char *lab, const char *node,
	    const char *name, const char *text, const char *link,
	    bool *changed);
void etc_drop(const char *lab, const char *node, const char *keep);
void etc_drop_all(const char *lab);
int etc_node_dir(const char *node);
int etc_state_at(int dfd, const char *lab, const char *name, const char *text,
		 const char *link);
char *etc_read(const char *lab, const char *node, const char *name,
	       char **link);
bool etc_owned(const char *lab, const char *node, const char *name);


/* svc_files.c: what the files say */
/**
 * struct svc_text - a growing text
 * @s:		the text, NUL-terminated (NULL until something is added)
 * @len:	its length
 * @cap:	allocated
 * @oom:	an allocation failed (the text is then incomplete)
 */
struct svc_text {
	char *s;
	size_t len;
	size_t cap;
	bool oom;
};

void text_add(struct svc_text *t, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void text_free(struct svc_text *t);

int svc_hosts_text(const struct lab *lab, json_t *state,
		   const struct lab_node *own, struct svc_text *t);
struct host_resolv;
int svc_resolv_text(const struct lab *lab, size_t node,
		    const struct host_resolv *hr, struct svc_text *t);
const struct nsnet_prefix *svc_dns_addr(const struct lab *lab, size_t net);
bool svc_node_addr(const struct lab *lab, json_t *state, size_t node,
		   size_t ifc, struct nsnet_prefix *out);

/* svc.c (svc_prepare() and svc_apply() are in svc_int.h) */
struct svc_plan;
int svc_down(struct nsnet_ctx *ctx, int state_fd, const char *lab,
	     json_t *state);

#endif /* NSNET_SVC_H */
