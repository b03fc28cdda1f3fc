#!/usr/bin/env bats
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# --prometheus FILE (lib/prom.h), as every interval tool has it, against the
# real servers: node_exporter's textfile collector reads the file, a
# Prometheus server scrapes node_exporter, and a PromQL query through its
# HTTP API must give the count the tool printed. promtool checks every file.
# Both servers listen on 127.0.0.1, on ports the test picks, and are stopped
# by PID in teardown.
#
#	SONDE_BIN=$PWD/build/bin SONDE_BUILD=$PWD/build bats tests/bats/prometheus.bats

load helpers
load count_helpers
load workloads

setup() {
	require_tool cgsyscount
	require_sysloop
	require_cmd jq promtool prometheus prometheus-node-exporter curl
	PROM_DIR=$BATS_TEST_TMPDIR/textfile
	mkdir -p "$PROM_DIR"
}

teardown() {
	sonde_teardown
}

# promtool_ok FILE: promtool finds nothing wrong with FILE (parse and lint).
promtool_ok() {
	local out
	out=$(promtool check metrics <"$1" 2>&1) ||
		sonde_fail "promtool check metrics rejects $1:" "$out" "--- file:" "$(head -n 40 "$1")"
}

# wait_file_has TEXT FILE: FILE exists and has a line containing TEXT
# (bounded): the tool writes it after each interval.
wait_file_has() {
	local start=$EPOCHREALTIME line
	while :; do
		if [[ -f $2 ]]; then
			while IFS= read -r line; do
				[[ $line == *"$1"* ]] && return 0
			done <"$2"
		fi
		_sonde_deadline_passed "$start" "$SONDE_WAIT_S" && break
		sonde_nap
	done
	sonde_fail "'$1' did not appear in $2 within ${SONDE_WAIT_S}s" "--- file:" \
		"$(cat "$2" 2>/dev/null)" "--- stderr:" "$(<"$TOOL_ERR")"
}

# wait_file_lacks TEXT FILE: a version of FILE without TEXT (bounded).
wait_file_lacks() {
	local start=$EPOCHREALTIME
	while :; do
		[[ -f $2 && $(<"$2") != *"$1"* ]] && return 0
		_sonde_deadline_passed "$start" "$SONDE_WAIT_S" && break
		sonde_nap
	done
	sonde_fail "'$1' stayed in $2 for ${SONDE_WAIT_S}s" "--- file:" "$(<"$2")"
}

# http_ok URL: the URL answers 200 (bounded wait); a server we started.
http_ok() {
	local start=$EPOCHREALTIME
	until curl -fsS -o /dev/null --max-time 1 "$1" 2>/dev/null; do
		if _sonde_deadline_passed "$start" "$SONDE_WAIT_S"; then
			sonde_fail "$1 did not answer within ${SONDE_WAIT_S}s"
			return 1
		fi
		sonde_nap 0.1
	done
}

# start_servers: node_exporter with only its textfile collector, reading
# PROM_DIR, and Prometheus scraping it every second; NODE_PORT, PROM_PORT.
start_servers() {
	NODE_PORT=$(free_port)
	PROM_PORT=$(free_port)
	[[ $NODE_PORT != "$PROM_PORT" ]] || PROM_PORT=$((NODE_PORT + 1))
	prometheus-node-exporter --web.listen-address="127.0.0.1:$NODE_PORT" \
		--collector.disable-defaults --collector.textfile \
		--collector.textfile.directory="$PROM_DIR" \
		>"$BATS_TEST_TMPDIR/node.log" 2>&1 3>&- &
	sonde_track_pid $!
	cat >"$BATS_TEST_TMPDIR/prometheus.yml" <<-EOF
		global:
		  scrape_interval: 1s
		  evaluation_interval: 1s
		scrape_configs:
		  - job_name: node
		    static_configs:
		      - targets: ['127.0.0.1:$NODE_PORT']
	EOF
	prometheus --config.file="$BATS_TEST_TMPDIR/prometheus.yml" \
		--storage.tsdb.path="$BATS_TEST_TMPDIR/tsdb" \
		--web.listen-address="127.0.0.1:$PROM_PORT" \
		>"$BATS_TEST_TMPDIR/prometheus.log" 2>&1 3>&- &
	sonde_track_pid $!
	http_ok "http://127.0.0.1:$NODE_PORT/metrics"
	http_ok "http://127.0.0.1:$PROM_PORT/-/ready"
}

