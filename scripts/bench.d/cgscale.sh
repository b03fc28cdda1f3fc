#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# cgsyscount at scale: what counting by cgroup costs per system call, and
# what each interval's report costs, while 1, 100 and 1000 cgroups make
# calls; printed as one markdown section on stdout (scripts/bench appends it
# to docs/performance.md); progress on stderr. Root.
#
# bench/cgbusy N makes N cgroups under a directory of this script in the
# cgroup2 mount, one process in each calling getppid() in a loop, and says
# how many calls all made per second and the CPU time per call. For each N,
# 5 repetitions (2 with BENCH_QUICK=1) of, in turn: A no BPF; B bench/floor,
# empty programs on cgsyscount's hooks; C cgsyscount -j 1 (a JSON line a
# second); at N = 1000 also D cgsyscount -j -T 0 1 (every cgroup in each
# report, not the top 10). Each cgbusy run lasts 2 s (1 s quick). The added
# cost per call is taken against A of the same repetition. The CPU time of
# cgsyscount (all its threads, /proc/PID/task/*/schedstat) while cgbusy runs,
# over the reports it wrote meanwhile, is the cost of one report.
#
#	scripts/bench.d/cgscale.sh      # BUILD_DIR (default build/) holds the build
#
# Creates cgroups only under <cgroup2 mount>/sonde-bench-PID, which it
# removes on exit; stops only what it started, by PID.
set -euo pipefail

part="cgscale bench"
# shellcheck source=scripts/bench.d/common.bash
. "$(dirname "$0")/common.bash"
reps=5 secs=2
((${BENCH_QUICK:-0})) && reps=2 secs=1
sizes=(1 100 1000)
all_at=1000 # the N where -T 0 is measured too
busy=$build/bench/cgbusy
floor=$build/bench/floor
cgs=$build/bin/cgsyscount
work=$(mktemp -d /tmp/sonde-bench.XXXXXX)
cg=
declare -A live=() # PIDs we started and have not reaped

