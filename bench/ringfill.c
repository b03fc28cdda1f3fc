// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* ringfill -p PID [-k opensnoop|execsnoop] [-r RATE] [-d SECONDS] [-c CPU]:
 * drive a running tool's reader from the kernel. The tool (PID) runs as
 * always; ringfill finds its "events" buffer and its counters among the BPF
 * maps PID holds (as bpftool does: /proc/PID/fdinfo), loads its producer
 * (bpf/bench_ringfill.bpf.c) with those maps in place of its own and with
 * the tool's own settings of bpf/lib/stream.bpf.h (read from the tool's
 * .rodata), and runs it with BPF_PROG_TEST_RUN on CPU (default 0): each run
 * sends one event shaped as the tool's (opensnoop's struct pathcall_event or
 * execsnoop's struct execsnoop_event, realistic paths and command lines)
 * through sonde_output(), exactly as the tool's own programs do. So the
 * events take the tool's whole user-space path: its reader, its callback,
 * its output, whatever stdout it has.
 *
 * RATE events per second (0, the default: as fast as one CPU runs the
 * producer) for SECONDS (default 2). Then it waits (at most 10 s) until the
 * tool has read everything (the ring buffer's consumer position reaches the
 * producer's; for a perf buffer, until the tool's CPU time stops growing)
 * and prints one line:
 *
 *	SENT LOST SECONDS SENT_PER_S DRAIN_MS RUN_NS READER_NS
 *
 * LOST: events the buffer had no room for (the tool's own lost-event
 * counter, which it also reports at exit); DRAIN_MS: from the last event
 * sent to the tool's having read all; RUN_NS: the kernel's time per run of
 * the producer; READER_NS: the CPU time of PID's threads from start to
 * drained (/proc/PID/task/N/schedstat), per event delivered.
 * Exit 0; 1 on a failure; 2 on usage. Root. */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include "bench/ringfill.h"
#include "common/execsnoop.h"
#include "common/pathcall.h"
#include "skel/bench_ringfill.skel.h"

#define NSEC_PER_SEC 1000000000ULL
/* Runs per BPF_PROG_TEST_RUN at most, and per millisecond of a paced rate
 * at least one call: a call takes the CPU from the reader for its length. */
#define BATCH_MAX 4096
#define DRAIN_MAX_NS (10 * NSEC_PER_SEC)

struct cfg {
	int pid;
	const char *kind;
	double rate;
	double seconds;
	int cpu;
};

/* The tool's maps, by the names common/stream.h gives them. */
struct tool_maps {
	int events, counts, rodata;
	struct bpf_map_info ev, ro;
};

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * NSEC_PER_SEC + ts.tv_nsec;
}

static void sleep_until(uint64_t t)
{
	struct timespec ts = { (time_t)(t / NSEC_PER_SEC), (long)(t % NSEC_PER_SEC) };

	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR)
		;
}

/* CPU time of PID's threads so far, ns. */
static uint64_t cpu_of(int pid)
{
	char path[64];
	struct dirent *d;
	uint64_t sum = 0;
	DIR *dir;

	snprintf(path, sizeof(path), "/proc/%d/task", pid);
	dir = opendir(path);
	while (dir && (d = readdir(dir))) {
		unsigned long long ns;
		char p[300];
		FILE *f;

		if (d->d_name[0] == '.')
			continue;
		snprintf(p, sizeof(p), "/proc/%d/task/%s/schedstat", pid, d->d_name);
		f = fopen(p, "r");
		if (f && fscanf(f, "%llu", &ns) == 1)
			sum += ns;
		if (f)
			fclose(f);
	}
	if (dir)
		closedir(dir);
	return sum;
}

static void keep_map(struct tool_maps *m, int fd)
{
	struct bpf_map_info info = {};
	__u32 len = sizeof(info);
	size_t n;

	if (bpf_obj_get_info_by_fd(fd, &info, &len))
		goto drop;
	n = strlen(info.name);
	if (!strcmp(info.name, STREAM_NAME(STREAM_EVENTS)) && m->events < 0) {
		m->events = fd;
		m->ev = info;
		return;
	}
	if (!strcmp(info.name, STREAM_NAME(STREAM_COUNTS)) && m->counts < 0) {
		m->counts = fd;
		return;
	}
	if (n > 7 && !strcmp(info.name + n - 7, ".rodata") && info.btf_id && m->rodata < 0) {
		m->rodata = fd;
		m->ro = info;
		return;
	}
drop:
	close(fd);
}

