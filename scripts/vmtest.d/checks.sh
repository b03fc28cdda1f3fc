# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# shellcheck shell=sh
# Per-tool checks of scripts/vmtest, sourced by run.sh. They run inside the
# test VM (busybox sh, as /init's child) and, with `scripts/vmtest --host`, on
# the host kernel (busybox sh too). POSIX sh only.
#
# A tool `foo` is checked by a function check_foo: it starts the tool with
# tool_start, waits for it with tool_wait_ready, makes the kernel produce an
# event, waits for it with tool_wait_out, and stops the tool with tool_stop_ok.
# Each helper returns non-zero after recording why (fail); a check returns
# non-zero on the first failure:
#
#   check_foo() {
#       tool_start foo -j -v || return 1
#       tool_wait_ready || return 1
#       cat /sonde-vm-marker-file 2>/dev/null
#       tool_wait_out '"sonde-vm-marker-file"' || return 1
#       tool_stop_ok
#   }
#
# Environment (set by run.sh): VMT_BIN (the tools), VMT_DIR (scratch dir of
# this tool's check), VMT_REASON (file receiving the failure reason), and
# VMT_TOOL_ARGS, options put before every tool run's own (--btf FILE in the
# phase with the kernel's BTF hidden: check_hidden_btf).
# Every wait is bounded; bounds in seconds can be overridden from the
# environment.

: "${VMT_READY_SECS:=30}" # tool start to "tracing; Ctrl-C to stop" (BTF parse + verifier; <1s under TCG)
: "${VMT_EVENT_SECS:=10}" # marker action to its event in the output
: "${VMT_STOP_SECS:=10}"  # SIGINT to exit
: "${VMT_RUN_SECS:=80}"   # hard bound on one tool process (SIGKILL)

# The line every tool prints on stderr with -v once attached (lib/evloop.c).
VMT_READY_LINE='tracing; Ctrl-C to stop'

TOOL_NAME=
TOOL_PID=
TOOL_RUN=0

# fail MESSAGE: record why the check failed, show the tool's stderr on the
# console, kill the tool if it still runs; returns 1.
fail() {
	printf '%s\n' "$*" >"$VMT_REASON"
	if [ -n "$TOOL_PID" ] && tool_alive; then
		kill -KILL "$TOOL_PID" 2>/dev/null
		wait "$TOOL_PID" 2>/dev/null
	fi
	TOOL_PID=
	[ -z "$TOOL_NAME" ] || tool_dump
	return 1
}

# tool_dump: the current tool run's command, stderr and stdout, between
# markers that scripts/vmtest prints when a check fails.
tool_dump() {
	echo "VMTEST-LOG BEGIN $TOOL_NAME run $TOOL_RUN: $TOOL_CMD"
	echo "--- stderr:"
	head -n 2000 "$TOOL_ERR"
	echo "--- stdout (last 20 lines):"
	tail -n 20 "$TOOL_OUT"
	echo "VMTEST-LOG END $TOOL_NAME"
}

# tool_start NAME ARGS...: start $VMT_BIN/NAME in the background, stdout to
# $TOOL_OUT, stderr to $TOOL_ERR, killed after VMT_RUN_SECS whatever happens.
tool_start() {
	TOOL_NAME=$1
	shift
	TOOL_RUN=$((TOOL_RUN + 1))
	TOOL_OUT=$VMT_DIR/run$TOOL_RUN.out
	TOOL_ERR=$VMT_DIR/run$TOOL_RUN.err
	TOOL_CMD="$TOOL_NAME ${VMT_TOOL_ARGS:+$VMT_TOOL_ARGS }$*"
	TOOL_RC=
	: >"$TOOL_OUT"
	: >"$TOOL_ERR"
	# shellcheck disable=SC2086 # VMT_TOOL_ARGS is words
	timeout -s KILL "$VMT_RUN_SECS" "$VMT_BIN/$TOOL_NAME" ${VMT_TOOL_ARGS:-} "$@" >"$TOOL_OUT" 2>"$TOOL_ERR" &
	TOOL_PID=$!
}

# tool_alive: the tool process exists and is not a zombie.
tool_alive() {
	[ -r "/proc/$TOOL_PID/stat" ] || return 1
	read -r _pid _comm _state _rest <"/proc/$TOOL_PID/stat" 2>/dev/null || return 1
	[ "$_state" != Z ]
}

# tool_reap: collect the exit status of a tool that is gone.
tool_reap() {
	wait "$TOOL_PID"
	TOOL_RC=$?
	TOOL_PID=
}

