#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# The ceiling of a tool's reader, not of a workload: events made in the
# kernel as fast as one CPU can, read on the other; printed as one markdown
# section on stdout (scripts/bench appends it to docs/performance.md);
# progress on stderr. Root, 2 CPUs or more.
#
# opensnoop and execsnoop run on CPU 1, tracing only a sleeping process of
# this script (-p), so that nothing of the machine's reaches them; their
# stdout is /dev/null, or a pipe to `cat >/dev/null` (also on CPU 1).
# bench/ringfill, on CPU 0, finds the tool's own event buffer and sends into
# it, with BPF_PROG_TEST_RUN, events shaped as the tool's (struct
# pathcall_event, struct execsnoop_event: realistic paths and command
# lines), through the tool's own sonde_output() and settings, at a set rate
# for a while; then it waits until the tool has read everything, and says
# what was sent, what the buffer had no room for (the tool's lost-event
# counter) and the CPU time the tool used per event delivered
# (/proc/PID/task/*/schedstat). Each output takes the rates in turn,
# RATES below, then as fast as ringfill can; rounds alternate the outputs.
#
# Then: user-space instructions per event of each tool's event loop
# (callgrind, when valgrind is installed; the machine has no hardware
# counters for perf stat), and what --line-buffered costs and gains:
# the kernel's time per event and the reader's at three rates, and the time
# from an event to its line in a pipe on a quiet system.
#
#	scripts/bench.d/reader.sh       # BUILD_DIR (default build/) holds the build
set -euo pipefail

part="reader bench"
# shellcheck source=scripts/bench.d/common.bash
. "$(dirname "$0")/common.bash"
reps=3 secs=1
rates=(250000 500000 1000000 1500000 2000000 3000000 4000000 0)
lb_rates=(10000 100000 300000)
if ((${BENCH_QUICK:-0})); then
	reps=1 secs=0.5
	rates=(500000 2000000 0)
	lb_rates=(10000 300000)
fi
ringfill=$build/bench/ringfill
work=$(mktemp -d /tmp/sonde-bench.XXXXXX)
idle='' tpid='' cpid=''

stop_tool() {
	[[ -n $tpid ]] && kill -INT "$tpid" 2>/dev/null && wait "$tpid" 2>/dev/null
	[[ -n $cpid ]] && wait "$cpid" 2>/dev/null
	tpid='' cpid=''
	return 0
}
cleanup() {
	set +e
	stop_tool
	[[ -n $idle ]] && kill "$idle" 2>/dev/null && wait "$idle" 2>/dev/null
	rm -rf "$work"
}
trap cleanup EXIT

(($(id -u) == 0)) || die "needs root"
(($(nproc) >= 2)) || die "needs 2 CPUs: one makes events, the other reads them"
for f in "$ringfill" "$build/bin/opensnoop" "$build/bin/execsnoop"; do
	[[ -x $f ]] || die "$f is not built (cmake -B build && cmake --build build)"
done
sleep 100000 &
idle=$!
mkfifo "$work/fifo"

# The outputs measured, for each tool: "FORMAT SINK [ENV]".
outs=("json null" "json pipe" "text null" "text pipe")
declare -A out_label=([json null]="-j > /dev/null" [json pipe]="-j \\| cat" [text null]="> /dev/null"
	[text pipe]="\\| cat" [json null perfbuf]="-j > /dev/null, perf buffer")

