#!/usr/bin/env bats
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# mountsnoop against the real kernel, as root. Every mount a test makes is
# made inside a private mount namespace of its own (unshare -m), on a
# directory in the test's temporary directory: nothing is mounted, even for
# a moment, where the rest of the system could see it.
#
#	SONDE_BIN=$PWD/build/bin bats tests/bats/mountsnoop.bats

load helpers

# Names of mountsnoop's BPF programs, cut to the 15 characters bpftool may show.
MOUNTSNOOP_PROGS=(handle_enter_mo handle_exit_mou handle_enter_um handle_exit_umo)

# mount(8) of util-linux 2.39+ may use the new mount API; the tests that
# look for mount(2) ask it for the classic call.
export LIBMOUNT_FORCE_MOUNT2=always

setup() {
	require_tool mountsnoop
	require_cmd jq bpftool setpriv timeout unshare python3
	MARK=sonde-marker-$$-$BATS_TEST_NUMBER-$RANDOM
	DIR=$BATS_TEST_TMPDIR/mnt
	mkdir -p "$DIR"
}

teardown() {
	sonde_teardown
}

# in_mountns CMD [ARGS...]: run CMD in a new private mount namespace, in the
# foreground; unshare execs it, so it keeps unshare's PID, which goes to
# $NS_PID.
in_mountns() {
	unshare -m --propagation private "$@" &
	NS_PID=$!
	wait "$NS_PID" || true
}

# mount_umount SOURCE [DIR]: mount(8) a tmpfs (size=1m) named SOURCE on DIR
# (default $DIR), then umount(8) it, in a private mount namespace.
mount_umount() {
	# shellcheck disable=SC2016 # expanded by the inner sh
	in_mountns sh -c 'mount -t tmpfs -o size=1m "$1" "$2" && umount "$2"' sh "$1" "${2:-$DIR}"
}

# syscalls.py: the calls themselves, through libc's syscall() (x86_64
# numbers), so that each test knows exactly which calls are made.
#   mount SOURCE TARGET FSTYPE   one mount(2)
#   newapi SOURCE TARGET         fsopen, fsconfig x3, fsmount, move_mount,
#                                mount_setattr, open_tree, umount2
write_syscalls_py() {
	SYSCALLS_PY=$BATS_TEST_TMPDIR/syscalls.py
	cat >"$SYSCALLS_PY" <<'EOF'
import ctypes, os, sys

libc = ctypes.CDLL(None, use_errno=True)
libc.syscall.restype = ctypes.c_long

def sc(nr, *args, ok=True):
    r = libc.syscall(nr, *args)
    if r < 0 and ok:
        e = ctypes.get_errno()
        raise OSError(e, os.strerror(e))
    return r

AT_FDCWD = -100
what, src, target = sys.argv[1], os.fsencode(sys.argv[2]), os.fsencode(sys.argv[3])
if what == "mount":
    sc(165, src, target, sys.argv[4].encode(), 0, None, ok=False)
elif what == "newapi":
    fd = sc(430, b"tmpfs", 1)                                # fsopen, FSOPEN_CLOEXEC
    sc(431, fd, 1, b"source", src, 0)                        # FSCONFIG_SET_STRING
    sc(431, fd, 1, b"size", b"1m", 0)
    sc(431, fd, 6, None, None, 0)                            # FSCONFIG_CMD_CREATE
    mfd = sc(432, fd, 1, 4)                                  # FSMOUNT_CLOEXEC, MOUNT_ATTR_NODEV
    sc(429, mfd, b"", AT_FDCWD, target, 4)                   # MOVE_MOUNT_F_EMPTY_PATH
    attr = (ctypes.c_uint64 * 4)(1, 0, 0, 0)                 # attr_set = MOUNT_ATTR_RDONLY
    sc(442, AT_FDCWD, target, 0, attr, ctypes.sizeof(attr))  # mount_setattr
    sc(428, AT_FDCWD, target, 1 | 0o2000000)                 # OPEN_TREE_CLONE|OPEN_TREE_CLOEXEC
    sc(166, target, 2)                                       # umount2, MNT_DETACH
    print(fd, mfd)
EOF
}

# The text columns of a line without -T/-t/-C.
read_event() {
	read -r EV_PID EV_COMM EV_CALL EV_SOURCE EV_TARGET EV_FS EV_FLAGS EV_RET EV_DATA <<<"$1"
}

# --- 1. mount(2) and umount2(2) in text and JSON ----------------------------