# grep_all FILE PATTERN...: the lines of FILE (- for stdin) that contain every
# PATTERN (fixed strings).
grep_all() {
	_file=$1
	shift
	if [ $# -le 1 ]; then
		grep -F -e "$1" "$_file"
		return
	fi
	_pat=$1
	shift
	grep -F -e "$_pat" "$_file" | grep_all - "$@"
}

# now_cs: uptime in centiseconds (a monotonic clock that busybox sh can read).
now_cs() {
	read -r _up _ </proc/uptime
	_up=${_up%.*}${_up#*.}
	while [ "${_up#0}" != "$_up" ] && [ "${#_up}" -gt 1 ]; do _up=${_up#0}; done
	echo "$_up"
}

# wait_for SECS FILE PATTERN...: wait until a line of FILE contains every
# PATTERN; gives up early if the tool exits. Returns 0 when found.
wait_for() {
	_deadline=$(($(now_cs) + $1 * 100))
	shift
	while :; do
		grep_all "$@" >/dev/null && return 0
		tool_alive || break
		[ "$(now_cs)" -lt "$_deadline" ] || return 1
		sleep 0.2
	done
	# gone: its last words may have been flushed on the way out
	grep_all "$@" >/dev/null
}

# fail_gone WHEN: the tool exited on its own; fail saying how, with its last
# stderr line that is not libbpf's (the tool's own one-line reason).
fail_gone() {
	tool_reap
	_last=$(grep -v -e '^libbpf: ' -e '^$' "$TOOL_ERR" | tail -n 1)
	fail "$TOOL_CMD: exited with status $TOOL_RC $1${_last:+: $_last}"
}

# tool_wait_ready: wait for the "tracing" line on stderr (needs -v).
tool_wait_ready() {
	wait_for "$VMT_READY_SECS" "$TOOL_ERR" "$VMT_READY_LINE" && return 0
	tool_alive || { fail_gone "before attaching"; return 1; }
	fail "$TOOL_CMD: not attached after ${VMT_READY_SECS}s"
}

# tool_wait_out PATTERN...: wait for an output line containing every PATTERN;
# shows the first such line as a VMTEST INFO line.
tool_wait_out() {
	if wait_for "$VMT_EVENT_SECS" "$TOOL_OUT" "$@"; then
		echo "VMTEST INFO $TOOL_NAME event: $(grep_all "$TOOL_OUT" "$@" | head -n 1 | cut -c1-300)"
		return 0
	fi
	tool_alive || { fail_gone "before reporting [$*]"; return 1; }
	fail "$TOOL_CMD: no output line with [$*] after ${VMT_EVENT_SECS}s"
}

# tool_out_lacks PATTERN...: no output line contains every PATTERN.
tool_out_lacks() {
	grep_all "$TOOL_OUT" "$@" >/dev/null || return 0
	fail "$TOOL_CMD: unexpected output line with [$*]: $(grep_all "$TOOL_OUT" "$@" | head -n 1)"
}

# tool_stop_ok: SIGINT the tool, wait (bounded) for it, require exit status 0.
# (A background job of a non-interactive shell starts with SIGINT ignored; the
# tools block it and read it from a signalfd (lib/evloop.c), which still works.)
tool_stop_ok() {
	kill -INT "$TOOL_PID" 2>/dev/null
	_deadline=$(($(now_cs) + VMT_STOP_SECS * 100))
	while tool_alive && [ "$(now_cs)" -lt "$_deadline" ]; do
		sleep 0.1
	done
	tool_alive && { fail "$TOOL_CMD: still running ${VMT_STOP_SECS}s after SIGINT"; return 1; }
	tool_reap
	[ "$TOOL_RC" = 0 ] || fail "$TOOL_CMD: exit status $TOOL_RC after SIGINT, expected 0"
}

# ---------------------------------------------------------------------------
# The checks, one function per tool.

# execsnoop: a successful exec shows up with its file and its arguments (and,
# without -x, a failed one does not); with -x a failed exec shows up with
# ret -2 (ENOENT) and the arguments it was given, copied at entry, 128 of
# them with --max-args 128.
check_execsnoop() {
	tool_start execsnoop -j -v || return 1
	tool_wait_ready || return 1
	/nonexistent/sonde-vm-missing sonde-vm-arg 2>/dev/null
	/bin/busybox true sonde-vm-marker
	tool_wait_out '"comm":"busybox"' '"ret":0' \
		'/busybox","args":["/bin/busybox","true","sonde-vm-marker"],"args_from":"kernel"' || return 1
	tool_stop_ok || return 1
	tool_out_lacks 'sonde-vm-missing' || return 1

	tool_start execsnoop -j -v -x || return 1
	tool_wait_ready || return 1
	/nonexistent/sonde-vm-missing sonde-vm-arg 2>/dev/null
	tool_wait_out '"ret":-2' '"exe":null,"args":["/nonexistent/sonde-vm-missing","sonde-vm-arg"],"args_from":"entry"' || return 1
	tool_stop_ok || return 1

	# The whole range of --max-args loads (bpf_loop on 6.1 too).
	tool_start execsnoop -j -v -x --max-args 128 || return 1
	tool_wait_ready || return 1
	/nonexistent/sonde-vm-missing $(seq 1 130) 2>/dev/null
	tool_wait_out '"ret":-2' '"126","127"],"args_from":"entry","truncated":true' || return 1
	tool_stop_ok
}

# exitsnoop: a process that exits with code 7 and one killed by SIGKILL show
# up with their PIDs, exit codes and signals.
check_exitsnoop() {
	tool_start exitsnoop -j -v || return 1
	tool_wait_ready || return 1
	sh -c 'exit 7' &
	_code=$!
	wait "$_code"
	sh -c 'kill -KILL $$' &
	_killed=$!
	wait "$_killed"
	tool_wait_out "\"pid\":$_code," '"exit_code":7,"signal":null' || return 1
	tool_wait_out "\"pid\":$_killed," '"exit_code":null,"signal":"SIGKILL"' || return 1
	tool_stop_ok
}

# killsnoop: SIGUSR1 to a child of ours is seen as sent by us and delivered;
# SIGUSR1 to a PID above PID_MAX_LIMIT (which cannot exist) fails with ESRCH.
check_killsnoop() {
	tool_start killsnoop -j -v || return 1
	tool_wait_ready || return 1
	sleep 30 &
	_target=$!
	kill -USR1 "$_target"
	wait "$_target"
	kill -USR1 4195304 2>/dev/null
	tool_wait_out "\"pid\":$$," '"signal":"SIGUSR1"' "\"tpid\":$_target," '"result":0' '"source":"syscall"' || return 1
	tool_wait_out "\"pid\":$$," '"signal":"SIGUSR1","tpid":4195304,"result":-3,"result_name":"ESRCH"' || return 1
	tool_stop_ok
}

# oomkill: a real OOM kill. A shell that reads 64 MB into a variable inside a
# cgroup limited to 16 MiB (no swap) is killed; oomkill -p <the shell>, which
# passes kills whose victim or trigger is that process, reports it with its
# PID, name, cgroup and memory. Where cgroup v2 has no memory controller (the
# host of --host), only loading, attaching and stopping are checked.
# cgroup_rmdir DIR: removes a cgroup of the check's own once the processes
# in it have gone (children of a process killed may take a moment: at most
# 5 s).
cgroup_rmdir() {
	_i=0
	until rmdir "$1" 2>/dev/null || [ "$_i" -ge 50 ]; do
		sleep 0.1
		_i=$((_i + 1))
	done
}

check_oomkill() {
	_mnt=$(awk '$3 == "cgroup2" { print $2; exit }' /proc/mounts)
	if [ -z "$_mnt" ] || ! grep -qw memory "$_mnt/cgroup.controllers"; then
		tool_start oomkill -j -v || return 1
		tool_wait_ready || return 1
		echo "VMTEST INFO oomkill: no memory controller in cgroup v2 here; no OOM kill made"
		tool_stop_ok
		return
	fi
	grep -qw memory "$_mnt/cgroup.subtree_control" || echo +memory >"$_mnt/cgroup.subtree_control" ||
		{ fail "cannot enable the memory controller in $_mnt"; return 1; }
	_cg=$_mnt/sonde-vmtest-oom-$$
	mkdir "$_cg" && echo 16M >"$_cg/memory.max" || { fail "cannot make cgroup $_cg"; return 1; }
	[ ! -e "$_cg/memory.swap.max" ] || echo 0 >"$_cg/memory.swap.max"
	_cgid=$(stat -c %i "$_cg")
	# A name of our own for the victim (busybox runs as "busybox-*" too);
	# it waits on a FIFO until oomkill is tracing.
	ln -s /bin/busybox "$VMT_DIR/busybox-oomhog"
	mkfifo "$VMT_DIR/go"
	# shellcheck disable=SC2016 # expanded by the hog's shell
	"$VMT_DIR/busybox-oomhog" sh -c 'echo $$ >"$1/cgroup.procs" && read -r _ <"$2" &&
		x=$(head -c 64000000 /dev/zero | tr "\0" a)' sh "$_cg" "$VMT_DIR/go" &
	_hog=$!
	_rc=1
	if tool_start oomkill -j -v -p "$_hog" && tool_wait_ready; then
		echo go >"$VMT_DIR/go"
		wait "$_hog"
		tool_wait_out "\"pid\":$_hog,\"tid\":$_hog,\"comm\":\"busybox-oomhog\"" \
			"\"cgroup_id\":$_cgid," '"rss_kb":' && tool_stop_ok && _rc=0
	fi
	kill -KILL "$_hog" 2>/dev/null
	wait "$_hog" 2>/dev/null
	# The hog's children (head, tr) may take a moment to go.
	cgroup_rmdir "$_cg"
	return "$_rc"
}

# capable: chown to another owner, as root, asks for CAP_CHOWN and gets it;
# mknod of a character device from a new user namespace asks for CAP_MKNOD
# in the initial one and is denied (-x). Where the kernel lacks the
# capability:cap_capable tracepoint (6.1) capable falls back to fentry, which
# also tells the audit flag; the -x run then forces the kprobe pair. Both run
# with --unique, whose per-process set the verifier checks on each hook; the
# -x run with -K, its kernel stack without the hook's frames.
check_capable() {
	: >"$VMT_DIR/f"
	tool_start capable -j -v --unique || return 1
	tool_wait_ready || return 1
	chown 4242 "$VMT_DIR/f"
	tool_wait_out '"cap":0,"cap_name":"CAP_CHOWN"' '"verdict":"allow"' || return 1
	tool_stop_ok || return 1
	_hook=$(sed -n 's/^capable: hook: //p' "$TOOL_ERR")
	echo "VMTEST INFO capable: hook $_hook"
	_forced=
	if [ "$_hook" != tracepoint ]; then
		tool_out_lacks '"cap_name":"CAP_CHOWN","audit":null' || return 1
		_forced="--hook kprobe"
	fi

	# shellcheck disable=SC2086 # $_forced is two words or none
	tool_start capable -j -v -x --unique -K $_forced || return 1
	tool_wait_ready || return 1
	/bin/busybox unshare -U /bin/busybox mknod "$VMT_DIR/n" c 1 3 2>/dev/null
	tool_wait_out '"cap":27,"cap_name":"CAP_MKNOD"' '"verdict":"deny"' \
		'"kernel_stack":[{"sym":"' 'mknod' || return 1
	tool_stop_ok || return 1
	echo "VMTEST INFO capable -x: hook $(sed -n 's/^capable: hook: //p' "$TOOL_ERR")"
	tool_out_lacks '"verdict":"allow"'
}

# mountsnoop: in a private mount namespace, a tmpfs mounted on a scratch
# directory and unmounted shows up as mount (source, target, fs, data copied
# at entry, ret 0)
# and umount2; with -x, a mount of an unknown fs type shows up with ret -19
# (ENODEV).
check_mountsnoop() {
	mkdir -p "$VMT_DIR/m"
	tool_start mountsnoop -j -v || return 1
	tool_wait_ready || return 1
	/bin/busybox unshare -m --propagation private /bin/busybox sh -c \
		"/bin/busybox mount -t tmpfs -o size=1m sonde-vm-marker $VMT_DIR/m && /bin/busybox umount $VMT_DIR/m"
	tool_wait_out '"call":"mount","source":"sonde-vm-marker"' "\"target\":\"$VMT_DIR/m\"" \
		'"fs":"tmpfs"' '"ret":0' '"data":"size=1m","strings_from":"entry"' || return 1
	tool_wait_out '"call":"umount2"' "\"target\":\"$VMT_DIR/m\"" '"ret":0' || return 1
	tool_stop_ok || return 1

	tool_start mountsnoop -j -v -x || return 1
	tool_wait_ready || return 1
	/bin/busybox unshare -m --propagation private /bin/busybox mount -t sonde-nofs sonde-vm-bad \
		"$VMT_DIR/m" 2>/dev/null
	tool_wait_out '"source":"sonde-vm-bad"' '"fs":"sonde-nofs"' '"ret":-19' || return 1
	tool_stop_ok || return 1
	tool_out_lacks '"ret":0'
}

# tcpaccept: busybox nc accepting a loopback connection is seen with its PID
# and the listening port.
check_tcpaccept() {
	ip link set lo up || { fail "cannot bring lo up"; return 1; }
	tool_start tcpaccept -j -v || return 1
	tool_wait_ready || return 1
	nc_session 45821 sonde-vm-tcpaccept || return 1
	tool_wait_out "\"pid\":$_srv,\"comm\":\"nc\"" '"lport":45821,' || return 1
	tool_stop_ok
}

# tcpconnect: a connect to a closed loopback port is seen with its addresses
# and connect()'s return (-111, ECONNREFUSED); with -L as "refused". A
# connect to the broadcast address fails before any SYN (TCP refuses it with
# ENETUNREACH): seen with the address asked for, with -L as "failed".
check_tcpconnect() {
	ip link set lo up || { fail "cannot bring lo up"; return 1; }
	tool_start tcpconnect -j -v || return 1
	tool_wait_ready || return 1
	nc 127.0.0.1 45801 </dev/null 2>/dev/null
	nc 255.255.255.255 45805 </dev/null 2>/dev/null
	tool_wait_out '"comm":"nc"' '"family":4,"laddr":"127.0.0.1","raddr":"127.0.0.1"' '"rport":45801,"addr_from":"kernel","ret":-111' || return 1
	tool_wait_out '"comm":"nc"' '"raddr":"255.255.255.255"' '"rport":45805,"addr_from":"entry","ret":-101' || return 1
	tool_stop_ok || return 1

	tool_start tcpconnect -j -v -L || return 1
	tool_wait_ready || return 1
	nc 127.0.0.1 45802 </dev/null 2>/dev/null
	nc 255.255.255.255 45806 </dev/null 2>/dev/null
	tool_wait_out '"comm":"nc"' '"rport":45802,' '"result":"refused","error":"ECONNREFUSED"' || return 1
	tool_wait_out '"comm":"nc"' '"rport":45806,' '"result":"failed","error":"ENETUNREACH"' || return 1
	tool_out_lacks '"lport":0,' '"result":"refused"' || return 1
	tool_stop_ok || return 1
	check_tcpconnect_uring
}

# A connect through io_uring (tests/helpers/uring.c), inline and in an
# io_uring worker thread: never in connect(). Skipped without the helper.
check_tcpconnect_uring() {
	if [ ! -x "$VMT_HELPERS/uring" ]; then
		echo "VMTEST INFO tcpconnect: no uring helper, io_uring not checked"
		return 0
	fi
	tool_start tcpconnect -j -v || return 1
	tool_wait_ready || return 1
	"$VMT_HELPERS/uring" connect 127.0.0.1 45803 >/dev/null
	"$VMT_HELPERS/uring" connect 127.0.0.1 45804 async >/dev/null
	tool_wait_out '"comm":"uring"' '"rport":45803,"addr_from":"kernel","ret":-111' || return 1
	tool_wait_out '"comm":"iou-wrk-' '"rport":45804,"addr_from":"kernel","ret":-111' || return 1
	tool_stop_ok
}

# net_wait_listen PORT: wait (bounded) until a TCP socket listens on PORT
# (state 0A in /proc/net/tcp or tcp6). For the network tools' checks.
net_wait_listen() {
	_hex=$(printf ':%04X ' "$1")
	_deadline=$(($(now_cs) + VMT_EVENT_SECS * 100))
	until cat /proc/net/tcp /proc/net/tcp6 2>/dev/null | grep -F "$_hex" | grep -q ' 0A '; do
		[ "$(now_cs)" -lt "$_deadline" ] || { fail "nothing listens on port $1"; return 1; }
		sleep 0.1
	done
}

# nc_listen PORT: busybox nc listening on PORT in the background (its PID in
# _srv); returns once it listens.
nc_listen() {
	nc -l -p "$1" >/dev/null &
	_srv=$!
	net_wait_listen "$1"
}

# nc_session PORT TEXT: one loopback TCP session on PORT between busybox nc
# processes: a server (nc_listen) that accepts it, and a client that sends
# TEXT and a newline; returns once both have ended.
nc_session() {
	nc_listen "$1" || return 1
	echo "$2" | nc 127.0.0.1 "$1"
	wait "$_srv" || :
}

# tcplife: a loopback session between busybox nc processes is reported at
# close from both ends: the client's with the bytes it sent, the server's
# (attributed to the nc that accepted it) with the bytes it received.
check_tcplife() {
	ip link set lo up || { fail "cannot bring lo up"; return 1; }
	tool_start tcplife -j -v || return 1
	tool_wait_ready || return 1
	nc_session 45811 sonde-vm-tcplife || return 1
	tool_wait_out '"comm":"nc"' '"raddr":"127.0.0.1","rport":45811,"tx_bytes":19,' || return 1
	tool_wait_out "\"pid\":$_srv,\"comm\":\"nc\"" '"lport":45811,' '"rx_bytes":18,' || return 1
	tool_stop_ok
}

# syscount: failed execs counted as execve's errors in a 1-second interval
# (-x), with the time they took (-L: the syscall entry program and its task
# storage); then by process (-P).
check_syscount() {
	# execve's number: arm64 numbers its calls as asm-generic does.
	_nr=59
	[ "$(uname -m)" != aarch64 ] || _nr=221
	tool_start syscount -j -v -x -L -T 0 1 || return 1
	tool_wait_ready || return 1
	/nonexistent/sonde-vm-missing 2>/dev/null
	/nonexistent/sonde-vm-missing 2>/dev/null
	tool_wait_out "\"syscall\":\"execve\",\"nr\":$_nr,\"count\":" '"total_us":' || return 1
	tool_stop_ok || return 1

	tool_start syscount -j -v -P -T 0 1 || return 1
	tool_wait_ready || return 1
	/bin/busybox true sonde-vm-marker
	tool_wait_out '"processes":[{"pid":' '"comm":"' || return 1
	tool_stop_ok
}

# cgsyscount: a busybox exec'd inside a cgroup of the check's own is counted
# for that cgroup, by path and ID, execve among its syscalls (--by-syscall).
check_cgsyscount() {
	_mnt=$(awk '$3 == "cgroup2" { print $2; exit }' /proc/mounts)
	[ -n "$_mnt" ] || { fail "no cgroup2 mount"; return 1; }
	_cg=$_mnt/sonde-vmtest-cgsys-$$
	mkdir "$_cg" || { fail "cannot make cgroup $_cg"; return 1; }
	_cgid=$(stat -c %i "$_cg")
	_rc=1
	if tool_start cgsyscount -j -v -L --by-syscall -T 0 1 && tool_wait_ready; then
		sh -c 'echo $$ >"$1/cgroup.procs" && exec /bin/busybox true' sh "$_cg"
		tool_wait_out "\"cgroup\":\"/sonde-vmtest-cgsys-$$\",\"cgroup_id\":$_cgid," \
			'"syscall":"execve"' && tool_stop_ok && _rc=0
	fi
	rmdir "$_cg"
	return "$_rc"
}

# sched_loop: a busybox sh in the background (its PID in _loop) that sleeps
# 20 ms at a time for up to 20 s: each time its sleep ends it is woken,
# waits for a CPU and runs. For the scheduler tools' checks.
sched_loop() {
	# shellcheck disable=SC2016 # expanded by the loop's sh
	sh -c 'i=0; while [ $i -lt 1000 ]; do sleep 0.02; i=$((i + 1)); done' &
	_loop=$!
}

sched_loop_end() {
	kill "$_loop" 2>/dev/null
	wait "$_loop" 2>/dev/null
}

# loop_make: a loop device of the check's own (the loop module is loaded at
# boot) over an 8 MiB file in the scratch directory; its name in _n, the
# requests it completed so far (/sys/block/loopN/stat: reads, writes) in _done.
loop_make() {
	_img=$VMT_WORK/loop.img
	dd if=/dev/zero of="$_img" bs=1M count=8 2>/dev/null
	_dev=$(losetup -f) && losetup "$_dev" "$_img" || { fail "losetup $_img failed"; return 1; }
	_n=${_dev#/dev/}
	_done=$(loop_done)
}

# loop_done: the requests loop device $_n completed, as the kernel counts them.
loop_done() {
	read -r _r _ _ _ _w _rest <"/sys/block/$_n/stat"
	echo $((_r + _w))
}

loop_remove() {
	losetup -d "/dev/$_n"
	rm -f "$_img"
}

# biolatency: 32 direct 4 KiB writes to a loop device of the check's own:
# its histogram (-D --disk) counts as many requests as the kernel's
# /sys/block/loopN/stat says it completed.
check_biolatency() {
	loop_make || return 1
	_rc=1
	if tool_start biolatency -j -v -D --disk "$_n" && tool_wait_ready &&
		dd if=/dev/zero of="/dev/$_n" bs=4k count=32 oflag=direct 2>/dev/null && tool_stop_ok; then
		_c=$(($(loop_done) - _done))
		if [ "$_c" -ge 32 ] && grep_all "$TOOL_OUT" "\"disk\":\"$_n\",\"count\":$_c," >/dev/null; then
			echo "VMTEST INFO biolatency event: $(cut -c1-300 "$TOOL_OUT")"
			_rc=0
		else
			fail "$TOOL_CMD: no histogram of $_n with its $_c requests"
		fi
	fi
	loop_remove
	return "$_rc"
}

# biosnoop: the same writes, one event each, as many as the kernel's stat
# says the disk completed, each with dd as the task that submitted it.
check_biosnoop() {
	loop_make || return 1
	_rc=1
	if tool_start biosnoop -j -v -Q --disk "$_n" && tool_wait_ready &&
		dd if=/dev/zero of="/dev/$_n" bs=4k count=32 oflag=direct 2>/dev/null &&
		tool_wait_out '"sector":248,' && tool_stop_ok; then
		_c=$(($(loop_done) - _done))
		_e=$(grep_all "$TOOL_OUT" '"comm":"dd",' "\"disk\":\"$_n\"," '"bytes":4096,' | wc -l)
		if [ "$_c" -ge 32 ] && [ "$_e" = "$_c" ] && [ "$(wc -l <"$TOOL_OUT")" = "$_c" ]; then
			_rc=0
		else
			fail "$TOOL_CMD: $_e events of dd on $_n, $(wc -l <"$TOOL_OUT") in all, for its $_c requests"
		fi
	fi
	loop_remove
	return "$_rc"
}

# bitesize: the same writes, in dd's histogram (-P is the default), all in
# the bucket of 4096 bytes, as many as the kernel's stat says.
check_bitesize() {
	loop_make || return 1
	_rc=1
	if tool_start bitesize -j -v --disk "$_n" && tool_wait_ready &&
		dd if=/dev/zero of="/dev/$_n" bs=4k count=32 oflag=direct 2>/dev/null && tool_stop_ok; then
		_c=$(($(loop_done) - _done))
		if [ "$_c" -ge 32 ] && grep_all "$TOOL_OUT" '"comm":"dd",' "\"count\":$_c," \
			"\"unit\":\"bytes\",\"buckets\":[{\"low\":4096,\"high\":8191,\"count\":$_c}]" >/dev/null; then
			echo "VMTEST INFO bitesize event: $(cut -c1-300 "$TOOL_OUT")"
			_rc=0
		else
			fail "$TOOL_CMD: no histogram of dd with its $_c requests of 4096 bytes"
		fi
	fi
	loop_remove
	return "$_rc"
}

# runqlat: the waits of a process of the check's own, in its own histogram
# (-P -p, which the kernel tests on the task woken, not on the waker); then
# the same process moved into a cgroup of the check's own, seen in that
# cgroup's histogram (--by-cgroup -c: the filter reads the task's cgroup
# ancestor at -c's level).
check_runqlat() {
	_mnt=$(awk '$3 == "cgroup2" { print $2; exit }' /proc/mounts)
	[ -n "$_mnt" ] || { fail "no cgroup2 mount"; return 1; }
	_cg=$_mnt/sonde-vmtest-runqlat-$$
	mkdir "$_cg" || { fail "cannot make cgroup $_cg"; return 1; }
	_cgid=$(stat -c %i "$_cg")
	sched_loop
	_rc=1
	if tool_start runqlat -j -v -P -p "$_loop" 1 && tool_wait_ready &&
		tool_wait_out "\"pid\":$_loop,\"comm\":\"sh\"," '"unit":"us","buckets":[{"low":' &&
		tool_stop_ok && echo "$_loop" >"$_cg/cgroup.procs" &&
		tool_start runqlat -j -v --by-cgroup -c "$_cg" 1 && tool_wait_ready &&
		tool_wait_out "\"cgroup_id\":$_cgid,\"cgroup\":\"/sonde-vmtest-runqlat-$$\"," \
			'"container_id":null,"container_runtime":null,"count":' &&
		tool_stop_ok; then
		_rc=0
	fi
	# The loop's last sleep may outlive it for 20 ms.
	sched_loop_end
	cgroup_rmdir "$_cg"
	return "$_rc"
}

# runqslower: with a threshold of 0 every wait of the check's process is an
# event, with the task that had the CPU before it.
check_runqslower() {
	sched_loop
	_rc=1
	if tool_start runqslower -j -v -p "$_loop" 0 && tool_wait_ready &&
		tool_wait_out "\"pid\":$_loop,\"tid\":$_loop,\"comm\":\"sh\",\"lat_us\":" '"prev_comm":"' &&
		tool_stop_ok; then
		_rc=0
	fi
	sched_loop_end
	return "$_rc"
}

# cpudist: the on-CPU slices of the check's process in its thread's
# histogram (-L -p), then its off-CPU time (-O).
check_cpudist() {
	sched_loop
	_rc=1
	if tool_start cpudist -j -v -L -p "$_loop" 1 && tool_wait_ready &&
		tool_wait_out "\"pid\":$_loop,\"tid\":$_loop,\"comm\":\"sh\"," '"count":' &&
		tool_stop_ok && tool_start cpudist -j -v -O -m -P -p "$_loop" 1 && tool_wait_ready &&
		tool_wait_out "\"pid\":$_loop," '"unit":"ms"' && tool_stop_ok; then
		_rc=0
	fi
	sched_loop_end
	return "$_rc"
}

# bindsnoop: busybox nc listening on a port is seen binding it (TCP, ret 0,
# the port read from the socket); with -x, a second nc on the same port is
# seen failing with EADDRINUSE (the port copied at entry).
check_bindsnoop() {
	ip link set lo up || { fail "cannot bring lo up"; return 1; }
	tool_start bindsnoop -j -v -P 45831 || return 1
	tool_wait_ready || return 1
	nc_listen 45831 || return 1
	tool_wait_out "\"pid\":$_srv,\"comm\":\"nc\"" '"protocol":"TCP",' '"lport":45831,"addr_from":"kernel",' \
		'"ret":0,' || return 1
	tool_stop_ok || return 1

	tool_start bindsnoop -j -v -x || return 1
	tool_wait_ready || return 1
	nc -l -p 45831 >/dev/null 2>&1
	tool_wait_out '"comm":"nc"' '"lport":45831,"addr_from":"entry",' '"ret":-98,"error":"EADDRINUSE"' || return 1
	tool_stop_ok || return 1
	kill "$_srv" 2>/dev/null
	wait "$_srv" 2>/dev/null
	return 0
}

# net_blackhole_connect ADDR PORT: in a network namespace of its own, connect
# with busybox nc (for up to 3 s) to ADDR:PORT, routed over loopback but
# not local: the SYN comes back and is dropped, and is sent again after 1 s.
net_blackhole_connect() {
	# shellcheck disable=SC2016 # expanded by the inner sh
	unshare -n sh -c 'ip link set lo up && ip addr add 10.9.9.1/32 dev lo &&
		ip route add "$1/32" dev lo src 10.9.9.1 && nc -w 3 "$1" "$2" </dev/null' sh "$1" "$2" \
		>/dev/null 2>&1
}

# tcpretrans: a SYN that gets no answer (net_blackhole_connect) is sent again
# by the retransmission timer: type rto, state SYN_SENT, owned by nc (which
# connected while tcpretrans ran).
check_tcpretrans() {
	tool_start tcpretrans -j -v || return 1
	tool_wait_ready || return 1
	net_blackhole_connect 10.9.9.9 45841
	tool_wait_out '"comm":"nc"' '"raddr":"10.9.9.9","rport":45841,"state":"SYN_SENT","type":"rto","error":null,"err":0,"owner_from":"connect"' || return 1
	tool_stop_ok
}

# tcpdrop: a SYN to a closed loopback port is dropped with the reason
# NO_SOCKET (its name read from this kernel's BTF), with no owner, and a
# location in the kernel's code.
check_tcpdrop() {
	ip link set lo up || { fail "cannot bring lo up"; return 1; }
	_n=$("$VMT_BIN/tcpdrop" --list-reasons | wc -l)
	echo "VMTEST INFO tcpdrop: $_n drop reasons on this kernel"
	tool_start tcpdrop -j -v || return 1
	tool_wait_ready || return 1
	nc 127.0.0.1 45851 </dev/null 2>/dev/null
	tool_wait_out '"pid":null' '"daddr":"127.0.0.1","dport":45851,"state":null,"flags":"SYN","reason":"NO_SOCKET","location":"' || return 1
	tool_stop_ok || return 1
	echo "VMTEST INFO tcpdrop: $(sed -n 's/^tcpdrop: hook: //p' "$TOOL_ERR")"

	tool_start tcpdrop -j -v -r NO_SOCKET --count || return 1
	tool_wait_ready || return 1
	nc 127.0.0.1 45852 </dev/null 2>/dev/null
	tool_stop_ok || return 1
	grep -q '^{"reason":"NO_SOCKET","drops":[1-9]' "$TOOL_OUT" ||
		fail "tcpdrop --count: no NO_SOCKET count in $(cat "$TOOL_OUT")"
}

# profile: a shell busy on the CPU is sampled, with its kernel and user
# stacks, when the run ends (-d).
check_profile() {
	tool_start profile -j -v -d 3 || return 1
	tool_wait_ready || return 1
	/bin/busybox sh -c 'i=0; while [ $i -lt 200000 ]; do i=$((i + 1)); done'
	tool_wait_out '"comm":"busybox"' '"count":' '"kernel_stack":[' '"user_stack":[' || return 1
	tool_stop_ok
}

# offcputime: a sleep's blocked time, under the kernel's do_nanosleep (kernel
# symbols on this kernel too).
check_offcputime() {
	tool_start offcputime -j -v -K -d 3 || return 1
	tool_wait_ready || return 1
	/bin/busybox sleep 1
	tool_wait_out '"comm":"busybox"' '"total_us":' '"sym":"do_nanosleep"' || return 1
	tool_stop_ok
}

# opensnoop: cat opening a file is seen with its fd and the file's path from
# the kernel, and a missing file with fd -1, err 2 (ENOENT) and the path
# copied at entry; with -x -F only the failure, its relative path
# joined to the working directory in the kernel (a walk up the dentries that
# crosses the mount of /tmp).
check_opensnoop() {
	_d=$(cd "$VMT_DIR" && pwd -P)
	: >"$_d/sonde-vm-open"
	tool_start opensnoop -j -v || return 1
	tool_wait_ready || return 1
	cat "$_d/sonde-vm-open"
	cat "$_d/sonde-vm-missing" 2>/dev/null
	tool_wait_out '"comm":"cat","call":"openat","fd":' '"err":0,"flags":0,"flags_names":["O_RDONLY"]' \
		"\"path\":\"$_d/sonde-vm-open\",\"path_from\":\"kernel\"" || return 1
	tool_wait_out '"fd":-1,"err":2,' "\"path\":\"$_d/sonde-vm-missing\",\"path_from\":\"entry\"" || return 1
	tool_stop_ok || return 1
	echo "VMTEST INFO opensnoop: $(grep -e 'attached' -e 'not traced' "$TOOL_ERR" | tr '\n' ' ')"

	tool_start opensnoop -j -v -x -F || return 1
	tool_wait_ready || return 1
	(cd "$_d" && cat sonde-vm-open sonde-vm-rel 2>/dev/null)
	tool_wait_out '"fd":-1,"err":2,' "\"path\":\"$_d/sonde-vm-rel\"" || return 1
	tool_stop_ok || return 1
	tool_out_lacks '"err":0,'
}

# statsnoop: stat of a file and of a missing one (busybox stat: newfstatat or
# stat, as its libc has it) are seen with ret 0 and -2, their paths copied
# at entry; -x shows only the failure.
check_statsnoop() {
	_d=$(cd "$VMT_DIR" && pwd -P)
	: >"$_d/sonde-vm-stat"
	tool_start statsnoop -j -v || return 1
	tool_wait_ready || return 1
	stat "$_d/sonde-vm-stat" >/dev/null
	stat "$_d/sonde-vm-missing" 2>/dev/null
	tool_wait_out '"comm":"stat"' '"ret":0,' "\"path\":\"$_d/sonde-vm-stat\",\"path_from\":\"entry\"" || return 1
	tool_wait_out '"ret":-2,' "\"path\":\"$_d/sonde-vm-missing\",\"path_from\":\"entry\"" || return 1
	tool_stop_ok || return 1
	echo "VMTEST INFO statsnoop: $(grep -e 'attached' -e 'not traced' "$TOOL_ERR" | tr '\n' ' ')"

	tool_start statsnoop -j -v -x || return 1
	tool_wait_ready || return 1
	stat "$_d/sonde-vm-stat" >/dev/null
	stat "$_d/sonde-vm-missing" 2>/dev/null
	tool_wait_out '"ret":-2,' "\"path\":\"$_d/sonde-vm-missing\"" || return 1
	tool_stop_ok || return 1
	tool_out_lacks '"ret":0,'
}

# xdpdrop: a veth pair between two network namespaces of its own (held by
# sleeping processes; on the host too, nothing else is touched). xdpdrop on
# the receiving end drops ICMP: three pings from the other namespace are
# dropped and counted to the packet, while a TCP connection to busybox nc
# gets through. Then the same rule pinned (bpffs is mounted if missing),
# shown by --status and removed by --detach.
check_xdpdrop() {
	_a= _b= _srv= _rc=1
	_real=$VMT_BIN
	if xdp_netns && xdp_check_run && xdp_check_pinned; then
		_rc=0
	fi
	VMT_BIN=$_real
	for _p in $_a $_b $_srv; do
		kill -KILL "$_p" 2>/dev/null
		wait "$_p" 2>/dev/null
	done
	return "$_rc"
}

# xdp_netns: namespaces A (10.199.0.1, sender) and B (10.199.0.2, with xdpdrop)
# and a wrapper that runs the tools inside B.
xdp_netns() {
	unshare -n sleep 120 &
	_a=$!
	unshare -n sleep 120 &
	_b=$!
	_deadline=$(($(now_cs) + 500))
	_self=$(readlink /proc/self/ns/net)
	until [ "$(readlink "/proc/$_a/ns/net")" != "$_self" ] &&
		[ "$(readlink "/proc/$_b/ns/net")" != "$_self" ]; do
		[ "$(now_cs)" -lt "$_deadline" ] || { fail "namespaces not made"; return 1; }
		sleep 0.1
	done
	# busybox names the peer itself (vethN): it is renamed in A.
	nsenter -t "$_b" -n ip link add sxdvm0 type veth || { fail "cannot make a veth pair"; return 1; }
	_peer=$(nsenter -t "$_b" -n ip -o link show | sed -n 's/^[0-9]*: \(veth[0-9]*\)@sxdvm0.*/\1/p')
	nsenter -t "$_b" -n ip link set "$_peer" netns "$_a" &&
		nsenter -t "$_a" -n ip link set "$_peer" name sxdvm1 &&
		nsenter -t "$_a" -n ip addr add 10.199.0.1/24 dev sxdvm1 &&
		nsenter -t "$_b" -n ip addr add 10.199.0.2/24 dev sxdvm0 &&
		nsenter -t "$_a" -n ip link set sxdvm1 up &&
		nsenter -t "$_b" -n ip link set sxdvm0 up &&
		nsenter -t "$_b" -n ip link set lo up || { fail "cannot set up the veth pair"; return 1; }
	mkdir -p "$VMT_DIR/bin"
	printf '#!/bin/sh\nexec nsenter -t %s -n %s/xdpdrop "$@"\n' "$_b" "$_real" >"$VMT_DIR/bin/xdpdrop"
	chmod +x "$VMT_DIR/bin/xdpdrop"
	VMT_BIN=$VMT_DIR/bin
}

xdp_check_run() {
	tool_start xdpdrop -i sxdvm0 -j -v --proto icmp || return 1
	tool_wait_ready || return 1
	nsenter -t "$_b" -n nc -l -p 45831 >"$VMT_DIR/nc.out" &
	_srv=$!
	net_wait_listen_in "$_b" 45831 || return 1
	echo sonde-vm-xdpdrop | nsenter -t "$_a" -n nc -w 5 10.199.0.2 45831
	wait "$_srv"
	grep -q sonde-vm-xdpdrop "$VMT_DIR/nc.out" || { fail "TCP did not get through xdpdrop"; return 1; }
	nsenter -t "$_a" -n ping -c 3 -i 0.2 -W 1 10.199.0.2 >/dev/null 2>&1 &&
		{ fail "ping got through a --proto icmp rule"; return 1; }
	tool_stop_ok || return 1
	tool_wait_out '"kind":"total"' '"dropped":3,' '"rules":[{"rule":1,"packets":3,' || return 1
	nsenter -t "$_b" -n ip link show sxdvm0 | grep -q xdp && { fail "XDP left on sxdvm0"; return 1; }
	return 0
}

xdp_check_pinned() {
	# shellcheck disable=SC2086 # VMT_TOOL_ARGS is words
	"$VMT_BIN/xdpdrop" ${VMT_TOOL_ARGS:-} -i sxdvm0 --pin --proto icmp 2>"$VMT_DIR/pin.err" ||
		{ fail "xdpdrop --pin: $(cat "$VMT_DIR/pin.err")"; return 1; }
	nsenter -t "$_a" -n ping -c 2 -i 0.2 -W 1 10.199.0.2 >/dev/null 2>&1
	"$VMT_BIN/xdpdrop" -i sxdvm0 --status -j >"$VMT_DIR/status.out" 2>&1
	grep -q '"dropped":2,' "$VMT_DIR/status.out" ||
		{ fail "xdpdrop --status: $(cat "$VMT_DIR/status.out")"; return 1; }
	echo "VMTEST INFO xdpdrop status: $(cut -c1-300 "$VMT_DIR/status.out")"
	"$VMT_BIN/xdpdrop" -i sxdvm0 --detach 2>"$VMT_DIR/detach.err" ||
		{ fail "xdpdrop --detach: $(cat "$VMT_DIR/detach.err")"; return 1; }
	set -- /sys/fs/bpf/sonde/xdpdrop/netns-*/ifindex-*
	[ ! -e "$1" ] || { fail "pins left after --detach: $*"; return 1; }
	nsenter -t "$_b" -n ip link show sxdvm0 | grep -q xdp && { fail "XDP left after --detach"; return 1; }
	return 0
}

# net_wait_listen_in PID PORT: net_wait_listen inside the network namespace
# of PID.
net_wait_listen_in() {
	_hex=$(printf ':%04X ' "$2")
	_deadline=$(($(now_cs) + VMT_EVENT_SECS * 100))
	until cat "/proc/$1/net/tcp" "/proc/$1/net/tcp6" 2>/dev/null | grep -F "$_hex" | grep -q ' 0A '; do
		[ "$(now_cs)" -lt "$_deadline" ] || { fail "nothing listens on port $2"; return 1; }
		sleep 0.1
	done
}

# ---------------------------------------------------------------------------
# The kernel's BTF hidden (/sys/kernel/btf/vmlinux an empty file, bind-mounted
# by /init), VMT_MIN_BTF this kernel's min BTF (scripts/gen-min-btf), and
# two lists of tools that scripts/vmtest read in their BPF objects:
# VMT_BTF_ALONE, those with a tp_btf program that has no raw_tp twin, and
# VMT_BTF_TWINS, those with twins (bpf/lib/btfsrc.bpf.h).

# check_hidden_btf TOOL: without --btf, TOOL exits 3 naming each place it
# looked at. With the min BTF: a tool of VMT_BTF_ALONE exits 3 saying that
# it needs the kernel's complete BTF (for a tp_btf hook, or tcpdrop's drop
# reasons); one of VMT_BTF_TWINS, which loads other programs than with the
# kernel's BTF, passes its own check; any other, which loads the same
# programs relocated from the min BTF, starts and stops (its events were
# checked with the kernel's BTF; this keeps the phase short: 25 s, not 60).
check_hidden_btf() {
	_t=$1 _args=
	[ "$_t" = xdpdrop ] && _args="-i lo --src 192.0.2.1"
	# shellcheck disable=SC2086 # _args is words
	btf_exit3 "$_t" -d 1 $_args -- "kernel BTF not found: looked at /sys/kernel/btf/vmlinux, /boot/vmlinux-$(uname -r)," \
		"/usr/lib/debug/lib/modules/$(uname -r)/vmlinux; give a BTF file with --btf FILE" || return 1
	case " $VMT_BTF_ALONE " in
	*" $_t "*)
		btf_exit3 "$_t" --btf "$VMT_MIN_BTF" -d 1 -- "the kernel's complete BTF"
		return
		;;
	esac
	case " $VMT_BTF_TWINS " in
	*" $_t "*)
		VMT_TOOL_ARGS="--btf $VMT_MIN_BTF" "check_$_t"
		return
		;;
	esac
	# shellcheck disable=SC2086 # _args is words
	tool_start "$_t" --btf "$VMT_MIN_BTF" -j -v $_args || return 1
	tool_wait_ready || return 1
	tool_stop_ok
}

# btf_exit3 TOOL ARGS... -- PATTERN...: TOOL ARGS exits 3 with one line on
# stderr (besides libbpf's) containing every PATTERN.
btf_exit3() {
	_tool=$1 _args=
	shift
	while [ "$1" != -- ]; do
		_args="$_args $1"
		shift
	done
	shift
	# shellcheck disable=SC2086 # _args is words
	timeout -s KILL 30 "$VMT_BIN/$_tool" $_args >"$VMT_DIR/btf.out" 2>"$VMT_DIR/btf.err"
	_rc=$?
	_said=$(grep -v '^libbpf: ' "$VMT_DIR/btf.err")
	[ "$_rc" = 3 ] || { fail "$_tool$_args: exit status $_rc, expected 3: $_said"; return 1; }
	[ "$(echo "$_said" | wc -l)" = 1 ] && echo "$_said" | grep_all - "$@" >/dev/null ||
		{ fail "$_tool$_args: not one line with [$*]: $_said"; return 1; }
	echo "VMTEST INFO $_tool$_args: $(echo "$_said" | cut -c1-240)"
}

# hardirqs: the calls of some interrupt handler counted in a 1-second
# interval (--count), under a name that /proc/interrupts shows. The VM has
# no disk or network card: the lines written here to the serial console
# raise its transmit interrupts (x86's 8250, arm64's PL011), and arm64's
# timer is a handler too.
check_hardirqs() {
	tool_start hardirqs -j -v --count 1 || return 1
	tool_wait_ready || return 1
	_i=0
	while [ $_i -lt 20 ]; do
		echo "VMTEST INFO hardirqs: console line $_i"
		_i=$((_i + 1))
	done
	tool_wait_out '"hardirq":"' '"count":' || return 1
	tool_stop_ok || return 1
	_name=$(sed -n 's/.*"hardirq":"\([^"]*\)".*/\1/p' "$TOOL_OUT" | head -n 1)
	grep -q " $_name\$" /proc/interrupts ||
		fail "$TOOL_CMD: '$_name' is no handler of /proc/interrupts: $(cat /proc/interrupts)"
}

# softirqs: the runs of the timer vector, which a busy or idle kernel has
# alike, counted in a 1-second interval (--count) under its name.
check_softirqs() {
	tool_start softirqs -j -v --count 1 || return 1
	tool_wait_ready || return 1
	tool_wait_out '"softirq":"timer","count":' || return 1
	tool_stop_ok
}

# runqlen: two busy loops pinned to CPU 0 keep one task waiting there in
# most of its samples: CPU 0's histogram (--per-cpu) has a median of 1 or
# more, and its occupancy (-O) is above a half.
check_runqlen() {
	_rc=1
	taskset -c 0 sh -c 'while :; do :; done' &
	_l1=$!
	taskset -c 0 sh -c 'while :; do :; done' &
	_l2=$!
	if tool_start runqlen -j -v --per-cpu -F 199 1 && tool_wait_ready &&
		tool_wait_out '"cpu":0,"count":' '"unit":"tasks"' && tool_stop_ok; then
		_p50=$(sed -n 's/.*"cpu":0,.*"p50_tasks":\([0-9]*\),.*/\1/p' "$TOOL_OUT" | head -n 1)
		if [ "${_p50:-0}" -ge 1 ]; then
			tool_start runqlen -j -v -O --per-cpu 1 && tool_wait_ready &&
				tool_wait_out '"cpu":0,"samples":' && tool_stop_ok && _rc=0
		else
			fail "$TOOL_CMD: CPU 0's median length ${_p50:-none}, not 1 or more: $(cat "$TOOL_OUT")"
		fi
	fi
	kill "$_l1" "$_l2" 2>/dev/null
	wait "$_l1" "$_l2" 2>/dev/null
	if [ "$_rc" = 0 ]; then
		_occ=$(sed -n 's/.*"cpu":0,.*"occupancy_pct":\([0-9]*\).*/\1/p' "$TOOL_OUT" | head -n 1)
		[ "${_occ:-0}" -gt 50 ] || { fail "$TOOL_CMD: CPU 0's occupancy ${_occ:-none} %: $(cat "$TOOL_OUT")"; _rc=1; }
	fi
	return "$_rc"
}
# biotop: 32 direct 4 KiB writes to a loop device of the check's own, in
# one interval cut short by the stop: dd's row has them all, and the rows'
# reads and writes add up to what the kernel's stat says the disk completed.
check_biotop() {
	loop_make || return 1
	_rc=1
	if tool_start biotop -j -v --disk "$_n" 600 && tool_wait_ready &&
		dd if=/dev/zero of="/dev/$_n" bs=4k count=32 oflag=direct 2>/dev/null && tool_stop_ok; then
		_c=$(($(loop_done) - _done))
		if [ "$_c" -ge 32 ] && grep_all "$TOOL_OUT" '"comm":"dd",' "\"disk\":\"$_n\",\"reads\":0,\"writes\":32,\"read_bytes\":0,\"write_bytes\":131072," >/dev/null &&
			[ "$(grep -o '"\(reads\|writes\)":[0-9]*' "$TOOL_OUT" | awk -F: '{ s += $2 } END { print s + 0 }')" = "$_c" ]; then
			echo "VMTEST INFO biotop event: $(cut -c1-300 "$TOOL_OUT")"
			_rc=0
		else
			fail "$TOOL_CMD: no row of dd with its 32 writes, or not $_c writes in all"
		fi
	fi
	loop_remove
	return "$_rc"
}

# filetop: dd writes 30 blocks of 4 KiB to a file of the check's own, in
# one interval cut short by the stop: dd's row of that file has the 30
# writes and their bytes, and the file's path.
check_filetop() {
	_f=$VMT_WORK/filetop.data
	if tool_start filetop -j -v -r 0 600 && tool_wait_ready &&
		dd if=/dev/zero of="$_f" bs=4k count=30 2>/dev/null && tool_stop_ok; then
		grep -o '{[^{}]*"path":"'"$_f"'"[^{}]*}' "$TOOL_OUT" >"$VMT_WORK/filetop.rows"
		rm -f "$_f"
		if grep_all "$VMT_WORK/filetop.rows" '"comm":"dd",' '"writes":30,' '"write_bytes":122880,' \
			'"type":"regular",' >/dev/null; then
			echo "VMTEST INFO filetop event: $(cut -c1-300 "$VMT_WORK/filetop.rows")"
			return 0
		fi
		fail "$TOOL_CMD: no row of dd writing $_f 30 times"
	fi
	rm -f "$_f"
	return 1
}

# filelife: a file of the check's own created, kept 0.2 s and removed by
# rm: one event with its path, rm as the remover and an age of at least
# 200 ms.
check_filelife() {
	_f=$VMT_WORK/filelife.tmp
	if tool_start filelife -j -v && tool_wait_ready && : >"$_f" && sleep 0.2 && rm "$_f" &&
		tool_wait_out "\"path\":\"$_f\"" && tool_stop_ok; then
		if grep_all "$TOOL_OUT" '"comm":"rm",' '"end":"unlink",' "\"path\":\"$_f\"" |
			grep -Eq '"age_ms":([2-9][0-9]{2}|[0-9]{4,})\.'; then
			return 0
		fi
		fail "$TOOL_CMD: no event of rm removing $_f after 200 ms or more"
	fi
	return 1
}

# fsslower 0: a file of the check's own written by dd and synced
# (conv=fsync): the write and the fsync, each with the file's path and its
# file system's type.
check_fsslower() {
	_f=$VMT_WORK/fsslower.data
	if tool_start fsslower -j -v 0 && tool_wait_ready &&
		dd if=/dev/zero of="$_f" bs=4k count=1 conv=fsync 2>/dev/null &&
		tool_wait_out '"op":"S",' "\"path\":\"$_f\"" && tool_stop_ok; then
		rm -f "$_f"
		grep_all "$TOOL_OUT" '"comm":"dd",' '"op":"W",' '"bytes":4096,"offset_bytes":0,' \
			"\"path\":\"$_f\"" >/dev/null && return 0
		fail "$TOOL_CMD: no write of 4096 bytes at 0 to $_f"
	fi
	rm -f "$_f"
	return 1
}

# tcpstates: a loopback session between busybox nc processes: the client's
# socket goes from SYN_SENT to ESTABLISHED with a known duration, and the
# server's accepted one (attributed to the nc that listened and accepted
# it) reaches CLOSE.
check_tcpstates() {
	ip link set lo up || { fail "cannot bring lo up"; return 1; }
	tool_start tcpstates -j -v || return 1
	tool_wait_ready || return 1
	nc_session 45812 sonde-vm-tcpstates || return 1
	tool_wait_out '"comm":"nc"' '"rport":45812,"oldstate":"SYN_SENT","newstate":"ESTABLISHED","dur_us":' || return 1
	tool_wait_out "\"pid\":$_srv,\"comm\":\"nc\"" '"lport":45812,' '"newstate":"CLOSE","dur_us":' || return 1
	tool_stop_ok
}

# tcprtt: a loopback session between busybox nc processes: the server's
# socket receives the client's line while established, and its RTT is
# counted under the client's address (-A), 127.0.0.1.
check_tcprtt() {
	ip link set lo up || { fail "cannot bring lo up"; return 1; }
	tool_start tcprtt -j -v -A || return 1
	tool_wait_ready || return 1
	nc_session 45813 sonde-vm-tcprtt || return 1
	tool_stop_ok || return 1
	grep_all "$TOOL_OUT" '"raddr":"127.0.0.1","count":' '"unit":"us"' >/dev/null ||
		{ fail "$TOOL_CMD: no histogram of 127.0.0.1"; return 1; }
	echo "VMTEST INFO tcprtt event: $(grep -m1 '"raddr":"127.0.0.1"' "$TOOL_OUT" | cut -c1-300)"
	[ -x /sonde/iproute2/tc ] || return 0
	tcprtt_netem
}

# rtt_avg_us: the average RTT of 127.0.0.1 in tcprtt's output, in us.
rtt_avg_us() {
	grep -m1 '"raddr":"127.0.0.1"' "$TOOL_OUT" | grep -o '"avg_us":[0-9.]*' | cut -d: -f2
}

# rtt_session PORT: tcprtt -A over one loopback session on PORT whose
# client stays connected a second after it sent (the server's ACK reaches
# it established: tcp_probe is on that path, not on a closing socket's);
# _avg the average RTT of 127.0.0.1 in us (empty: none).
rtt_session() {
	_avg=
	tool_start tcprtt -j -v -A || return 1
	tool_wait_ready && nc_listen "$1" &&
		{ echo sonde-vm-tcprtt; sleep 1; } | nc 127.0.0.1 "$1" &&
		{ wait "$_srv" || :; } && tool_stop_ok || return 1
	_avg=$(rtt_avg_us)
}

# tcprtt_netem: with netem delaying every packet on lo by 10 ms (so 20 ms
# a round trip), a session's average RTT is within 10 % of 20 ms plus the
# same session's without it. The average, not the p50: the buckets are a
# quarter of a power of two wide. Up to 3 tries of both: under software
# emulation on a busy host the guest's timers fire late at times, and then
# the RTT the kernel measures is longer than netem's delay.
tcprtt_netem() {
	for _try in 1 2 3; do
		rtt_session $((45870 + 2 * _try)) || return 1
		_base=${_avg:-0}
		/sonde/iproute2/tc qdisc add dev lo root netem delay 10ms ||
			{ fail "tc qdisc add dev lo root netem delay 10ms failed"; return 1; }
		rtt_session $((45871 + 2 * _try))
		_rc=$?
		/sonde/iproute2/tc qdisc del dev lo root
		[ "$_rc" = 0 ] || return 1
		echo "VMTEST INFO tcprtt with netem delay 10ms on lo, try $_try: average RTT ${_avg:-none} us, ${_base} us without"
		awk -v a="${_avg:-0}" -v b="$_base" 'BEGIN { w = 20000 + b; exit !(a >= w * 0.9 && a <= w * 1.1) }' &&
			return 0
	done
	fail "tcprtt: average RTT ${_avg:-none} us with netem's 20 ms round trip, not within 10 % of 20000 + $_base us in 3 tries"
	return 1
}

# tcptop: where the kernel has the sock:sock_send_length tracepoint (6.3+),
# a loopback session between busybox nc processes shows the client's bytes
# sent; where it has not (6.1), tcptop exits 3 with one line naming it.
check_tcptop() {
	ip link set lo up || { fail "cannot bring lo up"; return 1; }
	_v=$(uname -r | cut -d- -f1)
	if [ "${_v%%.*}" -lt 6 ] || { [ "${_v%%.*}" = 6 ] && [ "$(echo "$_v" | cut -d. -f2)" -lt 3 ]; }; then
		btf_exit3 tcptop -d 1 -- "no sock:sock_send_length and sock:sock_recv_length tracepoints"
		return
	fi
	tool_start tcptop -j -v || return 1
	tool_wait_ready || return 1
	nc_session 45814 sonde-vm-tcptop || return 1
	tool_wait_out '"comm":"nc"' '"rport":45814,' '"tx_bytes":16,' || return 1
	tool_stop_ok
}

# gethostlatency: getent (copied in by scripts/vmtest with the host's libc,
# on x86) looks localhost up through getaddrinfo, in /etc/hosts; where
# there is a libc and no getent (arm64), the uprobes attach and the tool
# stops cleanly.
check_gethostlatency() {
	tool_start gethostlatency -j -v || return 1
	tool_wait_ready || return 1
	if [ -x /usr/bin/getent ]; then
		grep -q localhost /etc/hosts 2>/dev/null || echo "127.0.0.1 localhost" >>/etc/hosts
		/usr/bin/getent ahosts localhost >/dev/null ||
			{ fail "getent ahosts localhost failed"; return 1; }
		tool_wait_out '"comm":"getent"' '"func":"getaddrinfo","host":"localhost"' || return 1
	fi
	tool_stop_ok
}

# sslsniff: its uprobes attach to the libssl.so.3 scripts/vmtest copied in
# (no process of the VM speaks TLS: the tool starts and stops cleanly).
check_sslsniff() {
	tool_start sslsniff -j -v || return 1
	tool_wait_ready || return 1
	grep -q "attached uprobe SSL_write in '/lib/" "$TOOL_ERR" ||
		{ fail "$TOOL_CMD: no uprobe on SSL_write: $(cat "$TOOL_ERR")"; return 1; }
	tool_stop_ok
}
