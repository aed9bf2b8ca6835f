import math
import torch
import torch.nn as nn
import torch.nn.functional as F

# A Mamba-2 language-model backbone (Dao & Gu 2024) without the LM head: token embedding,
# 8 residual layers of RMSNorm + Mamba-2 mixer, final RMSNorm; returns the hidden states.
# Mixer: one input projection to (z, xBC, dt); causal depthwise conv1d (kernel 4) + SiLU
# over xBC; the selective state-space scan computed with the chunked SSD algorithm
# (quadratic form inside 64-token chunks, states passed between chunks); skip D*x; gated
# RMSNorm(y * SiLU(z)); output projection. One group of B/C shared by all heads.
BATCH, SEQ, VOCAB = 4, 1024, 50277


def segsum(x):
    """x[..., T] -> [..., T, T] with out[..., i, j] = sum(x[..., j+1:i+1]) for i >= j, -inf above."""
    t = x.shape[-1]
    x = x.unsqueeze(-1).expand(*x.shape, t)
    strict = torch.tril(torch.ones(t, t, dtype=torch.bool, device=x.device), diagonal=-1)
    s = torch.cumsum(x.masked_fill(~strict, 0.0), dim=-2)
    keep = torch.tril(torch.ones(t, t, dtype=torch.bool, device=x.device), diagonal=0)
    return s.masked_fill(~keep, float("-inf"))


def ssd_scan(x, dt, A, B, C, chunk):
    """y[t] = C[t] . h[t], h[t] = exp(A dt[t]) h[t-1] + dt[t] x[t] B[t]^T, h[-1] = 0.

    x: (b, L, h, p), dt: (b, L, h), A: (h), B, C: (b, L, n); returns (b, L, h, p)."""
    b, L, h, p = x.shape
    c = L // chunk
    X = (x * dt.unsqueeze(-1)).reshape(b, c, chunk, h, p)
    Ad = (A * dt).reshape(b, c, chunk, h).permute(0, 3, 1, 2)         # (b, h, c, l)
    Bc, Cc = B.reshape(b, c, chunk, -1), C.reshape(b, c, chunk, -1)
    A_cum = torch.cumsum(Ad, dim=-1)
    Y_diag = torch.einsum("bcln,bcsn,bhcls,bcshp->bclhp", Cc, Bc, torch.exp(segsum(Ad)), X)
    states = torch.einsum("bcln,bhcl,bclhp->bchpn", Bc, torch.exp(A_cum[:, :, :, -1:] - A_cum), X)
    states = torch.cat([torch.zeros_like(states[:, :1]), states], dim=1)
    decay_chunk = torch.exp(segsum(F.pad(A_cum[:, :, :, -1], (1, 0))))  # (b, h, c+1, c+1)
    states = torch.einsum("bhzc,bchpn->bzhpn", decay_chunk, states)[:, :-1]
    Y_off = torch.einsum("bcln,bchpn,bhcl->bclhp", Cc, states, torch.exp(A_cum))
    return (Y_diag + Y_off).reshape(b, L, h, p)


class RMSNorm(nn.Module):
    def __init__(self, dim, eps=1e-5):
        super().__init__()
        self.eps = eps
        self.weight = nn.Parameter(torch.ones(dim))

    def forward(self, x):
        return x * torch.rsqrt(torch.mean(x * x, dim=-1, keepdim=True) + self.eps) * self.weight


class Mamba2Mixer(nn.Module):
    def __init__(self, d_model, d_inner, head_dim, d_state, conv_k, chunk):
        super().__init__()
        self.d_inner, self.heads, self.head_dim, self.d_state, self.chunk = \
            d_inner, d_inner // head_dim, head_dim, d_state, chunk
        conv_dim = d_inner + 2 * d_state
        self.in_proj = nn.Linear(d_model, d_inner + conv_dim + self.heads, bias=False)
        self.conv = nn.Conv1d(conv_dim, conv_dim, conv_k, groups=conv_dim, padding=conv_k - 1)
        self.A_log = nn.Parameter(torch.log(torch.empty(self.heads).uniform_(1.0, 16.0)))
        self.dt_bias = nn.Parameter(torch.empty(self.heads).uniform_(math.log(1e-3), math.log(1e-1)))
        self.D = nn.Parameter(torch.ones(self.heads))
        self.norm = RMSNorm(d_inner)
        self.out_proj = nn.Linear(d_inner, d_model, bias=False)

    def forward(self, u):
        b, L, _ = u.shape
        z, xBC, dt = torch.split(self.in_proj(u), [self.d_inner, self.d_inner + 2 * self.d_state, self.heads], -1)
        xBC = F.silu(self.conv(xBC.transpose(1, 2))[..., :L].transpose(1, 2))
        x, B, C = torch.split(xBC, [self.d_inner, self.d_state, self.d_state], dim=-1)
        x = x.reshape(b, L, self.heads, self.head_dim)
        y = ssd_scan(x, F.softplus(dt + self.dt_bias), -torch.exp(self.A_log), B, C, self.chunk)
        y = (y + x * self.D.view(1, 1, -1, 1)).reshape(b, L, self.d_inner)
        return self.out_proj(self.norm(y * F.silu(z)))


class Layer(nn.Module):
    def __init__(self, d_model, *mixer_args):
        super().__init__()
        self.norm = RMSNorm(d_model)
        self.mixer = Mamba2Mixer(d_model, *mixer_args)

    def forward(self, x):
        return x + self.mixer(self.norm(x))


class Model(nn.Module):
    def __init__(self, vocab, d_model, depth, head_dim, d_state, conv_k, chunk):
        super().__init__()
        self.embed = nn.Embedding(vocab, d_model)
        nn.init.normal_(self.embed.weight, std=0.02)
        self.layers = nn.Sequential(*[Layer(d_model, 2 * d_model, head_dim, d_state, conv_k, chunk)
                                      for _ in range(depth)])
        self.norm_f = RMSNorm(d_model)

    def forward(self, ids):
        return self.norm_f(self.layers(self.embed(ids)))


def get_inputs():
    return [torch.randint(0, VOCAB, (BATCH, SEQ))]


def get_init_inputs():
    return [VOCAB, 512, 8, 64, 64, 4, 64]


def get_small_inputs():
    return [torch.randint(0, 50, (2, 16))]


def get_small_init_inputs():
    return [50, 8, 2, 4, 3, 4, 4]
