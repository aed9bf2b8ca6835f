import torch
import torch.nn as nn
import torch.nn.functional as F

# A chain of pointwise ops on two inputs; eager launches one kernel per op.
SHAPE = (64, 1024, 1024)


class Model(nn.Module):
    def __init__(self):
        super().__init__()

    def forward(self, x, y):
        a = F.gelu(x) * torch.sigmoid(y)
        b = torch.tanh(x - y) * 0.5
        c = torch.clamp(a + b, min=-1.0, max=2.0)
        return c * c + torch.exp(-torch.abs(y))


def get_inputs():
    return [torch.randn(*SHAPE), torch.randn(*SHAPE)]


def get_init_inputs():
    return []


def get_small_inputs():
    return [torch.randn(4, 9, 11), torch.randn(4, 9, 11)]


def get_small_init_inputs():
    return []
