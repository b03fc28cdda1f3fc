#!/bin/sh
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# variants.sh SRC_PIE SRC_BUILDID OUTDIR: the ELF files tests/unit/test_sym.c
# symbolizes, made from two builds of symtarget.c (PIE with no build ID,
# PIE with one) the ways distributions ship binaries:
#   stripped     no .symtab; sym_global stays in .dynsym (-rdynamic)
#   debuglink    stripped, its symbols in debuglink.debug (.gnu_debuglink)
#   buildid      stripped, its symbols in debug/.build-id/xx/yyyy.debug
#   minidebug    stripped, its symbols xz-compressed in .gnu_debugdata
set -eu
pie=$1 bid=$2 out=$3
mkdir -p "$out"
cd "$out"
strip --strip-all -o stripped "$pie"

objcopy --only-keep-debug "$pie" debuglink.debug
strip --strip-all -o debuglink.tmp "$pie"
objcopy --add-gnu-debuglink=debuglink.debug debuglink.tmp debuglink
rm -f debuglink.tmp

id=$(readelf -n "$bid" | sed -n 's/^ *Build ID: *//p')
mkdir -p "debug/.build-id/$(echo "$id" | cut -c1-2)"
objcopy --only-keep-debug "$bid" "debug/.build-id/$(echo "$id" | cut -c1-2)/$(echo "$id" | cut -c3-).debug"
strip --strip-all -o buildid "$bid"

objcopy --only-keep-debug "$pie" mini.elf
objcopy -R .comment -R .gnu_debuglink -R '.debug_*' mini.elf mini.min
rm -f mini.min.xz
xz mini.min
objcopy --add-section .gnu_debugdata=mini.min.xz stripped minidebug
rm -f mini.elf mini.min.xz
chmod 755 stripped debuglink buildid minidebug
