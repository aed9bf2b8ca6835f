#!/usr/bin/env bash
# Builds a pike-opt that carries MLIR/LLVM statically (LibTorch stays dynamic and
# is found at run time), stripped, into build-static/bin/pike-opt, for machines
# without LLVM such as the GPU machines reached through the device tool.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
PIKE_SETUP_ONLY=1 "$root/scripts/setup.sh" >/dev/null
cmake -G Ninja -S . -B build-static -DCMAKE_BUILD_TYPE=Release -DPIKE_STATIC_LLVM=ON \
  -DPIKE_BUILD_WORKER=OFF -DPIKE_BUILD_TESTS=OFF -DPIKE_ENABLE_LLM=OFF -DPIKE_ENABLE_CHECKER=OFF >/dev/null
cmake --build build-static --target pike-opt -j "${PIKE_JOBS:-$(nproc)}"
mkdir -p build-static/bin
cp build-static/tools/pike-opt/pike-opt build-static/bin/pike-opt
strip build-static/bin/pike-opt
ls -la build-static/bin/pike-opt
# Only libc/libstdc++ and LibTorch's own libraries may remain dynamic (the LLM
# clients and the Clang checker are left out: GPU machines have no libcurl/Clang).
ldd build-static/bin/pike-opt | grep -E "LLVM|MLIR|clang" && { echo "error: LLVM is still linked dynamically" >&2; exit 1; } || true
