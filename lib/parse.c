// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include "lib/log.h"
#include "lib/parse.h"

static int bad_value(const char *opt, const char *arg, const char *why)
{
	log_err("invalid value '%s' for %s: %s", arg, opt, why);
	return -EINVAL;
}

int parse_decimal(const char *s, uint64_t min, uint64_t max, uint64_t *out)
{
	bool over = false;
	uint64_t v = 0;

	if (!*s)
		return -EINVAL;
	/* Not strtoull(): it takes blanks, signs and "-1" as UINT64_MAX. */
	for (; *s; s++) {
		unsigned d = (unsigned char)*s - '0';

		if (d > 9)
			return -EINVAL;
		if (v > (UINT64_MAX - d) / 10)
			over = true;
		else
			v = v * 10 + d;
	}
	if (over || v < min || v > max)
		return -ERANGE;
	*out = v;
	return 0;
}

static int bad_integer(const char *opt, const char *arg, uint64_t min, uint64_t max)
{
	char why[96];

	snprintf(why, sizeof(why), "expected an integer from %llu to %llu", (unsigned long long)min,
		 (unsigned long long)max);
	return bad_value(opt, arg, why);
}

int parse_uint(const char *opt, const char *arg, uint64_t min, uint64_t max, uint64_t *out)
{
	if (!parse_decimal(arg, min, max, out))
		return 0;
	return bad_integer(opt, arg, min, max);
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
	int err = parse_uint(opt, arg, 1, 365ULL * 24 * 3600, &v);

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
		uint64_t v;
		char *p;

		/* name:password:uid:... */
		if (strncmp(line, name, n) || line[n] != ':')
			continue;
		p = strchr(line + n + 1, ':');
		if (!p)
			continue;
		p++;
		p[strcspn(p, ":\n")] = '\0';
		/* A damaged UID field must not become 0 (root) or (uid_t)-1 (anyone). */
		err = -EINVAL;
		if (!parse_decimal(p, 0, UINT32_MAX - 1, &v)) {
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
	/* (uid_t)-1 means "no uid" to the kernel: never a real user. */
	const uint64_t max = UINT32_MAX - 1;
	uint64_t v;
	int err = parse_decimal(arg, 0, max, &v);

	/* Digits are a UID, in range or not; anything else is a user name. */
	if (err == -ERANGE)
		return bad_integer(opt, arg, 0, max);
	if (!err) {
		*out = v;
		return 0;
	}
	if (!*arg || passwd_lookup("/etc/passwd", arg, out))
		return bad_value(opt, arg,
				 "expected a numeric UID or a user name from /etc/passwd");
	return 0;
}
