# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# Helpers for the tests of the scheduler tools (runqlat, runqslower,
# cpudist), loaded after helpers:
#
#	load helpers
#	load sched_helpers
#	setup()    { require_tool runqlat; require_cmd jq taskset; }
#	teardown() { sonde_teardown; }
#
# The workload is contention the test makes and controls: busy loops pinned
# to CPU 0 in a cgroup of the test's own, each ending by itself after a
# bounded time. The oracle is the kernel's own accounting of each task,
# /proc/PID/schedstat: its time on a CPU (ns), its time waiting on a run
# queue (ns), and the slices it ran.

# Bash code that spins for $1 microseconds, by the clock.
# shellcheck disable=SC2016 # expanded by the loop's bash
SCHED_SPIN='end=$((${EPOCHREALTIME/[.,]/} + $1)); while ((${EPOCHREALTIME/[.,]/} < end)); do :; done'

# How long a measured task runs between its two schedstat reads, in seconds.
SCHED_WINDOW_S=${SCHED_WINDOW_S:-2}

# busy_start DIR N SECONDS: N busy loops (bash) pinned to CPU 0 in cgroup
# DIR, each ending by itself after SECONDS; their PIDs in BUSY (tracked).
# Returns once each of them spins (its exec of taskset, then bash, done).
busy_start() {
	local dir=$1 n=$2 us=$(($3 * 1000000)) i
	BUSY=()
	for ((i = 0; i < n; i++)); do
		(
			echo "$BASHPID" >"$dir/cgroup.procs" || exit 126
			exec taskset -c 0 bash -c "$SCHED_SPIN" _ "$us"
		) 3>&- &
		BUSY+=("$!")
		sonde_track_pid "$!"
	done
	for i in "${BUSY[@]}"; do
		wait_spinning "$i" || return 1
	done
}

# wait_spinning PID: bounded wait until PID runs the spin ("bash -c ...").
wait_spinning() {
	local start=$EPOCHREALTIME arg0 arg1
	while :; do
		{ IFS= read -r -d '' arg0 && IFS= read -r -d '' arg1; } <"/proc/$1/cmdline" 2>/dev/null
		[[ $arg0 == bash && $arg1 == -c ]] && return 0
		if _sonde_deadline_passed "$start" "$SONDE_WAIT_S"; then
			sonde_fail "process $1 does not spin: $(tr '\0' ' ' <"/proc/$1/cmdline")"
			return 1
		fi
		sonde_nap 0.01
	done
}

# idle_start DIR SECONDS: a bash in cgroup DIR, pinned to CPU 1, that sleeps
# 5 ms at a time (a read that times out on a FIFO nobody writes to) for
# SECONDS; its PID in IDLE (tracked).
idle_start() {
	local dir=$1 us=$(($2 * 1000000)) fifo=$BATS_TEST_TMPDIR/idle.fifo
	[[ -p $fifo ]] || mkfifo "$fifo"
	(
		echo "$BASHPID" >"$dir/cgroup.procs" || exit 126
		# shellcheck disable=SC2016 # expanded by the loop's bash
		exec taskset -c 1 bash -c 'exec {fd}<>"$2"
			end=$((${EPOCHREALTIME/[.,]/} + $1))
			while ((${EPOCHREALTIME/[.,]/} < end)); do read -r -t 0.005 -u "$fd" _; done' \
			_ "$us" "$fifo"
	) 3>&- &
	IDLE=$!
	sonde_track_pid "$IDLE"
}

# schedstat_of PID: SCHED=(on-CPU ns, run-queue wait ns, slices) of PID.
schedstat_of() {
	read -r -a SCHED <"/proc/$1/schedstat" || sonde_fail "cannot read /proc/$1/schedstat"
}

