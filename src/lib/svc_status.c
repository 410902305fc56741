// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * svc_status.c - the DHCP leases of a lab, as its dnsmasqs recorded them
 *
 * dnsmasq's own lease files are the truth about what it handed out (the
 * clients' addresses could be removed by hand), so `status` reads them
 * rather than anything nsnet keeps.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dhcp.h"
#include "proc.h"
#include "svc.h"

/**
 * add_leases() - append the leases of one dnsmasq lease file
 * @ctx:	context
 * @v:		struct nsnet_lease
 * @lab:	lab name
 * @file:	"dnsmasq-NETWORK.leases"
 *
 * Return: 0, or -errno.
 */
static int add_leases(struct nsnet_ctx *ctx, struct vec *v, const char *lab,
		      const char *file)
{
	char path[PATH_MAX];
	struct dnsmasq_lease *ls = NULL;
	struct nsnet_lease *e;
	size_t netlen = strlen(file) - strlen("dnsmasq-") - strlen(".leases");
	int n, i;

	snprintf(path, sizeof(path), "%s/%s.d/%s", STATE_DIR, lab, file);
	n = dnsmasq_leases_read(ctx, path, &ls);
	if (n < 0)
		return n;
	for (i = 0; i < n; i++) {
		e = vec_push(v);
		if (!e) {
			free(ls);
			return nsnet_fail(ctx, -ENOMEM, "leases of lab %s", lab);
		}
		memset(e, 0, sizeof(*e));
		snprintf(e->network, sizeof(e->network), "%.*s",
			 (int)(netlen < NSNET_IFNAMSIZ ? netlen : NSNET_IFNAMSIZ - 1),
			 file + strlen("dnsmasq-"));
		e->address = ls[i].address;
		snprintf(e->mac, sizeof(e->mac), "%s", ls[i].mac);
		snprintf(e->hostname, sizeof(e->hostname), "%s", ls[i].hostname);
		e->expires = ls[i].expires;
	}
	free(ls);
	return 0;
}

/**
 * nsnet_lab_leases() - the DHCP leases handed out in a lab
 * @ctx:	context
 * @lab:	lab name
 * @out:	array (free()), by network in file-system order
 *
 * Return: the count (0 for a lab without dhcp), or -errno.
 */
int nsnet_lab_leases(struct nsnet_ctx *ctx, const char *lab,
		     struct nsnet_lease **out)
{
	struct vec v = { .size = sizeof(struct nsnet_lease) };
	char dir[PATH_MAX];
	struct dirent *de;
	size_t len;
	int err = 0;
	DIR *d;

	nsnet_clear_err(ctx);
	*out = NULL;
	snprintf(dir, sizeof(dir), "%s/%s.d", STATE_DIR, lab);
	d = opendir(dir);
	if (!d)
		return errno == ENOENT ? 0 :
		       nsnet_fail(ctx, -errno, "open %s", dir);
	while (!err && (de = readdir(d))) {
		len = strlen(de->d_name);
		if (len > strlen("dnsmasq-.leases") &&
		    !strncmp(de->d_name, "dnsmasq-", 8) &&
		    !strcmp(de->d_name + len - 7, ".leases"))
			err = add_leases(ctx, &v, lab, de->d_name);
	}
	closedir(d);
	if (err) {
		free(v.items);
		return err;
	}
	*out = v.items;
	return (int)v.n;
}
