/* A value the event does not have (a process killed by a signal has no exit
 * code; an older kernel does not report some field): JSON null, and a
 * placeholder in text. Used next to out.h's typed writers. */
#ifndef SONDE_OUT_NULL_H
#define SONDE_OUT_NULL_H

#include "out.h"

/* Writes column col as null in JSON and as `text` (e.g. "-") in text. */
void out_null(struct out *o, unsigned col, const char *text);

#endif
