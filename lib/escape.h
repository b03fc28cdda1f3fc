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
 * Both stop at a NUL or after len bytes, and return the bytes written. */
#ifndef SONDE_LIB_ESCAPE_H
#define SONDE_LIB_ESCAPE_H

#include <stdio.h>
#include <stddef.h>

size_t escape_text(FILE *f, const char *s, size_t len);
/* The length escape_text() would write. */
size_t escape_text_len(const char *s, size_t len);
/* Writes the escaped string with its surrounding quotes. */
size_t escape_json(FILE *f, const char *s, size_t len);
/* Length of a valid UTF-8 sequence at s (1-4), or 0 if invalid. */
size_t utf8_seq_len(const unsigned char *s, size_t avail);

#endif
