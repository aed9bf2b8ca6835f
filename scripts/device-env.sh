# Sourced by the scripts/device-*.sh scripts on a GPU machine (no MLIR there):
# finds LibTorch and CUDA libraries, and makes the carried build-static/bin/pike-opt
# runnable. Sets PY, PIKE_OPT, WORKER (each unless already set) and exports the
# environment every pike process there needs.
ROOT=${ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
PY=${PYTHON:-python3}
# Never enable NVLink multicast on shared hosts.
export NCCL_NVLS_ENABLE=0 TORCH_SYMM_MEM_DISABLE_MULTICAST=1 NVSHMEM_DISABLE_NVLS=1
export PYTHONUNBUFFERED=1 PIKE_DATA_DIR=$ROOT/data
SITE=$($PY -c "import torch,os;print(os.path.dirname(os.path.dirname(torch.__file__)))")
NVLIBS=$(ls -d "$SITE"/nvidia/*/lib "$SITE"/nvidia/*/*/lib 2>/dev/null | paste -sd:)
export LD_LIBRARY_PATH=$SITE/torch/lib:$NVLIBS:/usr/local/cuda/lib64:/usr/local/cuda/extras/CUPTI/lib64:${LD_LIBRARY_PATH:-}
export PATH=/usr/local/cuda/bin:$PATH

PIKE_OPT=${PIKE_OPT:-$ROOT/build-static/bin/pike-opt}
WORKER=${WORKER:-$ROOT/build/tools/pike-worker/pike-worker}
# libcurl (the LLM clients) and its dependencies travel in build-static/lib; they
# are used only where this host lacks them, and only by pike-opt.
if ldd "$PIKE_OPT" 2>/dev/null | grep -q "not found" && [ -d "$(dirname "$PIKE_OPT")/../lib" ]; then
  _pike_libs=$(cd "$(dirname "$PIKE_OPT")/../lib" && pwd)
  _pike_real=$PIKE_OPT
  PIKE_OPT=$(mktemp /tmp/pike-opt-wrapper.XXXXXX)
  printf '#!/bin/sh\nLD_LIBRARY_PATH="$LD_LIBRARY_PATH:%s" exec "%s" "$@"\n' "$_pike_libs" "$_pike_real" >"$PIKE_OPT"
  chmod +x "$PIKE_OPT"
fi
if ! "$PIKE_OPT" --version >/dev/null 2>&1; then
  echo "pike-opt does not run here:" >&2
  LD_LIBRARY_PATH="$LD_LIBRARY_PATH:${_pike_libs:-}" ldd "${_pike_real:-$PIKE_OPT}" | grep "not found" >&2
  return 1 2>/dev/null || exit 1
fi
export PIKE_OPT WORKER
