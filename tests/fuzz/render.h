/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* The runs fuzz_render feeds records to: every streaming tool, in text and
 * JSON and with the options that change what a row shows (not -C, which
 * walks the cgroup tree). An input's first byte is the index of its run in
 * this list, so a run is only ever appended: the seed corpus
 * (corpus/render/, written by render_seeds) names runs by their index.
 *
 * A main does what it always does before its event loop, and some of that
 * asks the kernel: opensnoop, statsnoop and mountsnoop look in tracefs for
 * the syscall tracepoints there are (as root, mounting tracefs if it is not
 * there, as the tools do), tcpdrop reads the names of its drop reasons from
 * the kernel's BTF (Linux 5.17+) and, with -l, /proc/kallsyms at its first
 * event. Nothing is loaded; a run that ends before its event loop stops the
 * harness at its start. capable is told its hook: left to choose, it would
 * load and attach programs to see which hook works, and a row reads the
 * same whatever the hook. */
#ifndef SONDE_TESTS_FUZZ_RENDER_H
#define SONDE_TESTS_FUZZ_RENDER_H

#include <stddef.h>

#define RENDER_RUNS(R)                                                                             \
	R(bindsnoop, "")                                                                           \
	R(bindsnoop, "-j")                                                                         \
	R(bindsnoop, "-U -T")                                                                      \
	R(bindsnoop, "-t")                                                                         \
	R(capable, "--hook=tracepoint")                                                            \
	R(capable, "--hook=tracepoint -j")                                                         \
	R(capable, "--hook=tracepoint -T")                                                         \
	R(capable, "--hook=tracepoint -t")                                                         \
	R(execsnoop, "")                                                                           \
	R(execsnoop, "-j")                                                                         \
	R(execsnoop, "-q -U")                                                                      \
	R(execsnoop, "--max-args=2 -T")                                                            \
	R(execsnoop, "-t -n a -l b")                                                               \
	R(exitsnoop, "")                                                                           \
	R(exitsnoop, "-j")                                                                         \
	R(exitsnoop, "-T")                                                                         \
	R(exitsnoop, "-t")                                                                         \
	R(killsnoop, "")                                                                           \
	R(killsnoop, "-j")                                                                         \
	R(killsnoop, "-T")                                                                         \
	R(killsnoop, "-t -n a")                                                                    \
	R(mountsnoop, "")                                                                          \
	R(mountsnoop, "-j")                                                                        \
	R(mountsnoop, "-T")                                                                        \
	R(mountsnoop, "-t")                                                                        \
	R(oomkill, "")                                                                             \
	R(oomkill, "-j")                                                                           \
	R(oomkill, "-T")                                                                           \
	R(oomkill, "-t")                                                                           \
	R(opensnoop, "")                                                                           \
	R(opensnoop, "-j")                                                                         \
	R(opensnoop, "-e")                                                                         \
	R(opensnoop, "-e -j")                                                                      \
	R(opensnoop, "-U -T")                                                                      \
	R(opensnoop, "-t -n a")                                                                    \
	R(statsnoop, "")                                                                           \
	R(statsnoop, "-j")                                                                         \
	R(statsnoop, "-U -T")                                                                      \
	R(statsnoop, "-t")                                                                         \
	R(tcpaccept, "")                                                                           \
	R(tcpaccept, "-j")                                                                         \
	R(tcpaccept, "-U -T")                                                                      \
	R(tcpaccept, "-t")                                                                         \
	R(tcpconnect, "")                                                                          \
	R(tcpconnect, "-j")                                                                        \
	R(tcpconnect, "-s -U")                                                                     \
	R(tcpconnect, "-L")                                                                        \
	R(tcpconnect, "-L -j")                                                                     \
	R(tcpconnect, "-L -s -T")                                                                  \
	R(tcpconnect, "-t")                                                                        \
	R(tcpdrop, "")                                                                             \
	R(tcpdrop, "-j")                                                                           \
	R(tcpdrop, "-l -U -T")                                                                     \
	R(tcpdrop, "-l -j")                                                                        \
	R(tcpdrop, "-t")                                                                           \
	R(tcplife, "")                                                                             \
	R(tcplife, "-j")                                                                           \
	R(tcplife, "-w")                                                                           \
	R(tcplife, "-w -U -T")                                                                     \
	R(tcplife, "-t")                                                                           \
	R(tcpretrans, "")                                                                          \
	R(tcpretrans, "-j")                                                                        \
	R(tcpretrans, "-U -T")                                                                     \
	R(tcpretrans, "-t")                                                                        \
	R(runqslower, "")                                                                          \
	R(runqslower, "-j")                                                                        \
	R(runqslower, "-P -T 0")                                                                   \
	R(biosnoop, "")                                                                            \
	R(biosnoop, "-j")                                                                          \
	R(biosnoop, "-Q -T -C")                                                                    \
	R(capable, "--hook=tracepoint -K")                                                         \
	R(capable, "--hook=tracepoint -K -j")                                                      \
	R(tcpdrop, "-K")                                                                           \
	R(tcpdrop, "-K -l -j")                                                                     \
	R(filelife, "")                                                                            \
	R(filelife, "-j")                                                                          \
	R(filelife, "-U -T")                                                                       \
	R(fsslower, "")                                                                            \
	R(fsslower, "-j")                                                                          \
	R(fsslower, "-T 0")                                                                        \
	R(tcpstates, "")                                                                           \
	R(tcpstates, "-j")                                                                         \
	R(tcpstates, "-w -U -T")                                                                   \
	R(gethostlatency, "")                                                                      \
	R(gethostlatency, "-j -T")                                                                 \
	R(sslsniff, "")                                                                            \
	R(sslsniff, "-j")                                                                          \
	R(sslsniff, "--hexdump -t")                                                                \
	R(sslsniff, "--raw -j")                                                                    \
	R(sslsniff, "--no-data")

#define RENDER_COUNT(name, opts) +1
enum { RENDER_NRUNS = 0 RENDER_RUNS(RENDER_COUNT) };

/* The largest record: a path tool's (struct pathcall_event). */
#define RENDER_RECORD_MAX (72 + 4096 + 4096)

/* Writes into buf (RENDER_RECORD_MAX bytes) a record of the run's tool as
 * its BPF side sends it (sized as sent), with plausible values and strings
 * with bytes to escape; returns its size. */
size_t render_record(unsigned run, void *buf);
/* "12-execsnoop-t-n-a-l-b": the run's index, tool and options without
 * their dashes. */
void render_run_name(unsigned run, char *buf, size_t len);

#endif
