"""GPU check of a package's channels-last slots (test/Package/channels-last-slot.mlir).

The package computes out = x * s[c] + b[c] with a channels-last kernel (region_0,
pike.layout = "nhwc", channel i % C) and an NCHW one (region_1, channel
(i / (H*W)) % C), and negates each result with one shared layout-agnostic kernel
(region_2 nhwc, region_3 contiguous). Each op must compute the map for inputs
of either layout (its wrapper lays them out as its kernel reads them, without
touching the caller's tensor, and without a copy where the input already has
that layout), and hand out channels-last results exactly where its slot is
nhwc. The packaged model must compute the same under the package's layout policy.

usage: check_channels_last_slot.py PACKAGE_DIR   (prints PASS/FAIL lines; exit 1 on any FAIL)
"""
import json
import os
import sys

import torch

pkg = sys.argv[1]
ns = json.load(open(os.path.join(pkg, "report.json")))["namespace"]
torch.ops.load_library(os.path.join(pkg, "lib", "libpike_ops.so"))
ops = getattr(torch.ops, ns)
failures = []


def check(name, ok):
    print(("PASS: " if ok else "FAIL: ") + name)
    if not ok:
        failures.append(name)


def channels_last_only(t):
    return t.is_contiguous(memory_format=torch.channels_last) and not t.is_contiguous()


def copies(fn):
    """The result of fn() and how many layout changes (aten::contiguous / aten::clone) it dispatched."""
    with torch.profiler.profile(activities=[torch.profiler.ProfilerActivity.CPU]) as prof:
        out = fn()
        torch.cuda.synchronize()
    n = sum(1 for e in prof.events() if e.name in ("aten::contiguous", "aten::clone"))
    return out, n


torch.manual_seed(0)
x = torch.randn(2, 8, 5, 7, device="cuda")
s = torch.randn(8, device="cuda")
b = torch.randn(8, device="cuda")
with torch.no_grad():
    want = x * s.view(1, -1, 1, 1) + b.view(1, -1, 1, 1)
    inputs = {"contiguous": x.clone(), "channels-last": x.contiguous(memory_format=torch.channels_last)}
    for layout, xin in inputs.items():
        before = xin.clone()
        o0, n0 = copies(lambda: ops.region_0(xin, s, b))
        check("region_0 (nhwc) on a %s x computes x * s[c] + b[c]" % layout, torch.allclose(o0, want, rtol=1e-5, atol=1e-5))
        check("region_0 (nhwc) on a %s x returns a channels-last tensor" % layout, channels_last_only(o0))
        check("region_0 (nhwc) on a %s x %s" % (layout, "lays it out channels-last (a copy)" if layout == "contiguous"
                                                  else "reads it in place (no copy)"),
              (n0 > 0) == (layout == "contiguous"))
        o1, n1 = copies(lambda: ops.region_1(xin, s, b))
        check("region_1 (contiguous) on a %s x computes x * s[c] + b[c]" % layout, torch.allclose(o1, want, rtol=1e-5, atol=1e-5))
        check("region_1 (contiguous) on a %s x returns a contiguous tensor" % layout, o1.is_contiguous())
        check("region_1 (contiguous) on a %s x %s" % (layout, "reads it in place (no copy)" if layout == "contiguous"
                                                        else "makes it contiguous (a copy)"),
              (n1 > 0) == (layout == "channels-last"))
        check("the caller's %s x is unchanged (values and layout)" % layout,
              torch.equal(xin, before) and xin.stride() == before.stride())
        o2 = ops.region_2(xin)
        o3 = ops.region_3(xin)
        check("region_2 (nhwc) and region_3 (contiguous) share one kernel and both negate a %s x" % layout,
              torch.equal(o2, -xin) and torch.equal(o3, -xin))
        check("region_2 hands out channels-last, region_3 contiguous (%s x)" % layout,
              channels_last_only(o2) and o3.is_contiguous())

    model = torch.jit.load(os.path.join(pkg, "model.pt")).cuda()
    policy = os.environ.get("PIKE_CHANNELS_LAST", "(package default)")
    for k in range(3):  # capture, then replays
        got = model(x, s, b)
        check("packaged model, PIKE_CHANNELS_LAST=%s, call %d: x*s+b twice and their negations" % (policy, k + 1),
              len(got) == 4 and all(torch.allclose(g, w, rtol=1e-5, atol=1e-5)
                                    for g, w in zip(got, (want, want, -want, -want))))

print("channels-last-slot: %s" % ("all checks passed" if not failures else "%d FAILED" % len(failures)))
sys.exit(1 if failures else 0)