/* The maps PID holds, from the map IDs its fdinfo lists. */
static int find_maps(int pid, struct tool_maps *m)
{
	char path[64], line[128];
	struct dirent *d;
	DIR *dir;

	*m = (struct tool_maps){ .events = -1, .counts = -1, .rodata = -1 };
	snprintf(path, sizeof(path), "/proc/%d/fdinfo", pid);
	dir = opendir(path);
	if (!dir)
		return -errno;
	while ((d = readdir(dir))) {
		char p[400];
		unsigned id;
		FILE *f;

		snprintf(p, sizeof(p), "%s/%s", path, d->d_name);
		f = d->d_name[0] != '.' ? fopen(p, "r") : NULL;
		while (f && fgets(line, sizeof(line), f)) {
			int fd;

			if (sscanf(line, "map_id: %u", &id) != 1)
				continue;
			fd = bpf_map_get_fd_by_id(id);
			if (fd >= 0)
				keep_map(m, fd);
		}
		if (f)
			fclose(f);
	}
	closedir(dir);
	return m->events >= 0 && m->counts >= 0 && m->rodata >= 0 ? 0 : -ENOENT;
}

/* The value of NAME in the tool's .rodata (BTF of the map), into val. */
static int tool_rodata(const struct tool_maps *m, const char *name, void *val, size_t size)
{
	struct btf *btf = btf__load_from_kernel_by_id(m->ro.btf_id);
	const struct btf_var_secinfo *vs;
	const struct btf_type *sec;
	unsigned char *data = NULL;
	int id, err = -ENOENT;
	__u32 key = 0;

	if (!btf)
		return -errno;
	id = btf__find_by_name_kind(btf, ".rodata", BTF_KIND_DATASEC);
	sec = id > 0 ? btf__type_by_id(btf, id) : NULL;
	data = calloc(1, m->ro.value_size);
	if (!sec || !data || bpf_map_lookup_elem(m->rodata, &key, data))
		goto out;
	vs = btf_var_secinfos(sec);
	for (int i = 0; i < btf_vlen(sec); i++, vs++) {
		const struct btf_type *var = btf__type_by_id(btf, vs->type);

		if (strcmp(btf__name_by_offset(btf, var->name_off), name))
			continue;
		if (vs->size == size && vs->offset + size <= m->ro.value_size) {
			memcpy(val, data + vs->offset, size);
			err = 0;
		}
		break;
	}
out:
	free(data);
	btf__free(btf);
	return err;
}

/* ----------------------------------------------------------- templates --- */

static const char *const comms[] = { "bash", "make", "cc1", "git", "python3", "nginx", "sshd" };

static void hdr(struct stream_hdr *h, unsigned i)
{
	h->cgroup_id = 4096 + i % 3;
	h->pid = 20000 + i * 37;
	h->tid = h->pid + i % 2;
	h->uid = i % 4 ? 1000 : 0;
	snprintf(h->comm, sizeof(h->comm), "%s", comms[i % (sizeof(comms) / sizeof(comms[0]))]);
}

/* An open as a busy machine makes them: libraries, configuration, /proc,
 * sources and objects of a build, a few that fail, one name in UTF-8. */
static size_t tpl_open(struct ringfill_tpl *t, unsigned i)
{
	static const char *const paths[RINGFILL_NTPL] = {
		"/etc/ld.so.cache",
		"/lib/x86_64-linux-gnu/libc.so.6",
		"/usr/lib/locale/locale-archive",
		"/proc/self/mountinfo",
		"/home/user/src/project/include/config.h",
		"/usr/share/zoneinfo/Europe/Berlin",
		"/sys/fs/cgroup/system.slice/nginx.service/memory.max",
		"/tmp/ccXkq3Ab.s",
		"/etc/nsswitch.conf",
		"/home/user/src/project/build/CMakeFiles/app.dir/main.c.o",
		"/dev/null",
		"/var/lib/dpkg/info/libc6:amd64.list",
		"/home/user/Documents/caf\xc3\xa9/notes.txt",
		"/usr/lib/python3.11/__pycache__/os.cpython-311.pyc",
		"/proc/20123/stat",
		"/etc/passwd",
	};
	struct pathcall_event *e = (void *)t->bytes;
	bool fails = i % 5 == 3;

	hdr(&e->h, i);
	e->ret = fails ? -ENOENT : (int)(3 + i % 7);
	e->flags = i % 4 == 1 ? 01101 : 02000000; /* O_WRONLY|O_CREAT|O_TRUNC, O_CLOEXEC */
	e->dirfd = PATHCALL_AT_FDCWD;
	e->mode = e->flags & 0100 ? 0644 : 0;
	e->nr = 257; /* openat */
	e->path_from = fails ? STREAM_FROM_ENTRY : STREAM_FROM_KERNEL;
	e->path_len = strlen(paths[i]) + 1;
	memcpy(e->path, paths[i], e->path_len);
	return offsetof(struct pathcall_event, path) + e->path_len;
}

