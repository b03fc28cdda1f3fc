// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* One record for each run of render.h: fuzz_render's reference line of the
 * run, and its seed (render_seeds). */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include "common/bindsnoop.h"
#include "common/capable.h"
#include "common/execsnoop.h"
#include "common/filelife.h"
#include "common/fsslower.h"
#include "common/exitsnoop.h"
#include "common/killsnoop.h"
#include "common/biosnoop.h"
#include "common/mountsnoop.h"
#include "common/oomkill.h"
#include "common/pathcall.h"
#include "common/runqslower.h"
#include "common/tcpaccept.h"
#include "common/tcpconnect.h"
#include "common/tcpdrop.h"
#include "common/tcplife.h"
#include "common/tcpretrans.h"
#include "common/tcpstates.h"
#include "common/gethostlatency.h"
#include "common/sslsniff.h"
#include "tests/fuzz/render.h"

union record {
	struct pathcall_event path;
	struct execsnoop_event exec;
	struct mountsnoop_event mount;
	unsigned char bytes[RENDER_RECORD_MAX];
};

_Static_assert(sizeof(union record) == RENDER_RECORD_MAX, "the largest record: execsnoop's");

/* The runs' -n and -l pick "a" and "b": this header and execsnoop's
 * arguments pass them, so that every run renders its record. */
static void hdr(struct stream_hdr *h)
{
	h->ts_ns = 5000123456789ull;
	h->cgroup_id = 4242;
	h->pid = 4321;
	h->tid = 4322;
	h->uid = 1000;
	strcpy(h->comm, "bash");
}

static void tuple4(struct net_tuple *t, uint16_t sport, uint16_t dport)
{
	static const uint8_t s[4] = { 10, 0, 0, 1 }, d[4] = { 93, 184, 216, 34 };

	memcpy(t->saddr, s, sizeof(s));
	memcpy(t->daddr, d, sizeof(d));
	t->sport = sport;
	t->dport = dport;
	t->family = NET_AF_INET;
}

static void tuple6(struct net_tuple *t, uint16_t sport, uint16_t dport)
{
	static const uint8_t s[16] = { 0xfd, [15] = 1 },
			     d[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 2 };

	memcpy(t->saddr, s, sizeof(s));
	memcpy(t->daddr, d, sizeof(d));
	t->sport = sport;
	t->dport = dport;
	t->family = NET_AF_INET6;
}

static size_t seed_bindsnoop(union record *r, const char *args)
{
	struct bindsnoop_event *e = (void *)r;
	static const uint8_t any[4] = { 127, 0, 0, 1 };

	(void)args;
	hdr(&e->h);
	memcpy(e->addr, any, sizeof(any));
	e->port = 8080;
	e->family = NET_AF_INET;
	e->protocol = 6;
	e->opts = BINDSNOOP_OPT_FREEBIND | BINDSNOOP_OPT_REUSEADDR;
	e->ret = -EADDRINUSE;
	return sizeof(*e);
}

/* -K: the kernel stack after the event (a few text addresses). */
static size_t kernel_stack(struct stack_kernel *k, const char *args, size_t event)
{
	if (!strstr(args, "-K"))
		return event;
	k->n = 3;
	k->ip[0] = 0xffffffff81a00010ull;
	k->ip[1] = 0xffffffff81200020ull;
	k->ip[2] = 0xffffffff81000030ull;
	return event + sizeof(*k);
}

static size_t seed_capable(union record *r, const char *args)
{
	struct capable_stack_event *se = (void *)r;
	struct capable_event *e = &se->e;

	hdr(&e->h);
	e->cap = 21;
	e->ret = -EPERM;
	e->opts = CAPABLE_OPT_INSETID;
	e->flags = CAPABLE_F_OPTS;
	return kernel_stack(&se->k, args, sizeof(*e));
}

static size_t seed_execsnoop(union record *r, const char *args)
{
	static const char argv[] = "ls\0-b\0/tmp/caf\xc3\xa9\x1b[0m\0\"q\"\\";
	static const char exe[] = "/usr/bin/l\x1bs";
	struct execsnoop_event *e = (void *)r;

	(void)args;
	hdr(&e->h);
	e->ppid = 4000;
	e->args_size = sizeof(argv);
	memcpy(e->data, argv, sizeof(argv));
	e->exe_len = sizeof(exe);
	memcpy(e->data + e->args_size, exe, sizeof(exe));
	return offsetof(struct execsnoop_event, data) + e->args_size + e->exe_len;
}

static size_t seed_exitsnoop(union record *r, const char *args)
{
	struct exitsnoop_event *e = (void *)r;

	(void)args;
	hdr(&e->h);
	e->start_ns = e->h.ts_ns - 2500000000ull;
	e->ppid = 4000;
	e->status = 11 | EXITSNOOP_CORE_DUMPED;
	return sizeof(*e);
}

static size_t seed_killsnoop(union record *r, const char *args)
{
	struct killsnoop_event *e = (void *)r;

	(void)args;
	hdr(&e->h);
	e->tpid = 4000;
	e->sig = 15;
	e->result = -ESRCH;
	e->source = KILLSNOOP_SYSCALL;
	return sizeof(*e);
}

