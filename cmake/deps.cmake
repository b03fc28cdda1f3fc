# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# Build dependencies: clang (BPF target), bpftool (skeletons), libbpf, libelf, zlib,
# liblzma (MiniDebugInfo, lib/sym_elf.c), libdw and the compression libraries
# it reads files with (bz2; lzma and z already), threads.
find_program(SONDE_CLANG NAMES clang clang-14 REQUIRED)
find_program(SONDE_BPFTOOL NAMES bpftool PATHS /usr/sbin /sbin REQUIRED)
find_program(SONDE_PANDOC NAMES pandoc)

if(SONDE_STATIC)
	set(_sonde_suffix .a)
else()
	set(_sonde_suffix .so)
endif()
foreach(_lib bpf dw elf z lzma bz2)
	find_library(SONDE_LIB_${_lib} NAMES lib${_lib}${_sonde_suffix} REQUIRED)
endforeach()
find_path(SONDE_LIBBPF_INCLUDE bpf/libbpf.h REQUIRED)
# lib/loader.c closes links on threads of its own.
find_package(Threads REQUIRED)

add_library(sonde_deps INTERFACE)
target_include_directories(sonde_deps INTERFACE ${SONDE_LIBBPF_INCLUDE})
target_link_libraries(sonde_deps INTERFACE ${SONDE_LIB_bpf} ${SONDE_LIB_dw} ${SONDE_LIB_elf}
	${SONDE_LIB_lzma} ${SONDE_LIB_bz2} ${SONDE_LIB_z} Threads::Threads ${CMAKE_DL_LIBS})
if(SONDE_STATIC)
	target_link_options(sonde_deps INTERFACE -static)
endif()
