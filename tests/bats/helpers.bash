# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# Shared helpers for sonde's integration tests (bats-core, run as root
# against the real kernel). Every tests/bats/<tool>.bats loads this file:
#
#	load helpers
#	setup()    { require_tool execsnoop; }   # tool_start also requires BPF
#	teardown() { sonde_teardown; }
#
#	@test "..." {
#		tool_start execsnoop -x          # waits until it is tracing
#		/bin/true "$marker"              # the workload
#		wait_for_text "$marker"          # events arrive asynchronously
#		tool_stop                        # SIGINT; sets TOOL_RC
#		[ "$TOOL_RC" -eq 0 ]
#		assert_detached handle_exit_exe  # nothing of ours left in the kernel
#	}
#
# Rules these helpers keep so that tests do not flake and leave nothing behind:
# - Every wait is bounded ($SONDE_WAIT_S seconds) and polls; nothing sleeps as
#   a means of synchronisation.
# - Waiting polls with bash builtins only (no grep, no sleep): a tracing tool
#   sees every exec, and a `grep <marker>` run while it traces would itself
#   be an event carrying the marker.
# - Only processes and cgroups the test created are signalled or removed, by
#   PID or by path, in sonde_teardown.

# Where the tools are: CTest sets SONDE_BIN; by hand it defaults to ./build/bin.
SONDE_BIN=${SONDE_BIN:-$BATS_TEST_DIRNAME/../../build/bin}
# Upper bound of every wait, in seconds.
SONDE_WAIT_S=${SONDE_WAIT_S:-10}
# Polling period of the waits, in seconds.
SONDE_POLL_S=${SONDE_POLL_S:-0.02}

# What the current test started and created; sonde_teardown undoes it.
SONDE_PIDS=()
SONDE_CGROUPS=()
SONDE_PATHS=()

# The tool started last by tool_start.
TOOL_NAME=
TOOL_PID=
TOOL_RC=
TOOL_OUT=
TOOL_ERR=
TOOL_PROG_IDS=()
TOOL_PROG_NAMES=()
TOOL_LINK_IDS=()

# ---------------------------------------------------------------- basics ---

# sonde_fail MESSAGE...: print the message and fail the test (or helper).
sonde_fail() {
	printf '%s\n' "$@" >&2
	return 1
}

# sonde_nap [SECONDS]: pause for one polling period without fork or exec
# (a read with a timeout on a FIFO nobody writes to).
sonde_nap() {
	if [[ -z ${_SONDE_NAP_FD:-} ]]; then
		local fifo=$BATS_TEST_TMPDIR/.sonde-nap
		[[ -p $fifo ]] || mkfifo "$fifo"
		exec {_SONDE_NAP_FD}<>"$fifo"
	fi
	read -r -t "${1:-$SONDE_POLL_S}" -u "$_SONDE_NAP_FD" _ || true
}

# sonde_now: seconds since the epoch, with microseconds (no fork).
sonde_now() {
	printf '%s\n' "$EPOCHREALTIME"
}

