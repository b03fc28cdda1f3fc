// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* sslsniff: the plaintext of TLS reads and writes through OpenSSL and
 * GnuTLS, per call: who, which way, how many bytes, how long, and the
 * bytes themselves, escaped. */
#include <errno.h>
#include <string.h>
#include "lib/sonde.h"
#include "lib/uprobe.h"
#include "common/sslsniff.h"
#include "skel/sslsniff.skel.h"

struct sslsniff_opts {
	struct sonde_opts common;
	const char *comm;
	uint32_t max_bytes;
	bool hexdump, raw, no_data;
};

enum {
	C_FUNC = STREAM_COL_NEXT,
	C_RW,
	C_LEN,
	C_LAT,
	C_LAT_US,
	C_DATA,
	C_TRUNC,
	C_CGROUP,
};

static const struct out_col cols[] = {
	[STREAM_COL_TIME] = OUT_COL_TIME,	  [STREAM_COL_PID] = { "PID", "pid", 7, 0 },
	[STREAM_COL_TID] = { NULL, "tid", 0, 0 }, [STREAM_COL_COMM] = { "COMM", "comm", 16, 0 },
	[C_FUNC] = { "FUNC", "func", 18, 0 },	  [C_RW] = { "RW", "rw", 2, 0 },
	[C_LEN] = { "LEN", "len", 7, OUT_RIGHT }, [C_LAT] = { "LAT(ms)", NULL, 9, OUT_RIGHT },
	[C_LAT_US] = { NULL, "lat_us", 0, 0 },	  [C_DATA] = { "DATA", "data", 0, OUT_HIDDEN },
	[C_TRUNC] = { NULL, "truncated", 0, 0 },  [C_CGROUP] = OUT_COL_CGROUP,
};

static const char *const fn_names[SSLSNIFF_NFNS] = {
	[SSLSNIFF_SSL_READ] = "SSL_read",
	[SSLSNIFF_SSL_WRITE] = "SSL_write",
	[SSLSNIFF_SSL_READ_EX] = "SSL_read_ex",
	[SSLSNIFF_SSL_WRITE_EX] = "SSL_write_ex",
	[SSLSNIFF_GNUTLS_RECV] = "gnutls_record_recv",
	[SSLSNIFF_GNUTLS_SEND] = "gnutls_record_send",
};

/* OpenSSL's and GnuTLS's file names. */
static const char *const tls_stems[] = { "libssl.so.", "libgnutls.so.", NULL };

enum { OPT_COMM = 0x300, OPT_HEXDUMP, OPT_MAX_BYTES, OPT_NO_DATA, OPT_RAW };

static const struct argp_option options[] = {
	{ "comm", OPT_COMM, "NAME", 0, "Only threads of this name", 0 },
	{ "hexdump", OPT_HEXDUMP, NULL, 0, "The data in hexadecimal", 0 },
	{ "raw", OPT_RAW, NULL, 0, "The data in base64", 0 },
	{ "max-bytes", OPT_MAX_BYTES, "N", 0,
	  "Bytes of data shown per call (1 to 512, default 512)", 0 },
	{ "no-data", OPT_NO_DATA, NULL, 0, "No data: only who, which way, how much and how long",
	  0 },
	{ 0 },
};

static const struct sonde_store stores[] = {
	SONDE_STORE(OPT_COMM, struct sslsniff_opts, comm),
	SONDE_STORE(OPT_HEXDUMP, struct sslsniff_opts, hexdump),
	SONDE_STORE(OPT_RAW, struct sslsniff_opts, raw),
	SONDE_STORE_RANGE(OPT_MAX_BYTES, "--max-bytes", struct sslsniff_opts, max_bytes, 1,
			  SSLSNIFF_MAX_DATA),
	SONDE_STORE(OPT_NO_DATA, struct sslsniff_opts, no_data),
	{ 0 },
};

static const struct argp argp = {
	.options = options,
	.doc = "Show the plaintext of TLS reads and writes (OpenSSL, GnuTLS), escaped. It shows "
	       "secrets by design: it refuses to run without root or CAP_SYS_ADMIN.\v"
	       "EXAMPLES:\n"
	       "  sslsniff                  # every TLS read and write, until Ctrl-C\n"
	       "  sslsniff -p 1234          # one process's\n"
	       "  sslsniff --comm curl --max-bytes 64   # curl's, the first 64 bytes\n"
	       "  sslsniff --no-data -T     # who and how much, no plaintext\n"
	       "  sslsniff --hexdump        # the data in hexadecimal\n"
	       "  sslsniff -j | jq -r 'select(.rw == \"W\") | .data'",
};

static const struct sonde_cli cli = { &argp, stores, SONDE_OPT_TIME };

struct sslsniff_ctx {
	struct out out;
	const struct sslsniff_opts *opts;
};

static void out_hex(struct out *o, unsigned col, const uint8_t *d, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	char buf[2 * SSLSNIFF_MAX_DATA + 1];

	for (size_t i = 0; i < n; i++) {
		buf[2 * i] = hex[d[i] >> 4];
		buf[2 * i + 1] = hex[d[i] & 15];
	}
	buf[2 * n] = '\0';
	out_str(o, col, buf, sizeof(buf));
}