# wait_stopped PID: bounded wait until PID is stopped (state T) and off its
# CPU: its schedstat no longer moves.
wait_stopped() {
	local pid=$1 start=$EPOCHREALTIME st prev=
	while :; do
		read -r st <"/proc/$pid/stat"
		st=${st##*) }
		if [[ ${st%% *} == T ]]; then
			[[ $(<"/proc/$pid/schedstat") == "$prev" ]] && return 0
			prev=$(<"/proc/$pid/schedstat")
		fi
		if _sonde_deadline_passed "$start" "$SONDE_WAIT_S"; then
			sonde_fail "process $pid did not stop (state ${st%% *})"
			return 1
		fi
		sonde_nap 0.02
	done
}

# sched_pause: the first of BUSY is stopped, and off its CPU.
sched_pause() {
	kill -s STOP "${BUSY[0]}"
	wait_stopped "${BUSY[0]}"
}

# The second oracle, perf: how many of the task's switches in the
# sched_switch tracepoint shows. schedstat counts every one; the tracepoint
# (and so every tracer, perf as much as sonde) misses some on the test
# machines' 6.18 kernel: it is not fired when a thread of PID 1 leaves a
# CPU (perf record -a -e sched:sched_switch for 6 s: 118 switches into
# PID 1's threads, none out of them), and the task switched in then goes
# unseen. A window of 2 s had 0 to 6 such switches into the task, of 86 to
# 430; what they end (a wait, a slice) no tracer can time.

# _sched_perf_start: perf stat counts, from the next `enable` on its control
# FIFO to the next `disable`, the sched_switch tracepoint's switches into
# the first of BUSY.
_sched_perf_start() {
	local dir=$BATS_TEST_TMPDIR
	mkfifo "$dir/perf.ctl" "$dir/perf.ack"
	exec {SCHED_PERF_CTL}<>"$dir/perf.ctl" {SCHED_PERF_ACK}<>"$dir/perf.ack"
	perf stat -x, -a -D -1 --control "fifo:$dir/perf.ctl,$dir/perf.ack" -o "$dir/perf.out" \
		-e sched:sched_switch --filter "next_pid == ${BUSY[0]}" 3>&- &
	SCHED_PERF_PID=$!
	sonde_track_pid "$SCHED_PERF_PID"
}

# _sched_perf CMD: perf stat's control command CMD, acknowledged (bounded).
_sched_perf() {
	local reply=
	echo "$1" >&"$SCHED_PERF_CTL"
	read -r -t "$SONDE_WAIT_S" -u "$SCHED_PERF_ACK" reply || true
	[[ $reply == ack ]] || sonde_fail "perf stat did not acknowledge '$1'"
}

# _sched_perf_end: stops perf; SCHED_SEEN_IN is its count.
_sched_perf_end() {
	kill -s INT "$SCHED_PERF_PID"
	wait "$SCHED_PERF_PID" || true
	SCHED_SEEN_IN=$(awk -F, '$3 == "sched:sched_switch" { print $1 }' "$BATS_TEST_TMPDIR/perf.out")
	assert_match "$SCHED_SEEN_IN" '^[0-9]+$' "perf's count of sched_switch into ${BUSY[0]}"
}

# sched_run: the first of BUSY, stopped, runs for SCHED_WINDOW_S seconds,
# from a SIGCONT to a SIGSTOP, between two reads of its schedstat:
# SCHED_DELTA=(on-CPU ns, wait ns, slices) is what the kernel counted in
# between; SCHED_SEEN_IN the slices whose switch in the tracepoint showed
# (perf), SCHED_UNSEEN the others. The window is a measurement, not a wait
# for anything.
sched_run() {
	local t=${BUSY[0]} i stolen0
	local -a before
	_sched_perf_start
	_sched_perf enable || return 1
	stolen0=$(cpu0_stolen_ticks)
	schedstat_of "$t"
	before=("${SCHED[@]}")
	kill -s CONT "$t"
	sonde_nap "$SCHED_WINDOW_S"
	kill -s STOP "$t"
	wait_stopped "$t" || return 1
	schedstat_of "$t"
	SCHED_STOLEN_NS=$((($(cpu0_stolen_ticks) - stolen0) * 1000000000 / $(getconf CLK_TCK)))
	_sched_perf disable || return 1
	_sched_perf_end || return 1
	SCHED_DELTA=()
	for i in 0 1 2; do
		SCHED_DELTA+=($((SCHED[i] - before[i])))
	done
	SCHED_UNSEEN=$((SCHED_DELTA[2] - SCHED_SEEN_IN))
}

# cpu0_stolen_ticks: CPU 0's irq, softirq and steal time so far, in clock
# ticks (/proc/stat). A task's on-CPU time in schedstat leaves out the time
# the hypervisor took its CPU away (steal, CONFIG_PARAVIRT_TIME_ACCOUNTING),
# and irq time where the kernel accounts it apart; a tracer's slice, from
# switch in to switch out, holds them.
cpu0_stolen_ticks() {
	awk '$1 == "cpu0" { print $7 + $8 + $9 }' /proc/stat
}

# sched_window TOOL ARGS...: three busy loops on CPU 0 in the test's cgroup
# "busy"; `TOOL -j -v -p <the first> ARGS` starts while the first is
# stopped, traces all of its sched_run, and is stopped (SIGINT, exit 0
# required); the task then goes on.
sched_window() {
	local tool=$1
	shift
	cgroup_create busy
	busy_start "$CGROUP_DIR" 3 30 || return 1
	sched_pause || return 1
	tool_start "$tool" -j -v -p "${BUSY[0]}" "$@" || return 1
	sched_run || return 1
	stop_ok
	kill -s CONT "${BUSY[0]}"
}

# assert_total GOT WANT MISSED MAX WHAT [MORE]: a total of times GOT (ns) is
# within 2 % of the kernel's WANT (ns, > 0), less up to MISSED times of at
# most MAX (ns) each, which no tracer could see (SCHED_UNSEEN), and plus up
# to MORE ns the kernel's figure leaves out (SCHED_STOLEN_NS for on-CPU time).
assert_total() {
	awk -v g="$1" -v w="$2" -v m="$3" -v x="$4" -v more="${6:-0}" \
		'BEGIN { exit !(w > 0 && g <= w * 1.02 + more && g >= w * 0.98 - m * x) }' || {
		sonde_fail "$5: $1 ns is not within 2 % of $2 ns (less up to $3 unseen of at most $4 ns, plus up to ${6:-0} ns stolen)"
		return 1
	}
}

# sched_check WHAT COUNT WANT SUM MAX [KERNEL_NS [MISSED [MORE]]]: after a
# sched_run, a tool saw COUNT times (at least 30) totalling SUM ns, the
# longest MAX ns; it must have seen WANT of them (those the tracepoint
# showed), totalling within 2 % of the kernel's KERNEL_NS (default its
# run_delay), less the MISSED it could not see (default SCHED_UNSEEN), plus
# up to MORE ns it leaves out (assert_total).
sched_check() {
	local what=$1 count=$2 want=$3 sum=$4 max=$5 kernel=${6:-${SCHED_DELTA[1]}}
	local missed=${7:-$SCHED_UNSEEN} more=${8:-0}
	sched_note "$what: $count, tracepoint $SCHED_SEEN_IN, schedstat ${SCHED_DELTA[2]} ($SCHED_UNSEEN unseen);" \
		"total $sum ns, schedstat $kernel ns ($(pct_off "$sum" "$kernel") %), up to $more ns left out"
	((count >= 30)) || sonde_fail "$what: only $count in ${SCHED_WINDOW_S}s of contention"
	assert_eq "$count" "$want" "$what, against the switches in the tracepoint showed"
	assert_total "$sum" "$kernel" "$missed" "$max" "$what, total" "$more"
}

# sched_note TEXT...: TEXT on the TAP stream (what a test measured), then
# what the tool said on stderr besides its ready line (lost counts).
sched_note() {
	echo "# $*" >&3
	grep -v -e 'tracing; Ctrl-C to stop' -e ': attached ' -e ': cgroup filter: ' "$TOOL_ERR" |
		sed 's/^/#   stderr: /' >&3 || true
}

# pct_off GOT WANT: how far GOT is from WANT, in % of WANT (two decimals).
pct_off() {
	awk -v g="$1" -v w="$2" 'BEGIN { printf "%+.2f", w ? (g - w) * 100 / w : 0 }'
}

# asleep_start: a process of the test's own that sleeps for 60 s (tracked),
# its PID in ASLEEP: it neither runs nor waits while a test watches it.
asleep_start() {
	sleep 60 3>&- &
	ASLEEP=$!
	sonde_track_pid "$ASLEEP"
}
