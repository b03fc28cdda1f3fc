# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# Two network namespaces for the xdpdrop tests, loaded after helpers:
#
#	load helpers
#	load xdp_helpers
#	setup()    { xdp_pair; }
#	teardown() { sonde_teardown; xdp_teardown; }
#
# xdp_pair makes this test's namespaces NS_A (the sender) and NS_B (the
# receiver), joined by a veth pair named $XDP_IF at both ends; xdpdrop is only
# ever attached to NS_B's end. NS_A's end has IPv6 turned off and no address,
# so that it sends nothing by itself: every frame B's end receives is one that
# xdp_send made (exact counts). B has 192.0.2.2/24 and fd00:5e::2/64, and
# static neighbour entries for 192.0.2.1 and fd00:5e::1 (A), so its replies
# need no ARP or neighbour discovery. xdp_teardown deletes the namespaces
# (and with them the veths) and removes the pins of $XDP_IF, if any.
#
# A test that pins calls xdp_bpffs first: a BPF file system of its own,
# which the xdpdrop it runs pins in (SONDE_BPFFS) and xdp_teardown unmounts.
# A test of the default pin root (/sys/fs/bpf) does not; xdp_teardown then
# detaches what xdpdrop pinned there for $XDP_IF, in either namespace.
#
# The tool runs inside NS_B: tool_start finds it through $SONDE_BIN, which
# xdp_pair points to a directory holding a wrapper that enters NS_B (nsenter
# keeps the mount namespace, so bpffs pins are the host's) and execs the
# real binary, so $TOOL_PID is xdpdrop itself.

B4=192.0.2.2
A4=192.0.2.1
B6=fd00:5e::2
A6=fd00:5e::1
XDP_NS=()
XDP_IF=
XDP_REAL_BIN=
XDP_BPFFS=

# xdp_pair: this test's namespaces and veth pair (see above).
xdp_pair() {
	require_root
	require_cmd ip nsenter jq bpftool
	XDPSEND=${SONDE_BUILD:-$BATS_TEST_DIRNAME/../../build}/tests/xdpsend
	[[ -x $XDPSEND ]] || _sonde_cannot_run "$XDPSEND is not built (set SONDE_BUILD)"
	XDP_REAL_BIN=${XDP_REAL_BIN:-$(cd "$SONDE_BIN" && pwd)}
	require_bpf xdpdrop
	# Unique per run and test: the pin directory is named after it.
	XDP_IF=sxd$$t$BATS_TEST_NUMBER
	NS_A=$XDP_IF-a
	NS_B=$XDP_IF-b
	ip netns add "$NS_A" || return 1
	XDP_NS+=("$NS_A")
	ip netns add "$NS_B" || return 1
	XDP_NS+=("$NS_B")
	ip link add "$XDP_IF" netns "$NS_A" type veth peer name "$XDP_IF" netns "$NS_B" || return 1
	ip netns exec "$NS_A" sysctl -qw "net.ipv6.conf.$XDP_IF.disable_ipv6=1" || return 1
	ip -n "$NS_A" link set "$XDP_IF" up &&
		ip -n "$NS_B" link set lo up &&
		ip -n "$NS_B" addr add "$B4/24" dev "$XDP_IF" &&
		ip -n "$NS_B" addr add "$B6/64" dev "$XDP_IF" nodad &&
		ip -n "$NS_B" link set "$XDP_IF" up || return 1
	MAC_A=$(ip netns exec "$NS_A" cat "/sys/class/net/$XDP_IF/address")
	MAC_B=$(ip netns exec "$NS_B" cat "/sys/class/net/$XDP_IF/address")
	ip -n "$NS_B" neigh replace "$A4" lladdr "$MAC_A" dev "$XDP_IF" nud permanent &&
		ip -n "$NS_B" neigh replace "$A6" lladdr "$MAC_A" dev "$XDP_IF" nud permanent || return 1
	_xdp_wrapper
}

# The tools dir tool_start uses: a wrapper running xdpdrop inside NS_B.
_xdp_wrapper() {
	local dir=$BATS_TEST_TMPDIR/bin
	mkdir -p "$dir"
	printf '#!/bin/sh\nexec nsenter --net=/run/netns/%s %s/xdpdrop "$@"\n' \
		"$NS_B" "$XDP_REAL_BIN" >"$dir/xdpdrop"
	chmod +x "$dir/xdpdrop"
	SONDE_BIN=$dir
}

