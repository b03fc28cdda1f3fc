#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# What a tool adds to the syscalls it traces, and how many events per second
# opensnoop delivers without losing one; printed as one markdown section on
# stdout (scripts/bench appends it to docs/performance.md); progress on
# stderr. Root.
#
# 1. Per-event overhead. A workload makes N events on one CPU: bench/openloop
#    opens a file and closes it (an event for opensnoop; two, the openat and
#    the close, for the syscall counters), bench/execstorm forks and execs a
#    tiny static binary (an event for execsnoop). It runs bare, next to
#    bench/floor (programs that do nothing, on the tool's own hooks), under
#    the sonde tool (text, then JSON, to /dev/null), under Debian's
#    libbpf-tools namesake and under a bpftrace one-liner doing the same
#    work; the configurations take turns, A B C ... A B C. What a
#    configuration adds is its ns per iteration minus the bare run's of the
#    same round; "× floor" is that over what the floor adds. The tool's own
#    CPU time (all its threads, /proc/PID/task/*/schedstat) from the start of
#    the workload until it has read its events is its reader's cost, per
#    event of the workload.
# 2. Lossless rate. Two workers (one per CPU) try to open a file that does
#    not exist (the cheapest open an open tracer sees) at a set total rate,
#    while opensnoop -j writes to /dev/null at the default buffer size; the
#    rate is stepped up until opensnoop reports lost events.
#
#	scripts/bench.d/overhead.sh     # BUILD_DIR (default build/) holds the build
set -euo pipefail

part="overhead bench"
# shellcheck source=scripts/bench.d/common.bash
. "$(dirname "$0")/common.bash"
reps=5 open_n=300000 exec_n=3000 rate_reps=3 rate_s=2
((${BENCH_QUICK:-0})) && reps=2 open_n=50000 exec_n=500 rate_reps=1 rate_s=0.5
rates=(100000 200000 300000 400000 500000 600000 800000 1000000 1200000 0)
openloop=$build/bench/openloop
storm=$build/bench/execstorm
floor=$build/bench/floor
work=$(mktemp -d /tmp/sonde-bench.XXXXXX)
bg=

cleanup() {
	set +e
	[[ -n $bg ]] && kill -KILL -- "-$bg" 2>/dev/null && wait "$bg" 2>/dev/null
	rm -rf "$work"
}
trap cleanup EXIT

(($(id -u) == 0)) || die "needs root"
for f in "$openloop" "$storm" "$floor" "$build/bench/nop" "$build/bin/opensnoop"; do
	[[ -e $f ]] || die "$f is not built (cmake -B build && cmake --build build)"
done
command -v bpftool >/dev/null || die "needs bpftool"
lbt=/usr/sbin
bpftrace=$(command -v bpftrace || true)
cp "$build/bench/nop" "$work/stormnop"
echo sonde >"$work/file"

# wait_perf N: bounded wait (30 s) until $bg has N tracepoint programs
# attached (the peers print nothing when they are ready).
wait_perf() {
	local i
	for ((i = 0; i < 600; i++)); do
		(($(bpftool perf show 2>/dev/null | grep -c "^pid $bg ") >= $1)) && return 0
		kill -0 "$bg" 2>/dev/null || return 1
		sleep 0.05
	done
	return 1
}
# hooks TOOL: the sections TOOL attaches, from its -v lines.
hooks() {
	local out=$work/hooks.err
	timeout -s INT 10 "$build/bin/$1" -v -d 1 >/dev/null 2>"$out" || true
	sed -n "s/^$1: attached \([a-z_]*\/[^ ]*\).*/\1/p" "$out"
}

