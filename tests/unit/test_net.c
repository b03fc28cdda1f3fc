// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* lib/net.h (the first columns of a network tool's row, endpoints, port
 * lists) and tools/tcpdrop/kbtf.h (names from the running kernel's BTF). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include "tools/tcpdrop/kbtf.h"
#include "lib/net.h"
#include "lib/out.h"
#include "common/net.h"

/* Laid out like a tool's table (tools/tcpretrans.c). */
enum { C_IP = NET_COL_IP, C_LOCAL, C_SADDR, C_SPORT, C_CGROUP, NCOLS };

static const struct out_col cols[] = {
	NET_COLS_OWNER,
	[C_IP] = { "IP", "family", 2, 0 },
	NET_COLS_END(C_LOCAL, "LADDR:LPORT", "saddr", "sport"),
	[C_CGROUP] = OUT_COL_CGROUP,
};

/* A --count table's (tools/tcpconnect.c): the owner, no time. */
enum { K_IP = NET_COL_IP, K_CGROUP, KCOLS };

static const struct out_col count_cols[] = {
	NET_COLS_WHO,
	[K_IP] = { "IP", "family", 2, 0 },
	[K_CGROUP] = OUT_COL_CGROUP,
};

static const struct stream_hdr owner = { .cgroup_id = 1, .pid = 4242, .uid = 1000, .comm = "nc" };
static const struct stream_hdr nobody;

static const uint8_t v4[16] = { 192, 0, 2, 1 };
static const uint8_t v6[16] = { 0xfd, 0, 0, 0x5e, [15] = 1 };

/* One row: the owner, the family and one end. */
static char *render(bool json, const struct stream_hdr *h, uint16_t family, const uint8_t *addr)
{
	const struct out_cfg cfg = { .json = json };
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	struct out o;

	assert_non_null(f);
	out_init(&o, f, cols, NCOLS, 0, &cfg);
	net_row_begin(&o, h, family);
	out_endpoint_cols(&o, C_LOCAL, family, addr, 8080);
	out_owner_cgroup(&o, C_CGROUP, h->pid, h->cgroup_id);
	out_row_end(&o);
	fclose(f);
	return buf;
}

/* The JSON row after its "time" key, which every row has first. */
static const char *after_time(const char *s)
{
	const char *rest = strstr(s, "Z\",");

	assert_true(!strncmp(s, "{\"time\":\"", 9));
	assert_non_null(rest);
	return rest + 3;
}

static void json_row_with_owner(void **state)
{
	char *s = render(true, &owner, NET_AF_INET, v4);

	(void)state;
	assert_string_equal(after_time(s),
			    "\"uid\":1000,\"pid\":4242,\"comm\":\"nc\",\"family\":4,"
			    "\"saddr\":\"192.0.2.1\",\"sport\":8080,\"cgroup_id\":1}\n");
	free(s);
}

static void json_row_without_owner_has_nulls(void **state)
{
	char *s = render(true, &nobody, NET_AF_INET6, v6);

	(void)state;
	assert_string_equal(after_time(s),
			    "\"uid\":null,\"pid\":null,\"comm\":null,\"family\":6,"
			    "\"saddr\":\"fd00:5e::1\",\"sport\":8080,\"cgroup_id\":null}\n");
	free(s);
}

static void text_row_shows_dashes_and_brackets(void **state)
{
	char *s = render(false, &nobody, NET_AF_INET6, v6);

	(void)state;
	assert_string_equal(s, "-       -                6  [fd00:5e::1]:8080\n");
	free(s);
	s = render(false, &owner, NET_AF_INET, v4);
	assert_string_equal(s, "4242    nc               4  192.0.2.1:8080\n");
	free(s);
}

static void json_count_row_has_owner_without_time(void **state)
{
	static const struct net_owner ow = { .cgroup_id = 1, .pid = 4242, .uid = 0, .comm = "nc" };
	const struct out_cfg cfg = { .json = true };
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	struct out o;

	(void)state;
	assert_non_null(f);
	out_init(&o, f, count_cols, KCOLS, 0, &cfg);
	net_count_row_begin(&o, &ow, NET_AF_INET);
	out_owner_cgroup(&o, K_CGROUP, ow.pid, ow.cgroup_id);
	out_row_end(&o);
	fclose(f);
	assert_string_equal(
	    buf, "{\"uid\":0,\"pid\":4242,\"comm\":\"nc\",\"family\":4,\"cgroup_id\":1}\n");
	free(buf);
}

static void ports_parse_strictly(void **state)
{
	static const char *const bad[] = { "",	",",	 "80,", ",80", "80,,81",
					   "0", "65536", "8o",	" 80", "1,2,3" };
	uint16_t ports[NET_MAX_PORTS];
	unsigned n;

	(void)state;
	assert_int_equal(net_ports_parse("-P", "80,443", 1, ports, NET_MAX_PORTS, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(ports[1], 443);
	assert_int_equal(net_ports_parse("-P", "0", 0, ports, NET_MAX_PORTS, &n), 0);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(net_ports_parse("-P", bad[i], 1, ports, 2, &n), -EINVAL);
}

/* Needs the running kernel's BTF; skipped without it. */
static bool have_btf(void)
{
	if (access("/sys/kernel/btf/vmlinux", R_OK) == 0)
		return true;
	fprintf(stderr, "no readable /sys/kernel/btf/vmlinux: skipped\n");
	return false;
}

static void kbtf_names_drop_reasons(void **state)
{
	struct kbtf_enum e;
	int64_t v, w;

	(void)state;
	if (!have_btf())
		skip();
	assert_int_equal(kbtf_enum_load("skb_drop_reason", "SKB_DROP_REASON_", &e), 0);
	assert_int_equal(kbtf_enum_value(&e, "NO_SOCKET", &v), 0);
	assert_string_equal(kbtf_enum_name(&e, v), "NO_SOCKET");
	/* Any case, with or without the prefix. */
	assert_int_equal(kbtf_enum_value(&e, "skb_drop_reason_no_socket", &w), 0);
	assert_true(v == w);
	assert_int_equal(kbtf_enum_value(&e, "NO_SUCH_REASON", &w), -ENOENT);
	assert_null(kbtf_enum_name(&e, -12345));
	kbtf_enum_free(&e);
	assert_int_equal(kbtf_enum_load("sonde_no_such_enum", "", &e), -ENOENT);
}

static void kbtf_counts_tracepoint_args(void **state)
{
	(void)state;
	if (!have_btf())
		skip();
	/* (skb, location, reason) since 5.17; rx_sk added in 6.12. */
	assert_in_range(kbtf_tp_nargs("kfree_skb"), 3, 4);
	assert_int_equal(kbtf_tp_nargs("inet_sock_set_state"), 3);
	assert_int_equal(kbtf_tp_nargs("sonde_no_such_tracepoint"), -ENOENT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(json_row_with_owner),
		cmocka_unit_test(json_row_without_owner_has_nulls),
		cmocka_unit_test(text_row_shows_dashes_and_brackets),
		cmocka_unit_test(json_count_row_has_owner_without_time),
		cmocka_unit_test(ports_parse_strictly),
		cmocka_unit_test(kbtf_names_drop_reasons),
		cmocka_unit_test(kbtf_counts_tracepoint_args),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
