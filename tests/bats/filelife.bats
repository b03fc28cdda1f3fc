#!/usr/bin/env bats
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# filelife against the real kernel, as root: files of the test's own
# created and removed by the shell and by coreutils, some after a known
# sleep. The oracles: the sleep and the shell's clock around it, and the
# processes that created and removed each file.
#
#	SONDE_BIN=$PWD/build/bin SONDE_BUILD=$PWD/build bats tests/bats/filelife.bats

load helpers

setup() {
	require_tool filelife
	require_cmd jq bpftool
	DIR=$(mktemp -d "$BATS_TEST_TMPDIR/files.XXXXXX")
}

teardown() {
	sonde_teardown
}

# Names of filelife's BPF programs, cut to the 15 characters bpftool may show.
FILELIFE_PROGS=(handle_enter_op handle_exit_ope handle_enter_un handle_exit_unl
	handle_enter_re handle_exit_ren)

@test "a file removed after a known sleep: its age within 10 % of it, not below; its path, creator and remover" {
	local t0 t1 rmpid
	tool_start filelife -j -v
	: >"$DIR/slept"
	t0=$EPOCHREALTIME
	sleep 1
	rm "$DIR/slept" &
	rmpid=$!
	wait "$rmpid"
	t1=$EPOCHREALTIME
	wait_for_text slept
	stop_ok
	one_event '.path == $p' "the event of $DIR/slept" --arg p "$DIR/slept"
	assert_jq "$EV" '.age_ms >= 1000 and .age_ms <= 1100'
	# Not longer than the shell saw, from before the sleep to after rm.
	assert_jq "$EV" '.age_ms <= $ms' --argjson ms "$(((${t1/./} - ${t0/./}) / 1000 + 1))"
	assert_jq "$EV" '.pid == $r and .comm == "rm" and .creator_pid == $c and .end == "unlink" and .truncated == false' \
		--argjson r "$rmpid" --argjson c "$BASHPID"
}

@test "relative paths, ./, a directory's entries (rm -r) and a file opened again with O_CREAT: one event each, from the first creation" {
	tool_start filelife -j -v
	(cd "$DIR" && : >rel && rm ./rel)
	mkdir "$DIR/sub"
	: >"$DIR/sub/inner"
	(cd "$DIR" && rm -r sub)
	: >"$DIR/again"
	sleep 0.3
	: >"$DIR/again"
	rm "$DIR/again"
	wait_for_text again
	stop_ok
	assert_json_lines
	one_event '.path == $p' "rel" --arg p "$DIR/rel"
	one_event '.path == $p' "sub/inner" --arg p "$DIR/sub/inner"
	one_event '.path == $p' "again" --arg p "$DIR/again"
	assert_jq "$EV" '.age_ms >= 300'
	# Other processes of the machine create and remove files too.
	assert_eq "$(jq -c --arg d "$DIR/" 'select(.path | startswith($d))' "$TOOL_OUT" | wc -l)" 3 "events under $DIR"
}

@test "rename: a renamed file keeps its record; a file renamed over ends with end rename; one that existed before is not reported" {
	: >"$DIR/old"
	tool_start filelife -j -v
	: >"$DIR/c"
	mv "$DIR/c" "$DIR/d"
	: >"$DIR/x"
	: >"$DIR/y"
	mv "$DIR/y" "$DIR/x"
	rm "$DIR/d" "$DIR/x" "$DIR/old"
	wait_for_text '"end":"unlink","cgroup_id":'
	stop_ok
	assert_json_lines
	one_event '.end == "rename" and (.path | startswith($d))' "the file renamed over" --arg d "$DIR/"
	assert_jq "$EV" '.path == $p and .comm == "mv"' --arg p "$DIR/x"
	# The record of y, renamed to x, then removed: its path as created.
	assert_eq "$(jq -c --arg d "$DIR/" 'select(.end == "unlink" and (.path | startswith($d))) | .path' "$TOOL_OUT" | sort | tr '\n' ' ')" \
		"\"$DIR/c\" \"$DIR/y\" " "removals under $DIR"
}

@test "-p: only the files that process creates" {
	target_start bash -c ': >"$1"; rm "$1"' _ "$DIR/target"
	tool_start filelife -j -v -p "$TARGET"
	: >"$DIR/other"
	rm "$DIR/other"
	target_go
	wait_for_text target
	stop_ok
	assert_eq "$(jq -r .path "$TOOL_OUT")" "$DIR/target" "paths"
	assert_jq "$(<"$TOOL_OUT")" '.creator_pid == $p' --argjson p "$TARGET"
}

@test "text: the header and a row per file" {
	tool_start filelife -v -T
	: >"$DIR/text"
	rm "$DIR/text"
	wait_for_text text
	stop_ok
	assert_match "$(sed -n 1p "$TOOL_OUT")" '^TIME +PID +COMM +AGE\(s\) +PATH$' "header"
	assert_match "$(grep /text "$TOOL_OUT")" "^[0-9:]{8} +[0-9]+ +rm +[0-9]+\\.[0-9]{3} +$DIR/text\$" "row"
}

@test "bad values exit 2 naming the option and the value" {
	assert_bad_value filelife -p/--pid abc -p abc
	assert_usage_error filelife "'1'" 1
}

@test "-h ends with the examples; -V; unprivileged it exits 3" {
	assert_help filelife -p -c -T
	assert_unprivileged_exit filelife
}

@test "SIGINT ends with exit 0 and nothing left attached" {
	tool_start filelife -v
	stop_ok INT
	assert_detached "${FILELIFE_PROGS[@]}"
}
