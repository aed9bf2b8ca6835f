# cmake -DIN=file -DOUT=header.h -DNAME=kSymbol -P EmbedText.cmake
# Writes a header defining NAME as IN's text in one C++ raw string literal. Run as
# a build step (pike_embed_text), so editing IN rebuilds its users without a
# reconfigure; OUT keeps its time stamp when unchanged, so nothing recompiles.
file(READ "${IN}" text)
get_filename_component(_name "${IN}" NAME)
set(content "// Generated from ${_name} at build time; do not edit.\n#pragma once\nstatic const char *const ${NAME} = R\"PIKEEMBED(${text})PIKEEMBED\";\n")
file(WRITE "${OUT}.tmp" "${content}")
execute_process(COMMAND ${CMAKE_COMMAND} -E copy_if_different "${OUT}.tmp" "${OUT}")
file(REMOVE "${OUT}.tmp")
