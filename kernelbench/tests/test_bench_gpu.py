"""GPU-only checks of the harness's baselines (skipped without CUDA). On the device:
    python3 -m pytest -q kernelbench/tests/test_bench_gpu.py
"""
import json
import os
import subprocess
import sys

import pytest
import torch

import bench
import report
import taskload

KB = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
pytestmark = pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA device")


def test_eager_cudagraph_replays_with_new_inputs():
    """The captured graph gives eager's outputs for inputs other than the ones it was captured with."""
    mod = taskload.load_task(os.path.join(KB, "tasks", "level3", "19_resnet20_cifar.py"))
    model = taskload.make_model(mod, 0).cuda()
    inputs = [bench.to_device(taskload.make_inputs(mod, s), "cuda") for s in range(3)]
    with torch.no_grad():
        refs = [model(*i).clone() for i in inputs]
        graphed = bench.EagerCudaGraph(model, inputs[0])
        assert graphed.static[0] is not inputs[0][0]          # never writes into the caller's tensors
        for inp, ref in zip(inputs[1:] + inputs[:1], refs[1:] + refs[:1]):
            out = graphed(*inp)
            torch.testing.assert_close(out, ref, atol=1e-4, rtol=1e-4)
        assert not torch.equal(refs[0], refs[1])               # the inputs really differ


def test_every_baseline_method_on_the_gpu(tmp_path):
    """eager, eager_cudagraph and the three torch.compile modes run, are correct, and the report
    derives torch_compile_best from them."""
    out = str(tmp_path / "r.json")
    methods = "eager,eager_cudagraph,torch_compile,torch_compile_reduce_overhead,torch_compile_max_autotune"
    r = subprocess.run([sys.executable, os.path.join(KB, "bench.py"), "--device", "cuda", "--small",
                        "--tasks", "08_softmax,19_resnet20_cifar", "--methods", methods, "--time-budget", "0.05",
                        "--run-id", "gpu-test", "--out-json", out, "--results-dir", str(tmp_path)],
                       capture_output=True, text=True, timeout=900)
    assert r.returncode == 0, r.stdout[-2000:] + r.stderr[-3000:]
    run = json.load(open(out))
    assert run["compile_modes"]["torch_compile_max_autotune"] == "max-autotune"
    for t in run["tasks"]:
        for m in methods.split(","):
            e = t["methods"][m]
            assert e["status"] == "ok" and e["correct"], (t["task"], m, e.get("error"))
    stats = report.compute_stats(run)["level3"]
    assert stats["torch_compile_best"]["correct"] == 1 and stats["torch_compile_best"]["partial"] == 0
    summary = json.load(open(tmp_path / f"{run['card']}-summary.json"))
    assert summary["levels"]["level3"]["run_id"] == "gpu-test"
