#!/usr/bin/env bats
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# statsnoop against the real kernel, as root: every test looks up paths named
# after its own unique marker, in its own directory, and checks the text or
# the JSON (with jq).
#
#	SONDE_BIN=$PWD/build/bin bats tests/bats/statsnoop.bats

load helpers
load path_helpers

# Names of statsnoop's BPF programs, cut to the 15 characters bpftool may show.
STATSNOOP_PROGS=(handle_exit_new handle_exit_sta)

setup() {
	path_setup statsnoop
}

teardown() {
	sonde_teardown
}

# The columns of a text line without -T/-U/-C.
read_event() {
	read -r EV_PID EV_COMM EV_RET EV_PATH <<<"$1"
}

# stat_calls PATH PIDFILE: each traced call once on PATH, through libc's
# syscall() (x86_64 numbers), then fstat() in its three spellings, which
# name no path and are not traced; the process's PID goes to PIDFILE.
stat_calls() {
	# shellcheck disable=SC2016 # a python program
	python3 -c 'import ctypes, os, sys
libc = ctypes.CDLL(None, use_errno=True)
libc.syscall.restype = ctypes.c_long
p, buf = os.fsencode(sys.argv[1]), ctypes.create_string_buffer(4096)
AT_FDCWD, AT_EMPTY_PATH, STATX_BASIC_STATS = -100, 0x1000, 0x7ff
open(sys.argv[2], "w").write("%d\n" % os.getpid())
libc.syscall(4, p, buf)                                   # stat
libc.syscall(6, p, buf)                                   # lstat
libc.syscall(262, AT_FDCWD, p, buf, 0)                    # newfstatat
libc.syscall(332, AT_FDCWD, p, 0, STATX_BASIC_STATS, buf) # statx
libc.syscall(137, p, buf)                                 # statfs
fd = os.open(p, os.O_RDONLY)
libc.syscall(5, fd, buf)                                  # fstat
libc.syscall(262, fd, b"", buf, AT_EMPTY_PATH)            # fstatat(fd, "")
libc.syscall(332, fd, None, AT_EMPTY_PATH, STATX_BASIC_STATS, buf)' "$@"
}

# --- 1. events in text and JSON ----------------------------------------------

@test "text: stat(1) on the marker shows its PID, COMM stat, RET 0 and the path" {
	tool_start statsnoop
	stat "$MFILE" >/dev/null &
	local pid=$!
	wait "$pid"
	wait_for_text " $MFILE"
	stop_ok

	assert_header '^PID +COMM +RET +PATH$'
	local line
	line=$(lines_ending " $MFILE")
	[[ -n $line ]] || sonde_fail "no line ends with the marker"
	read_event "$(head -n 1 <<<"$line")"
	assert_eq "$EV_PID" "$pid" "PID"
	assert_eq "$EV_COMM" stat "COMM"
	assert_eq "$EV_RET" 0 "RET"
	assert_eq "$EV_PATH" "$MFILE" "PATH"
}

@test "JSON: stat, lstat, newfstatat, statx and statfs each once, with their names; fstat() in any spelling not" {
	local pidf=$BATS_TEST_TMPDIR/pid pid
	tool_start statsnoop -j -v
	stat_calls "$MFILE" "$pidf"
	pid=$(<"$pidf")
	wait_for_match "\"pid\":$pid,.*\"call\":\"statfs\""
	stop_ok

	assert_json_lines
	local ev
	ev=$(jq -c --argjson p "$pid" 'select(.pid == $p)' "$TOOL_OUT")
	assert_eq "$(jq -r --arg m "$MFILE" 'select(.path == $m) | .call' <<<"$ev" | paste -sd' ')" \
		"stat lstat newfstatat statx statfs" "calls on the marker"
	assert_eq "$(jq -c 'select(.path == "")' <<<"$ev")" "" "events without a path"
	ev=$(jq -c --arg m "$MFILE" 'select(.path == $m)' <<<"$ev" | head -n 1)
	assert_jq "$ev" 'keys_unsorted == ["time","uid","pid","tid","comm","call","ret","cgroup_id","path","path_from","truncated"]'
	assert_jq "$ev" '.ret == 0 and .uid == 0 and .tid == .pid and .truncated == false'
	assert_jq "$ev" '.path_from == "entry"'
	assert_jq "$ev" '(.cgroup_id | type) == "number"'
}

# --- 2. -x ------------------------------------------------------------------

@test "-x shows a lookup that failed with ENOENT (RET ENOENT), and not the one that worked" {
	tool_start statsnoop -x
	stat "$MFILE" >/dev/null
	stat "$MFILE-missing" 2>/dev/null || true
	wait_for_text " $MFILE-missing"
	stop_ok

	local line
	line=$(lines_ending " $MFILE-missing")
	[[ -n $line ]] || sonde_fail "no line of the failed lookup"
	read_event "$(head -n 1 <<<"$line")"
	assert_eq "$EV_COMM" stat "COMM"
	assert_eq "$EV_RET" ENOENT "RET"
	assert_eq "$(lines_ending " $MFILE")" "" "lines of the lookup that worked"
	assert_eq "$(awk 'NR > 1 && $3 ~ /^[0-9]+$/' "$TOOL_OUT")" "" "lines with RET >= 0"
}

# --- 3. filters ----------------------------------------------------------------

@test "-n NAME and -p PID show only those processes' lookups" {
	check_name_filter statsnoop stat stat ls
	check_pid_filter statsnoop stat
}