declare -A cmd=() ready=() label=()
# conf NAME LABEL READY COMMAND...: a configuration: how to start it and how
# to see that it is attached ("out:TEXT" on stdout, "err:TEXT" on stderr,
# "perf:N" tracepoint programs; none for bare).
conf() {
	label[$1]=$2 ready[$1]=$3
	cmd[$1]=$(printf '%q ' "${@:4}")
}
bt_open='tracepoint:syscalls:sys_enter_openat { @f[tid] = args->filename; }
tracepoint:syscalls:sys_exit_openat /@f[tid]/ { printf("%d %s %d %s\n", pid, comm, args->ret, str(@f[tid])); delete(@f[tid]); }'
bt_count='tracepoint:raw_syscalls:sys_exit { @[args->id] = count(); }'
bt_exec='tracepoint:syscalls:sys_enter_execve { printf("%d %s\n", pid, str(args->filename)); }'
mapfile -t h_open < <(hooks opensnoop)
mapfile -t h_count < <(hooks syscount)
mapfile -t h_exec < <(hooks execsnoop)
conf bare "no tool" none true
conf floor_open "floor: empty programs on opensnoop's ${#h_open[@]} hooks" out:floor: "$floor" "${h_open[@]}"
conf sonde_open "sonde opensnoop" "err:tracing; Ctrl-C" "$build/bin/opensnoop" -v
conf sonde_open_j "sonde opensnoop -j" "err:tracing; Ctrl-C" "$build/bin/opensnoop" -v -j
conf sonde_open_pb "sonde opensnoop, perf buffer (SONDE_OUTPUT=perfbuf)" "err:tracing; Ctrl-C" \
	env SONDE_OUTPUT=perfbuf "$build/bin/opensnoop" -v
conf sonde_open_pbj "sonde opensnoop -j, perf buffer" "err:tracing; Ctrl-C" \
	env SONDE_OUTPUT=perfbuf "$build/bin/opensnoop" -v -j
conf lbt_open "libbpf-tools opensnoop" perf:2 "$lbt/opensnoop"
conf bt_open "bpftrace opensnoop one-liner" perf:2 "$bpftrace" -e "$bt_open"
conf floor_count "floor: an empty program on syscount's ${h_count[*]}" out:floor: "$floor" "${h_count[@]}"
conf net_count "sonde syscount" "err:tracing; Ctrl-C" "$build/bin/syscount" -v
conf sonde_cg "sonde cgsyscount" "err:tracing; Ctrl-C" "$build/bin/cgsyscount" -v
conf lbt_count "libbpf-tools syscount" perf:1 "$lbt/syscount"
conf bt_count "bpftrace count() one-liner" perf:1 "$bpftrace" -e "$bt_count"
conf floor_exec "floor: empty programs on execsnoop's ${#h_exec[@]} hooks" out:floor: "$floor" "${h_exec[@]}"
conf sonde_exec "sonde execsnoop" "err:tracing; Ctrl-C" "$build/bin/execsnoop" -v
conf sonde_exec_j "sonde execsnoop -j" "err:tracing; Ctrl-C" "$build/bin/execsnoop" -v -j
conf lbt_exec "libbpf-tools execsnoop" perf:2 "$lbt/execsnoop"
conf bt_exec "bpftrace execsnoop one-liner" perf:1 "$bpftrace" -e "$bt_exec"

# The groups: a workload, its configurations, the floor they are set against.
groups=(open count exec)
declare -A confs=(
	[open]="bare floor_open sonde_open sonde_open_j sonde_open_pb lbt_open bt_open"
	[count]="bare floor_count net_count sonde_cg lbt_count bt_count"
	[exec]="bare floor_exec sonde_exec sonde_exec_j lbt_exec bt_exec")
declare -A floor_of=([open]=floor_open [count]=floor_count [exec]=floor_exec)
declare -A per_iter=([open]=1 [count]=2 [exec]=1) # events per iteration
declare -A what=(
	[open]="open + close of a file, $open_n times (opensnoop: 1 event each)"
	[count]="open + close of a file, $open_n times (2 syscalls each)"
	[exec]="fork + exec of a static binary that exits at once, $exec_n times")

# events_of GROUP: the events (syscalls for the counters) one workload makes.
events_of() {
	case $1 in
	open | count) echo $((open_n * per_iter[$1])) ;;
	exec) echo "$exec_n" ;;
	esac
}

