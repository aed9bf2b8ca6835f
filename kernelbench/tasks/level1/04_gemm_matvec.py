import torch
import torch.nn as nn

# Matrix-vector product: memory bound, one pass over A.
M, K = 8192, 16384


class Model(nn.Module):
    def __init__(self):
        super().__init__()

    def forward(self, A, x):
        return torch.matmul(A, x)


def get_inputs():
    return [torch.randn(M, K), torch.randn(K, 1)]


def get_init_inputs():
    return []


def get_small_inputs():
    return [torch.randn(64, 128), torch.randn(128, 1)]


def get_small_init_inputs():
    return []