static void out_base64(struct out *o, unsigned col, const uint8_t *d, size_t n)
{
	static const char b64[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	char buf[4 * ((SSLSNIFF_MAX_DATA + 2) / 3) + 1];
	size_t w = 0;

	for (size_t i = 0; i < n; i += 3) {
		uint32_t v = (uint32_t)d[i] << 16 | (i + 1 < n ? (uint32_t)d[i + 1] << 8 : 0) |
			     (i + 2 < n ? d[i + 2] : 0);

		buf[w++] = b64[v >> 18 & 63];
		buf[w++] = b64[v >> 12 & 63];
		buf[w++] = i + 1 < n ? b64[v >> 6 & 63] : '=';
		buf[w++] = i + 2 < n ? b64[v & 63] : '=';
	}
	buf[w] = '\0';
	out_str(o, col, buf, sizeof(buf));
}

/* The data in the form the options ask for; none with --no-data. */
static void out_data(struct out *o, const struct sslsniff_opts *opts, const uint8_t *d, size_t n)
{
	if (opts->no_data)
		out_null(o, C_DATA, "-");
	else if (opts->hexdump)
		out_hex(o, C_DATA, d, n);
	else if (opts->raw)
		out_base64(o, C_DATA, d, n);
	else
		out_mem(o, C_DATA, d, n);
}

static int handle_event(void *vctx, void *data, size_t size)
{
	const struct sslsniff_event *e = data;
	struct sslsniff_ctx *ctx = vctx;
	const struct sslsniff_opts *opts = ctx->opts;
	struct out *o = &ctx->out;
	size_t n;
	bool write;

	if (size < sizeof(*e) || e->fn >= SSLSNIFF_NFNS)
		return 0;
	n = e->data_len < SSLSNIFF_MAX_DATA ? e->data_len : SSLSNIFF_MAX_DATA;
	write = e->fn == SSLSNIFF_SSL_WRITE || e->fn == SSLSNIFF_SSL_WRITE_EX ||
		e->fn == SSLSNIFF_GNUTLS_SEND;
	stream_row_begin(o, &e->h);
	out_name(o, C_FUNC, fn_names[e->fn]);
	out_name(o, C_RW, write ? "W" : "R");
	out_uint(o, C_LEN, e->len);
	out_double(o, C_LAT, e->lat_ns / 1e6, 3);
	out_uint(o, C_LAT_US, e->lat_ns / 1000);
	out_data(o, opts, e->data, n);
	if (opts->no_data)
		out_null(o, C_TRUNC, "-");
	else
		out_bool(o, C_TRUNC, n < e->len);
	out_cgroup(o, C_CGROUP, e->h.cgroup_id);
	out_row_end(o);
	return 0;
}

/* The functions, each at its entry, and the one return program at every
 * one's return. */
static void fill_fns(struct sslsniff_bpf *skel, struct uprobe_fn *fns)
{
	struct bpf_program *entries[SSLSNIFF_NFNS] = {
		[SSLSNIFF_SSL_READ] = skel->progs.handle_ssl_read,
		[SSLSNIFF_SSL_WRITE] = skel->progs.handle_ssl_write,
		[SSLSNIFF_SSL_READ_EX] = skel->progs.handle_ssl_read_ex,
		[SSLSNIFF_SSL_WRITE_EX] = skel->progs.handle_ssl_write_ex,
		[SSLSNIFF_GNUTLS_RECV] = skel->progs.handle_gnutls_recv,
		[SSLSNIFF_GNUTLS_SEND] = skel->progs.handle_gnutls_send,
	};

	for (size_t i = 0; i < SSLSNIFF_NFNS; i++) {
		fns[i] = (struct uprobe_fn){ fn_names[i], false, entries[i] };
		fns[SSLSNIFF_NFNS + i] =
		    (struct uprobe_fn){ fn_names[i], true, skel->progs.handle_return };
	}
}

int main(int argc, char **argv)
{
	struct sslsniff_opts opts = { .common = SONDE_OPTS_DEFAULTS,
				      .max_bytes = SSLSNIFF_MAX_DATA };
	struct sslsniff_ctx ctx = { .opts = &opts };
	struct sonde_stream st = { .cols = cols,
				   .ncols = ARRAY_SIZE(cols),
				   .on_event = handle_event,
				   .ctx = &ctx,
				   .out = &ctx.out };
	struct uprobe_fn fns[2 * SSLSNIFF_NFNS];
	struct uprobe_set u = {
		.stems = tls_stems, .host = true, .fns = fns, .nfns = ARRAY_SIZE(fns)
	};
	struct sslsniff_bpf *skel;
	int err;

	err = sonde_parse(argc, argv, &cli, &opts, &opts.common);
	if (err)
		return sonde_exit(err);
	if (opts.hexdump && opts.raw) {
		log_err("--hexdump and --raw exclude each other: give one or none");
		return sonde_exit(-EINVAL);
	}
	if (!opts.no_data)
		st.show = OUT_SHOW(C_DATA, true);

	skel = sslsniff_bpf__open_opts(&opts.common.open);
	if (!skel)
		return sonde_open_failed();
	skel->rodata->max_bytes = opts.no_data ? 0 : opts.max_bytes;
	if (opts.comm)
		strncpy((char *)skel->rodata->comm_filter, opts.comm, TASK_COMM_LEN - 1);
	fill_fns(skel, fns);
	u.pid = opts.common.pid;
	st.attach = uprobe_set_attach;
	st.attach_ctx = &u;
	err = uprobe_set_prepare(&u);
	if (!err)
		err = sonde_stream_run(skel->skeleton, &opts.common, &st);

	uprobe_set_free(&u);
	sslsniff_bpf__destroy(skel);
	sonde_opts_free(&opts.common);
	return sonde_exit(err);
}
