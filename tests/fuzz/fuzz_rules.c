// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* xdpdrop's rule lines and rules files. Properties: a line that parses
 * prints (xdp_rule_text) as words that parse back to the same rule; a
 * prefix that parses has no bits set after its length and prints back to
 * itself; a rules file never reports more rules than it has lines, and one
 * holding a NUL byte is refused; and every message, printed as xdpdrop
 * prints it (through the logging layer: an option's value, a RULE
 * argument, a rules file), is one line of printable ASCII: no control byte
 * of the input reaches the terminal. */
#include <errno.h>
#include <sys/mman.h>
#include <unistd.h>
#include "tests/fuzz/fuzz.h"
#include "lib/log.h"
#include "tools/xdpdrop/inst.h"
#include "tools/xdpdrop/rule.h"

/* A message of the parsers: terminated within its buffer. It quotes the
 * input as it was; the logging layer escapes it when it prints. */
static void bounded(const char *err)
{
	FUZZ_CHECK(strnlen(err, XDP_ERR_LEN) < XDP_ERR_LEN);
}

/* stderr, while xdpdrop's printing runs, goes to a memory file. */
static int cap_fd = -1, saved_fd = -1;

static void capture_begin(void)
{
	if (cap_fd < 0) {
		cap_fd = memfd_create("fuzz-stderr", MFD_CLOEXEC);
		saved_fd = dup(STDERR_FILENO);
		FUZZ_CHECK(cap_fd >= 0 && saved_fd >= 0);
	}
	FUZZ_CHECK(!ftruncate(cap_fd, 0) && !lseek(cap_fd, 0, SEEK_SET));
	fflush(stderr);
	FUZZ_CHECK(dup2(cap_fd, STDERR_FILENO) == STDERR_FILENO);
}

/* What was printed: nothing, or one line "xdpdrop: ..." of printable ASCII. */
static void capture_check(void)
{
	char buf[8192];
	ssize_t n;

	fflush(stderr);
	FUZZ_CHECK(dup2(saved_fd, STDERR_FILENO) == STDERR_FILENO);
	n = pread(cap_fd, buf, sizeof(buf), 0);
	FUZZ_CHECK(n >= 0 && (size_t)n < sizeof(buf));
	if (!n)
		return;
	FUZZ_CHECK(n > 9 && !memcmp(buf, "xdpdrop: ", 9) && buf[n - 1] == '\n');
	for (ssize_t i = 0; i < n - 1; i++)
		FUZZ_CHECK(buf[i] >= 0x20 && buf[i] < 0x7f);
}

static void prefix(const char *s)
{
	char err[XDP_ERR_LEN] = "", text[64];
	struct xdp_prefix p, q;
	unsigned bits;

	if (xdp_prefix_parse("--src", s, &p, err, sizeof(err))) {
		bounded(err);
		/* As xdpdrop prints the error of an option's value. */
		capture_begin();
		log_err("%s", err);
		capture_check();
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

static void round_trip(const struct xdp_rule *r)
{
	char err[XDP_ERR_LEN] = "", *text;
	struct xdp_rule back = { 0 };
	size_t n = xdp_rule_text(r, 0, NULL, 0);

	text = malloc(n + 1);
	FUZZ_CHECK(text && xdp_rule_text(r, 0, text, n + 1) == n);
	FUZZ_CHECK(xdp_rule_parse(text, &back, err, sizeof(err)) == 0);
	FUZZ_CHECK(xdp_rule_equal(r, &back));
	xdp_rule_free(&back);
	free(text);
}

static void rule(const char *s)
{
	struct xdp_inst_rules in = { 0 };
	char err[XDP_ERR_LEN] = "";
	struct xdp_rule r = { 0 };
	int rc = xdp_rule_parse(s, &r, err, sizeof(err));

	if (rc < 0) {
		FUZZ_CHECK(rc == -EINVAL || rc == -ENOMEM);
		bounded(err);
	}
	if (rc == 0)
		round_trip(&r);
	xdp_rule_free(&r);
	/* The same line as a RULE argument of --del, as xdpdrop takes it. */
	capture_begin();
	xdp_inst_rule_arg(&in, s, true);
	capture_check();
	xdp_inst_rules_free(&in);
}

static void file(const unsigned char *data, size_t size)
{
	struct xdp_inst_rules in = { 0 };
	char err[XDP_ERR_LEN] = "";
	struct xdp_rule *rules = NULL;
	size_t n = 0, lines = 1;
	FILE *f = fmemopen((void *)data, size, "r");
	int rc;

	FUZZ_CHECK(f);
	for (size_t i = 0; i < size; i++)
		lines += data[i] == '\n';
	rc = xdp_rules_read(f, "rules", &rules, &n, err, sizeof(err));
	if (rc)
		bounded(err);
	FUZZ_CHECK(n <= lines);
	FUZZ_CHECK(!memchr(data, '\0', size) || rc);
	for (size_t i = 0; i < n; i++)
		xdp_rule_free(&rules[i]);
	free(rules);
	rewind(f);
	capture_begin();
	xdp_inst_rules_stream(&in, f, "rules");
	capture_check();
	xdp_inst_rules_free(&in);
	fclose(f);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	log_init("xdpdrop", false);
	return 0;
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
