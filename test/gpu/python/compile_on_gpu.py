"""pike.compile on a GPU machine, as a Python user runs it: a small CNN (conv,
BN, ReLU, pooling, linear) compiled twice -- with search=True (built-in proposer,
a local pike-worker on this GPU) and from the shipped tuning database -- each
package called on the GPU and compared with eager; pike.load reopens the
searched package. Prints one JSON line per check and exits 1 on any failure."""
import json
import os
import sys
import time

import torch

import pike

out = sys.argv[1]
torch.manual_seed(0)


class SmallNet(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = torch.nn.Conv2d(16, 32, 1)
        self.bn = torch.nn.BatchNorm2d(32)
        self.dw = torch.nn.Conv2d(32, 32, 3, padding=1, groups=32)
        self.fc = torch.nn.Linear(32, 10)

    def forward(self, x):
        y = torch.relu(self.bn(self.conv(x)))
        y = torch.nn.functional.hardswish(self.dw(y))
        return self.fc(y.mean(dim=(2, 3)))


model = SmallNet().eval().cuda()
x = torch.randn(8, 16, 32, 32, device="cuda")
with torch.no_grad():
    ref = model(x)

failures = 0


def check(name, fast, seconds):
    global failures
    with torch.no_grad():
        got = fast(x)
    err = (got - ref).abs().max().item()
    ok = err < 1e-3 and got.device.type == "cuda"
    failures += not ok
    print(json.dumps({"check": name, "ok": ok, "max_abs_err": err, "compile_s": round(seconds, 1),
                      "slots": fast.slots(), "device": torch.cuda.get_device_name()}))


t0 = time.time()
searched = pike.compile(model, (x,), out_dir=os.path.join(out, "searched"), search=True,
                        search_options="search=budget=4,islands=1,elite-k=3")
check("search=True", searched, time.time() - t0)
check("pike.load", pike.load(searched.package_dir), 0)
t0 = time.time()
replayed = pike.compile(model, (x,), out_dir=os.path.join(out, "replayed"))
check("tuning db", replayed, time.time() - t0)
sys.exit(1 if failures else 0)
