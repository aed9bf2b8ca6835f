"""check_layering.py finds every kind of forbidden include and link, and only those."""
import pathlib
import subprocess
import sys

HERE = pathlib.Path(__file__).resolve().parent
CHECK = HERE / "check_layering.py"


def run(root):
    p = subprocess.run([sys.executable, str(CHECK), "--root", str(root)],
                       capture_output=True, text=True)
    return p.returncode, p.stdout.splitlines()[:-1]


def test_each_violation_is_reported():
    rc, lines = run(HERE / "Inputs" / "violations")
    assert rc == 1
    assert sorted(lines) == sorted([
        "include/pike/Search/UsesLlvm.h:2: the search engine knows no MLIR: #include llvm/ADT/StringRef.h",
        "lib/Dialect/UsesTorch.cpp:3: the dialect knows no LibTorch: #include torch/torch.h",
        "lib/Package/UsesATen.cpp:1: the package writer knows no LibTorch: #include ATen/ATen.h",
        "lib/Package/CMakeLists.txt:2: only lib/TorchScript links LibTorch on the compiler side: "
        "target_link_libraries(PikePackage PRIVATE pike_torch_cpu)",
        "lib/Search/UsesMlir.cpp:2: the search engine knows no MLIR: #include mlir/IR/Builders.h",
        "lib/WorkerClient/UsesCodegen.cpp:1: the worker knows no compiler library: #include pike/Codegen/Codegen.h",
        "passes/UsesTorch.cpp:2: only lib/TorchScript includes LibTorch on the compiler side: #include c10/core/ScalarType.h",
        "passes/SearchGlue.cpp:1: passes/ holds pass classes only: no GEN_PASS_DEF_ in this file",
        "lib/Tuning/UsesPasses.cpp:2: the tuning library knows no pass or pipeline: #include pike/Passes/Passes.h",
        "tools/pike-worker/UsesDialect.cpp:2: the worker knows no compiler library: #include pike/Dialect/PikeOps.h",
    ])


def test_allowed_includes_pass():
    rc, lines = run(HERE / "Inputs" / "clean")
    assert (rc, lines) == (0, [])


def test_a_tree_without_lib_is_refused():
    p = subprocess.run([sys.executable, str(CHECK), "--root", str(HERE / "Inputs")],
                       capture_output=True, text=True)
    assert p.returncode == 2 and "has no lib/ folder" in p.stderr
