import torch
import torch.nn as nn

# LayerNorm over the hidden dimension, with affine weights.
BATCH, SEQ, HIDDEN = 64, 512, 1024


class Model(nn.Module):
    def __init__(self, hidden):
        super().__init__()
        self.norm = nn.LayerNorm(hidden)
        with torch.no_grad():
            self.norm.weight.uniform_(0.5, 1.5)
            self.norm.bias.uniform_(-0.5, 0.5)

    def forward(self, x):
        return self.norm(x)


def get_inputs():
    return [torch.randn(BATCH, SEQ, HIDDEN) * 2.0 + 0.5]


def get_init_inputs():
    return [HIDDEN]


def get_small_inputs():
    return [torch.randn(2, 5, 24) * 2.0 + 0.5]


def get_small_init_inputs():
    return [24]
