# cmake -DIN=KernelABI.h -DOUT=KernelABIText.h -P EmbedHeader.cmake
# Embeds the ABI header as a C++ raw string (build step, so edits to the header rebuild the worker).
file(READ "${IN}" text)
set(content "// Generated from include/pike/Runtime/KernelABI.h at build time; do not edit.\n#pragma once\nstatic const char *const kKernelABIHeader = R\"PIKEABI(${text})PIKEABI\";\n")
file(WRITE "${OUT}.tmp" "${content}")
execute_process(COMMAND ${CMAKE_COMMAND} -E copy_if_different "${OUT}.tmp" "${OUT}")
file(REMOVE "${OUT}.tmp")
