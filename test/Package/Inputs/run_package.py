"""Runs a built pike package on the CPU against the TorchScript it came from.

usage: run_package.py ORIGINAL.pt SPEC.json PACKAGE_DIR
Prints the largest absolute difference between the package's outputs and the
original's on one random input, and whether every output is contiguous. The
environment (PIKE_CHANNELS_LAST, PIKE_CUDA_GRAPH) reaches the package runtime.
"""
import json
import os
import sys

import torch

original, spec, pkg = sys.argv[1:4]
torch.ops.load_library(os.path.join(pkg, "lib", "libpike_ops.so"))
model = torch.jit.load(os.path.join(pkg, "model.pt"))
reference = torch.jit.load(original)
torch.manual_seed(1)
inputs = [torch.randn(*i["shape"]) for i in json.load(open(spec))["inputs"]]
with torch.no_grad():
    got, want = model(*inputs), reference(*inputs)
got = list(got) if isinstance(got, (list, tuple)) else [got]
want = list(want) if isinstance(want, (list, tuple)) else [want]
diff = max(float((g - w).abs().max()) for g, w in zip(got, want))
print(f"outputs {len(got)} max_abs_diff {'ok' if diff < 1e-4 else diff} contiguous {all(g.is_contiguous() for g in got)}")
