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
#
# The image is made of a static build's tools: SONDE_IMAGE_BUILD, else
# SONDE_BUILD (scripts/test points the sanitizer build's run at the static
# build, whose tools are the ones an image ships).

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

# sonde_image: sonde's image, as scripts/image builds it, in SONDE_IMAGE.
sonde_image() {
	local image
	podman image exists "$SONDE_IMAGE" && return 0
	image=$(BUILD_DIR=${SONDE_IMAGE_BUILD:-$SONDE_BUILD} IMAGE=$SONDE_IMAGE \
		"$BATS_TEST_DIRNAME/../../scripts/image")
	assert_eq "$image" "$SONDE_IMAGE" "image name"
}

@test "sonde's image (FROM scratch, scripts/image): --version, and execsnoop traces the host with a DaemonSet's privileges" {
	local image=$SONDE_IMAGE out err start
	sonde_image
	assert_match "$(ct_run "$image" execsnoop --version)" '^execsnoop \(sonde\) [0-9]' "--version"
	# Nothing but the tools: no shell.
	ct_run "$image" sh -c true 2>/dev/null && sonde_fail "the image has a shell"

	mountpoint -q /sys/kernel/tracing || mount -t tracefs tracefs /sys/kernel/tracing
	MARK=host-$$-$RANDOM
	out=$BATS_TEST_TMPDIR/ct.out err=$BATS_TEST_TMPDIR/ct.err
	: >"$out"
	: >"$err"
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

# pod_args MANIFEST TEXTFILE: each container of the manifest's pod as a line
# "NAME<TAB>podman run options<TAB>command", as its spec says (hostPID,
# capabilities, seccomp, read-only root, resources, hostPath mounts: the
# textfile directory is TEXTFILE; the node's name, $NODE, for NODE_NAME);
# fails on what it does not know.
pod_args() {
	/usr/bin/python3 - "$1" "$2" "$NODE" <<'PY'
import shlex, sys, yaml
doc = yaml.safe_load(open(sys.argv[1]))
spec = doc["spec"]["template"]["spec"]
assert spec["hostPID"] is True, "hostPID"
paths = {v["name"]: v["hostPath"]["path"] for v in spec["volumes"]}
paths = {k: (sys.argv[2] if p.startswith("/var/lib/prometheus") else p) for k, p in paths.items()}
for c in spec["containers"]:
    env = {e["name"]: e["valueFrom"]["fieldRef"]["fieldPath"] for e in c.get("env", [])}
    assert all(v == "spec.nodeName" for v in env.values()), env
    # The kubelet's $(VAR) expansion, with this machine as the node.
    cmd = [a.replace("$(NODE_NAME)", sys.argv[3]) if "NODE_NAME" in env else a for a in c["command"]]
    sc = c["securityContext"]
    args = ["--pid=host", "--cap-drop=all"]
    assert sc["capabilities"]["drop"] == ["ALL"], "drop ALL"
    args.append("--cap-add=" + ",".join("CAP_" + x for x in sc["capabilities"]["add"]))
    if sc["seccompProfile"]["type"] == "Unconfined":
        args += ["--security-opt", "seccomp=unconfined"]
    if sc.get("readOnlyRootFilesystem"):
        args.append("--read-only")
    lim = c["resources"]["limits"]
    assert lim["memory"].endswith("Mi") and lim["cpu"].endswith("m")
    args += ["--memory", lim["memory"][:-2] + "m", "--cpus", str(int(lim["cpu"][:-1]) / 1000)]
    for m in c["volumeMounts"]:
        args += ["-v", paths[m["name"]] + ":" + m["mountPath"] + (":ro" if m.get("readOnly") else "")]
    print(c["name"], shlex.join(args), shlex.join(cmd), sep="\t")
PY
}

@test "deploy/kubernetes: the DaemonSet's pod, run as its spec says, streams a host's exec and writes cgsyscount's metrics" {
	local top=$BATS_TEST_DIRNAME/../.. textfile=$BATS_TEST_TMPDIR/textfile name args cmd
	local -a names=()
	NODE=node-$$
	sonde_image
	mkdir -p "$textfile"
	mountpoint -q /sys/kernel/tracing || mount -t tracefs tracefs /sys/kernel/tracing
	pod_args "$top/deploy/kubernetes/daemonset.yaml" "$textfile" >"$BATS_TEST_TMPDIR/pod" ||
		sonde_fail "cannot read the DaemonSet's pod"
	while IFS=$'\t' read -r name args cmd; do
		names+=("sonde-test-$$-$name")
		# shellcheck disable=SC2086 # options and command as the manifest splits them
		eval "ct_run -d --name sonde-test-$$-$name $args $SONDE_IMAGE $cmd" >/dev/null
	done <"$BATS_TEST_TMPDIR/pod"
	assert_eq "${names[*]}" "sonde-test-$$-execsnoop sonde-test-$$-cgsyscount" "containers"
	# execsnoop: a host's exec in its output (a few polls while it starts).
	MARK=ds-$$-$RANDOM
	local start=$EPOCHREALTIME
	until podman logs "sonde-test-$$-execsnoop" 2>/dev/null | grep -qF "\"$MARK\""; do
		_sonde_deadline_passed "$start" 20 && break
		/bin/true "$MARK"
		sonde_nap 0.5
	done
	podman logs "sonde-test-$$-execsnoop" 2>/dev/null | grep -F "\"$MARK\"" | head -n 1 |
		jq -e --arg n "$NODE" '.node == $n and .comm == "true" and .cgroup == "/"' >/dev/null ||
		sonde_fail "no exec of the host in execsnoop's output:" "$(podman logs "sonde-test-$$-execsnoop" 2>&1 | tail -n 5)"
	# cgsyscount: its first report (15 s) writes the file node_exporter reads.
	start=$EPOCHREALTIME
	until [[ -s $textfile/sonde-cgsyscount.prom ]]; do
		_sonde_deadline_passed "$start" 25 && break
		sonde_nap 0.5
	done
	[[ -s $textfile/sonde-cgsyscount.prom ]] ||
		sonde_fail "no metrics file:" "$(podman logs "sonde-test-$$-cgsyscount" 2>&1 | tail -n 5)"
	promtool check metrics <"$textfile/sonde-cgsyscount.prom"
	grep -q "^sonde_cgsyscount_syscalls_total{node=\"$NODE\",cgroup=\"/" "$textfile/sonde-cgsyscount.prom" ||
		sonde_fail "no series of node $NODE:" "$(head -n 5 "$textfile/sonde-cgsyscount.prom")"
	timeout 60 podman stop -t 5 "${names[@]}" >/dev/null
	timeout 60 podman rm -f "${names[@]}" >/dev/null 2>&1 || true
	# Both ran until stopped, within their memory limit (not OOM-killed).
	for name in "${names[@]}"; do
		[[ -z $(podman ps -a -q -f "name=$name") ]] || sonde_fail "$name left"
	done
}

@test "deploy/kubernetes: the Job's pod is the DaemonSet's execsnoop, for 60 s, one pod a node" {
	local top=$BATS_TEST_DIRNAME/../..
	/usr/bin/python3 - "$top/deploy/kubernetes/daemonset.yaml" "$top/deploy/kubernetes/job.yaml" <<'PY'
import sys, yaml
ds = yaml.safe_load(open(sys.argv[1]))
job = yaml.safe_load(open(sys.argv[2]))
assert job["kind"] == "Job" and ds["kind"] == "DaemonSet"
d, j = ds["spec"]["template"]["spec"], job["spec"]["template"]["spec"]
dc = next(c for c in d["containers"] if c["name"] == "execsnoop")
jc = j["containers"][0]
assert jc["command"] == dc["command"] + ["-d", "60"], jc["command"]
for k in ("image", "env", "securityContext", "resources", "volumeMounts"):
    assert jc[k] == dc[k], k
assert j["hostPID"] and j["restartPolicy"] == "Never"
assert job["spec"]["completions"] == job["spec"]["parallelism"]
aff = j["affinity"]["podAntiAffinity"]["requiredDuringSchedulingIgnoredDuringExecution"][0]
assert aff["topologyKey"] == "kubernetes.io/hostname"
assert aff["labelSelector"]["matchLabels"] == job["spec"]["template"]["metadata"]["labels"]
vols = {v["name"]: v for v in d["volumes"]}
for v in j["volumes"]:
    assert vols[v["name"]] == v, v["name"]
PY
}
