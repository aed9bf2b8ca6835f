import torch
import torch.nn as nn

# Depthwise 3x3 convolution (groups == channels).
BATCH, C, H, W = 32, 256, 56, 56


class Model(nn.Module):
    def __init__(self, channels):
        super().__init__()
        self.conv = nn.Conv2d(channels, channels, kernel_size=3, padding=1, groups=channels, bias=False)

    def forward(self, x):
        return self.conv(x)


def get_inputs():
    return [torch.randn(BATCH, C, H, W)]


def get_init_inputs():
    return [C]


def get_small_inputs():
    return [torch.randn(2, 8, 9, 9)]


def get_small_init_inputs():
    return [8]
