/* Histograms counted in the kernel (bpf/lib/hist.bpf.h has the same slot
 * maths) and rendered here: BCC-style bars in text, an array of
 * {"low","high","count"} in JSON. */
#ifndef SONDE_HIST_H
#define SONDE_HIST_H

#include <stdint.h>
#include "out.h"

/* log2: slot 0 holds 0-1, slot i (i > 0) holds 2^i .. 2^(i+1)-1. */
#define HIST_LOG2_SLOTS 64

enum hist_kind { HIST_LOG2, HIST_LINEAR };

struct hist_spec {
	enum hist_kind kind;
	uint64_t min;	  /* linear: low bound of slot 0 */
	uint64_t step;	  /* linear: width of a slot */
	const char *unit; /* the value column's title in text: "usecs" */
};

unsigned hist_log2_slot(uint64_t v);
unsigned hist_linear_slot(const struct hist_spec *h, uint64_t v, unsigned nslots);
void hist_bounds(const struct hist_spec *h, unsigned slot, uint64_t *low, uint64_t *high);
/* One histogram as the value of column col. */
void out_hist(struct out *o, unsigned col, const struct hist_spec *h, const uint64_t *slots,
	      unsigned nslots);

#endif
