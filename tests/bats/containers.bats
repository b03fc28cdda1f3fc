#!/usr/bin/env bats
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# The tools and real containers: podman (Debian 12's 4.3) runs them with
# runc (crun refuses this machine's hybrid cgroup layout), ulimits it may
# set without CAP_SYS_RESOURCE, an image imported from a busybox-static
# root (no registry is reachable), and --cgroup-parent under this process's
# own memory cgroup: without it podman makes its cgroups at the root of
# every cgroup v1 hierarchy, out of the machine's own accounting. Every
# cgroup the test's containers made, in every hierarchy, is removed in
# teardown.
#
#	SONDE_BIN=$PWD/build/bin SONDE_BUILD=$PWD/build bats tests/bats/containers.bats

load helpers
load count_helpers

IMAGE=localhost/sonde-test-busybox:latest
# sonde's own image, as scripts/image builds it.
SONDE_IMAGE=localhost/sonde-test:bats

setup_file() {
	command -v podman >/dev/null && command -v runc >/dev/null || return 0
	local root=$BATS_FILE_TMPDIR/root a
	mkdir -p "$root/bin" "$root/tmp"
	cp /bin/busybox "$root/bin/busybox"
	for a in sh true cat sleep; do
		ln -s busybox "$root/bin/$a"
	done
	tar -C "$root" -c . | podman import - "$IMAGE" >/dev/null
}

teardown_file() {
	command -v podman >/dev/null || return 0
	podman rmi -f "$IMAGE" "$SONDE_IMAGE" >/dev/null 2>&1 || true
}

setup() {
	require_root
	require_cmd podman runc jq
	[[ -x /bin/busybox ]] || _sonde_cannot_run "/bin/busybox (busybox-static) is missing"
	require_tool execsnoop
	require_tool cgsyscount
	MEM_CG=$(sed -n 's/^[0-9]*:memory://p' /proc/self/cgroup)
	[[ -n $MEM_CG ]] || _sonde_cannot_run "no cgroup v1 memory hierarchy to put containers under"
	CT_PARENT=sonde-test-$$-$BATS_TEST_NUMBER
	CT_ID=
	record_cgroups
}

teardown() {
	[[ -z ${CT_ID:-} ]] || timeout 30 podman rm -f -t 0 "$CT_ID" >/dev/null 2>&1 || true
	sonde_teardown
	remove_ct_cgroups
}

# hierarchies: the mount point of every cgroup hierarchy, v1 and cgroup2.
hierarchies() {
	awk '{ for (i = 7; i < NF; i++) if ($i == "-") {
		if ($(i + 1) == "cgroup" || $(i + 1) == "cgroup2") print $5
		break } }' /proc/self/mountinfo
}

