#!/usr/bin/env python3
"""CPU check of the GPU anti-cheat corpus (test/gpu/worker/corpus): no GPU needed.

  check_corpus.py --manifest   validates corpus/manifest.json: every .cu file is used and
                               every used file exists, every case has `expected` (a status or
                               a list of them) and `why`, NVRTC cases have valid launches,
                               every `ok_honest_time` case has its honest control, and there
                               are at least 25 hostile cases.
  check_corpus.py --compile    compiles every source that is meant to compile the way the
                               worker does: NVRTC-mode sources with libnvrtc (through ctypes;
                               `nvcc -cubin` when libnvrtc is not found), nvcc-mode sources
                               with `nvcc -shared -Xcompiler -fPIC -arch=sm_90 -I include`,
                               each with its case's flags.
                               Exits 77 (skipped) when nvcc is not available ($PIKE_NVCC,
                               else PATH, else /usr/local/cuda/bin/nvcc).

Sources used only by compile-sandbox attacks (class "compile") or by cases that expect
`compile_error` are not compiled: they are meant to fail, and some read special files (a
FIFO) when compiled without the worker's sandbox.
"""
import argparse
import concurrent.futures
import ctypes
import ctypes.util
import glob
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", "..", ".."))
CORPUS = os.path.join(HERE, "corpus")
sys.path.insert(0, HERE)
import corpus  # noqa: E402  (TASKS, STATUSES, template substitution; no torch)

SKIP = 77
MIN_HOSTILE = 25


def check_manifest(cases):
    errors = []
    names = set()
    used = set()
    for i, c in enumerate(cases):
        where = "case %d (%s)" % (i, c.get("name", "?"))
        for key in ("name", "file", "task", "mode", "expected", "why", "class"):
            if key not in c:
                errors.append("%s: missing '%s'" % (where, key))
        if not c.get("why"):
            errors.append("%s: empty 'why'" % where)
        if c.get("name") in names:
            errors.append("%s: duplicate name" % where)
        names.add(c.get("name"))
        if "expected_cuda_graph" in c and not corpus.expected_list(c["expected_cuda_graph"]):
            errors.append("%s: expected_cuda_graph %r is not a status or a list of statuses"
                          % (where, c["expected_cuda_graph"]))
        for e in corpus.expected_list(c.get("expected_cuda_graph", [])):
            if e not in corpus.STATUSES:
                errors.append("%s: expected_cuda_graph has unknown status %r" % (where, e))
        exp = corpus.expected_list(c.get("expected"))
        if not exp or any(e not in corpus.STATUSES for e in exp):
            errors.append("%s: expected %r is not a status or a list of statuses %s"
                          % (where, c.get("expected"), sorted(corpus.STATUSES)))
        if c.get("class") == "control" and exp != ["ok"]:
            errors.append("%s: an honest control must expect exactly 'ok'" % where)
        if c.get("task") not in corpus.TASKS:
            errors.append("%s: unknown task %r" % (where, c.get("task")))
        if c.get("mode") not in ("nvrtc", "nvcc"):
            errors.append("%s: mode must be nvrtc or nvcc" % where)
        if c.get("mode") == "nvrtc":
            launches = c.get("launches")
            if not isinstance(launches, list) or not launches:
                errors.append("%s: an NVRTC case needs 'launches'" % where)
            else:
                for l in launches:
                    if not all(k in l for k in ("kernel", "grid", "block", "args")):
                        errors.append("%s: launch %r needs kernel, grid, block, args" % (where, l))
        f = c.get("file")
        if f:
            used.add(f)
            if not os.path.exists(os.path.join(CORPUS, f)):
                errors.append("%s: file %s does not exist" % (where, f))
        if "ok_honest_time" in exp:
            ctl = corpus.honest_control_name(c)
            ctl_case = next((d for d in cases if d.get("name") == ctl), None)
            if not ctl_case or ctl_case.get("class") != "control":
                errors.append("%s: ok_honest_time needs the honest control %s" % (where, ctl))
        if "expect_reply" in c and not (isinstance(c["expect_reply"], dict) and c["expect_reply"]):
            errors.append("%s: expect_reply must be a non-empty object {dotted path: value}" % where)
        if "expect_positive" in c and not (isinstance(c["expect_positive"], list) and c["expect_positive"]
                                           and all(isinstance(x, str) and x for x in c["expect_positive"])):
            errors.append("%s: expect_positive must be a non-empty list of dotted paths" % where)
        if "tf32_bound" in c and not isinstance(c["tf32_bound"], bool):
            errors.append("%s: tf32_bound must be true or false" % where)
        for extra in c.get("check_after", []):
            if not any(d.get("name") == extra.get("control") and d.get("class") == "control" for d in cases):
                errors.append("%s: check_after names %r, not an honest control" % (where, extra))
    for path in sorted(glob.glob(os.path.join(CORPUS, "*.cu"))):
        if os.path.basename(path) not in used:
            errors.append("%s is in the corpus but no case uses it" % os.path.basename(path))
    hostile = [c for c in cases if c.get("class") != "control"]
    controls = [c for c in cases if c.get("class") == "control"]
    if len(hostile) < MIN_HOSTILE:
        errors.append("only %d hostile cases, need at least %d" % (len(hostile), MIN_HOSTILE))
    return errors, len(hostile), len(controls)


