#!/usr/bin/env bats
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# xdpdrop against the real kernel, as root: frames crafted in namespace A
# (tests/bats/xdpsend.c, exact counts) cross a veth pair to namespace B, where
# xdpdrop runs on B's end (tests/bats/xdp_helpers.bash). Nothing is attached
# anywhere else. What B's IP layer receives tells what was delivered; the
# tool's totals must equal what was sent.
#
#	SONDE_BIN=$PWD/build/bin SONDE_BUILD=$PWD/build bats tests/bats/xdpdrop.bats

load helpers
load xdp_helpers

setup() {
	xdp_pair
}

teardown() {
	sonde_teardown
	xdp_teardown
}

# The totals of the run as one line of "key=value" for the counters.
totals() {
	xdp_total | jq -r '"packets=\(.packets) passed=\(.passed) dropped=\(.dropped)" +
		" unparsed=\(.unparsed) non_ip=\(.non_ip)"'
}

# Hits of rule N in the totals (0 when it matched nothing).
rule_hits() {
	xdp_total | jq --argjson n "$1" '[.rules[] | select(.rule == $n) | .packets] | add // 0'
}

@test "UDP, TCP and ICMP: the packets rules match are dropped, the others delivered, counters exact" {
	tool_start xdpdrop -i "$XDP_IF" -j -v --proto udp --dport 53 'proto tcp dport 22' 'proto icmp' \
		'src 203.0.113.0/24 dst 192.0.2.2'
	local before
	before=$(b_ip_received)
	xdp_send --src "$A4" --dst "$B4" --proto udp --dport 53 -c 5
	xdp_send --src "$A4" --dst "$B4" --proto tcp --dport 22 -c 3
	xdp_send --src "$A4" --dst "$B4" --proto icmp -c 6
	xdp_send --src 203.0.113.9 --dst "$B4" --proto tcp --dport 80 -c 2
	xdp_send --src 203.0.113.9 --dst 192.0.2.99 --proto tcp --dport 80 -c 1
	xdp_send --src "$A4" --dst "$B4" --proto tcp --dport 80 -c 2
	xdp_send --src "$A4" --dst "$B4" --proto udp --dport 54 -c 4
	wait_received b_ip_received $((before + 7))
	stop_ok
	assert_detached xdpdrop
	assert_no_xdp

	assert_json_lines
	assert_eq "$(b_ip_received)" $((before + 7)) "packets B received"
	assert_eq "$(totals)" "packets=23 passed=7 dropped=16 unparsed=0 non_ip=0" "totals"
	assert_eq "$(rule_hits 1)" 5 "hits of rule 1 (udp 53)"
	assert_eq "$(rule_hits 2)" 3 "hits of rule 2 (tcp 22)"
	assert_eq "$(rule_hits 3)" 6 "hits of rule 3 (icmp)"
	assert_eq "$(rule_hits 4)" 2 "hits of rule 4 (source and destination)"
	assert_jq "$(xdp_total)" '.iface == $i and .mode == "native" and .policy == "drop" and
		.dry_run == false and (.time | test("^[0-9-]{10}T[0-9:.]{15}Z$")) and .secs > 0' \
		--arg i "$XDP_IF"
	assert_jq "$(xdp_total)" '.rules[0] == {"rule": 3, "packets": 6, "bytes": 252,
		"match": "--proto icmp"}'
}

@test "text: a header, a row per interval and the rules that matched under it" {
	tool_start xdpdrop -i "$XDP_IF" -I 1 --src 198.51.100.0/24
	local before
	before=$(b_ip_received)
	xdp_send --src 198.51.100.9 --dst "$B4" -c 3
	xdp_send --src "$A4" --dst "$B4" -c 1
	wait_received b_ip_received $((before + 1))
	stop_ok
	assert_match "$(head -n 1 "$TOOL_OUT")" \
		'^TIME +KIND +SECS +PACKETS +PKT/s +PASSED +DROPPED +DROP/s +UNPARSED +NON-IP$' "header"
	assert_match "$(lines_with ' total ')" \
		'^[0-9:]{8} total +[0-9.]+ +4 +[0-9]+ +1 +3 +[0-9]+ +0 +0$' "total row"
	assert_match "$(lines_with 'RULE')" '^ +RULE +PACKETS +BYTES MATCH$' "rules header"
	assert_match "$(lines_ending ' --src 198.51.100.0/24' | tail -n 1)" \
		'^ +1 +3 +[0-9]+ --src 198.51.100.0/24$' "rule line"
}

