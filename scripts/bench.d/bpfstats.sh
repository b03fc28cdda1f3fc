#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# In-kernel cost per run of every tool's programs against the floor, printed
# as one markdown section on stdout (scripts/bench appends it to
# docs/performance.md); progress on stderr. Root.
#
# With kernel.bpf_stats_enabled=1 the kernel keeps, for every program, the
# time spent in it and how often it ran (run_time_ns, run_cnt). Each tool in
# turn runs with -v (its "attached SECTION" lines name its hooks) next to
# bench/floor, which attaches programs that do nothing to the same hooks;
# while both run, a workload of execs (a ticker running /bin/true every
# millisecond, which also opens, stats, exits and signals its parent) and
# loopback TCP connects makes their events. The cost per run is the sum of
# run_time_ns over the sum of run_cnt, the tool's programs and the floor's
# taken alike. xdpdrop is measured per packet with BPF_PROG_TEST_RUN in its
# own section.
#
#	scripts/bench.d/bpfstats.sh     # BUILD_DIR (default build/) holds the build
set -euo pipefail

part="bpfstats bench"
# shellcheck source=scripts/bench.d/common.bash
. "$(dirname "$0")/common.bash"
secs=3
((${BENCH_QUICK:-0})) && secs=1
floor=$build/bench/floor
ticker=$build/bench/ticker
work=$(mktemp -d /tmp/sonde-bench.XXXXXX)
pids=()
old_stats=

cleanup() {
	set +e
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null && wait "$p" 2>/dev/null; done
	[[ -n $old_stats ]] && sysctl -qw "kernel.bpf_stats_enabled=$old_stats"
	rm -rf "$work"
}
trap cleanup EXIT

(($(id -u) == 0)) || die "needs root"
for f in "$floor" "$ticker" "$build/tools.list"; do
	[[ -e $f ]] || die "$f is not built (cmake -B build && cmake --build build)"
done
command -v bpftool >/dev/null || die "needs bpftool"
command -v socat >/dev/null || die "needs socat"
old_stats=$(sysctl -n kernel.bpf_stats_enabled)
sysctl -qw kernel.bpf_stats_enabled=1
ln -s /bin/true "$work/benchtick"

# The workload: execs for secs seconds, and loopback connects meanwhile.
workload() {
	local port=$((30000 + RANDOM % 20000)) i
	"$ticker" "$work/benchtick" 1000 "$secs" tick >/dev/null 2>&1 &
	local tick=$!
	socat "TCP-LISTEN:$port,bind=127.0.0.1,reuseaddr,fork" SYSTEM:'echo ok' </dev/null \
		>/dev/null 2>&1 &
	local srv=$!
	sleep 0.2
	for ((i = 0; i < 100; i++)); do
		(exec 3<>"/dev/tcp/127.0.0.1/$port" && read -r -t 2 _ <&3) 2>/dev/null || true
	done
	wait "$tick" 2>/dev/null || true
	kill "$srv" 2>/dev/null || true # it may have ended already (set -e)
	wait "$srv" 2>/dev/null || true
}

mapfile -t tools <"$build/tools.list"
declare -A row=()
for t in "${tools[@]}"; do
	[[ $t == xdpdrop ]] && continue
	log "$t"
	"$build/bin/$t" -v -j >/dev/null 2>"$work/$t.err" &
	tpid=$!
	pids+=("$tpid")
	if ! wait_for "$work/$t.err" 'tracing; Ctrl-C to stop'; then
		row[$t]="| $t | did not start: $(tail -n1 "$work/$t.err") | | | | |"
		continue
	fi
	mapfile -t hooks < <(sed -n "s/^$t: attached \([a-z_]*\/[^ ]*\).*/\1/p" "$work/$t.err")
	# Sampled by perf events it attaches itself (profile, runqlen): no hook
	# of a kind bench/floor can attach beside it.
	if ((${#hooks[@]} == 0)); then
		kill -INT "$tpid" 2>/dev/null || true
		wait "$tpid" 2>/dev/null || true
		row[$t]="| $t | perf_event (CPU clock): no floor on the same hook | | | | |"
		continue
	fi
	"$floor" "${hooks[@]}" >"$work/floor.out" 2>"$work/floor.err" &
	fpid=$!
	pids+=("$fpid")
	wait_for "$work/floor.out" 'floor: ' || die "floor did not start: $(cat "$work/floor.err")"
	read -r _ ftp fraw <"$work/floor.out"
	mapfile -t ids < <(prog_ids "$tpid")
	workload
	read -r truns tns < <(cost "${ids[@]}")
	read -r _ fns < <(cost "$ftp" "$fraw")
	kill -INT "$tpid" "$fpid" 2>/dev/null || true
	wait "$tpid" "$fpid" 2>/dev/null || true
	ratio=$(awk -v a="$tns" -v b="$fns" 'BEGIN { if (b > 0) printf "%.1f×", a / b; else printf "n/a" }')
	row[$t]="| $t | ${hooks[*]} | $truns | $tns | $fns | $ratio |"
done

cat <<EOF
## Every tool: in-kernel cost per run, against the floor

With \`kernel.bpf_stats_enabled=1\`: each tool next to \`bench/floor\`, which
attaches programs that do nothing (\`bpf/bench_floor.bpf.c\`) to the same
hooks, during $secs s of execs (a ticker running /bin/true every
millisecond) and 100 loopback TCP connects. ns/run is the sum of
\`run_time_ns\` over the sum of \`run_cnt\` of the tool's programs (the
floor's likewise); runs counts every program run of the tool, on every CPU,
whatever process caused it (the tracepoints fire for the whole machine, and
the filters run in the programs). The kernel's own cost of reaching a
program (the tracepoint, the stats clock) is outside both numbers.

| tool | hooks | runs | ns/run | floor ns/run | × floor |
| --- | --- | ---: | ---: | ---: | ---: |
EOF
for t in "${tools[@]}"; do
	[[ -n ${row[$t]:-} ]] && echo "${row[$t]}"
done
cat <<EOF

Commands (\`\$B\` the build directory):

\`\`\`sh
sysctl -w kernel.bpf_stats_enabled=1
\$B/bin/TOOL -v -j >/dev/null 2>\$T/err &          # its hooks: the "attached SECTION" lines
\$B/bench/floor SECTION... &                       # prints its two programs' IDs
\$B/bench/ticker \$T/benchtick $((1000)) $secs tick   # and 100 connects to a socat on 127.0.0.1
bpftool -j prog show id ID | jq '.run_time_ns, .run_cnt'   # for each program of each
\`\`\`
EOF
