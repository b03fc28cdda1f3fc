// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* lib/parse.h and lib/names.h: option values are taken strictly (a typo is
 * exit 2, never a silently different filter), and the built-in name tables
 * agree with the kernel's numbers. */
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include "lib/array_size.h"
#include "lib/names.h"
#include "lib/parse.h"

static void pid_accepts_valid(void **state)
{
	uint32_t pid = 0;

	(void)state;
	assert_int_equal(parse_pid("-p/--pid", "1", &pid), 0);
	assert_int_equal(pid, 1);
	assert_int_equal(parse_pid("-p/--pid", "4194304", &pid), 0);
	assert_int_equal(pid, 4194304);
	assert_int_equal(parse_pid("-p/--pid", "00042", &pid), 0);
	assert_int_equal(pid, 42);
}

static void pid_refuses_invalid(void **state)
{
	static const char *const bad[] = { "abc",
					   "0",
					   "-1",
					   "+5",
					   " 5",
					   "5 ",
					   "",
					   "99999999999",
					   "4194305",
					   "0x10",
					   "1e3",
					   "5\n",
					   "18446744073709551617" };
	uint32_t pid = 77;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (parse_pid("-p/--pid", bad[i], &pid) != -EINVAL)
			fail_msg("parse_pid accepted '%s'", bad[i]);
		/* A refused value leaves the option as it was. */
		assert_int_equal(pid, 77);
	}
}

/* Exit code 2 comes with one line on stderr naming the option and the value. */
static void refusal_names_option_and_value(void **state)
{
	FILE *saved = stderr;
	char *msg = NULL;
	size_t len = 0;
	uint32_t v;
	int err;

	(void)state;
	stderr = open_memstream(&msg, &len);
	assert_non_null(stderr);
	err = parse_pid("-p/--pid", "12x", &v);
	fclose(stderr);
	stderr = saved;
	assert_int_equal(err, -EINVAL);
	assert_non_null(strstr(msg, "-p/--pid"));
	assert_non_null(strstr(msg, "'12x'"));
	assert_ptr_equal(strchr(msg, '\n'), msg + len - 1);
	free(msg);
}

static void seconds_bounds(void **state)
{
	static const char *const bad[] = { "-1", "0", "1.5", "1s", "", "31536001" };
	uint32_t s = 0;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (parse_seconds("-d/--duration", bad[i], &s) != -EINVAL)
			fail_msg("parse_seconds accepted '%s'", bad[i]);
	assert_int_equal(parse_seconds("-d/--duration", "1", &s), 0);
	assert_int_equal(s, 1);
	/* One year is the longest duration. */
	assert_int_equal(parse_seconds("-d/--duration", "31536000", &s), 0);
	assert_int_equal(s, 31536000);
}

static void uint_bounds(void **state)
{
	uint64_t v = 0;

	(void)state;
	assert_int_equal(parse_uint("--max-args", "1", 1, 128, &v), 0);
	assert_int_equal(v, 1);
	assert_int_equal(parse_uint("--max-args", "128", 1, 128, &v), 0);
	assert_int_equal(v, 128);
	assert_int_equal(parse_uint("--max-args", "0", 1, 128, &v), -EINVAL);
	assert_int_equal(parse_uint("--max-args", "129", 1, 128, &v), -EINVAL);
	assert_int_equal(parse_uint("-n", "0", 0, 0, &v), 0);
	assert_int_equal(v, 0);
	assert_int_equal(parse_uint("-n", "18446744073709551615", 0, UINT64_MAX, &v), 0);
	assert_true(v == UINT64_MAX);
	/* One past UINT64_MAX overflows strtoull: still refused, not clamped. */
	assert_int_equal(parse_uint("-n", "18446744073709551616", 0, UINT64_MAX, &v), -EINVAL);
	assert_true(v == UINT64_MAX);
}

/* parse_decimal(): -EINVAL for what is not a number at all, -ERANGE for a
 * number out of bounds (callers tell the two apart: xdpdrop's RULE numbers,
 * -u's UID or user name), the output untouched by either. */
static void decimal_not_a_number(void **state)
{
	static const char *const bad[] = {
		"",	"+5",  "-5",  "-0",  " 5", "5 ", "\t5", "5\n",
		"0x10", "1e3", "1.0", "1,0", "x",  "+",	 "-",	"5\x80"
	};
	uint64_t v = 77;

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		if (parse_decimal(bad[i], 0, UINT64_MAX, &v) != -EINVAL)
			fail_msg("parse_decimal('%s') did not say -EINVAL", bad[i]);
		assert_int_equal(v, 77);
	}
}

