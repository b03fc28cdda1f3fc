// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "lib/cgroup.h"
#include "lib/hist.h"
#include "lib/log.h"
#include "lib/parse.h"
#include "lib/prom.h"

/* Metrics of a run: a count's three, or a histogram. */
#define PROM_FAMILIES 8
/* A row's labels, escaped: a cgroup path of PATH_MAX bytes fits. */
#define PROM_LABELS_MAX (PATH_MAX + 512)
/* log2 buckets: 0 and 1 in the first, then [2^b, 2^(b+1) - 1]. */
#define PROM_BUCKETS HIST_RANGE_BITS

struct prom_family {
	char name[64];	  /* after sonde_<tool>_ */
	const char *help; /* a literal */
	double scale;	  /* a counter's raw value times this */
	bool hist;
	uint64_t unit_ns; /* hist: as prom_hist() */
};

struct prom_series {
	char *labels;  /* k="v",... (no braces) */
	char *cgroup;  /* the cgroup label's value, or NULL */
	uint32_t fams; /* bit f: vals[f] (or h) holds family f */
	uint32_t hash; /* of labels */
	uint64_t vals[PROM_FAMILIES];
	struct hist *h;
};

struct prom_row {
	char labels[PROM_LABELS_MAX];
	size_t len;
	bool over;	   /* the labels did not fit */
	bool dropped;	   /* no series (prom_row_drop()) */
	size_t cgroup_off; /* where the cgroup's value is in labels (or SIZE_MAX) */
	size_t cgroup_len;
	uint32_t fams;
	uint64_t vals[PROM_FAMILIES];
	const struct hist *h;
};

struct prom {
	char *path, *tmp;
	char *base; /* --label's labels, escaped: the start of every series' */
	size_t base_len;
	char prefix[64]; /* sonde_<tool>_ */
	uint32_t max_series;
	struct prom_family fams[PROM_FAMILIES];
	unsigned nfams;
	struct prom_series *series;
	size_t n, cap;
	uint32_t *index; /* open addressing: series index + 1, 0 empty */
	size_t index_cap;
	uint64_t dropped; /* label sets left out this interval */
	bool warned;
	struct prom_row row;
};

static const struct argp_option prom_options[] = {
	PROM_OPTIONS,
	{ 0 },
};

static error_t prom_parse_opt(int key, char *arg, struct argp_state *state)
{
	struct prom_opts *o = state->input;
	uint64_t v;

	switch (key) {
	case PROM_OPT_PROMETHEUS:
		o->path = arg;
		return 0;
	case PROM_OPT_MAX_SERIES:
		if (parse_uint("--max-series", arg, 1, PROM_MAX_SERIES_LIMIT, &v))
			return EINVAL;
		o->max_series = v;
		return 0;
	default:
		return ARGP_ERR_UNKNOWN;
	}
}

static const struct argp prom_argp = {
	.options = prom_options,
	.parser = prom_parse_opt,
};

const struct argp_child prom_argp_children[] = { { &prom_argp, 0, NULL, 0 }, { 0 } };

/* ------------------------------------------------------------ escaping --- */

static const char hexd[] = "0123456789abcdef";

size_t prom_escape(char *dst, const char *s, size_t len)
{
	char *d = dst;

	for (size_t i = 0; i < len && s[i]; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '\\') {
			/* text's "\\", each backslash escaped again */
			for (int k = 0; k < 4; k++)
				*d++ = '\\';
		} else if (c == '"') {
			*d++ = '\\';
			*d++ = '"';
		} else if (c >= 0x20 && c < 0x7f) {
			*d++ = (char)c;
		} else {
			*d++ = '\\';
			*d++ = '\\';
			*d++ = 'x';
			*d++ = hexd[c >> 4];
			*d++ = hexd[c & 15];
		}
	}
	return d - dst;
}

/* ------------------------------------------------------------- series --- */

static uint32_t hash_of(const char *s, size_t n)
{
	uint32_t h = 2166136261u; /* FNV-1a */

	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * 16777619u;
	return h;
}

static void index_put(struct prom *p, size_t i)
{
	size_t mask = p->index_cap - 1, at = p->series[i].hash & mask;

	while (p->index[at])
		at = (at + 1) & mask;
	p->index[at] = i + 1;
}

static void index_rebuild(struct prom *p)
{
	memset(p->index, 0, p->index_cap * sizeof(*p->index));
	for (size_t i = 0; i < p->n; i++)
		index_put(p, i);
}

static struct prom_series *series_find(struct prom *p, const char *labels, size_t len,
				       uint32_t hash)
{
	size_t mask = p->index_cap - 1;

	for (size_t at = hash & mask; p->index[at]; at = (at + 1) & mask) {
		struct prom_series *s = &p->series[p->index[at] - 1];

		if (s->hash == hash && !strncmp(s->labels, labels, len) && !s->labels[len])
			return s;
	}
	return NULL;
}

