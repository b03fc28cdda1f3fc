#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# The stack tools' cost, printed as one markdown section on stdout
# (scripts/bench appends it to docs/performance.md); progress on stderr.
# Root.
#
# 1. profile at 49 Hz on every CPU for S seconds (10; 3 with
#    BENCH_QUICK=1) while a C program built without frame pointers
#    (tests/helpers/stackchain, its qsort chain) keeps every CPU busy, with
#    --unwind fp and --unwind dwarf, 3 runs each (1 quick), taking turns:
#    the tool's CPU time per second (user + system, /usr/bin/time), its
#    BPF program's (the kernel's run_time_ns of the program, with
#    kernel.bpf_stats_enabled), peak RSS, and the share of the samples in
#    spin whose stack is whole.
# 2. Symbolizing 10,000 distinct stacks of 32 frames and writing them as
#    folded lines (bench/symbench), against a shell's maps: time and peak
#    RSS, 3 runs (1 quick).
#
#	scripts/bench.d/stack.sh        # BUILD_DIR (default build/) holds the build
set -euo pipefail

part="stack bench"
# shellcheck source=scripts/bench.d/common.bash
. "$(dirname "$0")/common.bash"
reps=3 secs=10
((${BENCH_QUICK:-0})) && reps=1 secs=3
profile=$build/bin/profile
chain=$build/tests/stackchain_nofp
symbench=$build/bench/symbench
work=$(mktemp -d /tmp/sonde-bench.XXXXXX)
busy=()
stats_was=

cleanup() {
	set +e
	for p in "${busy[@]}"; do kill "$p" 2>/dev/null && wait "$p" 2>/dev/null || true; done
	[[ -z $stats_was ]] || sysctl -qw "kernel.bpf_stats_enabled=$stats_was"
	rm -rf "$work"
}
trap cleanup EXIT

(($(id -u) == 0)) || die "needs root"
for f in "$profile" "$chain" "$symbench" /usr/bin/time; do
	[[ -x $f ]] || die "$f is missing (build with the tests; Debian's package time)"
done
stats_was=$(sysctl -n kernel.bpf_stats_enabled)
sysctl -qw kernel.bpf_stats_enabled=1

# run_time_ns PID: the run time so far of the BPF programs PID holds.
run_time_ns() {
	local id t=0
	for id in $(grep -h '^prog_id:' /proc/"$1"/fdinfo/* 2>/dev/null | cut -f2 | sort -u); do
		t=$((t + $(bpftool prog show id "$id" -j 2>/dev/null | jq -r '.run_time_ns // 0')))
	done
	echo "$t"
}

# profile_run MODE: one run; appends "CPU% BPF% RSS_KB WHOLE%" to $work/MODE.
profile_run() {
	local mode=$1 tpid pid i with of c0 c1 b0 b1 t0 t1
	/usr/bin/time -o "$work/time" -f '%e %U %S %M' "$profile" -F 49 -d "$secs" -f -v \
		--unwind "$mode" -o "$work/out" 2>"$work/err" &
	tpid=$!
	pid=
	for ((i = 0; i < 500; i++)); do
		pid=$(cat /proc/"$tpid"/task/*/children 2>/dev/null | awk '{ print $1 }')
		[[ -z $pid ]] || break
		sleep 0.01
	done
	wait_for "$work/err" "tracing; Ctrl-C to stop" "$tpid" || die "profile did not start: $(tail -n 1 "$work/err")"
	[[ -n $pid ]] || die "profile's PID not found"
	# Attached to the last second: the tool's CPU time and its program's.
	c0=$(cpu_ns "$pid") b0=$(run_time_ns "$pid") t0=$EPOCHREALTIME
	sleep $((secs - 1))
	c1=$(cpu_ns "$pid") b1=$(run_time_ns "$pid") t1=$EPOCHREALTIME
	wait "$tpid" || die "profile failed: $(tail -n 1 "$work/err")"
	read -r with of < <(awk '{ n = $NF; sub(/ [0-9]+$/, "") } /;spin$/ { of += n; if (/main;a;b;c;[^;]*qsort/) w += n }
		END { print w + 0, of + 0 }' "$work/out")
	awk -v c="$((c1 - c0))" -v b="$((b1 - b0))" -v t0="$t0" -v t1="$t1" -v with="$with" -v of="$of" '{
		ns = (t1 - t0) * 1e9
		printf "%.3f %.4f %d %.1f %.3f\n", c * 100 / ns, b * 100 / ns, $4,
		    of ? with * 100 / of : 0, $2 + $3 }' "$work/time" >>"$work/$mode"
}