@test "IPv6: prefixes and icmpv6 rules drop, other IPv6 is delivered" {
	tool_start xdpdrop -i "$XDP_IF" -j -v --src fd00:66::/32 --proto udp 'proto icmpv6 dst fd00:5e::2'
	local before
	before=$(b_ip6_received)
	xdp_send --src fd00:66:1::7 --dst "$B6" --proto udp -c 4
	xdp_send --src "$A6" --dst "$B6" --proto icmpv6 -c 2
	xdp_send --src fd00:66:1::7 --dst "$B6" --proto tcp -c 1
	xdp_send --src "$A6" --dst "$B6" --proto udp -c 3
	wait_received b_ip6_received $((before + 4))
	stop_ok
	assert_eq "$(b_ip6_received)" $((before + 4)) "IPv6 packets B received"
	assert_eq "$(totals)" "packets=10 passed=4 dropped=6 unparsed=0 non_ip=0" "totals"
	assert_eq "$(rule_hits 1)" 4 "hits of rule 1"
	assert_eq "$(rule_hits 2)" 2 "hits of rule 2"
}

# B needs no VLAN device for this: xdpdrop sees the tagged frames on the veth
# before the stack (which drops tags it has no device for).
@test "VLAN: rules see through 802.1Q and 802.1ad tags" {
	tool_start xdpdrop -i "$XDP_IF" -j -v --dst 198.51.100.2 --proto udp
	local before
	before=$(b_ip_received)
	xdp_send --vlan 100 --src 198.51.100.1 --dst 198.51.100.2 -c 3
	xdp_send --qinq --vlan 200 --vlan 100 --src 198.51.100.1 --dst 198.51.100.2 -c 2
	xdp_send --vlan 100 --src 198.51.100.1 --dst 198.51.100.2 --proto tcp -c 2
	xdp_send --src "$A4" --dst "$B4" -c 1
	wait_received b_ip_received $((before + 1))
	tool_stop
	assert_eq "$(totals)" "packets=8 passed=3 dropped=5 unparsed=0 non_ip=0" "totals"
	assert_eq "$(rule_hits 1)" 5 "hits of the rule"
}

@test "--allow drops the IP packets no rule matches; other EtherTypes pass" {
	tool_start xdpdrop -i "$XDP_IF" -j -v --allow --src "$A4" --proto udp
	local before
	before=$(b_ip_received)
	xdp_send --src 192.0.2.77 --dst "$B4" -c 4
	xdp_send --src "$A4" --dst "$B4" --proto tcp -c 2
	xdp_send --ethertype 0x88b5 -c 1
	xdp_send --src "$A4" --dst "$B4" -c 3
	wait_received b_ip_received $((before + 3))
	tool_stop
	assert_eq "$(b_ip_received)" $((before + 3)) "packets B received"
	assert_eq "$(totals)" "packets=10 passed=4 dropped=6 unparsed=0 non_ip=1" "totals"
	assert_eq "$(rule_hits 1)" 3 "hits of the allowing rule"
	assert_jq "$(xdp_total)" '.policy == "allow"'
}

@test "--dry-run passes everything and counts what it would drop" {
	tool_start xdpdrop -i "$XDP_IF" -j -v --dry-run --proto udp
	local before
	before=$(b_ip_received)
	xdp_send --src "$A4" --dst "$B4" -c 5
	xdp_send --src "$A4" --dst "$B4" --proto tcp -c 2
	wait_received b_ip_received $((before + 7))
	tool_stop
	assert_eq "$(b_ip_received)" $((before + 7)) "packets B received"
	assert_eq "$(totals)" "packets=7 passed=2 dropped=5 unparsed=0 non_ip=0" "totals"
	assert_jq "$(xdp_total)" '.dry_run == true'
}

@test "fragments: a later fragment has no ports, so only L3 rules apply; IPv6 extension headers are skipped" {
	tool_start xdpdrop -i "$XDP_IF" -j -v --proto udp --dport 53 'src 203.0.113.0/24 proto udp'
	local before before6
	before=$(b_ip_received)
	before6=$(b_ip6_received)
	xdp_send --src "$A4" --dst "$B4" --dport 53 --frag first -c 2
	xdp_send --src "$A4" --dst "$B4" --dport 53 --frag later -c 2
	xdp_send --src 203.0.113.5 --dst "$B4" --dport 53 --frag later -c 1
	xdp_send --src "$A6" --dst "$B6" --dport 53 --ext 3 -c 2
	xdp_send --src "$A6" --dst "$B6" --dport 53 --ext 2 --frag first -c 1
	xdp_send --src "$A6" --dst "$B6" --dport 53 --frag later -c 2
	wait_received b_ip_received $((before + 2))
	wait_received b_ip6_received $((before6 + 2))
	tool_stop
	assert_eq "$(totals)" "packets=10 passed=4 dropped=6 unparsed=0 non_ip=0" "totals"
	assert_eq "$(rule_hits 1)" 5 "hits of the port rule"
	assert_eq "$(rule_hits 2)" 1 "hits of the L3 rule"
}

