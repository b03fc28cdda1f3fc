#!/usr/bin/env bats
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# opensnoop against the real kernel, as root: every test opens files named
# after its own unique marker, in its own directory, and checks the text or
# the JSON (with jq).
#
#	SONDE_BIN=$PWD/build/bin bats tests/bats/opensnoop.bats

load helpers
load path_helpers

# Names of opensnoop's BPF programs, cut to the 15 characters bpftool may show.
OPENSNOOP_PROGS=(handle_exit_ope handle_exit_cre)

setup() {
	path_setup opensnoop
}

teardown() {
	sonde_teardown
}

# The columns of a text line without -T/-U/-C/-e.
read_event() {
	read -r EV_PID EV_COMM EV_FD EV_ERR EV_PATH <<<"$1"
}

# --- 1. events in text and JSON ----------------------------------------------

@test "text: cat opening the marker shows its PID, COMM cat, the fd, ERR 0 and the path" {
	tool_start opensnoop
	cat "$MFILE" &
	local pid=$!
	wait "$pid"
	wait_for_text " $MFILE"
	stop_ok

	assert_header '^PID +COMM +FD +ERR +PATH$'
	one_line_ending " $MFILE" "marker lines"
	read_event "$LINE"
	assert_eq "$EV_PID" "$pid" "PID"
	assert_eq "$EV_COMM" cat "COMM"
	assert_match "$EV_FD" '^[0-9]+$' "FD"
	((EV_FD >= 3)) || sonde_fail "FD $EV_FD is not a new descriptor"
	assert_eq "$EV_ERR" 0 "ERR"
	assert_eq "$EV_PATH" "$MFILE" "PATH"
}

@test "JSON: the documented keys, in order, and the values of a successful open" {
	tool_start opensnoop -j -v
	cat "$MFILE"
	wait_for_text "\"path\":\"$MFILE\""
	stop_ok

	assert_json_lines
	path_event "$MFILE" "marker events"
	assert_jq "$EV" 'keys_unsorted == ["time","uid","pid","tid","comm","call","fd","err","flags","flags_names","mode","cgroup_id","path","path_from","truncated"]'
	assert_jq "$EV" '.comm == "cat" and .call == "openat" and .fd >= 3 and .err == 0'
	assert_jq "$EV" '.path_from == "kernel"'
	assert_jq "$EV" '.uid == 0 and .tid == .pid and (.cgroup_id | type) == "number"'
	assert_jq "$EV" '.flags_names[0] == "O_RDONLY" and .flags % 4 == 0 and .mode == null'
	assert_jq "$EV" '.truncated == false'
	assert_jq "$EV" '.time | test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\\.[0-9]{6}Z$")'
}

# --- 2. -x ------------------------------------------------------------------

@test "-x shows an open that failed with ENOENT (FD -1, ERR ENOENT), and not the one that worked" {
	tool_start opensnoop -x
	cat "$MFILE"
	cat "$MFILE-missing" 2>/dev/null || true
	wait_for_text " $MFILE-missing"
	stop_ok

	one_line_ending " $MFILE-missing" "lines of the failed open"
	read_event "$LINE"
	assert_eq "$EV_COMM" cat "COMM"
	assert_eq "$EV_FD" -1 "FD"
	assert_eq "$EV_ERR" ENOENT "ERR"
	assert_eq "$(lines_ending " $MFILE")" "" "lines of the open that worked"
	assert_eq "$(awk 'NR > 1 && ($3 != -1 || $4 == "0")' "$TOOL_OUT")" "" "lines of opens that worked"
}

@test "-x -j: the failed open has fd -1 and err 2; every event failed" {
	tool_start opensnoop -x -j -v
	cat "$MFILE-missing" 2>/dev/null || true
	wait_for_text "\"path\":\"$MFILE-missing\""
	tool_stop
	assert_json_lines
	path_event "$MFILE-missing" "events of the failed open"
	assert_jq "$EV" '.fd == -1 and .err == 2 and .comm == "cat"'
	assert_eq "$(jq -c 'select(.fd != -1 or .err == 0)' "$TOOL_OUT")" "" "events of opens that worked"
}

