"""pike.compile / pike.load: a thin layer over the pike-opt command line.

Everything the compiler does happens in pike-opt (and pike-worker when searching);
this module only exports the model to TorchScript, writes the input spec, runs
pike-opt and loads the package it wrote. Errors from pike-opt are raised as
PikeError with its diagnostics, never swallowed.
"""
import json
import os
import shutil
import subprocess
import tempfile
import warnings

import torch

_REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


class PikeError(RuntimeError):
    """pike-opt failed, or a package cannot be loaded; the message says why."""


def _find_tool(name, env_var):
    """env var, else the build tree next to this package, else the install prefix, else PATH."""
    cands = [os.environ.get(env_var, "")]
    build = os.environ.get("PIKE_BUILD_DIR", os.path.join(_REPO, "build"))
    cands.append(os.path.join(build, "tools", name, name))
    # Installed: this package lives in <prefix>/share/pike/python/pike.
    cands.append(os.path.join(_REPO, "..", "..", "bin", name))
    for c in cands:
        if c and os.path.isfile(c) and os.access(c, os.X_OK):
            return c
    found = shutil.which(name)
    if found:
        return found
    where = ", ".join(c for c in cands if c) + ", PATH"
    raise PikeError(f"cannot find {name} (looked in {where}); build pike (scripts/setup.sh) "
                    f"or set {env_var}")


def _default_db():
    env = os.environ.get("PIKE_TUNING_DB")
    if env:
        return env
    for tuning in (os.path.join(_REPO, "data", "tuning"), os.path.join(_REPO, "tuning")):
        if not os.path.isdir(tuning):
            continue
        dbs = sorted(f for f in os.listdir(tuning) if f.endswith(".jsonl"))
        if dbs:
            return os.path.join(tuning, dbs[0])
    return None


def _dtype_name(dt):
    return str(dt).replace("torch.", "")


def _as_tuple(example_inputs):
    if isinstance(example_inputs, torch.Tensor):
        return (example_inputs,)
    t = tuple(example_inputs)
    for i, x in enumerate(t):
        if not isinstance(x, torch.Tensor):
            raise PikeError(f"example_inputs[{i}] is a {type(x).__name__}; pike.compile takes tensors "
                            "(bind other arguments in a wrapper module)")
    return t


def export_torchscript(model, example_inputs, out_dir):
    """Traces and freezes `model` on `example_inputs`; writes model.pt and
    input_spec.json into out_dir. Returns (model path, spec path)."""
    inputs = _as_tuple(example_inputs)
    os.makedirs(out_dir, exist_ok=True)
    model = model.eval()
    with torch.no_grad(), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            ts = torch.jit.trace(model, inputs, check_trace=False)
            ts = torch.jit.freeze(ts.eval())
        except Exception as e:  # noqa: BLE001
            raise PikeError(f"TorchScript export of the model failed: {type(e).__name__}: {e}") from e
        outs = ts(*inputs)
    outs = [outs] if isinstance(outs, torch.Tensor) else list(outs)
    model_path = os.path.join(out_dir, "model.pt")
    torch.jit.save(ts, model_path)
    spec = {
        "inputs": [{"name": f"input_{i}", "shape": list(t.shape), "dtype": _dtype_name(t.dtype)}
                   for i, t in enumerate(inputs)],
        "outputs": [{"name": f"output_{i}", "shape": list(t.shape), "dtype": _dtype_name(t.dtype)}
                    for i, t in enumerate(outs) if isinstance(t, torch.Tensor)],
        "torch": torch.__version__,
    }
    spec_path = os.path.join(out_dir, "input_spec.json")
    with open(spec_path, "w") as f:
        json.dump(spec, f, indent=2)
    return model_path, spec_path


def _have_nvcc():
    return shutil.which("nvcc") is not None or os.access("/usr/local/cuda/bin/nvcc", os.X_OK)


