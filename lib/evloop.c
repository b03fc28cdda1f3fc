// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/timerfd.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include "lib/evloop.h"
#include "lib/log.h"
#include "lib/perfread.h"
#include "lib/ringread.h"
#include "common/stream.h"

enum { EV_RING, EV_SIGNAL, EV_DURATION, EV_TICK, EV_STDOUT, EV_CGROUP, EV_CGROUP_TIMER };

static sigset_t stop_signals(void)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	return set;
}

void evloop_signals_init(void)
{
	sigset_t set = stop_signals();

	sigprocmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
}

uint64_t evloop_count(struct bpf_object *obj, unsigned slot)
{
	struct bpf_map *map = bpf_object__find_map_by_name(obj, STREAM_NAME(STREAM_COUNTS));
	int ncpu = libbpf_num_possible_cpus();
	uint64_t sum = 0, *vals;
	__u32 key = slot;

	if (!map || ncpu <= 0 || !(vals = calloc(ncpu, sizeof(*vals))))
		return 0;
	if (!bpf_map_lookup_elem(bpf_map__fd(map), &key, vals))
		for (int i = 0; i < ncpu; i++)
			sum += vals[i];
	free(vals);
	return sum;
}

static int add_fd(int ep, int fd, uint32_t events, uint64_t tag)
{
	struct epoll_event ev = { .events = events, .data.u64 = tag };

	return epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev) ? -errno : 0;
}

static int timer_fd(uint64_t first_ms, uint64_t every_ms)
{
	struct itimerspec its = {
		.it_value = { first_ms / 1000, (first_ms % 1000) * 1000000 },
		.it_interval = { every_ms / 1000, (every_ms % 1000) * 1000000 },
	};
	int fd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);

	if (fd >= 0 && timerfd_settime(fd, 0, &its, NULL)) {
		close(fd);
		return -1;
	}
	return fd;
}

/* A pipe or socket on stdout reports EPOLLERR when its reader is gone. */
static bool stdout_pollable(void)
{
	struct stat st;

	return !fstat(STDOUT_FILENO, &st) && (S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode));
}

/* Records handled before the loop looks at signals and timers again: a
 * producer faster than us would otherwise keep the reader going forever,
 * deaf to Ctrl-C and to a reader of ours that went away. */
#define EVLOOP_BATCH 4096
/* How often the ring buffer is read when the kernel has not woken us: the
 * most an event waits before it is shown. */
#define EVLOOP_POLL_MS 10

struct loop {
	int ep, sig, dur, tick, cg_timer;
	bool more;		       /* the last batch was full: read again at once */
	struct ringread rb;	       /* rb.data: NULL unless the events come through it */
	struct perfread pb;	       /* pb.pb: NULL unless the events come through it */
	uint64_t seen[STREAM_NCOUNTS]; /* counts already reported */
	const struct evloop_cfg *cfg;
};

static int on_sample(void *ctx, void *data, size_t size)
{
	struct loop *l = ctx;
	const struct evloop_cfg *cfg = l->cfg;
	int err = cfg->on_event(cfg->ctx, data, size);

	if (err)
		return err;
	/* stdio met a write error (EPIPE once the reader is gone) on a full
	 * block: stop now, not after the ring is empty. */
	if (cfg->out && ferror(cfg->out->f))
		return out_flush(cfg->out);
	return 0;
}

/* What went unreported since the last call, one line per counter that grew. */
static void report_counts(const struct evloop_cfg *cfg, struct loop *l)
{
	for (unsigned i = 0; i < STREAM_NCOUNTS; i++) {
		const char *text = i == STREAM_LOST ? "events" : cfg->notes ? cfg->notes[i] : NULL;
		uint64_t n = text ? evloop_count(cfg->obj, i) : 0;

		if (n <= l->seen[i])
			continue;
		if (i == STREAM_LOST)
			log_err("lost %llu %s", (unsigned long long)(n - l->seen[i]), text);
		else
			log_err("%llu %s", (unsigned long long)(n - l->seen[i]), text);
		l->seen[i] = n;
	}
}

