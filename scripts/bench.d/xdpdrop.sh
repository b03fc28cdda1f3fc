#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# xdpdrop's numbers, measured in one run, printed as one markdown section on
# stdout (scripts/bench appends it to docs/performance.md); progress on
# stderr. Root; needs xdp-tools (xdp-filter), nftables and ethtool for the
# peers (a peer that is missing is left out of the table).
#
# 1. Cost per packet, in the kernel, with BPF_PROG_TEST_RUN (bench/xdp_testrun.c):
#    xdpdrop with 1 rule, 10,000 and 100,000 source prefixes, xdp-filter with
#    the same source addresses, and an empty XDP_DROP program (the floor).
# 2. End to end on a veth pair between two namespaces of this script: a
#    sender pinned to CPU 0 floods UDP (tests/bats/xdpsend.c) into the
#    receiving end, whose NAPI threads are pinned to CPU 1, for xdpdrop, a
#    bare XDP_DROP program and an nftables DROP in the raw prerouting chain.
#
#	scripts/bench.d/xdpdrop.sh        # BUILD_DIR (default build/) holds the build
#
# Nothing is attached outside the namespaces it creates; everything it made
# (namespaces, pins, xdp-filter's pins) is removed on exit.
set -euo pipefail

part="xdpdrop bench"
# shellcheck source=scripts/bench.d/common.bash
. "$(dirname "$0")/common.bash"
secs=${XDPDROP_BENCH_SECS:-5}
testrun=$build/bench/xdp_testrun
send=$build/tests/xdpsend
xdpdrop=$build/bin/xdpdrop
ifn=sxb$$
nsa=$ifn-a
nsb=$ifn-b
work=$(mktemp -d /tmp/sonde-bench.XXXXXX)
bpffs_mounted=0
made_xdp_dir=0
filter_loaded=0


cleanup() {
	set +e
	[[ -n ${holder:-} ]] && exec 9>&-
	((filter_loaded)) && nsenter --net="/run/netns/$nsb" xdp-filter unload "$ifn" >/dev/null 2>&1
	nsenter --net="/run/netns/$nsb" "$xdpdrop" --detach -i "$ifn" >/dev/null 2>&1
	ip netns del "$nsa" 2>/dev/null
	ip netns del "$nsb" 2>/dev/null
	((made_xdp_dir)) && rmdir /sys/fs/bpf/xdp 2>/dev/null
	((bpffs_mounted)) && umount /sys/fs/bpf
	rm -rf "$work"
}
trap cleanup EXIT

(($(id -u) == 0)) || die "needs root"
for f in "$testrun" "$xdpdrop"; do
	[[ -x $f ]] || die "$f is not built (cmake -B build && cmake --build build)"
done
# The sender is built with the tests; without it, no end-to-end numbers.
e2e_on=1
[[ -x $send ]] || { e2e_on=0; log "$send is not built (-DSONDE_TESTS=ON): no end-to-end numbers"; }
have() { command -v "$1" >/dev/null; }

# --- the namespaces -----------------------------------------------------------
# veth ends with two queues each (ethtool -L), GRO on at B so that every
# variant is received through B's NAPI, whose threads run on CPU 1.
ip netns add "$nsa"
ip netns add "$nsb"
ip link add "$ifn" netns "$nsa" numtxqueues 2 numrxqueues 2 type veth peer name "$ifn" \
	netns "$nsb" numtxqueues 2 numrxqueues 2
ip netns exec "$nsa" sysctl -qw "net.ipv6.conf.$ifn.disable_ipv6=1"
ip -n "$nsa" link set "$ifn" up
ip -n "$nsb" addr add 192.0.2.2/24 dev "$ifn"
ip -n "$nsb" link set "$ifn" up
if have ethtool; then
	ip netns exec "$nsa" ethtool -L "$ifn" rx 2 tx 2
	ip netns exec "$nsb" ethtool -L "$ifn" rx 2 tx 2
	# GRO, and GRO of forwarded UDP, make veth hand every packet to NAPI.
	ip netns exec "$nsb" ethtool -K "$ifn" gro on rx-udp-gro-forwarding on