@test "text: mount -t tmpfs shows the mount with source, target, fs, RET 0 and data; then the umount2" {
	tool_start mountsnoop
	mount_umount "$MARK"
	wait_for_match " umount2 +- +$DIR "
	tool_stop
	assert_eq "$TOOL_RC" 0 "exit status"

	assert_match "$(head -n 1 "$TOOL_OUT")" '^PID +COMM +CALL +SOURCE +TARGET +FS +FLAGS +RET DATA$' "header"
	local line
	line=$(lines_with " $MARK ")
	assert_one_line "$line" "lines with the marker"
	read_event "$line"
	assert_eq "$EV_COMM" mount "COMM"
	assert_eq "$EV_CALL" mount "CALL"
	assert_eq "$EV_SOURCE" "$MARK" "SOURCE"
	assert_eq "$EV_TARGET" "$DIR" "TARGET"
	assert_eq "$EV_FS" tmpfs "FS"
	assert_eq "$EV_RET" 0 "RET"
	assert_eq "$EV_DATA" size=1m "DATA"

	line=$(lines_with " umount2 ")
	line=$(grep -F " $DIR " <<<"$line")
	assert_one_line "$line" "umount2 lines of the directory"
	read_event "$line"
	assert_eq "$EV_COMM" umount "COMM"
	assert_eq "$EV_SOURCE" - "SOURCE"
	assert_eq "$EV_FS" - "FS"
	assert_eq "$EV_RET" 0 "RET"
}

@test "JSON: the mount and the umount2 have the documented keys and values, and every line parses" {
	tool_start mountsnoop -j -v
	mount_umount "$MARK"
	wait_for_match "\"call\":\"umount2\",\"source\":null,\"target\":\"$DIR\""
	tool_stop
	assert_eq "$TOOL_RC" 0 "exit status"

	assert_json_lines
	local ev
	ev=$(jq -c --arg m "$MARK" 'select(.source == $m)' "$TOOL_OUT")
	assert_one_line "$ev" "events with the marker"
	assert_jq "$ev" 'keys_unsorted == ["time","pid","tid","comm","call","source","target","fs","flags","flags_names","ret","cgroup_id","data","strings_from","truncated"]'
	assert_jq "$ev" '.strings_from == "entry"'
	assert_jq "$ev" '.call == "mount" and .comm == "mount" and .target == $d and .fs == "tmpfs"' --arg d "$DIR"
	assert_jq "$ev" '.ret == 0 and .data == "size=1m" and .truncated == false'
	assert_jq "$ev" '(.flags | type) == "number" and (.flags_names | type) == "array"'
	assert_jq "$ev" '.pid > 0 and .tid == .pid and (.cgroup_id | type) == "number"'
	assert_jq "$ev" '.time | test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\\.[0-9]{6}Z$")'

	ev=$(jq -c --arg d "$DIR" 'select(.call == "umount2" and .target == $d)' "$TOOL_OUT")
	assert_one_line "$ev" "umount2 events of the directory"
	assert_jq "$ev" '.comm == "umount" and .ret == 0 and .source == null and .fs == null and .data == null'
	assert_jq "$ev" '.flags == 0 and .flags_names == []'
}

@test "JSON: MS_* flags are decoded (a remount read-only, nosuid)" {
	tool_start mountsnoop -j -v
	# shellcheck disable=SC2016 # expanded by the inner sh
	in_mountns sh -c 'mount -t tmpfs "$1" "$2" && mount -o remount,ro,nosuid "$2"' sh "$MARK" "$DIR"
	wait_for_match "\"target\":\"$DIR\",.*MS_REMOUNT"
	tool_stop
	assert_eq "$TOOL_RC" 0 "exit status"

	local ev
	ev=$(jq -c --arg d "$DIR" 'select(.target == $d and (.flags_names | index("MS_REMOUNT")))' "$TOOL_OUT")
	assert_one_line "$ev" "remount events"
	assert_jq "$ev" '.flags_names | index("MS_RDONLY") and index("MS_NOSUID")'
	# The numeric flags have the bits of MS_RDONLY (1), MS_NOSUID (2), MS_REMOUNT (32).
	assert_jq "$ev" '[1, 2, 32] | all(. as $b | $ev.flags / $b | floor % 2 == 1)' --argjson ev "$ev"
	assert_jq "$ev" '.ret == 0'
}

# --- 2. failed calls and -x -------------------------------------------------------