# workload GROUP: CPU ns per iteration, on stdout.
workload() {
	local r
	case $1 in
	open | count) r=$("$openloop" "$work/file" "$open_n") && echo "${r##* }" ;;
	exec) r=$("$storm" -c "$work/stormnop" "$exec_n" 1) && echo "${r##* }" ;;
	esac
}

# start_conf NAME: start it in a session of its own ($bg), wait until it is
# attached; its output goes to $work/c.out and $work/c.err.
start_conf() {
	local r=${ready[$1]}
	bg=
	: >"$work/c.out"
	: >"$work/c.err"
	[[ $r == none ]] && return 0
	eval "setsid ${cmd[$1]} >$work/c.out 2>$work/c.err &"
	bg=$!
	case $r in
	out:*) wait_for "$work/c.out" "${r#out:}" "$bg" ;;
	err:*) wait_for "$work/c.err" "${r#err:}" "$bg" ;;
	perf:*) wait_perf "${r#perf:}" ;;
	esac
}
stop_conf() {
	local i
	[[ -n $bg ]] || return 0
	kill -INT "$bg" 2>/dev/null || true
	for ((i = 0; i < 200; i++)); do kill -0 "$bg" 2>/dev/null || break; sleep 0.05; done
	kill -KILL -- "-$bg" 2>/dev/null || true
	wait "$bg" 2>/dev/null || true
	bg=
}
# lost_in: lost events the configuration reported (sonde: "TOOL: lost N
# events", libbpf-tools and bpftrace: "Lost N events").
lost_in() {
	cat "$work/c.out" "$work/c.err" |
		sed -n 's/^[a-z]*: lost \([0-9][0-9]*\) events.*/\1/p; s/^Lost \([0-9][0-9]*\) events.*/\1/p' |
		awk '{ s += $1 } END { print s + 0 }'
}

# --- 1. per-event overhead ------------------------------------------------------
declare -A ns=() added=() lost=() why=() rcpu=()
for ((i = 1; i <= reps; i++)); do
	for g in "${groups[@]}"; do
		log "overhead: $g, round $i/$reps"
		base=
		for c in ${confs[$g]}; do
			k=$g.$c
			if [[ $c == bt_* && -z $bpftrace ]]; then
				why[$k]="bpftrace is not installed"
				continue
			fi
			if ! start_conf "$c"; then
				why[$k]="did not start: $(tail -n 1 "$work/c.err" 2>/dev/null)"
				stop_conf
				continue
			fi
			sleep 0.1
			c0=
			[[ -n $bg && $c != floor_* ]] && c0=$(cpu_ns "$bg")
			if v=$(workload "$g"); then
				ns[$k]+=" $v"
				[[ $c == bare ]] && base=$v
				[[ -n $base && $c != bare ]] &&
					added[$k]+=" $(awk -v a="$v" -v b="$base" -v e="${per_iter[$g]}" 'BEGIN { printf "%.1f", (a - b) / e }')"
			else
				why[$k]="the workload failed"
			fi
			if [[ -n $c0 ]]; then
				# The last poll's events (sonde reads every 10 ms, the
				# peers every 100 ms).
				sleep 0.3
				rcpu[$k]+=" $(awk -v a="$c0" -v b="$(cpu_ns "$bg")" -v n="$(events_of "$g")" \
					'BEGIN { printf "%.0f", (b - a) / n }')"
			fi
			stop_conf
			lost[$k]+=" $(lost_in)"
		done
	done
done

