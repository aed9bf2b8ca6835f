import torch
import torch.nn as nn
import torch.nn.functional as F

# Diffusion-transformer (DiT) block with adaLN modulation from a conditioning vector:
# shift/scale/gate for the attention and MLP branches come from Linear(SiLU(c)).
# (The adaLN projection is randomly initialised, not zero as in DiT's training init,
# so that every branch contributes to the output.)
BATCH, TOKENS, DIM, HEADS = 4, 1024, 768, 12


def modulate(x, shift, scale):
    return x * (1 + scale.unsqueeze(1)) + shift.unsqueeze(1)


class Model(nn.Module):
    def __init__(self, dim, heads):
        super().__init__()
        self.heads = heads
        self.norm1 = nn.LayerNorm(dim, elementwise_affine=False, eps=1e-6)
        self.norm2 = nn.LayerNorm(dim, elementwise_affine=False, eps=1e-6)
        self.qkv = nn.Linear(dim, 3 * dim)
        self.proj = nn.Linear(dim, dim)
        self.fc1 = nn.Linear(dim, 4 * dim)
        self.fc2 = nn.Linear(4 * dim, dim)
        self.ada = nn.Linear(dim, 6 * dim)

    def forward(self, x, c):
        b, n, d = x.shape
        sh_a, sc_a, g_a, sh_m, sc_m, g_m = self.ada(F.silu(c)).chunk(6, dim=1)
        h = modulate(self.norm1(x), sh_a, sc_a)
        qkv = self.qkv(h).reshape(b, n, 3, self.heads, d // self.heads).permute(2, 0, 3, 1, 4)
        q, k, v = qkv[0], qkv[1], qkv[2]
        att = torch.softmax(torch.matmul(q, k.transpose(-2, -1)) * (d // self.heads) ** -0.5, dim=-1)
        a = torch.matmul(att, v).transpose(1, 2).reshape(b, n, d)
        x = x + g_a.unsqueeze(1) * self.proj(a)
        h = modulate(self.norm2(x), sh_m, sc_m)
        x = x + g_m.unsqueeze(1) * self.fc2(F.gelu(self.fc1(h), approximate="tanh"))
        return x


def get_inputs():
    return [torch.randn(BATCH, TOKENS, DIM), torch.randn(BATCH, DIM)]


def get_init_inputs():
    return [DIM, HEADS]


def get_small_inputs():
    return [torch.randn(2, 6, 16), torch.randn(2, 16)]


def get_small_init_inputs():
    return [16, 4]
