#!/usr/bin/env python3
"""The library layering of docs/architecture.md, checked on the sources.

Each rule names the folders it covers and the include prefixes (or CMake link
names) that must never appear there: the dialect knows no LibTorch, the search
engine knows no MLIR, the worker knows no compiler library, the package writer
knows no LibTorch, and on the compiler side only lib/TorchScript includes and
links it; lib/Tuning (the search glue) sits under the passes, and passes/ holds
pass classes only.

    check_layering.py [--root DIR]

Prints one line per violation (file:line: rule: the include) and exits 1 when
there is any, 0 otherwise. --root checks another tree laid out like pike's (the
self-test gives it trees that break each rule).
"""
import argparse
import pathlib
import re
import sys

TORCH = ("torch/", "ATen/", "c10/", "caffe2/")
MLIR = ("mlir/", "llvm/", "mlir-c/")
# Compiler libraries: what the worker half must never include.
COMPILER = ("pike/Dialect/", "pike/Codegen/", "pike/Passes/", "pike/Tuning/",
            "pike/Pipelines/", "pike/TorchScript/", "pike/Package/", "pike/Checker/",
            "pike/LLM/")

# (rule, folders it covers, forbidden include prefixes)
INCLUDE_RULES = [
    ("the dialect knows no LibTorch", ["lib/Dialect", "include/pike/Dialect"],
     TORCH + ("pike/TorchScript/",)),
    ("the search engine knows no MLIR", ["lib/Search", "include/pike/Search"],
     MLIR + TORCH + COMPILER),
    ("the worker knows no compiler library",
     ["tools/pike-worker", "lib/WorkerClient", "include/pike/WorkerClient"], MLIR + COMPILER),
    ("the package writer knows no LibTorch", ["lib/Package", "include/pike/Package"], TORCH),
    # Public headers of lib/TorchScript included: passes and pike-opt see its API only.
    ("only lib/TorchScript includes LibTorch on the compiler side",
     ["lib/Codegen", "lib/Checker", "lib/LLM", "lib/Tuning", "lib/Pipelines", "passes",
      "tools/pike-opt", "tools/pike-db", "include/pike/Codegen", "include/pike/Checker",
      "include/pike/LLM", "include/pike/Passes", "include/pike/Tuning", "include/pike/Pipelines",
      "include/pike/TorchScript", "include/pike/Runtime"], TORCH),
    # The search glue is a library under the passes: passes and pipelines use it, never back.
    ("the tuning library knows no pass or pipeline", ["lib/Tuning", "include/pike/Tuning"],
     ("pike/Passes/", "pike/Pipelines/")),
    ("shared support knows no MLIR or LibTorch",
     ["lib/Support", "include/pike/Support/DType.h", "include/pike/Support/FileLock.h",
      "include/pike/Support/DataDir.h", "include/pike/Support/Sha256.h",
      "include/pike/Support/JsonDepth.h", "include/pike/Support/StringLiteral.h"], TORCH + MLIR),
]

# On the compiler side only lib/TorchScript links LibTorch (the worker, its
# tests and the package's own build are the other half).
TORCH_LINK = re.compile(r"\b(pike_torch_cpu|TORCH_LIBRARIES|torch_cpu)\b")
TORCH_LINK_ALLOWED = ("lib/TorchScript/", "tools/pike-worker/")

INCLUDE = re.compile(r'^\s*#\s*include\s*[<"]([^">]+)[">]')
SOURCES = {".h", ".hpp", ".cpp", ".cc", ".cu", ".cuh", ".inc", ".td"}


def files_under(root, rel):
    p = root / rel
    if p.is_file():
        return [p]
    if not p.is_dir():
        return []
    return sorted(f for f in p.rglob("*") if f.is_file() and f.suffix in SOURCES)


def cmake_lists(root):
    """CMakeLists.txt of the source folders (lib, passes, tools, include), not build trees."""
    out = []
    for top in ("lib", "passes", "tools", "include"):
        out += sorted((root / top).rglob("CMakeLists.txt")) if (root / top).is_dir() else []
    return out


def check(root):
    problems = []
    for rule, folders, forbidden in INCLUDE_RULES:
        for rel in folders:
            for f in files_under(root, rel):
                for n, line in enumerate(f.read_text(errors="replace").splitlines(), 1):
                    m = INCLUDE.match(line)
                    if m and m.group(1).startswith(forbidden):
                        problems.append(f"{f.relative_to(root)}:{n}: {rule}: #include {m.group(1)}")
    # passes/ holds pass classes only (the glue they share lives in lib/Tuning):
    # every source defines a pass generated from Passes.td.
    for f in files_under(root, "passes"):
        if f.suffix == ".cpp" and "GEN_PASS_DEF_" not in f.read_text(errors="replace"):
            problems.append(f"{f.relative_to(root)}:1: passes/ holds pass classes only: "
                            "no GEN_PASS_DEF_ in this file")
    for f in cmake_lists(root):
        rel = f.relative_to(root).as_posix()
        if rel.startswith(TORCH_LINK_ALLOWED):
            continue
        for n, line in enumerate(f.read_text(errors="replace").splitlines(), 1):
            code = line.split("#", 1)[0]
            if TORCH_LINK.search(code):
                problems.append(f"{rel}:{n}: only lib/TorchScript links LibTorch on the "
                                f"compiler side: {code.strip()}")
    return problems


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--root", default=str(pathlib.Path(__file__).resolve().parents[2]),
                    help="the source tree to check (default: this checkout)")
    root = pathlib.Path(ap.parse_args().root).resolve()
    if not (root / "lib").is_dir():
        print(f"check_layering: {root} has no lib/ folder", file=sys.stderr)
        return 2
    problems = check(root)
    for p in problems:
        print(p)
    print(f"check_layering: {len(problems)} violation(s) in {root}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