# _sonde_deadline_passed START SECONDS: true once SECONDS (may have decimals)
# have passed since START (a value of $EPOCHREALTIME).
_sonde_deadline_passed() {
	local now=${EPOCHREALTIME/[.,]/} start=${1/[.,]/} s=$2 int frac=
	int=${s%%.*}
	[[ $s == *.* ]] && frac=${s#*.}
	frac=${frac}000000
	((now - start >= 10#${int:-0} * 1000000 + 10#${frac:0:6}))
}

# sonde_pid_alive PID: the process exists and is not a zombie.
sonde_pid_alive() {
	local pid=$1 stat
	kill -0 "$pid" 2>/dev/null || return 1
	# Field 3 of /proc/PID/stat is the state; the comm before it may hold
	# spaces, so cut after the last ')'.
	read -r stat 2>/dev/null <"/proc/$pid/stat" || return 1
	stat=${stat##*) }
	[[ ${stat%% *} != Z ]]
}

# sonde_track_pid PID: a background process the test started; sonde_teardown
# stops it if it is still running.
sonde_track_pid() {
	SONDE_PIDS+=("$1")
}

# sonde_tmpdir_public: a fresh directory other users can read and enter
# (bats' own temporary directories are private to root), removed in teardown.
# Sets SONDE_PUBLIC_DIR.
sonde_tmpdir_public() {
	SONDE_PUBLIC_DIR=$(mktemp -d /tmp/sonde-test.XXXXXX)
	SONDE_PATHS+=("$SONDE_PUBLIC_DIR")
	chmod 755 "$SONDE_PUBLIC_DIR"
}

# as_nobody CMD [ARGS...]: run CMD as uid and gid 65534, without groups.
as_nobody() {
	setpriv --reuid=65534 --regid=65534 --clear-groups "$@"
}

# target_start CMD [ARGS...]: a shell of ours that waits for target_go, then
# becomes CMD (an exec keeps the PID); its PID in TARGET, for -p.
target_start() {
	local fifo=$BATS_TEST_TMPDIR/go
	mkfifo "$fifo"
	# Read-write: opening never blocks, and the line waits in the pipe.
	exec {TARGET_FD}<>"$fifo"
	(
		read -r _ <"$fifo"
		exec "$@"
	) >/dev/null 2>&1 3>&- &
	TARGET=$!
	sonde_track_pid "$TARGET"
}

# target_go: let the target run CMD, and wait for it to end; returns CMD's
# exit status (`target_go || true` where CMD is meant to fail).
target_go() {
	local rc=0
	echo go >&"$TARGET_FD"
	wait "$TARGET" || rc=$?
	exec {TARGET_FD}>&-
	return "$rc"
}

# -------------------------------------------------------- preconditions ---

# require_tool TOOL: the tool's binary is built. Skips otherwise; under
# CI=true fails instead (a test that cannot run is a failure in CI).
require_tool() {
	[[ -x $SONDE_BIN/$1 ]] || _sonde_cannot_run "$SONDE_BIN/$1 is not built (set SONDE_BIN)"
}

# require_root: we are root (cgroups, setpriv, BPF). Same policy.
require_root() {
	((EUID == 0)) || _sonde_cannot_run "needs root"
}

# require_bpf [TOOL]: we can load BPF programs (root, kernel BTF) and, when
# given, TOOL is built. Skips otherwise; under CI=true fails instead.
# tool_start calls it; a test that runs a tool another way calls it itself.
require_bpf() {
	if ((EUID != 0)); then
		_sonde_cannot_run "needs root to load BPF programs"
	elif [[ ! -r /sys/kernel/btf/vmlinux ]]; then
		_sonde_cannot_run "needs kernel BTF (/sys/kernel/btf/vmlinux)"
	elif [[ -n ${1:-} ]]; then
		require_tool "$1"
	fi
}

# require_cmd CMD...: the commands a test uses are installed (same policy).
require_cmd() {
	local c
	for c; do
		command -v "$c" >/dev/null || _sonde_cannot_run "needs '$c' installed"
	done
}

_sonde_cannot_run() {
	if [[ ${CI:-} == true ]]; then
		sonde_fail "cannot run under CI=true: $1"
	else
		skip "$1"
	fi
}

# The workload of the tests that a tracer reports what the kernel used, not
# what another thread wrote meanwhile (tests/helpers/toctou.c).
TOCTOU=${SONDE_BUILD:-$BATS_TEST_DIRNAME/../../build}/tests/toctou

# require_toctou: it is built (same policy as require_tool).
require_toctou() {
	[[ -x $TOCTOU ]] || _sonde_cannot_run "$TOCTOU is not built (set SONDE_BUILD)"
}

# ------------------------------------------------------ running a tool ---

# tool_start TOOL [ARGS...]: start $SONDE_BIN/TOOL in the background, stdout
# to $TOOL_OUT and stderr to $TOOL_ERR (files in $BATS_TEST_TMPDIR), its PID
# in $TOOL_PID, and wait (bounded) until it is tracing:
# - with -v/--verbose: the line "tracing; Ctrl-C to stop" on stderr;
# - otherwise: the header line on stdout (JSON has no header: give -v).
# Options are recognised only as separate words (-j -v, not -jv).
# Nothing else runs between the ready line and the return: the test's
# workload comes right after.
tool_start() {
	local tool=$1 a verbose=0 json=0
	shift
	require_bpf "$tool"
	for a; do
		case $a in
		-v | --verbose) verbose=1 ;;
		-j | --json) json=1 ;;
		esac
	done
	if ((json && !verbose)); then
		sonde_fail "tool_start: $tool -j prints no header to wait for; add -v"
		return 1
	fi
	TOOL_NAME=$tool
	TOOL_OUT=$BATS_TEST_TMPDIR/$tool.out
	TOOL_ERR=$BATS_TEST_TMPDIR/$tool.err
	TOOL_RC=
	TOOL_PROG_IDS=()
	TOOL_PROG_NAMES=()
	TOOL_LINK_IDS=()
	# Created here: the background job opens them only once it runs.
	: >"$TOOL_OUT"
	: >"$TOOL_ERR"
	# 3>&-: bats waits for fd 3 to close; a tool must not hold it open.
	"$SONDE_BIN/$tool" "$@" >"$TOOL_OUT" 2>"$TOOL_ERR" 3>&- &
	TOOL_PID=$!
	sonde_track_pid "$TOOL_PID"
	if ((verbose)); then
		_tool_wait_ready "$TOOL_ERR" "tracing; Ctrl-C to stop" "the line 'tracing; Ctrl-C to stop' on stderr"
	else
		_tool_wait_ready "$TOOL_OUT" "" "a header line on stdout"
	fi
}

# _tool_wait_ready FILE TEXT WHAT: a complete line containing TEXT (any line,
# if TEXT is empty) appears in FILE while the tool runs.
_tool_wait_ready() {
	local file=$1 text=$2 what=$3 start=$EPOCHREALTIME line
	while :; do
		while IFS= read -r line; do
			[[ $line == *"$text"* ]] && return 0
		done <"$file"
		if ! sonde_pid_alive "$TOOL_PID"; then
			local rc=0
			wait "$TOOL_PID" || rc=$?
			TOOL_RC=$rc
			sonde_fail "$TOOL_NAME exited (status $rc) before it was ready ($what)." \
				"--- stderr:" "$(<"$TOOL_ERR")" "--- stdout:" "$(<"$TOOL_OUT")"
			return 1
		fi
		if _sonde_deadline_passed "$start" "$SONDE_WAIT_S"; then
			sonde_fail "$TOOL_NAME was not ready after ${SONDE_WAIT_S}s (waited for $what)." \
				"--- stderr:" "$(<"$TOOL_ERR")"
			return 1
		fi
		sonde_nap
	done
}

# tool_stop [SIGNAL]: send SIGNAL (default INT) to the tool and wait (bounded)
# for it to exit; its exit status goes to $TOOL_RC. A tool that does not exit
# in time is killed with SIGKILL and the test fails. Before the signal, the
# BPF programs and links the tool holds are recorded (for assert_detached).
tool_stop() {
	local sig=${1:-INT}
	[[ -n $TOOL_PID ]] || {
		sonde_fail "tool_stop: no tool was started"
		return 1
	}
	((${#TOOL_PROG_IDS[@]})) || tool_record_bpf
	kill -s "$sig" "$TOOL_PID" 2>/dev/null || true
	tool_wait_exit "$SONDE_WAIT_S"
}

# stop_ok [SIGNAL]: stop the tool (tool_stop, SIGINT by default) and require
# exit status 0.
stop_ok() {
	tool_stop "$@"
	assert_eq "$TOOL_RC" 0 "exit status"
}

# tool_wait_exit SECONDS: wait (bounded) for the tool to exit by itself (e.g.
# after --duration); sets $TOOL_RC. Kills it and fails when it does not.
tool_wait_exit() {
	local limit=$1 start=$EPOCHREALTIME rc=0
	while sonde_pid_alive "$TOOL_PID"; do
		if _sonde_deadline_passed "$start" "$limit"; then
			kill -s KILL "$TOOL_PID" 2>/dev/null || true
			wait "$TOOL_PID" 2>/dev/null || true
			sonde_fail "$TOOL_NAME (pid $TOOL_PID) did not exit within ${limit}s; killed it." \
				"--- stderr:" "$(<"$TOOL_ERR")"
			return 1
		fi
		sonde_nap
	done
	wait "$TOOL_PID" || rc=$?
	TOOL_RC=$rc
}

# tool_run_bounded SECONDS TOOL [ARGS...]: run a tool to completion in the
# foreground, like bats' `run`, but killed if it outlives SECONDS. Sets
# $status, $output (stdout only) and $stderr.
tool_run_bounded() {
	local limit=$1 tool=$2
	shift 2
	local out=$BATS_TEST_TMPDIR/run.out err=$BATS_TEST_TMPDIR/run.err
	status=0
	timeout -s KILL "$limit" "$SONDE_BIN/$tool" "$@" >"$out" 2>"$err" 3>&- || status=$?
	output=$(<"$out")
	stderr=$(<"$err")
}

# ------------------------------------------------------ reading output ---

# wait_for_text TEXT [FILE]: a line of FILE (default: the tool's stdout)
# contains TEXT (a fixed string). Bounded; fails with the tool's stderr.
wait_for_text() {
	_wait_for fixed "$1" "${2:-$TOOL_OUT}"
}

# wait_for_match REGEX [FILE]: a line of FILE (default: the tool's stdout)
# matches the extended regular expression REGEX (bash =~).
wait_for_match() {
	_wait_for regex "$1" "${2:-$TOOL_OUT}"
}

_wait_for() {
	local how=$1 pat=$2 file=$3 start=$EPOCHREALTIME line alive
	while :; do
		alive=0
		sonde_pid_alive "$TOOL_PID" && alive=1
		# Read after the liveness check: a tool that just exited has
		# written everything by now.
		while IFS= read -r line || [[ -n $line ]]; do
			if [[ $how == fixed && $line == *"$pat"* ]] ||
				[[ $how == regex && $line =~ $pat ]]; then
				return 0
			fi
		done <"$file"
		if ((!alive)); then
			sonde_fail "$TOOL_NAME exited and '$pat' never appeared in $file" \
				"--- stderr:" "$(<"$TOOL_ERR")"
			return 1
		fi
		if _sonde_deadline_passed "$start" "$SONDE_WAIT_S"; then
			sonde_fail "'$pat' did not appear in $file within ${SONDE_WAIT_S}s" \
				"--- stderr:" "$(<"$TOOL_ERR")" "--- last lines:" "$(tail -n 20 "$file")"
			return 1
		fi
		sonde_nap
	done
}

# lines_with TEXT [FILE]: print the lines of FILE (default: the tool's stdout)
# that contain TEXT (a fixed string). Use once the tool has stopped.
lines_with() {
	grep -F -e "$1" -- "${2:-$TOOL_OUT}" || true
}

# count_lines_with TEXT [FILE]: how many lines contain TEXT.
count_lines_with() {
	grep -c -F -e "$1" -- "${2:-$TOOL_OUT}" || true
}

# lines_ending SUFFIX [FILE]: the lines of FILE (default: the tool's stdout)
# that end with SUFFIX (a fixed string), e.g. " /bin/true marker" for the
# text line whose last column is exactly that.
lines_ending() {
	local line
	while IFS= read -r line || [[ -n $line ]]; do
		[[ $line == *"$1" ]] && printf '%s\n' "$line"
	done <"${2:-$TOOL_OUT}"
	return 0
}

# one_line_ending SUFFIX WHAT / one_line_with TEXT WHAT: the one line of the
# tool's stdout that ends with SUFFIX (contains TEXT), in LINE; fails unless
# there is exactly one (WHAT names such lines). Use once the tool has stopped.
one_line_ending() {
	LINE=$(lines_ending "$1")
	assert_one_line "$LINE" "$2"
}

one_line_with() {
	LINE=$(lines_with "$1")
	assert_one_line "$LINE" "$2"
}

# assert_header REGEX: the tool's first line on stdout, its header, matches
# the extended regular expression REGEX.
assert_header() {
	assert_match "$(head -n 1 "$TOOL_OUT")" "$1" "header"
}

# assert_absent TEXT [FILE]: no line contains TEXT.
assert_absent() {
	local file=${2:-$TOOL_OUT} hits
	hits=$(lines_with "$1" "$file")
	[[ -z $hits ]] || {
		sonde_fail "'$1' should not appear in $file, but:" "$hits"
		return 1
	}
}

# assert_eq ACTUAL EXPECTED [WHAT]: string equality, with both values shown
# when it fails.
assert_eq() {
	[[ $1 == "$2" ]] || {
		sonde_fail "${3:-value}: expected '$2', got '$1'"
		return 1
	}
}

# assert_match ACTUAL REGEX [WHAT]: ACTUAL matches the extended regular
# expression REGEX (bash =~).
assert_match() {
	[[ $1 =~ $2 ]] || {
		sonde_fail "${3:-value}: '$1' does not match /$2/"
		return 1
	}
}

# assert_one_line TEXT [WHAT]: TEXT is exactly one non-empty line.
assert_one_line() {
	[[ -n $1 && $1 != *$'\n'* ]] || {
		sonde_fail "${2:-output}: expected exactly one line, got:" "$1"
		return 1
	}
}

# assert_jq JSON FILTER [JQ-ARGS...]: FILTER is true for JSON (jq -e). The
# JQ-ARGS (--arg, --argjson, --args ...) come after the filter.
assert_jq() {
	local json=$1 filter=$2
	shift 2
	jq -e "$filter" "$@" <<<"$json" >/dev/null || {
		sonde_fail "jq: '$filter' is not true for:" "$json"
		return 1
	}
}

# assert_json_lines [FILE]: every line of FILE (default: the tool's stdout)
# is one JSON object, and there is at least one.
assert_json_lines() {
	local file=${1:-$TOOL_OUT} n objs
	n=$(wc -l <"$file")
	((n > 0)) || {
		sonde_fail "no JSON line in $file"
		return 1
	}
	# -R: each line is parsed on its own, so two objects on one line fail.
	objs=$(jq -R -r 'fromjson | if type == "object" then "ok" else error("not an object") end' \
		<"$file") || {
		sonde_fail "a line of $file is not one JSON object:" "$(jq -R 'fromjson' <"$file" 2>&1 >/dev/null)"
		return 1
	}
	objs=$(grep -c '^ok$' <<<"$objs")
	[[ $objs -eq $n ]] || {
		sonde_fail "$file: $n lines but $objs JSON objects"
		return 1
	}
	[[ $(tail -c 1 "$file" | od -An -tx1 | tr -d ' ') == 0a ]] || {
		sonde_fail "$file: last line is not terminated by a newline"
		return 1
	}
}

# one_event FILTER WHAT [JQ-ARGS...]: the one JSON event of the tool's stdout
# for which the jq FILTER is true, in EV; fails unless there is exactly one
# (WHAT names such events). The JQ-ARGS (--arg, --argjson) come after FILTER.
one_event() {
	local filter=$1 what=$2
	shift 2
	EV=$(jq -c "select($filter)" "$@" "$TOOL_OUT")
	assert_one_line "$EV" "$what"
}

# ------------------------------------------ checks many tools' tests make ---

# assert_usage_error TOOL TEXT [ARGS...]: TOOL ARGS is a usage error: exit 2,
# nothing on stdout, and one line on stderr, "TOOL: ...", that contains TEXT
# (a fixed string; "" for any).
assert_usage_error() {
	local tool=$1 text=$2
	shift 2
	tool_run_bounded 10 "$tool" "$@"
	assert_eq "$status" 2 "exit status of $tool $*"
	assert_eq "$output" "" "stdout of $tool $*"
	assert_one_line "$stderr" "stderr of $tool $*"
	assert_match "$stderr" "^$tool: " "stderr of $tool $*"
	[[ $stderr == *"$text"* ]] || sonde_fail "stderr of $tool $* does not name $text: $stderr"
}

# assert_bad_value TOOL OPTION VALUE ARGS...: TOOL ARGS is a usage error
# (assert_usage_error) whose line names OPTION and 'VALUE'.
assert_bad_value() {
	local tool=$1 opt=$2 val=$3
	shift 3
	assert_usage_error "$tool" "$opt" "$@"
	[[ $stderr == *"'$val'"* ]] || sonde_fail "stderr does not name '$val': $stderr"
}

# assert_cgroup_not_found TOOL CG: TOOL -c CG exits 3 with nothing on stdout
# and one line on stderr, "TOOL: cgroup 'CG' not found ...".
assert_cgroup_not_found() {
	local tool=$1 cg=$2
	tool_run_bounded 10 "$tool" -c "$cg"
	assert_eq "$status" 3 "exit status of $tool -c $cg"
	assert_eq "$output" "" "stdout of $tool -c $cg"
	assert_one_line "$stderr" "stderr of $tool -c $cg"
	[[ $stderr == "$tool: cgroup '$cg' not found"* ]] ||
		sonde_fail "stderr does not say that cgroup '$cg' is not found: $stderr"
}

# assert_unprivileged_exit TOOL: run by nobody without capabilities, TOOL
# exits 3 with one line about root and CAP_BPF.
assert_unprivileged_exit() {
	local tool=$1
	require_bpf "$tool"
	sonde_tmpdir_public
	cp "$SONDE_BIN/$tool" "$SONDE_PUBLIC_DIR/$tool"
	chmod 755 "$SONDE_PUBLIC_DIR/$tool"
	local out=$BATS_TEST_TMPDIR/unpriv.out err=$BATS_TEST_TMPDIR/unpriv.err
	status=0
	(cd / && timeout -s KILL 10 setpriv --reuid=65534 --regid=65534 --clear-groups \
		--inh-caps=-all --bounding-set=-all "$SONDE_PUBLIC_DIR/$tool" -d 1) \
		>"$out" 2>"$err" 3>&- || status=$?
	assert_eq "$status" 3 "exit status"
	assert_eq "$(<"$out")" "" "stdout"
	local msg
	msg=$(<"$err")
	assert_one_line "$msg" "stderr"
	assert_match "$msg" "^$tool: .*root.*CAP_BPF" "stderr"
}

# assert_help TOOL OPTION...: --help exits 0, names the options and ends
# with the EXAMPLES; -V prints the version.
assert_help() {
	local tool=$1 o
	shift
	tool_run_bounded 10 "$tool" --help
	assert_eq "$status" 0 "exit status"
	assert_eq "$stderr" "" "stderr"
	assert_match "$output" "^Usage: $tool " "stdout"
	for o; do
		[[ $output == *"$o"* ]] || sonde_fail "help lacks $o:" "$output"
	done
	local after
	after=$(sed -n '/^EXAMPLES:$/,$p' <<<"$output" | tail -n +2)
	[[ -n $after ]] || sonde_fail "no EXAMPLES section at the end of --help:" "$output"
	assert_eq "$(grep -v "^  $tool" <<<"$after")" "" "lines after EXAMPLES: that are not examples"

	tool_run_bounded 10 "$tool" -V
	assert_eq "$status" 0 "exit status of -V"
	assert_match "$output" "^$tool \\(sonde\\) [0-9]+\\.[0-9]+" "stdout of -V"
}

# assert_reports MIN MAX TOOL [ARG...]: an interval tool's `TOOL -j ARG...`
# (bounded) ends by itself with exit 0 and nothing on stderr, having printed
# MIN to MAX JSON objects, the first of which covers a one-second interval
# (interval_ms from 800 to 1500). Its stdout is left in $output.
assert_reports() {
	local min=$1 max=$2 tool=$3 n
	shift 3
	tool_run_bounded 10 "$tool" -j "$@"
	assert_eq "$status" 0 "exit status of $tool -j $*"
	assert_eq "$stderr" "" "stderr of $tool -j $*"
	n=$(wc -l <<<"$output")
	[[ -n $output ]] && ((n >= min && n <= max)) ||
		sonde_fail "$tool -j $*: expected $min to $max objects, got:" "$output"
	assert_jq "$(head -n 1 <<<"$output")" '.interval_ms > 800 and .interval_ms < 1500'
}

# assert_head_ends TOOL [ARG...] -- [CMD...]: `TOOL -j ARG... | head -n 1`
# ends (bounded), with exit status 0 for both, nothing on the tool's stderr
# and one JSON object through head, which is left in HEAD_LINE. CMD, which
# makes an event, runs every 50 ms until the pipeline has ended, at most 200
# times; without CMD the tool makes its output by itself (an interval tool,
# or a storm the test started: assert_head_ends_storm).
assert_head_ends() {
	local tool=$1 i
	local -a args=()
	shift
	while (($#)) && [[ $1 != -- ]]; do
		args+=("$1")
		shift
	done
	(($#)) && shift
	require_bpf "$tool"
	local out=$BATS_TEST_TMPDIR/head.out err=$BATS_TEST_TMPDIR/tool.err
	local st=$BATS_TEST_TMPDIR/pipestatus pidf=$BATS_TEST_TMPDIR/timeout.pid
	(
		(
			echo "$BASHPID" >"$pidf"
			exec timeout 20 "$SONDE_BIN/$tool" -j "${args[@]}" 2>"$err"
		) | head -n 1 >"$out"
		echo "${PIPESTATUS[*]}" >"$st"
	) 3>&- &
	sonde_track_pid "$!"
	for ((i = 0; i < 200 && $#; i++)); do
		[[ -s $st ]] && break
		"$@" || :
		sonde_nap 0.05
	done
	# The pipeline ends within timeout's 20 s whatever happened.
	local start=$EPOCHREALTIME
	until [[ -s $st ]] || _sonde_deadline_passed "$start" 25; do
		[[ -s $pidf ]] && sonde_track_pid "$(<"$pidf")"
		sonde_nap
	done
	[[ -s $st ]] || sonde_fail "the pipeline did not end" "--- stderr:" "$(<"$err")"

	local tool_rc head_rc
	read -r tool_rc head_rc <"$st"
	assert_eq "$tool_rc" 0 "$tool's exit status"
	assert_eq "$head_rc" 0 "head's exit status"
	assert_eq "$(<"$err")" "" "$tool's stderr"
	assert_eq "$(wc -l <"$out")" 1 "lines head printed"
	assert_json_lines "$out"
	# shellcheck disable=SC2034 # for the caller
	HEAD_LINE=$(<"$out")
}

# assert_head_ends_storm TOOL CMD...: assert_head_ends TOOL while CMD (a loop
# making events, run in the background and stopped afterwards) floods it.
assert_head_ends_storm() {
	local tool=$1 storm
	shift
	"$@" 3>&- &
	storm=$!
	sonde_track_pid "$storm"
	assert_head_ends "$tool" --
	kill "$storm" 2>/dev/null || true
}

# ---------------------------------------------------------------- cgroups ---

# cgroup2_mount: print the cgroup2 mount point, from /proc/self/mountinfo
# (field 5 of the line whose filesystem type, after " - ", is cgroup2).
cgroup2_mount() {
	local line left right
	local -a f
	while IFS= read -r line; do
		[[ $line == *" - "* ]] || continue
		left=${line%% - *}
		right=${line#* - }
		[[ ${right%% *} == cgroup2 ]] || continue
		read -r -a f <<<"$left"
		[[ ${f[3]} == / ]] || continue
		# mountinfo escapes space, tab, newline and backslash as \ooo.
		printf '%b\n' "${f[4]}"
		return 0
	done </proc/self/mountinfo
	return 1
}

# cgroup_create [SUBPATH]: create this test's cgroup
# <mnt>/sonde-test-<pid>-<test number>, or SUBPATH below it (creating the
# parent too). Sets CGROUP_MNT, CGROUP_DIR (absolute), CGROUP_REL (relative to
# the mount, with a leading /) and CGROUP_ID (the directory's inode number,
# which is the cgroup ID). Removed in sonde_teardown.
cgroup_create() {
	local sub=${1:-}
	require_root
	CGROUP_MNT=$(cgroup2_mount) || {
		sonde_fail "cgroup v2 is not mounted (no cgroup2 line in /proc/self/mountinfo)"
		return 1
	}
	local base=$CGROUP_MNT/sonde-test-$$-$BATS_TEST_NUMBER
	_cgroup_mkdir "$base" || return 1
	CGROUP_DIR=$base
	if [[ -n $sub ]]; then
		local part path=$base
		local -a parts
		IFS=/ read -r -a parts <<<"$sub"
		for part in "${parts[@]}"; do
			[[ -n $part ]] || continue
			path=$path/$part
			_cgroup_mkdir "$path" || return 1
		done
		CGROUP_DIR=$path
	fi
	CGROUP_REL=${CGROUP_DIR#"$CGROUP_MNT"}
	CGROUP_ID=$(stat -c %i "$CGROUP_DIR")
}

# cgroup_wait_empty DIR: wait (10 s at most) until no process is left in
# the cgroup DIR (its cgroup.events says "populated 0"): a workload's
# background server may still be exiting.
cgroup_wait_empty() {
	local i
	for ((i = 0; i < 1000; i++)); do
		grep -qx 'populated 0' "$1/cgroup.events" 2>/dev/null && return 0
		sonde_nap 0.01
	done
	sonde_fail "cgroup $1 still holds processes: $(cat "$1/cgroup.procs" 2>/dev/null | xargs)"
}

_cgroup_mkdir() {
	[[ -d $1 ]] && return 0
	mkdir "$1" || {
		sonde_fail "cannot create cgroup $1"
		return 1
	}
	SONDE_CGROUPS+=("$1")
}

# run_in_cgroup DIR CMD [ARGS...]: run CMD inside the cgroup DIR, in the
# foreground. A subshell moves itself there and execs CMD, so no wrapper
# program is exec'd with CMD's arguments. Returns CMD's status.
run_in_cgroup() {
	local dir=$1
	shift
	(
		echo "$BASHPID" >"$dir/cgroup.procs" || exit 126
		exec "$@"
	)
}

# cgroup_remove DIR: remove a cgroup this test created, and what is below it.
# Processes still in it are moved to the root cgroup first; those the test
# started (sonde_track_pid) are also killed.
cgroup_remove() {
	local dir=$1 mnt pid d start
	[[ -d $dir ]] || return 0
	mnt=$(cgroup2_mount) || return 1
	case $dir in
	"$mnt"/sonde-test-*) ;;
	*)
		sonde_fail "cgroup_remove: refusing to remove $dir (not a test cgroup)"
		return 1
		;;
	esac
	# Deepest first.
	while IFS= read -r d; do
		while IFS= read -r pid; do
			[[ -n $pid ]] || continue
			echo "$pid" >"$mnt/cgroup.procs" 2>/dev/null || true
			if _sonde_tracked "$pid"; then
				kill -s KILL "$pid" 2>/dev/null || true
			fi
		done <"$d/cgroup.procs"
		start=$EPOCHREALTIME
		until rmdir "$d" 2>/dev/null; do
			if _sonde_deadline_passed "$start" 2; then
				sonde_fail "cannot remove cgroup $d:" "$(cat "$d/cgroup.procs")"
				return 1
			fi
			sonde_nap
		done
	done < <(find "$dir" -depth -type d)
}

_sonde_tracked() {
	local p
	for p in "${SONDE_PIDS[@]}"; do
		[[ $p == "$1" ]] && return 0
	done
	return 1
}

# ------------------------------------------------------- kernel objects ---

# tool_record_bpf: remember the BPF programs and links the running tool holds
# (from /proc/PID/fdinfo) and the programs' names, for assert_detached.
# tool_stop calls it; a test whose tool ends by itself (-d) calls it while the
# tool runs.
tool_record_bpf() {
	local f key val
	local -A progs=() links=()
	for f in /proc/"$TOOL_PID"/fdinfo/*; do
		while IFS=$'\t' read -r key val; do
			case $key in
			prog_id:) progs[$val]=1 ;;
			link_id:) links[$val]=1 ;;
			esac
		done 2>/dev/null <"$f" || true
	done
	TOOL_PROG_IDS=("${!progs[@]}")
	TOOL_LINK_IDS=("${!links[@]}")
	TOOL_PROG_NAMES=()
	if ((${#TOOL_PROG_IDS[@]})) && command -v bpftool >/dev/null; then
		local ids
		ids=$(printf '%s,' "${TOOL_PROG_IDS[@]}")
		mapfile -t TOOL_PROG_NAMES < <(bpftool -j prog show |
			jq -r --argjson ids "[${ids%,}]" '.[] | select(.id as $i | $ids | index($i) != null) | .name')
	fi
}

# bpf_prog_holders: print the IDs of every BPF program some process holds, by
# a program fd or a link fd (from /proc/*/fdinfo).
bpf_prog_holders() {
	grep -r -h -s '^prog_id:' /proc/[0-9]*/fdinfo/ | cut -f2 | sort -u
}

# assert_detached PREFIX...: after the tool exited, nothing of it is left in
# the kernel:
# 1. every program and link it held while running is gone (waits, bounded,
#    for the kernel to free them), and at least one of those programs had a
#    name starting with one of the PREFIXes (bpftool may show names cut to
#    15 characters: give prefixes of at most 15);
# 2. no program whose name starts with a PREFIX is still loaded without a
#    process holding it (an orphan: attached or pinned and forgotten).
#    Programs other processes hold (another run of the same tool) are fine.
assert_detached() {
	local -a prefixes=("$@") left orphans
	local id p start=$EPOCHREALTIME matched=0 name
	require_cmd bpftool jq
	if sonde_pid_alive "$TOOL_PID"; then
		sonde_fail "assert_detached: $TOOL_NAME (pid $TOOL_PID) is still running"
		return 1
	fi
	((${#TOOL_PROG_IDS[@]})) || {
		sonde_fail "assert_detached: no BPF program was recorded in $TOOL_NAME's fds while it ran" \
			"(tool_stop records them; a tool that ends by itself needs tool_record_bpf)"
		return 1
	}
	for name in "${TOOL_PROG_NAMES[@]}"; do
		for p in "${prefixes[@]}"; do
			[[ $name == "$p"* ]] && matched=1
		done
	done
	((matched)) || {
		sonde_fail "assert_detached: $TOOL_NAME held programs [${TOOL_PROG_NAMES[*]}]," \
			"none named like [${prefixes[*]}]"
		return 1
	}
	while :; do
		left=()
		for id in "${TOOL_PROG_IDS[@]}"; do
			bpftool prog show id "$id" >/dev/null 2>&1 && left+=("prog $id")
		done
		for id in "${TOOL_LINK_IDS[@]}"; do
			bpftool link show id "$id" >/dev/null 2>&1 && left+=("link $id")
		done
		mapfile -t orphans < <(_bpf_orphans "${prefixes[@]}")
		((${#left[@]} + ${#orphans[@]} == 0)) && return 0
		if _sonde_deadline_passed "$start" 5; then
			sonde_fail "$TOOL_NAME exited but left BPF objects behind:" \
				"${left[@]}" "${orphans[@]}" "--- bpftool link show:" "$(bpftool link show)"
			return 1
		fi
		sonde_nap 0.05
	done
}

# _bpf_orphans PREFIX...: programs named PREFIX* that no process holds.
_bpf_orphans() {
	local prefixes held
	prefixes=$(printf '%s\n' "$@" | jq -R . | jq -s -c .)
	held=$(bpf_prog_holders | jq -R 'tonumber' | jq -s -c .)
	bpftool -j prog show | jq -r --argjson p "$prefixes" --argjson held "$held" '
		.[] | select(.name as $n | $p | any(. as $x | $n | startswith($x)))
		    | select(.id as $i | $held | index($i) == null)
		    | "orphan prog \(.id) \(.name)"'
}

# --------------------------------------------------------------- teardown ---

# sonde_teardown: stop what the test started (by PID: SIGTERM, then SIGKILL
# after a bounded wait), remove its cgroups and temporary paths.
sonde_teardown() {
	local pid i start
	for pid in "${SONDE_PIDS[@]}"; do
		sonde_pid_alive "$pid" || continue
		kill -s TERM "$pid" 2>/dev/null || true
		start=$EPOCHREALTIME
		while sonde_pid_alive "$pid" && ! _sonde_deadline_passed "$start" 5; do
			sonde_nap
		done
		if sonde_pid_alive "$pid"; then
			kill -s KILL "$pid" 2>/dev/null || true
		fi
		wait "$pid" 2>/dev/null || true
	done
	for ((i = ${#SONDE_CGROUPS[@]} - 1; i >= 0; i--)); do
		cgroup_remove "${SONDE_CGROUPS[i]}" || true
	done
	for i in "${SONDE_PATHS[@]}"; do
		case $i in
		/tmp/sonde-test.*) rm -rf -- "$i" ;;
		esac
	done
	if [[ -n ${_SONDE_NAP_FD:-} ]]; then
		exec {_SONDE_NAP_FD}>&-
		_SONDE_NAP_FD=
	fi
}

# netns_del NS...: delete network namespaces the test made, and first stop
# whatever still runs in them: it was started by the test (the children a
# forking server such as `socat ...,fork` made for its connections outlive
# the server's PID, and would wait forever in a namespace without a name).
netns_del() {
	local ns pids
	for ns in "$@"; do
		mapfile -t pids < <(ip netns pids "$ns" 2>/dev/null)
		if ((${#pids[@]})); then
			kill -KILL "${pids[@]}" 2>/dev/null || true
		fi
		ip netns del "$ns" 2>/dev/null || true
	done
}
