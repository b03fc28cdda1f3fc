#!/usr/bin/env bats
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# profile against the real kernel, as root. The workload is stackchain
# (tests/helpers/stackchain.c): main -> a -> b -> c -> spin on the CPU, or
# main -> a -> b -> c -> qsort (libc) -> cmp -> spin, built with frame
# pointers and without: every sample in spin must show the whole chain,
# libc's frames too, as often as `perf record --call-graph dwarf` shows it.
# perf record sampling the same way is the oracle of the sample count.
#
#	SONDE_BIN=$PWD/build/bin SONDE_BUILD=$PWD/build bats tests/bats/profile.bats

load helpers
load stack_helpers

setup() {
	require_tool profile
	require_stackchain
	require_cmd jq bpftool perf taskset unshare
}

teardown() {
	sonde_teardown
}

# spin_bg SECONDS [CMD...]: stackchain_fp spinning for SECONDS in the
# background (through CMD, e.g. taskset), its PID in SPIN_PID.
spin_bg() {
	local s=$1
	shift
	"$@" "$STACKCHAIN_FP" direct "$s" &
	SPIN_PID=$!
	sonde_track_pid "$SPIN_PID"
}

# profile_of OPTION... -- CMD...: CMD in the background, profiled with
# OPTIONs and -p its PID (in SPIN_PID) until it ends; then stop_ok.
profile_of() {
	local -a opts=()
	while [[ $1 != -- ]]; do
		opts+=("$1")
		shift
	done
	shift
	"$@" &
	SPIN_PID=$!
	sonde_track_pid "$SPIN_PID"
	tool_start profile -v "${opts[@]}" -p "$SPIN_PID"
	wait "$SPIN_PID"
	stop_ok
}

@test "--help, and bad values exit 2 naming the option" {
	assert_help profile -F -L -I -U -K -f --format -o --cpu --by-cgroup --unwind --inline
	assert_bad_value profile -F/--frequency 0 -F 0
	assert_bad_value profile -F/--frequency 10001 -F 10001
	assert_bad_value profile --cpu x --cpu x
	assert_bad_value profile -L/--tid 0 -L 0
	assert_bad_value profile --format svgz --format svgz
	assert_bad_value profile --unwind frame --unwind frame
	assert_usage_error profile "needs -o FILE" --format pprof
	assert_usage_error profile "-f/--folded and -j/--json" -f -j
	assert_usage_error profile "-U and -K" -U -K
	assert_bad_value profile duration 0 0
	assert_usage_error profile "unexpected argument" 1 2
}

@test "--unwind fp, a frame-pointer build: every sample in spin shows main;a;b;c;spin, as many samples as perf record's" {
	local want n
	cgroup_create
	tool_start profile -v -f -U --unwind fp -c "$CGROUP_DIR"
	# perf samples the same way (a CPU clock on every CPU at 49 Hz) in the
	# same window: its samples of the workload are the oracle.
	run_in_cgroup "$CGROUP_DIR" perf record -q -a -e cpu-clock -F 49 \
		-o "$BATS_TEST_TMPDIR/perf.data" -- "$STACKCHAIN_FP" direct 2
	stop_ok
	assert_chain_share stackchain_fp spin "main;a;b;c;spin" 90
	want=$(perf script -i "$BATS_TEST_TMPDIR/perf.data" -F comm 2>/dev/null | grep -c '^ *stackchain_fp *$')
	n=$(folded_total '^stackchain_fp;')
	((want > 20)) || sonde_fail "perf took $want samples only"
	((n * 100 >= want * 80 && n * 100 <= want * 120)) ||
		sonde_fail "$n samples; perf record took $want (±20 %)"
	assert_detached handle_sample
}

