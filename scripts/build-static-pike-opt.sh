#!/usr/bin/env bash
# Builds a pike-opt that carries MLIR/LLVM statically (LibTorch stays dynamic and
# is found at run time), stripped, into build-static/bin/pike-opt, for machines
# without LLVM such as the GPU machines reached through the device tool.
# The LLM clients are in (libcurl stays dynamic: its shared libraries and their
# dependencies are copied to build-static/lib, for hosts without libcurl; see
# scripts/device-pike-bench.sh); the Clang checker is not (Clang's archives would
# triple the size and it needs Clang's headers at run time).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
PIKE_SETUP_ONLY=1 "$root/scripts/setup.sh" >/dev/null
# The checkout's virtual environment holds the pinned torch (setup.sh made it).
python="${PIKE_VENV:-$root/.venv}/bin/python"
cmake -G Ninja -S . -B build-static -DCMAKE_BUILD_TYPE=Release -DPIKE_STATIC_LLVM=ON -DPython3_EXECUTABLE="$python" \
  -DPIKE_BUILD_WORKER=OFF -DPIKE_BUILD_TESTS=OFF -DPIKE_ENABLE_LLM=ON -DPIKE_ENABLE_CHECKER=OFF >/dev/null
cmake --build build-static --target pike-opt -j "${PIKE_JOBS:-$(nproc)}"
mkdir -p build-static/bin
cp build-static/tools/pike-opt/pike-opt build-static/bin/pike-opt
strip build-static/bin/pike-opt
ls -la build-static/bin/pike-opt
# Only libc/libstdc++, LibTorch's own libraries and libcurl may remain dynamic.
ldd build-static/bin/pike-opt | grep -E "LLVM|MLIR|clang" && { echo "error: LLVM is still linked dynamically" >&2; exit 1; } || true
# libcurl and what it needs, minus glibc itself, for hosts that lack them.
rm -rf build-static/lib && mkdir -p build-static/lib
ldd build-static/bin/pike-opt | awk '/=> \// {print $1, $3}' |
  grep -Ev '^(libc|libm|libdl|libpthread|librt|libresolv|libutil|libstdc\+\+|libgcc_s|ld-linux[^ ]*)\.so|/torch/lib/' |
  while read -r name path; do cp -L "$path" "build-static/lib/$name"; done
du -sh build-static/lib