fi
mac_b=$(ip netns exec "$nsb" cat "/sys/class/net/$ifn/address")

# --- 1. BPF_PROG_TEST_RUN -----------------------------------------------------
declare -A cost=()
# testrun NAME ARGS...: the four cases of one program into cost[NAME,case].
testrun() {
	local name=$1 case ns verdict
	shift
	while read -r case ns verdict; do
		cost[$name,$case]=$ns
		cost[$name,$case,v]=$verdict
	done < <("$testrun" "$@")
}

log "test runs: empty program, xdpdrop with 1, 10000, 100000 prefixes"
testrun floor --bare
testrun x1 --prefixes 1
testrun x10k --prefixes 10000
testrun x100k --prefixes 100000
testrun x10km --prefixes 10000 --mixed

# xdp-filter drops by exact address (hash maps of 10,000 entries): its rules
# are added one by its own command, the rest straight into its pinned map.
xdp_filter_run() {
	local n=$1 first map=/sys/fs/bpf/xdp-filter/filter_ipv4 id value
	first=$("$testrun" --list 1)
	nsenter --net="/run/netns/$nsb" xdp-filter ip -m src "$first" || return 1
	# The value its command wrote (the bytes of the first CPU's), for the others.
	# shellcheck disable=SC2046 # the address's four bytes, a word each
	value=$(bpftool -j map lookup pinned "$map" key $(tr . ' ' <<<"$first") |
		jq -r '.values[0].value | join(" ")')
	"$testrun" --list "$n" | tail -n +2 | while read -r a; do
		echo "map update pinned $map key $(tr . ' ' <<<"$a") value $value"
	done >"$work/batch"
	[[ ! -s $work/batch ]] || bpftool batch file "$work/batch" >/dev/null || return 1
	id=$(ip -n "$nsb" -j link show dev "$ifn" | jq '.[0].xdp.prog.id // empty')
	[[ -n $id ]] || return 1
	testrun "f$n" --prog-id "$id"
}

if have xdp-filter && [[ ! -e /sys/fs/bpf/xdp-filter ]]; then
	if ! mountpoint -q /sys/fs/bpf; then
		mount -t bpf bpf /sys/fs/bpf && bpffs_mounted=1
	fi
	[[ -e /sys/fs/bpf/xdp ]] || made_xdp_dir=1
	log "test runs: xdp-filter with 1 and 10000 addresses"
	if nsenter --net="/run/netns/$nsb" xdp-filter load -p allow -f ipv4,ipv6,udp,tcp "$ifn" \
		>/dev/null 2>&1; then
		filter_loaded=1
		xdp_filter_run 1 || log "xdp-filter with 1 address failed"
		nsenter --net="/run/netns/$nsb" xdp-filter unload "$ifn" >/dev/null 2>&1
		nsenter --net="/run/netns/$nsb" xdp-filter load -p allow -f ipv4,ipv6,udp,tcp "$ifn" \
			>/dev/null 2>&1
		xdp_filter_run 10000 || log "xdp-filter with 10000 addresses failed"
		nsenter --net="/run/netns/$nsb" xdp-filter unload "$ifn" >/dev/null 2>&1
		filter_loaded=0
	else
		log "xdp-filter would not load; left out"
	fi
else
	log "xdp-filter missing, or someone else's loaded (/sys/fs/bpf/xdp-filter); left out"
fi

# --- 2. end to end on the veth pair -------------------------------------------
# The NAPI threads of B's veth (made when threaded NAPI is turned on).
napi_threads() {
	local p c
	for p in /proc/[0-9]*; do
		read -r c 2>/dev/null <"$p/comm" || continue
		[[ $c == "napi/$ifn"* ]] && echo "${p#/proc/}"
	done
}

