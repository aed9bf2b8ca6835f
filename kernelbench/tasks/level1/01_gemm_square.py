import torch
import torch.nn as nn

# Square fp32 matrix product C = A @ B.
N = 4096


class Model(nn.Module):
    def __init__(self):
        super().__init__()

    def forward(self, A, B):
        return torch.matmul(A, B)


def get_inputs():
    return [torch.randn(N, N), torch.randn(N, N)]


def get_init_inputs():
    return []


def get_small_inputs():
    return [torch.randn(48, 40), torch.randn(40, 56)]


def get_small_init_inputs():
    return []
