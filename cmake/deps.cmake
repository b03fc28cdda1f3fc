# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# Build dependencies: clang (BPF target), bpftool (skeletons), libbpf, libelf, zlib,
# liblzma (MiniDebugInfo, lib/sym_elf.c), libdw and the compression libraries
# it reads files with (bz2; lzma and z already), threads, and the C++ ABI's
# demangler from the C compiler's libsupc++ (lib/sym_elf.c: C++ and Rust
# names; g++ or, cross, g++-aarch64-linux-gnu installs it).
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
execute_process(COMMAND ${CMAKE_C_COMPILER} -print-file-name=libsupc++.a
	OUTPUT_VARIABLE SONDE_LIB_supcxx OUTPUT_STRIP_TRAILING_WHITESPACE)
if(NOT IS_ABSOLUTE "${SONDE_LIB_supcxx}" OR NOT EXISTS "${SONDE_LIB_supcxx}")
	message(FATAL_ERROR "libsupc++.a not found by ${CMAKE_C_COMPILER} (install g++)")
endif()
# lib/loader.c closes links on threads of its own.
find_package(Threads REQUIRED)

add_library(sonde_deps INTERFACE)
target_include_directories(sonde_deps INTERFACE ${SONDE_LIBBPF_INCLUDE})
# The archives, in link order (tests/unit links them without -static).
set(SONDE_DEP_LIBS ${SONDE_LIB_bpf} ${SONDE_LIB_dw} ${SONDE_LIB_elf} ${SONDE_LIB_lzma}
	${SONDE_LIB_bz2} ${SONDE_LIB_z} ${SONDE_LIB_supcxx})
target_link_libraries(sonde_deps INTERFACE ${SONDE_DEP_LIBS} Threads::Threads ${CMAKE_DL_LIBS})
if(SONDE_STATIC)
	target_link_options(sonde_deps INTERFACE -static)
endif()