# --- 1. profile at 49 Hz -----------------------------------------------------
for ((c = 0; c < $(nproc); c++)); do
	"$chain" qsort $((reps * 2 * (secs + 3) + 30)) >/dev/null 2>&1 &
	busy+=($!)
done
for ((i = 1; i <= reps; i++)); do
	for mode in fp dwarf; do
		log "profile --unwind $mode, round $i/$reps"
		profile_run "$mode"
	done
done
for p in "${busy[@]}"; do kill "$p" 2>/dev/null && wait "$p" 2>/dev/null || true; done
busy=()

# --- 2. symbolizing ------------------------------------------------------------
sleep 600 &
busy+=($!)
sym_ms=() sym_kb=()
for ((i = 1; i <= reps; i++)); do
	log "symbench round $i/$reps"
	/usr/bin/time -o "$work/time" -f '%M' "$symbench" 10000 "$$" >"$work/ms"
	sym_ms+=("$(<"$work/ms")")
	sym_kb+=("$(<"$work/time")")
done

# --- report ----------------------------------------------------------------------
col() { awk -v c="$1" '{ print $c }' "$work/$2"; }
row() {
	local mode=$1
	# shellcheck disable=SC2046 # one value a word
	echo "| $mode | $(stats 2 $(col 1 "$mode")) | $(stats 3 $(col 2 "$mode")) |" \
		"$(stats 2 $(col 5 "$mode")) |" \
		"$(stats 1 $(col 3 "$mode" | awk '{ print $1 / 1024 }')) | $(stats 0 $(col 4 "$mode")) |"
}
cat <<EOF
## Stack tools: profile at 49 Hz, and symbolizing

\`profile -F 49\` on all $(nproc) CPUs for $secs s while \`stackchain_nofp qsort\`
(tests/helpers/stackchain.c built with \`-O2 -fomit-frame-pointer\`, its chain
main → a → b → c → qsort → cmp → spin) keeps each CPU busy; \`--unwind fp\` and
\`--unwind dwarf\` take turns, median [min–max] of $reps runs. While it
traces (from its "tracing" line for $((secs - 1)) s): the tool's CPU time
(its threads' schedstat) and its BPF program's (the kernel's
\`run_time_ns\`, with \`kernel.bpf_stats_enabled\`: it runs in the sampled
tasks' time, not the tool's), each in % of one CPU. The whole run's CPU
time (user + system, /usr/bin/time) adds loading and the report at the
end: reading the symbols of every program that ran. Peak RSS includes
loading (libbpf holds the kernel's BTF) and the 16 MiB ring buffer. Whole:
the share of samples in spin that show main;a;b;c;qsort…;cmp;spin.

| --unwind | tool CPU while tracing (% of one CPU) | BPF program (% of one CPU) | whole run's CPU (s) | peak RSS (MiB) | whole stacks (%) |
| --- | --- | --- | --- | --- | --- |
$(row fp)
$(row dwarf)

Symbolizing 10,000 distinct stacks of 32 frames (8 kernel, 24 user: random
addresses of the kernel's text and of a shell's program, libraries and
vDSO) and writing them as folded lines, from a symbolizer that has read
nothing yet (bench/symbench): $(stats 0 "${sym_ms[@]}") ms, peak RSS
$(stats 1 $(printf '%s\n' "${sym_kb[@]}" | awk '{ print $1 / 1024 }')) MiB ($reps runs).

\`\`\`sh
\$B/tests/stackchain_nofp qsort SECONDS &          # one per CPU
/usr/bin/time -f '%e %U %S %M' \$B/bin/profile -F 49 -d $secs -f --unwind MODE -o \$T/out
bpftool prog show id ID -j | jq .run_time_ns      # ID: a program profile holds
/usr/bin/time -f %M \$B/bench/symbench 10000 SHELL_PID
\`\`\`
EOF
