import torch
import torch.nn as nn

# Batched matrix product (bmm).
BATCH, M, K, N = 64, 256, 512, 384


class Model(nn.Module):
    def __init__(self):
        super().__init__()

    def forward(self, A, B):
        return torch.bmm(A, B)


def get_inputs():
    return [torch.randn(BATCH, M, K), torch.randn(BATCH, K, N)]


def get_init_inputs():
    return []


def get_small_inputs():
    return [torch.randn(3, 8, 16), torch.randn(3, 16, 12)]


def get_small_init_inputs():
    return []
