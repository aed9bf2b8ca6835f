import torch
import torch.nn as nn
import torch.nn.functional as F

# VAE decoder stage (Stable-Diffusion layout): ResNet block (GroupNorm-SiLU-Conv x2 +
# skip) followed by 2x nearest upsampling and a 3x3 convolution.
BATCH, C, H, W = 2, 256, 64, 64


class Model(nn.Module):
    def __init__(self, channels, groups):
        super().__init__()
        self.norm1 = nn.GroupNorm(groups, channels, eps=1e-6)
        self.conv1 = nn.Conv2d(channels, channels, 3, padding=1)
        self.norm2 = nn.GroupNorm(groups, channels, eps=1e-6)
        self.conv2 = nn.Conv2d(channels, channels, 3, padding=1)
        self.up_conv = nn.Conv2d(channels, channels, 3, padding=1)

    def forward(self, x):
        h = self.conv1(F.silu(self.norm1(x)))
        h = self.conv2(F.silu(self.norm2(h)))
        x = x + h
        x = F.interpolate(x, scale_factor=2.0, mode="nearest")
        return self.up_conv(x)


def get_inputs():
    return [torch.randn(BATCH, C, H, W)]


def get_init_inputs():
    return [C, 32]


def get_small_inputs():
    return [torch.randn(1, 8, 6, 6)]


def get_small_init_inputs():
    return [8, 4]
