// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* tools/xdpdrop/rule.h and tools/xdpdrop/set.h: xdpdrop's rules are parsed strictly (a
 * typo in a blocklist is an error naming the value, never a different rule),
 * printed back the same, and compiled into lists in which every address
 * finds each rule whose prefixes cover it. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "tools/xdpdrop/rule.h"
#include "tools/xdpdrop/set.h"

static void prefix_forms(void **state)
{
	static const struct {
		const char *in, *out;
		int v6, len;
	} ok[] = {
		{ "192.0.2.0/24", "192.0.2.0/24", 0, 24 },
		{ "192.0.2.7", "192.0.2.7", 0, 32 },
		{ "192.0.2.7/32", "192.0.2.7", 0, 32 },
		{ "0.0.0.0/0", "0.0.0.0/0", 0, 0 },
		{ "2001:db8::/32", "2001:db8::/32", 1, 32 },
		{ "2001:DB8::1", "2001:db8::1", 1, 128 },
		{ "::/0", "::/0", 1, 0 },
		{ "10.128.0.0/9", "10.128.0.0/9", 0, 9 },
	};
	char err[XDP_ERR_LEN], text[64];
	struct xdp_prefix p;

	(void)state;
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		if (xdp_prefix_parse("--src", ok[i].in, &p, err, sizeof(err)))
			fail_msg("refused '%s': %s", ok[i].in, err);
		assert_int_equal(p.v6, ok[i].v6);
		assert_int_equal(p.len, ok[i].len);
		xdp_prefix_text(&p, text, sizeof(text));
		assert_string_equal(text, ok[i].out);
	}
}

static void prefix_refusals(void **state)
{
	static const char *const bad[] = {
		"",
		"/24",
		"192.0.2.0/",
		"192.0.2.0/33",
		"192.0.2.0/-1",
		"192.0.2.0/+8",
		"192.0.2.0/08x",
		"192.0.2",
		"192.0.2.256",
		"0x7f.0.0.1",
		"192.0.2.1/24",
		"10.0.0.1/8",
		"2001:db8::1/64",
		"2001:db8::/129",
		"fe80::1%eth0",
		" 192.0.2.1",
		"192.0.2.1 ",
		"192.0.2.1/2 4",
		"a.b.c.d",
		"::ffff:1.2.3.4/200",
	};
	char err[XDP_ERR_LEN];
	struct xdp_prefix p;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (xdp_prefix_parse("--src", bad[i], &p, err, sizeof(err)) != -EINVAL)
			fail_msg("accepted '%s'", bad[i]);
		if (!strstr(err, "--src"))
			fail_msg("message for '%s' names no option: %s", bad[i], err);
	}
	/* The network is suggested when host bits are set. */
	xdp_prefix_parse("--dst", "10.1.2.3/8", &p, err, sizeof(err));
	assert_non_null(strstr(err, "'10.1.2.3/8' for --dst"));
	assert_non_null(strstr(err, "10.0.0.0/8"));
}

static void ports_and_protocols(void **state)
{
	static const char *const bad_ports[] = { "",	 "-", "1-",  "-1",  "65536", "2-1",
						 "1--2", "a", "80 ", "+80", "1-2-3", "99999999" };
	static const char *const bad_protos[] = { "", "TCPX", "256", "-1", "6 ", "0x6" };
	char err[XDP_ERR_LEN];
	uint16_t r[2];
	uint8_t proto;

	(void)state;
	assert_int_equal(xdp_ports_parse("--dport", "80", r, err, sizeof(err)), 0);
	assert_true(r[0] == 80 && r[1] == 80);
	assert_int_equal(xdp_ports_parse("--dport", "0-65535", r, err, sizeof(err)), 0);
	assert_true(r[0] == 0 && r[1] == 65535);
	for (size_t i = 0; i < sizeof(bad_ports) / sizeof(bad_ports[0]); i++)
		if (xdp_ports_parse("--dport", bad_ports[i], r, err, sizeof(err)) != -EINVAL)
			fail_msg("accepted port '%s'", bad_ports[i]);
	assert_int_equal(xdp_proto_parse("--proto", "TCP", &proto, err, sizeof(err)), 0);
	assert_int_equal(proto, 6);
	assert_int_equal(xdp_proto_parse("--proto", "icmpv6", &proto, err, sizeof(err)), 0);
	assert_int_equal(proto, 58);
	assert_int_equal(xdp_proto_parse("--proto", "47", &proto, err, sizeof(err)), 0);
	assert_int_equal(proto, 47);
	for (size_t i = 0; i < sizeof(bad_protos) / sizeof(bad_protos[0]); i++)
		if (xdp_proto_parse("--proto", bad_protos[i], &proto, err, sizeof(err)) != -EINVAL)
			fail_msg("accepted protocol '%s'", bad_protos[i]);
}

