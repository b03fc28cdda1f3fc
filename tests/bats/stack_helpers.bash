# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# Helpers for the tests of the stack tools (profile, offcputime), loaded
# after helpers:
#
#	load helpers
#	load stack_helpers
#	setup()    { require_tool profile; require_stackchain; }
#	teardown() { sonde_teardown; }
#
# The workload is tests/helpers/stackchain (built with the tests, with
# frame pointers as stackchain_fp and without as stackchain_nofp): a known
# chain main -> a -> b -> c -> ..., on the CPU or asleep.

SONDE_BUILD=${SONDE_BUILD:-$BATS_TEST_DIRNAME/../../build}
STACKCHAIN_FP=$SONDE_BUILD/tests/stackchain_fp
STACKCHAIN_NOFP=$SONDE_BUILD/tests/stackchain_nofp

# require_stackchain: the workload is built (same policy as require_tool).
require_stackchain() {
	[[ -x $STACKCHAIN_FP && -x $STACKCHAIN_NOFP ]] ||
		_sonde_cannot_run "$STACKCHAIN_FP is not built (set SONDE_BUILD)"
}

# folded_total REGEX [FILE]: the sum of the totals of the folded lines
# (default: the tool's stdout) whose stack (the line without its total)
# matches the extended regular expression REGEX.
folded_total() {
	awk -v re="$1" '{ n = $NF; sub(/ [0-9]+$/, ""); if ($0 ~ re) t += n } END { print t + 0 }' \
		"${2:-$TOOL_OUT}"
}

# chain_share COMM LEAF CHAIN [FILE]: of the samples of COMM whose innermost
# frame is LEAF, how many show CHAIN (";"-separated frames, outermost first,
# ending at LEAF) right above main; prints "WITH OF".
chain_share() {
	local comm=$1 leaf=$2 chain=$3 file=${4:-$TOOL_OUT}
	echo "$(folded_total "^$comm;(.*;)?$chain\$" "$file") $(folded_total "^$comm;(.*;)?$leaf\$" "$file")"
}

# assert_chain_share COMM LEAF CHAIN PERCENT [FILE]: chain_share's WITH is at
# least PERCENT % of OF, and OF is not 0.
assert_chain_share() {
	local with of
	read -r with of < <(chain_share "$1" "$2" "$3" "${5:-$TOOL_OUT}")
	((of > 0)) || sonde_fail "no sample of $1 ends in $2:" "$(cat "${5:-$TOOL_OUT}")"
	((with * 100 >= of * $4)) ||
		sonde_fail "$with of $of samples of $1 in $2 show $3 (less than $4 %):" \
			"$(grep -F "$1;" "${5:-$TOOL_OUT}")"
}
