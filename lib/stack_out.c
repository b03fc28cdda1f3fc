// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* The stacks written out: BCC's text, folded lines, JSON (lib/stack.h). */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include "lib/array_size.h"
#include "lib/cgroup.h"
#include "lib/escape.h"
#include "lib/out.h"
#include "lib/out_rows.h"
#include "lib/stack.h"

static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash && slash[1] ? slash + 1 : path;
}

/* ------------------------------------------------------------- text --- */

/* "sym+0xoff", "sym [inlined]", "[unknown] (module+0xoff)" or "[unknown]
 * (0xaddr)". */
static void text_frame(FILE *f, const struct sym_frame *fr)
{
	fputs("    ", f);
	if (fr->sym && fr->inlined) {
		escape_text(f, fr->sym, strlen(fr->sym));
		fputs(" [inlined]\n", f);
	} else if (fr->sym) {
		escape_text(f, fr->sym, strlen(fr->sym));
		fprintf(f, "+0x%" PRIx64 "\n", fr->off);
	} else if (fr->module) {
		fputs("[unknown] (", f);
		escape_text(f, fr->module, strlen(fr->module));
		fprintf(f, "+0x%" PRIx64 ")\n", fr->off);
	} else {
		fprintf(f, "[unknown] (0x%" PRIx64 ")\n", fr->off);
	}
}

static void text_row(const struct stack_out *so, const struct stack_row *r)
{
	const struct stack_key *k = &r->key;
	FILE *f = so->f;

	if (k->flags & STACK_KERNEL_MISSED)
		fputs("    [missed kernel stack]\n", f);
	for (uint32_t i = 0; i < r->nkernel; i++)
		text_frame(f, &r->frames[i]);
	if ((r->nkernel || (k->flags & STACK_KERNEL_MISSED)) &&
	    (r->nuser || (k->flags & STACK_USER_MISSED)))
		fputs("    --\n", f);
	for (uint32_t i = 0; i < r->nuser; i++)
		text_frame(f, &r->frames[r->nkernel + i]);
	if (k->flags & STACK_USER_MISSED)
		fputs("    [missed user stack]\n", f);
	fprintf(f, "    %-16s ", "-");
	escape_text(f, k->comm, sizeof(k->comm));
	fprintf(f, " (%u)", so->cfg->by_thread ? k->tid : k->pid);
	if (so->cfg->opts->by_cgroup) {
		const char *path = cgroup_path_of(k->cgroup_id);

		fputs(" cgroup ", f);
		if (path)
			escape_text(f, path, strlen(path));
		else
			fprintf(f, "%llu", (unsigned long long)k->cgroup_id);
	}
	fprintf(f, "\n        %" PRIu64 "\n\n", r->total);
}

/* ----------------------------------------------------------- folded --- */

void stack_name_str(FILE *f, const char *s, size_t len)
{
	size_t n = strnlen(s, len), i = 0;

	while (i < n) {
		size_t run = strcspn(s + i, ";");

		if (run > n - i)
			run = n - i;
		escape_text(f, s + i, run);
		i += run;
		if (i < n) {
			fputs("\\x3b", f);
			i++;
		}
	}
}

void stack_frame_name(FILE *f, const struct sym_frame *fr)
{
	const char *m = fr->module ? base_name(fr->module) : "unknown";

	if (fr->sym) {
		stack_name_str(f, fr->sym, strlen(fr->sym));
		return;
	}
	putc('[', f);
	stack_name_str(f, m, strlen(m));
	putc(']', f);
}

static void folded_frame(FILE *f, const struct sym_frame *fr, bool kernel)
{
	putc(';', f);
	stack_frame_name(f, fr);
	if (kernel)
		fputs("_[k]", f);
	else if (fr->inlined)
		fputs("_[i]", f);
}

/* The line of a row without its total, outermost frame first. */
static void folded_line(FILE *f, const struct stack_out *so, const struct stack_row *r)
{
	const struct stack_key *k = &r->key;

	if (so->cfg->opts->by_cgroup) {
		const char *path = cgroup_path_of(k->cgroup_id);

		if (path)
			stack_name_str(f, path, strlen(path));
		else
			fprintf(f, "%llu", (unsigned long long)k->cgroup_id);
		putc(';', f);
	}
	stack_name_str(f, k->comm, sizeof(k->comm));
	if (k->flags & STACK_USER_MISSED)
		fputs(";[missed user stack]", f);
	for (uint32_t i = r->nuser; i-- > 0;)
		folded_frame(f, &r->frames[r->nkernel + i], false);
	if (k->flags & STACK_KERNEL_MISSED)
		fputs(";[missed kernel stack]_[k]", f);
	for (uint32_t i = r->nkernel; i-- > 0;)
		folded_frame(f, &r->frames[i], true);
}

struct folded {
	char *line;
	uint64_t total;
};

