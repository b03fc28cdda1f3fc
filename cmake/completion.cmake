# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# cmake -DTOOL=NAME -DBIN=PATH -DOUT=FILE -P completion.cmake
# Writes FILE, the bash completion of the tool NAME, from the options the
# built tool lists (BIN --list-options: one a line, `--name`, `--name=ARG`,
# `-k` or `-k ARG`). Offered: the options; after one that takes a value, user
# names for a UID, process IDs for a PID, file names for a FILE, nothing
# for the others.
execute_process(COMMAND ${BIN} --list-options
	OUTPUT_VARIABLE listed RESULT_VARIABLE rc ERROR_VARIABLE err)
if(NOT rc EQUAL 0 OR listed STREQUAL "")
	message(FATAL_ERROR "${BIN} --list-options failed (${rc}): ${err}")
endif()
string(REPLACE "\n" ";" lines "${listed}")
set(words "")
set(values "")
foreach(line IN LISTS lines)
	if(line MATCHES "^(--[a-z0-9-]+)=(.+)$")
		string(APPEND words " ${CMAKE_MATCH_1}=")
		string(APPEND values " ${CMAKE_MATCH_1}=${CMAKE_MATCH_2}")
	elseif(line MATCHES "^(-[A-Za-z0-9]) (.+)$")
		string(APPEND words " ${CMAKE_MATCH_1}")
		string(APPEND values " ${CMAKE_MATCH_1}=${CMAKE_MATCH_2}")
	elseif(line MATCHES "^(--?[A-Za-z0-9-]+)$")
		string(APPEND words " ${CMAKE_MATCH_1}")
	elseif(NOT line STREQUAL "")
		message(FATAL_ERROR "${BIN} --list-options: cannot read '${line}'")
	endif()
endforeach()
string(MAKE_C_IDENTIFIER "${TOOL}" fn)
file(WRITE ${OUT} "# bash completion for ${TOOL} (sonde), made from its options by the build
_sonde_${fn}()
{
	local cur=\${COMP_WORDS[COMP_CWORD]} prev= opt= kind
	local words='${words} '
	local values='${values} '

	((COMP_CWORD > 0)) && prev=\${COMP_WORDS[COMP_CWORD - 1]}
	# The value of an option: after it, or after its '=' (a word of its own).
	if [[ \$cur == = ]]; then
		opt=\$prev cur=
	elif [[ \$prev == = ]] && ((COMP_CWORD > 1)); then
		opt=\${COMP_WORDS[COMP_CWORD - 2]}
	elif [[ \$cur != -* && \$values == *\" \$prev=\"* ]]; then
		opt=\$prev
	fi
	if [[ -n \$opt ]]; then
		kind=\${values#*\" \$opt=\"}
		kind=\${kind%% *}
		[[ \$values == *\" \$opt=\"* ]] || kind=
		case \$kind in
		UID) mapfile -t COMPREPLY < <(compgen -u -- \"\$cur\") ;;
		PID) mapfile -t COMPREPLY < <(compgen -W \"\$(cd /proc && printf '%s ' [0-9]*)\" -- \"\$cur\") ;;
		*FILE* | *PATH* | *DIR*) mapfile -t COMPREPLY < <(compgen -f -- \"\$cur\") ;;
		*) COMPREPLY=() ;;
		esac
		return 0
	fi
	if [[ \$cur == -* ]]; then
		mapfile -t COMPREPLY < <(compgen -W \"\$words\" -- \"\$cur\")
		# --name= waits for its value.
		[[ \${#COMPREPLY[@]} == 1 && \${COMPREPLY[0]} == *= ]] && compopt -o nospace 2>/dev/null
	fi
	return 0
}
complete -F _sonde_${fn} ${TOOL}
")
