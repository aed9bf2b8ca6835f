import torch
import torch.nn as nn

# Transposed convolution (2x upsampling) -> extra per-channel bias -> tanh.
BATCH, C_IN, C_OUT, H, W = 16, 64, 32, 64, 64


class Model(nn.Module):
    def __init__(self, c_in, c_out):
        super().__init__()
        self.deconv = nn.ConvTranspose2d(c_in, c_out, 4, stride=2, padding=1)
        self.bias = nn.Parameter(torch.randn(1, c_out, 1, 1) * 0.1)

    def forward(self, x):
        return torch.tanh(self.deconv(x) + self.bias)


def get_inputs():
    return [torch.randn(BATCH, C_IN, H, W)]


def get_init_inputs():
    return [C_IN, C_OUT]


def get_small_inputs():
    return [torch.randn(2, 4, 5, 5)]


def get_small_init_inputs():
    return [4, 3]