# The kernel delivers IPv6 packets behind any number of extension headers:
# their addresses are judged even when their ports lie beyond the headers
# xdpdrop walks (8), and those no rule decides take the unparsed action.
@test "IPv6 behind 8 or more extension headers: address rules apply, port rules need their ports" {
	tool_start xdpdrop -i "$XDP_IF" -j -v --dport 53 'src fd00:66::/32'
	local before
	before=$(b_ip6_received)
	xdp_send --src "$A6" --dst "$B6" --dport 53 --ext 8 -c 3
	xdp_send --src fd00:66:1::7 --dst "$B6" --dport 80 --ext 9 -c 2
	xdp_send --src fd00:66:1::7 --dst "$B6" --dport 80 --ext 16 -c 1
	xdp_send --src "$A6" --dst "$B6" --dport 53 --ext 9 -c 2
	wait_received b_ip6_received $((before + 2))
	tool_stop
	assert_eq "$(b_ip6_received)" $((before + 2)) "IPv6 packets B received"
	assert_eq "$(totals)" "packets=8 passed=2 dropped=6 unparsed=2 non_ip=0" "totals"
	assert_eq "$(rule_hits 1)" 3 "hits of the port rule (8 headers: the ports are reached)"
	assert_eq "$(rule_hits 2)" 3 "hits of the address rule (9 and 16 headers)"
	assert_jq "$(xdp_total)" '.unparsed_dropped == 0 and .unparsed_policy == "pass"'
}

@test "--allow: a packet whose ports are out of reach does not match a port rule; unparsed is dropped" {
	tool_start xdpdrop -i "$XDP_IF" -j -v --allow --src "$A6" --dport 22
	local before
	before=$(b_ip6_received)
	xdp_send --src "$A6" --dst "$B6" --dport 22 --ext 9 -c 2
	xdp_send --src "$A6" --dst "$B6" --dport 22 --ext 8 -c 2
	xdp_send --src "$A6" --dst "$B6" --dport 22 -c 1
	xdp_send --junk -c 1
	wait_received b_ip6_received $((before + 3))
	tool_stop
	assert_eq "$(b_ip6_received)" $((before + 3)) "IPv6 packets B received"
	assert_eq "$(totals)" "packets=6 passed=3 dropped=3 unparsed=3 non_ip=0" "totals"
	assert_eq "$(rule_hits 1)" 3 "hits of the allowing rule"
	assert_jq "$(xdp_total)" '.unparsed_dropped == 3 and .unparsed_policy == "drop"'
}

@test "--unparsed=pass and --unparsed=drop say what becomes of what no rule decides" {
	tool_start xdpdrop -i "$XDP_IF" -j -v --allow --unparsed=pass --src "$A6" --dport 22
	local before
	before=$(b_ip6_received)
	xdp_send --src "$A6" --dst "$B6" --dport 22 --ext 9 -c 2
	xdp_send --src "$A6" --dst "$B6" --dport 80 -c 1
	wait_received b_ip6_received $((before + 2))
	tool_stop
	assert_eq "$(totals)" "packets=3 passed=2 dropped=1 unparsed=2 non_ip=0" "--allow --unparsed=pass"
	assert_jq "$(xdp_total)" '.unparsed_dropped == 0 and .unparsed_policy == "pass"'

	tool_start xdpdrop -i "$XDP_IF" -j -v --unparsed drop --src 192.0.2.99
	before=$(b_ip_received)
	xdp_send --junk -c 2
	xdp_send --src "$A6" --dst "$B6" --ext 12 -c 1
	xdp_send --src "$A4" --dst "$B4" -c 1
	wait_received b_ip_received $((before + 1))
	tool_stop
	assert_eq "$(totals)" "packets=4 passed=1 dropped=3 unparsed=3 non_ip=0" "--unparsed drop"
	assert_jq "$(xdp_total)" '.unparsed_dropped == 3 and .unparsed_policy == "drop" and
		.policy == "drop"'
}

@test "frames that cannot be parsed are passed and counted, never dropped" {
	tool_start xdpdrop -i "$XDP_IF" -j -v --src 0.0.0.0/0
	local before
	before=$(b_ip6_received)
	xdp_send --junk -c 3
	xdp_send --src "$A6" --dst "$B6" --ext 9 -c 2
	wait_received b_ip6_received $((before + 2))
	tool_stop
	assert_eq "$(totals)" "packets=5 passed=5 dropped=0 unparsed=5 non_ip=0" "totals"
}

@test "10,000 --src prefixes from a file: a listed /32 and a listed /16 drop, others pass" {
	local rules=$BATS_TEST_TMPDIR/rules.txt
	{
		echo "# generated blocklist"
		seq 0 9998 | awk '{ printf "--src 10.%d.%d.%d\n", $1 / 250, $1 % 250, 7 }'
		echo "src 172.20.0.0/16   # a network"
	} >"$rules"
	tool_start xdpdrop -i "$XDP_IF" -j -v -f "$rules"
	local before
	before=$(b_ip_received)
	xdp_send --src 10.39.248.7 --dst "$B4" -c 1
	xdp_send --src 172.20.5.5 --dst "$B4" -c 1
	xdp_send --src 10.39.248.8 --dst "$B4" -c 1
	xdp_send --src 172.21.0.1 --dst "$B4" -c 1
	wait_received b_ip_received $((before + 2))
	tool_stop
	assert_eq "$(totals)" "packets=4 passed=2 dropped=2 unparsed=0 non_ip=0" "totals"
	# 10.39.248.7 is line 9999 of seq's numbers (9998), rule 9999; the /16 is rule 10000.
	assert_eq "$(rule_hits 9999)" 1 "hits of the /32"
	assert_eq "$(rule_hits 10000)" 1 "hits of the /16"
}

