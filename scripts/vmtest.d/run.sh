# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# shellcheck shell=sh
# run.sh TOOL...: run check_TOOL (checks.sh) for each TOOL, each in its own
# shell bounded by VMT_CHECK_SECS (TOOL@perfbuf: the same check with
# SONDE_OUTPUT=perfbuf, events through a perf buffer); print one line per tool,
#   VMTEST PASS TOOL   or   VMTEST FAIL TOOL: WHY
# With VMT_PHASE=hidden_btf (the kernel's BTF hidden by /init), it runs
# check_hidden_btf TOOL instead, and the lines name TOOL as "TOOL/hidden_btf".
# Exits 1 if any check failed. The caller prints VMTEST DONE after it.
# Run by busybox sh: inside the VM by /init, on the host by scripts/vmtest --host.
# Environment: VMT_BIN (directory of the tools), VMT_WORK (scratch directory),
# VMT_HELPERS (directory of test workload programs such as uring; optional).
here=$(cd "$(dirname "$0")" && pwd)
: "${VMT_BIN:?}" "${VMT_WORK:?}"
: "${VMT_CHECK_SECS:=90}"
: "${VMT_HELPERS:=}"
: "${VMT_PHASE:=}"
export VMT_BIN VMT_HELPERS VMT_MIN_BTF VMT_BTF_ALONE VMT_BTF_TWINS

# shellcheck source=scripts/vmtest.d/checks.sh
. "$here/checks.sh"

failed=0
for tool in "$@"; do
	name=${tool%@*}
	check=check_$name label=$tool
	if [ -n "$VMT_PHASE" ]; then
		check="check_$VMT_PHASE $name" label=$tool/$VMT_PHASE
	fi
	VMT_DIR=$VMT_WORK/$label
	VMT_REASON=$VMT_DIR/reason
	export VMT_DIR VMT_REASON
	rm -rf "$VMT_DIR"
	mkdir -p "$VMT_DIR"
	start=$(now_cs)
	case $tool in
	*@perfbuf) export SONDE_OUTPUT=perfbuf ;;
	*) unset SONDE_OUTPUT ;;
	esac
	if [ ! -x "$VMT_BIN/$name" ]; then
		echo "no executable $tool in the tool directory" >"$VMT_REASON"
	elif ! command -v "check_$name" >/dev/null; then
		echo "no check_$name in scripts/vmtest.d/checks.sh" >"$VMT_REASON"
	else
		# shellcheck disable=SC2016 # expanded by the inner sh
		timeout -s KILL "$VMT_CHECK_SECS" sh -c '. "$1" && $2' sh "$here/checks.sh" "$check"
		rc=$?
		if [ "$rc" = 0 ] && [ "$name" != "$tool" ] &&
			! grep -q "^$name: events through a perf buffer" "$VMT_DIR"/*.err; then
			echo "no -v run said 'events through a perf buffer'" >"$VMT_REASON"
			rc=1
		fi
		if [ "$rc" = 0 ]; then
			rm -f "$VMT_REASON"
		elif [ ! -s "$VMT_REASON" ]; then
			echo "$check exited with status $rc (killed after ${VMT_CHECK_SECS}s?) without a reason" >"$VMT_REASON"
		fi
	fi
	end=$(now_cs)
	if [ -e "$VMT_REASON" ]; then
		failed=1
		echo "VMTEST FAIL $label: $(head -n 1 "$VMT_REASON")"
	else
		echo "VMTEST PASS $label"
	fi
	# The hooks the tool attached in its -v runs ("attached SECTION" lines).
	_hooks=$(cat "$VMT_DIR"/*.err 2>/dev/null | sed -n "s/^$name: attached \([a-z_]*\/[^ ]*\).*/\1/p" |
		sort -u | tr '\n' ' ')
	echo "VMTEST HOOKS $label: ${_hooks:-none seen (no -v run)}"
	cs=$((end - start))
	echo "VMTEST INFO $label check took $((cs / 100)).$((cs / 10 % 10))s"
done
exit "$failed"
