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
	stop_ok

	assert_header '^PID +COMM +CALL +SOURCE +TARGET +FS +FLAGS +RET DATA$'
	one_line_with " $MARK " "lines with the marker"
	read_event "$LINE"
	assert_eq "$EV_COMM" mount "COMM"
	assert_eq "$EV_CALL" mount "CALL"
	assert_eq "$EV_SOURCE" "$MARK" "SOURCE"
	assert_eq "$EV_TARGET" "$DIR" "TARGET"
	assert_eq "$EV_FS" tmpfs "FS"
	assert_eq "$EV_RET" 0 "RET"
	assert_eq "$EV_DATA" size=1m "DATA"

	local line
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
	stop_ok

	assert_json_lines
	one_event '.source == $m' "events with the marker" --arg m "$MARK"
	assert_jq "$EV" 'keys_unsorted == ["time","pid","tid","comm","call","source","target","fs","flags","flags_names","ret","cgroup_id","data","strings_from","truncated"]'
	assert_jq "$EV" '.strings_from == "entry"'
	assert_jq "$EV" '.call == "mount" and .comm == "mount" and .target == $d and .fs == "tmpfs"' --arg d "$DIR"
	assert_jq "$EV" '.ret == 0 and .data == "size=1m" and .truncated == false'
	assert_jq "$EV" '(.flags | type) == "number" and (.flags_names | type) == "array"'
	assert_jq "$EV" '.pid > 0 and .tid == .pid and (.cgroup_id | type) == "number"'
	assert_jq "$EV" '.time | test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\\.[0-9]{6}Z$")'

	one_event '.call == "umount2" and .target == $d' "umount2 events of the directory" --arg d "$DIR"
	assert_jq "$EV" '.comm == "umount" and .ret == 0 and .source == null and .fs == null and .data == null'
	assert_jq "$EV" '.flags == 0 and .flags_names == []'
}

@test "JSON: MS_* flags are decoded (a remount read-only, nosuid)" {
	tool_start mountsnoop -j -v
	# shellcheck disable=SC2016 # expanded by the inner sh
	in_mountns sh -c 'mount -t tmpfs "$1" "$2" && mount -o remount,ro,nosuid "$2"' sh "$MARK" "$DIR"
	wait_for_match "\"target\":\"$DIR\",.*MS_REMOUNT"
	stop_ok

	one_event '.target == $d and (.flags_names | index("MS_REMOUNT"))' "remount events" --arg d "$DIR"
	assert_jq "$EV" '.flags_names | index("MS_RDONLY") and index("MS_NOSUID")'
	# The numeric flags have the bits of MS_RDONLY (1), MS_NOSUID (2), MS_REMOUNT (32).
	assert_jq "$EV" '[1, 2, 32] | all(. as $b | $ev.flags / $b | floor % 2 == 1)' --argjson ev "$EV"
	assert_jq "$EV" '.ret == 0'
}

# --- 2. failed calls and -x -------------------------------------------------------

@test "-x shows a mount of an unknown fs type with a negative RET, and not the successful one" {
	write_syscalls_py
	tool_start mountsnoop -x
	mount_umount "$MARK-ok"
	in_mountns python3 "$SYSCALLS_PY" mount "$MARK-bad" "$DIR" sonde-nofs
	wait_for_text " $MARK-bad "
	stop_ok

	one_line_with " $MARK-bad " "lines of the failed mount"
	read_event "$LINE"
	assert_eq "$EV_PID" "$NS_PID" "PID"
	assert_eq "$EV_CALL" mount "CALL"
	assert_eq "$EV_TARGET" "$DIR" "TARGET"
	assert_eq "$EV_FS" sonde-nofs "FS"
	assert_eq "$EV_RET" ENODEV "RET"
	assert_absent "$MARK-ok"
	assert_eq "$(awk 'NR > 1 && $8 ~ /^[0-9]+$/' "$TOOL_OUT")" "" "lines with RET >= 0"
}

# --- 3. the new mount API ------------------------------------------------------------

@test "JSON: fsopen, fsconfig, fsmount, move_mount, mount_setattr, open_tree and umount2 are decoded" {
	write_syscalls_py
	tool_start mountsnoop -j -v
	in_mountns python3 "$SYSCALLS_PY" newapi "$MARK" "$DIR" >"$BATS_TEST_TMPDIR/fds"
	wait_for_match "\"pid\":$NS_PID,.*\"call\":\"umount2\""
	stop_ok

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
	# The target becomes unshare, which becomes mount(8) (each exec keeps
	# the PID).
	target_start unshare -m --propagation private mount -t tmpfs "$MARK-target" "$DIR"
	tool_start mountsnoop -p "$TARGET"
	mount_umount "$MARK-other"
	target_go
	mount_umount "$MARK-other-after"
	wait_for_text " $MARK-target "
	stop_ok

	assert_absent "$MARK-other"
	assert_eq "$(awk -v p="$TARGET" 'NR > 1 && $1 != p' "$TOOL_OUT")" "" "lines of other processes"
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
	stop_ok
	one_line_with " $MARK-inside " "lines of the mount inside"
	assert_absent "$MARK-outside"
}

