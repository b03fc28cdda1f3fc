#include <string.h>
#include "out_null.h"

void out_null(struct out *o, unsigned col, const char *text)
{
	if (!o->json) {
		out_str(o, col, text, strlen(text));
		return;
	}
	if (out_key(o, col))
		fputs_unlocked("null", o->f);
}
