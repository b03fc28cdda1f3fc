#!/usr/bin/env bats
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# gethostlatency against the real kernel, as root: names only in a hosts
# file of the test's own (bind-mounted over /etc/hosts in a private mount
# namespace: no network, nothing of the machine's changed) looked up by
# getent and by Python, through libc's getaddrinfo, gethostbyname and
# gethostbyname2.
#
#	SONDE_BIN=$PWD/build/bin bats tests/bats/gethostlatency.bats

load helpers

setup() {
	require_tool gethostlatency
	require_cmd jq getent python3 unshare
	MARK=sonde-gh-$$-$BATS_TEST_NUMBER
	HOSTS=$BATS_TEST_TMPDIR/hosts
	printf '192.0.2.7 %s-a %s-b %s-c %s-d\n' "$MARK" "$MARK" "$MARK" "$MARK" >"$HOSTS"
	# A command prefix: what follows runs in a mount namespace where
	# /etc/hosts is HOSTS, with its PID ("${WITH_HOSTS[@]}" CMD...: unshare
	# and bash exec it).
	# shellcheck disable=SC2016 # expanded by that bash
	WITH_HOSTS=(unshare -m --propagation private bash -c 'mount --bind "$0" /etc/hosts && exec "$@"'
		"$HOSTS")
}

teardown() {
	sonde_teardown
}

# lookup_py FUNC NAME: Python calls libc's FUNC on NAME itself (ctypes).
PY_LOOKUP='import ctypes, sys
libc = ctypes.CDLL("libc.so.6")
fn, name = sys.argv[1], sys.argv[2].encode()
if fn == "getaddrinfo":
    res = ctypes.c_void_p()
    libc.getaddrinfo(name, None, None, ctypes.byref(res))
elif fn == "gethostbyname2":
    libc.gethostbyname2(name, 10)
else:
    libc.gethostbyname(name)'

@test "JSON: getent's and Python's look-ups, each once with its name, function, PID and latency" {
	local pids=()
	tool_start gethostlatency -j -v
	"${WITH_HOSTS[@]}" getent ahosts "$MARK-a" >/dev/null &
	pids+=("$!")
	wait "${pids[0]}"
	"${WITH_HOSTS[@]}" python3 -c "$PY_LOOKUP" getaddrinfo "$MARK-b" &
	pids+=("$!")
	wait "${pids[1]}"
	"${WITH_HOSTS[@]}" python3 -c "$PY_LOOKUP" gethostbyname "$MARK-c" &
	pids+=("$!")
	wait "${pids[2]}"
	"${WITH_HOSTS[@]}" python3 -c "$PY_LOOKUP" gethostbyname2 "$MARK-d" &
	pids+=("$!")
	wait "${pids[3]}"
	wait_for_text "\"host\":\"$MARK-d\""
	stop_ok
	assert_json_lines
	one_event '.host == $h' "look-ups of $MARK-a" --arg h "$MARK-a"
	assert_jq "$EV" '.pid == $p and .comm == "getent" and .func == "getaddrinfo"' \
		--argjson p "${pids[0]}"
	assert_jq "$EV" '.lat_us >= 0 and .lat_us < 5000000 and .truncated == false'
	one_event '.host == $h' "look-ups of $MARK-b" --arg h "$MARK-b"
	assert_jq "$EV" '.pid == $p and .comm == "python3" and .func == "getaddrinfo"' \
		--argjson p "${pids[1]}"
	one_event '.host == $h' "look-ups of $MARK-c" --arg h "$MARK-c"
	assert_jq "$EV" '.pid == $p and .func == "gethostbyname"' --argjson p "${pids[2]}"
	one_event '.host == $h' "look-ups of $MARK-d" --arg h "$MARK-d"
	assert_jq "$EV" '.pid == $p and .func == "gethostbyname2" and .tid == $p' \
		--argjson p "${pids[3]}"
	assert_jq "$EV" '(keys_unsorted) == ["time","pid","tid","comm","lat_us","func","host","truncated","cgroup_id"]'
}

