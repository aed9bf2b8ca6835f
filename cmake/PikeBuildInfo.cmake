# Script mode (cmake -P), run on every build: writes pike/BuildInfo.h with the
# version, the git commit of the sources and the versions pike was built
# against. configure_file rewrites OUT only when a value changed, so builds
# after the same commit recompile nothing.
#   -DSRC=<source dir> -DOUT=<header> -DIN=<template> -DVERSION= -DTORCH= -DCUDA= -DMLIR=
set(PIKE_GIT_COMMIT "unknown")
find_package(Git QUIET)
if(GIT_FOUND AND EXISTS "${SRC}/.git")
  execute_process(COMMAND "${GIT_EXECUTABLE}" -C "${SRC}" rev-parse --short=12 HEAD
    OUTPUT_VARIABLE _commit OUTPUT_STRIP_TRAILING_WHITESPACE RESULT_VARIABLE _rc ERROR_QUIET)
  if(_rc EQUAL 0 AND _commit)
    set(PIKE_GIT_COMMIT "${_commit}")
    execute_process(COMMAND "${GIT_EXECUTABLE}" -C "${SRC}" diff --quiet HEAD --
      RESULT_VARIABLE _dirty ERROR_QUIET)
    if(NOT _dirty EQUAL 0)
      string(APPEND PIKE_GIT_COMMIT "-dirty")
    endif()
  endif()
endif()
set(PIKE_VERSION "${VERSION}")
set(PIKE_BUILD_TORCH "${TORCH}")
set(PIKE_BUILD_CUDA "${CUDA}")
set(PIKE_BUILD_MLIR "${MLIR}")
configure_file("${IN}" "${OUT}" @ONLY)