# CPU time (ns) of the NAPI threads so far; each is kept on CPU 1.
napi_ns() {
	local p t sum=0
	for p in $(napi_threads); do
		read -r t _ <"/proc/$p/schedstat" && sum=$((sum + t))
		taskset -p 2 "$p" >/dev/null
	done
	echo "$sum"
}

xdp_drops() {
	ip netns exec "$nsb" ethtool -S "$ifn" | awk '/rx_queue_[0-9]+_xdp_drops/ { s += $2 } END { print s + 0 }'
}
xdpdrop_drops() {
	nsenter --net="/run/netns/$nsb" "$xdpdrop" -i "$ifn" --status -j | jq .dropped
}
# nftables counts the packets GRO merged as one: B's veth counts them all,
# and every packet that reaches the stack meets the DROP.
nft_drops() {
	ip netns exec "$nsb" cat "/sys/class/net/$ifn/statistics/rx_packets"
}

declare -A e2e=()
# flood NAME DROPS-FUNCTION: send for $secs seconds; rates and CPU into e2e[NAME,*].
flood() {
	local name=$1 counter=$2 d0 d1 c0 c1 sent t
	d0=$($counter)
	c0=$(napi_ns)
	read -r sent t < <(ip netns exec "$nsa" taskset -c 0 "$send" -i "$ifn" --dmac "$mac_b" \
		--src 192.0.2.1 --dst 192.0.2.2 --proto udp --dport 9 --payload 18 --seconds "$secs")
	c1=$(napi_ns)
	d1=$($counter)
	e2e[$name,sent]=$(awk -v n="$sent" -v t="$t" 'BEGIN { printf "%.2f", n / t / 1e6 }')
	e2e[$name,drop]=$(awk -v n=$((d1 - d0)) -v t="$t" 'BEGIN { printf "%.2f", n / t / 1e6 }')
	e2e[$name,cpu]=$(awk -v c=$((c1 - c0)) -v t="$t" 'BEGIN { printf "%.0f", c / t / 1e7 }')
	e2e[$name,ns]=$(awk -v c=$((c1 - c0)) -v n=$((d1 - d0)) 'BEGIN { printf "%.0f", n ? c / n : 0 }')
}

flood_xdpdrop() {
	log "end to end: xdpdrop (native), ${secs}s"
	nsenter --net="/run/netns/$nsb" "$xdpdrop" -i "$ifn" --pin -m native --proto udp --dport 9
	flood xdpdrop xdpdrop_drops
	nsenter --net="/run/netns/$nsb" "$xdpdrop" -i "$ifn" --detach
}

# The bare program stays attached while this script holds the FIFO open.
flood_bare() {
	local i
	log "end to end: bare XDP_DROP (native), ${secs}s"
	mkfifo "$work/hold"
	ip netns exec "$nsb" "$testrun" --attach-drop "$ifn" <"$work/hold" >"$work/bare.out" &
	exec 9>"$work/hold"
	holder=$!
	for ((i = 0; i < 100; i++)); do
		[[ -s $work/bare.out ]] && break
		sleep 0.05
	done
	flood bare xdp_drops
	exec 9>&-
	wait "$holder" || true
	holder=
}

flood_nft() {
	log "end to end: nftables raw DROP, ${secs}s"
	ip netns exec "$nsb" nft -f - <<-EOF
		table inet sxbench {
			chain raw {
				type filter hook prerouting priority raw;
				udp dport 9 counter drop
			}
		}
	EOF
	flood nft nft_drops
	ip netns exec "$nsb" nft delete table inet sxbench
}

if ((e2e_on)); then
	ip netns exec "$nsb" sh -c "echo 1 >/sys/class/net/$ifn/threaded"
	[[ -n $(napi_threads) ]] || die "no NAPI threads for $ifn"
	flood_xdpdrop
	flood_bare
	if have nft; then
		flood_nft
	fi
fi

