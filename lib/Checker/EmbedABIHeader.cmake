# cmake -DIN=KernelABI.h -DOUT=KernelABIHeader.inc -DSTAMP=file -P EmbedABIHeader.cmake
# Writes the header as one C++ raw string literal; a build step, so editing the
# header rebuilds the checker without re-running configure. OUT keeps its time
# stamp when unchanged (no recompile); STAMP tells the build the step ran.
file(READ "${IN}" text)
file(WRITE "${OUT}.tmp" "R\"pikeabi(${text})pikeabi\"\n")
execute_process(COMMAND ${CMAKE_COMMAND} -E copy_if_different "${OUT}.tmp" "${OUT}")
file(REMOVE "${OUT}.tmp")
file(TOUCH "${STAMP}")