@test "-x shows a mount of an unknown fs type with a negative RET, and not the successful one" {
	write_syscalls_py
	tool_start mountsnoop -x
	mount_umount "$MARK-ok"
	in_mountns python3 "$SYSCALLS_PY" mount "$MARK-bad" "$DIR" sonde-nofs
	wait_for_text " $MARK-bad "
	tool_stop
	assert_eq "$TOOL_RC" 0 "exit status"

	local line
	line=$(lines_with " $MARK-bad ")
	assert_one_line "$line" "lines of the failed mount"
	read_event "$line"
	assert_eq "$EV_PID" "$NS_PID" "PID"
	assert_eq "$EV_CALL" mount "CALL"
	assert_eq "$EV_TARGET" "$DIR" "TARGET"
	assert_eq "$EV_FS" sonde-nofs "FS"
	assert_eq "$EV_RET" -19 "RET (-ENODEV)"
	assert_absent "$MARK-ok"
	assert_eq "$(awk 'NR > 1 && $8 >= 0' "$TOOL_OUT")" "" "lines with RET >= 0"
}

# --- 3. the new mount API ------------------------------------------------------------

@test "JSON: fsopen, fsconfig, fsmount, move_mount, mount_setattr, open_tree and umount2 are decoded" {
	write_syscalls_py
	tool_start mountsnoop -j -v
	in_mountns python3 "$SYSCALLS_PY" newapi "$MARK" "$DIR" >"$BATS_TEST_TMPDIR/fds"
	wait_for_match "\"pid\":$NS_PID,.*\"call\":\"umount2\""
	tool_stop
	assert_eq "$TOOL_RC" 0 "exit status"

	local fd mfd ev
	read -r fd mfd <"$BATS_TEST_TMPDIR/fds"
	assert_match "$fd $mfd" '^[0-9]+ [0-9]+$' "the fds the script got"
	assert_json_lines
	ev=$(jq -c --argjson p "$NS_PID" 'select(.pid == $p and .call != "mount")' "$TOOL_OUT")
	assert_eq "$(jq -r .call <<<"$ev" | paste -sd' ')" \
		"fsopen fsconfig fsconfig fsconfig fsmount move_mount mount_setattr open_tree umount2" "calls"
	assert_jq "$(sed -n 1p <<<"$ev")" '.fs == "tmpfs" and .flags_names == ["FSOPEN_CLOEXEC"] and .ret == $fd' --argjson fd "$fd"
	assert_jq "$(sed -n 2p <<<"$ev")" '.source == "fd:\($fd)" and .data == "source=\($m)" and .flags_names == ["FSCONFIG_SET_STRING"]' \
		--argjson fd "$fd" --arg m "$MARK"
	assert_jq "$(sed -n 3p <<<"$ev")" '.data == "size=1m"'
	assert_jq "$(sed -n 4p <<<"$ev")" '.data == null and .flags_names == ["FSCONFIG_CMD_CREATE"] and .ret == 0'
	assert_jq "$(sed -n 5p <<<"$ev")" '.source == "fd:\($fd)" and .flags_names == ["FSMOUNT_CLOEXEC", "MOUNT_ATTR_NODEV"] and .ret == $mfd' \
		--argjson fd "$fd" --argjson mfd "$mfd"
	# fsmount() has no argument in memory: nothing to say where it came from.
	assert_jq "$(sed -n 5p <<<"$ev")" '.strings_from == null'
	assert_jq "$(sed -n 6p <<<"$ev")" '.source == "fd:\($mfd)" and .target == $d and .flags_names == ["MOVE_MOUNT_F_EMPTY_PATH"] and .ret == 0' \
		--argjson mfd "$mfd" --arg d "$DIR"
	assert_jq "$(sed -n 7p <<<"$ev")" '.target == $d and .flags_names == ["+MOUNT_ATTR_RDONLY"] and .ret == 0' --arg d "$DIR"
	assert_jq "$(sed -n 8p <<<"$ev")" '.source == $d and .flags_names == ["OPEN_TREE_CLONE", "OPEN_TREE_CLOEXEC"] and .ret >= 0' --arg d "$DIR"
	assert_jq "$(sed -n 9p <<<"$ev")" '.target == $d and .flags_names == ["MNT_DETACH"] and .ret == 0' --arg d "$DIR"
}

# --- 4. strings as they were at entry ----------------------------------------------