# --- the section ----------------------------------------------------------------
cell() { echo "${cost[$1,$2]:-n/a}"; }
ratio() { awk -v a="${cost[$1,match]:-0}" -v b="${cost[x1,match]:-0}" 'BEGIN { if (a && b) printf "%.2f×", a / b; else print "n/a" }'; }
row() { # LABEL KEY
	printf '| %s | %s | %s | %s | %s | %s |\n' "$1" "$(cell "$2" match)" "$(cell "$2" nomatch)" \
		"$(cell "$2" ipv6)" "$(cell "$2" vlan)" "$(ratio "$2")"
}
erow() { # LABEL KEY
	[[ -n ${e2e[$2,sent]:-} ]] || return 0
	printf '| %s | %s | %s | %s %% | %s |\n' "$1" "${e2e[$2,sent]}" "${e2e[$2,drop]}" \
		"${e2e[$2,cpu]}" "${e2e[$2,ns]}"
}

cat <<EOF
## xdpdrop

Measured $(date -u +%Y-%m-%d) in one run of \`scripts/bench.d/xdpdrop.sh\` on Linux
$(uname -r), $(nproc) CPUs ($(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)).

\`\`\`
# cost per packet in the kernel: BPF_PROG_TEST_RUN, 1,000,000 repeats, lowest of 5 runs
build/bench/xdp_testrun --bare
build/bench/xdp_testrun --prefixes N [--mixed]      # N rules of one --src prefix each
xdp-filter load -p allow -f ipv4,ipv6,udp,tcp IFACE
xdp-filter ip -m src ADDR                           # N addresses, the same as xdpdrop's
build/bench/xdp_testrun --prog-id <xdp-filter's program>
# end to end: veth pair, sender on CPU 0, B's NAPI threads on CPU 1, ${secs} s each
xdpsend -i IFACE --dmac MAC --src 192.0.2.1 --dst 192.0.2.2 --proto udp --dport 9 --seconds ${secs}
xdpdrop -i IFACE --pin -m native --proto udp --dport 9
xdp_testrun --attach-drop IFACE                     # bare XDP_DROP, native
nft: table inet { chain raw { type filter hook prerouting priority raw; udp dport 9 counter drop } }
\`\`\`

Nanoseconds per packet (a matching IPv4 UDP packet, one that matches
nothing, IPv6, and a matching packet in a VLAN tag); the last column is the
matching packet against xdpdrop with one rule. Prefixes are random IPv4
/32s (hosts, as xdp-filter takes them), or lengths from /16 to /32 (mixed).

| program | match | no match | IPv6 | VLAN | match vs 1 rule |
| --- | ---: | ---: | ---: | ---: | ---: |
$(row "empty XDP_DROP program (floor)" floor)
$(row "xdpdrop, 1 rule" x1)
$(row "xdpdrop, 10,000 /32 prefixes" x10k)
$(row "xdpdrop, 100,000 /32 prefixes" x100k)
$(row "xdpdrop, 10,000 mixed prefixes" x10km)
$(row "xdp-filter, 1 address" f1)
$(row "xdp-filter, 10,000 addresses" f10000)
| xdp-filter, 100,000 addresses | n/a | n/a | n/a | n/a | its map holds 10,000 |

End to end on the veth path: what the sender got through, what was dropped,
and the CPU time of the receiving end's NAPI threads (where XDP, or the stack
and nftables, run), as a share of one CPU and per dropped packet. On veth the
packet is already an skb when XDP runs, so the three are close; the numbers
vary by 20-30% from run to run on a shared machine.

| program | sent (Mpps) | dropped (Mpps) | receiver CPU | receiver ns/packet |
| --- | ---: | ---: | ---: | ---: |
$(erow "xdpdrop, native" xdpdrop)
$(erow "bare XDP_DROP, native" bare)
$(erow "nftables raw DROP" nft)
$( ((e2e_on)) || echo "| not measured: tests/xdpsend is built with -DSONDE_TESTS=ON | | | | |")
EOF
