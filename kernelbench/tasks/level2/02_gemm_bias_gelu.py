import torch
import torch.nn as nn
import torch.nn.functional as F

# Linear (GEMM + bias) followed by GELU.
BATCH, IN_F, OUT_F = 2048, 4096, 4096


class Model(nn.Module):
    def __init__(self, in_f, out_f):
        super().__init__()
        self.fc = nn.Linear(in_f, out_f)

    def forward(self, x):
        return F.gelu(self.fc(x))


def get_inputs():
    return [torch.randn(BATCH, IN_F)]


def get_init_inputs():
    return [IN_F, OUT_F]


def get_small_inputs():
    return [torch.randn(8, 32)]


def get_small_init_inputs():
    return [32, 24]