static void decimal_bounds(void **state)
{
	uint64_t v = 77;

	(void)state;
	assert_int_equal(parse_decimal("1", 1, 128, &v), 0);
	assert_int_equal(v, 1);
	assert_int_equal(parse_decimal("128", 1, 128, &v), 0);
	assert_int_equal(v, 128);
	v = 77;
	assert_int_equal(parse_decimal("0", 1, 128, &v), -ERANGE);
	assert_int_equal(parse_decimal("129", 1, 128, &v), -ERANGE);
	assert_int_equal(v, 77);
	assert_int_equal(parse_decimal("0", 0, 0, &v), 0);
	assert_int_equal(v, 0);
	/* Leading zeros are taken, however many, as parse_uint() always did. */
	assert_int_equal(parse_decimal("00042", 0, 100, &v), 0);
	assert_int_equal(v, 42);
	assert_int_equal(parse_decimal("0000000000000000000000000007", 0, 100, &v), 0);
	assert_int_equal(v, 7);
	assert_int_equal(parse_decimal("000", 0, 100, &v), 0);
	assert_int_equal(v, 0);
}

static void decimal_overflow(void **state)
{
	uint64_t v = 77;

	(void)state;
	assert_int_equal(parse_decimal("18446744073709551615", 0, UINT64_MAX, &v), 0);
	assert_true(v == UINT64_MAX);
	v = 77;
	/* One past UINT64_MAX, and far past it: out of range, never wrapped. */
	assert_int_equal(parse_decimal("18446744073709551616", 0, UINT64_MAX, &v), -ERANGE);
	assert_int_equal(parse_decimal("18446744073709551620", 0, UINT64_MAX, &v), -ERANGE);
	assert_int_equal(parse_decimal("99999999999999999999999999", 0, UINT64_MAX, &v), -ERANGE);
	/* 2^64 + 1 wraps to 1, which lies in [0, 10]. */
	assert_int_equal(parse_decimal("18446744073709551617", 0, 10, &v), -ERANGE);
	assert_int_equal(v, 77);
	/* A bad byte after the overflow still makes it no number. */
	assert_int_equal(parse_decimal("99999999999999999999x", 0, UINT64_MAX, &v), -EINVAL);
}

/* parse_decimal() is for callers with messages of their own: it prints none. */
static void decimal_is_silent(void **state)
{
	FILE *saved = stderr;
	char *msg = NULL;
	size_t len = 0;
	uint64_t v;

	(void)state;
	stderr = open_memstream(&msg, &len);
	assert_non_null(stderr);
	assert_int_equal(parse_decimal("12x", 0, 100, &v), -EINVAL);
	assert_int_equal(parse_decimal("101", 0, 100, &v), -ERANGE);
	assert_int_equal(parse_decimal("", 0, 100, &v), -EINVAL);
	fclose(stderr);
	stderr = saved;
	assert_int_equal(len, 0);
	free(msg);
}

/* A passwd file in a temporary directory, removed by the teardown. */
struct passwd_file {
	char dir[64];
	char path[96];
};

static const char passwd_text[] = "root:x:0:0:root:/root:/bin/bash\n"
				  "daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n"
				  "alice:x:1000:1000:Alice,,,:/home/alice:/bin/bash\n"
				  "alice2:x:1001:1001::/home/alice2:/bin/sh\n"
				  "nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n"
				  "broken:x:notanumber:0::/:/bin/sh\n"
				  "empty:x::0::/:/bin/sh\n"
				  "huge:x:4294967296:0::/:/bin/sh\n"
				  "last:x:4294967294:0::/:/bin/sh"; /* no final newline */

static int passwd_setup(void **state)
{
	struct passwd_file *p = calloc(1, sizeof(*p));
	FILE *f;

	if (!p)
		return -1;
	strcpy(p->dir, "/tmp/sonde-test-parse-XXXXXX");
	if (!mkdtemp(p->dir))
		return -1;
	snprintf(p->path, sizeof(p->path), "%s/passwd", p->dir);
	f = fopen(p->path, "w");
	if (!f)
		return -1;
	fputs(passwd_text, f);
	fclose(f);
	*state = p;
	return 0;
}

static int passwd_teardown(void **state)
{
	struct passwd_file *p = *state;

	unlink(p->path);
	rmdir(p->dir);
	free(p);
	return 0;
}

