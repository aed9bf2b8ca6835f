import torch
import torch.nn as nn

# Tall-skinny product: many rows, small output width (M >> N).
M, K, N = 16384, 2048, 256


class Model(nn.Module):
    def __init__(self):
        super().__init__()

    def forward(self, A, B):
        return A @ B


def get_inputs():
    return [torch.randn(M, K), torch.randn(K, N)]


def get_init_inputs():
    return []


def get_small_inputs():
    return [torch.randn(256, 32), torch.randn(32, 8)]


def get_small_init_inputs():
    return []
