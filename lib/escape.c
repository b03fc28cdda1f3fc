// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <stdbool.h>
#include "lib/escape.h"

static const char hex[] = "0123456789abcdef";

static bool text_plain(unsigned char c)
{
	return c >= 0x20 && c < 0x7f && c != '\\';
}

size_t escape_text_len(const char *s, size_t len)
{
	size_t n = 0;

	for (size_t i = 0; i < len && s[i]; i++) {
		unsigned char c = s[i];

		n += text_plain(c) ? 1 : c == '\\' ? 2 : 4;
	}
	return n;
}

size_t escape_text(FILE *f, const char *s, size_t len)
{
	size_t n = 0, run = 0, i;

	for (i = 0; i < len && s[i]; i++) {
		unsigned char c = s[i];

		if (text_plain(c))
			continue;
		/* Flush the plain run before the byte that needs escaping. */
		fwrite_unlocked(s + run, 1, i - run, f);
		n += i - run;
		run = i + 1;
		if (c == '\\') {
			fputs_unlocked("\\\\", f);
			n += 2;
		} else {
			char e[4] = { '\\', 'x', hex[c >> 4], hex[c & 15] };

			fwrite_unlocked(e, 1, 4, f);
			n += 4;
		}
	}
	fwrite_unlocked(s + run, 1, i - run, f);
	return n + i - run;
}

size_t utf8_seq_len(const unsigned char *s, size_t avail)
{
	unsigned char c = s[0];
	size_t need;
	unsigned lo = 0x80, hi = 0xbf;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		need = 2;
	else if (c >= 0xe0 && c <= 0xef)
		need = 3;
	else if (c >= 0xf0 && c <= 0xf4)
		need = 4;
	else
		return 0;
	if (avail < need)
		return 0;
	/* Overlong forms, surrogates and code points above U+10FFFF. */
	if (c == 0xe0)
		lo = 0xa0;
	else if (c == 0xed)
		hi = 0x9f;
	else if (c == 0xf0)
		lo = 0x90;
	else if (c == 0xf4)
		hi = 0x8f;
	if (s[1] < lo || s[1] > hi)
		return 0;
	for (size_t i = 2; i < need; i++)
		if (s[i] < 0x80 || s[i] > 0xbf)
			return 0;
	return need;
}

static size_t json_u00(FILE *f, unsigned char c)
{
	char e[6] = { '\\', 'u', '0', '0', hex[c >> 4], hex[c & 15] };

	fwrite_unlocked(e, 1, 6, f);
	return 6;
}

size_t escape_json(FILE *f, const char *str, size_t len)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t n = 2, i = 0, run = 0, end;

	/* The string ends at a NUL, or at len. */
	for (end = 0; end < len && s[end]; end++)
		;
	putc_unlocked('"', f);
	while (i < end) {
		unsigned char c = s[i];
		size_t seq;

		if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') {
			i++;
			continue;
		}
		seq = c >= 0x80 ? utf8_seq_len(s + i, end - i) : 0;
		/* Valid UTF-8 passes, except the C1 controls U+0080-U+009F. */
		if (seq > 1 && !(c == 0xc2 && s[i + 1] < 0xa0)) {
			i += seq;
			continue;
		}
		fwrite_unlocked(s + run, 1, i - run, f);
		n += i - run;
		if (c == '"' || c == '\\') {
			putc_unlocked('\\', f);
			putc_unlocked(c, f);
			n += 2;
			i++;
		} else if (seq == 2) {
			n += json_u00(f, s[i + 1]);
			i += 2;
		} else {
			n += json_u00(f, c);
			i++;
		}
		run = i;
	}
	fwrite_unlocked(s + run, 1, i - run, f);
	putc_unlocked('"', f);
	return n + i - run;
}
