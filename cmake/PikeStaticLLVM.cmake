# Debian's MLIR archives link LLVM through the `LLVM` shared-library target.
# For a pike-opt that runs where no LLVM is installed (the GPU machines), point
# that target at LLVM's static component archives instead.
set(_pike_llvm_components Support Demangle BitReader BitstreamReader Core Remarks
  BinaryFormat TargetParser)
set(_pike_llvm_archives)
foreach(c ${_pike_llvm_components})
  if(EXISTS ${LLVM_LIBRARY_DIR}/libLLVM${c}.a)
    list(APPEND _pike_llvm_archives ${LLVM_LIBRARY_DIR}/libLLVM${c}.a)
  endif()
endforeach()
find_library(PIKE_ZSTD_STATIC NAMES libzstd.a REQUIRED)
list(GET _pike_llvm_archives 0 _pike_llvm_first)
list(REMOVE_AT _pike_llvm_archives 0)
foreach(cfg "" _RELWITHDEBINFO _RELEASE _DEBUG _MINSIZEREL)
  set_target_properties(LLVM PROPERTIES IMPORTED_LOCATION${cfg} ${_pike_llvm_first})
endforeach()
set_target_properties(LLVM PROPERTIES
  IMPORTED_NO_SONAME TRUE
  # Archives that reference each other: repeat the group on the link line.
  INTERFACE_LINK_LIBRARIES "-Wl,--start-group;${_pike_llvm_archives};${_pike_llvm_first};-Wl,--end-group;${PIKE_ZSTD_STATIC};z;pthread;dl;m;rt")
message(STATUS "pike: linking MLIR/LLVM statically (${_pike_llvm_first} ${_pike_llvm_archives})")
