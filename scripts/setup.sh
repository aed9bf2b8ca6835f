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

# Python packages go into a virtual environment of the checkout (.venv/, or
# $PIKE_VENV), never into the interpreter that runs this script. It sees that
# interpreter's packages (--system-site-packages: a torch already installed is
# not downloaded again; pip installs only what is missing, into the venv);
# PIKE_VENV_ISOLATED=1 creates one that sees none.
base_python=${PYTHON:-python3}
venv=${PIKE_VENV:-$root/.venv}
if [ ! -x "$venv/bin/python" ]; then
  echo "pike setup: creating the virtual environment $venv"
  venv_flags=--system-site-packages
  [ "${PIKE_VENV_ISOLATED:-0}" = 1 ] && venv_flags=
  # Debian's own python3 needs python3-venv for this; install it once if missing.
  if ! "$base_python" -m venv --help >/dev/null 2>&1 || ! "$base_python" -c "import ensurepip" 2>/dev/null; then
    sudo_cmd=""
    [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
    $sudo_cmd apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq \
      --no-install-recommends python3-venv >/dev/null || true
  fi
  "$base_python" -m venv $venv_flags "$venv" || {
    rm -rf "$venv"
    echo "pike setup: '$base_python -m venv' failed (Debian: apt-get install python3-venv)" >&2; exit 1; }
fi
python="$venv/bin/python"
if ! "$python" -c "import torch, lit, pytest, numpy, matplotlib; assert torch.__version__.startswith('2.11.0')" 2>/dev/null; then
  echo "pike setup: installing Python packages (requirements.txt) into $venv"
  "$python" -m pip install -q -r requirements.txt
fi
# Scripts that run setup.sh (pike-test.sh, pike-example.sh) source
# scripts/pike-env.sh next, so their python3 is this one too.

# `import pike` (python/pike: pike.compile, pike.load) in the environment.
site=$("$python" -c "import sysconfig; print(sysconfig.get_paths()['purelib'])")
[ "$(cat "$site/pike.pth" 2>/dev/null)" = "$root/python" ] || echo "$root/python" > "$site/pike.pth"

if ! command -v nvcc >/dev/null 2>&1 && [ -x /usr/local/cuda/bin/nvcc ]; then
  export PATH=/usr/local/cuda/bin:$PATH
fi

# PIKE_SETUP_ONLY=1: install dependencies, build nothing.
[ "${PIKE_SETUP_ONLY:-0}" = 1 ] && exit 0
build_dir=${PIKE_BUILD_DIR:-build}
# (Re)configure when there is no build yet or it was configured with another
# Python (the tests run it: lit's %python, kernelbench, the examples).
cached_python=$(sed -n 's/^Python3_EXECUTABLE:[A-Z]*=//p' "$build_dir/CMakeCache.txt" 2>/dev/null || true)
if [ ! -f "$build_dir/build.ninja" ] || [ "$cached_python" != "$python" ]; then
  cmake -G Ninja -S . -B "$build_dir" -DCMAKE_BUILD_TYPE=Release -DPython3_EXECUTABLE="$python" ${PIKE_CMAKE_ARGS:-}
fi
jobs=${PIKE_JOBS:-$(nproc)}
cmake --build "$build_dir" -j "$jobs"