# --- 3. filters ----------------------------------------------------------------

@test "-n NAME shows only processes whose name contains NAME" {
	check_name_filter opensnoop at cat head
}

@test "-p PID shows only that process's opens" {
	check_pid_filter opensnoop cat
	read_event "$(lines_ending " $MFILE-target")"
	assert_eq "$EV_COMM" cat "COMM"
}

@test "-u 65534 -U shows only that user's opens, with the UID column" {
	check_uid_filter opensnoop cat '^UID +PID +COMM +FD +ERR +PATH$'
	local uid pid comm fd err path
	read -r uid pid comm fd err path <<<"$LINE"
	assert_eq "$uid" 65534 "UID"
	assert_eq "$comm" cat "COMM"
	assert_eq "$err" EACCES "ERR"
}

@test "-c CG -C -j shows only opens made in that cgroup, with its ID and path" {
	cgroup_create leaf
	tool_start opensnoop -c "$CGROUP_DIR" -C -j -v
	cat "$MFILE-outside" 2>/dev/null || true
	run_in_cgroup "$CGROUP_DIR" cat "$MFILE"
	cat "$MFILE-outside-after" 2>/dev/null || true
	wait_for_text "\"path\":\"$MFILE\""
	stop_ok
	path_event "$MFILE" "marker events"
	assert_jq "$EV" '.cgroup_id == $id and .cgroup == $p' --argjson id "$CGROUP_ID" --arg p "$CGROUP_REL"
	assert_absent "$MFILE-outside"
	assert_eq "$(jq -c --argjson id "$CGROUP_ID" 'select(.cgroup_id != $id)' "$TOOL_OUT")" "" \
		"events of other cgroups"
}

# --- 4. flags: -e and -f ---------------------------------------------------------

@test "-e shows FLAGS by name and the MODE of a file created" {
	tool_start opensnoop -e
	# shellcheck disable=SC2016 # expanded by the inner sh
	sh -c 'echo x >"$1"' sh "$MFILE-new"
	cat "$MFILE"
	wait_for_text " $MFILE"
	wait_for_text " $MFILE-new"
	stop_ok

	assert_header '^PID +COMM +FD +ERR +FLAGS +MODE +PATH$'
	local pid comm fd err flags mode path
	read -r pid comm fd err flags mode path <<<"$(lines_ending " $MFILE-new")"
	assert_eq "$comm" sh "COMM"
	assert_eq "$flags" "O_WRONLY|O_CREAT|O_TRUNC" "FLAGS"
	assert_eq "$mode" 0666 "MODE"
	read -r pid comm fd err flags mode path <<<"$(lines_ending " $MFILE")"
	assert_match "$flags" '^O_RDONLY' "FLAGS"
	assert_eq "$mode" - "MODE"
}

@test "-f O_CREAT shows only opens that may create; -f O_RDONLY,O_DIRECTORY only reads and directories" {
	tool_start opensnoop -f O_CREAT -j -v
	cat "$MFILE"
	# shellcheck disable=SC2016 # expanded by the inner sh
	sh -c 'echo x >"$1"' sh "$MFILE-new"
	wait_for_text "\"path\":\"$MFILE-new\""
	tool_stop
	path_event "$MFILE-new" "events of the created file"
	assert_jq "$EV" '.flags_names == ["O_WRONLY","O_CREAT","O_TRUNC"] and .mode == 438'
	assert_absent "\"$MFILE\""
	assert_eq "$(jq -c 'select(.flags_names | index("O_CREAT") | not)' "$TOOL_OUT")" "" \
		"events without O_CREAT"

	tool_start opensnoop -f o_rdonly,directory -j -v
	# shellcheck disable=SC2016 # expanded by the inner sh
	sh -c 'echo x >"$1"' sh "$MFILE-new2"
	cat "$MFILE"
	wait_for_text "\"path\":\"$MFILE\""
	tool_stop
	path_event "$MFILE" "events of the read"
	assert_absent "$MFILE-new2"
}