# start_tool TOOL FORMAT SINK [ENV] [ARGS...]: the tool on CPU 1, tracing
# only $idle; sets tpid (and cpid for a pipe); false if it did not start.
start_tool() {
	local t=$1 fmt=$2 sink=$3 env=${4:-} a=()
	shift 4 || shift $#
	[[ $fmt == json ]] && a=(-j)
	[[ $env == perfbuf ]] && export SONDE_OUTPUT=perfbuf
	# stderr first: opening the fifo waits for its reader.
	: >"$work/err"
	if [[ $sink == pipe ]]; then
		taskset -c 1 cat "$work/fifo" >/dev/null &
		cpid=$!
		taskset -c 1 "$build/bin/$t" -v -p "$idle" "${a[@]}" "$@" 2>"$work/err" >"$work/fifo" &
	else
		taskset -c 1 "$build/bin/$t" -v -p "$idle" "${a[@]}" "$@" 2>"$work/err" >/dev/null &
	fi
	tpid=$!
	unset SONDE_OUTPUT
	wait_for "$work/err" 'tracing; Ctrl-C to stop' "$tpid"
}

# step KEY TOOL RATE: one run of ringfill at RATE against $tpid (a TOOL),
# its results added to those of KEY.
declare -A sent=() lostp=() cpu=() runns=()
step() {
	local line n l rate rn rd
	line=$("$ringfill" -p "$tpid" -k "$2" -c 0 -r "$3" -d "$secs") || die "ringfill failed against $1"
	read -r n l _ rate _ rn rd <<<"$line"
	sent[$1]+=" $rate"
	lostp[$1]+=" $(awk -v l="$l" -v n="$n" 'BEGIN { printf "%.3f", n ? l / n * 100 : 0 }')"
	cpu[$1]+=" $rd"
	runns[$1]+=" $rn"
}

# --- 1. rates and loss ------------------------------------------------------------
confs=()
for t in opensnoop execsnoop; do
	for o in "${outs[@]}"; do confs+=("$t $o"); done
done
confs+=("opensnoop json null perfbuf")
for ((i = 1; i <= reps; i++)); do
	for c in "${confs[@]}"; do
		read -r t fmt sink env <<<"$c"
		log "round $i/$reps: $c"
		start_tool "$t" "$fmt" "$sink" "${env:-}" || die "$t did not start: $(tail -n 1 "$work/err")"
		for r in "${rates[@]}"; do step "$c.$r" "$t" "$r"; done
		stop_tool
	done
done

# --- 2. instructions per event ----------------------------------------------------
declare -A ir=()
if command -v valgrind >/dev/null; then
	for t in opensnoop execsnoop; do
		for fmt in json text; do
			log "callgrind: $t $fmt"
			a=()
			[[ $fmt == json ]] && a=(-j)
			: >"$work/err"
			taskset -c 1 valgrind --tool=callgrind --callgrind-out-file="$work/cg" \
				--toggle-collect=evloop_run "$build/bin/$t" -v -p "$idle" "${a[@]}" \
				>/dev/null 2>"$work/err" &
			tpid=$!
			wait_for "$work/err" 'tracing; Ctrl-C to stop' "$tpid" ||
				{ log "$t did not start under valgrind"; stop_tool; continue; }
			read -r n l _ <<<"$("$ringfill" -p "$tpid" -k "$t" -c 0 -r 10000 -d 2)"
			stop_tool
			ir[$t.$fmt]=$(awk -v n="$((n - l))" '/^summary:/ { printf "%.0f", $2 / n }' "$work/cg")
		done
	done
fi

# --- 3. --line-buffered: cost and latency ---------------------------------------------
declare -A lat=()
for ((i = 1; i <= reps; i++)); do
	for m in default line; do
		log "--line-buffered, round $i/$reps: $m"
		extra=()
		[[ $m == line ]] && extra=(--line-buffered)
		start_tool opensnoop json pipe "" "${extra[@]}" || die "opensnoop did not start"
		for r in "${lb_rates[@]}"; do step "lb.$m.$r" opensnoop "$r"; done
		stop_tool
	done