@test "SIGKILL: the program goes away with the process" {
	tool_start xdpdrop -i "$XDP_IF" --proto udp
	[[ $(ip -n "$NS_B" link show dev "$XDP_IF") == *"prog/xdp"* ]] ||
		sonde_fail "no XDP program on $XDP_IF while xdpdrop runs"
	tool_record_bpf
	kill -s KILL "$TOOL_PID"
	tool_wait_exit "$SONDE_WAIT_S" || true
	local start=$EPOCHREALTIME
	until [[ $(ip -n "$NS_B" link show dev "$XDP_IF") != *"prog/xdp"* ]]; do
		_sonde_deadline_passed "$start" 5 && break
		sonde_nap
	done
	assert_no_xdp
	assert_detached xdpdrop
}

@test "--pin survives exit; --status shows counters; --add and --del change it live; --detach removes it all" {
	xdp_bpffs
	local dir before
	dir=$(xdp_pin_dir)
	xdpdrop_b -i "$XDP_IF" --pin --proto udp --dport 53
	assert_eq "$status" 0 "--pin exit status ($stderr)"
	[[ -d $dir && -e $dir/link ]] || sonde_fail "no pins in $dir"
	assert_eq "$(stat -c %a "$dir")" 700 "mode of the pin directory"
	[[ $(ip -n "$NS_B" link show dev "$XDP_IF") == *"prog/xdp"* ]] ||
		sonde_fail "no XDP program on $XDP_IF after --pin"

	before=$(b_ip_received)
	xdp_send --src "$A4" --dst "$B4" --dport 53 -c 2
	xdp_send --src "$A4" --dst "$B4" --dport 54 -c 1
	wait_received b_ip_received $((before + 1))
	xdpdrop_b -i "$XDP_IF" --status -j
	assert_eq "$status" 0 "--status exit status ($stderr)"
	assert_jq "$output" '.kind == "status" and .packets == 3 and .dropped == 2 and
		.rules == [{"rule": 1, "packets": 2, "bytes": 84, "match": "--proto udp --dport 53"}]'

	xdpdrop_b -i "$XDP_IF" --add 'proto udp dport 54'
	assert_eq "$status" 0 "--add exit status ($stderr)"
	xdpdrop_b -i "$XDP_IF" --del 1
	assert_eq "$status" 0 "--del exit status ($stderr)"
	before=$(b_ip_received)
	xdp_send --src "$A4" --dst "$B4" --dport 54 -c 2
	xdp_send --src "$A4" --dst "$B4" --dport 53 -c 1
	wait_received b_ip_received $((before + 1))
	xdpdrop_b -i "$XDP_IF" --status -j
	assert_jq "$output" '.packets == 6 and .dropped == 4 and
		.rules == [{"rule": 2, "packets": 2, "bytes": 84, "match": "--proto udp --dport 54"}]'
	xdpdrop_b -i "$XDP_IF" --status
	assert_match "$(head -n 1 <<<"$output")" '^TIME +KIND +IFACE +MODE +POLICY +SECS ' "status header"

	xdpdrop_b -i "$XDP_IF" --detach
	assert_eq "$status" 0 "--detach exit status ($stderr)"
	[[ ! -e $XDP_BPFFS/sonde ]] || sonde_fail "left under $XDP_BPFFS: $(find "$XDP_BPFFS/sonde")"
	assert_no_xdp
	local orphans
	orphans=$(_bpf_orphans xdpdrop)
	assert_eq "$orphans" "" "programs left loaded"
}

