// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* Every streaming tool's event renderer, on any record: its own event
 * callback and the output layer, reached through the tool's own main().
 *
 * Each tool's source is built into this harness with its main() renamed
 * <tool>_main (tests/fuzz/CMakeLists.txt), and the link sends every call of
 * sonde_stream_run() here (--wrap): the tool parses its options, opens its
 * skeleton and sets it up as it always does, then, instead of loading it,
 * hands its columns, callback and context to serve() below, which renders
 * records into memory for as long as the process lives. Each run of render.h
 * gets a thread of its own for that main().
 *
 * Input: byte 0 is the run's index in render.h, the rest is the record (in a
 * block of its own, as the ring buffer hands it, so that ASan sees a read
 * past its end). Properties: the callback returns 0; it writes nothing (a
 * record it skips) or one line; a text line is printable ASCII only, escapes
 * included; a JSON line is one object that jansson parses, with no key
 * twice, the keys of the run's reference line (render.c's record for it) in
 * the same order, and its "time" RFC 3339 with microseconds, the same width
 * always. */
#include <ctype.h>
#include <errno.h>
#include <pthread.h>
#include <semaphore.h>
#include <jansson.h>
#include "lib/array_size.h"
#include "lib/stream.h"
#include "tests/fuzz/fuzz.h"
#include "tests/fuzz/render.h"

#define R(tool, opts) int tool##_main(int argc, char **argv);
RENDER_RUNS(R)
#undef R

struct run {
	const char *tool, *args;
	int (*main)(int argc, char **argv);
	bool serving;  /* main() reached sonde_stream_run() */
	int exit_code; /* main()'s, when it returned instead */
	bool json;
	/* go: a record is in rec; done: the callback returned rc, and its
	 * output is in buf (or main() returned). */
	sem_t go, done;
	const void *rec;
	size_t size;
	int rc;
	char *buf;
	size_t len;
	char *keys; /* JSON: the keys of the reference line, in order */
};

static struct run runs[] = {
#define R(name, opts) { .tool = #name, .args = opts, .main = name##_main },
	RENDER_RUNS(R)
#undef R
};

static __thread struct run *self;

/* libFuzzer's SIGALRM (-timeout) interrupts a wait on any thread. */
static void wait_for(sem_t *s)
{
	while (sem_wait(s))
		FUZZ_CHECK(errno == EINTR);
}

/* The header, then each record into a stream of its own; never returns. */
static void serve(struct run *r, const struct sonde_opts *o, const struct sonde_stream *st)
{
	FILE *f = open_memstream(&r->buf, &r->len);

	FUZZ_CHECK(f && st->on_event && st->out);
	out_init(st->out, f, st->cols, st->ncols, st->show, &o->out);
	out_header(st->out);
	fclose(f);
	r->json = o->out.json;
	r->serving = true;
	sem_post(&r->done);
	for (;;) {
		wait_for(&r->go);
		f = open_memstream(&r->buf, &r->len);
		FUZZ_CHECK(f);
		st->out->f = f;
		r->rc = st->on_event(st->ctx, (void *)r->rec, r->size);
		fclose(f);
		sem_post(&r->done);
	}
}

int __wrap_sonde_stream_run(struct bpf_object_skeleton *s, const struct sonde_opts *o,
			    const struct sonde_stream *st);

int __wrap_sonde_stream_run(struct bpf_object_skeleton *s, const struct sonde_opts *o,
			    const struct sonde_stream *st)
{
	(void)s;
	serve(self, o, st);
	return 0;
}

static void *run_main(void *arg)
{
	struct run *r = arg;
	char *copy = strdup(r->args), *argv[16], *save = NULL;
	int argc = 0;

	FUZZ_CHECK(copy);
	argv[argc++] = (char *)r->tool;
	for (char *a = strtok_r(copy, " ", &save); a; a = strtok_r(NULL, " ", &save)) {
		FUZZ_CHECK(argc < (int)ARRAY_SIZE(argv) - 1);
		argv[argc++] = a;
	}
	argv[argc] = NULL;
	self = r;
	r->exit_code = r->main(argc, argv);
	sem_post(&r->done);
	return NULL;
}

static void check_text(const char *buf, size_t len)
{
	FUZZ_CHECK(buf[len - 1] == '\n');
	for (size_t i = 0; i + 1 < len; i++)
		FUZZ_CHECK(buf[i] >= 0x20 && buf[i] <= 0x7e);
}

