# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# sonde_tool(NAME): everything a tool is (docs/hacking.md has the checklist).
#   bpf/NAME.bpf.c       -> build/bpf/NAME.bpf.o -> build/skel/NAME.skel.h
#   tools/NAME.c         -> build/bin/NAME (linked with libsonde), or
#   tools/NAME/NAME.c    -> the same, when the tool owns private modules:
#                           tools/NAME/*.c besides its main become the static
#                           library NAME_mods, which unit tests, fuzz harnesses
#                           and benchmarks may link too
#   docs/NAME.md         -> build/man/NAME.8 (when pandoc is present)
#   its options          -> build/completion/NAME, its bash completion
#   tests/bats/NAME.bats -> CTest test bats.NAME
# and installs the binary (stripped) to sbin, the man page to share/man/man8,
# the completion to share/bash-completion/completions and the page to
# share/doc/sonde.
function(sonde_tool name)
	sonde_bpf_skeleton(${name} skel)
	set(dir ${PROJECT_SOURCE_DIR}/tools/${name})
	if(IS_DIRECTORY ${dir})
		set(main ${dir}/${name}.c)
		file(GLOB mods CONFIGURE_DEPENDS ${dir}/*.c)
		list(REMOVE_ITEM mods ${main})
		add_library(${name}_mods STATIC ${mods})
		target_link_libraries(${name}_mods PUBLIC sonde)
		set_property(GLOBAL APPEND PROPERTY SONDE_TOOL_MODS ${name}_mods)
	else()
		set(main ${PROJECT_SOURCE_DIR}/tools/${name}.c)
	endif()
	add_executable(${name} ${main} ${skel})
	if(TARGET ${name}_mods)
		target_link_libraries(${name} PRIVATE ${name}_mods)
	endif()
	target_link_libraries(${name} PRIVATE sonde)
	set_target_properties(${name} PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${SONDE_BIN_DIR})
	# The linker's map says which of libsonde's objects the tool pulled in
	# (scripts/check-source: each lib/ object serves two tools or more).
	target_link_options(${name} PRIVATE -Wl,-Map=${CMAKE_BINARY_DIR}/linkmap/${name}.map)
	file(MAKE_DIRECTORY ${CMAKE_BINARY_DIR}/linkmap)
	set_property(GLOBAL APPEND PROPERTY SONDE_TOOLS ${name})
	# sbin: the tools need root or its capabilities, as distributions put
	# such tools. Installed stripped (execsnoop: 1.73 MB built, 1.42 MB
	# installed; 30.0 MB -> 24.3 MB for 17 tools).
	install(TARGETS ${name} RUNTIME DESTINATION ${CMAKE_INSTALL_SBINDIR})
	install(CODE "execute_process(COMMAND \"${CMAKE_STRIP}\" --strip-all
		\"\$ENV{DESTDIR}\${CMAKE_INSTALL_PREFIX}/${CMAKE_INSTALL_SBINDIR}/${name}\"
		COMMAND_ERROR_IS_FATAL ANY)")

	# The completion is made from the options the built tool lists (a hidden
	# option walks its argp tables): it cannot drift from them. A tool
	# cross-built for another architecture cannot run here to list them; its
	# completion is the native build's, the same file.
	if(NOT CMAKE_CROSSCOMPILING)
		set(comp ${CMAKE_BINARY_DIR}/completion/${name})
		add_custom_command(OUTPUT ${comp}
			COMMAND ${CMAKE_COMMAND} -DTOOL=${name} -DBIN=$<TARGET_FILE:${name}>
				-DOUT=${comp} -P ${PROJECT_SOURCE_DIR}/cmake/completion.cmake
			DEPENDS ${name} ${PROJECT_SOURCE_DIR}/cmake/completion.cmake
			COMMENT "bash completion ${name}"
			VERBATIM)
		add_custom_target(${name}_completion ALL DEPENDS ${comp})
		install(FILES ${comp}
			DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions)
	endif()

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
		install(FILES ${man} DESTINATION ${CMAKE_INSTALL_MANDIR}/man8)
	endif()
	if(EXISTS ${md})
		install(FILES ${md} DESTINATION ${CMAKE_INSTALL_DOCDIR})
	endif()

	if(SONDE_TESTS)
		add_test(NAME bats.${name}
			COMMAND bats --tap ${PROJECT_SOURCE_DIR}/tests/bats/${name}.bats)
		set_tests_properties(bats.${name} PROPERTIES
			ENVIRONMENT "SONDE_BIN=${SONDE_BIN_DIR};SONDE_BUILD=${CMAKE_BINARY_DIR}"
			TIMEOUT 300 RUN_SERIAL TRUE)
	endif()
endfunction()