done
# Latency: 100 events at 100 a second, each line timed as it comes out of
# the pipe, against its own "time" (the minutes and seconds of it: the run
# is far shorter than an hour).
for m in default line; do
	log "latency: $m"
	extra=()
	[[ $m == line ]] && extra=(--line-buffered)
	: >"$work/err"
	taskset -c 1 "$build/bin/opensnoop" -v -j -p "$idle" "${extra[@]}" 2>"$work/err" >"$work/fifo" &
	tpid=$!
	exec {lat_fd}<"$work/fifo"
	wait_for "$work/err" 'tracing; Ctrl-C to stop' "$tpid" || die "opensnoop did not start"
	"$ringfill" -p "$tpid" -k opensnoop -c 0 -r 100 -d 1 >/dev/null &
	rf=$!
	: >"$work/lat"
	for ((k = 0; k < 100; k++)); do
		read -r -t 5 line <&"$lat_fd" || break
		now=$EPOCHREALTIME
		ts=${line:9:27} # "time":"2026-12-07T20:20:54.727780Z"
		ev=$((10#${ts:14:2} * 60000000 + 10#${ts:17:2} * 1000000 + 10#${ts:20:6}))
		s=${now%.*} u=${now#*.}
		echo $(((s % 3600) * 1000000 + 10#$u - ev)) >>"$work/lat"
	done
	wait "$rf" || true
	stop_tool
	exec {lat_fd}<&-
	lat[$m]=$(sort -n "$work/lat" | awk '{ v[NR] = $1 } END { if (NR) printf "%.2f / %.2f / %.2f",
		v[int((NR + 1) / 2)] / 1000, v[int(NR * 0.9 + 0.5)] / 1000, v[NR] / 1000 }')
done

# --- report -----------------------------------------------------------------------------
# best CONF: the highest median rate at which no round lost an event.
best() {
	local c=$1 r b=0 m
	for r in "${rates[@]}"; do
		# shellcheck disable=SC2086 # one value a word
		printf '%s\n' ${lostp[$c.$r]} | grep -qv '^0.000$' && continue
		# shellcheck disable=SC2086
		m=$(median ${sent[$c.$r]})
		awk -v m="$m" -v b="$b" 'BEGIN { exit !(m > b) }' && b=$m
	done
	printf '%.0f' "$b"
}
cat <<EOF
## The reader's ceiling: events from the kernel as fast as one CPU makes them

\`bench/ringfill\` (on CPU 0) sends events into the running tool's own event
buffer (on CPU 1 with its reader): BPF_PROG_TEST_RUN of a program
(\`bpf/bench_ringfill.bpf.c\`) that sends, through the tool's own
\`sonde_output()\` and settings, one event per run shaped as the tool's: 16
opensnoop events of paths of 9 to 56 bytes (one in five failed, one in four
creating), 8 execsnoop events of 3 to 7 arguments. The tool traces only a
sleeping process (\`-p\`), so these are all it reads, through its whole
user-space path. A cell is the events/s ringfill achieved at the rate asked,
and the share of them lost (the tool's own counter of events the buffer
had no room for), median of $reps rounds of ${secs} s; the last row is ringfill
unpaced. Reader CPU is the tool's CPU time (user and system, all threads)
from the start of a step until it has read all, per event delivered.
Load average at the end: $(cut -d' ' -f1-3 /proc/loadavg).

The tool is not changed for it, nor told: ringfill finds its buffer, its
lost-event counter and its settings among the BPF maps its process holds
(\`/proc/PID/fdinfo\`, as bpftool does) and loads its program with those maps
in place of its own. So what is measured is the binary users run, its
reader, callback and output, and nothing of a real workload's own cost (a
workload that opens files 3 million times a second would take both CPUs
itself).
EOF
for t in opensnoop execsnoop; do
	cs=()
	for c in "${confs[@]}"; do [[ $c == "$t "* ]] && cs+=("$c"); done
	printf '\n### %s\n\n| asked (events/s) |' "$t"
	for c in "${cs[@]}"; do printf ' %s |' "${out_label[${c#"$t "}]}"; done
	printf '\n| ---: |'
	for c in "${cs[@]}"; do printf ' ---: |'; done
	printf '\n'
	for r in "${rates[@]}"; do
		printf '| %s |' "${r/#0/as fast as it can}"
		for c in "${cs[@]}"; do
			# shellcheck disable=SC2086 # one value a word
			printf ' %s, %s%% lost |' "$(stats 0 ${sent[$c.$r]})" "$(median ${lostp[$c.$r]})"
		done
		printf '\n'
	done
	printf '| **highest rate with no loss in any round** |'
	for c in "${cs[@]}"; do printf ' **%s** |' "$(best "$c")"; done
	printf '\n| reader CPU per event at %s events/s (ns) |' "${rates[0]}"
	for c in "${cs[@]}"; do
		# shellcheck disable=SC2086
		printf ' %s |' "$(stats 0 ${cpu[$c.${rates[0]}]})"
	done
	printf '\n| reader CPU per event unpaced (ns) |'
	for c in "${cs[@]}"; do
		# shellcheck disable=SC2086
		printf ' %s |' "$(stats 0 ${cpu[$c.0]})"
	done
	printf '\n'
done
if ((${#ir[@]})); then
	cat <<EOF

User-space instructions per event of the tool's event loop (callgrind,
\`--toggle-collect=evloop_run\`, 20,000 events at 10,000 a second to
/dev/null): this machine has no hardware performance counters (\`perf stat
-e instructions\` is not supported here), and a count of instructions does
not move with the load of the machine as times do.

| tool | JSON | text |
| --- | ---: | ---: |
| opensnoop | ${ir[opensnoop.json]:-failed} | ${ir[opensnoop.text]:-failed} |
| execsnoop | ${ir[execsnoop.json]:-failed} | ${ir[execsnoop.text]:-failed} |
EOF
fi
cat <<EOF

### --line-buffered

opensnoop -j into a pipe to \`cat\`, without and with --line-buffered (the
kernel wakes the reader for an event when it waits: bpf/lib/stream.bpf.h).
Kernel ns/event is the producer's time per run as BPF_PROG_TEST_RUN
measures it, the wakeup included; reader the tool's CPU per event; median
[min–max] of $reps rounds. Latency is from an event's time to its line read
from the pipe (by a bash loop, whose own reading is in it), 100 events at
100/s: median / p90 / max, ms.

| events/s | kernel ns/event | with --line-buffered | reader ns/event | with --line-buffered |
| ---: | ---: | ---: | ---: | ---: |
EOF
for r in "${lb_rates[@]}"; do
	# shellcheck disable=SC2086 # one value a word
	printf '| %s | %s | %s | %s | %s |\n' "$r" "$(stats 0 ${runns[lb.default.$r]})" \
		"$(stats 0 ${runns[lb.line.$r]})" "$(stats 0 ${cpu[lb.default.$r]})" "$(stats 0 ${cpu[lb.line.$r]})"
done
cat <<EOF

Latency, event to line in the pipe (ms, median / p90 / max): ${lat[default]:-failed} by default,
${lat[line]:-failed} with --line-buffered.

Commands (\`\$B\` the build directory, \`\$P\` a sleeping process's PID):

\`\`\`sh
taskset -c 1 \$B/bin/opensnoop -j -p \$P > /dev/null &      # or | taskset -c 1 cat > /dev/null; execsnoop alike
\$B/bench/ringfill -p TOOL_PID -k opensnoop -c 0 -r RATE -d $secs   # "SENT LOST SECONDS SENT/S DRAIN_MS RUN_NS READER_NS"
SONDE_OUTPUT=perfbuf taskset -c 1 \$B/bin/opensnoop -j -p \$P > /dev/null &
valgrind --tool=callgrind --toggle-collect=evloop_run \$B/bin/opensnoop -j -p \$P > /dev/null &
\$B/bench/ringfill -p TOOL_PID -k opensnoop -r 10000 -d 2    # then: Ir / events
taskset -c 1 \$B/bin/opensnoop -j --line-buffered -p \$P | (read lines, time each)
\`\`\`
EOF