static struct prom_series *series_add(struct prom *p, const struct prom_row *r, uint32_t hash)
{
	struct prom_series *s;

	if (p->n == p->cap) {
		size_t cap = p->cap ? p->cap * 2 : 64;

		s = realloc(p->series, cap * sizeof(*s));
		if (!s)
			return NULL;
		p->series = s;
		p->cap = cap;
	}
	s = &p->series[p->n];
	memset(s, 0, sizeof(*s));
	s->hash = hash;
	s->labels = strndup(r->labels, r->len);
	if (r->cgroup_off != SIZE_MAX)
		s->cgroup = strndup(r->labels + r->cgroup_off, r->cgroup_len);
	if (!s->labels || (r->cgroup_off != SIZE_MAX && !s->cgroup)) {
		free(s->labels);
		free(s->cgroup);
		return NULL;
	}
	index_put(p, p->n++);
	return s;
}

static void series_free(struct prom_series *s)
{
	free(s->labels);
	free(s->cgroup);
	free(s->h);
}

/* Whether the file can be written where it goes, before the tool starts:
 * not one interval later. 0 or -errno, said on stderr. */
static int prom_try(const struct prom *p)
{
	FILE *f = fopen(p->tmp, "we");
	int err;

	if (f) {
		fclose(f);
		unlink(p->tmp);
		return 0;
	}
	err = -errno;
	log_err("--prometheus: cannot create '%s': %s", p->tmp, strerror(errno));
	return err;
}

/* --label's KEY=VALUE pairs as the start of every row's labels. */
static int prom_base(struct prom *p, const struct out_labels *l)
{
	size_t room = 0;

	for (unsigned i = 0; l && i < l->n; i++)
		room += strlen(l->key[i]) + 4 + PROM_ESCAPE_ROOM(strlen(l->val[i]));
	p->base = calloc(1, room + 1);
	if (!p->base)
		return -ENOMEM;
	for (unsigned i = 0; l && i < l->n; i++) {
		p->base_len += sprintf(p->base + p->base_len, "%s%s=\"", i ? "," : "", l->key[i]);
		p->base_len += prom_escape(p->base + p->base_len, l->val[i], strlen(l->val[i]));
		p->base[p->base_len++] = '"';
	}
	return 0;
}

int prom_open(struct prom **pp, const struct prom_opts *o, const char *tool,
	      const struct out_labels *labels)
{
	struct prom *p;
	int err;

	*pp = NULL;
	if (!o->path)
		return 0;
	if (!*o->path) {
		log_err("invalid value '' for --prometheus: expected a file name");
		return -EINVAL;
	}
	p = calloc(1, sizeof(*p));
	if (!p)
		return -ENOMEM;
	p->max_series = o->max_series ? o->max_series : PROM_MAX_SERIES;
	/* Room for every series at most half full. */
	for (p->index_cap = 64; p->index_cap < 2 * (size_t)p->max_series;)
		p->index_cap *= 2;
	p->index = calloc(p->index_cap, sizeof(*p->index));
	p->path = strdup(o->path);
	if (p->path && asprintf(&p->tmp, "%s.%d.tmp", o->path, (int)getpid()) < 0)
		p->tmp = NULL;
	snprintf(p->prefix, sizeof(p->prefix), "sonde_%s_", tool);
	err = !p->index || !p->path || !p->tmp ? -ENOMEM : prom_base(p, labels);
	if (!err)
		err = prom_try(p);
	if (err) {
		prom_free(p);
		return err;
	}
	*pp = p;
	return 0;
}

void prom_free(struct prom *p)
{
	if (!p)
		return;
	for (size_t i = 0; i < p->n; i++)
		series_free(&p->series[i]);
	free(p->series);
	free(p->index);
	free(p->path);
	free(p->tmp);
	free(p->base);
	free(p);
}

/* ---------------------------------------------------------------- rows --- */

void prom_row_begin(struct prom *p)
{
	struct prom_row *r = &p->row;

	/* Shorter than any row's room (prom_label() checks the rest). */
	r->len = p->base_len < sizeof(r->labels) / 2 ? p->base_len : 0;
	memcpy(r->labels, p->base, r->len);
	r->over = r->dropped = false;
	r->cgroup_off = SIZE_MAX;
	r->fams = 0;
	r->h = NULL;
}

