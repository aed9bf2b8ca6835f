"""scripts/import_check.py: what it reads out of pike-opt's output (no pike-opt needed)."""
import os
import sys

import pytest

KB = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(KB, "scripts"))
import import_check  # noqa: E402

IR = '''module {
  pike.kernel @region_0(%arg0: tensor<8x3x224x224xf32>) -> tensor<8x64x112x112xf32> attributes {entry = "pike_region_0", impl = "reference", pike.pattern = "conv_epilogue"} {
  pike.kernel @region_1(%arg0: tensor<8x64xf32>) -> tensor<8x64xf32> attributes {entry = "pike_region_1", impl = "nvrtc", pike.pattern = "elementwise"} {
  pike.kernel @region_2(%arg0: tensor<8x64xf32>) -> tensor<8x10xf32> attributes {entry = "pike_region_2", impl = "nvcc", pike.pattern = "single"} {
    %1 = pike.opaque "aten::lstm"(%arg0) reason "no lowering" : (tensor<8x64xf32>) -> tensor<8x64xf32>
}
'''
ERR = '''m.pt:29:11: remark: cannot generate a kernel for slot 'region_0': this 7x7 convolution stays on cuDNN
m.pt:31:11: remark: cannot generate a kernel for slot 'region_5': this 3x3 convolution stays on cuDNN
m.pt:40:2: remark: cannot generate a kernel for slot 'region_9': 'aten::max_pool2d' (other) has no code generator
'''


def test_summarize_counts_slots_impls_remarks_and_opaque_ops():
    s = import_check.summarize(IR, ERR)
    assert s["slots"] == 3 and s["generated"] == 2
    assert s["impl"] == {"reference": 1, "nvrtc": 1, "nvcc": 1}
    assert s["opaque"] == {"aten::lstm": 1}
    # slot names and shapes dropped, so the two convolution remarks group together
    assert s["remarks"] == {"cannot generate a kernel for slot: this N convolution stays on cuDNN": 2,
                            "cannot generate a kernel for slot: 'aten::max_pool2d' (other) has no code generator": 1}


def test_missing_pike_opt_is_a_clear_error(tmp_path):
    with pytest.raises(SystemExit, match="pike-opt not executable"):
        import_check.main(["--pike-opt", str(tmp_path / "nope"), "x.py"])


def test_export_failure_is_recorded_and_fails_the_run(tmp_path):
    bad = tmp_path / "99_broken.py"
    bad.write_text("import torch\n\ndef get_inputs():\n    return [torch.randn(2)]\n\ndef get_init_inputs():\n    return []\n")
    rec = import_check.check(str(bad), "/bin/true", str(tmp_path / "work"), small=False, timeout=120)
    assert rec["export_rc"] == 2 and "Model" in rec["error"] and "pike_opt_rc" not in rec
    assert import_check.main(["--pike-opt", "/bin/true", "--work", str(tmp_path / "w2"), str(bad)]) == 1