static int by_line(const void *a, const void *b)
{
	return strcmp(((const struct folded *)a)->line, ((const struct folded *)b)->line);
}

/* Rows that fold to the same line (the same functions, other offsets) are
 * one line, whose total is theirs; lines in order, as flame graph tools
 * expect. */
static int write_folded(const struct stack_out *so, const struct stack_row *rows, size_t n)
{
	struct folded *lines = calloc(n ? n : 1, sizeof(*lines));
	size_t len, w = 0;
	int err = lines ? 0 : -ENOMEM;

	for (size_t i = 0; !err && i < n; i++) {
		FILE *m = open_memstream(&lines[i].line, &len);

		if (!m) {
			err = -ENOMEM;
			break;
		}
		folded_line(m, so, &rows[i]);
		if (fclose(m))
			err = -ENOMEM;
		lines[i].total = rows[i].total;
	}
	if (!err)
		qsort(lines, n, sizeof(*lines), by_line);
	for (size_t i = 0; !err && i < n; i = w) {
		uint64_t total = 0;

		for (w = i; w < n && !strcmp(lines[w].line, lines[i].line); w++)
			total += lines[w].total;
		fprintf(so->f, "%s %" PRIu64 "\n", lines[i].line, total);
	}
	for (size_t i = 0; lines && i < n; i++)
		free(lines[i].line);
	free(lines);
	return err;
}

/* ------------------------------------------------------------- JSON --- */

enum { C_TIME, C_PID, C_TID, C_COMM, C_CGROUP, C_TOTAL, C_KSTACK, C_USTACK, C_UNWIND };
/* How the user stack was walked: "dwarf" (unwound here), "fp" (by the
 * kernel), null without one. */
static void out_unwind(struct out *o, unsigned col, const struct stack_key *k)
{
	if (k->flags & STACK_USER_UNWOUND)
		out_str(o, col, "dwarf", 5);
	else if (k->user)
		out_str(o, col, "fp", 2);
	else
		out_null(o, col, "-");
}

static int write_json(const struct stack_out *so, const struct stack_row *rows, size_t n)
{
	struct out_col cols[] = {
		[C_TIME] = OUT_COL_TIME,
		[C_PID] = { NULL, "pid", 0, 0 },
		[C_TID] = { NULL, so->cfg->by_thread ? "tid" : NULL, 0, 0 },
		[C_COMM] = { NULL, "comm", 0, 0 },
		[C_CGROUP] = { NULL, so->cfg->opts->by_cgroup ? "cgroup_id" : NULL, 0, 0 },
		[C_TOTAL] = { NULL, so->cfg->value.key, 0, 0 },
		[C_KSTACK] = { NULL, so->cfg->opts->user_only ? NULL : "kernel_stack", 0, 0 },
		[C_USTACK] = { NULL, so->cfg->opts->kernel_only ? NULL : "user_stack", 0, 0 },
		[C_UNWIND] = { NULL, so->cfg->opts->kernel_only ? NULL : "unwind", 0, 0 },
	};
	struct out o;
	struct out_rows fr;
	uint64_t now = mono_now_ns();

	out_init(&o, so->f, cols, ARRAY_SIZE(cols), 0, &so->out);
	stack_frames_init(&fr, so->f, &so->out);
	for (size_t i = 0; i < n; i++) {
		const struct stack_row *r = &rows[i];
		const struct stack_key *k = &r->key;

		out_row_begin(&o);
		out_time(&o, C_TIME, now);
		out_uint(&o, C_PID, k->pid);
		out_uint(&o, C_TID, k->tid);
		out_str(&o, C_COMM, k->comm, sizeof(k->comm));
		out_cgroup(&o, C_CGROUP, k->cgroup_id);
		out_uint(&o, C_TOTAL, r->total);
		stack_frames_json(&o, C_KSTACK, &fr, r->frames, r->nkernel,
				  k->flags & STACK_KERNEL_MISSED);
		stack_frames_json(&o, C_USTACK, &fr, r->frames + r->nkernel, r->nuser,
				  k->flags & STACK_USER_MISSED);
		out_unwind(&o, C_UNWIND, k);
		out_row_end(&o);
	}
	return 0;
}

int stack_out_write(const struct stack_out *so, const struct stack_row *rows, size_t n)
{
	struct stack_out json = *so;

	switch (so->fmt) {
	case STACK_FMT_FOLDED:
		return write_folded(so, rows, n);
	case STACK_FMT_PPROF:
		return stack_pprof_write(so, rows, n);
	case STACK_FMT_SVG:
		return stack_svg_write(so, rows, n);
	case STACK_FMT_JSON:
		json.out.json = true;
		return write_json(&json, rows, n);
	default:
		for (size_t i = 0; i < n; i++)
			text_row(so, &rows[i]);
		return 0;
	}
}