static size_t seed_mountsnoop(union record *r, const char *args)
{
	struct mountsnoop_event *e = (void *)r;

	(void)args;
	hdr(&e->h);
	e->call = MOUNTSNOOP_MOUNT;
	e->flags = 0xc0ed0000u | (1 << 12) | (1 << 14);
	e->fd[0] = e->fd[1] = MOUNTSNOOP_AT_FDCWD;
	e->present = 0xf;
	e->truncated = 1 << MOUNTSNOOP_DATA;
	strcpy(e->str[MOUNTSNOOP_SOURCE], "/dev/sda1");
	strcpy(e->str[MOUNTSNOOP_TARGET], "/mnt/\x1b[1mx");
	strcpy(e->str[MOUNTSNOOP_FS], "ext4");
	strcpy(e->str[MOUNTSNOOP_DATA], "ro,uid=\xff");
	return sizeof(*e);
}

static size_t seed_oomkill(union record *r, const char *args)
{
	struct oomkill_event *e = (void *)r;

	(void)args;
	hdr(&e->h);
	e->flags = OOMKILL_F_VICTIM | OOMKILL_F_COMM | OOMKILL_F_MEM | OOMKILL_F_CRED;
	e->trigger_cgroup_id = 4343;
	e->total_vm_kb = 1 << 20;
	e->anon_rss_kb = 1 << 19;
	e->file_rss_kb = 1024;
	e->pgtables_kb = 64;
	e->trigger_pid = 4400;
	e->trigger_tid = 4401;
	e->oom_score_adj = -500;
	strcpy(e->trigger_comm, "stress\a");
	return sizeof(*e);
}

static size_t pathcall(union record *r, int nr, int ret, uint32_t flags, const char *path)
{
	struct pathcall_event *e = &r->path;

	hdr(&e->h);
	e->ret = ret;
	e->flags = flags;
	e->dirfd = PATHCALL_AT_FDCWD;
	e->mode = 0644;
	e->nr = nr;
	e->path_len = strlen(path) + 1;
	memcpy(e->path, path, e->path_len);
	return offsetof(struct pathcall_event, path) + e->path_len;
}

static size_t seed_opensnoop(union record *r, const char *args)
{
	(void)args;
	/* openat(), O_WRONLY|O_CREAT|O_CLOEXEC */
	return pathcall(r, 257, 3, 02000101, "/tmp/\x1b[31mred\xff");
}

/* The largest record any tool sends: a path cut at its longest. libFuzzer
 * makes inputs no longer than the longest seed. */
static size_t seed_statsnoop(union record *r, const char *args)
{
	char path[PATHCALL_PATH_MAX];
	size_t n = snprintf(path, sizeof(path), "/etc/caf\xc3\xa9\n");

	(void)args;
	for (; n + 1 < sizeof(path); n++)
		path[n] = n % 2 ? 'x' : '/';
	path[n] = '\0';
	r->path.truncated = 1;
	/* newfstatat() */
	return pathcall(r, 262, -ENOENT, 0x100, path);
}

static size_t seed_runqslower(union record *r, const char *args)
{
	struct runqslower_event *e = (void *)r;

	(void)args;
	hdr(&e->h);
	e->h.uid = 0; /* not reported */
	e->wait_ns = 12345678;
	e->prev_pid = 4400;
	e->prev_tid = 4401;
	strcpy(e->prev_comm, "spin\x1b]0;\xfe");
	return sizeof(*e);
}

static size_t seed_tcpaccept(union record *r, const char *args)
{
	struct tcpaccept_event *e = (void *)r;

	(void)args;
	hdr(&e->h);
	tuple6(&e->t, 443, 51234);
	return sizeof(*e);
}

static size_t seed_tcpconnect(union record *r, const char *args)
{
	struct tcpconnect_event *e = (void *)r;

	hdr(&e->h);
	tuple4(&e->t, 51234, 443);
	if (strstr(args, "-L -s -T")) {
		/* No SYN sent: the address asked for, at connect()'s entry. */
		e->result = TCPCONNECT_UNSENT;
		e->ret = EPERM;
		e->lat_ns = 12345;
		e->addr_from = STREAM_FROM_ENTRY;
	} else if (strstr(args, "-L")) {
		e->result = TCPCONNECT_FAILED;
		e->ret = ECONNREFUSED;
		e->lat_ns = 1234567;
	} else {
		e->ret = -EINPROGRESS;
	}
	return sizeof(*e);
}

static size_t seed_tcpdrop(union record *r, const char *args)
{
	struct tcpdrop_stack_event *se = (void *)r;
	struct tcpdrop_event *e = &se->e;

	hdr(&e->h);
	tuple4(&e->t, 51234, 9);
	e->location = 0xffffffff81a00000ull;
	e->reason = 2; /* NO_SOCKET */
	e->state = 2;  /* SYN_SENT */
	e->flags = TCPDROP_SYN | TCPDROP_ACK;
	e->owner_from = NET_OWNER_LISTENER;
	return kernel_stack(&se->k, args, sizeof(*e));
}

