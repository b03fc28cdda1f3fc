# shellcheck shell=bash
# Sourced by scripts/bench and its parts (scripts/bench.d/*.sh): where the
# project and its build are, and the one way every table states a sample.
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
build=${BUILD_DIR:-$top/build}
[[ $build == /* ]] || build=$PWD/$build

# stats DIGITS VALUE...: "median [min–max]" of the values (the median alone
# for one value), DIGITS decimals; returns 1 without values.
stats() {
	local d=$1
	shift
	(($#)) || return 1
	printf '%s\n' "$@" | sort -g | awk -v d="$d" '{ v[NR] = $1 }
		END { m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
		      if (NR == 1) printf "%.*f", d, m
		      else printf "%.*f [%.*f–%.*f]", d, m, d, v[1], d, v[NR] }'
}