/* -c's cgroup: its parent directory's inotify and a periodic check. */
static int setup_watch(const struct filter_watch *w, struct loop *l)
{
	int err = 0;

	if (w->cg_fd < 0)
		return 0;
	if (w->ino_fd >= 0)
		err = add_fd(l->ep, w->ino_fd, EPOLLIN, EV_CGROUP);
	if (err)
		return err;
	l->cg_timer = timer_fd(FILTER_WATCH_CHECK_MS, FILTER_WATCH_CHECK_MS);
	return l->cg_timer < 0 ? -errno : add_fd(l->ep, l->cg_timer, EPOLLIN, EV_CGROUP_TIMER);
}

/* True when the run ends: -c's cgroup was removed (without --follow). */
static bool check_cgroup(const struct evloop_cfg *cfg, struct loop *l, bool timer)
{
	uint64_t expirations;

	if (timer && read(l->cg_timer, &expirations, sizeof(expirations)) < 0 && errno != EAGAIN)
		return false;
	return filter_watch_check(cfg->watch);
}

/* The ring buffer, or the perf event array lib/loader.c made in its place. */
static int open_events(const struct evloop_cfg *cfg, struct loop *l, struct bpf_map *events)
{
	int err;

	if (bpf_map__type(events) == BPF_MAP_TYPE_PERF_EVENT_ARRAY) {
		err =
		    perfread_open(&l->pb, events, cfg->buffer_bytes, cfg->wake_each, on_sample, l);
		if (!err)
			err = add_fd(l->ep, perfread_fd(&l->pb), EPOLLIN, EV_RING);
	} else {
		err = ringread_open(&l->rb, events);
		if (!err)
			err = add_fd(l->ep, l->rb.fd, EPOLLIN, EV_RING);
	}
	return err;
}

static int setup(const struct evloop_cfg *cfg, struct loop *l)
{
	sigset_t set = stop_signals();
	struct bpf_map *events;
	int err;

	l->ep = epoll_create1(EPOLL_CLOEXEC);
	l->sig = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
	if (l->ep < 0 || l->sig < 0)
		return -errno;
	err = add_fd(l->ep, l->sig, EPOLLIN, EV_SIGNAL);
	if (!err && cfg->on_event) {
		events = bpf_object__find_map_by_name(cfg->obj, STREAM_NAME(STREAM_EVENTS));
		if (!events)
			return -ENOENT;
		err = open_events(cfg, l, events);
	}
	if (!err && cfg->duration_s) {
		l->dur = timer_fd(cfg->duration_s * 1000ULL, 0);
		err = l->dur < 0 ? -errno : add_fd(l->ep, l->dur, EPOLLIN, EV_DURATION);
	}
	if (!err && cfg->interval_ms && cfg->on_tick) {
		l->tick = timer_fd(cfg->interval_ms, cfg->interval_ms);
		err = l->tick < 0 ? -errno : add_fd(l->ep, l->tick, EPOLLIN, EV_TICK);
	}
	if (!err && stdout_pollable())
		err = add_fd(l->ep, STDOUT_FILENO, 0, EV_STDOUT);
	if (!err && cfg->watch)
		err = setup_watch(cfg->watch, l);
	return err;
}

static void teardown(struct loop *l)
{
	ringread_close(&l->rb);
	perfread_close(&l->pb);
	for (int *fd = &l->ep; fd <= &l->cg_timer; fd++)
		if (*fd >= 0)
			close(*fd);
}

/* How long epoll may wait: not at all after a full batch; a tool that sends
 * events (through the ring buffer or the perf buffer) polls for them; any
 * other waits for its fds alone. */
static int wait_ms(const struct loop *l)
{
	if (l->more)
		return 0;
	return l->rb.data || l->pb.pb ? EVLOOP_POLL_MS : -1;
}

