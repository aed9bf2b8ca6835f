"""Builds the models and files the importer's diagnostic tests read.

usage: diag_models.py NAME OUT_DIR   -> OUT_DIR/NAME.pt (and OUT_DIR/NAME.json, an input spec)
"""
import json
import os
import sys
import zipfile

import torch
import torch.nn as nn


class ThreeUnsupported(nn.Module):
    def forward(self, x):
        a = torch.cosh(x)
        b = torch.sinh(a)
        c = torch.relu(b)
        return torch.atan(c)


class Linear(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(8, 8)

    def forward(self, x):
        return torch.relu(self.fc(x))


class Conv(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 8, 3, padding=1)

    def forward(self, x):
        return torch.relu(self.conv(x))


class DataDependent(nn.Module):
    def forward(self, x):
        return x[x > 0] * 2


class TopKAfterLinear(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(16, 16)

    def forward(self, x):
        return torch.topk(self.fc(x), 2).values


class NoMetaKernels(nn.Module):
    """Operators LibTorch has no C++ meta kernel for: shape rules (roll, flip,
    channel_shuffle) and the zeros proxy (reflection padding)."""

    def forward(self, x):
        y = torch.channel_shuffle(torch.roll(torch.flip(x, [2]), 1, 3), 2)
        return torch.nn.functional.pad(y, (1, 1, 2, 2), mode="reflect")


class AttentionOverTokens(nn.Module):
    """Embedding and scaled_dot_product_attention: no C++ meta kernels; shape rules
    (on zeros they computed the whole attention and materialised the table)."""

    def __init__(self):
        super().__init__()
        self.emb = nn.Embedding(50, 16)
        self.qkv = nn.Linear(16, 48)

    def forward(self, tokens):
        q, k, v = self.qkv(self.emb(tokens)).view(2, 6, 3, 2, 8).permute(2, 0, 3, 1, 4)
        return torch.nn.functional.scaled_dot_product_attention(q, k, v, is_causal=True)


def traced(model, *shapes):
    model.eval()
    with torch.no_grad():
        ts = torch.jit.trace(model, tuple(torch.randn(*s) for s in shapes), check_trace=False)
    return torch.jit.freeze(ts)


def save(ts, out, name, *shapes):
    torch.jit.save(ts, os.path.join(out, name + ".pt"))
    spec = {"inputs": [{"name": f"x{i}", "shape": list(s), "dtype": "float32"}
                       for i, s in enumerate(shapes)]}
    with open(os.path.join(out, name + ".json"), "w") as f:
        json.dump(spec, f)


def flip_debug_pkl(src, dst):
    """Copies a TorchScript archive, flipping bits in the middle of one debug_pkl record."""
    with zipfile.ZipFile(src) as z:
        info = next(i for i in z.infolist() if i.filename.endswith(".debug_pkl"))
    data = bytearray(open(src, "rb").read())
    # Stored (uncompressed) member: data follows the 30-byte local header, name and extra.
    name_len = int.from_bytes(data[info.header_offset + 26:info.header_offset + 28], "little")
    extra_len = int.from_bytes(data[info.header_offset + 28:info.header_offset + 30], "little")
    start = info.header_offset + 30 + name_len + extra_len
    for k in range(info.compress_size // 3, info.compress_size // 3 + 8):
        data[start + k] ^= 0x5A
    open(dst, "wb").write(bytes(data))


def main():
    name, out = sys.argv[1], sys.argv[2]
    os.makedirs(out, exist_ok=True)
    torch.manual_seed(0)
    if name == "three_unsupported":
        save(traced(ThreeUnsupported(), (4, 8)), out, name, (4, 8))
    elif name == "linear":
        save(traced(Linear(), (2, 8)), out, name, (2, 8))
    elif name == "conv":
        save(traced(Conv(), (1, 3, 8, 8)), out, name, (1, 3, 8, 8))
    elif name == "data_dependent":
        save(traced(DataDependent(), (16,)), out, name, (16,))
    elif name == "topk_after_linear":
        save(traced(TopKAfterLinear(), (4, 16)), out, name, (4, 16))
    elif name == "no_meta_kernels":
        save(traced(NoMetaKernels(), (2, 4, 8, 8)), out, name, (2, 4, 8, 8))
    elif name == "attention_tokens":
        model = AttentionOverTokens().eval()
        tokens = torch.randint(0, 50, (2, 6))
        with torch.no_grad():
            ts = torch.jit.freeze(torch.jit.trace(model, (tokens,), check_trace=False))
        torch.jit.save(ts, os.path.join(out, name + ".pt"))
        # The same model not frozen: pike-opt freezes it itself.
        torch.jit.save(torch.jit.trace(model, (tokens,), check_trace=False),
                       os.path.join(out, name + "_unfrozen.pt"))
        with open(os.path.join(out, name + ".json"), "w") as f:
            json.dump({"inputs": [{"name": "tokens", "shape": [2, 6], "dtype": "int64"}]}, f)
    elif name == "state_dict":
        torch.save(Linear().state_dict(), os.path.join(out, name + ".pt"))
    elif name == "pickled_module":
        torch.save(Linear(), os.path.join(out, name + ".pt"))
    elif name == "debug_flip":
        path = os.path.join(out, "linear_src.pt")
        save(traced(Linear(), (2, 8)), out, "linear_src", (2, 8))
        flip_debug_pkl(path, os.path.join(out, name + ".pt"))
        os.replace(os.path.join(out, "linear_src.json"), os.path.join(out, name + ".json"))
    else:
        sys.exit(f"unknown model '{name}'")


if __name__ == "__main__":
    main()
