#!/usr/bin/env bash
# Installs what pike needs (Debian packages, PyPI packages) and builds it into
# build/. Idempotent and non-interactive: a second run only rebuilds what changed.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

apt_packages=(cmake ninja-build g++ llvm-19-dev llvm-19-tools libmlir-19-dev mlir-19-tools
  libclang-19-dev clang-19 libcurl4-openssl-dev nlohmann-json3-dev libzstd-dev libgtest-dev)
missing=()
for p in "${apt_packages[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "pike setup: installing ${missing[*]}"
  sudo_cmd=""
  [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

python=${PYTHON:-python3}
if ! $python -c "import torch, lit, pytest, numpy, matplotlib; assert torch.__version__.startswith('2.11.0')" 2>/dev/null; then
  echo "pike setup: installing Python packages (requirements.txt)"
  $python -m pip install -q -r requirements.txt
fi

if ! command -v nvcc >/dev/null 2>&1 && [ -x /usr/local/cuda/bin/nvcc ]; then
  export PATH=/usr/local/cuda/bin:$PATH
fi

# PIKE_SETUP_ONLY=1: install dependencies, build nothing.
[ "${PIKE_SETUP_ONLY:-0}" = 1 ] && exit 0
build_dir=${PIKE_BUILD_DIR:-build}
if [ ! -f "$build_dir/build.ninja" ]; then
  cmake -G Ninja -S . -B "$build_dir" -DCMAKE_BUILD_TYPE=Release -DPython3_EXECUTABLE="$(command -v $python)" ${PIKE_CMAKE_ARGS:-}
fi
jobs=${PIKE_JOBS:-$(nproc)}
cmake --build "$build_dir" -j "$jobs"
