# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# Helpers shared by the tests of the tools that trace syscalls naming a path
# (opensnoop.bats, statsnoop.bats). Load after helpers:
#
#	load helpers
#	load path_helpers

# A file name with a newline, a CSI escape sequence and a byte of invalid
# UTF-8, and how each output writes it.
HOSTILE_NAME=$'-nl\nx-\e[31mred-\xff'
HOSTILE_TEXT='-nl\x0ax-\x1b[31mred-\xff'
HOSTILE_JSON=$'-nl\nx-\e[31mred-\xc3\xbf'

# path_setup TOOL: what every test starts from: the tool is built, the
# commands the tests use are there, and a marker file MFILE (named MARK) in
# the test's own directory DIR, whose physical path is DIR too.
path_setup() {
	require_tool "$1"
	require_cmd jq bpftool setpriv timeout python3
	MARK=sonde-marker-$$-$BATS_TEST_NUMBER-$RANDOM
	DIR=$(cd "$BATS_TEST_TMPDIR" && pwd -P)
	MFILE=$DIR/$MARK
	: >"$MFILE"
}

# long_path LEN: a path of LEN bytes under DIR, in components of at most 200
# bytes (so that only its length can make the kernel refuse it).
long_path() {
	local p=$DIR/$MARK-long seg
	printf -v seg '%*s' 199 ''
	seg=/${seg// /y}
	while ((${#p} + ${#seg} <= $1)); do
		p+=$seg
	done
	printf -v seg '%*s' $(($1 - ${#p} - 1)) ''
	printf '%s\n' "$p/${seg// /z}"
}