# ip netns exec and unshare -m give xdpdrop a mount namespace of its own,
# where /sys/fs/bpf is not the system's bpffs: pins there go away with the
# command, and the filter with them. The default pin root is the subject
# here, so no xdp_bpffs.
@test "--pin from a private mount namespace is refused with an nsenter hint (exit 3)" {
	local hint="nsenter --net=/run/netns/$NS_B xdpdrop"
	local -a runs=(
		"ip netns exec $NS_B $XDP_REAL_BIN/xdpdrop"
		"nsenter --net=/run/netns/$NS_B unshare -m sh -c 'umount -l /sys/fs/bpf && exec \$0 \"\$@\"' $XDP_REAL_BIN/xdpdrop"
		"nsenter --net=/run/netns/$NS_B unshare -m sh -c 'mount -t bpf bpf /sys/fs/bpf && exec \$0 \"\$@\"' $XDP_REAL_BIN/xdpdrop"
	)
	local run rc err
	for run in "${runs[@]}"; do
		rc=0
		err=$(eval "timeout 20 $run -i $XDP_IF --pin --proto udp" 2>&1) || rc=$?
		assert_eq "$rc" 3 "exit status of $run"
		assert_one_line "$err" "stderr of $run"
		[[ $err == *"is not the BPF file system the system sees"*"$hint"* ]] ||
			sonde_fail "$run: no hint '$hint' in: $err"
		assert_no_xdp
	done
	# The hint works: the network namespace alone, the system's bpffs.
	SONDE_BPFFS='' xdpdrop_b -i "$XDP_IF" --pin --proto udp
	assert_eq "$status" 0 "exit status with nsenter --net ($stderr)"
	local before
	before=$(b_ip_received)
	xdp_send --src "$A4" --dst "$B4" -c 2
	xdp_send --src "$A4" --dst "$B4" --proto tcp -c 1
	wait_received b_ip_received $((before + 1))
	SONDE_BPFFS='' xdpdrop_b -i "$XDP_IF" --detach
	assert_eq "$status" 0 "--detach exit status ($stderr)"
	assert_eq "$(b_ip_received)" $((before + 1)) "packets B received while pinned"
	assert_no_xdp
}

# Both ends of the veth pair are named $XDP_IF, in namespaces A and B.
@test "pins are keyed by network namespace and interface index: a name in another namespace is another instance" {
	xdp_bpffs
	local before
	xdpdrop_b -i "$XDP_IF" --pin --proto udp
	assert_eq "$status" 0 "--pin in B ($stderr)"
	[[ -e $(xdp_pin_dir)/link ]] || sonde_fail "no link pinned in $(xdp_pin_dir)"
	local a=(timeout 20 nsenter --net=/run/netns/"$NS_A" "$XDP_REAL_BIN/xdpdrop" -i "$XDP_IF")
	run "${a[@]}" --status
	assert_eq "$status" 3 "--status in A, where nothing is pinned"
	run "${a[@]}" --detach
	assert_eq "$status" 3 "--detach in A, where nothing is pinned"
	run "${a[@]}" --pin --proto tcp
	assert_eq "$status" 0 "--pin in A: $output"
	[[ -e $(xdp_pin_dir "$NS_A")/link ]] || sonde_fail "no link pinned in $(xdp_pin_dir "$NS_A")"
	before=$(b_ip_received)
	xdp_send --src "$A4" --dst "$B4" --proto udp -c 3
	xdp_send --src "$A4" --dst "$B4" --proto tcp -c 1
	wait_received b_ip_received $((before + 1))
	xdpdrop_b -i "$XDP_IF" --status -j
	assert_jq "$output" '.dropped == 3 and .rules[0].match == "--proto udp"'
	run "${a[@]}" --detach
	assert_eq "$status" 0 "--detach in A: $output"
	xdpdrop_b -i "$XDP_IF" --status -j
	assert_eq "$status" 0 "--status in B after A's --detach ($stderr)"
	[[ $(ip -n "$NS_B" link show dev "$XDP_IF") == *"prog/xdp"* ]] ||
		sonde_fail "A's --detach detached B's program"
}

@test "two --pin at once: one attaches and pins, the other is refused, 20 times over" {
	xdp_bpffs
	local r rc1 rc2 p1 p2 out=$BATS_TEST_TMPDIR/pin
	for ((r = 0; r < 20; r++)); do
		rc1=0 rc2=0
		"$SONDE_BIN/xdpdrop" -i "$XDP_IF" --pin --proto udp 2>"$out.1" 3>&- &
		p1=$!
		"$SONDE_BIN/xdpdrop" -i "$XDP_IF" --pin --proto tcp 2>"$out.2" 3>&- &
		p2=$!
		sonde_track_pid "$p1"
		sonde_track_pid "$p2"
		wait "$p1" || rc1=$?
		wait "$p2" || rc2=$?
		[[ "$rc1 $rc2" == "0 3" || "$rc1 $rc2" == "3 0" ]] ||
			sonde_fail "round $r: exit statuses $rc1 and $rc2:" "$(cat "$out.1" "$out.2")"
		xdpdrop_b -i "$XDP_IF" --status -j
		assert_eq "$status" 0 "round $r: --status ($stderr)"
		assert_jq "$output" '.rules | length == 1'
		[[ $(ip -n "$NS_B" link show dev "$XDP_IF") == *"prog/xdp"* ]] ||
			sonde_fail "round $r: nothing attached"
		xdpdrop_b -i "$XDP_IF" --detach
		assert_eq "$status" 0 "round $r: --detach ($stderr)"
	done
}