# record_cgroups: which of MEM_CG and its ancestors exist in each hierarchy
# before the test: podman makes the others, which teardown removes.
record_cgroups() {
	local mnt p
	CG_BEFORE=" "
	while read -r mnt; do
		p=$MEM_CG
		while [[ -n $p ]]; do
			[[ -d $mnt$p ]] && CG_BEFORE+="$mnt$p "
			p=${p%/*}
		done
	done < <(hierarchies)
}

# remove_ct_cgroups: the cgroups of this test's --cgroup-parent, in every
# hierarchy (v1 controllers and cgroup2), deepest first, and the ancestors
# podman made for them.
remove_ct_cgroups() {
	local mnt d p
	[[ -n ${CT_PARENT:-} ]] || return 0
	while read -r mnt; do
		d=$mnt$MEM_CG/$CT_PARENT
		[[ -d $d ]] && find "$d" -depth -type d -exec rmdir {} \; 2>/dev/null
		[[ ! -d $d ]] || echo "could not remove $d" >&2
		p=$MEM_CG
		while [[ -n $p ]]; do
			[[ ! -d $mnt$p || $CG_BEFORE == *" $mnt$p "* ]] || rmdir "$mnt$p" ||
				echo "could not remove $mnt$p" >&2
			p=${p%/*}
		done
	done < <(hierarchies)
}

# ct_start CMD...: a container of the busybox image running CMD; its whole
# ID in CT_ID and its cgroup (relative to the cgroup2 mount) in CT_CG.
ct_start() {
	CT_ID=$(timeout 60 podman run -d --runtime runc --ulimit nofile=1024:1024 \
		--ulimit nproc=4096:4096 --cgroup-parent="$MEM_CG/$CT_PARENT" "$IMAGE" "$@")
	assert_match "$CT_ID" '^[0-9a-f]{64}$' "container ID"
	CT_CG=$MEM_CG/$CT_PARENT/libpod-$CT_ID
	[[ -d $(cgroup2_mount)$CT_CG ]] || sonde_fail "no cgroup $CT_CG under the cgroup2 mount"
}

# ct_run ARGS...: podman run of a container removed when it ends, as the
# test runs every one.
ct_run() {
	timeout 60 podman run --rm --runtime runc --ulimit nofile=1024:1024 \
		--ulimit nproc=4096:4096 --cgroup-parent="$MEM_CG/$CT_PARENT" "$@"
}

# ct_exec CMD...: CMD run inside the container.
ct_exec() {
	timeout 30 podman exec "$CT_ID" "$@"
}

# execsnoop -c CG sees an exec inside the container and none outside.
check_filter() {
	tool_start execsnoop -v -c "$1"
	/bin/true "$MARK-outside"
	ct_exec /bin/true "$MARK-inside"
	wait_for_text "$MARK-inside"
	stop_ok
	assert_absent "$MARK-outside"
}

@test "execsnoop -c with a container's whole ID and with its 12-digit prefix sees only the container" {
	ct_start sleep 300
	MARK=ct-$$-$RANDOM
	check_filter "$CT_ID"
	check_filter "${CT_ID:0:12}"
}

@test "execsnoop -C names the container podman:<12 digits>; JSON has its ID, runtime and path" {
	ct_start sleep 300
	MARK=ct-$$-$RANDOM
	tool_start execsnoop -C -j -v -c "${CT_ID:0:12}"
	ct_exec /bin/true "$MARK"
	wait_for_text "\"$MARK\""
	stop_ok
	local ev
	ev=$(grep -F "\"$MARK\"" "$TOOL_OUT" | head -n 1)
	assert_jq "$ev" '.container_id == $id and .container_runtime == "podman" and .cgroup == $cg' \
		--arg id "$CT_ID" --arg cg "$CT_CG"

	tool_start execsnoop -C -c "${CT_ID:0:12}"
	ct_exec /bin/true "$MARK-text"
	wait_for_text "$MARK-text"
	stop_ok
	[[ $(lines_with "$MARK-text") == *" podman:${CT_ID:0:12} "* ]] ||
		sonde_fail "no podman:${CT_ID:0:12} column:" "$(<"$TOOL_OUT")"
}

@test "cgsyscount counts the container's calls under its name; when it exits, its cgroup is gone" {
	ct_start sleep 300
	tool_start cgsyscount -j -v -c "${CT_ID:0:12}" 1
	ct_exec sh -c 'i=0; while [ $i -lt 300 ]; do cat /proc/self/stat >/dev/null; i=$((i+1)); done'
	wait_for_text "$CT_ID"
	stop_read
	assert_jq "$(grep -F "$CT_ID" "$TOOL_OUT" | head -n 1)" \
		'.cgroups[0] | .container_id == $id and .container_runtime == "podman" and
		 .cgroup == $cg and .syscalls > 1000' --arg id "$CT_ID" --arg cg "$CT_CG"

	# The container ends: the tool says its cgroup was removed, and ends.
	tool_start execsnoop -v -c "$CT_ID"
	timeout 30 podman rm -f -t 0 "$CT_ID" >/dev/null
	tool_wait_exit "$SONDE_WAIT_S"
	assert_eq "$TOOL_RC" 0 "exit status"
	assert_match "$(<"$TOOL_ERR")" "cgroup '.*libpod-$CT_ID' was removed" "stderr"
	CT_ID=
}

# What a DaemonSet's container has (deploy/kubernetes/): the host's PID
# namespace, CAP_BPF and CAP_PERFMON only, no seccomp filter (podman's
# lets bpf() through with CAP_SYS_ADMIN only), the host's cgroup2 tree and
# tracefs mounted in (the tools mount no tracefs without CAP_SYS_ADMIN).
DAEMONSET_OPTS=(--pid=host --cap-drop=all --cap-add=CAP_BPF,CAP_PERFMON
	--security-opt seccomp=unconfined -v /sys/fs/cgroup:/sys/fs/cgroup:ro
	-v /sys/kernel/tracing:/sys/kernel/tracing)

@test "sonde's image (FROM scratch, scripts/image): --version, and execsnoop traces the host with a DaemonSet's privileges" {
	local image out err start
	image=$(BUILD_DIR=$SONDE_BUILD IMAGE=$SONDE_IMAGE "$BATS_TEST_DIRNAME/../../scripts/image")
	assert_eq "$image" "$SONDE_IMAGE" "image name"
	assert_match "$(ct_run "$image" execsnoop --version)" '^execsnoop \(sonde\) [0-9]' "--version"
	# Nothing but the tools: no shell.
	ct_run "$image" sh -c true 2>/dev/null && sonde_fail "the image has a shell"

	mountpoint -q /sys/kernel/tracing || mount -t tracefs tracefs /sys/kernel/tracing
	MARK=host-$$-$RANDOM
	out=$BATS_TEST_TMPDIR/ct.out err=$BATS_TEST_TMPDIR/ct.err
	ct_run "${DAEMONSET_OPTS[@]}" "$image" execsnoop -v -C -d 8 >"$out" 2>"$err" 3>&- &
	TOOL_PID=$! TOOL_NAME=podman TOOL_ERR=$err
	sonde_track_pid "$TOOL_PID"
	wait_for_text "tracing; Ctrl-C to stop" "$err"
	/bin/true "$MARK"
	wait_for_text "/bin/true $MARK" "$out"
	tool_wait_exit 30
	assert_eq "$TOOL_RC" 0 "exit status in the container"
	[[ $(lines_with "/bin/true $MARK" "$out") == "true "*" / "*"/bin/true $MARK" ]] ||
		sonde_fail "the host's exec, in the root cgroup:" "$(<"$out")"

	# Each of the two capabilities is needed: without one, exit 3 naming it.
	ct_run --pid=host --cap-drop=all --cap-add=CAP_BPF --security-opt seccomp=unconfined \
		-v /sys/kernel/tracing:/sys/kernel/tracing "$image" execsnoop -d 1 2>"$err" &&
		sonde_fail "execsnoop ran without CAP_PERFMON"
	assert_match "$(<"$err")" "lacks CAP_PERFMON" "without CAP_PERFMON"
}