# promql QUERY: the value of an instant query's first sample, or nothing.
promql() {
	curl -fsS --max-time 2 "http://127.0.0.1:$PROM_PORT/api/v1/query" \
		--data-urlencode "query=$1" | jq -r '.data.result[0].value[1] // empty'
}

# wait_promql QUERY VALUE: Prometheus answers VALUE (bounded: a few scrapes).
wait_promql() {
	local start=$EPOCHREALTIME got
	while :; do
		got=$(promql "$1") || got=
		[[ $got == "$2" ]] && return 0
		_sonde_deadline_passed "$start" $((2 * SONDE_WAIT_S)) && break
		sonde_nap 0.2
	done
	sonde_fail "Prometheus: $1 = '$got', not $2" "--- file:" "$(cat "$PROM_DIR"/*.prom)" \
		"--- node_exporter:" "$(tail -n 5 "$BATS_TEST_TMPDIR/node.log")"
}

@test "Prometheus scraping node_exporter's textfile has the count cgsyscount printed" {
	cgroup_create work
	start_servers
	local file=$PROM_DIR/cgsyscount.prom total series
	tool_start cgsyscount -j -v --prometheus "$file" -c "$CGROUP_DIR" 1
	run_in_cgroup "$CGROUP_DIR" "$SYSLOOP" getppid 50000
	# Every call made is counted in some interval; then the last one.
	wait_file_has "cgroup=\"$CGROUP_REL\"" "$file"
	stop_read
	total=$(block_count '.cgroups[] | select(.cgroup == "'"$CGROUP_REL"'") | .syscalls')
	((total >= 50000)) || sonde_fail "cgsyscount printed $total calls, fewer than the 50000 made"
	promtool_ok "$file"
	series="sonde_cgsyscount_syscalls_total{cgroup=\"$CGROUP_REL\"}"
	assert_eq "$(lines_with "$series" "$file")" "$series $total" "the file's counter"
	wait_promql "$series" "$total"
	wait_promql "sum(sonde_cgsyscount_syscalls_total{cgroup=~\".*/sonde-test-$$-$BATS_TEST_NUMBER/work\"})" "$total"
	# node_exporter read the file without an error.
	wait_promql 'node_textfile_scrape_error' 0
}

@test "a histogram tool's file is a Prometheus histogram Prometheus reads: runqlat's count is its own" {
	require_tool runqlat
	start_servers
	local file=$PROM_DIR/runqlat.prom count
	tool_run_bounded 20 runqlat -j --prometheus "$file" 1 2
	assert_eq "$status" 0 "exit status"
	promtool_ok "$file"
	grep -qx '# TYPE sonde_runqlat_seconds histogram' "$file" || sonde_fail "no histogram"
	# Its +Inf bucket and _count are the counts printed, added up.
	count=$(jq -s 'map(.count) | add' <<<"$output")
	assert_eq "$(lines_with 'sonde_runqlat_seconds_count' "$file")" \
		"sonde_runqlat_seconds_count $count" "_count"
	assert_eq "$(lines_with 'le="+Inf"' "$file")" \
		"sonde_runqlat_seconds_bucket{le=\"+Inf\"} $count" "+Inf bucket"
	# Cumulative buckets: never fewer than the bucket below.
	awk '/_bucket/ { if ($2 < last) exit 1; last = $2 }' "$file" ||
		sonde_fail "buckets not cumulative:" "$(<"$file")"
	wait_promql 'sonde_runqlat_seconds_count' "$count"
	# PromQL reads it as a histogram: a quantile from its buckets.
	assert_match "$(promql 'histogram_quantile(0.99, sonde_runqlat_seconds_bucket)')" \
		'^[0-9.]+(e[-+][0-9]+)?$' "p99 from Prometheus"
}

