import torch
import torch.nn as nn

# Linear -> LayerNorm -> ReLU.
BATCH, IN_F, OUT_F = 4096, 1024, 2048


class Model(nn.Module):
    def __init__(self, in_f, out_f):
        super().__init__()
        self.fc = nn.Linear(in_f, out_f)
        self.norm = nn.LayerNorm(out_f)

    def forward(self, x):
        return torch.relu(self.norm(self.fc(x)))


def get_inputs():
    return [torch.randn(BATCH, IN_F)]


def get_init_inputs():
    return [IN_F, OUT_F]


def get_small_inputs():
    return [torch.randn(6, 16)]


def get_small_init_inputs():
    return [16, 20]
