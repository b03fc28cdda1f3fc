#include <inttypes.h>
#include <string.h>
#include "hist.h"

#define BAR_WIDTH 40

unsigned hist_log2_slot(uint64_t v)
{
	return v < 2 ? 0 : 63 - __builtin_clzll(v);
}

unsigned hist_linear_slot(const struct hist_spec *h, uint64_t v, unsigned nslots)
{
	uint64_t s = v < h->min || !h->step ? 0 : (v - h->min) / h->step;

	return s < nslots ? s : nslots - 1;
}

void hist_bounds(const struct hist_spec *h, unsigned slot, uint64_t *low, uint64_t *high)
{
	if (h->kind == HIST_LINEAR) {
		*low = h->min + slot * h->step;
		*high = *low + h->step - 1;
		return;
	}
	*low = slot ? 1ULL << slot : 0;
	*high = slot >= 63 ? UINT64_MAX : (2ULL << slot) - 1;
}

static void text_bar(FILE *f, uint64_t count, uint64_t max)
{
	int n = max ? (int)(count * BAR_WIDTH / max) : 0;

	putc_unlocked('|', f);
	for (int i = 0; i < BAR_WIDTH; i++)
		putc_unlocked(i < n ? '*' : ' ', f);
	putc_unlocked('|', f);
}

void out_hist(struct out *o, unsigned col, const struct hist_spec *h, const uint64_t *slots,
	      unsigned nslots)
{
	unsigned first = nslots, last = 0;
	uint64_t max = 0, low, high;

	for (unsigned i = 0; i < nslots; i++) {
		if (!slots[i])
			continue;
		first = i < first ? i : first;
		last = i;
		max = slots[i] > max ? slots[i] : max;
	}
	if (!out_key(o, col))
		return;
	if (o->json) {
		putc_unlocked('[', o->f);
		for (unsigned i = first; i <= last && first < nslots; i++) {
			hist_bounds(h, i, &low, &high);
			fprintf(o->f, "%s{\"low\":%" PRIu64 ",\"high\":%" PRIu64 ",\"count\":%" PRIu64 "}",
				i == first ? "" : ",", low, high, slots[i]);
		}
		putc_unlocked(']', o->f);
		return;
	}
	/* Text: a block of lines from the first to the last non-empty slot. */
	fprintf(o->f, "\n%24s : %-10s distribution", h->unit ? h->unit : "value", "count");
	if (h->kind == HIST_LOG2 && first < nslots)
		first = 0;
	for (unsigned i = first; i <= last && first < nslots; i++) {
		hist_bounds(h, i, &low, &high);
		fprintf(o->f, "\n%10" PRIu64 " -> %-10" PRIu64 " : %-10" PRIu64 " ", low, high,
			slots[i]);
		text_bar(o->f, slots[i], max);
	}
}