# --- 5. which path: the opened file's, or the one given --------------------------

@test "a successful open shows the path of the file it opened: absolute, through a symlink too" {
	ln -s "$MARK" "$DIR/$MARK-link"
	tool_start opensnoop -j -v
	(cd "$DIR" && exec cat "./$MARK")
	cat "$DIR/$MARK-link"
	cat "$MFILE-end" 2>/dev/null || true
	wait_for_text "\"path\":\"$MFILE-end\""
	tool_stop
	assert_eq "$TOOL_RC" 0 "exit status"
	assert_eq "$(jq -r --arg p "$MFILE" 'select(.comm == "cat" and .path == $p) | .path_from' \
		"$TOOL_OUT" | paste -sd' ')" "kernel kernel" "sources of the marker's two opens"
	assert_absent "/$MARK-link\""
	assert_absent "\"./$MARK\""
	assert_jq "$(json_events_path "$MFILE-end")" '.err == 2 and .path_from == "entry"'
}

@test "-F joins a failed open's relative path to the working directory, or to openat()'s dirfd" {
	tool_start opensnoop -F -x -j -v
	(cd "$DIR" && exec cat "./$MARK-a") 2>/dev/null || true
	# shellcheck disable=SC2016 # a python program
	python3 -c 'import os, sys
d = os.open(sys.argv[1], os.O_RDONLY | os.O_DIRECTORY)
try:
    os.open(sys.argv[2], os.O_RDONLY, dir_fd=d)
except FileNotFoundError:
    pass' "$(dirname "$DIR")" "$(basename "$DIR")/$MARK-b"
	(cd / && exec cat "${MFILE#/}-c") 2>/dev/null || true
	wait_for_text "\"path\":\"$MFILE-c\""
	tool_stop
	assert_eq "$TOOL_RC" 0 "exit status"
	assert_one_line "$(jq -c --arg p "$DIR/./$MARK-a" 'select(.path == $p and .comm == "cat")' "$TOOL_OUT")" \
		"cat's open from the directory"
	assert_one_line "$(jq -c --arg p "$MFILE-b" 'select(.path == $p and .comm == "python3")' "$TOOL_OUT")" \
		"python's open from the dirfd"
	assert_one_line "$(jq -c --arg p "$MFILE-c" 'select(.path == $p and .comm == "cat")' "$TOOL_OUT")" \
		"cat's open from /"
	assert_eq "$(jq -c --arg m "$MARK" 'select((.path | contains($m)) and .path_from != "entry")' "$TOOL_OUT")" \
		"" "failed opens whose path is not the one given"

	tool_start opensnoop -x
	(cd "$DIR" && exec cat "./$MARK-a") 2>/dev/null || true
	wait_for_text " ./$MARK-a"
	tool_stop
	assert_one_line "$(lines_ending " ./$MARK-a")" "relative path without -F"
}

