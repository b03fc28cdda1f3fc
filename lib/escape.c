// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include "lib/escape.h"

static const char hex[] = "0123456789abcdef";

/* Input bytes the FILE forms escape at a time (into a buffer on the stack). */
#define CHUNK 1024

/* Eight bytes at a time: a word with no byte to escape is copied whole, and
 * most strings (paths, names, command lines) are all such words. Each test
 * is exact for "some byte of the word is ...", which is all it is asked:
 * a word it flags goes byte by byte. */
#define ONES 0x0101010101010101ULL
#define HIGHS 0x8080808080808080ULL

static inline uint64_t has_below(uint64_t w, uint8_t n) /* n <= 128 */
{
	return (w - ONES * n) & ~w & HIGHS;
}

static inline uint64_t has_above(uint64_t w, uint8_t n) /* n <= 127 */
{
	return ((w + ONES * (127 - n)) | w) & HIGHS;
}

static inline uint64_t has_byte(uint64_t w, uint8_t c)
{
	return has_below(w ^ (ONES * c), 1);
}

static inline uint64_t load8(const unsigned char *s)
{
	uint64_t w;

	memcpy(&w, s, sizeof(w));
	return w;
}

/* Printable ASCII but the backslash (text); nor the double quote (JSON). */
static inline bool text_word_plain(uint64_t w)
{
	return !(has_below(w, 0x20) | has_above(w, 0x7e) | has_byte(w, '\\'));
}

static inline bool json_word_plain(uint64_t w)
{
	return !(has_below(w, 0x20) | has_above(w, 0x7e) | has_byte(w, '\\') | has_byte(w, '"'));
}

static bool text_plain(unsigned char c)
{
	return c >= 0x20 && c < 0x7f && c != '\\';
}

static bool json_plain(unsigned char c)
{
	return text_plain(c) && c != '"';
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

/* Copies the bytes from s[*pos] that need no escape (in JSON, nor '"') to
 * d, as far as `stop` or the first byte that does (left at *pos): words
 * that are all plain, then the last bytes as the end of the word before
 * `stop` (when it is all plain, the bytes of it already written since
 * `first` are the same), then byte by byte through one word at most (all
 * of a string shorter than a word). Returns where d ends. */
static inline __attribute__((always_inline)) char *
copy_plain(char *d, const unsigned char *s, size_t *pos, size_t stop, size_t first, bool json)
{
	size_t i = *pos;

	while (i < stop) {
		size_t lim;

		if (i + 8 <= stop) {
			uint64_t w = load8(s + i);

			if (json ? json_word_plain(w) : text_word_plain(w)) {
				memcpy(d, s + i, 8);
				d += 8;
				i += 8;
				continue;
			}
		} else if (stop - first >= 8) {
			uint64_t w = load8(s + stop - 8);

			if (json ? json_word_plain(w) : text_word_plain(w)) {
				memcpy(d - (8 - (stop - i)), s + stop - 8, 8);
				d += stop - i;
				i = stop;
				break;
			}
		}
		for (lim = stop - i > 8 ? i + 8 : stop; i < lim; i++) {
			if (json ? !json_plain(s[i]) : !text_plain(s[i]))
				goto out;
			*d++ = (char)s[i];
		}
	}
out:
	*pos = i;
	return d;
}

/* Escapes s[*pos] up to `stop` (no NUL before it) into d; returns the
 * bytes written. */
static size_t text_core(char *d, const unsigned char *s, size_t *pos, size_t stop)
{
	char *start = d;
	size_t i = *pos, first = i;

	for (;;) {
		unsigned char c;

		d = copy_plain(d, s, &i, stop, first, false);
		if (i >= stop)
			break;
		c = s[i++];
		if (c == '\\') {
			*d++ = '\\';
			*d++ = '\\';
		} else {
			d[0] = '\\';
			d[1] = 'x';
			d[2] = hex[c >> 4];
			d[3] = hex[c & 15];
			d += 4;
		}
	}
	*pos = i;
	return d - start;
}

size_t escape_text_mem(char *dst, const char *s, size_t len)
{
	size_t pos = 0;

	return text_core(dst, (const unsigned char *)s, &pos, len);
}

size_t escape_text(FILE *f, const char *str, size_t len)
{
	const unsigned char *s = (const unsigned char *)str;
	char buf[ESCAPE_TEXT_ROOM(CHUNK)];
	size_t n = 0, pos = 0, end = strnlen(str, len);

	while (pos < end) {
		size_t w = text_core(buf, s, &pos, end - pos > CHUNK ? pos + CHUNK : end);

		fwrite_unlocked(buf, 1, w, f);
		n += w;
	}
	return n;
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

static char *json_u00(char *d, unsigned char c)
{
	d[0] = '\\';
	d[1] = 'u';
	d[2] = '0';
	d[3] = '0';
	d[4] = hex[c >> 4];
	d[5] = hex[c & 15];
	return d + 6;
}

/* One byte that is not plain ASCII at s[i] (end: where the string ends) into
 * d; returns the bytes of input it took, and moves d on. */
static size_t json_special(char **d, const unsigned char *s, size_t i, size_t end)
{
	unsigned char c = s[i];
	size_t seq = c >= 0x80 ? utf8_seq_len(s + i, end - i) : 0;

	/* Valid UTF-8 passes, except the C1 controls U+0080-U+009F. */
	if (seq > 1 && !(c == 0xc2 && s[i + 1] < 0xa0)) {
		memcpy(*d, s + i, seq);
		*d += seq;
		return seq;
	}
	if (c == '"' || c == '\\') {
		(*d)[0] = '\\';
		(*d)[1] = (char)c;
		*d += 2;
		return 1;
	}
	if (seq == 2) {
		*d = json_u00(*d, s[i + 1]);
		return 2;
	}
	*d = json_u00(*d, c);
	return 1;
}

/* Escapes s[*pos] up to `stop` into d: a UTF-8 sequence that starts before
 * stop is taken whole (it may end up to 3 bytes after), as far as `end`,
 * where the string ends. Returns the bytes written. */
static size_t json_core(char *d, const unsigned char *s, size_t *pos, size_t stop, size_t end)
{
	char *start = d;
	size_t i = *pos, first = i;

	for (;;) {
		d = copy_plain(d, s, &i, stop, first, true);
		if (i >= stop)
			break;
		i += json_special(&d, s, i, end);
	}
	*pos = i;
	return d - start;
}

size_t escape_json_mem(char *dst, const char *str, size_t len)
{
	size_t pos = 0;
	char *d = dst;

	*d++ = '"';
	d += json_core(d, (const unsigned char *)str, &pos, len, len);
	*d++ = '"';
	return d - dst;
}

size_t escape_json(FILE *f, const char *str, size_t len)
{
	const unsigned char *s = (const unsigned char *)str;
	char buf[ESCAPE_JSON_ROOM(CHUNK + 3)];
	size_t n = 2, pos = 0, end = strnlen(str, len);

	putc_unlocked('"', f);
	while (pos < end) {
		size_t w = json_core(buf, s, &pos, end - pos > CHUNK ? pos + CHUNK : end, end);

		fwrite_unlocked(buf, 1, w, f);
		n += w;
	}
	putc_unlocked('"', f);
	return n;
}