@test "every interval tool writes a file promtool accepts, with its metrics" {
	local tool args file
	local -A runs=(
		[syscount]="-P -L 1 2"
		[cgsyscount]="--by-syscall -L 1 2"
		[runqlat]="-P 1 2"
		[cpudist]="--by-cgroup 1 2"
		[biolatency]="-D 1 2"
		[bitesize]="1 2"
	)
	local -A metric=(
		[syscount]="# TYPE sonde_syscount_syscalls_total counter"
		[cgsyscount]="# TYPE sonde_cgsyscount_syscall_seconds_total counter"
		[runqlat]="# TYPE sonde_runqlat_seconds histogram"
		[cpudist]="# TYPE sonde_cpudist_seconds histogram"
		[biolatency]="# TYPE sonde_biolatency_dropped_series gauge"
		[bitesize]="# TYPE sonde_bitesize_dropped_series gauge"
	)
	for tool in "${!runs[@]}"; do
		[[ -x $SONDE_BIN/$tool ]] || continue
		file=$PROM_DIR/$tool.prom
		# shellcheck disable=SC2086
		tool_run_bounded 20 "$tool" --prometheus "$file" ${runs[$tool]}
		assert_eq "$status" 0 "$tool's exit status ($stderr)"
		promtool_ok "$file"
		grep -qxF "${metric[$tool]}" "$file" || sonde_fail "$tool: no '${metric[$tool]}'" "$(<"$file")"
		# Written whole: nothing of the file beside it is left.
		[[ -z $(find "$PROM_DIR" -name '*.tmp') ]] || sonde_fail "a temporary file is left"
	done
	# Labels as each aggregates: syscount -P by process, cpudist by cgroup.
	grep -q '^sonde_syscount_syscalls_total{pid="[0-9]*",comm="[^"]*",cgroup="/' \
		"$PROM_DIR/syscount.prom" || sonde_fail "syscount -P: no pid, comm, cgroup labels"
	grep -q '^sonde_cpudist_seconds_count{cgroup="/' "$PROM_DIR/cpudist.prom" ||
		sonde_fail "cpudist --by-cgroup: no cgroup label"
}

@test "rows past -T are series too; a process name is escaped per the format" {
	cgroup_create
	local file=$PROM_DIR/syscount.prom name=$'q"b\\\x1b'
	tool_start syscount -v -P -T 1 --prometheus "$file" -c "$CGROUP_DIR" 1
	run_in_cgroup "$CGROUP_DIR" "$SYSLOOP" getppid 3000
	workload_dir
	ln -sfn "$SYSLOOP" "$WORKLOAD_DIR/$name"
	run_in_cgroup "$CGROUP_DIR" "$WORKLOAD_DIR/$name" getppid 2000
	wait_file_has 'comm="q\"b\\\\\\x1b"' "$file"
	wait_file_has 'comm="sysloop"' "$file"
	stop_ok
	promtool_ok "$file"
	# Text showed one process a block (-T 1); the file has both.
	awk '/^\[/ { n = 0; next } /^ *[0-9]/ { if (++n > 1) exit 1 }' "$TOOL_OUT" ||
		sonde_fail "more than one row in a block:" "$(<"$TOOL_OUT")"
}