@test "-C -j gives .cgroup and .cgroup_id of the caller" {
	cgroup_create leaf
	tool_start mountsnoop -C -j -v
	# shellcheck disable=SC2016 # expanded by the inner sh
	run_in_cgroup "$CGROUP_DIR" unshare -m --propagation private \
		sh -c 'mount -t tmpfs "$1" "$2"' sh "$MARK" "$DIR"
	wait_for_text "\"$MARK\""
	stop_ok
	one_event '.source == $m' "events with the marker" --arg m "$MARK"
	assert_jq "$EV" '.cgroup == $p and .cgroup_id == $id' --arg p "$CGROUP_REL" --argjson id "$CGROUP_ID"
}

# --- 6. strings ----------------------------------------------------------------------

@test "a source longer than 255 bytes is cut: text ends in '...', JSON has truncated true" {
	local long
	printf -v long '%*s' 300 ''
	long=$MARK-${long// /s}
	tool_start mountsnoop
	mount_umount "$long"
	wait_for_text " $MARK-"
	stop_ok
	read_event "$(lines_with " $MARK-")"
	assert_eq "$EV_SOURCE" "${long:0:255}..." "SOURCE"

	tool_start mountsnoop -j -v
	mount_umount "$long"
	wait_for_text "\"$MARK-"
	tool_stop
	one_event '.call == "mount" and .truncated' "truncated events"
	assert_jq "$EV" '.source == $s' --arg s "${long:0:255}"
}

@test "a hostile source stays on one line in text and parses in JSON" {
	local src=$MARK$'-nl\nx-\e[31mred-\xff'
	write_syscalls_py
	tool_start mountsnoop -x
	in_mountns python3 "$SYSCALLS_PY" mount "$src" "$DIR" sonde-nofs
	wait_for_text " $MARK-nl"
	stop_ok
	assert_eq "$(count_lines_with "$MARK")" 1 "lines with the marker"
	read_event "$(lines_with "$MARK")"
	assert_eq "$EV_SOURCE" "$MARK-nl\\x0ax-\\x1b[31mred-\\xff" "SOURCE"
	assert_eq "$(LC_ALL=C grep -n '[^ -~]' "$TOOL_OUT")" "" "lines with raw control or 8-bit bytes"

	tool_start mountsnoop -x -j -v
	in_mountns python3 "$SYSCALLS_PY" mount "$src" "$DIR" sonde-nofs
	wait_for_text "$MARK-nl"
	tool_stop
	assert_json_lines
	one_event '.source | startswith($m)' "events with the marker" --arg m "$MARK"
	assert_jq "$EV" '.source == $m + "-nl\nx-\u001b[31mred-\u00ff"' --arg m "$MARK"
}

# --- 7. columns -------------------------------------------------------------------------

@test "-T shows a clock column, -t seconds since the start" {
	tool_start mountsnoop -T
	mount_umount "$MARK"
	wait_for_text " $MARK "
	tool_stop
	assert_header '^TIME +PID +COMM +CALL '
	local t rest
	read -r t rest <<<"$(lines_with " $MARK ")"
	assert_match "$t" '^([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]$' "TIME"

	tool_start mountsnoop -t
	mount_umount "$MARK"
	wait_for_text " $MARK "
	tool_stop
	assert_header '^TIME\(s\) +PID +COMM +CALL '
	read -r t rest <<<"$(lines_with " $MARK ")"
	assert_match "$t" '^[0-9]+\.[0-9]{3}$' "TIME(s)"
}

# --- 8. a closed pipe ---------------------------------------------------------------------

@test "mountsnoop -j | head -n1 exits 0 with nothing on stderr" {
	# Mounts until the pipeline has ended.
	assert_head_ends mountsnoop -- mount_umount "$MARK"
}

# --- 9. bad values and environment ---------------------------------------------------------

@test "bad values exit 2 naming the option and the value: -p, -d" {
	assert_bad_value mountsnoop -p abc -p abc
	assert_bad_value mountsnoop -p 0 -p 0
	assert_bad_value mountsnoop -p 99999999999 -p 99999999999
	assert_bad_value mountsnoop -d -1 -d -1
	assert_bad_value mountsnoop -d 0 -d 0
}

@test "an unknown option (-u is not one) or an extra argument exits 2" {
	assert_usage_error mountsnoop --bogus --bogus
	assert_usage_error mountsnoop "'u'" -u 0
	assert_usage_error mountsnoop "" extra-argument
}

@test "-c /no-such-cgroup-sonde exits 3 naming the cgroup" {
	assert_cgroup_not_found mountsnoop /no-such-cgroup-sonde
}

@test "an unprivileged run exits 3 with one line about root / CAP_BPF" {
	assert_unprivileged_exit mountsnoop
}

# --- 10. ending -------------------------------------------------------------------------------

@test "SIGINT ends with exit 0 and nothing left attached" {
	tool_start mountsnoop -j -v
	stop_ok INT
	assert_detached "${MOUNTSNOOP_PROGS[@]}"
}

@test "SIGTERM with -x ends with exit 0 and nothing left attached" {
	tool_start mountsnoop -x
	stop_ok TERM
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
	assert_help mountsnoop --failed --cgroup
}