# --- 2. opensnoop's lossless rate, through each transport ---------------------------
# The ring buffer and the perf buffer, each rate's rounds of both in turn.
transports=(sonde_open_j sonde_open_pbj)
declare -A got=() gone=() cpu=() best=() first_lossy=()
for r in "${rates[@]}"; do
	for ((i = 1; i <= rate_reps; i++)); do
		for t in "${transports[@]}"; do
			log "lossless rate ($t): ${r/#0/as fast as they can} opens/s, $i/$rate_reps"
			start_conf "$t" || die "opensnoop did not start: $(tail -n 1 "$work/c.err")"
			sleep 0.1
			n=$(awk -v r="$r" -v s="$rate_s" 'BEGIN { printf "%d", (r ? r : 2000000) * s }')
			c0=$(cpu_ns "$bg")
			out=$("$openloop" "$work/absent" "$n" 2 "$r") || die "openloop failed"
			sleep 0.05 # the last poll period's events
			c1=$(cpu_ns "$bg")
			stop_conf
			got[$t.$r]+=" ${out%% *}"
			cpu[$t.$r]+=" $(awk -v a="$c0" -v b="$c1" -v n="$n" 'BEGIN { printf "%.0f", (b - a) / n }')"
			gone[$t.$r]+=" $(awk -v l="$(lost_in)" -v n="$n" 'BEGIN { printf "%.3f", l / n * 100 }')"
		done
	done
	for t in "${transports[@]}"; do
		# shellcheck disable=SC2086 # one value a word
		m=$(median ${got[$t.$r]})
		# shellcheck disable=SC2086
		if ! printf '%s\n' ${gone[$t.$r]} | grep -qv '^0.000$'; then
			awk -v m="$m" -v b="${best[$t]:-0}" 'BEGIN { exit !(m > b) }' && best[$t]=$m
		elif [[ -z ${first_lossy[$t]:-} ]]; then
			first_lossy[$t]="$m opens/s (asked ${r/#0/as fast as they can}) lost $(stats 3 ${gone[$t.$r]})% of the opens"
		fi
	done
done

# --- report ------------------------------------------------------------------------
cell() { # KEY DIGITS: the median [min–max] of ns[KEY], or why not
	# shellcheck disable=SC2086 # one value a word
	stats "$2" ${1:-} 2>/dev/null || echo "fails: ${why[$3]:-not measured}"
}
cat <<EOF
## Per-event overhead, against the floor and the peers

