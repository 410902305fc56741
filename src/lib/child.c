// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * child.c - what a process started in a node gets: a command found in a
 * fixed PATH, a clean environment, a user, the node's namespace
 *
 * Everything that can fail because of the input (a missing command, an
 * unknown user, a malformed K=V) is settled by proc_exec_prepare() in the
 * caller, before anything forks, so a refusal changes nothing. What is
 * left for the child after fork is only the kernel's part.
 */
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "proc.h"

/**
 * find_command() - look @cmd up the way a shell would, in PROC_PATH
 * @cmd:	argv[0]; with a '/' it is used as it is
 * @out:	the path found (free() it)
 *
 * The fixed PATH, not the caller's: the caller's environment is not
 * passed on, so neither is its idea of where commands live.
 *
 * Return: 0, -ENOENT when there is none, -EACCES when one was found but
 * cannot be executed, -ENOMEM.
 */
static int find_command(const char *cmd, char **out)
{
	const char *p = PROC_PATH, *end;
	bool denied = false;
	struct stat st;
	char buf[4096];

	if (strchr(cmd, '/')) {
		if (stat(cmd, &st) < 0)
			return -errno;
		if (S_ISDIR(st.st_mode) || access(cmd, X_OK) < 0)
			return -EACCES;
		*out = strdup(cmd);
		return *out ? 0 : -ENOMEM;
	}
	if (!*cmd || strlen(cmd) > 255)
		return -ENOENT;
	for (; *p; p = *end ? end + 1 : end) {
		end = strchrnul(p, ':');
		snprintf(buf, sizeof(buf), "%.*s/%s", (int)(end - p), p, cmd);
		if (stat(buf, &st) < 0 || !S_ISREG(st.st_mode))
			continue;
		if (access(buf, X_OK) < 0) {
			denied = true;
			continue;
		}
		*out = strdup(buf);
		return *out ? 0 : -ENOMEM;
	}
	return denied ? -EACCES : -ENOENT;
}

/**
 * env_set() - add "K=V" to @env, replacing an entry with the same key
 * @env:	NULL-terminated array with room for one more
 * @n:		entries used
 * @kv:		"K=V" (copied)
 *
 * Return: 0, or -ENOMEM.
 */
static int env_set(char **env, size_t *n, const char *kv)
{
	size_t klen = strcspn(kv, "=") + 1, i;
	char *dup = strdup(kv);

	if (!dup)
		return -ENOMEM;
	for (i = 0; i < *n; i++) {
		if (!strncmp(env[i], kv, klen)) {
			free(env[i]);
			env[i] = dup;
			return 0;
		}
	}
	env[(*n)++] = dup;
	env[*n] = NULL;
	return 0;
}

/**
 * build_env() - the clean environment plus the caller's additions
 * @ctx:	context
 * @px:		where to store it
 * @extra:	"K=V" entries, or NULL
 * @home:	HOME
 * @user:	USER and LOGNAME
 *
 * Return: 0, or -errno (-EINVAL, an input error, for a malformed entry).
 */
static int build_env(struct nsnet_ctx *ctx, struct proc_exec *px,
		     char *const *extra, const char *home, const char *user)
{
	const char *term = getenv("TERM");
	char buf[4096];
	size_t n = 0, cap = 8, i;
	int err = 0;

	for (i = 0; extra && extra[i]; i++) {
		const char *eq = strchr(extra[i], '=');

		if (!eq || eq == extra[i] || memchr(extra[i], '\n', eq - extra[i]))
			return nsnet_fail_why(ctx, -EINVAL, true,
					      "expected NAME=VALUE",
					      "environment \"%s\"", extra[i]);
		cap++;
	}
	px->envp = calloc(cap + 1, sizeof(char *));
	if (!px->envp)
		return nsnet_fail(ctx, -ENOMEM, "environment");
	err = env_set(px->envp, &n, "PATH=" PROC_PATH);
	snprintf(buf, sizeof(buf), "HOME=%s", home);
	err = err ? err : env_set(px->envp, &n, buf);
	snprintf(buf, sizeof(buf), "USER=%s", user);
	err = err ? err : env_set(px->envp, &n, buf);
	snprintf(buf, sizeof(buf), "LOGNAME=%s", user);
	err = err ? err : env_set(px->envp, &n, buf);
	err = err ? err : env_set(px->envp, &n, "LANG=C.UTF-8");
	if (term && *term && strlen(term) < 256) {
		snprintf(buf, sizeof(buf), "TERM=%s", term);
		err = err ? err : env_set(px->envp, &n, buf);
	}
	for (i = 0; !err && extra && extra[i]; i++)
		err = env_set(px->envp, &n, extra[i]);
	return err ? nsnet_fail(ctx, err, "environment") : 0;
}

