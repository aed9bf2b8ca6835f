# pike_add_optimized_model(<target> MODEL model.pt INPUT_SPEC spec.json DB tune.db
#                          [ARCH auto|sm_NN] [CUDA_GRAPHS ON|OFF])
#
# ARCH is the GPU the package is built for and whose tuning records it uses
# (pike-opt --cuda-arch); auto (the default) takes the database's architecture.
#
# At build time, runs `pike-opt --emit=package -pike-apply-db=<DB>` on MODEL
# (no GPU, no search: the tuning database decides every kernel) and builds the
# package's custom-op library. Yields:
#   <target>            an imported shared library (link it; ops register on load)
#   <target>_MODEL      a target property MODEL: the rewritten TorchScript file
include(ExternalProject)

function(pike_add_optimized_model target)
  cmake_parse_arguments(ARG "" "MODEL;INPUT_SPEC;DB;ARCH;CUDA_GRAPHS" "" ${ARGN})
  foreach(req MODEL INPUT_SPEC DB)
    if(NOT ARG_${req})
      message(FATAL_ERROR "pike_add_optimized_model(${target}): ${req} is required")
    endif()
  endforeach()
  if(NOT ARG_ARCH)
    set(ARG_ARCH auto)
  endif()
  if(NOT ARG_ARCH MATCHES "^(auto|sm_[0-9][0-9][0-9]?[a-z]?)$")
    message(FATAL_ERROR "pike_add_optimized_model(${target}): ARCH '${ARG_ARCH}' is not auto or sm_NN (e.g. sm_90)")
  endif()
  if(NOT DEFINED ARG_CUDA_GRAPHS) # CUDA_GRAPHS OFF must stay off
    set(ARG_CUDA_GRAPHS ON)
  endif()
  if(ARG_CUDA_GRAPHS)
    set(graphs true)
  else()
    set(graphs false)
  endif()
  if(NOT PIKE_OPT_EXECUTABLE)
    message(FATAL_ERROR "pike_add_optimized_model: PIKE_OPT_EXECUTABLE is not set (find_package(Pike) sets it)")
  endif()
  set(pkg ${CMAKE_CURRENT_BINARY_DIR}/${target}_package)
  add_custom_command(
    OUTPUT ${pkg}/model.pt ${pkg}/CMakeLists.txt
    COMMAND ${CMAKE_COMMAND} -E env PIKE_DATA_DIR=${PIKE_DATA_DIR}
            ${PIKE_OPT_EXECUTABLE} ${ARG_MODEL} --input-spec ${ARG_INPUT_SPEC}
            --emit=package --cuda-graphs=${graphs} --cuda-arch=${ARG_ARCH} -pike-apply-db=${ARG_DB} -o ${pkg}
    DEPENDS ${ARG_MODEL} ${ARG_INPUT_SPEC} ${ARG_DB} ${PIKE_OPT_EXECUTABLE}
    COMMENT "pike: packaging ${ARG_MODEL} from ${ARG_DB}"
    VERBATIM)
  add_custom_target(${target}_sources DEPENDS ${pkg}/model.pt)
  ExternalProject_Add(${target}_build
    SOURCE_DIR ${pkg}
    BINARY_DIR ${pkg}/build
    CMAKE_ARGS -DCMAKE_BUILD_TYPE=Release -DTorch_DIR=${Torch_DIR}
    INSTALL_COMMAND ""
    BUILD_BYPRODUCTS ${pkg}/lib/libpike_ops.so
    DEPENDS ${target}_sources)
  add_library(${target} SHARED IMPORTED GLOBAL)
  set_target_properties(${target} PROPERTIES
    IMPORTED_LOCATION ${pkg}/lib/libpike_ops.so
    MODEL ${pkg}/model.pt)
  # The ops register from static initialisers: keep the library on the link line.
  set_property(TARGET ${target} APPEND PROPERTY INTERFACE_LINK_OPTIONS "LINKER:--no-as-needed")
  add_dependencies(${target} ${target}_build)
endfunction()
