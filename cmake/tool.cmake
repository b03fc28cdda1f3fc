# sonde_tool(NAME): everything a tool is, from its five files.
#   bpf/NAME.bpf.c    -> build/bpf/NAME.bpf.o -> build/skel/NAME.skel.h
#   tools/NAME.c      -> build/bin/NAME (linked with libsonde)
#   docs/NAME.md      -> build/man/NAME.8 (when pandoc is present)
#   tests/bats/NAME.bats -> CTest test bats.NAME
function(sonde_tool name)
	sonde_bpf_skeleton(${name} skel)
	add_executable(${name} ${PROJECT_SOURCE_DIR}/tools/${name}.c ${skel})
	target_include_directories(${name} PRIVATE ${CMAKE_BINARY_DIR}/skel)
	target_link_libraries(${name} PRIVATE sonde)
	set_target_properties(${name} PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${SONDE_BIN_DIR})
	set_property(GLOBAL APPEND PROPERTY SONDE_TOOLS ${name})

	set(md ${PROJECT_SOURCE_DIR}/docs/${name}.md)
	if(SONDE_PANDOC AND EXISTS ${md})
		set(man ${SONDE_MAN_DIR}/${name}.8)
		add_custom_command(OUTPUT ${man}
			COMMAND ${CMAKE_COMMAND} -E make_directory ${SONDE_MAN_DIR}
			COMMAND ${SONDE_PANDOC} --standalone --from markdown --to man ${md} -o ${man}
			DEPENDS ${md}
			COMMENT "man page ${name}.8"
			VERBATIM)
		add_custom_target(${name}_man ALL DEPENDS ${man})
	endif()

	if(SONDE_TESTS)
		add_test(NAME bats.${name}
			COMMAND bats --tap ${PROJECT_SOURCE_DIR}/tests/bats/${name}.bats)
		set_tests_properties(bats.${name} PROPERTIES
			ENVIRONMENT "SONDE_BIN=${SONDE_BIN_DIR};SONDE_BUILD=${CMAKE_BINARY_DIR}"
			TIMEOUT 300 RUN_SERIAL TRUE)
	endif()
endfunction()