ns/iteration is the CPU time the workload spent per iteration, running on
one CPU while the tools' readers may use the other (the workers' and the
exec'd processes' time, from \`wait4\`/\`getrusage\`: time another process
takes on their CPU is not counted); "added" is ns/iteration minus the bare
run's of the same round, per event; "× floor" is a tool's median added over
the floor's: the floor runs programs that do nothing on the same hooks as the
sonde tool (\`bench/floor\`). Reader CPU is the tool's own CPU time, all its
threads (\`/proc/PID/task/*/schedstat\`), from the start of the workload to
0.3 s after its end (the last poll of its buffer), per event of the
workload: what reading, formatting and writing an event costs in user space
(and the system calls it makes). The peers use their own hooks (libbpf-tools'
opensnoop and the bpftrace line take openat's entry and exit, libbpf-tools'
syscount and bpftrace \`raw_syscalls:sys_exit\`). Median [min–max] of $reps
rounds, the configurations taking turns.
EOF
for g in "${groups[@]}"; do
	f=${floor_of[$g]}
	# shellcheck disable=SC2086
	fm=$(median ${added[$g.$f]:-} || true)
	# A floor whose added cost is within the noise (its rounds reach zero
	# or below) gives no ratio.
	# shellcheck disable=SC2086
	fmin=$(printf '%s\n' ${added[$g.$f]:-0} | sort -g | head -n 1)
	noisy=$(awk -v m="$fmin" 'BEGIN { print (m <= 0) }')
	((noisy)) && fm=
	printf '\n### %s\n\n' "${what[$g]}"
	echo "| configuration | ns/iteration | added ns/event | × floor | reader CPU ns/event | lost events |"
	echo "| --- | ---: | ---: | ---: | ---: | ---: |"
	for c in ${confs[$g]}; do
		k=$g.$c
		ratio=
		if [[ -n ${added[$k]:-} && -n $fm && $c != bare && $c != "$f" ]]; then
			# shellcheck disable=SC2086
			ratio=$(awk -v m="$(median ${added[$k]})" -v f="$fm" 'BEGIN { if (f > 0) printf "%.1f×", m / f }')
		fi
		# shellcheck disable=SC2086
		l=$(stats 0 ${lost[$k]:-0})
		[[ $c == bare || $c == floor_* ]] && l=
		r=
		# shellcheck disable=SC2086
		[[ -n ${rcpu[$k]:-} ]] && r=$(stats 0 ${rcpu[$k]})
		printf '| %s | %s | %s | %s | %s | %s |\n' "${label[$c]}" "$(cell "${ns[$k]:-}" 0 "$k")" \
			"$( [[ $c == bare ]] || cell "${added[$k]:-}" 0 "$k")" "$ratio" "$r" "$l"
	done
	if ((noisy)); then
		# shellcheck disable=SC2086
		fmax=$(printf '%s\n' ${added[$g.$f]:-0} | sort -g | tail -n 1)
		printf '\nNo × floor: what the floor adds is smaller than how much the workload varies\n'
		printf 'from run to run (its rounds range from %s ns to %s ns); for this\n' "$fmin" \
			"$fmax"
		printf 'workload the in-kernel cost per run (bpf_stats, below) is the exact comparison.\n'
	fi
done
cat <<EOF

## opensnoop: lossless rate

Two workers (\`bench/openloop\`, one per CPU) open a file that does not exist
at a set rate in all, $rate_s s per step, $rate_reps time(s) each,
while \`opensnoop -j\` writes every event to /dev/null with the default
4096 KiB buffer. Lost is the count opensnoop reports at exit, as a share of
the workload's opens. The last row is the workers unpaced. opensnoop's CPU
per event is the CPU time its threads used while the workers ran (from
/proc/PID/task/*/schedstat), over the workload's opens: what reading and
printing an event costs in user space.

The perf buffer (\`SONDE_OUTPUT=perfbuf\`, what a kernel without the BPF ring
buffer gets) is measured in the same rounds, in turn with the ring buffer.

| transport | asked (opens/s) | achieved (opens/s) | lost (% of opens) | opensnoop's CPU per event (ns) |
| --- | ---: | ---: | ---: | ---: |
EOF
transport_name() { [[ $1 == sonde_open_pbj ]] && echo "perf buffer" || echo "ring buffer"; }
for t in "${transports[@]}"; do
	for r in "${rates[@]}"; do
		# shellcheck disable=SC2086
		printf '| %s | %s | %s | %s | %s |\n' "$(transport_name "$t")" "${r/#0/as fast as they can}" \
			"$(stats 0 ${got[$t.$r]})" "$(stats 3 ${gone[$t.$r]})" "$(stats 0 ${cpu[$t.$r]})"
	done
done
echo
for t in "${transports[@]}"; do
	loss="no run lost an event"
	[[ -n ${first_lossy[$t]:-} ]] && loss="first loss at ${first_lossy[$t]}"
	echo "- $(transport_name "$t"): the highest rate achieved with no event lost in any run: ${best[$t]:-0} opens/s; $loss."
done
cat <<EOF

Commands (\`\$B\` the build directory, \`\$T\` a scratch directory with
\`\$T/file\` and \`\$T/stormnop\`, a copy of \`\$B/bench/nop\`):

\`\`\`sh
\$B/bin/opensnoop -v | syscount | execsnoop ... >/dev/null 2>\$T/err &   # ready: "tracing; Ctrl-C to stop"
\$B/bench/floor SECTION... &        # the sonde tool's hooks, from its "attached SECTION" lines
/usr/sbin/opensnoop >/dev/null &    # likewise syscount, execsnoop; ready: \`bpftool perf show\`
bpftrace -e '$(tr '\n' ' ' <<<"$bt_open")' >/dev/null &
bpftrace -e '$bt_count' >/dev/null &
bpftrace -e '$bt_exec' >/dev/null &
\$B/bench/openloop \$T/file $open_n            # "OPENS/S WALL_NS CPU_NS", per iteration
\$B/bench/execstorm -c \$T/stormnop $exec_n 1  # "EXECS/S CPU_NS"
\$B/bin/opensnoop -j >/dev/null & \$B/bench/openloop \$T/absent N 2 RATE
\`\`\`
EOF
