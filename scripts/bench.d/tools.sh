#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# Every tool's startup, peak memory and size, measured in one run, printed as
# one markdown section on stdout (scripts/bench appends it to
# docs/performance.md); progress on stderr. Root.
#
# 1. Startup: milliseconds from exec to the line "tracing; Ctrl-C to stop"
#    (printed with -v once every program is attached), with bench/startup,
#    stdout a terminal; next to each, Debian's libbpf-tools namesake where
#    there is one, to the first line it prints once attached (its column
#    header); the tools take turns, A B C ... A B C, 10 rounds (3 with
#    BENCH_QUICK=1).
# 2. Peak RSS (ru_maxrss, bench/maxrss) of a 2-second run (-d 2) while a
#    ticker execs /bin/true every 2 ms, so the event tools have events to
#    read. The peak includes loading, when libbpf holds the kernel's BTF.
# 3. Size of the static binary, and stripped.
#
# xdpdrop runs on the loopback of a network namespace of this script; no
# other tool attaches to a network interface.
#
#	scripts/bench.d/tools.sh        # BUILD_DIR (default build/) holds the build
set -euo pipefail

part="tools bench"
# shellcheck source=scripts/bench.d/common.bash
. "$(dirname "$0")/common.bash"
reps=10
((${BENCH_QUICK:-0})) && reps=3
startup=$build/bench/startup
maxrss=$build/bench/maxrss
ticker=$build/bench/ticker
ns=sonde-bench-$$
work=$(mktemp -d /tmp/sonde-bench.XXXXXX)
tick_pid=

cleanup() {
	set +e
	[[ -n $tick_pid ]] && kill "$tick_pid" 2>/dev/null && wait "$tick_pid" 2>/dev/null
	ip netns del "$ns" 2>/dev/null
	rm -rf "$work"
}
trap cleanup EXIT

(($(id -u) == 0)) || die "needs root"
for f in "$startup" "$maxrss" "$ticker" "$build/tools.list"; do
	[[ -e $f ]] || die "$f is not built (cmake -B build && cmake --build build)"
done
mapfile -t tools <"$build/tools.list"
ip netns add "$ns"
ip -n "$ns" link set lo up

# cmd TOOL ARGS...: the command line that runs TOOL with ARGS, into c[].
cmd() {
	local t=$1
	shift
	c=("$build/bin/$t" "$@")
	[[ $t == xdpdrop ]] && c=(ip netns exec "$ns" "$build/bin/$t" -i lo --dport 9 "$@")
	return 0
}

# The line each libbpf-tools namesake prints once it has attached.
declare -A lbt_line=([execsnoop]=PCOMM [exitsnoop]=PCOMM [killsnoop]=SIG [mountsnoop]=MNT_NS
	[opensnoop]=PATH [statsnoop]=PATH [syscount]=Tracing [tcplife]=LADDR [bindsnoop]=PID
	[capable]=CAP [oomkill]=Tracing [tcpconnect]=PID)
lbt=/usr/sbin

