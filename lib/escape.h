/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* Escaping of untrusted bytes (process names, arguments, paths).
 *
 * Text: printable ASCII (0x20-0x7e) passes, the backslash becomes "\\" and
 * every other byte "\xNN", so an event is always one line and cannot move
 * the cursor or inject terminal escapes.
 *
 * JSON: '"' and '\' are escaped, control bytes, DEL and the C1 controls
 * (U+0080-U+009F) become \u00XX, valid UTF-8 passes, and each byte of an
 * invalid UTF-8 sequence becomes \u00XX of that byte; the result always parses.
 *
 * The FILE forms stop at a NUL or after len bytes (and read no further);
 * all return the bytes written. Runs of bytes that need no escape (most of
 * a path or a command line) are found and copied eight bytes at a time,
 * into memory: escaping byte by byte through stdio was a sixth of
 * opensnoop's JSON row (2,076 of 12,289 instructions, callgrind). */
#ifndef SONDE_LIB_ESCAPE_H
#define SONDE_LIB_ESCAPE_H

#include <stdio.h>
#include <stddef.h>

/* The most escape_text_mem() / escape_json_mem() write for len bytes. */
#define ESCAPE_TEXT_ROOM(len) (4 * (len))
#define ESCAPE_JSON_ROOM(len) (6 * (len) + 2)

size_t escape_text(FILE *f, const char *s, size_t len);
/* The first len bytes of s, which has no NUL among them, into dst, which
 * has room for ESCAPE_TEXT_ROOM(len) bytes. */
size_t escape_text_mem(char *dst, const char *s, size_t len);
/* The length escape_text() would write. */
size_t escape_text_len(const char *s, size_t len);
/* Writes the escaped string with its surrounding quotes. */
size_t escape_json(FILE *f, const char *s, size_t len);
/* As escape_text_mem(), in JSON: room for ESCAPE_JSON_ROOM(len) bytes; with
 * the quotes. */
size_t escape_json_mem(char *dst, const char *s, size_t len);
/* Length of a valid UTF-8 sequence at s (1-4), or 0 if invalid. */
size_t utf8_seq_len(const unsigned char *s, size_t avail);

#endif
