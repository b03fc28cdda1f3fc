# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# Network namespaces for the tests of the network tools (tcpconnect,
# tcpaccept, tcplife, tcpretrans, tcpdrop, bindsnoop), loaded after helpers:
#
#	load helpers
#	load net_helpers
#	setup()    { net_setup tcpconnect; }   # the namespaces, and PORT
#	teardown() { net_teardown; }
#
# netns_pair makes two namespaces of this test, joined by a veth pair created
# inside them (nothing is made or attached in the root namespace):
#   NS_SRV  192.0.2.1/24  fd00:5e::1/64   (TEST-NET-1 and a ULA prefix, used
#   NS_CLI  192.0.2.2/24  fd00:5e::2/64    only between these two)
# Traffic stays between them; the tools trace from the root namespace, which
# sees every namespace. netns_teardown deletes them (and so the veths).

SRV4=192.0.2.1
CLI4=192.0.2.2
SRV6=fd00:5e::1
CLI6=fd00:5e::2

SONDE_NETNS=()

# net_setup TOOL [CMD...]: the tool is built, jq, bpftool, socat and the
# CMDs are installed, the namespaces are made (netns_pair) and PORT is a port
# for this test.
net_setup() {
	local tool=$1
	shift
	require_tool "$tool"
	require_cmd jq bpftool socat "$@"
	netns_pair
	# shellcheck disable=SC2034 # the tests' port
	PORT=$(test_port)
}

# The helpers of tests/helpers: one that fills a tracer's tables as an
# unprivileged user could (sockflood.c).
SONDE_BUILD=${SONDE_BUILD:-$BATS_TEST_DIRNAME/../../build}
SOCKFLOOD=$SONDE_BUILD/tests/sockflood

# require_sockflood: it is built (same policy as require_tool).
require_sockflood() {
	[[ -x $SOCKFLOOD ]] || _sonde_cannot_run "$SOCKFLOOD is not built (set SONDE_BUILD)"
}

# One request through io_uring (tests/helpers/uring.c).
URING=$SONDE_BUILD/tests/uring

# require_uring: it is built (same policy as require_tool).
require_uring() {
	[[ -x $URING ]] || _sonde_cannot_run "$URING is not built (set SONDE_BUILD)"
}

# A command prefix whose TCP connects the kernel refuses before a SYN
# (tests/helpers/denyconnect.c): "$DENYCONNECT" cgroup DIR CMD... or
# "$DENYCONNECT" landlock CMD...
DENYCONNECT=$SONDE_BUILD/tests/denyconnect

# require_denyconnect: it is built (same policy as require_tool).
require_denyconnect() {
	[[ -x $DENYCONNECT ]] || _sonde_cannot_run "$DENYCONNECT is not built (set SONDE_BUILD)"
}

# A command prefix: what follows runs as the unprivileged user 65534, without
# groups or capabilities ("${AS_NOBODY[@]}" CMD...).
AS_NOBODY=(setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all)

# flood NS listen|accept N: in namespace NS, processes of user 65534
# (FLOOD_PID: sockflood itself, through the execs; its children hold the
# sockets, at most 1000 each) hold N TCP listeners on 127.0.0.1, which never
# accept, or N accepted connections over it, until flood_release. Waits (bounded) until they are all there; after listen,
# FLOOD_PORT is the first listener's port.
flood() {
	local ns=$1 what=$2 n=$3 out=$BATS_TEST_TMPDIR/flood.out start=$EPOCHREALTIME
	require_sockflood
	: >"$out"
	ip netns exec "$ns" "${AS_NOBODY[@]}" "$SOCKFLOOD" "$what" "$n" </dev/null >"$out" 3>&- &
	FLOOD_PID=$!
	sonde_track_pid "$FLOOD_PID"
	until [[ $(<"$out") == [a-z]*" $n"* ]]; do
		if ! sonde_pid_alive "$FLOOD_PID" || _sonde_deadline_passed "$start" 30; then
			sonde_fail "sockflood $what $n did not finish"
			return 1
		fi
		sonde_nap
	done
	FLOOD_PORT=$(sed -n 's/^listening [0-9]* //p' "$out")
}

