# Finds every third-party dependency once, so subdirectories only link targets.
find_package(Python3 REQUIRED COMPONENTS Interpreter)
find_package(nlohmann_json 3 REQUIRED)
find_package(CURL REQUIRED)
find_package(Threads REQUIRED)

# LibTorch from the pinned PyPI wheel (torch==2.11.0).
if(NOT Torch_DIR)
  execute_process(
    COMMAND ${Python3_EXECUTABLE} -c "import torch.utils; print(torch.utils.cmake_prefix_path)"
    OUTPUT_VARIABLE PIKE_TORCH_PREFIX OUTPUT_STRIP_TRAILING_WHITESPACE
    RESULT_VARIABLE _torch_rc)
  if(NOT _torch_rc EQUAL 0)
    message(FATAL_ERROR "pike needs the torch Python package (pip install torch==2.11.0)")
  endif()
  list(APPEND CMAKE_PREFIX_PATH "${PIKE_TORCH_PREFIX}")
endif()
# TorchConfig looks for CUDA itself; the compiler half only needs the CPU part.
find_package(Torch REQUIRED)
get_filename_component(PIKE_TORCH_LIB_DIR "${TORCH_LIBRARY}" DIRECTORY)
# Installed binaries find LibTorch where it was linked from. CMAKE_INSTALL_RPATH_USE_LINK_PATH
# skips directories inside the project, and setup.sh's torch lives in the checkout's .venv.
list(APPEND CMAKE_INSTALL_RPATH "${PIKE_TORCH_LIB_DIR}")
# "2.11.0" without a local suffix such as "+cu130": the key of tuning records.
execute_process(
  COMMAND ${Python3_EXECUTABLE} -c "import torch; print(torch.__version__.split('+')[0])"
  OUTPUT_VARIABLE PIKE_TORCH_VERSION OUTPUT_STRIP_TRAILING_WHITESPACE)
# torch_cpu + c10 only: keeps pike-opt free of CUDA libraries.
add_library(pike_torch_cpu INTERFACE)
target_link_libraries(pike_torch_cpu INTERFACE
  "${PIKE_TORCH_LIB_DIR}/libtorch_cpu.so" "${PIKE_TORCH_LIB_DIR}/libc10.so")
target_include_directories(pike_torch_cpu SYSTEM INTERFACE ${TORCH_INCLUDE_DIRS})
target_compile_definitions(pike_torch_cpu INTERFACE _GLIBCXX_USE_CXX11_ABI=1)

if(PIKE_BUILD_COMPILER)
  find_package(MLIR REQUIRED CONFIG
    HINTS /usr/lib/llvm-19/lib/cmake/mlir)
  list(APPEND CMAKE_MODULE_PATH "${MLIR_CMAKE_DIR}" "${LLVM_CMAKE_DIR}")
  include(TableGen)
  include(AddLLVM)
  include(AddMLIR)
  include_directories(SYSTEM ${LLVM_INCLUDE_DIRS} ${MLIR_INCLUDE_DIRS})
  if(PIKE_STATIC_LLVM)
    include(PikeStaticLLVM)
  endif()
  find_package(Clang CONFIG HINTS /usr/lib/llvm-19/lib/cmake/clang)
endif()

find_package(CUDAToolkit)