/* An exec as a build or a shell makes them. */
static size_t tpl_exec(struct ringfill_tpl *t, unsigned i)
{
	static const char args[][160] = {
		"git\0status\0--porcelain",
		"cc\0-O2\0-Wall\0-c\0src/main.c\0-o\0build/main.o",
		"ls\0-la\0/var/log",
		"sh\0-c\0make -j2 all",
		"python3\0-m\0pytest\0-q\0tests/test_parse.py",
		"grep\0-rn\0TODO\0src",
		"sed\0-n\0s/^version = //p\0Cargo.toml",
		"ld\0-o\0build/app\0build/main.o\0build/util.o\0-lc",
	};
	static const char *const exes[] = {
		"/usr/bin/git",	       "/usr/bin/x86_64-linux-gnu-gcc-12",
		"/usr/bin/ls",	       "/usr/bin/dash",
		"/usr/bin/python3.11", "/usr/bin/grep",
		"/usr/bin/sed",	       "/usr/bin/x86_64-linux-gnu-ld.bfd"
	};
	struct execsnoop_event *e = (void *)t->bytes;
	const char *a = args[i % 8];
	size_t n = 0, exe_len = strlen(exes[i % 8]) + 1;

	/* The arguments' length: up to the NUL of the last one, the one before
	 * a second NUL. */
	while (a[n] || a[n + 1])
		n++;
	n++;
	hdr(&e->h, i);
	e->ppid = 19000 + i;
	e->ret = 0;
	e->args_size = n;
	e->args_from = STREAM_FROM_KERNEL;
	memcpy(e->data, a, n);
	e->exe_len = exe_len;
	memcpy(e->data + n, exes[i % 8], exe_len);
	return offsetof(struct execsnoop_event, data) + n + exe_len;
}

static int fill_templates(struct bench_ringfill_bpf *skel, const char *kind)
{
	for (unsigned i = 0; i < RINGFILL_NTPL; i++) {
		struct ringfill_tpl *t = &skel->bss->ringfill_tpl[i];

		memset(t, 0, sizeof(*t));
		if (!strcmp(kind, "opensnoop"))
			t->size = tpl_open(t, i);
		else if (!strcmp(kind, "execsnoop"))
			t->size = tpl_exec(t, i);
		else
			return -EINVAL;
	}
	return 0;
}

/* ---------------------------------------------------------------- setup --- */

/* The producer, with the tool's maps and settings in place of its own. */
static struct bench_ringfill_bpf *load(const struct tool_maps *m)
{
	struct bench_ringfill_bpf *skel = bench_ringfill_bpf__open();
	bool perfbuf = m->ev.type == BPF_MAP_TYPE_PERF_EVENT_ARRAY;
	int err;

	if (!skel)
		return NULL;
	err = tool_rodata(m, STREAM_NAME(STREAM_WAKEUP_BYTES), &skel->rodata->sonde_wakeup_bytes,
			  sizeof(skel->rodata->sonde_wakeup_bytes));
	skel->rodata->sonde_perfbuf = perfbuf;
	/* Left false for a tool built before it had this setting: it did not
	 * wake a waiting reader. */
	tool_rodata(m, STREAM_NAME(STREAM_WAKE_IDLE), &skel->rodata->sonde_wake_idle,
		    sizeof(skel->rodata->sonde_wake_idle));
	if (!err && perfbuf)
		err = bpf_map__set_type(skel->maps.events, BPF_MAP_TYPE_PERF_EVENT_ARRAY);
	if (!err)
		err = bpf_map__reuse_fd(skel->maps.events, m->events);
	if (!err)
		err = bpf_map__reuse_fd(skel->maps.sonde_counts, m->counts);
	if (!err)
		err = bench_ringfill_bpf__load(skel);
	if (err) {
		fprintf(stderr, "ringfill: cannot load the producer: %s\n", strerror(-err));
		bench_ringfill_bpf__destroy(skel);
		return NULL;
	}
	return skel;
}

static uint64_t lost_of(const struct tool_maps *m)
{
	int ncpu = libbpf_num_possible_cpus();
	uint64_t sum = 0, *v = calloc(ncpu > 0 ? ncpu : 1, sizeof(*v));
	__u32 key = STREAM_LOST;

	if (v && !bpf_map_lookup_elem(m->counts, &key, v))
		for (int i = 0; i < ncpu; i++)
			sum += v[i];
	free(v);
	return sum;
}

/* ------------------------------------------------------------------ run --- */

struct result {
	uint64_t sent, lost, run_ns, t0, t_end, t_drained, cpu0, cpu1;
};