@test "-u 65534 -U and -c CG show only that user's and that cgroup's lookups" {
	check_uid_filter statsnoop stat '^UID +PID +COMM +RET +PATH$'
	local uid rest
	read -r uid rest <<<"$LINE"
	assert_eq "$uid" 65534 "UID"

	cgroup_create
	tool_start statsnoop -c "$CGROUP_DIR" -j -v
	stat "$MFILE-outside" 2>/dev/null || true
	run_in_cgroup "$CGROUP_DIR" stat "$MFILE" >/dev/null
	wait_for_text "\"path\":\"$MFILE\""
	tool_stop
	assert_absent "$MFILE-outside"
	assert_eq "$(jq -c --argjson id "$CGROUP_ID" 'select(.cgroup_id != $id)' "$TOOL_OUT")" "" \
		"events of other cgroups"
}

# --- 4. -F ----------------------------------------------------------------------

@test "-F joins a relative path to the working directory" {
	tool_start statsnoop -F -n stat
	(cd "$DIR" && exec stat "$MARK" >/dev/null)
	wait_for_text " $MFILE"
	stop_ok
	assert_absent " $MARK"
}

# --- 5. the path given, not what another thread wrote meanwhile -----------------

@test "a stat held in the kernel while its path is rewritten is reported with the path given at entry" {
	require_toctou
	local decoy=${MFILE%?}X
	tool_start statsnoop -j -v
	assert_eq "$("$TOCTOU" stat-wait "$MFILE" "$decoy")" ok "the stat"
	stat "$MFILE-end" 2>/dev/null || true
	wait_for_text "\"path\":\"$MFILE-end\""
	tool_stop
	assert_eq "$TOOL_RC" 0 "exit status"
	assert_jq "$(jq -c 'select(.comm == "toctou" and .call == "newfstatat")' "$TOOL_OUT")" \
		'.path == $p and .path_from == "entry" and .ret == 0' --arg p "$MFILE"
	assert_absent "\"$decoy\""
}

# --- 6. strings --------------------------------------------------------------------

@test "a path longer than 4095 bytes is cut and marked, in text and JSON" {
	local long
	long=$(long_path 5000)
	tool_start statsnoop -x
	stat "$long" 2>/dev/null || true
	wait_for_text " $DIR/$MARK-long"
	tool_stop
	read_event "$(lines_with " $DIR/$MARK-long" | head -n 1)"
	assert_eq "$EV_RET" ENAMETOOLONG "RET"
	assert_eq "$EV_PATH" "${long:0:4095}..." "PATH"

	tool_start statsnoop -x -j -v
	stat "$long" 2>/dev/null || true
	wait_for_text "\"path\":\"$DIR/$MARK-long"
	tool_stop
	assert_json_lines
	local ev
	ev=$(json_events_path "${long:0:4095}" | head -n 1)
	[[ -n $ev ]] || sonde_fail "no event of the long path"
	assert_jq "$ev" '.truncated == true and .ret == -36'
}

@test "hostile file names stay on one line in text and parse in JSON" {
	local f=$MFILE$HOSTILE_NAME
	: >"$f"
	tool_start statsnoop -n stat
	stat "$f" >/dev/null
	wait_for_text " $MFILE-nl"
	tool_stop
	read_event "$(lines_with "$MARK" | head -n 1)"
	assert_eq "$EV_PATH" "$MFILE$HOSTILE_TEXT" "PATH"
	assert_eq "$(LC_ALL=C grep -n '[^ -~]' "$TOOL_OUT")" "" "lines with raw control or 8-bit bytes"

	tool_start statsnoop -n stat -j -v
	stat "$f" >/dev/null
	wait_for_text "\"path\":\"$MFILE-nl"
	tool_stop
	assert_json_lines
	[[ -n $(json_events_path "$MFILE$HOSTILE_JSON") ]] || sonde_fail "no event of the hostile name"
	assert_eq "$(LC_ALL=C grep -n '[[:cntrl:]]' "$TOOL_OUT")" "" "lines with raw control bytes"
}

# --- 7. a closed pipe -------------------------------------------------------------

@test "statsnoop -j | head -n1 exits 0 with nothing on stderr, under a stat storm" {
	# shellcheck disable=SC2016 # expanded by the inner bash
	assert_head_ends_storm statsnoop bash -c 'for ((i = 0; i < 200000; i++)); do [[ -e $1 ]] || :; done' \
		bash "$MFILE"
}

# --- 8. options and environment --------------------------------------------------

@test "bad values exit 2 naming the option and the value" {
	assert_bad_value statsnoop -p abc -p abc
	assert_bad_value statsnoop -u nosuchuser-sonde -u nosuchuser-sonde
	assert_bad_value statsnoop -d -1 -d -1
	assert_bad_value statsnoop -n "" -n ""
	# -e is an opensnoop option.
	assert_usage_error statsnoop "'e'" -e
	assert_usage_error statsnoop "" extra-argument
}

@test "an unprivileged run exits 3 about root / CAP_BPF; --help ends with the EXAMPLES" {
	assert_unprivileged_exit statsnoop
	assert_help statsnoop --failed --name --full-path --uid --cgroup
}

# --- 9. ending ----------------------------------------------------------------------

@test "SIGINT ends with exit 0 and nothing left attached" {
	tool_start statsnoop -x -F -j -v
	stop_ok INT
	assert_detached "${STATSNOOP_PROGS[@]}"
}
