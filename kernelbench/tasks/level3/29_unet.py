import os
import sys

import torch
import torch.nn as nn

# Shared with the other whole-network tasks: kernelbench/tasks/_batchnorm_calibration.py.
_TASKS_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if _TASKS_DIR not in sys.path:
    sys.path.insert(0, _TASKS_DIR)
from _batchnorm_calibration import calibrate_batchnorm  # noqa: E402

# U-Net (Ronneberger et al. 2015) for 256x256 images with padded convolutions and
# BatchNorm: an encoder of four 2x2 max-pool downsamplings, each level two 3x3
# conv-BN-ReLU layers (32 -> 512 channels), a bottleneck, a decoder that upsamples with
# 2x2 transposed convolutions, concatenates the encoder's feature map of the same level
# (skip connection) and applies two 3x3 conv-BN-ReLU layers, and a 1x1 convolution to
# per-pixel class scores.
BATCH = 4


def double_conv(c_in, c_out):
    return nn.Sequential(
        nn.Conv2d(c_in, c_out, 3, padding=1, bias=False), nn.BatchNorm2d(c_out), nn.ReLU(),
        nn.Conv2d(c_out, c_out, 3, padding=1, bias=False), nn.BatchNorm2d(c_out), nn.ReLU())


class Model(nn.Module):
    def __init__(self, in_ch, classes, base, levels, image):
        super().__init__()
        widths = [base * 2 ** i for i in range(levels + 1)]
        self.down = nn.ModuleList([double_conv(in_ch, widths[0])] +
                                  [double_conv(widths[i], widths[i + 1]) for i in range(levels)])
        self.pool = nn.MaxPool2d(2)
        self.up = nn.ModuleList(nn.ConvTranspose2d(widths[i + 1], widths[i], 2, stride=2)
                                for i in reversed(range(levels)))
        self.up_conv = nn.ModuleList(double_conv(2 * widths[i], widths[i]) for i in reversed(range(levels)))
        self.out = nn.Conv2d(widths[0], classes, 1)
        calibrate_batchnorm(self, torch.randn(1, in_ch, image, image))

    def forward(self, x):
        skips = []
        for i, block in enumerate(self.down):
            x = block(x if i == 0 else self.pool(x))
            skips.append(x)
        x = skips.pop()
        for up, conv in zip(self.up, self.up_conv):
            x = conv(torch.cat([skips.pop(), up(x)], dim=1))
        return self.out(x)


def get_inputs():
    return [torch.randn(BATCH, 3, 256, 256)]


def get_init_inputs():
    return [3, 2, 32, 4, 256]


def get_small_inputs():
    return [torch.randn(2, 3, 16, 16)]


def get_small_init_inputs():
    return [3, 2, 4, 2, 16]