/* Runs the producer at c->rate for c->seconds. */
static int produce(const struct cfg *c, int prog_fd, struct result *r)
{
	unsigned char pkt[64] = { 0 };
	uint64_t want = (uint64_t)(c->seconds * NSEC_PER_SEC), batch = BATCH_MAX, elapsed;
	LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = pkt, .data_size_in = sizeof(pkt));

	/* Paced: a call each millisecond or so. */
	if (c->rate > 0 && c->rate / 1000 < BATCH_MAX)
		batch = c->rate / 1000 > 1 ? (uint64_t)(c->rate / 1000) : 1;
	r->t0 = now_ns();
	for (;;) {
		elapsed = now_ns() - r->t0;
		if (elapsed >= want)
			break;
		if (c->rate > 0) {
			uint64_t due = r->t0 + (uint64_t)(r->sent / c->rate * NSEC_PER_SEC);

			if (due > r->t0 + elapsed)
				sleep_until(due);
		}
		opts.repeat = batch;
		if (bpf_prog_test_run_opts(prog_fd, &opts)) {
			fprintf(stderr, "ringfill: BPF_PROG_TEST_RUN: %s\n", strerror(errno));
			return -1;
		}
		r->sent += batch;
		r->run_ns += (uint64_t)opts.duration * batch;
	}
	r->t_end = now_ns();
	return 0;
}

/* Until the tool has read every event: the ring buffer's consumer position
 * at its producer position; a perf buffer's reader, until its CPU time
 * stands still for 50 ms (it reads every 10 ms). */
static void wait_drained(const struct tool_maps *m, int pid, struct result *r)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	volatile unsigned long *pos = NULL;
	uint64_t last = cpu_of(pid), t;

	if (m->ev.type == BPF_MAP_TYPE_RINGBUF) {
		void *p = mmap(NULL, 2 * page, PROT_READ, MAP_SHARED, m->events, 0);

		pos = p == MAP_FAILED ? NULL : p;
	}
	for (t = now_ns(); t - r->t_end < DRAIN_MAX_NS; t = now_ns()) {
		if (pos && pos[0] == pos[page / sizeof(*pos)])
			break;
		if (!pos) {
			uint64_t cpu;

			sleep_until(t + 50000000);
			cpu = cpu_of(pid);
			if (cpu - last < 100000)
				break;
			last = cpu;
			continue;
		}
		sleep_until(t + 100000);
	}
	r->t_drained = now_ns();
	if (pos)
		munmap((void *)pos, 2 * page);
}

static int parse(int argc, char **argv, struct cfg *c)
{
	int o;

	*c = (struct cfg){ .kind = "opensnoop", .seconds = 2 };
	while ((o = getopt(argc, argv, "p:k:r:d:c:")) != -1) {
		switch (o) {
		case 'p':
			c->pid = atoi(optarg);
			break;
		case 'k':
			c->kind = optarg;
			break;
		case 'r':
			c->rate = atof(optarg);
			break;
		case 'd':
			c->seconds = atof(optarg);
			break;
		case 'c':
			c->cpu = atoi(optarg);
			break;
		default:
			return -1;
		}
	}
	return c->pid > 0 && c->seconds > 0 && c->rate >= 0 && optind == argc ? 0 : -1;
}

int main(int argc, char **argv)
{
	struct bench_ringfill_bpf *skel;
	struct result r = { 0 };
	struct tool_maps m;
	uint64_t lost0;
	cpu_set_t cpus;
	struct cfg c;

	if (parse(argc, argv, &c)) {
		fprintf(stderr, "usage: ringfill -p PID [-k opensnoop|execsnoop] [-r RATE] "
				"[-d SECONDS] [-c CPU]\n");
		return 2;
	}
	CPU_ZERO(&cpus);
	CPU_SET(c.cpu, &cpus);
	if (sched_setaffinity(0, sizeof(cpus), &cpus)) {
		perror("ringfill: sched_setaffinity");
		return 1;
	}
	if (find_maps(c.pid, &m)) {
		fprintf(stderr, "ringfill: process %d holds no sonde event buffer\n", c.pid);
		return 1;
	}
	skel = load(&m);
	if (!skel || fill_templates(skel, c.kind)) {
		fprintf(stderr, "ringfill: cannot set up the producer for '%s'\n", c.kind);
		return 1;
	}
	lost0 = lost_of(&m);
	r.cpu0 = cpu_of(c.pid);
	if (produce(&c, bpf_program__fd(skel->progs.ringfill), &r))
		return 1;
	r.lost = lost_of(&m) - lost0;
	wait_drained(&m, c.pid, &r);
	r.cpu1 = cpu_of(c.pid);
	printf("%llu %llu %.3f %.0f %.1f %.1f %.1f\n", (unsigned long long)r.sent,
	       (unsigned long long)r.lost, (r.t_end - r.t0) / 1e9,
	       r.sent / ((r.t_end - r.t0) / 1e9), (r.t_drained - r.t_end) / 1e6,
	       r.sent ? (double)r.run_ns / r.sent : 0.0,
	       r.sent > r.lost ? (double)(r.cpu1 - r.cpu0) / (r.sent - r.lost) : 0.0);
	bench_ringfill_bpf__destroy(skel);
	return 0;
}