void prom_label(struct prom *p, const char *name, const char *s, size_t len)
{
	struct prom_row *r = &p->row;
	size_t n = strlen(name), vlen = strnlen(s, len), at;
	bool cgroup = !strcmp(name, "cgroup");

	if (r->len + n + 4 + PROM_ESCAPE_ROOM(vlen) > sizeof(r->labels)) {
		r->over = true;
		return;
	}
	if (r->len)
		r->labels[r->len++] = ',';
	memcpy(r->labels + r->len, name, n);
	r->len += n;
	memcpy(r->labels + r->len, "=\"", 2);
	r->len += 2;
	at = r->len;
	r->len += prom_escape(r->labels + r->len, s, vlen);
	if (cgroup) {
		r->cgroup_off = at;
		r->cgroup_len = r->len - at;
	}
	r->labels[r->len++] = '"';
}

void prom_row_drop(struct prom *p)
{
	p->row.dropped = true;
}

void prom_restart(struct prom *p)
{
	for (size_t i = 0; i < p->n; i++) {
		memset(p->series[i].vals, 0, sizeof(p->series[i].vals));
		p->series[i].fams = 0;
	}
}

/* The family of `name`, made the first time. */
static int family(struct prom *p, const char *name, const char *help, bool hist)
{
	struct prom_family *f;

	for (unsigned i = 0; i < p->nfams; i++)
		if (!strcmp(p->fams[i].name, name))
			return (int)i;
	if (p->nfams == PROM_FAMILIES || strlen(name) >= sizeof(f->name))
		return -1;
	f = &p->fams[p->nfams];
	snprintf(f->name, sizeof(f->name), "%s", name);
	f->help = help;
	f->hist = hist;
	return (int)p->nfams++;
}

void prom_counter(struct prom *p, const char *name, const char *help, uint64_t v, double scale)
{
	int f = family(p, name, help, false);

	if (f < 0)
		return;
	p->fams[f].scale = scale;
	p->row.vals[f] = v;
	p->row.fams |= 1u << f;
}

void prom_hist(struct prom *p, const struct hist *h, uint64_t unit_ns, const char *unit)
{
	int f = family(p, unit_ns ? "seconds" : unit,
		       unit_ns ? "Times measured, in seconds." : "Sizes measured.", true);

	if (f < 0)
		return;
	p->fams[f].unit_ns = unit_ns;
	p->row.h = h;
	p->row.fams |= 1u << f;
}

/* Adds the row's values into its series. */
static void series_take(struct prom *p, struct prom_series *s, const struct prom_row *r)
{
	for (unsigned f = 0; f < p->nfams; f++) {
		if (!(r->fams & (1u << f)))
			continue;
		if (!p->fams[f].hist) {
			s->vals[f] += r->vals[f];
		} else {
			if (!s->h)
				s->h = calloc(1, sizeof(*s->h));
			if (!s->h)
				continue;
			hist_add(s->h, r->h);
		}
		s->fams |= 1u << f;
	}
}

/* A label set left out (--max-series), counted once an interval. */
static void drop(struct prom *p)
{
	p->dropped++;
	if (p->warned)
		return;
	p->warned = true;
	log_err("--prometheus: more than %u label sets; the rows of others are not written "
		"(--max-series)",
		p->max_series);
}

void prom_row_end(struct prom *p)
{
	struct prom_row *r = &p->row;
	struct prom_series *s;
	uint32_t hash;

	if (!r->fams || r->dropped)
		return;
	if (r->over) {
		drop(p);
		return;
	}
	hash = hash_of(r->labels, r->len);
	s = series_find(p, r->labels, r->len, hash);
	if (!s && p->n >= p->max_series) {
		drop(p);
		return;
	}
	if (!s)
		s = series_add(p, r, hash);
	if (s)
		series_take(p, s, r);
	else
		drop(p);
}

/* ------------------------------------------------------------- writing --- */

/* A series whose cgroup is gone is written no more. The label holds the
 * path as text shows it, which is the path itself unless it has bytes
 * text escapes (then the series stays). */
static bool cgroup_gone(const char *path)
{
	const char *mnt = cgroup2_mount();
	char buf[PATH_MAX + 64];
	struct stat st;

	if (!mnt || strchr(path, '\\'))
		return false;
	if (snprintf(buf, sizeof(buf), "%s%s", mnt, path) >= (int)sizeof(buf))
		return false;
	return stat(buf, &st) && errno == ENOENT;
}

static void prune(struct prom *p)
{
	size_t out = 0;

	for (size_t i = 0; i < p->n; i++) {
		if (p->series[i].cgroup && cgroup_gone(p->series[i].cgroup)) {
			series_free(&p->series[i]);
			continue;
		}
		p->series[out++] = p->series[i];
	}
	if (out == p->n)
		return;
	p->n = out;
	index_rebuild(p);
}

