"""export.py: naming, bound constants, modes, and the error paths (message + non-zero exit)."""
import json
import os
import subprocess
import sys
import textwrap

import pytest
import torch

import export
import taskload

KB = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
EXPORT = os.path.join(KB, "export.py")


def write_task(tmp_path, name, body):
    p = tmp_path / name
    p.write_text(textwrap.dedent(body))
    return str(p)


GOOD = """
import torch
import torch.nn as nn

class Model(nn.Module):
    def __init__(self, n):
        super().__init__()
        self.fc = nn.Linear(n, n)

    def forward(self, x, scale, opts):
        return self.fc(x) * scale + opts[1]

def get_inputs():
    return [torch.randn(3, 4), 2.5, (None, 7)]

def get_init_inputs():
    return [4]
"""


def test_module_name_is_identifier_safe():
    name = taskload.module_name_for("/x/22_EfficientNetB0.py")
    assert name.isidentifier() and name.startswith("pike_task_22_EfficientNetB0")


def test_digit_named_task_with_non_tensor_inputs(tmp_path):
    path = write_task(tmp_path, "22_Digits-and-dash.py", GOOD)
    out = tmp_path / "out"
    spec = export.export(path, str(out), seed=3)
    assert spec["task"] == "22_Digits-and-dash"
    assert spec["seed"] == 3
    assert [i["shape"] for i in spec["inputs"]] == [[3, 4]]
    assert spec["bound_constants"] == {"arg_1": 2.5, "arg_2.0": None, "arg_2.1": 7}
    mod = taskload.load_task(path)
    model = taskload.make_model(mod, 3)
    x = torch.randn(3, 4)
    loaded = torch.jit.load(str(out / "model.pt"))
    torch.testing.assert_close(loaded(x), model(x, 2.5, (None, 7)))
    with open(out / "input_spec.json") as f:
        assert json.load(f)["outputs"][0]["shape"] == [3, 4]


def test_script_mode_and_fallback(tmp_path):
    soft = os.path.join(KB, "tasks", "level1", "08_softmax.py")
    assert export.export(soft, str(tmp_path / "a"), mode="script", small=True)["mode"] == "script"
    llama = os.path.join(KB, "tasks", "level5", "04_llama_decode_layer.py")
    spec = export.export(llama, str(tmp_path / "b"), mode="script", small=True)
    assert spec["mode"] == "trace" and spec["notes"] and "script failed" in spec["notes"][0]
    assert spec["bound_constants"] == {"arg_3": 5}


def test_task_export_mode(tmp_path):
    # auto takes the task's EXPORT_MODE (the GRU stack keeps its time loop a loop);
    # an explicit --mode wins; a bad value is an error naming it.
    gru = os.path.join(KB, "tasks", "level3", "28_gru_stack.py")
    spec = export.export(gru, str(tmp_path / "gru"), small=True)
    assert spec["mode"] == "script"
    graph = torch.jit.load(str(tmp_path / "gru" / "model.pt")).forward.graph
    assert any(n.kind() == "prim::Loop" for n in graph.nodes())
    assert export.export(gru, str(tmp_path / "gru_t"), mode="trace", small=True)["mode"] == "trace"
    path = write_task(tmp_path, "t.py", GOOD + "\nEXPORT_MODE = 'jit'\n")
    with pytest.raises(export.ExportError, match="EXPORT_MODE = 'jit'"):
        export.export(path, str(tmp_path / "bad"))


def run_cli(*args):
    return subprocess.run([sys.executable, EXPORT, *args], capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize("body,needle", [
    ("import torch\n", "does not define Model, get_inputs, get_init_inputs"),
    (GOOD.replace("return [torch.randn(3, 4), 2.5, (None, 7)]", "raise RuntimeError('boom')"),
     "get_inputs() failed: RuntimeError: boom"),
    (GOOD.replace("return [4]", "return [4, 5, 6]"), "Model(*get_init_inputs()) failed"),
    (GOOD.replace("return self.fc(x) * scale + opts[1]", "return {'y': x, 'n': 3}"),
     "TorchScript conversion failed: trace failed"),
    (GOOD.replace("return self.fc(x) * scale + opts[1]", "return x.shape[0] + 1"), "returned no tensors"),
    ("syntax error here\n", "importing the task failed"),
])
def test_cli_errors(tmp_path, body, needle):
    path = write_task(tmp_path, "bad.py", body)
    r = run_cli(path, "-o", str(tmp_path / "out"))
    assert r.returncode == 2, r.stderr
    assert needle in r.stderr, r.stderr
    assert "bad.py" in r.stderr


def test_cli_missing_file_and_small_without_hooks(tmp_path):
    r = run_cli(str(tmp_path / "nope.py"), "-o", str(tmp_path / "o"))
    assert r.returncode == 2 and "task file not found" in r.stderr
    path = write_task(tmp_path, "t.py", GOOD)
    r = run_cli(path, "-o", str(tmp_path / "o"), "--small")
    assert r.returncode == 2 and "get_small_inputs" in r.stderr


def test_cli_success(tmp_path):
    path = os.path.join(KB, "tasks", "level3", "14_vanilla_rnn_step.py")
    r = run_cli(path, "-o", str(tmp_path / "o"), "--small", "--seed", "1")
    assert r.returncode == 0, r.stderr
    spec = json.loads((tmp_path / "o" / "input_spec.json").read_text())
    assert spec["seed"] == 1 and len(spec["outputs"]) == 2


def test_tracing_bakes_cudnn_tf32_into_convolutions_unless_strict():
    """Why export's reload check re-traces in strict fp32: a traced aten::_convolution
    carries cuDNN's TF32 flag as a constant, which no global setting overrides on the
    reloaded module (ResNet-50 failed the check on an H100 at 2.8 %)."""
    m = torch.nn.Sequential(torch.nn.Conv2d(3, 4, 3), torch.nn.ReLU()).eval()
    x = torch.randn(1, 3, 8, 8)
    with torch.no_grad():
        traced = torch.jit.freeze(torch.jit.trace(m, (x,)).eval())
        with taskload.strict_fp32():
            strict = torch.jit.freeze(torch.jit.trace(m, (x,)).eval())
    assert export._bakes_conv_tf32(traced) == torch.backends.cudnn.allow_tf32
    assert not export._bakes_conv_tf32(strict)
    lin = torch.jit.freeze(torch.jit.trace(torch.nn.Linear(3, 2).eval(), (torch.randn(1, 3),)).eval())
    assert not export._bakes_conv_tf32(lin)
