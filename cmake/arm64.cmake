# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# Cross-building the tools for arm64 with Debian's cross toolchain
# (gcc-aarch64-linux-gnu) and the arm64 static libraries of libbpf, libelf
# and zlib (libbpf-dev:arm64 libelf-dev:arm64 zlib1g-dev:arm64, after
# `dpkg --add-architecture arm64`; scripts/setup installs them). Loaded by
# -DSONDE_ARCH=arm64 on a host that is not arm64.
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)
set(CMAKE_C_COMPILER aarch64-linux-gnu-gcc)
# Libraries from /usr/lib/aarch64-linux-gnu (Debian's multiarch layout).
set(CMAKE_LIBRARY_ARCHITECTURE aarch64-linux-gnu)
# clang (BPF target), bpftool and pandoc are the host's.
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
