"""Runs two TorchScript modules on the same random inputs and compares outputs.

usage: compare_modules.py ORIGINAL.pt REWRITTEN.pt SPEC.json [--atol A] [--seeds N]
Prints 'match max_abs_err=...' or exits 1 naming the first mismatch.
"""
import argparse
import json
import sys

import torch


def flat(x):
    if isinstance(x, (tuple, list)):
        out = []
        for e in x:
            out += flat(e)
        return out
    return [x]


def main():
    p = argparse.ArgumentParser()
    p.add_argument("original")
    p.add_argument("rewritten")
    p.add_argument("spec")
    p.add_argument("--atol", type=float, default=1e-4)
    p.add_argument("--seeds", type=int, default=3)
    a = p.parse_args()
    spec = json.load(open(a.spec))
    m1 = torch.jit.load(a.original).eval()
    m2 = torch.jit.load(a.rewritten).eval()
    worst = 0.0
    for seed in range(a.seeds):
        g = torch.Generator().manual_seed(seed)
        inputs = []
        for e in spec["inputs"]:
            dt = getattr(torch, e.get("dtype", "float32").replace("torch.", ""))
            if dt.is_floating_point:
                inputs.append(torch.randn(*e["shape"], generator=g, dtype=dt))
            else:
                inputs.append(torch.randint(0, 4, e["shape"], generator=g, dtype=dt))
        with torch.no_grad():
            o1 = flat(m1(*inputs))
            o2 = flat(m2(*inputs))
        if len(o1) != len(o2):
            print(f"output count differs: {len(o1)} vs {len(o2)}")
            return 1
        for i, (x, y) in enumerate(zip(o1, o2)):
            if x.shape != y.shape or x.dtype != y.dtype:
                print(f"output {i}: {x.shape}/{x.dtype} vs {y.shape}/{y.dtype}")
                return 1
            err = (x.double() - y.double()).abs().max().item() if x.numel() else 0.0
            worst = max(worst, err)
            if not torch.allclose(x.double(), y.double(), atol=a.atol, rtol=a.atol):
                print(f"seed {seed} output {i}: max abs err {err}")
                return 1
    print(f"match max_abs_err={worst:.3g}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