@test "a mount held in the kernel while its source and type are rewritten is reported with them as they were at entry" {
	require_toctou
	local src=$MARK-src decoy=$MARK-dcy out
	tool_start mountsnoop -j -v
	out=$(in_mountns "$TOCTOU" mount-wait "$src" "$decoy" "$DIR")
	assert_eq "$out" ok "the mount"
	wait_for_match "\"comm\":\"toctou\",\"call\":\"umount2\""
	tool_stop
	assert_eq "$TOOL_RC" 0 "exit status"
	assert_jq "$(jq -c 'select(.comm == "toctou" and .call == "mount")' "$TOOL_OUT")" \
		'.source == $s and .fs == "tmpfs" and .data == "size=1m" and .ret == 0 and .strings_from == "entry"' \
		--arg s "$src"
	assert_absent "$decoy"
	assert_absent '"tmpfx"'
}

# --- 5. filters ---------------------------------------------------------------------

@test "-p PID shows only that process's calls" {
	local fifo=$BATS_TEST_TMPDIR/go cmd
	mkfifo "$fifo"
	exec {cmd}<>"$fifo"
	# A shell of ours that waits for a line, then becomes unshare, which
	# becomes mount(8) (each exec keeps the PID).
	(
		read -r _ <"$fifo"
		exec unshare -m --propagation private mount -t tmpfs "$MARK-target" "$DIR"
	) 3>&- &
	local target=$!
	sonde_track_pid "$target"

	tool_start mountsnoop -p "$target"
	mount_umount "$MARK-other"
	echo go >&"$cmd"
	wait "$target"
	mount_umount "$MARK-other-after"
	wait_for_text " $MARK-target "
	tool_stop
	exec {cmd}>&-
	assert_eq "$TOOL_RC" 0 "exit status"

	assert_absent "$MARK-other"
	assert_eq "$(awk -v p="$target" 'NR > 1 && $1 != p' "$TOOL_OUT")" "" "lines of other processes"
}

@test "-c CG shows only calls made in that cgroup" {
	cgroup_create
	tool_start mountsnoop -c "$CGROUP_DIR"
	mount_umount "$MARK-outside-before"
	# shellcheck disable=SC2016 # expanded by the inner sh
	run_in_cgroup "$CGROUP_DIR" unshare -m --propagation private \
		sh -c 'mount -t tmpfs "$1" "$2" && umount "$2"' sh "$MARK-inside" "$DIR"
	mount_umount "$MARK-outside-after"
	wait_for_text " $MARK-inside "
	tool_stop
	assert_eq "$TOOL_RC" 0 "exit status"
	assert_one_line "$(lines_with " $MARK-inside ")" "lines of the mount inside"
	assert_absent "$MARK-outside"
}

@test "-C -j gives .cgroup and .cgroup_id of the caller" {
	cgroup_create leaf
	tool_start mountsnoop -C -j -v
	# shellcheck disable=SC2016 # expanded by the inner sh
	run_in_cgroup "$CGROUP_DIR" unshare -m --propagation private \
		sh -c 'mount -t tmpfs "$1" "$2"' sh "$MARK" "$DIR"
	wait_for_text "\"$MARK\""
	tool_stop
	assert_eq "$TOOL_RC" 0 "exit status"
	local ev
	ev=$(jq -c --arg m "$MARK" 'select(.source == $m)' "$TOOL_OUT")
	assert_one_line "$ev" "events with the marker"
	assert_jq "$ev" '.cgroup == $p and .cgroup_id == $id' --arg p "$CGROUP_REL" --argjson id "$CGROUP_ID"
}

# --- 6. strings ----------------------------------------------------------------------

