import torch
import torch.nn as nn

# Swin-style window attention: partition into ws x ws windows, multi-head attention
# with a learned relative position bias, merge windows back.
BATCH, H, W, C, WINDOW, HEADS = 8, 56, 56, 96, 7, 3


class Model(nn.Module):
    def __init__(self, dim, window, heads):
        super().__init__()
        self.window = window
        self.heads = heads
        self.scale = (dim // heads) ** -0.5
        self.qkv = nn.Linear(dim, 3 * dim)
        self.proj = nn.Linear(dim, dim)
        self.bias_table = nn.Parameter(torch.randn((2 * window - 1) ** 2, heads) * 0.02)
        coords = torch.stack(torch.meshgrid(torch.arange(window), torch.arange(window), indexing="ij")).flatten(1)
        rel = (coords[:, :, None] - coords[:, None, :]).permute(1, 2, 0) + (window - 1)
        self.register_buffer("rel_index", rel[..., 0] * (2 * window - 1) + rel[..., 1])

    def forward(self, x):
        b, h, w, c = x.shape
        ws = self.window
        n = ws * ws
        win = x.view(b, h // ws, ws, w // ws, ws, c).permute(0, 1, 3, 2, 4, 5).reshape(-1, n, c)
        qkv = self.qkv(win).reshape(-1, n, 3, self.heads, c // self.heads).permute(2, 0, 3, 1, 4)
        q, k, v = qkv[0], qkv[1], qkv[2]
        attn = torch.matmul(q * self.scale, k.transpose(-2, -1))
        bias = self.bias_table[self.rel_index.reshape(-1)].reshape(n, n, self.heads).permute(2, 0, 1)
        attn = torch.softmax(attn + bias.unsqueeze(0), dim=-1)
        out = torch.matmul(attn, v).transpose(1, 2).reshape(-1, n, c)
        out = self.proj(out)
        out = out.view(b, h // ws, w // ws, ws, ws, c).permute(0, 1, 3, 2, 4, 5).reshape(b, h, w, c)
        return out


def get_inputs():
    return [torch.randn(BATCH, H, W, C)]


def get_init_inputs():
    return [C, WINDOW, HEADS]


def get_small_inputs():
    return [torch.randn(1, 8, 8, 8)]


def get_small_init_inputs():
    return [8, 4, 2]
