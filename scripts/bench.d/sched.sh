#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# What the scheduler tools cost a workload that does nothing but switch:
# `perf bench sched pipe` (Debian's linux-perf: two tasks passing a token
# through a pipe, LOOPS round trips, each two wakeups and two switches)
# with no tool, with empty programs on runqlat's hooks (the floor), with
# sonde runqlat, runqlat --by-cgroup and cpudist, and with libbpf-tools'
# runqlat where it is installed; R rounds, the configurations taking turns.
# Then, with kernel.bpf_stats_enabled=1, the in-kernel cost per run of sonde
# runqlat's and libbpf-tools' programs beside bench/floor's on the same
# hooks, under one more run of the benchmark.
# Printed as one markdown section on stdout (scripts/bench appends it to
# docs/performance.md); progress on stderr. Root; perf.
#
#	scripts/bench.d/sched.sh      # BUILD_DIR (default build/) holds the build
set -euo pipefail

part="sched bench"
# shellcheck source=scripts/bench.d/common.bash
. "$(dirname "$0")/common.bash"
reps=5 loops=500000
((${BENCH_QUICK:-0})) && reps=2 loops=200000
work=$(mktemp -d /tmp/sonde-bench.XXXXXX)
tpid='' fpid='' old_stats=''
cleanup() {
	set +e
	[[ -z $tpid ]] || { kill -INT "$tpid" 2>/dev/null && wait "$tpid" 2>/dev/null; }
	[[ -z $fpid ]] || { kill -INT "$fpid" 2>/dev/null && wait "$fpid" 2>/dev/null; }
	[[ -z $old_stats ]] || sysctl -qw "kernel.bpf_stats_enabled=$old_stats"
	rm -rf "$work"
}
trap cleanup EXIT

