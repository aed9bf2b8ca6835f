"""Builds a model for the weights-file tests and checks a weights file against it.

    weights_check.py make DIR            -> DIR/mixed.pt, DIR/mixed.json
    weights_check.py check WEIGHTS MODEL

`make`: a frozen module with weights that lie in the archive as they are (linear
weights and biases) and one the importer must compute (a transposed weight,
stored as a strided view that the importer makes contiguous).

`check`: reads every tensor of the pike weights file, the ones stored in it and
the ones it takes from its model (its "pike.source_tensors" metadata), and
compares each with the model's tensor constants; prints how many came from
where and exits 1 on a tensor that matches none (or a model constant above the
inline limit that no tensor of the file holds).
"""
import json
import os
import struct
import sys

import torch
import torch.nn as nn

DTYPES = {"F32": torch.float32, "F64": torch.float64, "F16": torch.float16, "BF16": torch.bfloat16,
          "I64": torch.int64, "I32": torch.int32, "I8": torch.int8, "U8": torch.uint8, "BOOL": torch.bool}
INLINE_LIMIT = 64  # ImportOptions::inlineConstantLimit


class Mixed(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(32, 48)
        self.fc2 = nn.Linear(48, 32)
        self.w = nn.Parameter(torch.randn(32, 48))

    def forward(self, x):
        h = torch.relu(self.fc1(x))
        return self.fc2(h) + torch.mm(h, self.w.t())


def make(out):
    os.makedirs(out, exist_ok=True)
    torch.manual_seed(0)
    m = torch.jit.freeze(torch.jit.script(Mixed().eval()))
    m.save(os.path.join(out, "mixed.pt"))
    with open(os.path.join(out, "mixed.json"), "w") as f:
        json.dump({"inputs": [{"name": "x", "shape": [4, 32], "dtype": "float32"}]}, f)


def from_bytes(data, dtype, shape):
    t = torch.frombuffer(bytearray(data), dtype=DTYPES[dtype]) if data else torch.empty(0, dtype=DTYPES[dtype])
    return t.reshape(shape)


def check(weights, model):
    blob = open(weights, "rb").read()
    n = struct.unpack("<Q", blob[:8])[0]
    header = json.loads(blob[8:8 + n])
    data = blob[8 + n:]
    tensors = {}
    for name, e in header.items():
        if name == "__metadata__":
            continue
        b, end = e["data_offsets"]
        tensors[name] = from_bytes(data[b:end], e["dtype"], e["shape"])
    stored = len(tensors)
    meta = header.get("__metadata__", {})
    source = json.loads(meta.get("pike.source_tensors", "{}"))
    if source:
        src = open(meta["pike.source"], "rb").read()
        for name, e in source.items():
            b, end = e["file_offsets"]
            tensors[name] = from_bytes(src[b:end], e["dtype"], e["shape"])
    print(f"stored {stored} from model {len(source)}")
    m = torch.jit.load(model)
    consts = [n.output().toIValue() for n in m.forward.graph.nodes()
              if n.kind() == "prim::Constant" and n.output().type().kind() == "TensorType"]
    consts = [c for c in consts if c.numel() > INLINE_LIMIT]
    bad = 0
    for name, t in sorted(tensors.items()):
        if not any(c.shape == t.shape and c.dtype == t.dtype and torch.equal(c, t) for c in consts) and \
                not any(c.t().shape == t.shape and torch.equal(c.t(), t) for c in consts if c.dim() == 2):
            print(f"WRONG {name}")
            bad += 1
    for c in consts:
        if not any(torch.equal(c, t) or (c.dim() == 2 and torch.equal(c.t(), t)) for t in tensors.values()):
            print(f"MISSING a {list(c.shape)} constant of the model")
            bad += 1
    if bad:
        return 1
    print("all weights match the model's")
    return 0


def main():
    if sys.argv[1] == "make":
        make(sys.argv[2])
        return 0
    return check(sys.argv[2], sys.argv[3])


if __name__ == "__main__":
    sys.exit(main())
