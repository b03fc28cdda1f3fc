# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# Workloads for the tests that run every tool the same way (all_tools.bats),
# loaded after helpers:
#
#	load helpers
#	load workloads
#
# TOOL_KIND[tool] says how a tool reports:
#   event     one line / object per event; workload_<tool> NAME makes it
#             report at least one event that carries NAME
#   interval  one block / object per interval (same workload contract)
#   none      no event this table can make with a process name: biolatency
#             (its rows name disks, kinds of request or cgroups;
#             biolatency.bats checks its pipe and signal cases), oomkill
#             (no memory controller here; the VM test triggers a real
#             OOM), tcpretrans (needs a lossy path: tcpretrans.bats makes
#             one in namespaces), tcpdrop (the dropped packet has no owner
#             to name), cgsyscount (its rows name cgroups, not processes,
#             and the kernel refuses a cgroup name with a newline;
#             cgsyscount.bats checks its pipe and removed-cgroup cases),
#             profile and offcputime (they print their stacks once, when
#             the run ends; their bats tests check hostile names),
#             hardirqs, softirqs (their rows name interrupt handlers,
#             softirq vectors), runqlen (its rows name CPUs),
#             tcprtt (its rows name addresses or cgroups; tcprtt.bats
#             checks its pipe and signal cases), sslsniff (its events need a
#             TLS session: sslsniff.bats makes them with openssl and curl)
#   xdp       attaches to an interface, not to a hook of every process
# A tool of the build with no entry fails the tests that use this table, so
# that a new tool gets its workload.
#
# NAME is the process name of the process that causes the event (through a
# symlink to bash named NAME; the kernel keeps its first 15 bytes) and, for
# tools that show a path or a mount source, that string too. It must not
# contain '/' or NUL.

declare -gA TOOL_KIND=(
	[biolatency]=none
	[biosnoop]=event
	[bitesize]=interval
	[bindsnoop]=event
	[capable]=event
	[cgsyscount]=none
	[cpudist]=interval
	[execsnoop]=event
	[exitsnoop]=event
	[hardirqs]=none
	[killsnoop]=event
	[mountsnoop]=event
	[offcputime]=none
	[oomkill]=none
	[opensnoop]=event
	[profile]=none
	[runqlat]=interval
	[runqlen]=none
	[runqslower]=event
	[softirqs]=none
	[statsnoop]=event
	[syscount]=interval
	[tcpaccept]=event
	[tcpconnect]=event
	[tcpdrop]=none
	[tcplife]=event
	[tcpretrans]=none
	[xdpdrop]=xdp
	[biotop]=interval
	[filetop]=interval
	[filelife]=event
	[fsslower]=event
	[tcpstates]=event
	[tcprtt]=none
	[tcptop]=interval
	[gethostlatency]=event
	[sslsniff]=none
)

# Extra options a tool needs for the workload's event to show (interval
# tools: per process, one-second intervals).
declare -gA TOOL_WORKLOAD_OPTS=(
	[bitesize]=1
	[cpudist]="-P 1"
	[runqlat]="-P 1"
	[syscount]="-P 1"
	[biotop]="-r 0"
	[filetop]="-r 0"
)

# workload_dir: a scratch directory of this test for symlinks and files.
workload_dir() {
	if [[ -z ${WORKLOAD_DIR:-} || ! -d $WORKLOAD_DIR ]]; then
		WORKLOAD_DIR=$(mktemp -d /tmp/sonde-test.XXXXXX)
		SONDE_PATHS+=("$WORKLOAD_DIR")
	fi
}

# as_named NAME SCRIPT [ARGS...]: run bash SCRIPT in a process named NAME.
as_named() {
	local name=$1
	shift
	workload_dir
	ln -sfn /bin/bash "$WORKLOAD_DIR/$name"
	"$WORKLOAD_DIR/$name" -c "$@"
}

# free_port: a TCP port nothing listens on now (20000-59999).
free_port() {
	local p i
	for ((i = 0; i < 50; i++)); do
		p=$((20000 + RANDOM % 40000))
		if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
			echo "$p"
			return 0
		fi
	done
	return 1
}

# loopback_listens PORT: a TCP socket listens on 127.0.0.1:PORT (read from
# /proc/net/tcp, without starting a process).
loopback_listens() {
	local want
	# "sl local_address rem_address st ...": LISTEN is state 0A.
	printf -v want ': 0100007F:%04X 00000000:0000 0A ' "$1"
	[[ $(</proc/net/tcp) == *"$want"* ]]
}

# listen_named NAME PORT: a loopback TCP server named NAME (socat through a
# symlink) that accepts one connection and answers "ok"; its PID in
# LISTEN_PID, tracked for teardown. Waits (bounded) until it listens.
listen_named() {
	local name=$1 port=$2 i
	require_cmd socat
	workload_dir
	ln -sfn "$(command -v socat)" "$WORKLOAD_DIR/$name"
	"$WORKLOAD_DIR/$name" "TCP-LISTEN:$port,bind=127.0.0.1,reuseaddr" SYSTEM:'echo ok' \
		</dev/null >/dev/null 2>&1 3>&- &
	LISTEN_PID=$!
	sonde_track_pid "$LISTEN_PID"
	for ((i = 0; i < 500; i++)); do
		loopback_listens "$port" && return 0
		sonde_nap 0.005
	done
	sonde_fail "the test server on port $port did not listen"
}

# connect_named NAME PORT: a process named NAME connects to 127.0.0.1:PORT,
# reads the answer and closes.
connect_named() {
	as_named "$1" 'exec 3<>"/dev/tcp/127.0.0.1/$1" && read -r -t 5 _ <&3; exec 3<&-' _ "$2"
}

