# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# shellcheck shell=bash
# Sourced by scripts/bench and its parts (scripts/bench.d/*.sh): where the
# project and its build are, and the one way every table states a sample.
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
build=${BUILD_DIR:-$top/build}
[[ $build == /* ]] || build=$PWD/$build

# stats DIGITS VALUE...: "median [min–max]" of the values (the median alone
# for one value), DIGITS decimals; returns 1 without values.
stats() {
	local d=$1
	shift
	(($#)) || return 1
	printf '%s\n' "$@" | sort -g | awk -v d="$d" '{ v[NR] = $1 }
		END { m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
		      if (NR == 1) printf "%.*f", d, m
		      else printf "%.*f [%.*f–%.*f]", d, m, d, v[1], d, v[NR] }'
}

# median VALUE...: the median of the values; returns 1 without values.
median() {
	(($#)) || return 1
	printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 }
		END { printf "%.10g", NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# log / die for a part: "$part: MESSAGE" on stderr ($part set before
# sourcing this file; scripts/bench has its own).
log() { echo "${part:-bench}: $*" >&2; }
die() { log "$*"; exit 1; }

# wait_for FILE TEXT [PID]: bounded wait (10 s) for TEXT in FILE, while PID
# (when given) lives.
wait_for() {
	local i
	for ((i = 0; i < 1000; i++)); do
		grep -qF -- "$2" "$1" 2>/dev/null && return 0
		[[ -z ${3:-} ]] || kill -0 "$3" 2>/dev/null || return 1
		sleep 0.01
	done
	return 1
}

# sched_ns PID: "CPU WAIT", the ns PID's threads have run and waited on a
# run queue for a CPU so far (fields 1 and 2 of their schedstat).
sched_ns() {
	cat /proc/"$1"/task/*/schedstat 2>/dev/null | awk '{ c += $1; w += $2 } END { printf "%d %d\n", c, w }'
}
# cpu_ns PID: the CPU time PID's threads have used, in ns.
cpu_ns() {
	local c w
	read -r c w < <(sched_ns "$1")
	printf '%d' "$c"
}

# prog_ids PID: the IDs of the BPF programs PID holds.
prog_ids() {
	grep -h -s '^prog_id:' /proc/"$1"/fdinfo/* | cut -f2 | sort -u
}

# cost IDS...: "RUNS NS_PER_RUN" summed over the programs, from the run
# statistics the kernel keeps with kernel.bpf_stats_enabled=1 (bpftool, jq).
cost() {
	local id t=0 n=0 j
	for id; do
		j=$(bpftool -j prog show id "$id" 2>/dev/null) || continue
		t=$((t + $(jq '.run_time_ns // 0' <<<"$j")))
		n=$((n + $(jq '.run_cnt // 0' <<<"$j")))
	done
	awk -v t="$t" -v n="$n" 'BEGIN { printf "%d %.1f\n", n, n ? t / n : 0 }'
}
