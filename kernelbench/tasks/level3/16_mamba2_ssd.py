import math
import torch
import torch.nn as nn
import torch.nn.functional as F

# Mamba-2 style selective state-space layer, the scan computed with the chunked SSD
# algorithm (intra-chunk quadratic form + inter-chunk state passing), all in torch ops.
BATCH, SEQ, D_MODEL, HEADS, HEAD_DIM, D_STATE, CHUNK = 4, 1024, 512, 16, 64, 64, 64


def segsum(x):
    """x[..., T] -> [..., T, T] with out[..., i, j] = sum(x[..., j+1:i+1]) for i >= j, -inf above."""
    t = x.shape[-1]
    x = x.unsqueeze(-1).expand(*x.shape, t)
    lower = torch.tril(torch.ones(t, t, dtype=torch.bool, device=x.device), diagonal=-1)
    x = x.masked_fill(~lower, 0.0)
    s = torch.cumsum(x, dim=-2)
    keep = torch.tril(torch.ones(t, t, dtype=torch.bool, device=x.device), diagonal=0)
    return s.masked_fill(~keep, float("-inf"))


class Model(nn.Module):
    def __init__(self, d_model, heads, head_dim, d_state, chunk):
        super().__init__()
        self.heads, self.head_dim, self.d_state, self.chunk = heads, head_dim, d_state, chunk
        self.in_proj = nn.Linear(d_model, heads * head_dim + heads + 2 * d_state, bias=False)
        self.A_log = nn.Parameter(torch.log(torch.empty(heads).uniform_(1.0, 16.0)))
        self.dt_bias = nn.Parameter(torch.empty(heads).uniform_(math.log(1e-3), math.log(1e-1)))
        self.D = nn.Parameter(torch.ones(heads))
        self.out_proj = nn.Linear(heads * head_dim, d_model, bias=False)

    def forward(self, u):
        b, L, _ = u.shape
        h, p, n, cl = self.heads, self.head_dim, self.d_state, self.chunk
        c = L // cl
        x, dt, Bm, Cm = torch.split(self.in_proj(u), [h * p, h, n, n], dim=-1)
        x = x.reshape(b, L, h, p)
        dt = F.softplus(dt + self.dt_bias)                      # (b, L, h)
        A = -torch.exp(self.A_log)                              # (h)
        X = (x * dt.unsqueeze(-1)).reshape(b, c, cl, h, p)
        Ad = (A * dt).reshape(b, c, cl, h).permute(0, 3, 1, 2)  # (b, h, c, l)
        Bc = Bm.reshape(b, c, cl, n)
        Cc = Cm.reshape(b, c, cl, n)
        A_cum = torch.cumsum(Ad, dim=-1)
        # 1. outputs within each chunk
        Lmat = torch.exp(segsum(Ad))                            # (b, h, c, l, s)
        scores = torch.einsum("bcln,bcsn->bcls", Cc, Bc)
        Y_diag = torch.einsum("bcls,bhcls,bcshp->bclhp", scores, Lmat, X)
        # 2. state at the end of each chunk
        decay_states = torch.exp(A_cum[:, :, :, -1:] - A_cum)  # (b, h, c, l)
        states = torch.einsum("bcln,bhcl,bclhp->bchpn", Bc, decay_states, X)
        # 3. pass states between chunks
        states = torch.cat([torch.zeros_like(states[:, :1]), states], dim=1)
        decay_chunk = torch.exp(segsum(F.pad(A_cum[:, :, :, -1], (1, 0))))  # (b, h, c+1, c+1)
        states = torch.einsum("bhzc,bchpn->bzhpn", decay_chunk, states)[:, :-1]
        # 4. contribution of the carried state to each output
        Y_off = torch.einsum("bcln,bchpn,bhcl->bclhp", Cc, states, torch.exp(A_cum))
        y = (Y_diag + Y_off).reshape(b, L, h, p) + x * self.D.view(1, 1, h, 1)
        return self.out_proj(y.reshape(b, L, h * p))


def get_inputs():
    return [torch.randn(BATCH, SEQ, D_MODEL)]


def get_init_inputs():
    return [D_MODEL, HEADS, HEAD_DIM, D_STATE, CHUNK]


def get_small_inputs():
    return [torch.randn(2, 16, 12)]


def get_small_init_inputs():
    return [12, 2, 4, 3, 4]
