// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "lib/log.h"
#include "lib/parse.h"

static int bad_value(const char *opt, const char *arg, const char *why)
{
	log_err("invalid value '%s' for %s: %s", arg, opt, why);
	return -EINVAL;
}

static bool all_digits(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!isdigit((unsigned char)*s))
			return false;
	return true;
}

int parse_uint(const char *opt, const char *arg, uint64_t min, uint64_t max, uint64_t *out)
{
	char why[96];
	unsigned long long v;
	char *end;

	snprintf(why, sizeof(why), "expected an integer from %llu to %llu", (unsigned long long)min,
		 (unsigned long long)max);
	if (!all_digits(arg))
		return bad_value(opt, arg, why);
	errno = 0;
	v = strtoull(arg, &end, 10);
	if (errno || *end || v < min || v > max)
		return bad_value(opt, arg, why);
	*out = v;
	return 0;
}

int parse_pid(const char *opt, const char *arg, uint32_t *out)
{
	uint64_t v;
	int err = parse_uint(opt, arg, 1, SONDE_PID_MAX, &v);

	if (!err)
		*out = v;
	return err;
}

int parse_seconds(const char *opt, const char *arg, uint32_t *out)
{
	uint64_t v;
	int err = parse_uint(opt, arg, 1, 365 * 24 * 3600, &v);

	if (!err)
		*out = v;
	return err;
}

int parse_interval_arg(unsigned index, const char *arg, uint32_t *interval_s, uint32_t *count)
{
	uint64_t v;

	if (index > 1) {
		log_err("unexpected argument '%s': expected [interval [count]]", arg);
		return -E2BIG;
	}
	if (index == 0)
		return parse_seconds("interval", arg, interval_s);
	if (parse_uint("count", arg, 1, UINT32_MAX, &v))
		return -EINVAL;
	*count = v;
	return 0;
}

int passwd_lookup(const char *passwd_path, const char *name, uint32_t *uid)
{
	size_t n = strlen(name);
	char line[1024];
	FILE *f;
	int err = -ENOENT;

	/* "alice:x" would match alice's line and read the next field. */
	if (!n || strchr(name, ':'))
		return -ENOENT;
	f = fopen(passwd_path, "re");
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		unsigned long long v;
		char *p, *end;

		/* name:password:uid:... */
		if (strncmp(line, name, n) || line[n] != ':')
			continue;
		p = strchr(line + n + 1, ':');
		if (!p)
			continue;
		/* A damaged UID field must not become 0 (root) or (uid_t)-1 (anyone). */
		errno = 0;
		v = strtoull(p + 1, &end, 10);
		err = -EINVAL;
		if (isdigit((unsigned char)p[1]) && !errno && v < UINT32_MAX &&
		    (*end == ':' || *end == '\n' || !*end)) {
			*uid = v;
			err = 0;
		}
		break;
	}
	fclose(f);
	return err;
}

int parse_uid(const char *opt, const char *arg, uint32_t *out)
{
	uint64_t v;

	if (all_digits(arg)) {
		/* (uid_t)-1 means "no uid" to the kernel: never a real user. */
		if (parse_uint(opt, arg, 0, UINT32_MAX - 1, &v))
			return -EINVAL;
		*out = v;
		return 0;
	}
	if (!*arg || passwd_lookup("/etc/passwd", arg, out))
		return bad_value(opt, arg,
				 "expected a numeric UID or a user name from /etc/passwd");
	return 0;
}