@test "racing a thread that rewrites the path: an open is reported with the file it opened, or the path given at entry" {
	require_toctou
	local good=$MFILE bad=${MFILE%?}X out ngood nbad ok failed
	tool_start opensnoop -j -v
	out=$("$TOCTOU" open 2000 "$good" "$bad")
	read -r _ ngood _ nbad <<<"$out"
	cat "$MFILE-end" 2>/dev/null || true
	wait_for_text "\"path\":\"$MFILE-end\""
	tool_stop
	ok=$(jq -c --arg g "$good" --arg b "$bad" \
		'select(.comm == "toctou" and (.path == $g or .path == $b) and .fd >= 0)' "$TOOL_OUT")
	failed=$(jq -c --arg g "$good" --arg b "$bad" \
		'select(.comm == "toctou" and (.path == $g or .path == $b) and .fd < 0)' "$TOOL_OUT")
	assert_eq "$(jq -c --arg g "$good" 'select(.path != $g or .path_from != "kernel")' <<<"$ok")" "" \
		"successful opens reported with the path that does not exist, or not from the kernel"
	assert_eq "$(jq -c 'select(.path_from != "entry")' <<<"$failed")" "" \
		"failed opens reported with another path than the one given at entry"
	# Both kinds were seen (the helper's counts bound them: the kernel
	# may skip a tracepoint while other tools attach theirs).
	((ngood > 0 && nbad > 0)) || sonde_fail "the race made no success or no failure: $out"
	local nok nfailed
	nok=$(grep -c . <<<"$ok" || true)
	nfailed=$(grep -c . <<<"$failed" || true)
	((nok > 0 && nok <= ngood && nfailed > 0 && nfailed <= nbad)) ||
		sonde_fail "events: $nok successes, $nfailed failures; the helper: $out"
}

@test "an open held in the kernel while its path is rewritten: the file it opened; failed, the path given" {
	require_toctou
	mkfifo "$MFILE-fifo"
	: >"$MFILE-file"
	tool_start opensnoop -j -v
	assert_eq "$("$TOCTOU" open-wait "$MFILE-fifo" "$MFILE-file")" ok "the open"
	assert_eq "$("$TOCTOU" open-wait "$MFILE-fifo" "$MFILE-file" intr)" "failed 4" "the interrupted open"
	cat "$MFILE-end" 2>/dev/null || true
	wait_for_text "\"path\":\"$MFILE-end\""
	tool_stop
	local ev
	# The reads: the helper's own open of the FIFO for writing lets the first go.
	ev=$(jq -c 'select(.comm == "toctou" and .flags_names[0] == "O_RDONLY")' "$TOOL_OUT" |
		grep -F -e "$MARK")
	assert_eq "$(jq -r '"\(.fd >= 0) \(.path_from)"' <<<"$ev" | paste -sd' ')" "true kernel false entry" \
		"results and sources of the two opens"
	assert_eq "$(jq -r --arg f "$MFILE-fifo" 'select(.path != $f) | .path' <<<"$ev")" "" "paths other than the FIFO"
}

# --- 6. strings --------------------------------------------------------------------

@test "a path longer than 4095 bytes is cut and marked; one of 4095 bytes is whole" {
	local long whole
	long=$(long_path 5000)
	whole=$(long_path 4095)
	assert_eq "${#whole}" 4095 "length of the whole path"
	tool_start opensnoop
	cat "$long" 2>/dev/null || true
	wait_for_text " $DIR/$MARK-long"
	tool_stop
	one_line_with " $DIR/$MARK-long" "lines of the long path"
	read_event "$LINE"
	assert_eq "$EV_ERR" ENAMETOOLONG "ERR"
	assert_eq "$EV_PATH" "${long:0:4095}..." "PATH"

	tool_start opensnoop -j -v
	cat "$long" 2>/dev/null || true
	cat "$whole" 2>/dev/null || true
	wait_for_text "\"path\":\"$whole\""
	tool_stop
	assert_json_lines
	path_event "${long:0:4095}" "events of the long path"
	assert_jq "$EV" '.truncated == true and .err == 36'
	path_event "$whole" "events of the 4095-byte path"
	assert_jq "$EV" '.truncated == false and .err == 2'
}

