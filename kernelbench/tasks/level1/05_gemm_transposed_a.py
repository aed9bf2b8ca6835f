import torch
import torch.nn as nn

# C = A^T @ B with A stored K x M (transposed operand).
K, M, N = 4096, 2048, 3072


class Model(nn.Module):
    def __init__(self):
        super().__init__()

    def forward(self, A, B):
        return torch.matmul(A.t(), B)


def get_inputs():
    return [torch.randn(K, M), torch.randn(K, N)]


def get_init_inputs():
    return []


def get_small_inputs():
    return [torch.randn(32, 24), torch.randn(32, 40)]


def get_small_init_inputs():
    return []
