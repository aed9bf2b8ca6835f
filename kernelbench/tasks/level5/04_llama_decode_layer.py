import math
import torch
import torch.nn as nn
import torch.nn.functional as F

# One Llama decoder layer for a single decode step: RMSNorm, RoPE, grouped-query
# attention over a KV cache given as input (plus the new token), SwiGLU MLP.
# `pos` (a Python int: cache length == position of the new token) is a non-tensor input.
BATCH, CACHE, DIM, HEADS, KV_HEADS, FFN = 16, 2048, 2048, 16, 4, 5632


class RMSNorm(nn.Module):
    def __init__(self, dim, eps=1e-5):
        super().__init__()
        self.eps = eps
        self.weight = nn.Parameter(torch.empty(dim).uniform_(0.8, 1.2))

    def forward(self, x):
        return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + self.eps) * self.weight


def rope(x, pos: int, base: float = 10000.0):
    half = x.shape[-1] // 2
    inv = base ** (-torch.arange(half, dtype=torch.float32, device=x.device) / half)
    ang = inv * pos
    cos, sin = torch.cos(ang), torch.sin(ang)
    x1, x2 = x[..., :half], x[..., half:]
    return torch.cat([x1 * cos - x2 * sin, x1 * sin + x2 * cos], dim=-1)


class Model(nn.Module):
    def __init__(self, dim, heads, kv_heads, ffn):
        super().__init__()
        self.heads, self.kv_heads, self.hd = heads, kv_heads, dim // heads
        self.attn_norm = RMSNorm(dim)
        self.ffn_norm = RMSNorm(dim)
        self.wq = nn.Linear(dim, heads * self.hd, bias=False)
        self.wk = nn.Linear(dim, kv_heads * self.hd, bias=False)
        self.wv = nn.Linear(dim, kv_heads * self.hd, bias=False)
        self.wo = nn.Linear(heads * self.hd, dim, bias=False)
        self.w1 = nn.Linear(dim, ffn, bias=False)
        self.w3 = nn.Linear(dim, ffn, bias=False)
        self.w2 = nn.Linear(ffn, dim, bias=False)

    def forward(self, x, k_cache, v_cache, pos: int):
        # x: (B, D); k_cache, v_cache: (B, KV_HEADS, S, hd)
        b = x.shape[0]
        g = self.heads // self.kv_heads
        h = self.attn_norm(x)
        q = rope(self.wq(h).view(b, self.kv_heads, g, self.hd), pos)
        k = rope(self.wk(h).view(b, self.kv_heads, 1, self.hd), pos)
        v = self.wv(h).view(b, self.kv_heads, 1, self.hd)
        scale = 1.0 / math.sqrt(self.hd)
        s_cache = torch.matmul(q, k_cache.transpose(-2, -1))             # (B, KVH, g, S)
        s_new = (q * k).sum(-1, keepdim=True)                             # (B, KVH, g, 1)
        p = torch.softmax(torch.cat([s_cache, s_new], dim=-1) * scale, dim=-1)
        o = torch.matmul(p[..., :-1], v_cache) + p[..., -1:] * v          # (B, KVH, g, hd)
        x = x + self.wo(o.reshape(b, -1))
        h = self.ffn_norm(x)
        return x + self.w2(F.silu(self.w1(h)) * self.w3(h))


def get_inputs():
    hd = DIM // HEADS
    return [torch.randn(BATCH, DIM), torch.randn(BATCH, KV_HEADS, CACHE, hd),
            torch.randn(BATCH, KV_HEADS, CACHE, hd), CACHE]


def get_init_inputs():
    return [DIM, HEADS, KV_HEADS, FFN]


def get_small_inputs():
    return [torch.randn(2, 16), torch.randn(2, 2, 5, 4), torch.randn(2, 2, 5, 4), 5]


def get_small_init_inputs():
    return [16, 4, 2, 24]