# A bpffs mounted without mode= lets anyone make directories in its root.
@test "a world-writable pin root: directories and symlinks of another user are refused, not followed" {
	xdp_bpffs default
	assert_eq "$(stat -c %a "$XDP_BPFFS")" 1777 "mode of the bpffs root"
	local ns
	ns=$(dirname "$(xdp_pin_dir)")
	setpriv --reuid=65534 --regid=65534 --clear-groups sh -c \
		"mkdir -p $ns && chmod 777 $XDP_BPFFS/sonde $XDP_BPFFS/sonde/xdpdrop $ns && ln -s ifindex-1 $(xdp_pin_dir)" ||
		sonde_fail "nobody could not prepare the directories"
	local a
	for a in "--pin --proto udp" --status --detach; do
		# shellcheck disable=SC2086 # the action is words
		xdpdrop_b -i "$XDP_IF" $a
		assert_eq "$status" 3 "exit status of $a"
		assert_eq "$stderr" "xdpdrop: $XDP_BPFFS/sonde belongs to uid 65534 with mode 0777: not using it (a directory of uid 0 that no one else may write in is needed; remove it)"
	done
	assert_no_xdp
	# Ours all the way down but for the last step: a symlink is not followed.
	rm -r "${XDP_BPFFS:?}/sonde"
	(umask 077 && mkdir -p "$ns")
	ln -s /tmp "$(xdp_pin_dir)"
	xdpdrop_b -i "$XDP_IF" --pin --proto udp
	assert_eq "$status" 3 "exit status with a symlink"
	assert_eq "$stderr" "xdpdrop: $ns/$(basename "$(xdp_pin_dir)") is not a directory: not using it"
	rm "$(xdp_pin_dir)"
	xdpdrop_b -i "$XDP_IF" --pin --proto udp
	assert_eq "$status" 0 "--pin once the way is clear ($stderr)"
	assert_eq "$(stat -c '%U %a' "$XDP_BPFFS/sonde" "$XDP_BPFFS/sonde/xdpdrop" "$(xdp_pin_dir)" | sort -u)" "root 700" "owner and mode of the directories"
}

# detached_status WHY: --status says the pinned instance is detached, for WHY
# (exit 1, one line), and --add refuses it.
detached_status() {
	xdpdrop_b -i "$XDP_IF" --status -j
	assert_eq "$status" 1 "--status exit status"
	assert_jq "$output" '.kind == "status" and .state == "detached"'
	assert_one_line "$stderr" "--status stderr"
	[[ $stderr == "xdpdrop: the pinned xdpdrop of $XDP_IF is detached: $1"*"; --detach removes its pins" ]] ||
		sonde_fail "--status stderr: $stderr"
	xdpdrop_b -i "$XDP_IF" --add --proto tcp
	assert_eq "$status" 1 "--add exit status ($stderr)"
}

@test "a pinned instance whose program no longer runs is reported detached (exit 1); --add refuses it" {
	xdp_bpffs
	xdpdrop_b -i "$XDP_IF" --pin --proto udp
	xdpdrop_b -i "$XDP_IF" --status -j
	assert_eq "$status" 0 "--status exit status while attached ($stderr)"
	assert_jq "$output" '.state == "attached"'
	rm "$(xdp_pin_dir)/link"
	assert_no_xdp
	detached_status "its link is no longer pinned"
	xdpdrop_b -i "$XDP_IF" --detach
	assert_eq "$status" 0 "--detach exit status ($stderr)"

	xdpdrop_b -i "$XDP_IF" --pin --proto udp
	xdpdrop_b -i "$XDP_IF" --force -d 1 --proto tcp
	assert_eq "$status" 0 "--force -d 1 exit status ($stderr)"
	assert_no_xdp
	detached_status "its link was detached"
	xdpdrop_b -i "$XDP_IF" --detach

	xdpdrop_b -i "$XDP_IF" --pin --proto udp
	local dir
	dir=$(xdp_pin_dir)
	ip -n "$NS_B" link del "$XDP_IF"
	xdpdrop_b -i "$XDP_IF" --status -j
	assert_eq "$status" 1 "--status exit status, the interface gone"
	assert_eq "$stderr" "xdpdrop: the pinned xdpdrop of $XDP_IF is detached: its interface has gone; --detach removes its pins"
	xdpdrop_b -i "$XDP_IF" --detach
	assert_eq "$status" 0 "--detach exit status, the interface gone ($stderr)"
	[[ ! -e $dir ]] || sonde_fail "$dir is still there"
}