static void braces(FILE *f, const char *labels, const char *more)
{
	if (!*labels && !more)
		return;
	fprintf(f, "{%s%s%s}", labels, *labels && more ? "," : "", more ? more : "");
}

static void write_counter(struct prom *p, FILE *f, unsigned fi)
{
	const struct prom_family *fam = &p->fams[fi];

	for (size_t i = 0; i < p->n; i++) {
		const struct prom_series *s = &p->series[i];

		if (!(s->fams & (1u << fi)))
			continue;
		fprintf(f, "%s%s", p->prefix, fam->name);
		braces(f, s->labels, NULL);
		if (fam->scale == 1)
			fprintf(f, " %llu\n", (unsigned long long)s->vals[fi]);
		else
			fprintf(f, " %.9f\n", s->vals[fi] * fam->scale);
	}
}

/* A log2 bucket's upper bound: its largest value for a quantity counted
 * exactly; for a time, which the kernel counts in whole units (rounded
 * down), the next unit's start, in seconds. */
static void bucket_le(char *buf, size_t len, unsigned b, uint64_t unit_ns)
{
	uint64_t next = (uint64_t)2 << b;

	if (unit_ns)
		snprintf(buf, len, "le=\"%.15g\"", (double)next * (double)unit_ns / 1e9);
	else
		snprintf(buf, len, "le=\"%llu\"", (unsigned long long)(next - 1));
}

static void write_one_hist(struct prom *p, FILE *f, const struct prom_family *fam,
			   const struct prom_series *s)
{
	uint64_t b2[PROM_BUCKETS] = { 0 }, cum = 0, low, high;
	unsigned last = 0;
	char le[64];

	for (unsigned i = 0; i < HIST_SLOTS; i++) {
		unsigned b;

		if (!s->h->slots[i])
			continue;
		hist_bounds(i, &low, &high);
		b = low < 2 ? 0 : (unsigned)hist_msb(low);
		b = b < PROM_BUCKETS ? b : PROM_BUCKETS - 1;
		b2[b] += s->h->slots[i];
		last = b > last ? b : last;
	}
	for (unsigned b = 0; b <= last; b++) {
		cum += b2[b];
		bucket_le(le, sizeof(le), b, fam->unit_ns);
		fprintf(f, "%s%s_bucket", p->prefix, fam->name);
		braces(f, s->labels, le);
		fprintf(f, " %llu\n", (unsigned long long)cum);
	}
	fprintf(f, "%s%s_bucket", p->prefix, fam->name);
	braces(f, s->labels, "le=\"+Inf\"");
	fprintf(f, " %llu\n%s%s_sum", (unsigned long long)s->h->count, p->prefix, fam->name);
	braces(f, s->labels, NULL);
	if (fam->unit_ns)
		fprintf(f, " %.9f\n", s->h->sum / 1e9);
	else
		fprintf(f, " %llu\n", (unsigned long long)s->h->sum);
	fprintf(f, "%s%s_count", p->prefix, fam->name);
	braces(f, s->labels, NULL);
	fprintf(f, " %llu\n", (unsigned long long)s->h->count);
}

static void write_families(struct prom *p, FILE *f)
{
	for (unsigned fi = 0; fi < p->nfams; fi++) {
		const struct prom_family *fam = &p->fams[fi];

		fprintf(f, "# HELP %s%s %s\n# TYPE %s%s %s\n", p->prefix, fam->name, fam->help,
			p->prefix, fam->name, fam->hist ? "histogram" : "counter");
		if (!fam->hist) {
			write_counter(p, f, fi);
			continue;
		}
		for (size_t i = 0; i < p->n; i++)
			if (p->series[i].h && (p->series[i].fams & (1u << fi)))
				write_one_hist(p, f, fam, &p->series[i]);
	}
	fprintf(f,
		"# HELP %sdropped_series Label sets left out of the last interval "
		"(--max-series).\n# TYPE %sdropped_series gauge\n%sdropped_series %llu\n",
		p->prefix, p->prefix, p->prefix, (unsigned long long)p->dropped);
}

int prom_write(struct prom *p)
{
	FILE *f;
	int err = 0;

	if (!p)
		return 0;
	prune(p);
	f = fopen(p->tmp, "we");
	if (!f) {
		err = -errno;
		log_err("--prometheus: cannot create '%s': %s", p->tmp, strerror(errno));
		return err;
	}
	write_families(p, f);
	p->dropped = 0;
	if (ferror(f))
		err = -EIO;
	if (fclose(f) && !err)
		err = -errno;
	if (!err && rename(p->tmp, p->path))
		err = -errno;
	if (err) {
		log_err("--prometheus: cannot write '%s': %s", p->path, strerror(-err));
		unlink(p->tmp);
	}
	return err;
}
