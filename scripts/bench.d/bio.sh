#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# The block tools' cost to the I/O they watch, printed as one markdown
# section on stdout (scripts/bench appends it to docs/performance.md);
# progress on stderr. Root.
#
# 1. fio, 4 KiB random reads with direct I/O (psync, one job), on a loop
#    device over a file in a tmpfs of its own: many requests a second, so
#    that a tool's cost per request shows. Its IOPS with no tool, with sonde
#    biolatency, with sonde biosnoop -j (to /dev/null) and with libbpf-tools'
#    biolatency (Debian's libbpf-tools, when installed), taking turns, 11
#    rounds of 2 s runs (2 of 2 s with BENCH_QUICK=1); the loss is the
#    median of each round's loss against that round's run with no tool
#    (a host that takes the CPU for a while slows both alike), and, beside
#    it, the medians' against each other.
# 2. With kernel.bpf_stats_enabled=1, the in-kernel cost per run of sonde
#    biolatency's programs and of libbpf-tools' next to bench/floor's, which
#    does nothing on the same block tracepoints, under the same fio load.
#
#	scripts/bench.d/bio.sh          # BUILD_DIR (default build/) holds the build
set -euo pipefail

part="bio bench"
# shellcheck source=scripts/bench.d/common.bash
. "$(dirname "$0")/common.bash"
reps=11 secs=2
((${BENCH_QUICK:-0})) && reps=2 secs=2
floor=$build/bench/floor
peer=/usr/sbin/biolatency # Debian's libbpf-tools
work=$(mktemp -d /tmp/sonde-bench.XXXXXX)
loop=
mounted=
pids=()
old_stats=

cleanup() {
	set +e
	for p in "${pids[@]}"; do kill -INT "$p" 2>/dev/null && wait "$p" 2>/dev/null; done
	[[ -n $old_stats ]] && sysctl -qw "kernel.bpf_stats_enabled=$old_stats"
	[[ -z $loop ]] || losetup -d "$loop"
	[[ -z $mounted ]] || umount "$work/mnt"
	rm -rf "$work"
}
trap cleanup EXIT

(($(id -u) == 0)) || die "needs root"
for f in "$build/bin/biolatency" "$build/bin/biosnoop" "$floor"; do
	[[ -x $f ]] || die "$f is not built (cmake -B build && cmake --build build)"
done
command -v fio >/dev/null || die "needs fio (scripts/setup)"
command -v bpftool >/dev/null || die "needs bpftool"
[[ -x $peer ]] || peer=