def meant_to_compile(cases):
    """file -> (mode, case) for every file some case expects to get past compiling: not the
    compile-sandbox attacks (class "compile") and not the cases that expect only compile_error."""
    files = {}
    for c in cases:
        if c["class"] == "compile" or corpus.expected_list(c["expected"]) == ["compile_error"]:
            continue
        files.setdefault(c["file"], (c["mode"], c))
    return files


def find_nvrtc():
    cands = []
    cuda_home = os.environ.get("CUDA_HOME", "/usr/local/cuda")
    cands += sorted(glob.glob(os.path.join(cuda_home, "lib64", "libnvrtc.so*")))
    found = ctypes.util.find_library("nvrtc")
    if found:
        cands.append(found)
    for c in cands:
        if "builtins" in c or ".alt." in c:
            continue
        try:
            return ctypes.CDLL(c)
        except OSError:
            pass
    return None


def nvrtc_compile(lib, source, arch, include, flags=()):
    prog = ctypes.c_void_p()
    rc = lib.nvrtcCreateProgram(ctypes.byref(prog), source.encode(), b"candidate.cu", 0, None, None)
    if rc != 0:
        return False, "nvrtcCreateProgram failed (%d)" % rc
    opts = [b"--gpu-architecture=" + arch.encode(), b"-std=c++17", b"-lineinfo", b"-I" + include.encode()]
    opts += [f.encode() for f in flags]
    arr = (ctypes.c_char_p * len(opts))(*opts)
    rc = lib.nvrtcCompileProgram(prog, len(opts), arr)
    size = ctypes.c_size_t()
    lib.nvrtcGetProgramLogSize(prog, ctypes.byref(size))
    log = ctypes.create_string_buffer(size.value + 1)
    lib.nvrtcGetProgramLog(prog, log)
    lib.nvrtcDestroyProgram(ctypes.byref(prog))
    return rc == 0, log.value.decode(errors="replace")


def run(cmd):
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    return p.returncode == 0, p.stdout


def compile_all(cases, jobs):
    # PIKE_NVCC as the worker reads it; else PATH, else the default toolkit.
    tried = [os.environ["PIKE_NVCC"]] if os.environ.get("PIKE_NVCC") else [shutil.which("nvcc"),
                                                                           "/usr/local/cuda/bin/nvcc"]
    nvcc = next((t for t in tried if t and os.access(t, os.X_OK)), None)
    if not nvcc:
        print("check_corpus: nvcc not found, compile check skipped")
        return SKIP
    cuda_include = os.path.join(os.path.dirname(os.path.dirname(os.path.realpath(nvcc))), "include")
    lib = find_nvrtc()
    files = meant_to_compile(cases)
    work = tempfile.mkdtemp(prefix="pike-corpus-check-")

    def one(item):
        name, (mode, case) = item
        with open(os.path.join(CORPUS, name)) as f:
            src = corpus.substitute(f.read(), {"@REQ_ID@": "check-1", "@FIFO@": "/dev/null", "@SECRET_FILE@": "/dev/null"})
        path = os.path.join(work, name)
        with open(path, "w") as f:
            f.write(src)
        if mode == "nvrtc" and lib is not None:
            ok, log = nvrtc_compile(lib, src, "sm_90", cuda_include, case.get("flags", []))
            how = "nvrtc"
        elif mode == "nvrtc":
            ok, log = run([nvcc, "-arch=sm_90", "-cubin", "-std=c++17", *case.get("flags", []), "-o", path + ".cubin",
                           path])
            how = "nvcc -cubin"
        else:
            ok, log = run([nvcc, "-shared", "-Xcompiler", "-fPIC", "-arch=sm_90", "-std=c++17",
                           "-I", os.path.join(ROOT, "include"), *case.get("flags", []), "-o", path + ".so", path])
            how = "nvcc -shared"
        return name, how, ok, log

    failed = 0
    with concurrent.futures.ThreadPoolExecutor(max_workers=jobs) as ex:
        for name, how, ok, log in ex.map(one, sorted(files.items())):
            print("%-40s %-13s %s" % (name, how, "ok" if ok else "FAILED"))
            if not ok:
                failed += 1
                print(log[-3000:])
    shutil.rmtree(work, ignore_errors=True)
    print("check_corpus: %d/%d sources compile" % (len(files) - failed, len(files)))
    return 1 if failed else 0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--manifest", action="store_true", help="validate the manifest")
    ap.add_argument("--compile", action="store_true", help="compile every source meant to compile")
    ap.add_argument("-j", "--jobs", type=int, default=2)
    args = ap.parse_args()
    cases = corpus.load_manifest()
    rc = 0
    if args.manifest or not args.compile:
        errors, hostile, controls = check_manifest(cases)
        for e in errors:
            print("manifest: " + e)
        print("check_corpus: %d cases (%d hostile, %d honest controls), %d manifest errors"
              % (len(cases), hostile, controls, len(errors)))
        rc = 1 if errors else 0
    if args.compile:
        crc = compile_all(cases, args.jobs)
        if crc == SKIP and not args.manifest:
            return SKIP
        rc = rc or (crc if crc != SKIP else 0)
    return rc


if __name__ == "__main__":
    sys.exit(main())
