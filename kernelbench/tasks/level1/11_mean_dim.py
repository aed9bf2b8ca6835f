import torch
import torch.nn as nn

# Mean over the innermost dimension.
SHAPE = (128, 256, 2048)
DIM = 2


class Model(nn.Module):
    def __init__(self, dim):
        super().__init__()
        self.dim = dim

    def forward(self, x):
        return torch.mean(x, dim=self.dim)


def get_inputs():
    return [torch.randn(*SHAPE)]


def get_init_inputs():
    return [DIM]


def get_small_inputs():
    return [torch.randn(3, 4, 50)]


def get_small_init_inputs():
    return [DIM]
