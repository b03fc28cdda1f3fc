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
# A program without libc, every function of which keeps a frame pointer
# (tests/helpers/fpchain.c): start -> a -> b -> c -> spin.
FPCHAIN=$SONDE_BUILD/tests/fpchain
# C++ (tests/helpers/cxxchain.cc): main -> shop::Till::ring(int) ->
# shop::Basket<long>::weigh(long), with shop::tally inlined into it.
CXXCHAIN=$SONDE_BUILD/tests/cxxchain

# require_stackchain: the workloads are built (same policy as require_tool).
require_stackchain() {
	[[ -x $STACKCHAIN_FP && -x $STACKCHAIN_NOFP && -x $FPCHAIN && -x $CXXCHAIN ]] ||
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

# The chain of the qsort workload, outermost first, to its leaf: main, a, b,
# c, then libc's qsort and whatever libc calls it through, then cmp and spin.
QSORT_CHAIN='main;a;b;c;[^;]*qsort[^;]*;([^;]+;)*cmp;spin'

# perf_chain_share DATA COMM LEAF CHAIN: chain_share for the samples `perf
# record --call-graph dwarf` wrote to DATA, read by `perf script` (the
# frames of inlined functions left out: sonde shows a function's frame).
perf_chain_share() {
	perf script -i "$1" -F comm,ip,sym 2>/dev/null | awk -v comm="$2" -v leaf="$3" -v re="^(.*;)?$4\$" '
		function flush(   s, i) {
			if (n && c == comm && f[1] == leaf) {
				of++
				s = f[n]
				for (i = n - 1; i >= 1; i--)
					s = s ";" f[i]
				if (s ~ re)
					with++
			}
			n = 0
		}
		/^[^ \t]/ { flush(); c = $1; next }
		/\(inlined\)/ || NF < 2 { next }
		{ f[++n] = $2 }
		END { flush(); print with + 0, of + 0 }'
}
