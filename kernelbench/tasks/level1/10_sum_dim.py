import torch
import torch.nn as nn

# Sum reduction over one dimension (given at construction), keepdim.
SHAPE = (32, 2048, 1024)
DIM = 1


class Model(nn.Module):
    def __init__(self, dim):
        super().__init__()
        self.dim = dim

    def forward(self, x):
        return torch.sum(x, dim=self.dim, keepdim=True)


def get_inputs():
    return [torch.randn(*SHAPE)]


def get_init_inputs():
    return [DIM]


def get_small_inputs():
    return [torch.randn(3, 20, 7)]


def get_small_init_inputs():
    return [DIM]
