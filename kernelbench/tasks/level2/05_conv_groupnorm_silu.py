import torch
import torch.nn as nn
import torch.nn.functional as F

# Conv2d -> GroupNorm -> SiLU (the diffusion-UNet pattern).
BATCH, C_IN, C_OUT, H, W, GROUPS = 16, 64, 128, 64, 64, 32


class Model(nn.Module):
    def __init__(self, c_in, c_out, groups):
        super().__init__()
        self.conv = nn.Conv2d(c_in, c_out, 3, padding=1)
        self.norm = nn.GroupNorm(groups, c_out)

    def forward(self, x):
        return F.silu(self.norm(self.conv(x)))


def get_inputs():
    return [torch.randn(BATCH, C_IN, H, W)]


def get_init_inputs():
    return [C_IN, C_OUT, GROUPS]


def get_small_inputs():
    return [torch.randn(2, 4, 6, 6)]


def get_small_init_inputs():
    return [4, 8, 2]