(($(id -u) == 0)) || die "needs root"
command -v perf >/dev/null || die "needs perf (linux-perf)"
hooks=(tp_btf/sched_wakeup tp_btf/sched_wakeup_new tp_btf/sched_switch)
lbt=$(command -v runqlat || true)
[[ $lbt == "$build"/* ]] && lbt=''

# start MODE: MODE's tool in the background (tpid), once it has attached.
start() {
	local ready='tracing; Ctrl-C to stop' said=$work/err i
	: >"$work/err"
	: >"$work/out"
	case $1 in
	floor)
		"$build/bench/floor" "${hooks[@]}" >"$work/out" 2>"$work/err" &
		ready='floor: ' said=$work/out
		;;
	runqlat) "$build/bin/runqlat" -v >/dev/null 2>"$work/err" & ;;
	by-cgroup) "$build/bin/runqlat" -v --by-cgroup >/dev/null 2>"$work/err" & ;;
	cpudist) "$build/bin/cpudist" -v >/dev/null 2>"$work/err" & ;;
	libbpf-tools)
		# It says nothing once attached: its programs appear in its fds.
		"$lbt" >/dev/null 2>"$work/err" &
		ready=''
		;;
	esac
	tpid=$!
	if [[ -n $ready ]]; then
		wait_for "$said" "$ready" "$tpid" || die "$1 did not start: $(cat "$work/err")"
	else
		for ((i = 0; i < 1000; i++)); do
			[[ -n $(prog_ids "$tpid") ]] && break
			sleep 0.01
		done
	fi
}

stop() {
	kill -INT "$tpid" 2>/dev/null || true
	wait "$tpid" 2>/dev/null || true
	tpid=''
}

modes=(none floor runqlat by-cgroup cpudist)
[[ -z $lbt ]] || modes+=(libbpf-tools)
declare -A ops=()
for ((r = 1; r <= reps; r++)); do
	for m in "${modes[@]}"; do
		log "round $r/$reps: $m"
		[[ $m == none ]] || start "$m"
		v=$(perf bench sched pipe -l "$loops" 2>/dev/null | awk '/ops\/sec/ { print $1 }')
		[[ $m == none ]] || stop
		[[ -n $v ]] || die "perf bench sched pipe printed no ops/sec"
		ops[$m]+=" $v"
	done
done

old_stats=$(sysctl -n kernel.bpf_stats_enabled)
sysctl -qw kernel.bpf_stats_enabled=1
declare -A bpf=()
for m in runqlat libbpf-tools; do
	[[ $m == libbpf-tools && -z $lbt ]] && continue
	log "BPF cost: $m"
	start "$m"
	"$build/bench/floor" "${hooks[@]}" >"$work/floor.out" 2>"$work/floor.err" &
	fpid=$!
	wait_for "$work/floor.out" 'floor: ' "$fpid" || die "floor did not start: $(cat "$work/floor.err")"
	read -r _ ftp fraw <"$work/floor.out"
	mapfile -t ids < <(prog_ids "$tpid")
	perf bench sched pipe -l $((loops / 5)) >/dev/null 2>&1
	read -r truns tns < <(cost "${ids[@]}")
	read -r _ fns < <(cost "$ftp" "$fraw")
	kill -INT "$fpid" 2>/dev/null || true
	wait "$fpid" 2>/dev/null || true
	fpid=''
	stop
	bpf[$m]="$truns $tns $fns"
done

# shellcheck disable=SC2086 # the values are words
base=$(median ${ops[none]})
cat <<EOF
## Scheduler tools: perf bench sched pipe

\`perf bench sched pipe -l $loops\` (two tasks passing a token through a
pipe: every round trip is two wakeups and two context switches, the hooks
runqlat and cpudist run on), $reps rounds, the configurations taking turns;
round trips per second, median [min–max], and what each configuration cost
against no tool (median against median). The floor is empty programs on
runqlat's three hooks (bench/floor). Load average at the end: $(cut -d' ' -f1-3 /proc/loadavg).

| configuration | round trips/s | lost |
| --- | ---: | ---: |
EOF
for m in "${modes[@]}"; do
	case $m in
	none) name="no tool" ;;
	floor) name="floor: empty programs on ${hooks[*]}" ;;
	runqlat) name="sonde runqlat" ;;
	by-cgroup) name="sonde runqlat --by-cgroup" ;;
	cpudist) name="sonde cpudist" ;;
	libbpf-tools) name="libbpf-tools runqlat" ;;
	esac
	# shellcheck disable=SC2086 # the values are words
	printf '| %s | %s | %s |\n' "$name" "$(stats 0 ${ops[$m]})" \
		"$([[ $m == none ]] || awk -v b="$base" -v v="$(median ${ops[$m]})" \
			'BEGIN { printf "%.1f %%", (b - v) / b * 100 }')"
done
[[ -n $lbt ]] || echo "| libbpf-tools runqlat | not installed | |"
cat <<EOF

In-kernel cost per run (\`kernel.bpf_stats_enabled\`): the tool's programs
and \`bench/floor\`'s, which do nothing on the same hooks, attached at once
under \`perf bench sched pipe -l $((loops / 5))\`; runs counts every
program run of the tool (every wakeup and switch of the machine).

| tool | runs | ns/run | floor ns/run | × floor |
| --- | ---: | ---: | ---: | ---: |
EOF
for m in runqlat libbpf-tools; do
	[[ -n ${bpf[$m]:-} ]] || continue
	read -r truns tns fns <<<"${bpf[$m]}"
	name="sonde runqlat"
	[[ $m == runqlat ]] || name="libbpf-tools runqlat"
	printf '| %s | %s | %s | %s | %s |\n' "$name" "$truns" "$tns" "$fns" \
		"$(awk -v a="$tns" -v b="$fns" 'BEGIN { if (b > 0) printf "%.1f×", a / b; else printf "n/a" }')"
done
cat <<EOF

\`\`\`sh
perf bench sched pipe -l $loops                   # alone, then beside each of:
\$B/bench/floor ${hooks[*]}
\$B/bin/runqlat [--by-cgroup]; \$B/bin/cpudist; runqlat   # (libbpf-tools')
\`\`\`
EOF