/* "2026-11-25T09:18:05.414417Z" */
static bool rfc3339_us(const char *s)
{
	static const char shape[] = "dddd-dd-ddTdd:dd:dd.ddddddZ";

	if (strlen(s) != sizeof(shape) - 1)
		return false;
	for (size_t i = 0; i < sizeof(shape) - 1; i++)
		if (shape[i] == 'd' ? !isdigit((unsigned char)s[i]) : s[i] != shape[i])
			return false;
	return true;
}

static void check_json(struct run *r)
{
	json_error_t err;
	json_t *j, *v;
	char *keys = NULL;
	size_t n = 0;
	FILE *f;

	FUZZ_CHECK(r->buf[r->len - 1] == '\n' && !memchr(r->buf, '\n', r->len - 1));
	/* Numbers as doubles, as jq reads them: jansson's integers stop at
	 * INT64_MAX, and a cgroup ID may be any 64-bit number. A string may
	 * hold \u0000 (sslsniff's bytes), which JSON allows and jq reads. */
	j = json_loadb(r->buf, r->len - 1,
		       JSON_REJECT_DUPLICATES | JSON_DECODE_INT_AS_REAL | JSON_ALLOW_NUL, &err);
	if (!j)
		fprintf(stderr, "not JSON: %s: %.*s\n", err.text, (int)r->len, r->buf);
	FUZZ_CHECK(j && json_is_object(j));
	f = open_memstream(&keys, &n);
	FUZZ_CHECK(f);
	for (void *it = json_object_iter(j); it; it = json_object_iter_next(j, it))
		fprintf(f, "%s,", json_object_iter_key(it));
	fclose(f);
	if (!r->keys)
		r->keys = strdup(keys);
	if (strcmp(keys, r->keys))
		fprintf(stderr, "keys %s, the reference line's %s\n", keys, r->keys);
	FUZZ_CHECK(!strcmp(keys, r->keys));
	free(keys);
	v = json_object_get(j, "time");
	if (v && !(json_is_string(v) && rfc3339_us(json_string_value(v))))
		fprintf(stderr, "time not RFC 3339: %.*s", (int)r->len, r->buf);
	FUZZ_CHECK(!v || (json_is_string(v) && rfc3339_us(json_string_value(v))));
	json_decref(j);
}

/* One record through the run's callback, and what it wrote checked; the
 * caller frees r->buf. */
static void render(struct run *r, const void *rec, size_t size)
{
	r->rec = rec;
	r->size = size;
	sem_post(&r->go);
	wait_for(&r->done);
	FUZZ_CHECK(r->rc == 0);
	if (r->len && r->json)
		check_json(r);
	else if (r->len)
		check_text(r->buf, r->len);
}

/* Runs main() on a thread of its own until it serves, then renders the
 * run's reference record: a line, whose keys every line of the run has. */
static void start(struct run *r, unsigned i, const pthread_attr_t *attr)
{
	unsigned char *rec = malloc(RENDER_RECORD_MAX);
	pthread_t t;
	size_t size;

	FUZZ_CHECK(rec && !sem_init(&r->go, 0, 0) && !sem_init(&r->done, 0, 0));
	FUZZ_CHECK(!pthread_create(&t, attr, run_main, r));
	wait_for(&r->done);
	if (!r->serving)
		fprintf(stderr, "fuzz_render: %s %s ended before its event loop (exit %d)\n",
			r->tool, r->args, r->exit_code);
	FUZZ_CHECK(r->serving);
	/* The header: a text line, or nothing in JSON. */
	if (r->json)
		FUZZ_CHECK(r->len == 0);
	else
		check_text(r->buf, r->len);
	free(r->buf);
	/* In a block of its own size, as every record. */
	size = render_record(i, rec);
	rec = realloc(rec, size);
	FUZZ_CHECK(rec);
	render(r, rec, size);
	FUZZ_CHECK(r->len);
	free(r->buf);
	free(rec);
}

/* Each run's main() in turn, one at a time: sonde_parse() points stderr
 * elsewhere while it runs. */
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	pthread_attr_t attr;

	(void)argc;
	(void)argv;
	FUZZ_CHECK(ARRAY_SIZE(runs) == RENDER_NRUNS);
	FUZZ_CHECK(!pthread_attr_init(&attr) &&
		   !pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED));
	for (unsigned i = 0; i < ARRAY_SIZE(runs); i++)
		start(&runs[i], i, &attr);
	pthread_attr_destroy(&attr);
	return 0;
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	void *rec;

	if (!size || data[0] >= ARRAY_SIZE(runs))
		return 0;
	rec = malloc(size - 1);
	FUZZ_CHECK(rec || size == 1);
	if (size > 1)
		memcpy(rec, data + 1, size - 1);
	render(&runs[data[0]], rec, size - 1);
	free(runs[data[0]].buf);
	free(rec);
	return 0;
}