# xdp_teardown: remove this test's pins and namespaces.
xdp_teardown() {
	local ns
	for ns in "${XDP_NS[@]}"; do
		SONDE_BPFFS='' nsenter --net=/run/netns/"$ns" "$XDP_REAL_BIN/xdpdrop" --detach \
			-i "$XDP_IF" >/dev/null 2>&1 || true
	done
	# Unmounted, the file system takes what is pinned in it along.
	if [[ -n $XDP_BPFFS ]]; then
		umount "$XDP_BPFFS" && rmdir "$XDP_BPFFS"
		XDP_BPFFS=
		unset SONDE_BPFFS
	fi
	netns_del "${XDP_NS[@]}"
	XDP_NS=()
}

# xdp_bpffs [default]: mount a BPF file system of this test's own (mode
# 0700; with "default", the kernel's mode, 1777) in a fresh directory that
# others may enter, and make it the pin root of the xdpdrop the test runs.
xdp_bpffs() {
	local opts=(-o mode=0700)
	[[ ${1:-} == default ]] && opts=()
	XDP_BPFFS=$(mktemp -d /tmp/sonde-bpffs.XXXXXX) || return 1
	chmod 755 "$XDP_BPFFS"
	mount -t bpf "${opts[@]}" bpf "$XDP_BPFFS" || return 1
	export SONDE_BPFFS=$XDP_BPFFS
}

# xdp_pin_dir [NS]: where xdpdrop pins for $XDP_IF of namespace NS (NS_B).
xdp_pin_dir() {
	local ns=${1:-$NS_B} idx
	idx=$(ip netns exec "$ns" cat "/sys/class/net/$XDP_IF/ifindex")
	printf '%s/sonde/xdpdrop/netns-%s/ifindex-%s\n' "${SONDE_BPFFS:-/sys/fs/bpf}" \
		"$(stat -L -c %i "/run/netns/$ns")" "$idx"
}

# xdp_send ARGS...: frames from NS_A to B's end (tests/bats/xdpsend.c):
# e.g. xdp_send --src 192.0.2.1 --dst 192.0.2.2 --proto udp --dport 53 -c 5.
xdp_send() {
	ip netns exec "$NS_A" "$XDPSEND" -i "$XDP_IF" --dmac "$MAC_B" "$@"
}

# xdpdrop_b ARGS...: run xdpdrop in NS_B in the foreground (for pinned
# instances), bounded; sets $status, $output and $stderr like tool_run_bounded.
xdpdrop_b() {
	tool_run_bounded 20 xdpdrop "$@"
}

# b_ip_received: IPv4 packets that reached B's IP layer (Ip InReceives).
b_ip_received() {
	ip netns exec "$NS_B" awk '/^Ip: [0-9]/ { print $4 }' /proc/net/snmp
}

# b_ip6_received: IPv6 packets that reached B's IP layer on its veth.
b_ip6_received() {
	ip netns exec "$NS_B" awk '$1 == "Ip6InReceives" { print $2 }' "/proc/net/dev_snmp6/$XDP_IF"
}

# wait_received COUNTER N: bounded wait until the counter (b_ip_received or
# b_ip6_received) reaches N.
wait_received() {
	local counter=$1 n=$2 start=$EPOCHREALTIME v
	while :; do
		v=$("$counter")
		((v >= n)) && return 0
		if _sonde_deadline_passed "$start" "$SONDE_WAIT_S"; then
			sonde_fail "$counter: $v packets after ${SONDE_WAIT_S}s, expected $n"
			return 1
		fi
		sonde_nap
	done
}

# xdp_total: the "total" JSON row the tool printed at its end.
xdp_total() {
	jq -c 'select(.kind == "total")' "$TOOL_OUT"
}

# assert_no_xdp: B's end runs no XDP program.
assert_no_xdp() {
	local line
	line=$(ip -n "$NS_B" -d link show dev "$XDP_IF")
	[[ $line != *"prog/xdp"* ]] || {
		sonde_fail "$XDP_IF still runs an XDP program:" "$line"
		return 1
	}
}
