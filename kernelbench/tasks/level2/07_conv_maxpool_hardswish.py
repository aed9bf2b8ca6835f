import torch
import torch.nn as nn
import torch.nn.functional as F

# Conv2d -> MaxPool2d(2) -> Hardswish.
BATCH, C_IN, C_OUT, H, W = 32, 32, 64, 128, 128


class Model(nn.Module):
    def __init__(self, c_in, c_out):
        super().__init__()
        self.conv = nn.Conv2d(c_in, c_out, 3, padding=1)
        self.pool = nn.MaxPool2d(2)

    def forward(self, x):
        return F.hardswish(self.pool(self.conv(x)))


def get_inputs():
    return [torch.randn(BATCH, C_IN, H, W)]


def get_init_inputs():
    return [C_IN, C_OUT]


def get_small_inputs():
    return [torch.randn(2, 3, 8, 8)]


def get_small_init_inputs():
    return [3, 5]