@test "a foreground run whose program is detached ends with an error (exit 1) after its totals" {
	tool_start xdpdrop -i "$XDP_IF" -j -v -I 1 --proto udp
	tool_record_bpf
	((${#TOOL_LINK_IDS[@]} == 1)) || sonde_fail "links held: ${TOOL_LINK_IDS[*]}"
	bpftool link detach id "${TOOL_LINK_IDS[0]}"
	tool_wait_exit "$SONDE_WAIT_S"
	assert_eq "$TOOL_RC" 1 "exit status"
	assert_eq "$(<"$TOOL_ERR")" "xdpdrop: tracing; Ctrl-C to stop
xdpdrop: the XDP program of $XDP_IF was detached: its link was detached (by --force of another xdpdrop, or by bpftool link detach)"
	assert_jq "$(xdp_total)" '.state == "detached"'
	assert_no_xdp
}

# peak_rss_kb ARGS...: run xdpdrop in NS_B (bounded), fail unless it exits
# 0, and print its peak RSS in KB.
peak_rss_kb() {
	local f=$BATS_TEST_TMPDIR/time
	timeout 60 /usr/bin/time -f '%M' -o "$f" "$SONDE_BIN/xdpdrop" "$@" >/dev/null 3>&- ||
		sonde_fail "xdpdrop $*: exit status $?"
	tail -n 1 "$f"
}

# Reading and compiling every rule for each change took 420 MB and seconds
# with a million rules; a change now reads and writes what it concerns.
@test "--add and --del on 200,000 rules touch only what changes: a few MB, not the whole set" {
	require_cmd /usr/bin/time
	xdp_bpffs
	local rules=$BATS_TEST_TMPDIR/rules.txt kb before
	awk 'BEGIN { for (i = 0; i < 200000; i++)
		printf "--src 10.%d.%d.%d\n", int(i / 65536), int(i / 256) % 256, i % 256 }' >"$rules"
	xdpdrop_b -i "$XDP_IF" --pin -f "$rules"
	assert_eq "$status" 0 "--pin exit status ($stderr)"
	kb=$(peak_rss_kb -i "$XDP_IF" --add 'src 198.51.100.7')
	((kb < 16384)) || sonde_fail "--add of a host: ${kb} KB"
	kb=$(peak_rss_kb -i "$XDP_IF" --add 'src 10.1.0.0/16 proto udp')
	((kb < 32768)) || sonde_fail "--add of a /16 over 65,536 hosts: ${kb} KB"
	before=$(b_ip_received)
	xdp_send --src 198.51.100.7 --dst "$B4" -c 1
	xdp_send --src 10.1.2.3 --dst "$B4" --proto tcp -c 1
	xdp_send --src 10.4.0.1 --dst "$B4" --proto tcp -c 1
	wait_received b_ip_received $((before + 1))
	xdpdrop_b -i "$XDP_IF" --status -j
	assert_jq "$output" '.dropped == 2 and ([.rules[] | select(.packets > 0) | .rule] == [66052, 200001])'
	kb=$(peak_rss_kb -i "$XDP_IF" --del 200002)
	((kb < 32768)) || sonde_fail "--del of the /16 by number: ${kb} KB"
	kb=$(peak_rss_kb -i "$XDP_IF" --del 'src 198.51.100.7')
	((kb < 16384)) || sonde_fail "--del of a host: ${kb} KB"
	before=$(b_ip_received)
	xdp_send --src 198.51.100.7 --dst "$B4" -c 1
	xdp_send --src 10.1.2.3 --dst "$B4" --proto udp -c 1
	wait_received b_ip_received $((before + 1))
	xdpdrop_b -i "$XDP_IF" --status -j
	assert_jq "$output" '.dropped == 3 and (.rules | length) == 200000'
}

@test "an interface that runs an XDP program is refused (exit 3) unless --force" {
	tool_start xdpdrop -i "$XDP_IF" --proto udp
	xdpdrop_b -i "$XDP_IF" --proto tcp -d 1
	assert_eq "$status" 3 "exit status"
	assert_match "$stderr" "^xdpdrop: $XDP_IF already runs an XDP program \(id [0-9]+, native mode\); --force replaces it$"
	local before
	before=$(b_ip_received)
	xdp_send --src "$A4" --dst "$B4" --proto tcp -c 1
	wait_received b_ip_received $((before + 1))

	xdp_bpffs
	xdpdrop_b -i "$XDP_IF" --force --pin --proto tcp
	assert_eq "$status" 0 "--force exit status ($stderr)"
	before=$(b_ip_received)
	xdp_send --src "$A4" --dst "$B4" --proto tcp -c 1
	xdp_send --src "$A4" --dst "$B4" --proto udp -c 1
	wait_received b_ip_received $((before + 1))
	xdpdrop_b -i "$XDP_IF" --status -j
	assert_jq "$output" '.packets == 2 and .dropped == 1'
}

@test "bad values exit 2 naming the value, and nothing is attached" {
	local rules=$BATS_TEST_TMPDIR/bad.rules
	printf '%s\n' '--src 192.0.2.0/24' '# fine so far' '--dport 1-2-3' >"$rules"
	local -a cases=(
		"--src 10.0.0.1/8|'10.0.0.1/8' for --src"
		"--dst 2001:db8::/129|'2001:db8::/129' for --dst"
		"--proto tcpp|'tcpp' for --proto"
		"--dport 70000|'70000' for --dport"
		"--sport 9-1|'9-1' for --sport"
		"--proto icmp --dport 7|--sport and --dport need"
		"-f $rules|$rules:3: invalid value '1-2-3' for --dport"
		"-f $BATS_TEST_TMPDIR/none|for -f/--file"
		"-m turbo --proto udp|'turbo' for -m/--mode"
		"-I 0 --proto udp|'0' for -I/--interval"
		"--top x --proto udp|'x' for --top"
		"-p 1 --proto udp|-p/--pid does not apply"
		"--status --detach|exclude each other"
		"--allow|--allow without rules"
		"--add --allow --proto udp|are for attaching"
		"--unparsed maybe --proto udp|'maybe' for --unparsed"
		"--status --unparsed=drop|are for attaching"
	)
	local c args want
	for c in "${cases[@]}"; do
		args=${c%%|*}
		want=${c#*|}
		# shellcheck disable=SC2086 # the cases are words
		xdpdrop_b -i "$XDP_IF" $args
		assert_eq "$status" 2 "exit status of xdpdrop $args"
		assert_one_line "$stderr" "stderr of xdpdrop $args"
		[[ $stderr == *"$want"* ]] || sonde_fail "xdpdrop $args: '$want' not in: $stderr"
	done
	xdpdrop_b -i "$XDP_IF" 'src 192.0.2.1 dport'
	assert_eq "$status" 2 "exit status of a RULE without a value"
	assert_eq "$stderr" "xdpdrop: RULE 'src 192.0.2.1 dport': --dport needs a value"
	xdpdrop_b -i "bad/name" --proto udp
	assert_eq "$status" 2 "exit status of -i bad/name"
	# More rules than rule numbers, --max-rules not given: the limit is named.
	awk 'BEGIN { for (i = 0; i < 1048576; i++)
		printf "--src 10.%d.%d.%d\n", int(i / 65536), int(i / 256) % 256, i % 256 }' >"$rules"
	xdpdrop_b -i "$XDP_IF" -f "$rules"
	assert_eq "$status" 2 "exit status with 1,048,576 rules"
	assert_eq "$stderr" "xdpdrop: 1048576 rules are more than xdpdrop holds (at most 1048575)"
	xdpdrop_b -i "$XDP_IF" -f "$rules" --max-rules 5
	assert_eq "$stderr" "xdpdrop: 1048576 rules do not fit in --max-rules 5"
	assert_no_xdp
}

@test "rules input: a line with a NUL byte is refused; control bytes in messages are escaped" {
	local rules=$BATS_TEST_TMPDIR/nul.rules
	printf 'proto tcp\0 dport 22\n' >"$rules"
	xdpdrop_b -i "$XDP_IF" -d 1 -f "$rules"
	assert_eq "$status" 2 "exit status with a NUL in the rules file"
	assert_eq "$stderr" "xdpdrop: $rules:1: a NUL byte in the line (a rules file is text)"
	assert_no_xdp

	local esc=$'\e'
	xdpdrop_b -i "$XDP_IF" -d 1 --src "${esc}[2J10.0.0.1"
	assert_eq "$status" 2 "exit status of --src with an ESC"
	assert_match "$stderr" "^xdpdrop: invalid value '\\\\x1b\[2J10\.0\.0\.1' for --src: " "message"
	xdpdrop_b -i "$XDP_IF" -d 1 "src 192.0.2.1 ${esc}[31mred"
	assert_eq "$status" 2 "exit status of a RULE with an ESC"
	assert_eq "$stderr" "xdpdrop: RULE 'src 192.0.2.1 \\x1b[31mred': unknown rule word '\\x1b[31mred' (expected --src, --dst, --proto, --sport or --dport)"
	printf 'src 10.0.0.1\n\e]0;title\a 1\n' >"$rules"
	xdpdrop_b -i "$XDP_IF" -d 1 -f "$rules"
	assert_eq "$status" 2 "exit status of a file line with an OSC"
	assert_eq "$stderr" "xdpdrop: $rules:2: unknown rule word '\\x1b]0;title\\x07' (expected --src, --dst, --proto, --sport or --dport)"
	assert_no_xdp
}

@test "an unknown interface, or no pinned instance, exits 3" {
	xdp_bpffs
	xdpdrop_b -i sxdnone$$ --proto udp
	assert_eq "$status" 3 "exit status"
	assert_eq "$stderr" "xdpdrop: no network interface 'sxdnone$$'" "message"
	xdpdrop_b -i "$XDP_IF" --status
	assert_eq "$status" 3 "--status exit status"
	assert_match "$stderr" "^xdpdrop: no pinned xdpdrop for $XDP_IF " "--status message"
	xdpdrop_b -i "$XDP_IF" --add --proto udp
	assert_eq "$status" 3 "--add exit status"
}

@test "xdpdrop -j | head -n1 exits 0 with nothing on stderr" {
	local err=$BATS_TEST_TMPDIR/err out st
	out=$(timeout 20 "$SONDE_BIN/xdpdrop" -i "$XDP_IF" -j --proto udp 2>"$err" | head -n 1
		echo "rc=${PIPESTATUS[*]}")
	st=${out##*rc=}
	assert_eq "$st" "0 0" "exit statuses of xdpdrop and head"
	assert_jq "${out%%$'\n'rc=*}" '.kind == "interval"'
	assert_eq "$(<"$err")" "" "stderr"
	assert_no_xdp
}
