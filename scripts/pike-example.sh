#!/usr/bin/env bash
# The main job on a shipped example, with the built-in default: export a
# KernelBench-format model to TorchScript, import it into the pike dialect,
# partition it into kernel slots and write the AOT package. Without a GPU the
# kernels come from the shipped tuning database (data/tuning/), so the package
# is the one the built-in search produced on the GPU; with PIKE_SEARCH=1 on a
# GPU machine pike searches them itself (pike-worker verifies and times each).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$root/scripts/setup.sh"
source "$root/scripts/pike-env.sh"
cd "$root"
task=${1:-kernelbench/tasks/level3/01_mlp.py}
out=${PIKE_EXAMPLE_OUT:-out/example}
build=${PIKE_BUILD_DIR:-build}
db=${PIKE_TUNING_DB:-data/tuning/h200-builtin.jsonl}
mkdir -p "$out"
python3 kernelbench/export.py "$task" -o "$out"

# A path inside a pass option string is quoted (MLIR's rules), so spaces,
# ',' or '}' in it stay part of the value.
quote() {
  case "$1" in
    *"'"*) case "$1" in *'"'*) echo "pike: cannot quote a path holding both ' and \": $1" >&2; exit 1;; esac
           printf '"%s"' "$1";;
    *) printf "'%s'" "$1";;
  esac
}
if [ "${PIKE_SEARCH:-0}" = 1 ]; then
  kernels=(-pike-search="workers=local:1 worker-path=$(quote "$build/tools/pike-worker/pike-worker") work-dir=$(quote "$out/search") db=$(quote "$out/tune.db")")
else
  kernels=(-pike-apply-db="$db")
fi
# The package library needs nvcc; without it pike still writes the sources.
build_flag=--build-package=false
command -v nvcc >/dev/null 2>&1 || [ -x /usr/local/cuda/bin/nvcc ] && build_flag=--build-package=true
export PATH=/usr/local/cuda/bin:$PATH
"$build/tools/pike-opt/pike-opt" "$out/model.pt" --input-spec "$out/input_spec.json" \
  --emit=package -o "$out/package" "${kernels[@]}" "$build_flag"

python3 - "$out/package" <<'PY'
import json, sys
pkg = sys.argv[1]
regions = json.load(open(pkg + "/regions.json"))["regions"]
report = json.load(open(pkg + "/report.json"))
print(f"pike: {len(regions)} kernel slots, package namespace {report['namespace']}")
for r, s in zip(regions, report["slots"]):
    how = s.get("verified") or s.get("verification") or s.get("fallback_reason") or "reference ops"
    print(f"  {r['name']:>10} {r['pattern']:<16} impl={s['impl']:<9} {' '.join(r['ops'])}")
    print(f"  {'':>10} -> {how}")
PY
echo "pike: package in $out/package (report.md, model.pt, lib/ when built)"