mkdir "$work/mnt"
mount -t tmpfs -o size=300m sonde-bench "$work/mnt"
mounted=1
truncate -s 256M "$work/mnt/disk"
loop=$(losetup -f --show "$work/mnt/disk")
disk=${loop#/dev/}

# fio_iops: the IOPS of one fio run of secs seconds on the loop device.
fio_iops() {
	fio --name=bench --filename="$loop" --direct=1 --rw=randread --bs=4k --ioengine=psync \
		--runtime="$secs" --time_based --output-format=json 2>/dev/null |
		jq '.jobs[0].read.iops'
}

# tool_up NAME CMD...: CMD started in the background, its stderr in
# work/NAME.err, its stdout in work/NAME.out for libbpf-tools' (its banner
# and its histogram) and in /dev/null for sonde's (a second's events of
# biosnoop are tens of MB); waits (bounded) until it traces: sonde's -v
# line, libbpf-tools' banner. Its PID in TPID.
tool_up() {
	local name=$1 out=/dev/null
	shift
	[[ $name != peer ]] || out=$work/$name.out
	"$@" >"$out" 2>"$work/$name.err" &
	TPID=$!
	pids+=("$TPID")
	wait_for "$work/$name.err" 'tracing; Ctrl-C to stop' "$TPID" ||
		wait_for "$work/$name.out" 'Tracing block device I/O' "$TPID" ||
		die "$name did not start: $(tail -n 2 "$work/$name.err")"
}

tool_down() {
	kill -INT "$TPID" 2>/dev/null || true
	wait "$TPID" 2>/dev/null || true
	pids=("${pids[@]/$TPID/}")
}

declare -A cmd=(
	[none]=""
	[biolatency]="$build/bin/biolatency -v --disk $disk 3600"
	[biosnoop]="$build/bin/biosnoop -v -j --disk $disk"
)
runs=(none biolatency biosnoop)
if [[ -n $peer ]]; then
	# Line-buffered: its banner, which it prints once attached, is the sign.
	cmd[peer]="stdbuf -oL $peer -d $disk 3600 1"
	runs+=(peer)
fi
declare -A iops=()
for ((r = 0; r < reps; r++)); do
	for k in "${runs[@]}"; do
		log "run $((r + 1))/$reps: $k"
		# shellcheck disable=SC2086 # the command is words
		[[ $k == none ]] || tool_up "$k" ${cmd[$k]}
		iops[$k]+=" $(fio_iops)"
		[[ $k == none ]] || tool_down
	done
done

old_stats=$(sysctl -n kernel.bpf_stats_enabled)
sysctl -qw kernel.bpf_stats_enabled=1
hooks=(tp_btf/block_rq_insert tp_btf/block_rq_issue tp_btf/block_rq_complete)
declare -A bpf=()
for k in biolatency peer; do
	[[ $k == peer && -z $peer ]] && continue
	log "BPF cost: $k"
	# shellcheck disable=SC2086 # the command is words
	tool_up "$k" ${cmd[$k]}
	"$floor" "${hooks[@]}" >"$work/floor.out" 2>"$work/floor.err" &
	fpid=$!
	pids+=("$fpid")
	wait_for "$work/floor.out" 'floor: ' "$fpid" || die "floor did not start: $(cat "$work/floor.err")"
	read -r _ ftp fraw <"$work/floor.out"
	mapfile -t ids < <(prog_ids "$TPID")
	fio_iops >/dev/null
	read -r truns tns < <(cost "${ids[@]}")
	read -r _ fns < <(cost "$ftp" "$fraw")
	kill -INT "$fpid" 2>/dev/null || true
	wait "$fpid" 2>/dev/null || true
	tool_down
	bpf[$k]="$truns $tns $fns"
done

# row NAME KEY: a table row of one configuration.
# shellcheck disable=SC2086 # the values are words
base=$(median ${iops[none]})
row() {
	local name=$1 k=$2 m paired
	# shellcheck disable=SC2086 # the values are words
	m=$(median ${iops[$k]})
	# Each round's loss against the run with no tool of the same round.
	# shellcheck disable=SC2046 # the losses are words
	paired=$(median $(paste <(tr ' ' '\n' <<<"${iops[none]# }") <(tr ' ' '\n' <<<"${iops[$k]# }") |
		awk '$1 > 0 { printf "%.2f\n", ($1 - $2) * 100 / $1 }'))
	# shellcheck disable=SC2086
	printf '| %s | %s | %s | %s |\n' "$name" "$(stats 0 ${iops[$k]})" \
		"$(awk -v p="$paired" 'BEGIN { printf "%.1f %%", p }')" \
		"$(awk -v m="$m" -v b="$base" 'BEGIN { printf "%.1f %%", (b - m) * 100 / b }')"
}
bpf_row() {
	local name=$1 k=$2 truns tns fns
	[[ -n ${bpf[$k]:-} ]] || return 0
	read -r truns tns fns <<<"${bpf[$k]}"
	printf '| %s | %s | %s | %s | %s |\n' "$name" "$truns" "$tns" "$fns" \
		"$(awk -v a="$tns" -v b="$fns" 'BEGIN { if (b > 0) printf "%.1f×", a / b; else printf "n/a" }')"
}

cat <<EOF
## Block tools: fio's IOPS under biolatency and biosnoop

fio, 4 KiB random reads with direct I/O (\`psync\`, one job) on a loop
device over a file in a tmpfs, ${secs} s a run, ${reps} rounds of runs
taking turns (scripts/bench.d/bio.sh). IOPS: median [min–max]; loss: the
median of each round's loss against the same round's run with no tool,
and the medians' against each other.

| tool | IOPS | loss (rounds) | loss (medians) |
| --- | --- | --- | --- |
$(row "none" none)
$(row "sonde biolatency --disk" biolatency)
$(row "sonde biosnoop -j --disk (to /dev/null)" biosnoop)
$([[ -z $peer ]] || row "libbpf-tools biolatency -d" peer)

In-kernel cost per run (\`kernel.bpf_stats_enabled\`), the tool's programs
on the block tracepoints and \`bench/floor\`'s, which do nothing on the same
hooks, under one more fio run:

| tool | runs | ns/run | floor ns/run | × floor |
| --- | --- | --- | --- | --- |
$(bpf_row "sonde biolatency" biolatency)
$(bpf_row "libbpf-tools biolatency" peer)
EOF