# qsort_proof BINARY: profile BINARY's qsort chain, then the same run of it
# under perf record --call-graph dwarf; >= 90 % of the samples in spin show
# the whole chain, and no fewer than perf's (5 points of slack for chance).
qsort_proof() {
	local bin=$1 comm with of pwith pof
	comm=$(basename "$bin")
	profile_of -f -U -- "$bin" qsort 3
	assert_chain_share "$comm" spin "$QSORT_CHAIN" 90
	read -r with of < <(chain_share "$comm" spin "$QSORT_CHAIN")
	perf record -q --call-graph dwarf -F 49 -o "$BATS_TEST_TMPDIR/perf.data" -- "$bin" qsort 2 \
		2>/dev/null
	read -r pwith pof < <(perf_chain_share "$BATS_TEST_TMPDIR/perf.data" "$comm" spin "$QSORT_CHAIN")
	((pof > 0)) || sonde_fail "perf has no sample in spin"
	echo "# $comm: sonde $with of $of, perf --call-graph dwarf $pwith of $pof" >&3
	((with * 100 * pof >= (pwith * 100 - 5 * pof) * of)) ||
		sonde_fail "sonde: $with of $of whole; perf: $pwith of $pof"
}

@test "no frame pointers (-O2 -fomit-frame-pointer): >= 90 % of samples in spin show main;a;b;c;qsort...;cmp;spin, as perf's dwarf unwinding does" {
	qsort_proof "$STACKCHAIN_NOFP"
}

@test "the same through libc from a frame-pointer build (libc keeps none)" {
	qsort_proof "$STACKCHAIN_FP"
}

@test "--unwind auto: frame pointers for a program all of whose code keeps them, dwarf for one through libc; --unwind fp loses the chain without them" {
	profile_of -j -- "$FPCHAIN" 2
	assert_jq "$(jq -s . "$TOOL_OUT")" '
		(map(select(.unwind == "fp") | .count) | add) as $fp | (map(.count) | add) as $all
		| $fp * 10 >= $all * 8 and
		  all(.[] | select(.unwind == "fp" and .user_stack[0].sym == "spin");
		      [.user_stack[].sym][:5] == ["spin", "c", "b", "a", "start"])'
	profile_of -j -- "$STACKCHAIN_NOFP" qsort 1
	# Every user stack unwound by DWARF; a sample in exit_group after the
	# process's address space is gone has no user stack to unwind (null).
	assert_jq "$(jq -s . "$TOOL_OUT")" 'any(.[]; .unwind == "dwarf") and
		all(.[]; .unwind == "dwarf" or (.unwind == null and .user_stack == []))'
	profile_of -f -U --unwind fp -- "$STACKCHAIN_NOFP" qsort 1
	(($(folded_total 'stackchain_nofp;(.*;)?spin$') > 0)) || sonde_fail "no sample in spin"
	assert_eq "$(folded_total "main;a;b;c;")" 0 "samples with the chain, by frame pointers"
}

@test "C++ (g++ -O2 -g): names demangled along the whole chain" {
	profile_of -f -- "$CXXCHAIN" 2
	assert_chain_share cxxchain 'shop::Basket<long>::weigh[(]long[)]' \
		'main;shop::Till::ring[(]int[)];shop::Basket<long>::weigh[(]long[)]' 90
}

