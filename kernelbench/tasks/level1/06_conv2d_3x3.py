import torch
import torch.nn as nn

# Standard 3x3 convolution, stride 1, padding 1.
BATCH, C_IN, C_OUT, H, W = 16, 64, 128, 112, 112


class Model(nn.Module):
    def __init__(self, c_in, c_out):
        super().__init__()
        self.conv = nn.Conv2d(c_in, c_out, kernel_size=3, padding=1)

    def forward(self, x):
        return self.conv(x)


def get_inputs():
    return [torch.randn(BATCH, C_IN, H, W)]


def get_init_inputs():
    return [C_IN, C_OUT]


def get_small_inputs():
    return [torch.randn(2, 4, 10, 12)]


def get_small_init_inputs():
    return [4, 6]
