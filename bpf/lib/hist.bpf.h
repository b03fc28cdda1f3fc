/* Histogram slots, the same maths as lib/hist.c. */
#ifndef SONDE_HIST_BPF_H
#define SONDE_HIST_BPF_H

#define HIST_LOG2_SLOTS 64

static __always_inline __u32 hist_log2_slot(__u64 v)
{
	__u32 r = 0;

	if (v < 2)
		return 0;
	/* floor(log2(v)) by halving: no loops, no division. */
	if (v >> 32) { v >>= 32; r += 32; }
	if (v >> 16) { v >>= 16; r += 16; }
	if (v >> 8) { v >>= 8; r += 8; }
	if (v >> 4) { v >>= 4; r += 4; }
	if (v >> 2) { v >>= 2; r += 2; }
	if (v >> 1) { r += 1; }
	return r;
}

#endif