# binutils' addr2line -i is the oracle: at each address sampled in weigh,
# the functions inlined there are those --inline shows.
@test "--inline: the function inlined at a frame's address is shown before it, where addr2line -i finds it" {
	local src=$BATS_TEST_DIRNAME/../helpers/cxxchain.cc base first last off i sym addr line checked=0 inlined=0
	local -a lines
	# tally's lines in the source: from its head to its closing brace.
	first=$(grep -n 'long tally(long x)$' "$src" | cut -d: -f1)
	last=$(awk -v f="$first" 'NR > f && /^}/ { print NR; exit }' "$src")
	profile_of -j --inline -- "$CXXCHAIN" 2
	assert_json_lines
	base=$(nm "$CXXCHAIN" | awk '$3 == "_ZN4shop6BasketIlE5weighEl" { print $1 }')
	[[ -n $base && -n $first && -n $last ]] || sonde_fail "weigh or tally not found"
	while read -r off i sym; do
		addr=$(printf '0x%x' $((0x$base + off)))
		mapfile -t lines < <(addr2line -i -e "$CXXCHAIN" "$addr")
		assert_eq "$i" $((${#lines[@]} - 1)) "functions inlined at weigh+$off"
		if ((i > 0)); then
			assert_eq "$sym" "shop::tally" "the function inlined at weigh+$off"
			line=${lines[0]##*:}
			line=${line%% *}
			((line >= first && line <= last)) ||
				sonde_fail "weigh+$off: addr2line's innermost line $line is not in tally ($first-$last)"
			inlined=$((inlined + 1))
		fi
		checked=$((checked + 1))
	done < <(jq -r '.user_stack | (map(.inlined == true) | index(false)) as $i
		| select($i != null and .[$i].sym == "shop::Basket<long>::weigh(long)")
		| "\(.[$i].off) \($i) \(.[0].sym)"' "$TOOL_OUT")
	((checked > 0 && inlined > 0)) ||
		sonde_fail "$checked stacks in weigh, $inlined with tally inlined:" "$(cat "$TOOL_OUT")"
	# Text: the inlined function says so, above the frame it is in; folded:
	# its frame ends in _[i].
	profile_of --inline -- "$CXXCHAIN" 2
	assert_match "$(grep -A1 -F '    shop::tally [inlined]' "$TOOL_OUT" | sed -n 2p)" \
		'^    shop::Basket<long>::weigh[(]long[)][+]0x[0-9a-f]+$' "the line after the inlined frame"
	profile_of -f --inline -- "$CXXCHAIN" 2
	(($(folded_total ';shop::Basket<long>::weigh[(]long[)];shop::tally_[[]i[]]$') > 0)) ||
		sonde_fail "no folded line ends in weigh;tally_[i]:" "$(cat "$TOOL_OUT")"
}

@test "-j: one object per stack; frames are sym, off and module; the binary is the module" {
	profile_of -j -- "$STACKCHAIN_FP" direct 2
	assert_json_lines
	assert_jq "$(jq -s . "$TOOL_OUT")" '
		all(.[]; .pid > 0 and .comm == "stackchain_fp" and .count > 0
		    and (.time | test("Z$")) and (.kernel_stack | type == "array")
		    and (.user_stack | type == "array"))'
	assert_jq "$(jq -s . "$TOOL_OUT")" '
		[.[] | select(.user_stack[0].sym == "spin")] | length > 0 and
		all(.[]; .user_stack[0] | (keys == ["module", "off", "sym"]) and .module == $bin
		    and (.off | type == "number"))' --arg bin "$STACKCHAIN_FP"
	assert_jq "$(jq -s . "$TOOL_OUT")" 'map(.count) == (map(.count) | sort | reverse)'
}

@test "-K: kernel stacks only, -U: user stacks only" {
	profile_of -j -K -- "$STACKCHAIN_FP" direct 1
	assert_json_lines
	assert_jq "$(jq -s . "$TOOL_OUT")" 'all(.[]; has("user_stack") | not) and all(.[]; has("kernel_stack"))'
	profile_of -j -U -- "$STACKCHAIN_FP" direct 1
	assert_jq "$(jq -s . "$TOOL_OUT")" 'all(.[]; has("kernel_stack") | not) and length > 0'
}

@test "--cpu: only that CPU's samples; -L: only that thread" {
	(($(nproc) >= 2)) || skip "needs two CPUs"
	profile_of -f --cpu 0 -- taskset -c 1 "$STACKCHAIN_FP" direct 1
	assert_eq "$(folded_total '^stackchain_fp;')" 0 "samples on CPU 0 of a process pinned to CPU 1"
	spin_bg 1 taskset -c 1
	tool_start profile -v -f --cpu 1 -L "$SPIN_PID"
	wait "$SPIN_PID"
	stop_ok
	(($(folded_total '^stackchain_fp;') > 10)) || sonde_fail "few samples on CPU 1:" "$(<"$TOOL_OUT")"
	assert_eq "$(folded_total '^[^s]')" 0 "samples of other threads"
}

@test "--by-cgroup: each folded line starts with its cgroup's path (below the cgroup2 mount)" {
	cgroup_create
	tool_start profile -v -f --by-cgroup -c "$CGROUP_DIR"
	run_in_cgroup "$CGROUP_DIR" "$STACKCHAIN_FP" direct 1
	stop_ok
	(($(folded_total "^$CGROUP_REL;stackchain_fp;") > 10)) ||
		sonde_fail "no line starts with $CGROUP_REL:" "$(<"$TOOL_OUT")"
	assert_eq "$(folded_total "^$CGROUP_REL;")" "$(folded_total "")" "every sample"
}

@test "a process that exited before the end, and one whose binary only its mount namespace sees, get names" {
	local dir=$BATS_TEST_TMPDIR/private
	mkdir -p "$dir"
	cgroup_create
	tool_start profile -v -f -U -c "$CGROUP_DIR"
	run_in_cgroup "$CGROUP_DIR" "$STACKCHAIN_NOFP" qsort 1
	# A private tmpfs over $dir, the binary copied there: the host's $dir
	# stays empty, /proc/PID/root and map_files reach the copy (its symbols
	# and its call-frame information).
	run_in_cgroup "$CGROUP_DIR" unshare -m --propagation private sh -c \
		'mount -t tmpfs tmpfs "$1" && cp "$2" "$1/stackchain_priv" && exec "$1/stackchain_priv" qsort 1' \
		_ "$dir" "$STACKCHAIN_NOFP"
	stop_ok
	[[ -z $(ls -A "$dir") ]] || sonde_fail "the private copy is visible on the host"
	assert_chain_share stackchain_nofp spin "$QSORT_CHAIN" 90
	assert_chain_share stackchain_priv spin "$QSORT_CHAIN" 90
}

@test "a hostile process name is escaped in text and folded, and kept in JSON" {
	local name=$'st\e\n"\\;x' link
	link=$BATS_TEST_TMPDIR/$name
	ln -s "$STACKCHAIN_FP" "$link"
	tool_start profile -v
	"$link" direct 1
	stop_ok
	grep -qF -- '-                st\x1b\x0a"\\;x (' "$TOOL_OUT" ||
		sonde_fail "no escaped name in:" "$(grep -F -- '-  ' "$TOOL_OUT" | head)"
	LC_ALL=C grep -q '[^[:print:]]' "$TOOL_OUT" && sonde_fail "a byte outside printable ASCII"
	tool_start profile -v -j
	"$link" direct 1
	stop_ok
	assert_json_lines
	assert_jq "$(jq -s . "$TOOL_OUT")" 'any(.[]; .comm == $n)' --arg n "$name"
}

@test "-o FILE: the stacks go to FILE; a duration as argument ends the run" {
	local out=$BATS_TEST_TMPDIR/stacks.folded
	spin_bg 2
	tool_run_bounded 10 profile -f -o "$out" -p "$SPIN_PID" 1
	assert_eq "$status" 0 "exit status"
	assert_eq "$output" "" "stdout"
	(($(folded_total '^stackchain_fp;' "$out") > 10)) || sonde_fail "few samples in $out:" "$(<"$out")"
}

@test "--format pprof -o FILE: go tool pprof reads it, with the total and the chain of -f's folded lines of the same run" {
	local out=$BATS_TEST_TMPDIR/cpu.pb.gz top total
	require_cmd go
	profile_of -f --format pprof -o "$out" -- "$STACKCHAIN_NOFP" qsort 2
	total=$(folded_total '')
	((total > 10)) || sonde_fail "few samples:" "$(<"$TOOL_OUT")"
	# go tool pprof keeps state under $HOME.
	top=$(HOME=$BATS_TEST_TMPDIR go tool pprof -top "$out" 2>&1) || sonde_fail "go tool pprof -top failed:" "$top"
	[[ $top == *"Type: samples"* && $top == *"of $total total"* ]] ||
		sonde_fail "pprof's total is not the folded total $total:" "$top"
	HOME=$BATS_TEST_TMPDIR go tool pprof -traces "$out" >"$BATS_TEST_TMPDIR/traces" 2>&1 ||
		sonde_fail "go tool pprof -traces failed:" "$(<"$BATS_TEST_TMPDIR/traces")"
	# A trace: its count, then its frames innermost first, one a line.
	awk '/^-+\+/ { if (s != "") print s; s = ""; next }
	     /^ +(comm|pid):/ { next }
	     { f = $NF; s = (s == "" ? f : f ";" s) }' "$BATS_TEST_TMPDIR/traces" >"$BATS_TEST_TMPDIR/chains"
	grep -qE "(^|;)$QSORT_CHAIN\$" "$BATS_TEST_TMPDIR/chains" ||
		sonde_fail "no trace of the whole chain:" "$(<"$BATS_TEST_TMPDIR/traces")"
	grep -q "comm: *stackchain_nofp" "$BATS_TEST_TMPDIR/traces" || sonde_fail "no comm label"
}

@test "--format svg -o FILE: a flame graph that parses as XML, the run's total at its root, the chain's frames, its script, no link out" {
	local out=$BATS_TEST_TMPDIR/cpu.svg
	require_cmd python3
	profile_of -f --format svg -o "$out" -- "$STACKCHAIN_NOFP" qsort 2
	python3 - "$out" "$(folded_total '')" <<'PY' || sonde_fail "the SVG is not what it should be"
import sys, xml.etree.ElementTree as ET
ns = {"s": "http://www.w3.org/2000/svg"}
root = ET.parse(sys.argv[1]).getroot()
frames = root.findall(".//s:g[@class='f']", ns)
names = [g.get("data-n") for g in frames]
top = [g for g in frames if g.get("data-d") == "0"]
assert len(top) == 1 and top[0].get("data-n") == "all", "one root"
assert top[0].get("data-w") == sys.argv[2], "root %s, folded %s" % (top[0].get("data-w"), sys.argv[2])
for f in ("stackchain_nofp", "main", "a", "b", "c", "qsort_r", "cmp", "spin"):
    assert f in names, f + " missing"
script = root.find("s:script", ns).text
assert "function zoom" in script and "function search" in script
text = open(sys.argv[1]).read()
assert text.count("http") == 1, "a URL besides the SVG namespace"
PY
}

@test "--format svg: in a browser (headless Chromium) the script zooms into c and finds spin, as a link asks" {
	local out=$BATS_TEST_TMPDIR/cpu.svg dom=$BATS_TEST_TMPDIR/dom log=$BATS_TEST_TMPDIR/chromium.log
	require_cmd chromium python3
	profile_of -f --format svg -o "$out" -- "$STACKCHAIN_NOFP" qsort 2
	timeout 60 chromium --headless --no-sandbox --disable-gpu --user-data-dir="$BATS_TEST_TMPDIR/chr" \
		--enable-logging=stderr --v=0 --dump-dom "file://$out#z=c&s=^spin\$" >"$dom" 2>"$log" ||
		sonde_fail "chromium failed:" "$(tail -n 5 "$log")"
	! grep -q "Uncaught" "$log" || sonde_fail "the script failed:" "$(grep Uncaught "$log")"
	python3 - "$dom" "$(folded_total ';spin(;|$)')" "$(folded_total '')" <<'PY' ||
import re, sys
dom = open(sys.argv[1]).read()
spin, total = int(sys.argv[2]), int(sys.argv[3])
m = re.search(r'id="matched"[^>]*>Matched: ([0-9.]+)%<', dom)
assert m, "no match shown"
assert abs(float(m.group(1)) - 100.0 * spin / total) < 0.1, (m.group(1), spin, total)
c = re.search(r'data-n="c"[^>]*>.*?<rect[^>]*width="([0-9.]+)"', dom)
assert c and float(c.group(1)) == 1200, "c is not the whole width"
# Zoomed into c: its callers, "all" among them, are dimmed.
root = re.search(r'<g [^>]*data-n="all"[^>]*>', dom).group(0)
assert "opacity: 0.6" in root, root
PY
		sonde_fail "the browser's page is not zoomed and searched:" "$(grep -o 'Matched[^<]*' "$dom")"
}