@test "hostile file names stay on one line in text and parse in JSON" {
	local f=$MFILE$HOSTILE_NAME
	: >"$f"
	tool_start opensnoop
	cat "$f"
	wait_for_text " $MFILE-nl"
	tool_stop
	assert_eq "$(count_lines_with "$MARK")" 1 "lines with the marker"
	read_event "$(lines_with "$MARK")"
	assert_eq "$EV_PATH" "$MFILE$HOSTILE_TEXT" "PATH"
	assert_eq "$(LC_ALL=C grep -n '[^ -~]' "$TOOL_OUT")" "" "lines with raw control or 8-bit bytes"

	tool_start opensnoop -j -v
	cat "$f"
	wait_for_text "\"path\":\"$MFILE-nl"
	tool_stop
	assert_json_lines
	path_event "$MFILE$HOSTILE_JSON" "events of the hostile name"
	assert_eq "$(LC_ALL=C grep -n '[[:cntrl:]]' "$TOOL_OUT")" "" "lines with raw control bytes"
}

# --- 7. a closed pipe -------------------------------------------------------------

@test "opensnoop -j | head -n1 exits 0 with nothing on stderr, under an open storm" {
	# shellcheck disable=SC2016 # expanded by the inner bash
	assert_head_ends_storm opensnoop bash -c 'for ((i = 0; i < 200000; i++)); do : <"$1" || :; done' \
		bash "$MFILE"
}

# --- 8. options and environment --------------------------------------------------

@test "--line-buffered: each of 20 opens, one after the other, shows while opensnoop runs, once; ring buffer and perf buffer" {
	local out i opener
	# One process makes the opens, on demand, and only its are traced: the
	# tool's output stays small however busy the machine is.
	coproc OPENER { while read -r p; do { : <"$p"; } 2>/dev/null || :; done; }
	opener=$OPENER_PID
	sonde_track_pid "$opener"
	for out in ringbuf perfbuf; do
		SONDE_OUTPUT=$out tool_start opensnoop -j -v --line-buffered -p "$opener"
		for ((i = 1; i <= 20; i++)); do
			echo "$MFILE-$out-$i" >&"${OPENER[1]}"
			wait_for_text "\"path\":\"$MFILE-$out-$i\"" || return 1
		done
		stop_ok
		assert_json_lines
		for ((i = 1; i <= 20; i++)); do
			assert_eq "$(count_lines_with "\"path\":\"$MFILE-$out-$i\"")" 1 \
				"lines of open $i through the $out"
		done
	done
}

@test "bad values exit 2 naming the option and the value" {
	assert_bad_value opensnoop -p abc -p abc
	assert_bad_value opensnoop -u -5 -u -5
	assert_bad_value opensnoop -d 0 -d 0
	assert_bad_value opensnoop -n "" -n ""
	assert_bad_value opensnoop -n 0123456789abcdef -n 0123456789abcdef
	assert_bad_value opensnoop -f O_BOGUS -f O_BOGUS
	assert_bad_value opensnoop -f O_RDONLY, -f O_RDONLY,
	assert_usage_error opensnoop --bogus --bogus
	assert_usage_error opensnoop "" extra-argument
}

@test "-c /no-such-cgroup-sonde exits 3; an unprivileged run exits 3 about root / CAP_BPF" {
	assert_cgroup_not_found opensnoop /no-such-cgroup-sonde
	assert_unprivileged_exit opensnoop
}

@test "--help lists the options and ends with the EXAMPLES; -V prints the version" {
	assert_help opensnoop --failed --name --extended-fields --flag --full-path --uid --cgroup
}

@test "-T shows a clock column" {
	tool_start opensnoop -T
	cat "$MFILE"
	wait_for_text " $MFILE"
	tool_stop
	assert_header '^TIME +PID +COMM +FD +ERR +PATH$'
	local t rest
	read -r t rest <<<"$(lines_ending " $MFILE")"
	assert_match "$t" '^([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]$' "TIME"
}

# --- 9. ending ----------------------------------------------------------------------

@test "SIGINT ends with exit 0 and nothing left attached" {
	tool_start opensnoop -x -F -e -j -v
	stop_ok INT
	assert_detached "${OPENSNOOP_PROGS[@]}"
}
