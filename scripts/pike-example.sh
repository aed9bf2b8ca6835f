#!/usr/bin/env bash
# The main job on a shipped example: export a KernelBench-format model to
# TorchScript, import it into the pike dialect and partition it into kernel
# regions (IR on stdout side by side with the region report).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$root/scripts/setup.sh"
cd "$root"
task=${1:-kernelbench/tasks/level3/03_resnet_basic_block.py}
out=${PIKE_EXAMPLE_OUT:-out/example}
mkdir -p "$out"
python3 kernelbench/export.py "$task" -o "$out"
"${PIKE_BUILD_DIR:-build}/tools/pike-opt/pike-opt" "$out/model.pt" \
  --input-spec "$out/input_spec.json" --emit=kernels -o "$out/model.kernels.mlir" \
  --report="$out/regions.json"
echo "pike: region report:"
python3 -c "import json,sys; d=json.load(open(sys.argv[1])); [print(f\"  {r['name']:>10} {r['pattern']:<16} {' '.join(r['ops'])}\") for r in d['regions']]" "$out/regions.json"
echo "pike: wrote $out/model.kernels.mlir and $out/regions.json"