/* Each line parses to the canonical text given (NULL: refused). */
static void rule_lines(void **state)
{
	static const struct {
		const char *line, *text;
	} cases[] = {
		{ "--src 10.0.0.0/8", "--src 10.0.0.0/8" },
		{ "src 10.0.0.0/8 proto udp dport 53", "--src 10.0.0.0/8 --proto udp --dport 53" },
		{ "--dport=1000-2000 --proto=tcp", "--proto tcp --dport 1000-2000" },
		{ "  --src 192.0.2.9 --src 192.0.2.1\t# two hosts",
		  "--src 192.0.2.1 --src 192.0.2.9" },
		{ "--src 192.0.2.1 --src 192.0.2.1", "--src 192.0.2.1" },
		{ "--dst 2001:db8::/32 --proto icmpv6", "--dst 2001:db8::/32 --proto icmpv6" },
		{ "--sport 53\r\n", "--sport 53" },
		{ "--proto 132 --dport 9", "--proto 132 --dport 9" },
		{ "--src 10.0.0.0/8 --dst 2001:db8::/32", NULL },
		{ "--proto icmp --dport 1", NULL },
		{ "--proto icmp --src 2001:db8::/32", NULL },
		{ "--proto icmpv6 --dst 192.0.2.0/24", NULL },
		{ "--proto tcp --proto udp", NULL },
		{ "--dport 1 --dport 2", NULL },
		{ "--src", NULL },
		{ "--src=", NULL },
		{ "--allow", NULL },
		{ "--srcc 10.0.0.0/8", NULL },
		{ "10.0.0.0/8", NULL },
		{ "--src 10.0.0.0/8#comment", "--src 10.0.0.0/8" },
		{ "--src 10.0.0.0/8 garbage", NULL },
	};
	char err[XDP_ERR_LEN], text[256];
	struct xdp_rule r;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int e = xdp_rule_parse(cases[i].line, &r, err, sizeof(err));

		if (!cases[i].text) {
			if (e != -EINVAL)
				fail_msg("accepted '%s'", cases[i].line);
			continue;
		}
		if (e)
			fail_msg("refused '%s': %s", cases[i].line, err);
		xdp_rule_text(&r, 0, text, sizeof(text));
		assert_string_equal(text, cases[i].text);
		xdp_rule_free(&r);
	}
	assert_int_equal(xdp_rule_parse("   # only a comment", &r, err, sizeof(err)), 1);
	assert_int_equal(xdp_rule_parse("", &r, err, sizeof(err)), 1);
}

/* What the text says parses back to an equal rule. */
static void text_round_trip(void **state)
{
	static const char *const lines[] = {
		"src 10.0.0.0/8 src 2001:db8::/32 dst 192.0.2.1 proto tcp sport 1-2 dport 3",
		"dst ::1 proto 0",
		"dport 65535",
	};
	char err[XDP_ERR_LEN], text[512];
	struct xdp_rule a, b;

	(void)state;
	for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
		assert_int_equal(xdp_rule_parse(lines[i], &a, err, sizeof(err)), 0);
		xdp_rule_text(&a, 0, text, sizeof(text));
		assert_int_equal(xdp_rule_parse(text, &b, err, sizeof(err)), 0);
		assert_true(xdp_rule_equal(&a, &b));
		xdp_rule_free(&a);
		xdp_rule_free(&b);
	}
}

static void text_is_cut(void **state)
{
	char err[XDP_ERR_LEN], text[256];
	struct xdp_rule r;

	(void)state;
	assert_int_equal(xdp_rule_parse("--src 10.0.0.1 --src 10.0.0.2 --src 10.0.0.3 --proto udp",
					&r, err, sizeof(err)),
			 0);
	xdp_rule_text(&r, 2, text, sizeof(text));
	assert_string_equal(text, "--src 10.0.0.1 --src 10.0.0.2 +1 more --proto udp");
	/* snprintf-like: the whole length, a cut but terminated buffer. */
	assert_int_equal(xdp_rule_text(&r, 0, text, 10), strlen("--src 10.0.0.1 --src 10.0.0.2 "
								"--src 10.0.0.3 --proto udp"));
	assert_string_equal(text, "--src 10.");
	xdp_rule_free(&r);
}