/* Interval tools: [interval [count]], both positive, nothing more. */
static void interval_args(void **state)
{
	uint32_t interval = 0, count = 0;

	(void)state;
	assert_int_equal(parse_interval_arg(0, "5", &interval, &count), 0);
	assert_int_equal(parse_interval_arg(1, "3", &interval, &count), 0);
	assert_int_equal(interval, 5);
	assert_int_equal(count, 3);
	assert_int_equal(parse_interval_arg(0, "0", &interval, &count), -EINVAL);
	assert_int_equal(parse_interval_arg(0, "-1", &interval, &count), -EINVAL);
	assert_int_equal(parse_interval_arg(1, "0", &interval, &count), -EINVAL);
	assert_int_equal(parse_interval_arg(1, "x", &interval, &count), -EINVAL);
	assert_int_equal(parse_interval_arg(2, "1", &interval, &count), -E2BIG);
}

static void passwd_lookup_finds_users(void **state)
{
	struct passwd_file *p = *state;
	uint32_t uid = 7;

	assert_int_equal(passwd_lookup(p->path, "root", &uid), 0);
	assert_int_equal(uid, 0);
	assert_int_equal(passwd_lookup(p->path, "alice", &uid), 0);
	assert_int_equal(uid, 1000);
	/* "alice" is a prefix of "alice2": the whole name must match. */
	assert_int_equal(passwd_lookup(p->path, "alice2", &uid), 0);
	assert_int_equal(uid, 1001);
	assert_int_equal(passwd_lookup(p->path, "nobody", &uid), 0);
	assert_int_equal(uid, 65534);
	assert_int_equal(passwd_lookup(p->path, "last", &uid), 0);
	assert_int_equal(uid, 4294967294u);
}

static void passwd_lookup_refuses(void **state)
{
	static const char *const bad[] = { "bob", "ali",    "alice:x", "x",
					   "",	  "broken", "empty",   "huge" };
	struct passwd_file *p = *state;
	uint32_t uid;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		uid = 7;
		/* A name that is not a user must never turn into a UID (least of all 0). */
		if (passwd_lookup(p->path, bad[i], &uid) == 0)
			fail_msg("passwd_lookup('%s') gave uid %u", bad[i], uid);
	}
	assert_int_equal(passwd_lookup("/nonexistent/passwd", "root", &uid), -ENOENT);
}

static void uid_numbers_and_names(void **state)
{
	static const char *const bad[] = { "4294967295",       "-1", "+0", "0x1",
					   "no-such-user-xyz", "",   " 0" };
	uint32_t uid = 7;

	(void)state;
	assert_int_equal(parse_uid("-u/--uid", "0", &uid), 0);
	assert_int_equal(uid, 0);
	assert_int_equal(parse_uid("-u/--uid", "4294967294", &uid), 0);
	assert_int_equal(uid, 4294967294u);
	/* Every system has root in /etc/passwd. */
	uid = 7;
	assert_int_equal(parse_uid("-u/--uid", "root", &uid), 0);
	assert_int_equal(uid, 0);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (parse_uid("-u/--uid", bad[i], &uid) != -EINVAL)
			fail_msg("parse_uid accepted '%s'", bad[i]);
}

static void errno_names(void **state)
{
	(void)state;
	assert_int_equal(errno_parse("ENOENT"), 2);
	assert_int_equal(errno_parse("enoent"), 2);
	assert_int_equal(errno_parse("2"), 2);
	assert_int_equal(errno_parse("EWOULDBLOCK"), EAGAIN);
	assert_int_equal(errno_parse("EAGAIN"), EAGAIN);
	assert_int_equal(errno_parse("ENOTSUP"), EOPNOTSUPP);
	assert_int_equal(errno_parse("bogus"), -1);
	assert_int_equal(errno_parse("0"), -1);
	assert_int_equal(errno_parse("-2"), -1);
	assert_int_equal(errno_parse(""), -1);
	assert_int_equal(errno_parse("2x"), -1);
	assert_int_equal(errno_parse("100000"), -1);
	assert_string_equal(errno_name(2), "ENOENT");
	assert_string_equal(errno_name(EACCES), "EACCES");
	assert_null(errno_name(0));
	assert_null(errno_name(-1));
	assert_null(errno_name(100000));
	/* Every name the table prints parses back to its number. */
	for (int e = 1; e < 200; e++)
		if (errno_name(e))
			assert_int_equal(errno_parse(errno_name(e)), e);
}

