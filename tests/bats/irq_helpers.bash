# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# What the interrupt tools' tests (hardirqs, softirqs) share: their runs
# bracketed by the kernel's own counts (/proc/interrupts, /proc/softirqs).
# Loaded after helpers:
#
#	load helpers
#	load irq_helpers

# irq_window COUNTS WORKLOAD TOOL ARGS...: TOOL -j -v ARGS from before
# WORKLOAD to after it, with COUNTS (a function printing "NAME CALLS" lines,
# the kernel's counts) run before the tool starts (IRQ_0), once it traces
# (IRQ_1), after the workload (IRQ_2) and after the tool ended (IRQ_3): the
# calls the tool counts for a NAME are at least IRQ_2 - IRQ_1 and at most
# IRQ_3 - IRQ_0, whatever else the machine does meanwhile; less one per CPU:
# the kernel counts an interrupt before its handler runs, and a handler
# still running on a CPU (its virtual CPU stolen by the host) when the tool
# detaches is in IRQ_2 but never ends while the tool watches.
irq_window() {
	local counts=$1 workload=$2 tool=$3
	shift 3
	IRQ_0=$("$counts")
	tool_start "$tool" -j -v "$@"
	IRQ_1=$("$counts")
	"$workload"
	IRQ_2=$("$counts")
	stop_ok
	IRQ_3=$("$counts")
}

# irq_check KEY MIN [NAME]: each NAME of the counts is within irq_window's
# bounds in the tool's objects (their KEY and count), and one (NAME, if
# given) moved by MIN or more between IRQ_1 and IRQ_2: the workload's own.
irq_check() {
	local key=$1 min=$2 want=${3:-} name c0 c1 c2 c3 got moved=0 cpus
	cpus=$(nproc)
	while read -r name c0 c1 c2 c3; do
		got=$(jq -s --arg k "$key" --arg n "$name" 'map(select(.[$k] == $n) | .count) | add // 0' "$TOOL_OUT")
		((got >= c2 - c1 - cpus && got <= c3 - c0)) ||
			sonde_fail "$name: counted $got, the kernel says $((c2 - c1)) (less $cpus in flight) to $((c3 - c0))" "stderr: $(<"$TOOL_ERR")"
		[[ -n $want && $name != "$want" ]] && continue
		((c2 - c1 >= min)) && moved=1
	done < <(join <(sort <<<"$IRQ_0") <(sort <<<"$IRQ_1") | join - <(sort <<<"$IRQ_2") |
		join - <(sort <<<"$IRQ_3"))
	((moved)) || sonde_fail "no count ${want:+of $want }moved by $min with the workload:" "$IRQ_1" "---" "$IRQ_2"
}

# irq_reports_each_second TOOL [WORKLOAD]: TOOL -j --count -i 1 -d 2 ends
# with exit 0 and nothing on stderr after two reports a second apart, and a
# third when the cut-short rest of the last interval counted something.
# An interval with nothing counted prints nothing: WORKLOAD (a function),
# run again and again in the background while the tool runs (every 50 ms,
# at most 200 times and 5 s), makes interrupts each second on a machine too
# quiet to.
irq_reports_each_second() {
	local tool=$1 workload=${2:-} reports pid=
	if [[ -n $workload ]]; then
		_irq_repeat "$workload" &
		pid=$!
		sonde_track_pid "$pid"
	fi
	tool_run_bounded 10 "$tool" -j --count -i 1 -d 2
	[[ -z $pid ]] || kill "$pid" 2>/dev/null || true
	assert_eq "$status" 0 "exit status"
	assert_eq "$stderr" "" "stderr"
	assert_jq "$(head -n 1 <<<"$output")" '.interval_ms > 800 and .interval_ms < 1500'
	reports=$(jq -r .time <<<"$output" | sort -u | wc -l)
	((reports == 2 || reports == 3)) || sonde_fail "$reports reports:" "$output"
}

# _irq_repeat WORKLOAD: WORKLOAD every 50 ms, at most 200 times and 5 s.
_irq_repeat() {
	local i end=$((SECONDS + 5))
	for ((i = 0; i < 200 && SECONDS < end; i++)); do
		"$1"
		sleep 0.05
	done
}
