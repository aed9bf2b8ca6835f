"""Scripted models with `for` loops, for scripted-loops.test.

    scripted_loops.py OUT_DIR  -> OUT_DIR/{steps,data_trips}.pt and .json (input specs)

steps: two recurrent layers over the time steps of the input (`range(x.shape[0])`),
each appending its states to a list it stacks; the second layer's trip count is
the first layer's output size, known only once the first loop's shapes are.
data_trips: a loop whose trip count comes from tensor data (cannot be unrolled).
"""
import json
import os
import sys
from typing import List

import torch
import torch.nn as nn


class Layer(nn.Module):
    def __init__(self, n):
        super().__init__()
        self.proj = nn.Linear(n, n)

    def forward(self, x):
        h = torch.zeros_like(x[0])
        outs: List[torch.Tensor] = []
        for t in range(x.shape[0]):
            h = torch.tanh(x[t] + self.proj(h))
            outs.append(h)
        return torch.stack(outs, dim=0)


class Steps(nn.Module):
    def __init__(self):
        super().__init__()
        self.a = Layer(8)
        self.b = Layer(8)

    def forward(self, x):
        return self.b(self.a(x)[1:])


class DataTrips(nn.Module):
    def forward(self, x):
        y = x
        for _ in range(int(x.sum().abs()) % 3 + 1):
            y = y * 2.0
        return y


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    torch.manual_seed(0)
    for name, model, shape in [("steps", Steps(), [6, 2, 8]), ("data_trips", DataTrips(), [2, 4])]:
        torch.jit.freeze(torch.jit.script(model.eval())).save(os.path.join(out, name + ".pt"))
        with open(os.path.join(out, name + ".json"), "w") as f:
            json.dump({"inputs": [{"name": "x", "shape": shape, "dtype": "float32"}]}, f)


if __name__ == "__main__":
    main()