static void signal_names(void **state)
{
	(void)state;
	assert_int_equal(signal_parse("SIGKILL"), 9);
	assert_int_equal(signal_parse("kill"), 9);
	assert_int_equal(signal_parse("sigkill"), 9);
	assert_int_equal(signal_parse("9"), 9);
	assert_int_equal(signal_parse("USR1"), 10);
	assert_int_equal(signal_parse("SIGTERM"), SIGTERM);
	assert_int_equal(signal_parse("RTMIN+1"), SIGRTMIN + 1);
	assert_int_equal(signal_parse("SIGRTMIN+1"), SIGRTMIN + 1);
	assert_int_equal(signal_parse("RTMIN"), SIGRTMIN);
	assert_int_equal(signal_parse("64"), 64);
	assert_int_equal(signal_parse("65"), -1);
	assert_int_equal(signal_parse("0"), -1);
	assert_int_equal(signal_parse("SIGBOGUS"), -1);
	assert_int_equal(signal_parse(""), -1);
	assert_int_equal(signal_parse("SIG"), -1);
	assert_int_equal(signal_parse("9x"), -1);
}

/* What a tool prints, a user pastes back into an option. */
static void signal_round_trip(void **state)
{
	char buf[32];

	(void)state;
	for (int sig = 1; sig <= 31; sig++) {
		const char *name = signal_name(sig, buf, sizeof(buf));

		assert_memory_equal(name, "SIG", 3);
		if (signal_parse(name) != sig)
			fail_msg("signal %d is named '%s', which parses as %d", sig, name,
				 signal_parse(name));
	}
	assert_string_equal(signal_name(SIGKILL, buf, sizeof(buf)), "SIGKILL");
	for (int sig = SIGRTMIN; sig <= 64; sig++) {
		const char *name = signal_name(sig, buf, sizeof(buf));

		if (signal_parse(name) != sig)
			fail_msg("signal %d is named '%s', which parses as %d", sig, name,
				 signal_parse(name));
	}
}

static void syscall_names(void **state)
{
	(void)state;
	assert_string_equal(syscall_name(0), "read");
	assert_string_equal(syscall_name(59), "execve");
	assert_string_equal(syscall_name(257), "openat");
	assert_string_equal(syscall_name(435), "clone3");
	assert_string_equal(syscall_name(336), "uprobe");
	assert_string_equal(syscall_name(469), "file_setattr");
	assert_int_equal(syscall_nr("openat"), 257);
	assert_int_equal(syscall_nr("execve"), 59);
	assert_int_equal(syscall_nr("no_such_call"), -1);
	assert_int_equal(syscall_nr(""), -1);
	assert_null(syscall_name(-1));
	assert_null(syscall_name(100000));
	assert_null(syscall_name(syscall_count()));
	/* The gap between the old numbers and the io_uring era has no names. */
	assert_null(syscall_name(400));
}

static void syscall_round_trip(void **state)
{
	int named = 0;

	(void)state;
	for (int nr = 0; nr < syscall_count(); nr++) {
		const char *name = syscall_name(nr);

		if (!name)
			continue;
		named++;
		/* Each name once: `-s name` must mean one number. */
		if (syscall_nr(name) != nr)
			fail_msg("syscall %d '%s' maps back to %d", nr, name, syscall_nr(name));
	}
	assert_in_range(named, 360, syscall_count());
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(pid_accepts_valid),
		cmocka_unit_test(pid_refuses_invalid),
		cmocka_unit_test(refusal_names_option_and_value),
		cmocka_unit_test(seconds_bounds),
		cmocka_unit_test(uint_bounds),
		cmocka_unit_test(decimal_not_a_number),
		cmocka_unit_test(decimal_bounds),
		cmocka_unit_test(decimal_overflow),
		cmocka_unit_test(decimal_is_silent),
		cmocka_unit_test(interval_args),
		cmocka_unit_test_setup_teardown(passwd_lookup_finds_users, passwd_setup,
						passwd_teardown),
		cmocka_unit_test_setup_teardown(passwd_lookup_refuses, passwd_setup,
						passwd_teardown),
		cmocka_unit_test(uid_numbers_and_names),
		cmocka_unit_test(errno_names),
		cmocka_unit_test(signal_names),
		cmocka_unit_test(signal_round_trip),
		cmocka_unit_test(syscall_names),
		cmocka_unit_test(syscall_round_trip),
	};

	/* The parsers explain a refusal on stderr; the verdict is the return value. */
	return cmocka_run_group_tests(tests, NULL, NULL);
}
