// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* xdpdrop's rule lines and rules files. Properties: a line that parses
 * prints (xdp_rule_text) as words that parse back to the same rule; a
 * prefix that parses has no bits set after its length and prints back to
 * itself; every error is one line; a rules file never reports more rules
 * than it has lines. */
#include <errno.h>
#include "tests/fuzz/fuzz.h"
#include "tools/xdpdrop/rule.h"

static void one_line(const char *err)
{
	FUZZ_CHECK(strnlen(err, XDP_ERR_LEN) < XDP_ERR_LEN && !strchr(err, '\n'));
}

static void prefix(const char *s)
{
	char err[XDP_ERR_LEN] = "", text[64];
	struct xdp_prefix p, q;
	unsigned bits;

	if (xdp_prefix_parse("--src", s, &p, err, sizeof(err))) {
		one_line(err);
		return;
	}
	bits = p.v6 ? 128 : 32;
	FUZZ_CHECK(p.len <= bits);
	for (unsigned b = p.len; b < bits; b++)
		FUZZ_CHECK(!(p.addr[b / 8] & (0x80 >> (b % 8))));
	FUZZ_CHECK(xdp_prefix_text(&p, text, sizeof(text)) < sizeof(text));
	FUZZ_CHECK(!xdp_prefix_parse("--src", text, &q, err, sizeof(err)));
	FUZZ_CHECK(!xdp_prefix_cmp(&p, &q));
}

static void rule(const char *s)
{
	char err[XDP_ERR_LEN] = "", *text;
	struct xdp_rule r = { 0 }, back = { 0 };
	size_t n;
	int rc = xdp_rule_parse(s, &r, err, sizeof(err));

	if (rc < 0) {
		FUZZ_CHECK(rc == -EINVAL || rc == -ENOMEM);
		one_line(err);
		return;
	}
	if (rc == 0) {
		n = xdp_rule_text(&r, 0, NULL, 0);
		text = malloc(n + 1);
		FUZZ_CHECK(text && xdp_rule_text(&r, 0, text, n + 1) == n);
		FUZZ_CHECK(xdp_rule_parse(text, &back, err, sizeof(err)) == 0);
		FUZZ_CHECK(xdp_rule_equal(&r, &back));
		xdp_rule_free(&back);
		free(text);
	}
	xdp_rule_free(&r);
}

static void file(const unsigned char *data, size_t size)
{
	char err[XDP_ERR_LEN] = "";
	struct xdp_rule *rules = NULL;
	size_t n = 0, lines = 1;
	FILE *f = fmemopen((void *)data, size, "r");

	FUZZ_CHECK(f);
	for (size_t i = 0; i < size; i++)
		lines += data[i] == '\n';
	if (xdp_rules_read(f, "rules", &rules, &n, err, sizeof(err)))
		one_line(err);
	FUZZ_CHECK(n <= lines);
	for (size_t i = 0; i < n; i++)
		xdp_rule_free(&rules[i]);
	free(rules);
	fclose(f);
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	char *s;

	if (!size)
		return 0;
	s = fuzz_str(data + 1, size - 1);
	switch (data[0] % 3) {
	case 0:
		prefix(s);
		break;
	case 1:
		rule(s);
		break;
	default:
		file(data + 1, size - 1);
		break;
	}
	free(s);
	return 0;
}