/**
 * proc_exec_prepare() - settle everything about a child before forking
 * @ctx:	context
 * @px:		result (the caller sets @nsfd, @netns, @etc_netns, @fn)
 * @argv:	the command (may be NULL when @px->fn is set)
 * @env:	extra "K=V" entries, or NULL
 * @user:	user to run as, NULL for root
 *
 * Return: 0; -errno recorded in @ctx: an unknown user or a malformed
 * entry is an input error; a command that cannot be found is -ENOENT (or
 * -EACCES) naming it, not an input error, so callers can tell it apart
 * (a shell's 127 and 126).
 */
int proc_exec_prepare(struct nsnet_ctx *ctx, struct proc_exec *px,
		      char *const *argv, char *const *env, const char *user)
{
	const char *home = "/root", *uname = "root";
	struct passwd pw, *res = NULL;
	char pwbuf[4096];
	int err;

	px->argv = argv;
	px->uid = 0;
	px->gid = 0;
	if (user) {
		err = getpwnam_r(user, &pw, pwbuf, sizeof(pwbuf), &res);
		if (!res)
			return nsnet_fail_why(ctx, err ? -err : -EINVAL, true,
					      err ? strerror(err) : "no such user",
					      "user \"%s\"", user);
		px->uid = pw.pw_uid;
		px->gid = pw.pw_gid;
		home = pw.pw_dir && *pw.pw_dir ? pw.pw_dir : "/";
		uname = pw.pw_name;
		px->user = strdup(pw.pw_name);
		if (!px->user)
			return nsnet_fail(ctx, -ENOMEM, "user \"%s\"", user);
	}
	err = build_env(ctx, px, env, home, uname);
	if (err)
		return err;
	if (px->fn && (!argv || !argv[0]))
		return 0;
	if (!argv || !argv[0] || !*argv[0])
		return nsnet_fail_why(ctx, -EINVAL, true, "empty command",
				      "command");
	err = find_command(argv[0], &px->path);
	if (err)
		return nsnet_fail_why(ctx, err, false,
				      err == -ENOENT ? "command not found" :
				      strerror(-err), "exec \"%s\"", argv[0]);
	return 0;
}

/**
 * proc_exec_free() - release what proc_exec_prepare() allocated
 * @px:		prepared child (descriptors are the caller's)
 */
void proc_exec_free(struct proc_exec *px)
{
	size_t i;

	free(px->path);
	free(px->user);
	for (i = 0; px->envp && px->envp[i]; i++)
		free(px->envp[i]);
	free(px->envp);
	px->path = px->user = NULL;
	px->envp = NULL;
}

/**
 * proc_child_setup() - enter the node and become the user, for good
 * @ctx:	context (only its error buffer is used)
 * @px:		prepared child
 *
 * Privileges go last: joining a namespace and mounting need them.
 *
 * Return: 0, or -errno recorded in @ctx.
 */
int proc_child_setup(struct nsnet_ctx *ctx, const struct proc_exec *px)
{
	const char *name = px->netns && *px->netns ? px->netns : "host";
	int err;

	err = netns_enter_fd(ctx, px->nsfd, name,
			     px->etc_netns && px->netns && *px->netns);
	if (err)
		return err;
	if (!px->user)
		return 0;
	if (initgroups(px->user, px->gid) < 0)
		return nsnet_fail(ctx, -errno, "user %s: initgroups", px->user);
	if (setgid(px->gid) < 0)
		return nsnet_fail(ctx, -errno, "user %s: setgid", px->user);
	if (setuid(px->uid) < 0)
		return nsnet_fail(ctx, -errno, "user %s: setuid", px->user);
	return 0;
}