alive() {
	local s
	{ read -r s <"/proc/$1/stat"; } 2>/dev/null || return 1
	s=${s##*) }
	[[ ${s%% *} != Z ]]
}
# stop PID [SIG]: SIG (default INT) to a process we started, SIGKILL after
# 10 s; reap it.
stop() {
	local p=$1 i
	kill "-${2:-INT}" "$p" 2>/dev/null || true
	for ((i = 0; i < 200; i++)); do alive "$p" || break; sleep 0.05; done
	alive "$p" && kill -KILL "$p" 2>/dev/null
	wait "$p" 2>/dev/null || true
	unset "live[$p]"
}
# shellcheck disable=SC2317 # called by the trap
cleanup() {
	local p d i left
	set +e
	trap - EXIT
	for p in "${!live[@]}"; do stop "$p" TERM; done
	if [[ -n $cg && -d $cg ]]; then
		# cgbusy removes its cgroups even on SIGTERM; should it have been
		# killed, its children die with it (PR_SET_PDEATHSIG).
		for ((i = 0; i < 50; i++)); do
			left=0
			for d in "$cg"/b*; do
				[[ -d $d ]] || continue
				rmdir "$d" 2>/dev/null || left=1
			done
			((left)) || break
			sleep 0.1
		done
		rmdir "$cg" || log "cannot remove $cg"
	fi
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# cgroup2_mount: the cgroup2 mount point (the one mounting the hierarchy's
# root), from findmnt, which reads /proc/self/mountinfo.
cgroup2_mount() {
	findmnt -n -t cgroup2 -o TARGET,FSROOT | awk '$2 == "/" { print $1; f = 1; exit } END { exit !f }'
}

# busy N [PID]: one cgbusy run; sets $rate (calls/s) and $per (ns of CPU
# per call). With PID: $c0 $w0 (sched_ns PID) and $l0 (the lines of
# $work/cgs.out) at its start, $le the lines at its end.
busy() {
	local p rc=0
	"$busy" "$cg" "$1" "$secs" >"$work/busy.out" 2>"$work/busy.err" &
	p=$!
	live[$p]=1
	if [[ -n ${2:-} ]] && wait_for "$work/busy.out" go "$p"; then
		read -r c0 w0 < <(sched_ns "$2")
		l0=$(wc -l <"$work/cgs.out")
	fi
	wait "$p" || rc=$?
	unset "live[$p]"
	[[ -z ${2:-} ]] || le=$(wc -l <"$work/cgs.out")
	((rc == 0)) || { log "cgbusy: $(tail -n1 "$work/busy.err")"; return 1; }
	read -r rate per < <(tail -n1 "$work/busy.out")
}

(($(id -u) == 0)) || die "needs root"
for f in "$busy" "$floor" "$cgs"; do
	[[ -x $f ]] || die "$f is not built (cmake -B build && cmake --build build)"
done
mnt=$(cgroup2_mount) || die "cgroup v2 is not mounted (no cgroup2 line in /proc/self/mountinfo)"
cg=$mnt/sonde-bench-$$
mkdir "$cg"
stats_on=$(sysctl -n kernel.bpf_stats_enabled 2>/dev/null || echo "?")

# cgsyscount's hooks, as it names them with -v.
log "cgsyscount's hooks"
timeout -s INT 30 "$cgs" -v 1 1 >/dev/null 2>"$work/hooks.err" ||
	die "cgsyscount -v 1 1 failed: $(tail -n1 "$work/hooks.err")"
mapfile -t hooks < <(sed -n 's/^cgsyscount: attached \([a-z_]*\/[^ ]*\).*/\1/p' "$work/hooks.err")
((${#hooks[@]})) || die "cgsyscount named no hooks"

# tool_run N KEY ARGS...: cgsyscount ARGS during one cgbusy run; sets
# last[KEY] to the cost per call (empty when it failed). From cgbusy's start
# to the first report after its end (which still counts its calls), adds
# the CPU time and the time waiting for a CPU per report to cpu[KEY.N] and
# waitq[KEY.N].
declare -A last=() cpu=() waitq=() add=() rates=() times=()
prom_size= # bytes of the --prometheus file at N = all_at, one a repetition
# prom_watch PID: the largest $work/cgs.prom was while PID ran (its cgroups
# gone, the last file has none of them), in $work/prom.max.
prom_watch() {
	local max=0 s
	while alive "$1"; do
		s=$(stat -c %s "$work/cgs.prom" 2>/dev/null || echo 0)
		((s > max)) && max=$s
		sleep 0.1
	done
	echo "$max" >"$work/prom.max"
}
tool_run() {
	local n=$1 k=$2 p c1 w1 l1 j wp=
	shift 2
	"$cgs" -v "$@" >"$work/cgs.out" 2>"$work/cgs.err" &
	p=$!
	live[$p]=1
	if [[ $k == prom ]]; then
		prom_watch "$p" &
		wp=$!
	fi
	if ! wait_for "$work/cgs.err" 'tracing; Ctrl-C to stop' "$p"; then
		log "cgsyscount did not start: $(tail -n1 "$work/cgs.err")"
		stop "$p"
		return 0
	fi
	c0=0 w0=0 l0=0 le=0
	if busy "$n" "$p"; then
		last[$k]=$per
		for ((j = 0; j < 500; j++)); do
			(($(wc -l <"$work/cgs.out") > le)) && break
			alive "$p" || break
			sleep 0.01
		done
		read -r c1 w1 < <(sched_ns "$p")
		l1=$(wc -l <"$work/cgs.out")
		if ((l1 > l0)); then
			cpu[$k.$n]+=" $(awk -v t=$((c1 - c0)) -v l=$((l1 - l0)) 'BEGIN { printf "%.3f", t / l / 1e6 }')"
			waitq[$k.$n]+=" $(awk -v t=$((w1 - w0)) -v l=$((l1 - l0)) 'BEGIN { printf "%.3f", t / l / 1e6 }')"
		fi
	fi
	stop "$p"
	if [[ -n $wp ]]; then
		wait "$wp" || true
		prom_size+=" $(<"$work/prom.max")"
	fi
}

for n in "${sizes[@]}"; do
	for ((i = 1; i <= reps; i++)); do
		log "$n busy cgroups, repetition $i/$reps"
		last=()
		busy "$n" || continue
		bare=$per
		rates[$n]+=" $rate"
		"$floor" "${hooks[@]}" >"$work/floor.out" 2>"$work/floor.err" &
		fp=$!
		live[$fp]=1
		if wait_for "$work/floor.out" 'floor: ' "$fp"; then
			busy "$n" && last[floor]=$per
		else
			log "floor did not start: $(tail -n1 "$work/floor.err")"
		fi
		stop "$fp"
		tool_run "$n" cgs -j 1
		((n == all_at)) && tool_run "$n" all -j -T 0 1
		((n == all_at)) && tool_run "$n" prom -j 1 --prometheus "$work/cgs.prom"
		# Added cost against A of this repetition.
		for k in "${!last[@]}"; do
			add[$k.$n]+=" $(awk -v a="${last[$k]}" -v b="$bare" 'BEGIN { printf "%.2f", a - b }')"
			[[ $k != floor && -n ${last[floor]:-} ]] || continue
			x=$(awk -v a="${last[$k]}" -v f="${last[floor]}" -v b="$bare" \
				'BEGIN { if (f > b) printf "%.3f", (a - b) / (f - b) }')
			[[ -z $x ]] || times[$k.$n]+=" $x"
		done
	done
done

# cell KEY DIGITS ARRAY: "median [min–max]" of ARRAY[KEY], or n/a.
cell() {
	local -n a=$3
	# shellcheck disable=SC2086 # one value a word
	stats "$2" ${a[$1]:-} || printf 'n/a'
}
row() {
	local n=$1 k=$2 name=$3
	echo "| $name | $(cell "$n" 0 rates) | $(cell "floor.$n" 1 add) | $(cell "$k.$n" 1 add) |" \
		"$(cell "$k.$n" 2 times)× | $(cell "$k.$n" 2 cpu) | $(cell "$k.$n" 1 waitq) |"
}

cat <<EOF
## cgsyscount at scale: cost per call and per report, 1 to $all_at busy cgroups

\`bench/cgbusy N\` puts N processes, each in a cgroup of its own, calling
getppid() in a loop for $secs s on the $(nproc) CPUs; its CPU time per call is
the busy CPUs' time (N of them, at most $(nproc)) over all the calls. Each of
$reps repetitions runs it with no BPF, next to \`bench/floor\` (programs that
do nothing, on cgsyscount's hook: ${hooks[*]}), and under \`cgsyscount -j 1\`
(one JSON line a second, to a file); at N = $all_at also under
\`cgsyscount -j -T 0 1\` (every cgroup in every report rather than the top
10) and under \`cgsyscount -j 1 --prometheus FILE\` (every cgroup a series
of the file written each second; its size last). ns added per call is against the run with no BPF of the same
repetition; × floor is cgsyscount's added cost over the floor's, per
repetition. CPU per report is the CPU time of all of cgsyscount's threads
(\`/proc/PID/task/*/schedstat\`) during the cgbusy run over the reports it
wrote meanwhile; the time its threads waited on a run queue for a CPU among
the N busy processes (field 2 of schedstat), per report, is the next column. The added cost per call includes cgsyscount's reports, which take
CPU from the busy processes. kernel.bpf_stats_enabled was $stats_on.

| busy cgroups | syscalls/s, no BPF | floor: ns added/call | cgsyscount: ns added/call | × floor | CPU per report (ms) | waiting for a CPU per report (ms) |
| ---: | ---: | ---: | ---: | ---: | ---: | ---: |
EOF
for n in "${sizes[@]}"; do
	row "$n" cgs "$n"
	((n == all_at)) && row "$n" all "$n, \`-T 0\`"
	# shellcheck disable=SC2086 # one value a word
	((n == all_at)) && row "$n" prom "$n, \`--prometheus\` ($(stats 0 $prom_size || echo n/a) bytes)"
done
cat <<EOF

Commands (\`\$B\` the build directory, \`\$T\` a scratch directory, \`\$CG\`
the directory \`<cgroup2 mount>/sonde-bench-PID\` of the run):

\`\`\`sh
mkdir \$CG
\$B/bin/cgsyscount -v 1 1 2>&1 >/dev/null | grep attached   # its hooks
\$B/bench/cgbusy \$CG N $secs                 # A; prints "CALLS_PER_S NS_PER_CALL"
\$B/bench/floor ${hooks[*]} &          # B: once it prints "floor: ", cgbusy; SIGINT
\$B/bin/cgsyscount -v -j 1 >\$T/out 2>\$T/err &   # C: once "tracing; Ctrl-C to stop", cgbusy; SIGINT
\$B/bin/cgsyscount -v -j -T 0 1 >\$T/out 2>\$T/err &   # D, at N = $all_at
\$B/bin/cgsyscount -v -j 1 --prometheus \$T/cgs.prom >\$T/out 2>\$T/err &   # E, at N = $all_at
cat /proc/PID/task/*/schedstat; wc -l <\$T/out   # before and after cgbusy: field 1 is ns on CPU
\`\`\`
EOF
