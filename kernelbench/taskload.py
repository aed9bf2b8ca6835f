"""Loading KernelBench-format task files.

A task file defines ``class Model(nn.Module)``, ``get_inputs()`` and
``get_init_inputs()``.  Pike's own tasks also define ``get_small_inputs()`` and
``get_small_init_inputs()`` (tiny shapes for CPU tests); files from the official
KernelBench do not, and are run at their full shapes.

Seeding convention (shared by export.py and bench.py, so that a pike package
exported with ``--seed 0`` carries the same weights that bench.py builds):
``torch.manual_seed(seed)`` then ``Model(*get_init_inputs())`` for the weights,
and ``torch.manual_seed(seed)`` then ``get_inputs()`` for the inputs.
"""
import contextlib
import hashlib
import importlib.util
import os
import re
import sys

import torch


class TaskError(Exception):
    """A task file is unusable; the message names the cause."""


def module_name_for(path):
    """Identifier-safe module name: '22_EfficientNetB0.py' -> 'pike_task_22_EfficientNetB0'.

    TorchScript refuses qualified type names whose parts start with a digit, so
    the task module must never be imported under its file name.
    """
    stem = os.path.splitext(os.path.basename(path))[0]
    safe = re.sub(r"\W", "_", stem)
    digest = hashlib.sha1(os.path.abspath(path).encode()).hexdigest()[:6]
    return f"pike_task_{safe}_{digest}"


def task_name(path):
    return os.path.splitext(os.path.basename(path))[0]


def task_level(path):
    """Level taken from the parent folder name ('level3'), or 'other'."""
    parent = os.path.basename(os.path.dirname(os.path.abspath(path)))
    return parent if re.fullmatch(r"level\d+", parent) else "other"


def load_task(path):
    """Import a task file and check it has the three required names."""
    if not os.path.isfile(path):
        raise TaskError(f"task file not found: {path}")
    name = module_name_for(path)
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, path)
    mod = importlib.util.module_from_spec(spec)
    sys.modules[name] = mod
    try:
        spec.loader.exec_module(mod)
    except Exception as e:  # noqa: BLE001 - report any import failure
        del sys.modules[name]
        raise TaskError(f"{path}: importing the task failed: {type(e).__name__}: {e}") from e
    missing = [n for n in ("Model", "get_inputs", "get_init_inputs") if not hasattr(mod, n)]
    if missing:
        del sys.modules[name]
        raise TaskError(f"{path}: task file does not define {', '.join(missing)}")
    if not (isinstance(mod.Model, type) and issubclass(mod.Model, torch.nn.Module)):
        del sys.modules[name]
        raise TaskError(f"{path}: Model is not an nn.Module subclass")
    return mod


def has_small(mod):
    return hasattr(mod, "get_small_inputs") and hasattr(mod, "get_small_init_inputs")


def init_inputs(mod, small=False):
    fn = mod.get_small_init_inputs if (small and has_small(mod)) else mod.get_init_inputs
    try:
        return list(fn())
    except Exception as e:  # noqa: BLE001
        raise TaskError(f"{fn.__name__}() failed: {type(e).__name__}: {e}") from e


def make_model(mod, seed=0, small=False):
    init = init_inputs(mod, small)
    torch.manual_seed(seed)
    try:
        model = mod.Model(*init)
    except Exception as e:  # noqa: BLE001
        raise TaskError(f"Model(*get_init_inputs()) failed: {type(e).__name__}: {e}") from e
    return model.eval()


def make_inputs(mod, seed=0, small=False):
    fn = mod.get_small_inputs if (small and has_small(mod)) else mod.get_inputs
    torch.manual_seed(seed)
    try:
        return list(fn())
    except Exception as e:  # noqa: BLE001
        raise TaskError(f"{fn.__name__}() failed: {type(e).__name__}: {e}") from e


