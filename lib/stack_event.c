// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* Frames as JSON, and the kernel stack an event carries (lib/stack.h). */
#include <stdlib.h>
#include <string.h>
#include "lib/array_size.h"
#include "lib/loader.h"
#include "lib/log.h"
#include "lib/stack.h"

enum { F_SYM, F_OFF, F_MODULE, F_INLINED };

static const struct out_col frame_cols[] = {
	[F_SYM] = { NULL, "sym", 0, 0 },
	[F_OFF] = { NULL, "off", 0, 0 },
	[F_MODULE] = { NULL, "module", 0, 0 },
	[F_INLINED] = { NULL, "inlined", 0, 0 }, /* only on an inlined function's frame */
};

void stack_frames_init(struct out_rows *fr, FILE *f, const struct out_cfg *cfg)
{
	out_rows_init(fr, f, frame_cols, ARRAY_SIZE(frame_cols), 0, cfg);
}

void stack_frames_json(struct out *o, unsigned col, struct out_rows *fr,
		       const struct sym_frame *frames, uint32_t n, bool missed)
{
	if (missed) {
		out_null(o, col, "-");
		return;
	}
	out_rows_nest(fr, o, col);
	for (uint32_t i = 0; i < n; i++) {
		struct out *f = out_rows_row(fr);
		const struct sym_frame *x = &frames[i];

		if (x->sym)
			out_str(f, F_SYM, x->sym, strlen(x->sym));
		else
			out_null(f, F_SYM, "-");
		out_uint(f, F_OFF, x->off);
		if (x->module)
			out_str(f, F_MODULE, x->module, strlen(x->module));
		else
			out_null(f, F_MODULE, "-");
		if (x->inlined)
			out_bool(f, F_INLINED, true);
		out_rows_row_end(fr);
	}
	out_rows_end(fr);
}

/* The program itself, bpf_trace_run*(), __bpf_trace_*() and
 * __traceiter_*() (tracepoints), trampolines (fentry, fexit: in [bpf] too)
 * and the kprobe handlers: their number differs between kernels. */
bool stack_tracing_frame(const struct sym_frame *f)
{
	static const char *const prefixes[] = {
		"bpf_trace_run", "__bpf_trace_",	  "__traceiter_",
		"kprobe_",	 "pre_handler_kretprobe", "kretprobe_",
		"__kretprobe_",	 "arch_rethook_",	  "rethook_"
	};

	if (f->module && !strcmp(f->module, "[bpf]"))
		return true;
	for (size_t i = 0; f->sym && i < ARRAY_SIZE(prefixes); i++)
		if (!strncmp(f->sym, prefixes[i], strlen(prefixes[i])))
			return true;
	return false;
}

int stack_event_setup(struct bpf_object *obj, bool on)
{
	__u8 v = on;
	int err = sonde_rodata_set(obj, STACK_NAME(STACK_EVENT_KERNEL), &v, 1);

	if (err)
		log_err("internal error: the BPF object takes no kernel stacks (%s)",
			strerror(-err));
	return err ? -EIO : 0;
}

void stack_event_init(struct stack_event *se, FILE *f, const struct out_cfg *cfg)
{
	memset(se, 0, sizeof(*se));
	stack_frames_init(&se->frames, f, cfg);
}

void stack_event_free(struct stack_event *se)
{
	ksyms__free(se->ks);
	se->ks = NULL;
}

/* Text: the functions, innermost first, joined by ';'. */
static void text_frames(struct out *o, unsigned col, const struct sym_frame *fr, uint32_t n)
{
	char buf[4096];
	size_t len = 0;

	buf[0] = '\0';
	for (uint32_t i = 0; i < n && len < sizeof(buf) - 1; i++)
		len += snprintf(buf + len, sizeof(buf) - len, "%s%s", i ? ";" : "",
				fr[i].sym ? fr[i].sym : "[unknown]");
	if (len)
		out_str(o, col, buf, sizeof(buf));
	else
		out_null(o, col, "-");
}

const struct ksyms *stack_event_ksyms(struct stack_event *se)
{
	if (!se->tried) {
		se->tried = true;
		se->ks = ksyms__load();
		if (!se->ks)
			log_err("cannot read kernel symbols (/proc/kallsyms): %m; kernel addresses "
				"shown as they are");
	}
	return se->ks;
}

void stack_event_out(struct stack_event *se, struct out *o, unsigned col,
		     const struct stack_kernel *k)
{
	struct sym_frame fr[STACK_MAX_DEPTH];
	uint32_t n, skip = 0;
	const struct ksyms *ks;

	if (!out_wanted(o, col))
		return;
	if (!k) {
		out_null(o, col, "-");
		return;
	}
	n = k->n < STACK_MAX_DEPTH ? k->n : STACK_MAX_DEPTH;
	ks = stack_event_ksyms(se);
	for (uint32_t i = 0; i < n; i++)
		ksyms_frame(ks, k->ip[i], i > 0, &fr[i]);
	while (skip < n && stack_tracing_frame(&fr[skip]))
		skip++;
	if (o->cfg.json)
		stack_frames_json(o, col, &se->frames, fr + skip, n - skip, false);
	else
		text_frames(o, col, fr + skip, n - skip);
}