static void rules_file(void **state)
{
	static const char body[] = "# blocklist\n"
				   "\n"
				   "--src 192.0.2.0/24\n"
				   "src 198.51.100.7   # one host\n"
				   "--src 203.0.113.300\n";
	char err[XDP_ERR_LEN];
	struct xdp_rule *rules = NULL;
	size_t n = 0;
	FILE *f = fmemopen((void *)body, sizeof(body) - 1, "r");

	(void)state;
	assert_int_equal(xdp_rules_read(f, "list.txt", &rules, &n, err, sizeof(err)), -EINVAL);
	fclose(f);
	assert_int_equal(n, 2);
	assert_non_null(strstr(err, "list.txt:5: invalid value '203.0.113.300' for --src"));
	for (size_t i = 0; i < n; i++)
		xdp_rule_free(&rules[i]);
	free(rules);
}

/* A NUL byte would end the line early: "proto tcp\0 dport 22" read as
 * "proto tcp" drops all TCP. The line is refused. */
static void rules_file_nul(void **state)
{
	static const char body[] = "--src 192.0.2.0/24\n"
				   "proto tcp\0 dport 22\n";
	char err[XDP_ERR_LEN];
	struct xdp_rule *rules = NULL;
	size_t n = 0;
	FILE *f = fmemopen((void *)body, sizeof(body) - 1, "r");

	(void)state;
	assert_int_equal(xdp_rules_read(f, "list.txt", &rules, &n, err, sizeof(err)), -EINVAL);
	fclose(f);
	assert_int_equal(n, 1);
	assert_non_null(strstr(err, "list.txt:2: a NUL byte in the line"));
	xdp_rule_free(&rules[0]);
	free(rules);
}

/* Every value from input is quoted as it was (the logging layer escapes
 * what it prints): an unknown word is not taken for an option. */
