import math
import torch
import torch.nn as nn

# Multi-head latent attention (DeepSeek-V2 style) for one decode step, in the
# "absorbed" form: queries are mapped into the compressed KV latent space, so the
# cache holds only the latent c_kv [B, S, d_c] and the shared RoPE key [B, S, d_r].
# `pos` (a Python int, the position of the new token) is a non-tensor input.
BATCH, CACHE, D_MODEL, HEADS, D_LATENT, D_ROPE, D_NOPE, D_V = 16, 4096, 2048, 16, 512, 64, 128, 128


def rope(x, pos: int, base: float = 10000.0):
    half = x.shape[-1] // 2
    inv = base ** (-torch.arange(half, dtype=torch.float32, device=x.device) / half)
    ang = inv * pos
    cos, sin = torch.cos(ang), torch.sin(ang)
    x1, x2 = x[..., :half], x[..., half:]
    return torch.cat([x1 * cos - x2 * sin, x1 * sin + x2 * cos], dim=-1)


class Model(nn.Module):
    def __init__(self, d_model, heads, d_latent, d_rope, d_nope, d_v):
        super().__init__()
        self.heads, self.d_rope, self.d_nope = heads, d_rope, d_nope
        self.scale = 1.0 / math.sqrt(d_nope + d_rope)
        self.wq = nn.Linear(d_model, heads * (d_nope + d_rope), bias=False)
        self.w_dkv = nn.Linear(d_model, d_latent + d_rope, bias=False)
        self.w_uk = nn.Parameter(torch.randn(heads, d_nope, d_latent) / math.sqrt(d_nope))
        self.w_uv = nn.Parameter(torch.randn(heads, d_latent, d_v) / math.sqrt(d_latent))
        self.wo = nn.Linear(heads * d_v, d_model, bias=False)
        self.d_latent = d_latent

    def forward(self, x, c_kv, k_rope, pos: int):
        b = x.shape[0]
        q = self.wq(x).view(b, self.heads, self.d_nope + self.d_rope)
        q_nope, q_rope = q[..., :self.d_nope], rope(q[..., self.d_nope:], pos)
        kv_new = self.w_dkv(x)                                        # (b, d_c + d_r)
        c_new = kv_new[:, :self.d_latent]
        kr_new = rope(kv_new[:, self.d_latent:], pos)
        q_lat = torch.einsum("bhd,hdc->bhc", q_nope, self.w_uk)      # absorbed W_uk
        s_cache = torch.matmul(q_lat, c_kv.transpose(1, 2)) + torch.matmul(q_rope, k_rope.transpose(1, 2))
        s_new = (q_lat * c_new.unsqueeze(1)).sum(-1, keepdim=True) + (q_rope * kr_new.unsqueeze(1)).sum(-1, keepdim=True)
        s = torch.cat([s_cache, s_new], dim=-1) * self.scale          # (b, h, S + 1)
        p = torch.softmax(s, dim=-1)
        o_lat = torch.matmul(p[..., :-1], c_kv) + p[..., -1:] * c_new.unsqueeze(1)  # (b, h, d_c)
        o = torch.einsum("bhc,hcv->bhv", o_lat, self.w_uv)
        return self.wo(o.reshape(b, -1))


def get_inputs():
    return [torch.randn(BATCH, D_MODEL), torch.randn(BATCH, CACHE, D_LATENT),
            torch.randn(BATCH, CACHE, D_ROPE), CACHE]


def get_init_inputs():
    return [D_MODEL, HEADS, D_LATENT, D_ROPE, D_NOPE, D_V]


def get_small_inputs():
    return [torch.randn(2, 16), torch.randn(2, 9, 8), torch.randn(2, 9, 4), 9]


def get_small_init_inputs():
    return [16, 2, 8, 4, 6, 5]