workload_execsnoop() { as_named "$1" ':'; }
workload_exitsnoop() { as_named "$1" 'exit 3'; }
workload_killsnoop() { as_named "$1" 'kill -0 $$'; }

# Opening a file of mode 000 as root needs CAP_DAC_OVERRIDE.
workload_capable() {
	workload_dir
	: >"$WORKLOAD_DIR/locked"
	chmod 000 "$WORKLOAD_DIR/locked"
	as_named "$1" ': <"$1"' _ "$WORKLOAD_DIR/locked"
}

workload_opensnoop() {
	workload_dir
	as_named "$1" ': >"$1"; : <"$1"' _ "$WORKLOAD_DIR/$1"
}

workload_statsnoop() {
	workload_dir
	as_named "$1" '[ -e "$1" ] || :' _ "$WORKLOAD_DIR/$1"
}

# The mount source carries NAME (mount(8) is the process here).
workload_mountsnoop() {
	workload_dir
	mkdir -p "$WORKLOAD_DIR/mnt"
	unshare -m --propagation private sh -c 'mount -t tmpfs "$1" "$2" && umount "$2"' \
		_ "$1" "$WORKLOAD_DIR/mnt"
}

workload_tcpconnect() {
	local port
	port=$(free_port) || return 1
	listen_named sonde-srv "$port" || return 1
	connect_named "$1" "$port"
}

workload_tcpaccept() {
	local port
	port=$(free_port) || return 1
	listen_named "$1" "$port" || return 1
	connect_named sonde-cli "$port"
}

workload_tcplife() { workload_tcpconnect "$@"; }
workload_tcpstates() { workload_tcpconnect "$@"; }
# tcptop: NAME receives the server's answer.
workload_tcptop() { workload_tcpconnect "$@"; }
# gethostlatency: bash named NAME looks localhost up (getaddrinfo) to
# open /dev/tcp; nothing listens on port 1.
workload_gethostlatency() { as_named "$1" ': </dev/tcp/localhost/1' 2>/dev/null || :; }

# socat named NAME binds (and listens) on a loopback port.
workload_bindsnoop() {
	local port
	port=$(free_port) || return 1
	listen_named "$1" "$port" || return 1
	connect_named sonde-cli "$port"
}

# biosnoop, bitesize: the process named NAME (dd, through a symlink of that name)
# writes 4 KiB with direct I/O to a file of the test's under /tmp, on a
# disk: one request, which it submits itself.
workload_biosnoop() {
	workload_dir
	ln -sfn "$(command -v dd)" "$WORKLOAD_DIR/$1"
	"$WORKLOAD_DIR/$1" if=/dev/zero of="$WORKLOAD_DIR/bio" bs=4k count=1 oflag=direct conv=notrunc status=none
}
workload_bitesize() { workload_biosnoop "$@"; }
workload_biotop() { workload_biosnoop "$@"; }

# filelife: the process named NAME creates a file NAME.life (not NAME, the
# symlink it runs as; a name of its own, so that the file is new), which rm
# removes (the path carries NAME).
workload_filelife() {
	workload_dir
	as_named "$1" ': >"$1"' _ "$WORKLOAD_DIR/$1.life"
	rm -f "$WORKLOAD_DIR/$1.life"
}

# fsslower: the process named NAME (dd, through a symlink of that name)
# writes 64 MiB to a file NAME.slow in one call, slower than the default
# 10 ms (16 ms here), then the file is removed.
workload_fsslower() {
	workload_dir
	ln -sfn "$(command -v dd)" "$WORKLOAD_DIR/$1"
	"$WORKLOAD_DIR/$1" if=/dev/zero of="$WORKLOAD_DIR/$1.slow" bs=64M count=1 status=none
	rm -f "$WORKLOAD_DIR/$1.slow"
}

# filetop -r 0: the process named NAME writes and reads a file NAME.top.
workload_filetop() {
	workload_dir
	as_named "$1" 'echo data >"$1"; for ((i = 0; i < 20; i++)); do read -r _ <"$1"; done' _ "$WORKLOAD_DIR/$1.top"
	rm -f "$WORKLOAD_DIR/$1.top"
}

# syscount -P: the process named NAME makes syscalls for over a second.
workload_syscount() {
	as_named "$1" 'for ((i = 0; i < 3000; i++)); do : <"$1"; done' _ /dev/null
}

# runqlat -P, cpudist -P: the process named NAME sleeps and is woken 20
# times (each time its child sleep exits), so it waits for a CPU and runs.
workload_runqlat() {
	as_named "$1" 'for ((i = 0; i < 20; i++)); do sleep 0.01; done'
}
workload_cpudist() { workload_runqlat "$@"; }

# runqslower, at its default threshold (waits over 10 ms): the process
# named NAME spins on CPU 0 for 0.15 s with five other spinning loops, so
# that each time it is preempted it waits for five slices of the others.
workload_runqslower() {
	local i
	local -a loops=()
	# shellcheck disable=SC2016 # expanded by the loops' bash
	local spin='end=$((${EPOCHREALTIME/[.,]/} + 150000)); while ((${EPOCHREALTIME/[.,]/} < end)); do :; done'
	for ((i = 0; i < 5; i++)); do
		taskset -c 0 bash -c "$spin" 3>&- &
		loops+=("$!")
		sonde_track_pid "$!"
	done
	as_named "$1" "taskset -pc 0 \$\$ >/dev/null && $spin"
	wait "${loops[@]}"
}
