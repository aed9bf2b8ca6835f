# pike_embed_text(OUT header.h IN file NAME kSymbol): a build step that writes
# header.h defining `static const char *const kSymbol` as the text of `file`
# (cmake/EmbedText.cmake). List header.h among the sources of its user.
set(PIKE_EMBED_TEXT_SCRIPT ${CMAKE_CURRENT_LIST_DIR}/EmbedText.cmake)
function(pike_embed_text)
  cmake_parse_arguments(ARG "" "OUT;IN;NAME" "" ${ARGN})
  get_filename_component(_in_name "${ARG_IN}" NAME)
  add_custom_command(OUTPUT "${ARG_OUT}"
    COMMAND ${CMAKE_COMMAND} -DIN=${ARG_IN} -DOUT=${ARG_OUT} -DNAME=${ARG_NAME} -P ${PIKE_EMBED_TEXT_SCRIPT}
    DEPENDS "${ARG_IN}" ${PIKE_EMBED_TEXT_SCRIPT}
    COMMENT "Embedding ${_in_name} as ${ARG_NAME}")
endfunction()
