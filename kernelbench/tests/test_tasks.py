"""Every task constructs, runs on its small shapes, and exports with export.py."""
import os

import pytest
import torch

import export
import taskload

KB = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TASKS = taskload.discover(os.path.join(KB, "tasks"))
IDS = [f"{taskload.task_level(p)}/{taskload.task_name(p)}" for p in TASKS]


def test_task_counts():
    levels = {}
    for p in TASKS:
        levels[taskload.task_level(p)] = levels.get(taskload.task_level(p), 0) + 1
    assert len(TASKS) >= 57, levels
    assert levels.get("level1", 0) >= 10
    assert levels.get("level2", 0) >= 8
    assert levels.get("level3", 0) >= 29
    assert levels.get("level5", 0) >= 7


@pytest.mark.parametrize("path", TASKS, ids=IDS)
def test_task_small_run_and_export(path, tmp_path):
    mod = taskload.load_task(path)
    assert taskload.has_small(mod), "task must define get_small_inputs/get_small_init_inputs"
    # full-size hooks exist and are callable without building the big inputs
    assert isinstance(mod.get_init_inputs(), list)
    model = taskload.make_model(mod, 0, small=True)
    inputs = taskload.make_inputs(mod, 0, small=True)
    with torch.no_grad():
        out = taskload.flat_outputs(model(*inputs))
    assert out, "model returned no tensors"
    for o in out:
        assert o.dtype == torch.float32
        assert torch.isfinite(o).all()
    # same seed -> same weights and inputs (the harness and pike packages rely on it)
    model2 = taskload.make_model(mod, 0, small=True)
    for (n1, p1), (_n2, p2) in zip(model.state_dict().items(), model2.state_dict().items()):
        assert torch.equal(p1, p2), n1
    spec = export.export(path, str(tmp_path), seed=0, small=True)
    for f in ("model.pt", "input_spec.json", "inputs.pt", "outputs.pt", "io.pt"):
        assert (tmp_path / f).exists(), f
    tensors, _ = taskload.flatten(inputs)
    assert [i["shape"] for i in spec["inputs"]] == [list(t.shape) for t in tensors]
    loaded = torch.jit.load(str(tmp_path / "model.pt"))
    ref = torch.load(str(tmp_path / "outputs.pt"))
    ins = torch.load(str(tmp_path / "inputs.pt"))
    with torch.no_grad():
        got = taskload.flat_outputs(loaded(*ins))
    assert len(got) == len(ref) == len(spec["outputs"])
    for g, r in zip(got, ref):
        torch.testing.assert_close(g, r, atol=1e-4, rtol=1e-4)
    io = torch.jit.load(str(tmp_path / "io.pt"))
    bufs = dict(io.named_buffers())
    assert io.num_inputs == len(ins) and io.num_outputs == len(ref)
    for i, t in enumerate(ins):
        assert torch.equal(bufs[f"input_{i}"], t)
    for i, t in enumerate(ref):
        assert torch.equal(bufs[f"output_{i}"], t)
