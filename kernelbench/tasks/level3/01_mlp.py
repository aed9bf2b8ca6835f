import torch
import torch.nn as nn

# Three-layer MLP with ReLU.
BATCH, IN_F, HIDDEN, OUT_F = 1024, 1024, 4096, 1000


class Model(nn.Module):
    def __init__(self, in_f, hidden, out_f):
        super().__init__()
        self.net = nn.Sequential(
            nn.Linear(in_f, hidden), nn.ReLU(),
            nn.Linear(hidden, hidden), nn.ReLU(),
            nn.Linear(hidden, out_f),
        )

    def forward(self, x):
        return self.net(x)


def get_inputs():
    return [torch.randn(BATCH, IN_F)]


def get_init_inputs():
    return [IN_F, HIDDEN, OUT_F]


def get_small_inputs():
    return [torch.randn(4, 16)]


def get_small_init_inputs():
    return [16, 32, 10]