# --- 1. startup ---------------------------------------------------------------
declare -A ms=() lms=() lwhy=() rss=() why=()
for ((i = 1; i <= reps; i++)); do
	log "startup round $i/$reps"
	for t in "${tools[@]}"; do
		cmd "$t" -v
		# The ready line is on stderr; bench/startup reads stdout.
		if "$startup" -t -w 10000 'tracing; Ctrl-C to stop' sh -c 'exec "$@" 2>&1' sh "${c[@]}" \
			>"$work/s.out" 2>"$work/s.err"; then
			ms[$t]+=" $(<"$work/s.out")"
		else
			why[$t]="startup: $(tail -n1 "$work/s.err")"
		fi
		[[ -n ${lbt_line[$t]:-} && -x $lbt/$t && -z ${lwhy[$t]:-} ]] || continue
		# shellcheck disable=SC2016 # the inner shell's $@ and $0
		if "$startup" -t -w 10000 "${lbt_line[$t]}" sh -c 'exec "$@" 2>"$0"' "$work/l.err" "$lbt/$t" \
			>"$work/s.out" 2>"$work/s.err"; then
			lms[$t]+=" $(<"$work/s.out")"
		else
			# Its own words, when it gave up (a hook this kernel lacks).
			lwhy[$t]=$(grep -m1 -e 'failed to' "$work/l.err" || tail -n1 "$work/s.err")
			lwhy[$t]=${lwhy[$t]//|/\\|}
			lwhy[$t]=${lwhy[$t]:0:100}
		fi
	done
done

# --- 2. peak RSS ----------------------------------------------------------------
ln -s /bin/true "$work/benchtick"
"$ticker" "$work/benchtick" 2000 600 tick >/dev/null 2>&1 &
tick_pid=$!
for t in "${tools[@]}"; do
	log "peak RSS of $t"
	cmd "$t" -j -d 2
	if "$maxrss" "$work/rss" "${c[@]}" >/dev/null 2>"$work/r.err"; then
		read -r kb _ <"$work/rss"
		rss[$t]=$kb
	else
		why[$t]+=" rss: $(tail -n1 "$work/r.err")"
	fi
done
kill "$tick_pid" 2>/dev/null || true
wait "$tick_pid" 2>/dev/null || true
tick_pid=

# --- report -------------------------------------------------------------------
kib() { awk -v b="$1" 'BEGIN { printf "%.0f", b / 1024 }'; }
total=0 total_s=0
cat <<EOF
## Every tool: startup, peak memory, size

Startup is exec to "tracing; Ctrl-C to stop" on stderr (every program
attached), stdout a terminal, median [min–max] of $reps rounds, the tools
taking turns; libbpf-tools is Debian's package (\`/usr/sbin/TOOL\`), timed
to the first line it prints once attached, in the same rounds; ×N is its
median over sonde's. Peak RSS
is ru_maxrss of a 2-second run (\`-j -d 2\`, events from a ticker exec'ing
/bin/true every 2 ms); it is reached while loading, when libbpf 1.1 holds two
copies of the kernel's 5.2 MiB BTF (the file it reads and the one it parses):
once loaded, an event tool's resident memory is its 4 MiB ring buffer
(mapped twice, 8 MiB) plus under 2 MiB of its own. Sizes are of the static binaries.

| tool | startup (ms) | libbpf-tools startup (ms) | peak RSS (MiB) | binary (KiB) | stripped (KiB) |
| --- | --- | --- | --- | --- | --- |
EOF
for t in "${tools[@]}"; do
	b=$build/bin/$t
	strip -o "$work/stripped" "$b"
	size=$(stat -c %s "$b")
	ssize=$(stat -c %s "$work/stripped")
	total=$((total + size))
	total_s=$((total_s + ssize))
	# shellcheck disable=SC2086 # one value a word
	row="| $t | $(stats 1 ${ms[$t]:-} || echo failed) | "
	if [[ -n ${lms[$t]:-} ]]; then
		# shellcheck disable=SC2086
		row+="$(stats 1 ${lms[$t]}) $(awk -v a="$(median ${lms[$t]})" -v b="$(median ${ms[$t]:-0})" \
			'BEGIN { if (b > 0) printf "(×%.1f)", a / b }') | "
	elif [[ -n ${lwhy[$t]:-} ]]; then
		row+="fails here: ${lwhy[$t]} | "
	else
		row+="none | "
	fi
	if [[ -n ${rss[$t]:-} ]]; then
		row+=$(awk -v k="${rss[$t]}" 'BEGIN { printf "%.1f", k / 1024 }')
	else
		row+=failed
	fi
	row+=" | $(kib "$size") | $(kib "$ssize") |"
	echo "$row"
	[[ -z ${why[$t]:-} ]] || log "$t:${why[$t]}"
done
echo "| all $((${#tools[@]})) | | | | $(kib "$total") | $(kib "$total_s") |"
cat <<EOF

Commands (\`\$B\` the build directory, \`\$T\` a scratch directory; xdpdrop runs
as \`ip netns exec NS \$B/bin/xdpdrop -i lo --dport 9\` in a namespace of its own):

\`\`\`sh
\$B/bench/startup -t -w 10000 'tracing; Ctrl-C to stop' sh -c 'exec "\$@" 2>&1' sh \$B/bin/TOOL -v
\$B/bench/startup -t -w 10000 HEADER /usr/sbin/TOOL 2>\$T/err   # HEADER: a word of its first line
\$B/bench/ticker \$T/benchtick 2000 600 tick &     # benchtick -> /bin/true
\$B/bench/maxrss \$T/rss \$B/bin/TOOL -j -d 2 >/dev/null   # \$T/rss: "PEAK_KB STATUS"
strip -o \$T/stripped \$B/bin/TOOL; stat -c %s \$T/stripped
\`\`\`
EOF