static int drain(const struct evloop_cfg *cfg, struct loop *l)
{
	int n = l->rb.data ? ringread_consume(&l->rb, on_sample, l, EVLOOP_BATCH)
		: l->pb.pb ? perfread_consume(&l->pb)
			   : 0;

	if (n < 0)
		return n;
	/* The kernel may not wake us for what is left (it does once a quarter
	 * of the buffer waits): look again before sleeping. */
	l->more = n == EVLOOP_BATCH;
	return cfg->out ? out_flush(cfg->out) : 0;
}

static int tick(const struct evloop_cfg *cfg, struct loop *l, uint32_t *ticks)
{
	uint64_t expirations;
	int err;

	if (read(l->tick, &expirations, sizeof(expirations)) < 0 && errno != EAGAIN)
		return -errno;
	err = cfg->on_tick(cfg->ctx);
	if (!err && cfg->out)
		err = out_flush(cfg->out);
	report_counts(cfg, l);
	if (!err && cfg->count && ++*ticks >= cfg->count)
		return 1;
	return err;
}

/* A run that shows nothing until it ends (an interval tool without an
 * interval, a count mode) looks hung on a terminal: one line says it is
 * not. Not with -v, whose "tracing" line says the same; the ellipsis is
 * ASCII, as every message is (lib/log.h escapes other bytes). */
static void hint_quiet_run(const struct evloop_cfg *cfg)
{
	if (cfg->on_event || cfg->interval_ms || log_verbose() || !isatty(STDOUT_FILENO))
		return;
	if (cfg->duration_s)
		log_err("Tracing for %u s... Ctrl-C to end sooner.", cfg->duration_s);
	else
		log_err("Tracing... Ctrl-C to end.");
}

int evloop_run(const struct evloop_cfg *cfg)
{
	struct loop l = { .ep = -1, .sig = -1, .dur = -1, .tick = -1, .cg_timer = -1, .cfg = cfg };
	uint32_t ticks = 0;
	int err;

	err = setup(cfg, &l);
	if (err) {
		log_err("cannot set up the event loop: %s", strerror(-err));
		goto out;
	}
	/* Whatever the header or the tool wrote so far goes out now. */
	if (cfg->out && (err = out_flush(cfg->out)))
		goto out;
	log_debug("tracing; Ctrl-C to stop");
	hint_quiet_run(cfg);
	for (;;) {
		struct epoll_event evs[8];
		int n = epoll_wait(l.ep, evs, 8, wait_ms(&l));
		bool stop = false;

		if (n < 0) {
			if (errno == EINTR)
				continue;
			err = -errno;
			break;
		}
		/* The kernel wakes us only once a quarter of the buffer waits
		 * (bpf/lib/stream.bpf.h, lib/perfread.c): read it on every
		 * timeout too. */
		l.more = false;
		if (n == 0)
			err = drain(cfg, &l);
		for (int i = 0; i < n && !err && !stop; i++) {
			switch (evs[i].data.u64) {
			case EV_RING:
				err = drain(cfg, &l);
				break;
			case EV_TICK:
				err = tick(cfg, &l, &ticks);
				stop = err == 1;
				break;
			case EV_STDOUT:
				err = -EPIPE;
				break;
			case EV_CGROUP:
			case EV_CGROUP_TIMER:
				stop = check_cgroup(cfg, &l, evs[i].data.u64 == EV_CGROUP_TIMER);
				break;
			default: /* a stop signal or the end of --duration */
				stop = true;
				break;
			}
		}
		if (err || stop)
			break;
	}
	if (err == 1)
		err = 0;
	/* Events already in the buffer when the loop ends are still shown. */
	if (!err)
		err = drain(cfg, &l);
out:
	if (err != -EPIPE)
		report_counts(cfg, &l);
	teardown(&l);
	return err;
}
