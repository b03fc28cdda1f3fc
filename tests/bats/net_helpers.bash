# Network namespaces for the tests of the network tools (tcpconnect,
# tcpaccept, tcplife, tcpretrans, tcpdrop, bindsnoop), loaded after helpers:
#
#	load helpers
#	load net_helpers
#	setup()    { require_tool tcpconnect; netns_pair; }
#	teardown() { sonde_teardown; netns_teardown; }
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
# has stopped the processes in them).
netns_teardown() {
	local ns
	for ns in "${SONDE_NETNS[@]}"; do
		ip netns del "$ns" 2>/dev/null || true
	done
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