# flood_release: what flood holds is closed (its processes end).
flood_release() {
	kill -s TERM "$FLOOD_PID" 2>/dev/null || true
	wait "$FLOOD_PID" 2>/dev/null || true
}

# net_teardown: stop what the test started, then delete its namespaces.
net_teardown() {
	sonde_teardown
	netns_teardown
}

# netns_pair: create NS_SRV and NS_CLI, joined by veth "sonde0" in each.
netns_pair() {
	require_root
	require_cmd ip ss
	NS_SRV=sonde-$BATS_TEST_NUMBER-$$-srv
	NS_CLI=sonde-$BATS_TEST_NUMBER-$$-cli
	ip netns add "$NS_SRV" || return 1
	SONDE_NETNS+=("$NS_SRV")
	ip netns add "$NS_CLI" || return 1
	SONDE_NETNS+=("$NS_CLI")
	ip link add sonde0 netns "$NS_SRV" type veth peer name sonde0 netns "$NS_CLI" || return 1
	_netns_up "$NS_SRV" "$SRV4" "$SRV6" && _netns_up "$NS_CLI" "$CLI4" "$CLI6"
}

_netns_up() {
	ip -n "$1" link set lo up &&
		ip -n "$1" addr add "$2/24" dev sonde0 &&
		ip -n "$1" addr add "$3/64" dev sonde0 nodad &&
		ip -n "$1" link set sonde0 up
}

# netns_teardown: delete the namespaces this test made (after sonde_teardown
# has stopped the processes it tracks).
netns_teardown() {
	netns_del "${SONDE_NETNS[@]}"
	SONDE_NETNS=()
}

# test_port: a port for this test (the namespaces are private, so any will do).
test_port() {
	echo $((20000 + RANDOM % 20000))
}

# srv_start PORT CMD...: run CMD in NS_SRV in the background (its PID in
# SRV_PID: `ip netns exec` execs it) and wait (bounded) until a TCP socket
# listens on PORT there.
srv_start() {
	local port=$1
	shift
	ip netns exec "$NS_SRV" "$@" 3>&- &
	SRV_PID=$!
	sonde_track_pid "$SRV_PID"
	wait_listening "$NS_SRV" "$port"
}

# wait_listening NS PORT: bounded wait for a TCP listener on PORT in NS.
wait_listening() {
	local ns=$1 port=$2 start=$EPOCHREALTIME
	until [[ -n $(ip netns exec "$ns" ss -Hltn "sport = :$port") ]]; do
		if _sonde_deadline_passed "$start" "$SONDE_WAIT_S"; then
			sonde_fail "nothing listens on port $port in $ns after ${SONDE_WAIT_S}s"
			return 1
		fi
		sonde_nap
	done
}

# wait_established NS PORT: a connection to PORT is established in NS. Bounded.
wait_established() {
	local start=$EPOCHREALTIME
	until [[ -n $(ip netns exec "$1" ss -Htn state established "dport = :$2") ]]; do
		if _sonde_deadline_passed "$start" "$SONDE_WAIT_S"; then
			sonde_fail "no connection to port $2 established in $1"
			return 1
		fi
		sonde_nap
	done
}

# cli_run CMD...: run CMD in NS_CLI, in the background, and wait for it; its
# PID (CMD's own: `ip netns exec` execs it) in CLI_PID, its status returned.
# CMD must end by itself (socat with connect-timeout, a bounded loop).
cli_run() {
	ip netns exec "$NS_CLI" "$@" 3>&- &
	CLI_PID=$!
	sonde_track_pid "$CLI_PID"
	wait "$CLI_PID"
}

# cli_connect ADDR PORT: one TCP connection from NS_CLI that sends nothing
# (socat; the connection is closed at once). ADDR may be IPv6.
cli_connect() {
	local addr=$1
	[[ $addr == *:* ]] && addr="[$addr]"
	cli_run socat -u OPEN:/dev/null "TCP:$addr:$2,connect-timeout=5"
}

