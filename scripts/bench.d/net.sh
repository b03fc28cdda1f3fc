#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# The network throughput and TLS tools' cost, printed as one markdown section
# on stdout (scripts/bench appends it to docs/performance.md); progress on
# stderr. Root; needs iperf3, openssl and python3.
#
# 1. iperf3 over loopback for S seconds (5; 2 with BENCH_QUICK=1) with no
#    tool, with tcptop, and with libbpf-tools' tcptop where it runs, R
#    rounds taking turns (3; 1 quick): the receiver's throughput, and what
#    each tool cost of it against the rounds without a tool.
# 2. Python's ssl module writes 16 bytes 20,000 times to openssl s_server
#    on 127.0.0.1 (each write one SSL_write_ex): the time per write with no
#    tool, with sslsniff, and with sslsniff --no-data, R rounds.
#
#	scripts/bench.d/net.sh        # BUILD_DIR (default build/) holds the build
set -euo pipefail

part="net bench"
# shellcheck source=scripts/bench.d/common.bash
. "$(dirname "$0")/common.bash"
reps=3 secs=5
((${BENCH_QUICK:-0})) && reps=1 secs=2
work=$(mktemp -d /tmp/sonde-bench.XXXXXX)
pids=()

cleanup() {
	set +e
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null && wait "$p" 2>/dev/null || true; done
	rm -rf "$work"
}
trap cleanup EXIT

(($(id -u) == 0)) || die "needs root"
for c in iperf3 openssl python3 jq; do command -v "$c" >/dev/null || die "needs $c"; done
lbt=$(command -v /usr/sbin/tcptop || true)
# libbpf-tools' tcptop attaches kprobes: on a kernel without them it exits.
if [[ -n $lbt ]] && ! timeout 5 "$lbt" -C 1 1 >/dev/null 2>"$work/lbt.err"; then
	lbt_fail=$(grep -v '^libbpf:' "$work/lbt.err" | tail -n 1)
	lbt=
fi

# tool_start CMD...: a tool in the background (TOOL_PID), given a second to attach.
tool_start() {
	"$@" >/dev/null 2>&1 &
	TOOL_PID=$!
	pids+=("$TOOL_PID")
	sleep 1
}

tool_stop() {
	kill -INT "$TOOL_PID" 2>/dev/null || true
	wait "$TOOL_PID" 2>/dev/null || true
}

port=$((30000 + RANDOM % 20000))
iperf3 -s -p "$port" -B 127.0.0.1 >/dev/null 2>&1 &
pids+=("$!")
sleep 0.5
declare -A gbps=()
modes=(none tcptop)
[[ -z $lbt ]] || modes+=(libbpf-tools)
for ((r = 0; r < reps; r++)); do
	for m in "${modes[@]}"; do
		log "iperf3 round $((r + 1)) with $m"
		case $m in
		tcptop) tool_start "$build/bin/tcptop" ;;
		libbpf-tools) tool_start "$lbt" -C ;;
		esac
		v=$(iperf3 -c 127.0.0.1 -p "$port" -t "$secs" -J | jq '.end.sum_received.bits_per_second / 1e9')
		[[ $m == none ]] || tool_stop
		gbps[$m]+=" $v"
	done
done

# ssl_round MODE: µs per SSL_write with MODE's tool.
cat >"$work/writes.py" <<'PY'
import socket, ssl, sys, time
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
ctx.check_hostname = False
ctx.verify_mode = ssl.CERT_NONE
s = ctx.wrap_socket(socket.create_connection(("127.0.0.1", int(sys.argv[1]))))
n, buf = 20000, b"x" * 16
t = time.perf_counter()
for _ in range(n):
    s.write(buf)
print("%.3f" % ((time.perf_counter() - t) / n * 1e6))
s.close()
PY
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$work/key.pem" -out "$work/cert.pem" \
	-subj /CN=localhost -days 1 2>/dev/null
ssl_round() {
	local p=$((30000 + RANDOM % 20000)) srv
	openssl s_server -accept "127.0.0.1:$p" -cert "$work/cert.pem" -key "$work/key.pem" \
		-naccept 1 -quiet </dev/zero >/dev/null 2>&1 &
	srv=$!
	pids+=("$srv")
	sleep 0.5
	case $1 in
	sslsniff) tool_start "$build/bin/sslsniff" --comm python3 ;;
	no-data) tool_start "$build/bin/sslsniff" --comm python3 --no-data ;;
	esac
	python3 "$work/writes.py" "$p"
	[[ $1 == none ]] || tool_stop
	wait "$srv" 2>/dev/null || true
}
declare -A us=()
for ((r = 0; r < reps; r++)); do
	for m in none sslsniff no-data; do
		log "SSL_write round $((r + 1)) with $m"
		us[$m]+=" $(ssl_round "$m")"
	done
done

base=$(median ${gbps[none]})
cat <<EOF2
## Network throughput and TLS (tcptop, sslsniff)

iperf3 over loopback, $secs s per run, $reps rounds taking turns; Gbit/s
received (median [min–max]) and the cost against no tool:

| tool | Gbit/s | cost |
| --- | --- | --- |
EOF2
for m in "${modes[@]}"; do
	# shellcheck disable=SC2086 # the values are words
	printf '| %s | %s | %s |\n' "$m" "$(stats 2 ${gbps[$m]})" \
		"$(awk -v b="$base" -v v="$(median ${gbps[$m]})" 'BEGIN { printf "%.1f %%", (b - v) / b * 100 }')"
done
[[ -z ${lbt_fail:-} ]] || printf '| libbpf-tools | does not run here: %s | |\n' "$lbt_fail"
cat <<EOF2

Python's ssl module, 20,000 writes of 16 bytes to openssl s_server on
127.0.0.1, $reps rounds; µs per SSL_write (median [min–max]):

| tool | µs per write |
| --- | --- |
EOF2
for m in none sslsniff no-data; do
	# shellcheck disable=SC2086 # the values are words
	printf '| %s | %s |\n' "$m" "$(stats 2 ${us[$m]})"
done
