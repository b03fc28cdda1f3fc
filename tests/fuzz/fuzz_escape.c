// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* The escapers, on any bytes: the text form is one line of printable ASCII
 * whose length escape_text_len() predicts; the JSON form parses, as one
 * string, with a real JSON parser. */
#include <jansson.h>
#include "lib/escape.h"
#include "tests/fuzz/fuzz.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	const char *s = (const char *)data;
	char *buf = NULL;
	size_t len = 0, n;
	json_error_t jerr;
	json_t *j;
	FILE *f;

	f = open_memstream(&buf, &len);
	FUZZ_CHECK(f);
	n = escape_text(f, s, size);
	fclose(f);
	FUZZ_CHECK(n == len && n == escape_text_len(s, size));
	for (size_t i = 0; i < len; i++)
		FUZZ_CHECK(buf[i] >= 0x20 && buf[i] <= 0x7e);
	free(buf);

	f = open_memstream(&buf, &len);
	FUZZ_CHECK(f);
	n = escape_json(f, s, size);
	fclose(f);
	FUZZ_CHECK(n == len && !memchr(buf, '\n', len));
	j = json_loadb(buf, len, JSON_DECODE_ANY | JSON_ALLOW_NUL, &jerr);
	if (!j)
		fprintf(stderr, "not JSON: %s: %.*s\n", jerr.text, (int)len, buf);
	FUZZ_CHECK(j && json_is_string(j));
	json_decref(j);
	free(buf);
	return 0;
}