# ---------------------------------------------------------------- flattening
def flatten(obj):
    """Tensors of a (nested) list/tuple, in order, and a template to rebuild it.

    The template holds ('T', i) for the i-th tensor and ('C', value) for any
    other value (int, float, bool, None, str); lists ('L') and tuples ('U') keep
    their kind; dicts ('D') keep their keys in order.
    """
    tensors = []

    def rec(o):
        if isinstance(o, torch.Tensor):
            tensors.append(o)
            return ("T", len(tensors) - 1)
        if isinstance(o, (list, tuple)):
            return ("L" if isinstance(o, list) else "U", [rec(x) for x in o])
        if isinstance(o, dict):
            return ("D", [(k, rec(v)) for k, v in o.items()])
        return ("C", o)

    return tensors, rec(obj)


def unflatten(template, tensors):
    kind, val = template
    if kind == "T":
        return tensors[val]
    if kind == "C":
        return val
    if kind == "D":
        return {k: unflatten(t, tensors) for k, t in val}
    items = [unflatten(t, tensors) for t in val]
    return items if kind == "L" else tuple(items)


def flat_outputs(out):
    tensors, _ = flatten(out)
    return tensors


def bound_constants(template, prefix="arg"):
    """{'arg_3': 7, ...}: the non-tensor leaves of an input template, keyed by
    argument position (arg_3 = 4th forward argument; arg_2.1 = its 2nd element)."""
    res = {}

    def rec(t, path):
        kind, val = t
        if kind == "C":
            res[path] = val if isinstance(val, (int, float, bool, str, type(None))) else repr(val)
        elif kind in ("L", "U"):
            for i, sub in enumerate(val):
                rec(sub, f"{path}.{i}")
        elif kind == "D":
            for k, sub in val:
                rec(sub, f"{path}.{k}")

    for i, sub in enumerate(template[1]):
        rec(sub, f"{prefix}_{i}")
    return res


def discover(tasks_dir, levels=None, names=None):
    """Sorted task files under tasks_dir (recursively), filtered by level and name."""
    found = []
    for root, _dirs, files in os.walk(tasks_dir):
        for f in files:
            if f.endswith(".py") and not f.startswith("_"):
                found.append(os.path.join(root, f))
    found.sort(key=lambda p: (task_level(p), os.path.basename(p)))
    if levels:
        found = [p for p in found if task_level(p) in levels]
    if names:
        found = [p for p in found
                 if task_name(p) in names or f"{task_level(p)}/{task_name(p)}" in names]
    return found


@contextlib.contextmanager
def strict_fp32():
    """TF32 off for cuBLAS and cuDNN while checking an export: the check is about the
    graph (frozen, conv-BN folded) computing what eager computes, not about TF32
    rounding, which differs between the two graphs' kernels by up to 3 % of the
    output in 50-layer CNNs on an H100 (ResNet-50, GoogLeNet failed the check).
    torch >= 2.9 has per-backend fp32_precision; there the legacy `allow_tf32 = False`
    only sets it to "none" (inherit), which on the H100 still left ResNet-50 at 2.8 %:
    "ieee" is what forbids TF32."""
    conv = getattr(getattr(torch.backends.cudnn, "conv", None), "fp32_precision", None)
    matmul = getattr(torch.backends.cuda.matmul, "fp32_precision", None)
    if conv is not None and matmul is not None:
        torch.backends.cudnn.conv.fp32_precision = "ieee"
        torch.backends.cuda.matmul.fp32_precision = "ieee"
        try:
            yield
        finally:
            torch.backends.cudnn.conv.fp32_precision = conv
            torch.backends.cuda.matmul.fp32_precision = matmul
        return
    legacy = torch.backends.cuda.matmul.allow_tf32, torch.backends.cudnn.allow_tf32
    torch.backends.cuda.matmul.allow_tf32 = torch.backends.cudnn.allow_tf32 = False
    try:
        yield
    finally:
        torch.backends.cuda.matmul.allow_tf32, torch.backends.cudnn.allow_tf32 = legacy