@test "text: the columns, and a name with control bytes escaped" {
	tool_start gethostlatency
	"${WITH_HOSTS[@]}" python3 -c "$PY_LOOKUP" getaddrinfo "$MARK-a"
	"${WITH_HOSTS[@]}" python3 -c "$PY_LOOKUP" getaddrinfo $'x\e[31my'"$MARK"
	wait_for_text "x\\x1b[31my$MARK"
	stop_ok
	assert_header '^PID +COMM +LAT\(ms\) +FUNC +HOST$'
	assert_match "$(lines_with "$MARK-a")" "^[0-9]+ +python3 +[0-9]+\\.[0-9]{3} getaddrinfo +$MARK-a\$" "row"
	assert_absent $'\e'
}

# A process whose libc is a copy of its own (another file than the host's,
# as in a container), started before gethostlatency: its libc is found in
# its maps, and its look-up is seen.
@test "a process started before, with a libc file of its own, is seen" {
	local dir=$BATS_TEST_TMPDIR/lib libc fifo=$BATS_TEST_TMPDIR/go pid
	libc=$(ldconfig -p | awk '$1 == "libc.so.6" && /x86-64|AArch64/ { print $NF; exit }')
	mkdir -p "$dir"
	cp "$libc" "$dir/libc.so.6"
	mkfifo "$fifo"
	# shellcheck disable=SC2016 # expanded by the waiting shell
	LD_LIBRARY_PATH=$dir "${WITH_HOSTS[@]}" python3 -c 'import sys
open(sys.argv.pop(1)).read()
exec(sys.argv.pop(1))' "$fifo" "$PY_LOOKUP" getaddrinfo "$MARK-a" &
	pid=$!
	sonde_track_pid "$pid"
	# Its copy is mapped before the tool looks.
	local start=$EPOCHREALTIME
	until grep -q "$dir/libc.so.6" "/proc/$pid/maps" 2>/dev/null; do
		_sonde_deadline_passed "$start" "$SONDE_WAIT_S" && sonde_fail "the copy of libc is not mapped"
		sonde_nap
	done
	tool_start gethostlatency -j -v
	echo go >"$fifo"
	wait "$pid"
	wait_for_text "\"host\":\"$MARK-a\""
	stop_ok
	one_event '.host == $h' "look-ups of $MARK-a" --arg h "$MARK-a"
	assert_jq "$EV" '.pid == $p' --argjson p "$pid"
	grep -q "attached uprobe getaddrinfo in '/proc/$pid/root$dir/libc.so.6'" "$TOOL_ERR" ||
		sonde_fail "no uprobe in the copy:" "$(<"$TOOL_ERR")"
}

@test "-p keeps the process's look-ups, -c the cgroup's" {
	target_start "${WITH_HOSTS[@]}" python3 -c "$PY_LOOKUP" getaddrinfo "$MARK-a"
	tool_start gethostlatency -p "$TARGET" -j -v
	"${WITH_HOSTS[@]}" python3 -c "$PY_LOOKUP" getaddrinfo "$MARK-b"
	target_go
	wait_for_text "\"host\":\"$MARK-a\""
	stop_ok
	assert_jq "$(jq -sc . "$TOOL_OUT")" 'length == 1 and .[0].pid == $p' --argjson p "$TARGET"

	cgroup_create
	tool_start gethostlatency -c "$CGROUP_ID" -j -v
	"${WITH_HOSTS[@]}" python3 -c "$PY_LOOKUP" getaddrinfo "$MARK-b"
	run_in_cgroup "$CGROUP_DIR" "${WITH_HOSTS[@]}" python3 -c "$PY_LOOKUP" getaddrinfo "$MARK-c"
	wait_for_text "\"host\":\"$MARK-c\""
	stop_ok
	assert_jq "$(jq -sc . "$TOOL_OUT")" 'length == 1 and .[0].host == $h and .[0].cgroup_id == $id' \
		--arg h "$MARK-c" --argjson id "$CGROUP_ID"
}

@test "gethostlatency -j | head -n1 exits 0 with nothing on stderr" {
	assert_head_ends gethostlatency -- "${WITH_HOSTS[@]}" getent ahosts "$MARK-a"
	assert_jq "$HEAD_LINE" '.host == $h' --arg h "$MARK-a"
}

@test "-h ends with the examples; -V; unprivileged it exits 3" {
	assert_help gethostlatency -T -p -c
	assert_unprivileged_exit gethostlatency
}

@test "nothing is left attached after SIGINT" {
	tool_start gethostlatency -v
	stop_ok
	assert_detached handle_getaddr handle_return
}
