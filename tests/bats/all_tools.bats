#!/usr/bin/env bats
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# Every tool of the build, the same way: bad values, no privileges, SIGKILL,
# hostile names, a closed pipe, an overrun buffer, a cgroup that goes away,
# two instances, tracefs unmounted. Each test loops over the tools and
# reports every tool that failed, not only the first.
#
# The tests tagged "sanitizer" feed the tools' own code what it parses and
# prints (values, names, overruns, cgroups going away): scripts/test runs
# them with the sanitizer build (ctest's bats.all_tools.san), where ASan
# and UBSan watch; the others, about privileges, attachments and the kernel,
# with the static build that ships (bats.all_tools.rest).

load helpers
load workloads

setup() {
	require_root
	require_cmd jq bpftool setpriv timeout socat ss taskset
	mapfile -t TOOLS <"$SONDE_BUILD/tools.list"
	((${#TOOLS[@]})) || sonde_fail "no tools in $SONDE_BUILD/tools.list"
	FAILED=()
	local t
	for t in "${TOOLS[@]}"; do
		[[ -n ${TOOL_KIND[$t]:-} ]] || sonde_fail "$t has no entry in TOOL_KIND (tests/bats/workloads.bash)"
	done
}

teardown() {
	sonde_teardown
}

# tools_of KIND...: the tools of the build of these kinds.
tools_of() {
	local t k
	for t in "${TOOLS[@]}"; do
		for k; do
			[[ ${TOOL_KIND[$t]} == "$k" ]] && echo "$t"
		done
	done
}

# bad TOOL WHY...: remember a failure; the test fails at its end.
bad() {
	FAILED+=("$1: ${*:2}")
}

# no_failures: fail the test listing every tool that failed.
no_failures() {
	((${#FAILED[@]} == 0)) || sonde_fail "${#FAILED[@]} failure(s):" "${FAILED[@]}"
}

# A unique, hostile process name (15 bytes, what the kernel keeps): ESC,
# newline, CR, quote, backslash, a byte next to NUL, invalid UTF-8.
hostile_name() {
	printf 'm%04d\e\n\r"\\\x01\xff\xfe z' $((RANDOM % 10000))
}

# The text form of NAME as sonde escapes it.
text_escaped() {
	local s=$1 i c out=
	for ((i = 0; i < ${#s}; i++)); do
		c=${s:i:1}
		case $c in
		\\) out+='\\' ;;
		[[:print:]]) out+=$c ;;
		*) out+=$(printf '\\x%02x' "'$c") ;;
		esac
	done
	printf '%s' "$out"
}

# wait_out_contains TEXT: the tool's stdout (bounded wait) has TEXT.
wait_out_contains() {
	local start=$EPOCHREALTIME
	while :; do
		[[ $(<"$TOOL_OUT") == *"$1"* ]] && return 0
		_sonde_deadline_passed "$start" "$SONDE_WAIT_S" && return 1
		sonde_nap
	done
}

# bats test_tags=sanitizer
@test "every tool: common bad values exit 2 or 3 with one line on stderr and nothing on stdout" {
	local t a rc want
	# PID_MAX (4194304) is above every PID the kernel gives (pid_max is at
	# most 4194304): no process has it.
	local -a cases=("2|-p abc" "2|-p -1" "2|-p 0" "3|-p 4194304" "3|-c /no/such/cgroup" "2|-d 0"
		"2|-d 1x" "2|--buffer 3" "2|--no-such-flag" "2|-Z" "2|--btf /no/such/btf")
	for t in "${TOOLS[@]}"; do
		for a in "${cases[@]}"; do
			want=${a%%|*}
			# shellcheck disable=SC2086 # the case is words
			tool_run_bounded 10 "$t" ${a#*|}
			rc=$status
			[[ $rc == "$want" ]] || bad "$t" "'${a#*|}' exited $rc, not $want"
			[[ -z $output ]] || bad "$t" "'${a#*|}' wrote to stdout: $output"
			[[ $(wc -l <<<"$stderr") == 1 && $stderr == "$t: "* ]] ||
				bad "$t" "'${a#*|}' wrote not one '$t: ' line on stderr: $stderr"
		done
	done
	no_failures
}

# bats test_tags=sanitizer
@test "every tool: -p of a process that is gone, or of a thread, is one line naming it" {
	local t gone tid
	sleep 0.01 &
	gone=$!
	wait "$gone"
	# A thread that is not its process's leader: one of the tool's own
	# threads is not there before it runs, so a thread of a helper.
	sleep 30 &
	sonde_track_pid $!
	tid=$(python3 -c 'import threading,os,time
t = threading.Thread(target=time.sleep, args=(30,), daemon=True); t.start()
print(t.native_id, flush=True); os.close(1); time.sleep(30)' &)
	for t in "${TOOLS[@]}"; do
		tool_run_bounded 10 "$t" -p "$gone"
		[[ $status == 3 && $stderr == "$t: no process with PID $gone (-p/--pid)" ]] ||
			bad "$t" "-p $gone (gone): exit $status, stderr: $stderr"
		tool_run_bounded 10 "$t" -p "$tid"
		[[ $status == 2 && $stderr == "$t: invalid value '$tid' for -p/--pid: a thread of process "* ]] ||
			bad "$t" "-p $tid (a thread): exit $status, stderr: $stderr"
	done
	no_failures
}

# Each tool's positional arguments, if any, then one no tool takes.
# bats test_tags=sanitizer
@test "every tool: a stray argument is named in one line, exit 2" {
	local t
	local -A args=([syscount]="1 1" [cgsyscount]="1 1")
	for t in "${TOOLS[@]}"; do
		# shellcheck disable=SC2086 # the arguments are words
		tool_run_bounded 10 "$t" ${args[$t]:-} zzstray
		[[ $status == 2 ]] || bad "$t" "exited $status, not 2"
		[[ $(wc -l <<<"$stderr") == 1 && $stderr == "$t: "*"'zzstray'"* ]] ||
			bad "$t" "stderr does not name 'zzstray' in one line: $stderr"
	done
	no_failures
}

# argp writes a line of blanks after an option whose help fills its last
# line exactly.
# bats test_tags=sanitizer
@test "every tool: --help and --usage have no line of only blanks, and no line ends in a blank" {
	local t o
	for t in "${TOOLS[@]}"; do
		for o in --help --usage; do
			tool_run_bounded 10 "$t" "$o"
			[[ $status == 0 ]] || bad "$t" "$o exited $status"
			grep -n ' $' <<<"$output" >"$BATS_TEST_TMPDIR/blank" &&
				bad "$t" "$o: lines ending in a blank: $(<"$BATS_TEST_TMPDIR/blank")"
		done
	done
	no_failures
}

# hidden_btf_bin: HIDDEN_BIN, a directory with a wrapper for each tool that
# runs it in a mount namespace of its own where /sys/kernel/btf/vmlinux is an
# empty file: a kernel whose BTF the tools cannot read there. The machine's
# file is untouched; the tool keeps the wrapper's PID (exec).
hidden_btf_bin() {
	local t empty=$BATS_TEST_TMPDIR/empty-btf
	HIDDEN_BIN=$BATS_TEST_TMPDIR/hidden-btf-bin
	mkdir -p "$HIDDEN_BIN"
	: >"$empty"
	for t in "${TOOLS[@]}"; do
		printf '#!/bin/sh\nexec unshare -m --propagation private sh -c '\''mount --bind "$0" /sys/kernel/btf/vmlinux && exec "$@"'\'' "%s" "%s" "$@"\n' \
			"$empty" "$SONDE_BIN/$t" >"$HIDDEN_BIN/$t"
		chmod +x "$HIDDEN_BIN/$t"
	done
}

# tp_btf_alone TOOL: TOOL's BPF object has a tp_btf program without the
# ?raw_tp twin that can stand in for it (bpf/lib/btfsrc.bpf.h).
tp_btf_alone() {
	local secs s
	secs=$(readelf -SW "$SONDE_BUILD/bpf/$1.bpf.o" | grep -o '[?a-z_]*/[a-z_0-9]*' || true)
	for s in $(grep '^tp_btf/' <<<"$secs"); do
		grep -qx "?raw_tp/${s#tp_btf/}" <<<"$secs" || return 0
	done
	return 1
}

@test "every tool: where the kernel's BTF is nowhere, it exits 3 with one line naming each place looked at" {
	local t r p rc err
	local -a places
	require_cmd unshare readelf
	r=$(uname -r)
	places=(/sys/kernel/btf/vmlinux "/boot/vmlinux-$r" "/lib/modules/$r/vmlinux"
		"/usr/lib/debug/boot/vmlinux-$r" "/usr/lib/debug/lib/modules/$r/vmlinux")
	for p in "${places[@]:1}"; do
		[[ ! -e $p ]] || _sonde_cannot_run "$p exists: the kernel's BTF is not nowhere"
	done
	hidden_btf_bin
	for t in "${TOOLS[@]}"; do
		rc=0
		if [[ ${TOOL_KIND[$t]} == xdp ]]; then
			# the loopback of a network namespace of its own
			err=$(timeout -s KILL 10 unshare -n "$HIDDEN_BIN/$t" -i lo --src 192.0.2.1 \
				2>&1 >/dev/null) || rc=$?
		else
			err=$(timeout -s KILL 10 "$HIDDEN_BIN/$t" 2>&1 >/dev/null) || rc=$?
		fi
		[[ $rc == 3 ]] || bad "$t" "exited $rc, not 3: $err"
		[[ $(wc -l <<<"$err") == 1 && $err == "$t: "* ]] || bad "$t" "not one line: $err"
		for p in "${places[@]}"; do
			[[ $err == *"$p"* ]] || bad "$t" "does not name $p: $err"
		done
	done
	no_failures
}

# Runs that print only when they end: an interval tool without an interval,
# a count mode.
@test "every run that reports only at its end: on a terminal it says so on stderr; into a pipe, nothing" {
	local run t err
	local -a runs=(syscount cgsyscount "tcpconnect --count" "tcpretrans --count" "tcpdrop --count")
	require_cmd script
	for run in "${runs[@]}"; do
		t=${run%% *}
		[[ " ${TOOLS[*]} " == *" $t "* ]] || continue
		err=$BATS_TEST_TMPDIR/$t.err
		# script gives the tool a terminal for stdout; stderr goes to a
		# file; the run is two seconds long, then Ctrl-C's signal.
		timeout -s KILL 20 script -qec "timeout --preserve-status -s INT 2 $SONDE_BIN/$run 2>$err" /dev/null \
			</dev/null >/dev/null 3>&- || bad "$t" "'$run' on a terminal failed: $(<"$err")"
		# The hint first; what the run counted but could not attribute
		# (tcpdrop: drops of the machine's other traffic) may follow.
		[[ $(head -n 1 "$err") == "$t: Tracing... Ctrl-C to end." ]] &&
			! tail -n +2 "$err" | grep -qv "^$t: [0-9][0-9]* " ||
			bad "$t" "on a terminal, stderr: $(<"$err")"
		# shellcheck disable=SC2086 # the run is words
		tool_run_bounded 10 ${run} -d 1
		[[ $status == 0 ]] && ! grep -v "^$t: [0-9][0-9]* " <<<"$stderr" | grep -q . ||
			bad "$t" "into a pipe: exit $status, stderr: $stderr"
	done
	no_failures
}

# The BTF a tool is given is the CO-RE relocations' only source (tp_btf
# hooks excepted: libbpf attaches them by the kernel's own type IDs, which
# only the kernel's complete BTF has).
@test "every tool: with the kernel's BTF hidden, a min BTF from scripts/gen-min-btf serves, or the hook that needs it all is named" {
	local t min name progs
	require_cmd unshare readelf bpftool jq
	"$BATS_TEST_DIRNAME/../../scripts/gen-min-btf" --build-dir "$SONDE_BUILD" \
		--out-dir "$BATS_TEST_TMPDIR" /sys/kernel/btf/vmlinux
	min=$BATS_TEST_TMPDIR/vmlinux-$(uname -r).min.btf
	hidden_btf_bin
	for t in $(tools_of event interval none); do
		if tp_btf_alone "$t"; then
			SONDE_BIN=$HIDDEN_BIN tool_run_bounded 15 "$t" --btf "$min" -d 1
			[[ $status == 3 ]] || bad "$t" "exited $status, not 3: $stderr"
			[[ $(wc -l <<<"$stderr") == 1 && $stderr == "$t: "*"the kernel's complete BTF"* ]] || bad "$t" "stderr: $stderr"
			continue
		fi
		# shellcheck disable=SC2086 # options are words
		SONDE_BIN=$HIDDEN_BIN tool_start "$t" -v --btf "$min" ${TOOL_WORKLOAD_OPTS[$t]:-} ||
			{ bad "$t" "did not start: $(grep -v '^libbpf' "$TOOL_ERR" | tail -n 2)"; continue; }
		tool_record_bpf
		progs=$(IFS=,; bpftool -j prog show | jq -c --argjson ids "[${TOOL_PROG_IDS[*]}]" \
			'[.[] | select(.id as $i | $ids | index($i)) | .type] | unique')
		[[ $progs != *'"tracing"'* ]] || bad "$t" "a tp_btf program was loaded without the kernel's BTF: $progs"
		if [[ ${TOOL_KIND[$t]} == event || ${TOOL_KIND[$t]} == interval ]]; then
			name=min$RANDOM
			"workload_$t" "$name" >/dev/null 2>&1 || true
			wait_out_contains "$name" || bad "$t" "no event from the workload"
		fi
		tool_stop
		[[ $TOOL_RC == 0 ]] || bad "$t" "exited $TOOL_RC: $(grep -v '^libbpf' "$TOOL_ERR" | tail -n 2)"
	done
	no_failures
}

@test "every tool: unprivileged, it exits 3 with one line about root / CAP_BPF" {
	local t rc err
	local -a args
	for t in "${TOOLS[@]}"; do
		args=()
		# xdpdrop needs an interface: the loopback of a network namespace
		# made for this run alone.
		[[ ${TOOL_KIND[$t]} == xdp ]] && args=(-i lo --src 192.0.2.1)
		rc=0
		err=$(cd / && timeout -s KILL 10 unshare -n setpriv --reuid=65534 --regid=65534 \
			--clear-groups --inh-caps=-all "$SONDE_BIN/$t" "${args[@]}" 2>&1 >/dev/null) || rc=$?
		[[ $rc == 3 ]] || bad "$t" "exited $rc, not 3"
		[[ $(wc -l <<<"$err") == 1 && $err == *root*CAP_BPF* ]] || bad "$t" "stderr: $err"
	done
	no_failures
}

# page_caps TOOL: the capabilities TOOL's page (its CAPABILITIES section)
# says it runs with, as setpriv names them (bpf, perfmon, net_admin), one a
# line.
page_caps() {
	sed -n '/^# CAPABILITIES$/,/^# OPTIONS$/p' "$BATS_TEST_DIRNAME/../../docs/$1.md" | tr '\n' ' ' |
		grep -o 'exactly these capabilities: [A-Z_, ]*\.' | grep -o 'CAP_[A-Z_]*' |
		sed 's/^CAP_//' | tr 'A-Z' 'a-z'
}

# with_caps CAPS MODE TOOL ARGS...: runs TOOL (a copy anyone may run) as
# nobody with exactly the capabilities CAPS (comma list of setpriv names,
# or empty), in a mount namespace whose tracefs nobody's group may read
# (MODE 0750) or not (MODE 0700, root's alone, as on most systems), and in a
# network namespace of its own (xdpdrop attaches to its loopback). Sets
# $status and $stderr.
with_caps() {
	local caps=$1 mode=$2 t=$3 inh=-all amb=
	shift 3
	if [[ -n $caps ]]; then
		inh=+${caps//,/,+}
		amb=--ambient-caps=$inh
	fi
	[[ -x $SONDE_PUBLIC_DIR/$t ]] || cp "$SONDE_BIN/$t" "$SONDE_PUBLIC_DIR/$t"
	status=0
	stderr=$(unshare -m -n bash -c '
		mode=$1 inh=$2 amb=$3
		shift 3
		ip link set lo up &&
		mount --make-rprivate / &&
		{ umount -l /sys/kernel/tracing 2>/dev/null; true; } &&
		mount -t tracefs -o gid=65534,mode=$mode tracefs /sys/kernel/tracing &&
		cd / && exec timeout -s KILL 15 setpriv --reuid=65534 --regid=65534 \
			--clear-groups --inh-caps="$inh" ${amb:+"$amb"} "$@"' \
		_ "$mode" "$inh" "$amb" "$SONDE_PUBLIC_DIR/$t" "$@" 2>&1 >/dev/null) || status=$?
}

# The arguments each tool runs with in these tests.
declare -gA CAPS_ARGS=([xdpdrop]="-i lo --src 192.0.2.1")

# A user with the capabilities the page names and no others (no
# CAP_SYS_ADMIN: no module BTF walk, no tracefs mount) traces, given a
# tracefs its group may read.
@test "every tool: with exactly the capabilities its page names, it traces" {
	local t caps out=$BATS_TEST_TMPDIR/caps
	local -a jobs=()
	sonde_tmpdir_public
	mkdir -p "$out"
	# Each tool for a second, 8 at a time (each in namespaces of its own);
	# then their results checked.
	for t in "${TOOLS[@]}"; do
		caps=$(page_caps "$t" | paste -sd,)
		[[ -n $caps ]] || { bad "$t" "its page names no capabilities under CAPABILITIES"; continue; }
		echo "$caps" >"$out/$t.caps"
		((${#jobs[@]} < 8)) || { wait -n || true; mapfile -t jobs < <(jobs -pr); }
		# shellcheck disable=SC2086 # the arguments are words
		(with_caps "$caps" 0750 "$t" -v -d 1 ${CAPS_ARGS[$t]:-}
		 echo "$status" >"$out/$t.status"
		 printf '%s\n' "$stderr" >"$out/$t.err") &
		jobs+=($!)
	done
	wait
	for t in "${TOOLS[@]}"; do
		[[ -e $out/$t.caps ]] || continue
		caps=$(<"$out/$t.caps")
		[[ $(<"$out/$t.status") == 0 ]] ||
			bad "$t" "with $caps: exited $(<"$out/$t.status"): $(grep -v '^libbpf' "$out/$t.err" | tail -n 2)"
		[[ $(<"$out/$t.err") == *"tracing; Ctrl-C to stop"* ]] || bad "$t" "with $caps: never said 'tracing'"
	done
	no_failures
}

@test "every tool: without one of the capabilities its page names, it names the one it lacks" {
	local t c all others want
	sonde_tmpdir_public
	for t in "${TOOLS[@]}"; do
		all=$(page_caps "$t" | paste -sd,)
		for c in $(page_caps "$t"); do
			others=$(tr ',' '\n' <<<"$all" | grep -vx "$c" | paste -sd,)
			# shellcheck disable=SC2086 # the arguments are words
			with_caps "$others" 0750 "$t" -d 1 ${CAPS_ARGS[$t]:-}
			want="$t: not permitted to load BPF programs: this process lacks CAP_${c^^} (run as root, or with "
			[[ $status == 3 ]] || bad "$t" "without $c: exited $status, not 3"
			[[ $(wc -l <<<"$stderr") == 1 && $stderr == "$want"*")" ]] ||
				bad "$t" "without $c: stderr: $stderr"
		done
	done
	no_failures
}

# Mounted but root's alone (mode 0700, as on most systems), tracefs keeps a
# user with every capability a tool names out: it says so, not that it
# cannot mount it or that capabilities are missing.
@test "every tool that uses tracefs: mounted root's only, one line names its mode" {
	local t caps
	sonde_tmpdir_public
	for t in "${TOOLS[@]}"; do
		grep -q 'reached through tracefs' "$BATS_TEST_DIRNAME/../../docs/$t.md" || continue
		caps=$(page_caps "$t" | paste -sd,)
		with_caps "$caps" 0700 "$t" -d 1
		[[ $status == 3 ]] || bad "$t" "exited $status, not 3"
		[[ $(wc -l <<<"$stderr") == 1 &&
			$stderr == "$t: cannot reach tracefs at /sys/kernel/tracing: its mode 0700 (owner 0, group 65534) keeps this user out: "* ]] ||
			bad "$t" "stderr: $stderr"
	done
	no_failures
}

@test "every tool: installed setuid root, run by another user, it refuses with exit 3" {
	local t err rc
	require_cmd setpriv
	sonde_tmpdir_public
	for t in "${TOOLS[@]}"; do
		cp "$SONDE_BIN/$t" "$SONDE_PUBLIC_DIR/$t"
		chown root:root "$SONDE_PUBLIC_DIR/$t"
		chmod 4755 "$SONDE_PUBLIC_DIR/$t"
		rc=0
		err=$(cd / && timeout -s KILL 10 setpriv --reuid=65534 --regid=65534 --clear-groups \
			"$SONDE_PUBLIC_DIR/$t" -f /etc/shadow -d 1 2>&1 >/dev/null) || rc=$?
		[[ $rc == 3 ]] || bad "$t" "exited $rc, not 3"
		[[ $(wc -l <<<"$err") == 1 && $err == *"refusing to run setuid"* ]] || bad "$t" "stderr: $err"
		[[ $err != *root:* ]] || bad "$t" "stderr shows /etc/shadow: $err"
	done
	no_failures
}

@test "every tool: SIGKILL mid-run leaves nothing of it attached" {
	local t id start
	for t in "${TOOLS[@]}"; do
		[[ ${TOOL_KIND[$t]} == xdp ]] && continue # xdpdrop.bats checks the interface
		tool_start "$t" -v || { bad "$t" "did not start"; continue; }
		tool_record_bpf
		((${#TOOL_PROG_IDS[@]})) || bad "$t" "held no BPF program while running"
		kill -s KILL "$TOOL_PID"
		wait "$TOOL_PID" 2>/dev/null || true
		start=$EPOCHREALTIME
		for id in "${TOOL_PROG_IDS[@]}"; do
			while bpftool prog show id "$id" >/dev/null 2>&1; do
				if _sonde_deadline_passed "$start" 5; then
					bad "$t" "program $id still loaded after SIGKILL"
					break
				fi
				sonde_nap 0.05
			done
		done
		for id in "${TOOL_LINK_IDS[@]}"; do
			bpftool link show id "$id" >/dev/null 2>&1 && bad "$t" "link $id still there after SIGKILL"
		done
	done
	no_failures
}

# bats test_tags=sanitizer
@test "every event tool: a hostile process name is one escaped text line and valid JSON" {
	local t name esc opts
	name=$(hostile_name)
	esc=$(text_escaped "$name")
	for t in $(tools_of event interval); do
		opts=${TOOL_WORKLOAD_OPTS[$t]:-}
		# shellcheck disable=SC2086 # options are words
		tool_start "$t" -v $opts || { bad "$t" "did not start"; continue; }
		"workload_$t" "$name" >/dev/null 2>&1 || true
		wait_out_contains "$esc" || bad "$t" "text: no line with '$esc'"
		tool_stop
		LC_ALL=C grep -q '[^[:print:]]' "$TOOL_OUT" && bad "$t" "text: a byte outside printable ASCII"

		# shellcheck disable=SC2086
		tool_start "$t" -v -j $opts || { bad "$t" "did not start with -j"; continue; }
		"workload_$t" "$name" >/dev/null 2>&1 || true
		wait_out_contains "${name:0:5}" || bad "$t" "JSON: no object with '${name:0:5}'"
		tool_stop
		jq -e . "$TOOL_OUT" >/dev/null 2>&1 || bad "$t" "JSON: a line does not parse"
		[[ $(jq -c --arg n "$name" '.. | strings | select(contains($n[0:5]))' "$TOOL_OUT" | head -n 1) ]] ||
			bad "$t" "JSON: no string value holds the name"
		LC_ALL=C grep -q '[^[:print:]]' "$TOOL_OUT" && bad "$t" "JSON: a raw byte outside printable ASCII"
	done
	no_failures
}

# bats test_tags=sanitizer
@test "every event tool: 'tool -j | head -n1' exits 0 with nothing on stderr" {
	local t st err i opts
	for t in $(tools_of event interval); do
		st=$BATS_TEST_TMPDIR/$t.status err=$BATS_TEST_TMPDIR/$t.head.err
		opts=${TOOL_WORKLOAD_OPTS[$t]:-}
		(
			# shellcheck disable=SC2086
			timeout -s KILL 20 "$SONDE_BIN/$t" -j $opts 2>"$err" | head -n 1 >/dev/null
			echo "${PIPESTATUS[*]}" >"$st"
		) 3>&- &
		sonde_track_pid $!
		for ((i = 0; i < 100; i++)); do
			[[ -s $st ]] && break
			"workload_$t" "hd$i" >/dev/null 2>&1 || true
			sonde_nap 0.05
		done
		[[ -s $st ]] || { bad "$t" "the pipeline did not end"; continue; }
		[[ $(<"$st") == "0 0" ]] || bad "$t" "exit statuses (tool, head): $(<"$st")"
		[[ -z $(<"$err") ]] || bad "$t" "stderr: $(<"$err")"
	done
	no_failures
}

# bats test_tags=sanitizer
@test "every event tool: a 4 KiB buffer overrun while stopped is counted as lost, exit 0" {
	local t i
	for t in $(tools_of event); do
		tool_start "$t" --buffer 4 -v || { bad "$t" "did not start"; continue; }
		kill -s STOP "$TOOL_PID"
		# More events than 4 KiB can hold, the smallest (tcpaccept's) too.
		for ((i = 0; i < 80; i++)); do
			"workload_$t" "ov$i" >/dev/null 2>&1 || true
		done
		kill -s CONT "$TOOL_PID"
		tool_stop
		[[ $TOOL_RC == 0 ]] || bad "$t" "exited $TOOL_RC"
		grep -Eq "^$t: lost [1-9][0-9]* events$" "$TOOL_ERR" ||
			bad "$t" "no 'lost N events' line: $(grep -v tracing "$TOOL_ERR")"
	done
	no_failures
}

# The transport of kernels without a BPF ring buffer, forced: every event
# tool's event arrives, and an overrun is counted as lost as with the ring
# buffer (a 4 KiB buffer is one page per CPU here: the workloads that
# overrun it run on one CPU).
# bats test_tags=sanitizer
@test "every event tool: through a perf buffer (SONDE_OUTPUT=perfbuf) its events arrive and an overrun is counted as lost" {
	local t i opts
	export SONDE_OUTPUT=perfbuf
	for t in $(tools_of event); do
		opts=${TOOL_WORKLOAD_OPTS[$t]:-}
		# shellcheck disable=SC2086 # options are words
		tool_start "$t" -v $opts || { bad "$t" "did not start"; continue; }
		grep -q "^$t: events through a perf buffer$" "$TOOL_ERR" || bad "$t" "not through a perf buffer"
		"workload_$t" "pbuf$t" >/dev/null 2>&1 || true
		wait_out_contains "pbuf${t:0:11}" || bad "$t" "no line with 'pbuf${t:0:11}'"
		tool_stop
		[[ $TOOL_RC == 0 ]] || bad "$t" "exited $TOOL_RC"

		tool_start "$t" --buffer 4 -v || { bad "$t" "did not start with --buffer 4"; continue; }
		kill -s STOP "$TOOL_PID"
		# On one CPU, so that its one page overflows as the ring does.
		(
			taskset -cp 0 "$BASHPID" >/dev/null
			for ((i = 0; i < 80; i++)); do
				"workload_$t" "ov$i" >/dev/null 2>&1 || true
			done
		)
		kill -s CONT "$TOOL_PID"
		tool_stop
		[[ $TOOL_RC == 0 ]] || bad "$t" "exited $TOOL_RC after the overrun"
		grep -Eq "^$t: lost [1-9][0-9]* events$" "$TOOL_ERR" ||
			bad "$t" "no 'lost N events' line: $(grep -v tracing "$TOOL_ERR")"
	done
	no_failures
}

# bats test_tags=sanitizer
@test "execsnoop: SONDE_OUTPUT other than ringbuf or perfbuf is a usage error that names it" {
	SONDE_OUTPUT=bogus assert_usage_error execsnoop "SONDE_OUTPUT: 'bogus'" -d 1
}

# wait_err_contains TEXT: the tool's stderr (bounded wait) has TEXT.
wait_err_contains() {
	local start=$EPOCHREALTIME
	while :; do
		[[ $(<"$TOOL_ERR") == *"$1"* ]] && return 0
		_sonde_deadline_passed "$start" "$SONDE_WAIT_S" && return 1
		sonde_nap
	done
}

# A service or container restarted: its cgroup removed, then made again at
# the same path. With --follow the tool says both on stderr and traces the
# new cgroup.
# bats test_tags=sanitizer
@test "every tool: --follow: the -c cgroup removed mid-run is said on stderr; created again, it is followed" {
	local t cg name opts
	for t in $(tools_of event interval none); do
		cgroup_create "gone-$t"
		cg=$CGROUP_DIR
		opts=${TOOL_WORKLOAD_OPTS[$t]:-}
		# shellcheck disable=SC2086 # options are words
		tool_start "$t" -v --follow -c "$cg" $opts || { bad "$t" "did not start"; continue; }
		rmdir "$cg" || bad "$t" "could not remove $cg"
		wait_err_contains "cgroup '$cg' was removed: nothing is traced until it is created again" ||
			bad "$t" "no line saying the cgroup was removed: $(<"$TOOL_ERR")"
		if [[ ${TOOL_KIND[$t]} != none ]]; then
			"workload_$t" "cg$$" >/dev/null 2>&1 || true
		fi
		sonde_pid_alive "$TOOL_PID" || bad "$t" "exited when its cgroup went away"
		mkdir "$cg" || bad "$t" "could not create $cg again"
		wait_err_contains "cgroup '$cg' was created again (id $(stat -c %i "$cg")): tracing it" ||
			bad "$t" "no line saying the cgroup is followed: $(<"$TOOL_ERR")"
		if [[ ${TOOL_KIND[$t]} != none ]]; then
			name=back$RANDOM
			(
				echo "$BASHPID" >"$cg/cgroup.procs" && "workload_$t" "$name"
			) >/dev/null 2>&1 || true
			wait_out_contains "$name" || bad "$t" "no event from inside the cgroup created again"
		fi
		tool_stop
		[[ $TOOL_RC == 0 ]] || bad "$t" "exited $TOOL_RC: $(<"$TOOL_ERR")"
	done
	no_failures
}

# Without --follow, the cgroup's removal ends the run, with exit 0 and the
# events already queued shown: nothing would be traced from then on.
# bats test_tags=sanitizer
@test "every tool: the -c cgroup removed mid-run ends it with one line and exit 0" {
	local t cg name opts
	for t in $(tools_of event interval none); do
		cgroup_create "end-$t"
		cg=$CGROUP_DIR
		opts=${TOOL_WORKLOAD_OPTS[$t]:-}
		# shellcheck disable=SC2086 # options are words
		tool_start "$t" -v -c "$cg" $opts || { bad "$t" "did not start"; continue; }
		if [[ ${TOOL_KIND[$t]} == event ]]; then
			name=last$RANDOM
			(
				echo "$BASHPID" >"$cg/cgroup.procs" && "workload_$t" "$name"
			) >/dev/null 2>&1 || true
			cgroup_wait_empty "$cg" || bad "$t" "its workload's processes did not leave $cg"
		fi
		rmdir "$cg" || bad "$t" "could not remove $cg"
		tool_wait_exit "$SONDE_WAIT_S" || { bad "$t" "did not end when its cgroup went"; continue; }
		[[ $TOOL_RC == 0 ]] || bad "$t" "exited $TOOL_RC: $(<"$TOOL_ERR")"
		grep -qF "cgroup '$cg' was removed: ending" "$TOOL_ERR" ||
			bad "$t" "no line saying the cgroup was removed: $(<"$TOOL_ERR")"
		if [[ ${TOOL_KIND[$t]} == event ]]; then
			[[ $(<"$TOOL_OUT") == *"$name"* ]] || bad "$t" "the event made before the removal is missing"
		fi
	done
	no_failures
}

# An ID names one cgroup, which a new one at the same path is not: its
# removal ends the run, --follow or not.
# bats test_tags=sanitizer
@test "execsnoop: a -c cgroup given by its ID ends the run when it is removed, --follow or not" {
	local cg id
	cgroup_create "by-id"
	cg=$CGROUP_DIR id=$CGROUP_ID
	tool_start execsnoop -v --follow -c "$id"
	rmdir "$cg"
	tool_wait_exit "$SONDE_WAIT_S"
	assert_eq "$TOOL_RC" 0 "exit status"
	grep -qF "cgroup $id was removed: nothing is left to trace; ending" "$TOOL_ERR" ||
		sonde_fail "no line saying the cgroup was removed: $(<"$TOOL_ERR")"
}

@test "every event tool: two instances at once both report the event" {
	local t name a_out a_err a_pid wrc
	for t in $(tools_of event); do
		name=two$RANDOM
		tool_start "$t" -v || { bad "$t" "first instance did not start"; continue; }
		# The first keeps writing to its files under their new names.
		a_out=$BATS_TEST_TMPDIR/$t.first.out a_err=$BATS_TEST_TMPDIR/$t.first.err a_pid=$TOOL_PID
		mv "$TOOL_OUT" "$a_out"
		mv "$TOOL_ERR" "$a_err"
		tool_start "$t" -v || { bad "$t" "second instance did not start"; continue; }
		wrc=0
		"workload_$t" "$name" >/dev/null 2>"$BATS_TEST_TMPDIR/$t.workload" || wrc=$?
		wait_out_contains "$name" ||
			bad "$t" "second instance: no event (workload exit $wrc: $(<"$BATS_TEST_TMPDIR/$t.workload"))"
		tool_stop
		TOOL_OUT=$a_out TOOL_ERR=$a_err TOOL_PID=$a_pid TOOL_PROG_IDS=()
		wait_out_contains "$name" || bad "$t" "first instance: no event"
		tool_stop
	done
	no_failures
}

@test "every tool that uses tracepoints: it starts with tracefs unmounted" {
	local t
	for t in $(tools_of event interval none); do
		if mountpoint -q /sys/kernel/tracing; then
			umount -l /sys/kernel/tracing || { bad "$t" "cannot unmount tracefs"; continue; }
		fi
		tool_start "$t" -v || { bad "$t" "did not start without tracefs"; continue; }
		tool_stop
		[[ $TOOL_RC == 0 ]] || bad "$t" "exited $TOOL_RC"
	done
	mountpoint -q /sys/kernel/tracing || mount -t tracefs tracefs /sys/kernel/tracing
	no_failures
}

# tp_runs ID...: the run counts of these BPF programs (kernel.bpf_stats_enabled),
# one a line.
tp_runs() {
	local id
	for id; do
		bpftool prog show id "$id" -j 2>/dev/null | jq -r '.run_cnt // 0'
	done
}

# perf_window TOOL EVENTS IDS: runs TOOL's workload while `perf stat -a`
# counts EVENTS (comma-separated); PERF_COUNT[event] is perf's count and
# RUN_DELTA[id] how often each BPF program of IDS (space-separated) ran
# within perf's window. 1 when perf did not run.
perf_window() {
	local t=$1 evs=$2 ids=$3 d=$BATS_TEST_TMPDIR/perf id i pp ev n
	local -a before after
	mkdir -p "$d"
	rm -f "$d/go" "$d/end" "$d/out"
	mkfifo "$d/go" "$d/end"
	PERF_COUNT=() RUN_DELTA=()
	perf stat -x, -o "$d/out" -a -e "$evs" -- sh -c "echo >'$d/go'; read _ <'$d/end'" \
		2>"$d/err" 3>&- &
	pp=$!
	sonde_track_pid "$pp"
	# perf counts from the moment its command runs.
	if ! read -r -t "$SONDE_WAIT_S" _ <>"$d/go"; then
		kill "$pp" 2>/dev/null
		PERF_ERR=$(<"$d/err")
		return 1
	fi
	# shellcheck disable=SC2086 # a list of IDs
	mapfile -t before < <(tp_runs $ids)
	"workload_$t" "pf$RANDOM" >/dev/null 2>&1 || true
	# shellcheck disable=SC2086
	mapfile -t after < <(tp_runs $ids)
	echo >"$d/end"
	wait "$pp" || { PERF_ERR=$(<"$d/err"); return 1; }
	i=0
	for id in $ids; do
		RUN_DELTA[$id]=$((after[i] - before[i]))
		i=$((i + 1))
	done
	while IFS=, read -r n _ ev _; do
		[[ $n =~ ^[0-9]+$ ]] && PERF_COUNT[$ev]=$n
	done <"$d/out"
	return 0
}

# A `tracepoint` BPF program that returns 0 suppresses the samples of every
# perf user of that tracepoint. The oracle is perf itself: over a window in
# which one of the tool's tracepoint programs ran N times (the kernel's own
# run count), perf counts that tracepoint at least N times. A tracepoint perf
# counts nothing on without the tool either (execve's, on some kernels)
# cannot be judged; a tool whose tracepoints are all such is named in a note.
@test "every event tool: perf still counts each tracepoint the tool runs on" {
	local t old tp id evs judged
	local -A PERF_COUNT RUN_DELTA progs control
	require_cmd perf mkfifo
	old=$(sysctl -n kernel.bpf_stats_enabled)
	sysctl -qw kernel.bpf_stats_enabled=1
	for t in $(tools_of event interval); do
		# shellcheck disable=SC2086 # the options are words
		tool_start "$t" -v ${TOOL_WORKLOAD_OPTS[$t]:-} || { bad "$t" "did not start"; continue; }
		progs=()
		while read -r tp id; do
			progs[$id]=${tp/\//:}
		done < <(sed -n "s/^$t: attached tracepoint\/\([^ ]*\) (program \([0-9]*\))$/\1 \2/p" "$TOOL_ERR")
		if ((${#progs[@]} == 0)); then
			tool_stop # BTF-typed or raw tracepoints only: nothing to blind
			continue
		fi
		evs=$(printf '%s\n' "${progs[@]}" | sort -u | paste -sd,)
		if ! perf_window "$t" "$evs" "${!progs[*]}"; then
			bad "$t" "perf failed: $PERF_ERR"
			tool_stop
			continue
		fi
		local -A with=() delta=()
		for tp in "${!PERF_COUNT[@]}"; do with[$tp]=${PERF_COUNT[$tp]}; done
		for id in "${!RUN_DELTA[@]}"; do delta[$id]=${RUN_DELTA[$id]}; done
		tool_stop
		perf_window "$t" "$evs" "" || { bad "$t" "perf failed: $PERF_ERR"; continue; }
		control=()
		for tp in "${!PERF_COUNT[@]}"; do control[$tp]=${PERF_COUNT[$tp]}; done
		judged=0
		for id in "${!progs[@]}"; do
			tp=${progs[$id]}
			((${control[$tp]:-0} > 0 && ${delta[$id]:-0} > 0)) || continue
			judged=$((judged + 1))
			((${with[$tp]:-0} >= ${delta[$id]})) ||
				bad "$t" "perf counted $tp ${with[$tp]:-0} times while the tool's program ran ${delta[$id]} times there"
		done
		((judged)) || echo "# $t: perf counts none of its tracepoints here ($evs); not judged" >&3
	done
	sysctl -qw "kernel.bpf_stats_enabled=$old"
	no_failures
}

# names_pairs: docs/output.md's table of the text columns whose JSON key is
# not their own name, as "TOOL HEAD KEY" lines (TOOL * for every tool).
names_pairs() {
	sed -n '/^## Names$/,/^## /p' "$BATS_TEST_DIRNAME/../../docs/output.md" |
		sed -n 's/^| \([a-z*]*\) | `\([^`]*\)` | `\([a-z_]*\)` |.*/\1 \2 \3/p'
}

# head_key TOOL HEAD KEYS: the documented key (one of the words of KEYS) of
# TOOL's text column HEAD: the one names_pairs gives it, else its name in
# lower case, '-' as '_', without a unit in parentheses or after '_'
# ("LAT(ms)", "TX_KB"), as a key or a key's stem before a unit or kind
# ("lat_us", "tx_bytes", "exit_code"). Fails when none.
head_key() {
	local t=$1 head=$2 keys=" $3 " name pair
	while read -r -a pair; do
		[[ (${pair[0]} == "$t" || ${pair[0]} == "*") && ${pair[1]} == "$head" &&
			$keys == *" ${pair[2]} "* ]] && { echo "${pair[2]}"; return 0; }
	done < <(names_pairs)
	name=${head,,}
	name=${name//-/_}
	name=${name%%(*}
	[[ $keys == *" $name "* ]] && { echo "$name"; return 0; }
	# A unit of the text's own: TX_KB is tx_bytes.
	[[ $name =~ ^(.+)_(kb|ms|us|s)$ ]] && name=${BASH_REMATCH[1]}
	[[ $keys =~ \ ($name)_[a-z_]+\  ]] && { echo "${BASH_REMATCH[0]// /}"; return 0; }
	return 1
}

# The runs whose text headers are compared, per tool, besides the one
# without options: every column an option adds.
declare -gA HEADER_RUNS=(
	[execsnoop]="--exe" [opensnoop]="-e" [tcpconnect]="-s -L|--count" [tcplife]="-w"
	[tcpretrans]="--count" [tcpdrop]="-l|--count" [syscount]="-P -L|-L"
	[xdpdrop]="-i lo --src 192.0.2.1" [runqslower]="-P" [runqlat]="-P|-L|--by-cgroup"
	[cpudist]="-P|-L|--by-cgroup" [biolatency]="-D|-F|--by-cgroup"
	[biosnoop]="-Q" [bitesize]="-L|--by-cgroup|--system"
	[hardirqs]="--count|-D" [softirqs]="--count|-D"
	[runqlen]="--per-cpu|-O|--per-cpu -O"
	[biotop]="--by-cgroup"
	[filetop]="-a"
	[tcpstates]="-w"
	[tcprtt]="-a|-A|--by-cgroup"
)

# bats test_tags=sanitizer
@test "every tool: each text column is named as its documented JSON key (docs/output.md, Names)" {
	local t run keys head col key out opts i n=0
	local -a runs cols jobs=() what=()
	# Every run for a second, 8 at a time; then their headers checked.
	for t in "${TOOLS[@]}"; do
		# Stacks, not columns: the stack tools' text has no header.
		[[ $t == profile || $t == offcputime ]] && continue
		opts=$("$SONDE_BIN/$t" --list-options | grep -xE -- '-[TUC]' | tr '\n' ' ')
		# Packets belong to no process: xdpdrop refuses -C.
		[[ $t == xdpdrop ]] && opts=
		IFS='|' read -r -a runs <<<"${HEADER_RUNS[$t]:-}"
		runs=("" "${runs[@]}")
		[[ $t == xdpdrop ]] && runs=("${HEADER_RUNS[$t]}")
		for run in "${runs[@]}"; do
			((${#jobs[@]} < 8)) || { wait -n || true; mapfile -t jobs < <(jobs -pr); }
			out=$BATS_TEST_TMPDIR/header.$n
			what[n]="$t|$opts$run"
			# shellcheck disable=SC2086 # options are words
			(timeout -s KILL 20 unshare -n bash -c 'ip link set lo up; exec "$@"' _ \
				"$SONDE_BIN/$t" -d 1 $opts $run >"$out" 2>/dev/null 3>&- || echo failed >"$out.failed") &
			jobs+=($!)
			n=$((n + 1))
		done
	done
	wait
	for ((i = 0; i < n; i++)); do
		t=${what[i]%%|*} run=${what[i]#*|} out=$BATS_TEST_TMPDIR/header.$i
		[[ ! -e $out.failed ]] || { bad "$t" "'$t $run -d 1' failed"; continue; }
		keys=$(sed -n '/^## JSON$/,/^#/p' "$BATS_TEST_DIRNAME/../../docs/$t.md" |
			grep -o '`[a-z][a-z0-9_]*`' | tr -d '`' | sort -u | tr '\n' ' ')
		[[ -n $keys ]] || { bad "$t" "docs/$t.md documents no JSON keys under ## JSON"; continue; }
		head=$(grep -v '^\[' "$out" | head -n 1)
		[[ -n $head ]] || { bad "$t" "'$t $run' printed no header"; continue; }
		read -r -a cols <<<"${head//:/ }"
		for col in "${cols[@]}"; do
			[[ $col == *'>'* ]] && continue # the arrows of a flow: T>, >
			key=$(head_key "$t" "$col" "$keys") ||
				bad "$t" "'$t $run': column $col has no documented JSON key of its name (keys: $keys)"
		done
	done
	no_failures
}