def compile(model, example_inputs, *, out_dir=None, search=False, search_options="", db=None,
            precision="fp32", tolerance=None, build=None, extra_args=(), verbose=False):
    """Optimises `model` for `example_inputs` and returns a PikeModule.

    search=False replays the tuning database `db` (default: the shipped one) and
    needs no GPU; search=True searches kernels with the built-in proposer through a
    local pike-worker (needs a GPU) and records them in `db` (default:
    out_dir/tune.db). `search_options` is appended to -pike-search (e.g.
    "search=budget=200"). `build` (default: when nvcc is present) builds the package's
    library; without it the package holds sources only and cannot be called.
    `precision` is the policy (fp32, tf32, bf16, fp16; docs/search.md) and
    `tolerance` an (atol, rtol) pair for the worker's check against the fp32
    reference (default: the policy's).
    """
    if precision not in ("fp32", "tf32", "bf16", "fp16"):
        raise PikeError(f"unknown precision '{precision}' (expected fp32, tf32, bf16 or fp16)")
    if tolerance is not None:
        try:
            atol, rtol = (float(t) for t in tolerance)
        except (TypeError, ValueError):
            raise PikeError(f"tolerance must be an (atol, rtol) pair of numbers, not {tolerance!r}")
        if not (atol >= 0 and rtol >= 0):
            raise PikeError(f"tolerance {tolerance!r}: atol and rtol must be non-negative")
    out_dir = os.path.abspath(out_dir or tempfile.mkdtemp(prefix="pike-"))
    model_path, spec_path = export_torchscript(model, example_inputs, out_dir)
    pike_opt = _find_tool("pike-opt", "PIKE_OPT")
    pkg = os.path.join(out_dir, "package")
    build = _have_nvcc() if build is None else build
    cmd = [pike_opt, model_path, "--input-spec", spec_path, "--emit=package", "-o", pkg,
           f"--precision={precision}", f"--build-package={'true' if build else 'false'}"]
    if tolerance is not None:
        cmd.append(f"--tolerance={atol!r},{rtol!r}")
    if search:
        worker = _find_tool("pike-worker", "PIKE_WORKER")
        db = db or os.path.join(out_dir, "tune.db")
        opts = f"workers=local:1 worker-path={worker} work-dir={os.path.join(out_dir, 'search')} db={db}"
        cmd.append(f"-pike-search={opts} {search_options}".strip())
    else:
        db = db or _default_db()
        if db:
            cmd.append(f"-pike-apply-db={db}")
    cmd += list(extra_args)
    env = dict(os.environ)
    if os.path.isdir("/usr/local/cuda/bin"):
        env["PATH"] = "/usr/local/cuda/bin:" + env.get("PATH", "")
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env)
    if verbose or proc.returncode != 0:
        msg = (proc.stderr or "") + (proc.stdout or "")
        if proc.returncode != 0:
            raise PikeError(f"pike-opt failed (exit {proc.returncode}): {' '.join(cmd)}\n{msg.strip()}")
        print(msg, end="")
    if not build:
        return PikeModule(pkg, loaded=None)
    return load(pkg)


class PikeModule(torch.nn.Module):
    """The rewritten TorchScript module of a package, with its kernel library loaded."""

    def __init__(self, package_dir, loaded):
        super().__init__()
        self.package_dir = package_dir
        self.module = loaded
        report = os.path.join(package_dir, "report.json")
        self.report = json.load(open(report)) if os.path.isfile(report) else {}

    def forward(self, *inputs):
        if self.module is None:
            raise PikeError(f"the package in {self.package_dir} was not built (no nvcc?); build it with "
                            f"cmake -S {self.package_dir} -B {self.package_dir}/build && "
                            f"cmake --build {self.package_dir}/build, then pike.load() it")
        return self.module(*inputs)

    def slots(self):
        """[(slot name, implementation)] from the package report."""
        return [(s.get("name", "?"), s.get("impl", "?")) for s in self.report.get("slots", [])]


_LOADED_LIBS = set()


def load(package_dir, map_location=None):
    """Loads a package written by pike-opt --emit=package (its lib/libpike_ops.so and model.pt)."""
    package_dir = os.path.abspath(package_dir)
    lib = os.path.join(package_dir, "lib", "libpike_ops.so")
    model = os.path.join(package_dir, "model.pt")
    if not os.path.isfile(model) or not os.path.isfile(os.path.join(package_dir, "report.json")):
        raise PikeError(f"{package_dir} is not a pike package (no model.pt and report.json)")
    if not os.path.isfile(lib):
        raise PikeError(f"the package in {package_dir} has no lib/libpike_ops.so: it was written without "
                        "--build-package; build it with CMake first")
    if lib not in _LOADED_LIBS:
        torch.ops.load_library(lib)
        _LOADED_LIBS.add(lib)
    return PikeModule(package_dir, torch.jit.load(model, map_location=map_location))