@test "a source longer than 255 bytes is cut: text ends in '...', JSON has truncated true" {
	local long
	printf -v long '%*s' 300 ''
	long=$MARK-${long// /s}
	tool_start mountsnoop
	mount_umount "$long"
	wait_for_text " $MARK-"
	tool_stop
	assert_eq "$TOOL_RC" 0 "exit status"
	read_event "$(lines_with " $MARK-")"
	assert_eq "$EV_SOURCE" "${long:0:255}..." "SOURCE"

	tool_start mountsnoop -j -v
	mount_umount "$long"
	wait_for_text "\"$MARK-"
	tool_stop
	local ev
	ev=$(jq -c 'select(.call == "mount" and .truncated)' "$TOOL_OUT")
	assert_one_line "$ev" "truncated events"
	assert_jq "$ev" '.source == $s' --arg s "${long:0:255}"
}

@test "a hostile source stays on one line in text and parses in JSON" {
	local src=$MARK$'-nl\nx-\e[31mred-\xff'
	write_syscalls_py
	tool_start mountsnoop -x
	in_mountns python3 "$SYSCALLS_PY" mount "$src" "$DIR" sonde-nofs
	wait_for_text " $MARK-nl"
	tool_stop
	assert_eq "$TOOL_RC" 0 "exit status"
	assert_eq "$(count_lines_with "$MARK")" 1 "lines with the marker"
	read_event "$(lines_with "$MARK")"
	assert_eq "$EV_SOURCE" "$MARK-nl\\x0ax-\\x1b[31mred-\\xff" "SOURCE"
	assert_eq "$(LC_ALL=C grep -n '[^ -~]' "$TOOL_OUT")" "" "lines with raw control or 8-bit bytes"

	tool_start mountsnoop -x -j -v
	in_mountns python3 "$SYSCALLS_PY" mount "$src" "$DIR" sonde-nofs
	wait_for_text "$MARK-nl"
	tool_stop
	assert_json_lines
	local ev
	ev=$(jq -c --arg m "$MARK" 'select(.source | startswith($m))' "$TOOL_OUT")
	assert_one_line "$ev" "events with the marker"
	assert_jq "$ev" '.source == $m + "-nl\nx-\u001b[31mred-\u00ff"' --arg m "$MARK"
}

# --- 7. columns -------------------------------------------------------------------------

@test "-T shows a clock column, -t seconds since the start" {
	tool_start mountsnoop -T
	mount_umount "$MARK"
	wait_for_text " $MARK "
	tool_stop
	assert_match "$(head -n 1 "$TOOL_OUT")" '^TIME +PID +COMM +CALL ' "header"
	local t rest
	read -r t rest <<<"$(lines_with " $MARK ")"
	assert_match "$t" '^([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]$' "TIME"

	tool_start mountsnoop -t
	mount_umount "$MARK"
	wait_for_text " $MARK "
	tool_stop
	assert_match "$(head -n 1 "$TOOL_OUT")" '^TIME\(s\) +PID +COMM +CALL ' "header"
	read -r t rest <<<"$(lines_with " $MARK ")"
	assert_match "$t" '^[0-9]+\.[0-9]{3}$' "TIME(s)"
}

# --- 8. a closed pipe ---------------------------------------------------------------------

@test "mountsnoop -j | head -n1 exits 0 with nothing on stderr" {
	require_bpf mountsnoop
	local out=$BATS_TEST_TMPDIR/head.out err=$BATS_TEST_TMPDIR/tool.err
	local st=$BATS_TEST_TMPDIR/pipestatus pidf=$BATS_TEST_TMPDIR/timeout.pid i
	(
		(
			echo "$BASHPID" >"$pidf"
			exec timeout 20 "$SONDE_BIN/mountsnoop" -j 2>"$err"
		) | head -n 1 >"$out"
		echo "${PIPESTATUS[*]}" >"$st"
	) 3>&- &
	sonde_track_pid "$!"
	# Mounts until the pipeline has ended; at most 200 rounds.
	for ((i = 0; i < 200; i++)); do
		[[ -s $st ]] && break
		[[ -s $pidf ]] && sonde_track_pid "$(<"$pidf")"
		mount_umount "$MARK-$i"
		sonde_nap 0.05
	done
	[[ -s $st ]] || sonde_fail "the pipeline did not end after $i rounds" "--- stderr:" "$(<"$err")"

	local tool_rc head_rc
	read -r tool_rc head_rc <"$st"
	assert_eq "$tool_rc" 0 "mountsnoop's exit status"
	assert_eq "$head_rc" 0 "head's exit status"
	assert_eq "$(<"$err")" "" "mountsnoop's stderr"
	assert_eq "$(wc -l <"$out")" 1 "lines head printed"
	assert_json_lines "$out"
}

# --- 9. bad values and environment ---------------------------------------------------------

# assert_bad_value OPTION VALUE ARGS...: mountsnoop ARGS exits 2, prints
# nothing on stdout and one line on stderr naming OPTION and 'VALUE'.
assert_bad_value() {
	local opt=$1 val=$2
	shift 2
	tool_run_bounded 10 mountsnoop "$@"
	assert_eq "$status" 2 "exit status of mountsnoop $*"
	assert_eq "$output" "" "stdout"
	assert_one_line "$stderr" "stderr"
	assert_match "$stderr" "^mountsnoop: " "stderr"
	[[ $stderr == *"$opt"* ]] || sonde_fail "stderr does not name $opt: $stderr"
	[[ $stderr == *"'$val'"* ]] || sonde_fail "stderr does not name '$val': $stderr"
}

@test "bad values exit 2 naming the option and the value: -p, -d" {
	assert_bad_value -p abc -p abc
	assert_bad_value -p 0 -p 0
	assert_bad_value -p 99999999999 -p 99999999999
	assert_bad_value -d -1 -d -1
	assert_bad_value -d 0 -d 0
}

@test "an unknown option (-u is not one) or an extra argument exits 2" {
	tool_run_bounded 10 mountsnoop --bogus
	assert_eq "$status" 2 "exit status"
	[[ $stderr == *--bogus* ]] || sonde_fail "stderr does not name --bogus: $stderr"
	tool_run_bounded 10 mountsnoop -u 0
	assert_eq "$status" 2 "exit status of -u"
	tool_run_bounded 10 mountsnoop extra-argument
	assert_eq "$status" 2 "exit status"
	assert_eq "$output" "" "stdout"
}

@test "-c /no-such-cgroup-sonde exits 3 naming the cgroup" {
	tool_run_bounded 10 mountsnoop -c /no-such-cgroup-sonde
	assert_eq "$status" 3 "exit status"
	assert_one_line "$stderr" "stderr"
	[[ $stderr == *"'/no-such-cgroup-sonde'"* ]] || sonde_fail "stderr does not name the cgroup: $stderr"
}

@test "an unprivileged run exits 3 with one line about root / CAP_BPF" {
	require_bpf mountsnoop
	sonde_tmpdir_public
	cp "$SONDE_BIN/mountsnoop" "$SONDE_PUBLIC_DIR/mountsnoop"
	chmod 755 "$SONDE_PUBLIC_DIR/mountsnoop"
	local out=$BATS_TEST_TMPDIR/unpriv.out err=$BATS_TEST_TMPDIR/unpriv.err
	status=0
	(cd / && timeout -s KILL 10 setpriv --reuid=65534 --regid=65534 --clear-groups \
		--inh-caps=-all --bounding-set=-all "$SONDE_PUBLIC_DIR/mountsnoop" -d 1) \
		>"$out" 2>"$err" 3>&- || status=$?
	assert_eq "$status" 3 "exit status"
	assert_eq "$(<"$out")" "" "stdout"
	local msg
	msg=$(<"$err")
	assert_one_line "$msg" "stderr"
	assert_match "$msg" '^mountsnoop: .*root.*CAP_BPF' "stderr"
}

# --- 10. ending -------------------------------------------------------------------------------

@test "SIGINT ends with exit 0 and nothing left attached" {
	tool_start mountsnoop -j -v
	tool_stop INT
	assert_eq "$TOOL_RC" 0 "exit status"
	assert_detached "${MOUNTSNOOP_PROGS[@]}"
}

@test "SIGTERM with -x ends with exit 0 and nothing left attached" {
	tool_start mountsnoop -x
	tool_stop TERM
	assert_eq "$TOOL_RC" 0 "exit status"
	assert_eq "$(<"$TOOL_ERR")" "" "stderr"
	assert_detached "${MOUNTSNOOP_PROGS[@]}"
}

@test "-d 1 ends by itself with exit 0 and nothing left attached" {
	tool_start mountsnoop -d 1
	tool_record_bpf
	tool_wait_exit 5
	assert_eq "$TOOL_RC" 0 "exit status"
	assert_eq "$(<"$TOOL_ERR")" "" "stderr"
	assert_detached "${MOUNTSNOOP_PROGS[@]}"
}

# --- 11. help ---------------------------------------------------------------------------------

@test "--help lists the options and ends with the EXAMPLES; -V prints the version" {
	tool_run_bounded 10 mountsnoop --help
	assert_eq "$status" 0 "exit status"
	assert_match "$output" '^Usage: mountsnoop ' "stdout"
	[[ $output == *--failed* && $output == *--cgroup* ]] || sonde_fail "help lacks options:" "$output"
	local after
	after=$(sed -n '/^EXAMPLES:$/,$p' <<<"$output" | tail -n +2)
	[[ -n $after ]] || sonde_fail "no EXAMPLES section at the end of --help:" "$output"
	assert_eq "$(grep -v '^  mountsnoop' <<<"$after")" "" "lines after EXAMPLES: that are not examples"

	tool_run_bounded 10 mountsnoop -V
	assert_eq "$status" 0 "exit status"
	assert_match "$output" '^mountsnoop \(sonde\) [0-9]+\.[0-9]+' "stdout"
}
