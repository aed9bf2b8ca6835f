#!/usr/bin/env bash
# CI check of `cmake --install`: installs pike into a temporary prefix, checks
# that the installed tools run from there alone (install RPATH, data under
# share/pike, headers, CMake package with its version file) and builds
# docs/examples/optimized-model against the installed package. Without nvcc
# the example's build is skipped (said so), the rest still runs.
#   install_example.sh <pike build dir> <source dir> <work dir>
set -euo pipefail
build=$1 src=$2 work=$3
rm -rf "$work" && mkdir -p "$work"
prefix="$work/prefix"
cmake --install "$build" --prefix "$prefix" >"$work/install.log"

# The tools run from the prefix with no library path help and no source tree.
unset LD_LIBRARY_PATH PIKE_DATA_DIR
for tool in pike-opt pike-db; do
  test -x "$prefix/bin/$tool" || { echo "missing bin/$tool"; exit 1; }
  if ldd "$prefix/bin/$tool" | grep -q "not found"; then
    echo "bin/$tool: unresolved libraries:"; ldd "$prefix/bin/$tool" | grep "not found"; exit 1
  fi
done
"$prefix/bin/pike-opt" --version | grep -q "^pike "
# One data directory for package templates and LLM prompts: the installed share/pike.
"$prefix/bin/pike-opt" --version | grep -qx "  data directory $prefix/share/pike" ||
  { echo "installed pike-opt does not read share/pike:"; "$prefix/bin/pike-opt" --version; exit 1; }
test -d "$prefix/share/pike/prompts" || { echo "missing share/pike/prompts in the install"; exit 1; }
"$prefix/bin/pike-db" --help | grep -q "usage: pike-db"
if [ -f "$build/tools/pike-worker/pike-worker" ]; then
  test -x "$prefix/bin/pike-worker" || { echo "pike-worker built but not installed"; exit 1; }
  if ldd "$prefix/bin/pike-worker" | grep -q "not found"; then
    echo "bin/pike-worker: unresolved libraries:"; ldd "$prefix/bin/pike-worker" | grep "not found"; exit 1
  fi
  "$prefix/bin/pike-worker" --help | grep -q "usage: pike-worker"
fi
for f in include/pike/Runtime/KernelABI.h include/pike/Passes/Passes.h include/pike/Passes/Passes.h.inc \
         include/pike/BuildInfo.h share/pike/package/CMakeLists.txt.in share/pike/llm_prices.json \
         lib/cmake/Pike/PikeConfig.cmake lib/cmake/Pike/PikeConfigVersion.cmake \
         lib/cmake/Pike/PikeAddOptimizedModel.cmake; do
  test -f "$prefix/$f" || { echo "missing $f in the install"; exit 1; }
done
# The installed config must not point into the build or source tree.
if grep -q -e "$build" -e "$src" "$prefix/lib/cmake/Pike/PikeConfig.cmake"; then
  echo "PikeConfig.cmake refers to the build/source tree:"; cat "$prefix/lib/cmake/Pike/PikeConfig.cmake"; exit 1
fi

# The installed pike-opt writes a package from the installed data.
"${PIKE_PYTHON:-python3}" "$src/kernelbench/export.py" "$src/kernelbench/tasks/level3/01_mlp.py" -o "$work/model" >/dev/null
(cd "$work" && "$prefix/bin/pike-opt" model/model.pt --input-spec model/input_spec.json --emit=package \
   -pike-apply-db="$src/data/tuning/h200-builtin.jsonl" -o "$work/pkg" 2>"$work/pike-opt.log")
grep -q "tuning database" "$work/pkg/report.md"
test -f "$work/pkg/include/pike_kernel_abi.h"

# PikeConfigVersion.cmake: this version is found, an unsatisfiable one is refused.
mkdir -p "$work/version"
printf 'cmake_minimum_required(VERSION 3.20)\nproject(v NONE)\nfind_package(Pike ${V} EXACT CONFIG REQUIRED)\nmessage(STATUS "Pike_VERSION=${Pike_VERSION} ${PIKE_OPT_EXECUTABLE}")\n' \
  > "$work/version/CMakeLists.txt"
version=$("$prefix/bin/pike-opt" --version | sed -n 's/^pike \([0-9.]*\) .*/\1/p')
cmake -S "$work/version" -B "$work/version/ok" -DV="$version" -DPike_DIR="$prefix/lib/cmake/Pike" >"$work/version/ok.log" 2>&1 \
  || { cat "$work/version/ok.log"; exit 1; }
grep -q "Pike_VERSION=$version $prefix/bin/pike-opt" "$work/version/ok.log"
if cmake -S "$work/version" -B "$work/version/bad" -DV=99.0 -DPike_DIR="$prefix/lib/cmake/Pike" >"$work/version/bad.log" 2>&1; then
  echo "find_package(Pike 99.0) accepted version $version"; exit 1
fi

nvcc=$(command -v nvcc || true)
[ -z "$nvcc" ] && [ -x /usr/local/cuda/bin/nvcc ] && nvcc=/usr/local/cuda/bin/nvcc
if [ -z "$nvcc" ]; then
  echo "installed pike works; nvcc not found, so the example was not configured or built"
  exit 0
fi
export PATH=$(dirname "$nvcc"):$PATH
configure() { # <dir> [cmake args...]
  local dir=$1; shift
  cmake -S "$src/docs/examples/optimized-model" -B "$dir" -G Ninja -DPike_DIR="$prefix/lib/cmake/Pike" \
    -DMODEL="$work/model/model.pt" -DINPUT_SPEC="$work/model/input_spec.json" \
    -DDB="$src/data/tuning/h200-builtin.jsonl" "$@"
}
# ARCH reaches pike-opt (--cuda-arch) and the package's CMake; a bad ARCH is a configure error.
configure "$work/arch80" -DARCH=sm_80 >"$work/arch80.log" 2>&1 || { tail -30 "$work/arch80.log"; exit 1; }
cmake --build "$work/arch80" --target optimized_model_sources >>"$work/arch80.log" 2>&1 || { tail -30 "$work/arch80.log"; exit 1; }
grep -q "set(CMAKE_CUDA_ARCHITECTURES 80)" "$work/arch80/optimized_model_package/CMakeLists.txt"
if configure "$work/badarch" -DARCH=ampere >"$work/badarch.log" 2>&1; then
  echo "ARCH=ampere was accepted"; exit 1
fi
grep -q "ARCH 'ampere' is not auto or" "$work/badarch.log"

# The example against the installed package, built and (without a GPU) linked.
configure "$work/app" >"$work/configure.log" 2>&1 || { tail -30 "$work/configure.log"; exit 1; }
cmake --build "$work/app" -j 2 >"$work/build.log" 2>&1 || { tail -40 "$work/build.log"; exit 1; }
pkg="$work/app/optimized_model_package"
test -f "$pkg/lib/libpike_ops.so"
grep -q "set(CMAKE_CUDA_ARCHITECTURES 90)" "$pkg/CMakeLists.txt"
ldd "$work/app/run_model" | grep -q libpike_ops.so
set +e
"$work/app/run_model" 1024x1024 >"$work/run.log" 2>&1
rc=$?
set -e
if [ $rc -eq 3 ]; then
  echo "example built against the install; no CUDA device here, so run_model was not run"
elif [ $rc -eq 0 ]; then
  echo "example built against the install and ran: $(cat "$work/run.log")"
else
  cat "$work/run.log"; exit 1
fi
