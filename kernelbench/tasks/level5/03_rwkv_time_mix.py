import torch
import torch.nn as nn

# RWKV-4 time-mixing block. The WKV recurrence
#   wkv_t = (sum_{i<t} e^{(t-1-i)w + k_i} v_i + e^{u+k_t} v_t) / (same without v)
# is evaluated in its parallel form with a [T, T, C] decay matrix.
BATCH, SEQ, DIM = 8, 256, 512


class Model(nn.Module):
    def __init__(self, dim):
        super().__init__()
        self.time_decay = nn.Parameter(torch.empty(dim).uniform_(-3.0, 0.0))   # w = -exp(time_decay)
        self.time_first = nn.Parameter(torch.empty(dim).uniform_(-0.5, 0.5))   # u
        self.mix_k = nn.Parameter(torch.rand(dim))
        self.mix_v = nn.Parameter(torch.rand(dim))
        self.mix_r = nn.Parameter(torch.rand(dim))
        self.key = nn.Linear(dim, dim, bias=False)
        self.value = nn.Linear(dim, dim, bias=False)
        self.receptance = nn.Linear(dim, dim, bias=False)
        self.output = nn.Linear(dim, dim, bias=False)

    def forward(self, x):
        b, t, c = x.shape
        xx = torch.cat([torch.zeros_like(x[:, :1]), x[:, :-1]], dim=1)   # token shift
        k = self.key(x * self.mix_k + xx * (1 - self.mix_k))
        v = self.value(x * self.mix_v + xx * (1 - self.mix_v))
        r = torch.sigmoid(self.receptance(x * self.mix_r + xx * (1 - self.mix_r)))
        w = -torch.exp(self.time_decay)
        pos = torch.arange(t, device=x.device, dtype=x.dtype)
        gap = pos.view(t, 1) - 1 - pos.view(1, t)                         # t - 1 - i
        past = (gap >= 0).unsqueeze(-1)
        decay = torch.where(past, torch.exp(gap.clamp(min=0).unsqueeze(-1) * w), torch.zeros((), device=x.device))
        ek = torch.exp(k)
        num = torch.einsum("tic,bic->btc", decay, ek * v) + torch.exp(self.time_first + k) * v
        den = torch.einsum("tic,bic->btc", decay, ek) + torch.exp(self.time_first + k)
        return self.output(r * (num / den))


def get_inputs():
    return [torch.randn(BATCH, SEQ, DIM)]


def get_init_inputs():
    return [DIM]


def get_small_inputs():
    return [torch.randn(2, 7, 12)]


def get_small_init_inputs():
    return [12]
