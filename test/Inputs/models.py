"""Builds the small TorchScript models the import tests read.

usage: models.py NAME OUT_DIR   -> OUT_DIR/NAME.pt and OUT_DIR/NAME.json (input spec)
Models are traced (or scripted where that is the point) and frozen, as
kernelbench/export.py does for users.
"""
import json
import os
import sys

import torch
import torch.nn as nn
import torch.nn.functional as F


class MLP(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(32, 64)
        self.fc2 = nn.Linear(64, 16)

    def forward(self, x):
        return self.fc2(F.gelu(self.fc1(x)))


class ConvBN(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 8, 3, padding=1)
        self.bn = nn.BatchNorm2d(8)

    def forward(self, x):
        return F.relu(self.bn(self.conv(x)))


class Residual(nn.Module):
    def __init__(self):
        super().__init__()
        self.c1 = nn.Conv2d(8, 8, 3, padding=1, bias=False)
        self.b1 = nn.BatchNorm2d(8)
        self.c2 = nn.Conv2d(8, 8, 3, padding=1, bias=False)
        self.b2 = nn.BatchNorm2d(8)

    def forward(self, x):
        y = F.relu(self.b1(self.c1(x)))
        y = self.b2(self.c2(y))
        return F.relu(y + x)


class Attention(nn.Module):
    def __init__(self, d=32, heads=4):
        super().__init__()
        self.heads = heads
        self.qkv = nn.Linear(d, 3 * d)
        self.proj = nn.Linear(d, d)

    def forward(self, x):
        b, t, d = x.shape
        q, k, v = self.qkv(x).chunk(3, dim=-1)
        q = q.view(b, t, self.heads, d // self.heads).transpose(1, 2)
        k = k.view(b, t, self.heads, d // self.heads).transpose(1, 2)
        v = v.view(b, t, self.heads, d // self.heads).transpose(1, 2)
        att = torch.softmax(q @ k.transpose(-2, -1) * (1.0 / (d // self.heads) ** 0.5), dim=-1)
        y = (att @ v).transpose(1, 2).reshape(b, t, d)
        return self.proj(y)


class RNNStep(nn.Module):
    def __init__(self):
        super().__init__()
        self.cell = nn.RNNCell(16, 32)
        self.out = nn.Linear(32, 8)

    def forward(self, x, h):
        h2 = self.cell(x, h)
        return self.out(h2), h2


class LSTMStep(nn.Module):
    def __init__(self):
        super().__init__()
        self.cell = nn.LSTMCell(16, 32)

    def forward(self, x, h, c):
        h2, c2 = self.cell(x, (h, c))
        return h2, c2


class StaticIf(nn.Module):
    """Scripted: the branch on a constant attribute folds away when frozen."""

    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(16, 16)
        self.use_tanh = True

    def forward(self, x):
        y = self.fc(x)
        if self.use_tanh:
            y = torch.tanh(y)
        else:
            y = torch.sigmoid(y)
        return y


class DepthwiseLN(nn.Module):
    def __init__(self):
        super().__init__()
        self.dw = nn.Conv2d(8, 8, 3, padding=1, groups=8)
        self.ln = nn.LayerNorm(8)

    def forward(self, x):
        y = self.dw(x).permute(0, 2, 3, 1)
        return F.silu(self.ln(y))


class Softmax(nn.Module):
    def forward(self, x):
        return torch.softmax(x * 0.5, dim=-1)


class SqueezeExcite(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Conv2d(16, 4, 1)
        self.fc2 = nn.Conv2d(4, 16, 1)

    def forward(self, x):
        s = F.adaptive_avg_pool2d(x, 1)
        s = torch.sigmoid(self.fc2(F.relu(self.fc1(s))))
        return x * s


class ChannelShuffle(nn.Module):
    def forward(self, x):
        b, c, h, w = x.size()
        x = x.view(b, 4, c // 4, h, w).transpose(1, 2).contiguous()
        return torch.cat([x.view(b, c, h, w), x.view(b, c, h, w) * 2], dim=1)


class BiasRelu(nn.Module):
    """y = relu(x + b): the region of test/llm_recordings/relu_fix_chain."""

    def __init__(self):
        super().__init__()
        self.b = nn.Parameter(torch.randn(1024))

    def forward(self, x):
        return torch.relu(x + self.b)


class Router(nn.Module):
    """Mixture-of-experts routing: top-2 of a linear gate's logits."""

    def __init__(self):
        super().__init__()
        self.gate = nn.Linear(32, 8, bias=False)

    def forward(self, x):
        weights, experts = torch.topk(self.gate(x), 2, dim=-1)
        return torch.softmax(weights, dim=-1), experts


class PT2MLP(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1, self.fc2 = nn.Linear(8, 16), nn.Linear(16, 4)

    def forward(self, x):
        return self.fc2(torch.relu(self.fc1(x)))


class Unsupported(nn.Module):
    def forward(self, x):
        return torch.cosh(x)


MODELS = {
    "mlp": (MLP, [(4, 32)], "trace"),
    "conv_bn": (ConvBN, [(2, 3, 16, 16)], "trace"),
    "residual": (Residual, [(2, 8, 16, 16)], "trace"),
    "attention": (Attention, [(2, 8, 32)], "trace"),
    "rnn_step": (RNNStep, [(4, 16), (4, 32)], "trace"),
    "lstm_step": (LSTMStep, [(4, 16), (4, 32), (4, 32)], "trace"),
    "static_if": (StaticIf, [(4, 16)], "script"),
    "depthwise_ln": (DepthwiseLN, [(2, 8, 8, 8)], "trace"),
    "softmax": (Softmax, [(8, 128)], "trace"),
    "squeeze_excite": (SqueezeExcite, [(2, 16, 8, 8)], "trace"),
    "channel_shuffle": (ChannelShuffle, [(2, 8, 4, 4)], "trace"),
    "unsupported": (Unsupported, [(4, 4)], "trace"),
    "bias_relu": (BiasRelu, [(4096, 1024)], "trace"),
    "router": (Router, [(16, 32)], "trace"),
    "pt2_mlp": (PT2MLP, [(2, 8)], "export"),
}


def main():
    name, out_dir = sys.argv[1], sys.argv[2]
    cls, shapes, mode = MODELS[name]
    torch.manual_seed(0)
    model = cls().eval()
    inputs = [torch.randn(*s) for s in shapes]
    os.makedirs(out_dir, exist_ok=True)
    if mode == "export":  # torch.export archive: carries its own input shapes
        torch.export.save(torch.export.export(model, tuple(inputs)), os.path.join(out_dir, name + ".pt2"))
        return
    with torch.no_grad():
        if mode == "script":
            ts = torch.jit.script(model)
        else:
            ts = torch.jit.trace(model, tuple(inputs), check_trace=False)
        ts = torch.jit.freeze(ts.eval())
    os.makedirs(out_dir, exist_ok=True)
    ts.save(os.path.join(out_dir, name + ".pt"))
    spec = {"inputs": [{"name": f"x{i}", "shape": list(s), "dtype": "float32"}
                       for i, s in enumerate(shapes)]}
    with open(os.path.join(out_dir, name + ".json"), "w") as f:
        json.dump(spec, f)


if __name__ == "__main__":
    main()
