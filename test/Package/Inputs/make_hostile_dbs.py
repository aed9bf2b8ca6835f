"""Writes tuning databases that must not be trusted, each keyed to the first
elementwise slot of a module (so the record is found and has to be refused for
what it holds, not for a missing key):

  honest.db        the slot's generated code, speedup 2 (control: applied)
  system.db        nvcc source whose static constructor calls system()
  checker-ok.db    hand-written nvcc source that passes the candidate checker
  claim.db         speedup 1e9 while its own times say 0.5x
  zero-time.db     candidateMs 0 (no finite positive time)
  args.db          a launch passing in7, which the slot does not have
  signature.db     a record measured on another signature
  mode.db          mode "python"
  fifo.db          nvcc source including OUTDIR/fifo (a FIFO: opening it blocks)
  macro-include.db nvcc source with a computed #include
  require.db       every other slot's generated code, and system.db's record
  damaged.db       the honest record, then a line that is not JSON
  deep.db          a line nested 100000 levels deep

usage: make_hostile_dbs.py regions.json generated.mlir outdir
"""
import copy
import json
import os
import re
import sys

regions = json.load(open(sys.argv[1]))["regions"]
ir = open(sys.argv[2]).read()
out = sys.argv[3]
os.makedirs(out, exist_ok=True)
slot = next(r for r in regions if r["pattern"] == "elementwise")
m = re.search(r"pike\.kernel @%s\(.*?attributes \{(.*?)\} \{" % slot["name"], ir, re.S)
attrs = m.group(1)
source = re.search(r'source = "((?:[^"\\]|\\.)*)"', attrs).group(1)
# MLIR prints non-printable bytes, '"' and '\\' as \XX hex escapes.
source = re.sub(r"\\([0-9A-Fa-f]{2})", lambda m: chr(int(m.group(1), 16)), source)
kernel = re.search(r'kernel = "([^"]+)"', attrs).group(1)
grid = [int(x) for x in re.search(r"grid = \[([^\]]*)\]", attrs).group(1).split(",")]
block = [int(x) for x in re.search(r"block = \[([^\]]*)\]", attrs).group(1).split(",")]
torch_version = __import__("torch").__version__.split("+")[0]
args = [f"in{i}" for i in range(len(slot["inputs"]))] + [f"out{i}" for i in range(len(slot["outputs"]))]
honest = {
    "key": {"fingerprint": slot["fingerprint"], "arch": "sm_90", "toolkit": "13.0", "torch": torch_version},
    "code": {"source": source, "mode": "nvrtc", "entry": kernel,
             "launches": [{"kernel": kernel, "grid": grid, "block": block, "smem": 0, "args": args}],
             "knobs": {}},
    "speedup": 2.0, "candidateMs": 0.01, "referenceMs": 0.02, "compileMs": 100.0,
    "provenance": {"source": "test", "gpu": "NVIDIA H100 80GB HBM3"},
}

ENTRY = """extern "C" int pike_entry(const PikeTensorRef *inputs, int32_t num_inputs,
                          PikeTensorRef *outputs, int32_t num_outputs, cudaStream_t stream) {
  if (num_inputs < 1 || num_outputs != 1) return -1;
  int64_t n = 1;
  for (int d = 0; d < outputs[0].ndim; ++d) n *= outputs[0].sizes[d];
  copy_kernel<<<(unsigned)((n + 255) / 256), 256, 0, stream>>>((const float *)inputs[0].data,
                                                             (float *)outputs[0].data, n);
  return (int)cudaGetLastError();
}
"""
KERNEL = """#include <cuda_runtime.h>
#include <cstdint>
#include <cstdlib>
#include "pike/Runtime/KernelABI.h"
__global__ void copy_kernel(const float *x, float *y, int64_t n) {
  int64_t i = blockIdx.x * (int64_t)blockDim.x + threadIdx.x;
  if (i < n) y[i] = x[i];
}
"""
SYSTEM = KERNEL + """struct Payload {
  Payload() { system("touch /tmp/pike-hostile-record-ran"); }
};
static Payload payload;
""" + ENTRY


def nvcc(src):
    r = copy.deepcopy(honest)
    r["code"] = {"source": src, "mode": "nvcc", "entry": "pike_entry", "launches": [], "knobs": {}}
    return r


def write(name, *lines):
    with open(os.path.join(out, name), "w") as f:
        for line in lines:
            f.write((line if isinstance(line, str) else json.dumps(line)) + "\n")


write("honest.db", honest)
write("system.db", nvcc(SYSTEM))
write("checker-ok.db", nvcc(KERNEL + ENTRY))
write("fifo.db", nvcc('#include "%s/fifo"\n' % os.path.abspath(out) + KERNEL + ENTRY))
write("macro-include.db", nvcc('#define HEADER "/etc/hostname"\n#include HEADER\n' + KERNEL + ENTRY))
claim = copy.deepcopy(honest)
claim.update(speedup=1e9, candidateMs=0.04, referenceMs=0.02)
write("claim.db", claim)
zero = copy.deepcopy(honest)
zero["candidateMs"] = 0
write("zero-time.db", zero)
bad_args = copy.deepcopy(honest)
bad_args["code"]["launches"][0]["args"] = args[:-1] + ["in7"]
write("args.db", bad_args)
other_sig = copy.deepcopy(honest)
other_sig["signature"] = {"inputs": [{"shape": [1], "dtype": "float32"}], "outputs": [{"shape": [1], "dtype": "float32"}]}
write("signature.db", other_sig)
mode = copy.deepcopy(honest)
mode["code"]["mode"] = "python"
write("mode.db", mode)
others = []
for r in regions:
    if r is slot:
        continue
    m = re.search(r"pike\.kernel @%s\(.*?attributes \{(.*?)\} \{" % r["name"], ir, re.S)
    src = m and re.search(r'source = "((?:[^"\\]|\\.)*)"', m.group(1))
    kern = m and re.search(r'kernel = "([^"]+)"', m.group(1))
    if not src or not kern:
        continue
    a = m.group(1)
    g = [int(x) for x in re.search(r"grid = \[([^\]]*)\]", a).group(1).split(",")]
    b = [int(x) for x in re.search(r"block = \[([^\]]*)\]", a).group(1).split(",")]
    rec = copy.deepcopy(honest)
    rec["key"]["fingerprint"] = r["fingerprint"]
    rec["code"] = {"source": re.sub(r"\\([0-9A-Fa-f]{2})", lambda x: chr(int(x.group(1), 16)), src.group(1)),
                   "mode": "nvrtc", "entry": kern.group(1), "knobs": {},
                   "launches": [{"kernel": kern.group(1), "grid": g, "block": b, "smem": 0,
                                 "args": [f"in{i}" for i in range(len(r["inputs"]))]
                                         + [f"out{i}" for i in range(len(r["outputs"]))]}]}
    others.append(rec)
write("require.db", *(others + [nvcc(SYSTEM)]))
write("damaged.db", honest, '{"key": {"fingerprint": "x"}, "code": [tru')
write("deep.db", "[" * 100000 + "]" * 100000)
