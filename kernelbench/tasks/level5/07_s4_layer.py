import math
import torch
import torch.nn as nn
import torch.nn.functional as F

# S4D layer: diagonal state-space kernel K[h, l] = 2 Re(sum_n C~_n exp(dt A_n l)),
# built from parameters at every call (real arithmetic for the complex terms), applied
# as a causal convolution via FFT, plus skip D*u, GELU and a 1x1 output mixing.
BATCH, CHANNELS, SEQ, STATE = 8, 256, 2048, 64


class Model(nn.Module):
    def __init__(self, channels, state):
        super().__init__()
        n = state // 2
        self.log_dt = nn.Parameter(torch.empty(channels).uniform_(math.log(1e-3), math.log(1e-1)))
        self.log_a_re = nn.Parameter(torch.log(0.5 * torch.ones(channels, n)))
        self.a_im = nn.Parameter(math.pi * torch.arange(n, dtype=torch.float32).repeat(channels, 1))
        self.c_re = nn.Parameter(torch.randn(channels, n) * 0.5 ** 0.5)
        self.c_im = nn.Parameter(torch.randn(channels, n) * 0.5 ** 0.5)
        self.D = nn.Parameter(torch.randn(channels))
        self.out = nn.Conv1d(channels, channels, 1)

    def kernel(self, length: int):
        dt = torch.exp(self.log_dt).unsqueeze(-1)                  # (H, 1)
        a_re, a_im = -torch.exp(self.log_a_re), self.a_im          # A = a_re + i a_im
        ar, ai = a_re * dt, a_im * dt                              # dt*A
        e = torch.exp(ar)
        p, q = e * torch.cos(ai) - 1.0, e * torch.sin(ai)          # exp(dtA) - 1
        den = a_re * a_re + a_im * a_im
        fr, fi = (p * a_re + q * a_im) / den, (q * a_re - p * a_im) / den   # (exp(dtA)-1)/A
        cr = self.c_re * fr - self.c_im * fi                       # C~ = C (exp(dtA)-1)/A
        ci = self.c_re * fi + self.c_im * fr
        l = torch.arange(length, device=dt.device, dtype=dt.dtype)
        mag = torch.exp(ar.unsqueeze(-1) * l)                      # (H, N, L)
        ang = ai.unsqueeze(-1) * l
        return 2.0 * (cr.unsqueeze(-1) * mag * torch.cos(ang) - ci.unsqueeze(-1) * mag * torch.sin(ang)).sum(1)

    def forward(self, u):
        L = u.shape[-1]
        k = self.kernel(L)                                         # (H, L)
        kf = torch.fft.rfft(k, n=2 * L)
        uf = torch.fft.rfft(u, n=2 * L)
        y = torch.fft.irfft(uf * kf, n=2 * L)[..., :L]
        y = y + u * self.D.unsqueeze(-1)
        return self.out(F.gelu(y))


def get_inputs():
    return [torch.randn(BATCH, CHANNELS, SEQ)]


def get_init_inputs():
    return [CHANNELS, STATE]


def get_small_inputs():
    return [torch.randn(2, 4, 16)]


def get_small_init_inputs():
    return [4, 6]