# cli_sender ADDR PORT [CMD-PREFIX...]: in the background, a client in
# NS_CLI (bash, CLI_PID, run through CMD-PREFIX, e.g. setpriv) that connects
# to ADDR:PORT, sends 3000 bytes and stays connected for up to 20 s (until
# teardown), inside the cgroup CLIENT_CGROUP when that is set.
cli_sender() {
	local addr=$1 port=$2
	shift 2
	(
		[[ -z ${CLIENT_CGROUP:-} ]] || echo "$BASHPID" >"$CLIENT_CGROUP/cgroup.procs"
		# shellcheck disable=SC2016 # expanded by the client's bash
		exec ip netns exec "$NS_CLI" "$@" bash -c \
			'exec 3<>"/dev/tcp/$0/$1" && printf "%03000d" 0 >&3 && read -r -t 20 _ <&3' \
			"$addr" "$port"
	) 3>&- &
	CLI_PID=$!
	sonde_track_pid "$CLI_PID"
}

# serve PORT [LISTEN-TYPE [OPTIONS]]: a server in NS_SRV (SRV_PID) that
# accepts connections on PORT one after another and discards what they send.
# LISTEN-TYPE is socat's (TCP-LISTEN by default, TCP6-LISTEN); OPTIONS are
# more socat options (ipv6only=0).
serve() {
	srv_start "$1" socat -u "${2:-TCP-LISTEN}:$1,reuseaddr,fork${3:+,$3}" OPEN:/dev/null
}

# json_lport PORT / json_rport PORT: the tool's JSON events whose local
# (remote) port is PORT, one a line; json_dport PORT: those of a packet's
# destination port (tcpdrop).
json_lport() {
	jq -c --argjson p "$1" 'select(.lport == $p)' "$TOOL_OUT"
}

json_rport() {
	jq -c --argjson p "$1" 'select(.rport == $p)' "$TOOL_OUT"
}

json_dport() {
	jq -c --argjson p "$1" 'select(.dport == $p)' "$TOOL_OUT"
}

# json_one KEY PORT WHAT: the tool's one JSON event whose port KEY (lport,
# rport; a packet's sport, dport) is PORT, in EV; fails unless there is
# exactly one (WHAT names them).
json_one() {
	one_event ".$1 == \$p" "$3" --argjson p "$2"
}

# json_first KEY PORT FILTER [JQ-ARGS...]: the first JSON event whose
# port KEY is PORT and for which the jq FILTER is true, in EV.
json_first() {
	local key=$1 port=$2 filter=$3
	shift 3
	EV=$(jq -c --argjson port "$port" "select(.$key == \$port and ($filter))" "$@" "$TOOL_OUT" |
		head -n 1)
}

# nft_drop NS RULE...: in namespace NS, drop the packets that match RULE (nft
# syntax, e.g. "tcp dport 80"), on input and on output, until nft_undrop NS
# (or the namespace goes away). The rules live in a table of this test.
nft_drop() {
	local ns=$1
	shift
	ip netns exec "$ns" nft -f - <<-EOF
		table inet sonde_test {
			chain input { type filter hook input priority 0; $* counter drop; }
			chain output { type filter hook output priority 0; $* counter drop; }
		}
	EOF
}

# wait_nft_drops NS N: the rules of nft_drop in NS have dropped N packets
# since they were made. Bounded.
wait_nft_drops() {
	local start=$EPOCHREALTIME n
	while :; do
		n=$(ip netns exec "$1" nft -j list table inet sonde_test |
			jq '[.nftables[].rule.expr[]?.counter.packets // empty] | add')
		((n >= $2)) && return 0
		if _sonde_deadline_passed "$start" "$SONDE_WAIT_S"; then
			sonde_fail "nft in $1 dropped $n packets, not $2"
			return 1
		fi
		sonde_nap 0.05
	done
}

nft_undrop() {
	ip netns exec "$1" nft delete table inet sonde_test
}
