# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# sonde_bpf_skeleton(NAME OUT_VAR)
# Compiles bpf/NAME.bpf.c to a BPF object (header dependencies tracked through
# clang's depfile), strips it with `bpftool gen object` and generates
# skel/NAME.skel.h. OUT_VAR receives the skeleton header's path.
set(SONDE_BPF_INCLUDES
	-I${PROJECT_SOURCE_DIR}/bpf/vmlinux/${SONDE_ARCH}
	-I${PROJECT_SOURCE_DIR}
	-I${SONDE_LIBBPF_INCLUDE})
set(SONDE_BPF_CFLAGS -O2 -g -Wall -Werror -target bpf -mcpu=v3
	-D__TARGET_ARCH_${SONDE_ARCH} -fno-stack-protector)

function(sonde_bpf_skeleton name out_var)
	set(src ${PROJECT_SOURCE_DIR}/bpf/${name}.bpf.c)
	set(dir ${CMAKE_BINARY_DIR}/bpf)
	set(raw ${dir}/${name}.tmp.bpf.o)
	set(obj ${dir}/${name}.bpf.o)
	set(skel ${CMAKE_BINARY_DIR}/skel/${name}.skel.h)
	add_custom_command(OUTPUT ${raw}
		COMMAND ${CMAKE_COMMAND} -E make_directory ${dir}
		COMMAND ${SONDE_CLANG} ${SONDE_BPF_CFLAGS} ${SONDE_BPF_INCLUDES}
			-MD -MF ${raw}.d -c ${src} -o ${raw}
		DEPENDS ${src}
		DEPFILE ${raw}.d
		COMMENT "BPF ${name}.bpf.c"
		VERBATIM)
	add_custom_command(OUTPUT ${obj}
		COMMAND ${SONDE_BPFTOOL} gen object ${obj} ${raw}
		DEPENDS ${raw}
		VERBATIM)
	add_custom_command(OUTPUT ${skel}
		COMMAND ${CMAKE_COMMAND} -E make_directory ${CMAKE_BINARY_DIR}/skel
		COMMAND sh -c "${SONDE_BPFTOOL} gen skeleton ${obj} name ${name}_bpf > ${skel}.tmp && mv ${skel}.tmp ${skel}"
		DEPENDS ${obj}
		COMMENT "skeleton ${name}.skel.h"
		VERBATIM)
	set(${out_var} ${skel} PARENT_SCOPE)
endfunction()