static void values_quoted(void **state)
{
	char err[XDP_ERR_LEN];
	struct xdp_rule r;
	struct xdp_prefix p;

	(void)state;
	assert_int_equal(xdp_rule_parse("src 192.0.2.1 \x1b[31mred", &r, err, sizeof(err)),
			 -EINVAL);
	assert_string_equal(err, "unknown rule word '\x1b[31mred' (expected --src, --dst, "
				 "--proto, --sport or --dport)");
	assert_int_equal(xdp_rule_parse("--dport", &r, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "--dport needs a value");
	assert_int_equal(xdp_prefix_parse("--src", "\x1b[2J10.0.0.1", &p, err, sizeof(err)),
			 -EINVAL);
	assert_non_null(strstr(err, "invalid value '\x1b[2J10.0.0.1' for --src: "));
}

/* Rules in a set, numbered from 1. */
static struct xdp_nrule *set_of(const char *const *lines, size_t n)
{
	struct xdp_nrule *s = calloc(n, sizeof(*s));
	char err[XDP_ERR_LEN];

	for (size_t i = 0; i < n; i++) {
		s[i].nr = i + 1;
		if (xdp_rule_parse(lines[i], &s[i].rule, err, sizeof(err)))
			fail_msg("'%s': %s", lines[i], err);
	}
	return s;
}

static void set_free(struct xdp_nrule *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		xdp_rule_free(&s[i].rule);
	free(s);
}

static const struct xdp_trie_entry *entry(const struct xdp_tables *t, enum xdp_trie k,
					  const char *pfx)
{
	char err[XDP_ERR_LEN];
	struct xdp_prefix p;

	assert_int_equal(xdp_prefix_parse("test", pfx, &p, err, sizeof(err)), 0);
	for (size_t i = 0; i < t->ntrie[k]; i++)
		if (!xdp_prefix_cmp(&t->trie[k][i].pfx, &p))
			return &t->trie[k][i];
	fail_msg("no entry %s", pfx);
	return NULL;
}

/* An entry lists its own rules and those of every prefix covering it, in
 * rule order; own marks the ones naming it. */
static void tables_inherit(void **state)
{
	static const char *const lines[] = {
		"--src 10.0.0.0/8 --proto tcp",	     /* 1 */
		"--src 10.1.0.0/16",		     /* 2 */
		"--src 10.1.2.3 --src 10.0.0.0/8",   /* 3 */
		"--src 192.0.2.0/24 --dst 10.9.9.9", /* 4 */
		"--dst 10.0.0.0/8 --dport 22",	     /* 5 */
		"--proto icmp",			     /* 6 */
		"--src 2001:db8::/32",		     /* 7 */
	};
	struct xdp_nrule *s = set_of(lines, 7);
	const struct xdp_trie_entry *e;
	char err[XDP_ERR_LEN];
	struct xdp_tables t;

	(void)state;
	assert_int_equal(xdp_tables_build(s, 7, &t, err, sizeof(err)), 0);
	assert_int_equal(t.ntrie[XDP_SRC4], 4);
	e = entry(&t, XDP_SRC4, "10.0.0.0/8");
	assert_true(e->c.n == 2 && e->c.rule[0] == 1 && e->c.rule[1] == 3 && e->c.own == 3);
	e = entry(&t, XDP_SRC4, "10.1.0.0/16");
	assert_true(e->c.n == 3 && e->c.rule[0] == 1 && e->c.rule[1] == 2 && e->c.rule[2] == 3);
	assert_int_equal(e->c.own, 1 << 1);
	e = entry(&t, XDP_SRC4, "10.1.2.3");
	assert_true(e->c.n == 3 && e->c.rule[2] == 3 && e->c.own == 1 << 2);
	/* Rule 4 is listed by its source; its destination is its own set. */
	assert_int_equal(t.nrdst, 1);
	assert_int_equal(t.rdst[0].nr, 4);
	/* Rule 5 has no source: listed by its destination. */
	e = entry(&t, XDP_DST4, "10.0.0.0/8");
	assert_true(e->c.n == 1 && e->c.rule[0] == 5);
	assert_true(t.any.n == 1 && t.any.rule[0] == 6);
	assert_int_equal(t.ntrie[XDP_SRC6], 1);
	xdp_tables_free(&t);
	set_free(s, 7);
}

static void tables_refuse_overlap(void **state)
{
	const char *lines[XDPDROP_CANDS + 1];
	struct xdp_nrule *s;
	char err[XDP_ERR_LEN], buf[XDPDROP_CANDS + 1][48];
	struct xdp_tables t;

	(void)state;
	/* Nested prefixes /8 ../8+15 and a host under all of them. */
	for (int i = 0; i < XDPDROP_CANDS + 1; i++) {
		snprintf(buf[i], sizeof(buf[i]), "--src 10.0.0.0/%d", 8 + i);
		lines[i] = buf[i];
	}
	s = set_of(lines, XDPDROP_CANDS);
	assert_int_equal(xdp_tables_build(s, XDPDROP_CANDS, &t, err, sizeof(err)), 0);
	xdp_tables_free(&t);
	set_free(s, XDPDROP_CANDS);
	s = set_of(lines, XDPDROP_CANDS + 1);
	assert_int_equal(xdp_tables_build(s, XDPDROP_CANDS + 1, &t, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "--src 10.0.0.0/23"));
	set_free(s, XDPDROP_CANDS + 1);
}

/* Room for rule numbers; a message names what limits it. */
static void rule_room(void **state)
{
	char err[XDP_ERR_LEN];
	uint32_t max;

	(void)state;
	assert_int_equal(xdp_rule_room(10, 0, &max, err, sizeof(err)), 0);
	assert_int_equal(max, 1024);
	assert_int_equal(xdp_rule_room(1000, 0, &max, err, sizeof(err)), 0);
	assert_int_equal(max, 2001);
	/* Twice as many as given is more than the most: the most. */
	assert_int_equal(xdp_rule_room(1000000, 0, &max, err, sizeof(err)), 0);
	assert_int_equal(max, XDPDROP_RULES_MAX);
	assert_int_equal(xdp_rule_room(3, 3, &max, err, sizeof(err)), 0);
	assert_int_equal(max, 4);
	assert_int_equal(xdp_rule_room(3, 2, &max, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "3 rules do not fit in --max-rules 2");
	assert_int_equal(xdp_rule_room(XDPDROP_RULES_MAX, 0, &max, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "1048576 rules are more than xdpdrop holds (at most 1048575)");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(prefix_forms),
		cmocka_unit_test(prefix_refusals),
		cmocka_unit_test(ports_and_protocols),
		cmocka_unit_test(rule_lines),
		cmocka_unit_test(text_round_trip),
		cmocka_unit_test(text_is_cut),
		cmocka_unit_test(rules_file),
		cmocka_unit_test(rules_file_nul),
		cmocka_unit_test(values_quoted),
		cmocka_unit_test(tables_inherit),
		cmocka_unit_test(tables_refuse_overlap),
		cmocka_unit_test(rule_room),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