@test "a cgroup that is gone is no longer exported; --max-series drops and says so" {
	cgroup_create a
	local dir_a=$CGROUP_DIR rel_a=$CGROUP_REL
	cgroup_create b
	local dir_b=$CGROUP_DIR rel_b=$CGROUP_REL parent=${CGROUP_DIR%/*}
	local file=$PROM_DIR/cgsyscount.prom
	tool_start cgsyscount -v --prometheus "$file" -c "$parent" 1
	run_in_cgroup "$dir_a" "$SYSLOOP" getppid 1000
	run_in_cgroup "$dir_b" "$SYSLOOP" getppid 1000
	wait_file_has "cgroup=\"$rel_b\"" "$file"
	wait_file_has "cgroup=\"$rel_a\"" "$file"
	rmdir "$dir_b"
	wait_file_lacks "cgroup=\"$rel_b\"" "$file"
	wait_file_has "cgroup=\"$rel_a\"" "$file"
	promtool_ok "$file"
	stop_ok

	# One label set at most: the second cgroup's rows are dropped.
	cgroup_create b
	tool_start cgsyscount -v --max-series 1 --prometheus "$file" -c "$parent" 1
	run_in_cgroup "$dir_a" "$SYSLOOP" getppid 1000
	run_in_cgroup "$CGROUP_DIR" "$SYSLOOP" getppid 1000
	wait_file_has 'sonde_cgsyscount_dropped_series 1' "$file"
	stop_ok
	promtool_ok "$file"
	assert_eq "$(grep -c '^sonde_cgsyscount_syscalls_total{' "$file")" 1 "series kept"
	assert_match "$(<"$TOOL_ERR")" 'more than 1 label sets.*--max-series' "stderr says so"
}

@test "tcpconnect --count: the file has each destination's connects, every second and at the end" {
	require_tool tcpconnect
	local file=$PROM_DIR/tcpconnect.prom port series
	port=$(free_port)
	tool_start tcpconnect -v --count --prometheus "$file"
	# Five connects, refused: nothing listens on the port.
	as_named promconn 'for i in 1 2 3 4 5; do : 3<>"/dev/tcp/127.0.0.1/$1"; done' _ "$port" \
		2>/dev/null || true
	series="comm=\"promconn\",family=\"4\",raddr=\"127.0.0.1\",rport=\"$port\""
	# Written while it runs.
	wait_file_has "$series" "$file"
	stop_ok
	promtool_ok "$file"
	assert_match "$(lines_with "$series" "$file")" \
		"^sonde_tcpconnect_connects_total\\{uid=\"0\",pid=\"[0-9]+\",$series,cgroup=\"/.*\"\\} 5\$" "series"
	# The table printed at the end says the same.
	assert_match "$(lines_with promconn)" " 127\\.0\\.0\\.1 +$port +5\$" "row"
}

@test "--label: every series has it first; the block's JSON object has it too" {
	cgroup_create
	local file=$PROM_DIR/cgsyscount.prom
	tool_start cgsyscount -j -v --label node=worker-1 --prometheus "$file" -c "$CGROUP_DIR" 1
	run_in_cgroup "$CGROUP_DIR" "$SYSLOOP" getppid 1000
	wait_file_has "sonde_cgsyscount_syscalls_total{node=\"worker-1\",cgroup=\"$CGROUP_REL\"}" "$file"
	stop_read
	promtool_ok "$file"
	assert_eq "$(grep -c '^sonde_cgsyscount_[a-z_]*{' "$file")" \
		"$(grep -c '^sonde_cgsyscount_[a-z_]*{node="worker-1",' "$file")" "series labelled"
	assert_jq "$(head -n 1 "$TOOL_OUT")" '.node == "worker-1" and (.cgroups[0] | has("node") | not)'
}

@test "bad --prometheus and --max-series values are usage errors" {
	assert_bad_value cgsyscount --max-series 0 --max-series 0
	assert_bad_value runqlat --max-series x --max-series x
	assert_bad_value syscount --prometheus '' --prometheus ''
	assert_usage_error tcpconnect '--prometheus needs --count' --prometheus "$PROM_DIR/x.prom"
	# A file that cannot be written where it goes: said at once (exit 3).
	tool_run_bounded 10 cgsyscount --prometheus /nonexistent-dir/x.prom 1 1
	assert_eq "$status" 3 "exit status of an unwritable file"
	assert_eq "$output" "" "stdout"
	assert_match "$stderr" "^cgsyscount: --prometheus: cannot create '/nonexistent-dir/x.prom" "message"
}
