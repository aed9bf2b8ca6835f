"""Drives pike.compile / pike.load the way a Python user would, on the CPU:
the package replays the tuning database, is built, and is called in-process."""
import os
import sys

import torch

import pike

out = sys.argv[1]
torch.manual_seed(0)
model = torch.nn.Sequential(torch.nn.Linear(64, 128), torch.nn.ReLU(), torch.nn.Linear(128, 32), torch.nn.GELU())
x = torch.randn(8, 64)

fast = pike.compile(model, (x,), out_dir=out)
print("package", os.path.relpath(fast.package_dir, out))
print("slots", len(fast.slots()))
with torch.no_grad():
    ref = model(x)
    got = fast(x)
print("max_abs_diff", "ok" if (got - ref).abs().max().item() < 1e-4 else (got - ref).abs().max().item())

again = pike.load(fast.package_dir)
with torch.no_grad():
    print("reloaded", "ok" if torch.equal(again(x), got) else "differs")

for bad in [lambda: pike.compile(model, (x,), out_dir=out + "/p", precision="fp8"),
            lambda: pike.load(out),
            lambda: pike.compile(model, (3,), out_dir=out + "/q"),
            lambda: pike.compile(model, (x,), out_dir=out + "/t", precision="bf16", tolerance=(0.05,)),
            lambda: pike.compile(model, (x,), out_dir=out + "/u", precision="bf16", tolerance=(-1, 0.05))]:
    try:
        bad()
        print("no error")
    except pike.PikeError as e:
        print("PikeError:", str(e).splitlines()[0])