static size_t seed_tcplife(union record *r, const char *args)
{
	struct tcplife_event *e = (void *)r;

	(void)args;
	hdr(&e->h);
	tuple6(&e->t, 51234, 80);
	e->dur_ns = 1500000000ull;
	e->tx_bytes = 512;
	e->rx_bytes = 1 << 20;
	e->owner_from = NET_OWNER_ACCEPT;
	return sizeof(*e);
}

static size_t seed_tcpretrans(union record *r, const char *args)
{
	struct tcpretrans_event *e = (void *)r;

	(void)args;
	hdr(&e->h);
	e->h.pid = 0; /* not known */
	tuple4(&e->t, 51234, 443);
	e->state = 1; /* ESTABLISHED */
	e->type = TCPRETRANS_TLP;
	e->err = EPERM; /* an attempt that failed */
	return sizeof(*e);
}

static size_t seed_biosnoop(union record *r, const char *args)
{
	struct biosnoop_event *e = (void *)r;

	(void)args;
	hdr(&e->h);
	e->h.uid = 0; /* not reported */
	strcpy(e->h.comm, "kworker/u4:2\x1b[7m");
	e->sector = 182151840;
	e->queue_ns = 9123;
	e->service_ns = 291456;
	e->bytes = 4096;
	e->dev = BIO_DEV(7, 0);
	e->flags = BIO_OP_WRITE | BIO_F_SYNC | BIO_F_FUA;
	e->error = 10; /* BLK_STS_IOERR */
	return sizeof(*e);
}

/* A path with bytes to escape, of len bytes with its NUL, into path. */
static size_t hostile_path(char *path)
{
	static const char p[] = "/tmp/x\x1b[2J\n\"q\\\xff.tmp";

	memcpy(path, p, sizeof(p));
	return sizeof(p);
}

static size_t seed_filelife(union record *r, const char *args)
{
	struct filelife_event *e = (void *)r;

	(void)args;
	hdr(&e->h);
	strcpy(e->h.comm, "rm");
	e->age_ns = 1234567890;
	e->creator_pid = 4000;
	e->end = FILELIFE_RENAME;
	e->path_len = hostile_path(e->path);
	return offsetof(struct filelife_event, path) + e->path_len;
}

static size_t seed_fsslower(union record *r, const char *args)
{
	struct fsslower_event *e = (void *)r;

	(void)args;
	hdr(&e->h);
	e->lat_ns = 52345678;
	e->offset = 1 << 20;
	e->ret = 65536;
	e->nr = 17; /* pread64 on x86_64 */
	e->op = FSSLOWER_READ;
	strcpy(e->fstype, "ext4");
	e->path_len = hostile_path(e->path);
	e->truncated = 1;
	return offsetof(struct fsslower_event, path) + e->path_len;
}

static size_t seed_tcpstates(union record *r, const char *args)
{
	struct tcpstates_event *e = (void *)r;

	(void)args;
	hdr(&e->h);
	tuple4(&e->t, 51234, 443);
	e->cookie = 0x2a7f;
	e->dur_ns = 302838123ull;
	e->oldstate = 1; /* ESTABLISHED */
	e->newstate = 4; /* FIN_WAIT1 */
	e->owner_from = NET_OWNER_CONNECT;
	return sizeof(*e);
}

static size_t seed_gethostlatency(union record *r, const char *args)
{
	struct gethostlatency_event *e = (void *)r;

	(void)args;
	hdr(&e->h);
	e->lat_ns = 18107000;
	e->fn = GETHOST_GETADDRINFO;
	strcpy(e->host, "evil\x1b]0;t\x07\"host\".example");
	return sizeof(*e);
}

static size_t seed_sslsniff(union record *r, const char *args)
{
	static const unsigned char data[] = "GET / HTTP/1.1\r\nHost: a\x00\x1b[2J\xff\\\n";
	struct sslsniff_event *e = (void *)r;

	(void)args;
	hdr(&e->h);
	e->lat_ns = 36000;
	e->fn = SSLSNIFF_SSL_WRITE;
	e->len = 1000;
	e->data_len = sizeof(data) - 1;
	memcpy(e->data, data, sizeof(data) - 1);
	return sizeof(*e);
}

static const struct {
	const char *tool, *args;
	size_t (*seed)(union record *r, const char *args);
} runs[] = {
#define R(name, opts) { .tool = #name, .args = opts, .seed = seed_##name },
	RENDER_RUNS(R)
#undef R
};

size_t render_record(unsigned run, void *buf)
{
	memset(buf, 0, RENDER_RECORD_MAX);
	return runs[run].seed(buf, runs[run].args);
}

void render_run_name(unsigned run, char *buf, size_t len)
{
	char args[64], *save = NULL;
	size_t n = snprintf(buf, len, "%02u-%s", run, runs[run].tool);

	snprintf(args, sizeof(args), "%s", runs[run].args);
	for (char *a = strtok_r(args, " ", &save); a && n < len; a = strtok_r(NULL, " ", &save))
		n += snprintf(buf + n, len - n, "-%s", a + strspn(a, "-"));
}
