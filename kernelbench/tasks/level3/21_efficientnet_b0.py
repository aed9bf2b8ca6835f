import os
import sys

import torch
import torch.nn as nn
import torch.nn.functional as F

# Shared with the other whole-network tasks: kernelbench/tasks/_batchnorm_calibration.py.
_TASKS_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if _TASKS_DIR not in sys.path:
    sys.path.insert(0, _TASKS_DIR)
from _batchnorm_calibration import calibrate_batchnorm  # noqa: E402

# EfficientNet-B0 (Tan & Le 2019) on 224x224 images: 3x3 stem, seven stages of MBConv
# blocks (1x1 expansion, depthwise 3x3/5x5, squeeze-and-excitation on a quarter of the
# block's input channels, 1x1 projection, identity residual where shapes allow), SiLU
# activations, 1x1 head to 1280 channels, global average pool, classifier. Inference
# mode: BatchNorm with running statistics, no dropout or stochastic depth.
BATCH = 16
# (expansion, kernel, stride, out channels, repeats) per stage
B0_STAGES = [(1, 3, 1, 16, 1), (6, 3, 2, 24, 2), (6, 5, 2, 40, 2), (6, 3, 2, 80, 3),
             (6, 5, 1, 112, 3), (6, 5, 2, 192, 4), (6, 3, 1, 320, 1)]


def conv_bn(c_in, c_out, k, stride=1, groups=1):
    return nn.Sequential(nn.Conv2d(c_in, c_out, k, stride=stride, padding=k // 2, groups=groups, bias=False),
                         nn.BatchNorm2d(c_out))


class SqueezeExcite(nn.Module):
    def __init__(self, channels, squeeze):
        super().__init__()
        self.reduce = nn.Conv2d(channels, squeeze, 1)
        self.expand = nn.Conv2d(squeeze, channels, 1)

    def forward(self, x):
        s = torch.mean(x, dim=(2, 3), keepdim=True)
        s = torch.sigmoid(self.expand(F.silu(self.reduce(s))))
        return x * s


class MBConv(nn.Module):
    def __init__(self, c_in, c_out, expansion, kernel, stride):
        super().__init__()
        mid = c_in * expansion
        self.expand = conv_bn(c_in, mid, 1) if expansion != 1 else None
        self.depthwise = conv_bn(mid, mid, kernel, stride, groups=mid)
        self.se = SqueezeExcite(mid, max(1, c_in // 4))
        self.project = conv_bn(mid, c_out, 1)
        self.residual = stride == 1 and c_in == c_out

    def forward(self, x):
        out = x if self.expand is None else F.silu(self.expand(x))
        out = self.se(F.silu(self.depthwise(out)))
        out = self.project(out)
        return out + x if self.residual else out


class Model(nn.Module):
    def __init__(self, num_classes, stem, head, stages, image):
        super().__init__()
        self.stem = conv_bn(3, stem, 3, 2)
        blocks = []
        c = stem
        for expansion, kernel, stride, c_out, repeats in stages:
            for i in range(repeats):
                blocks.append(MBConv(c, c_out, expansion, kernel, stride if i == 0 else 1))
                c = c_out
        self.blocks = nn.Sequential(*blocks)
        self.head = conv_bn(c, head, 1)
        self.fc = nn.Linear(head, num_classes)
        calibrate_batchnorm(self, torch.randn(2, 3, image, image))

    def forward(self, x):
        x = F.silu(self.stem(x))
        x = F.silu(self.head(self.blocks(x)))
        return self.fc(torch.flatten(torch.mean(x, dim=(2, 3)), 1))


def get_inputs():
    return [torch.randn(BATCH, 3, 224, 224)]


def get_init_inputs():
    return [1000, 32, 1280, B0_STAGES, 224]


def get_small_inputs():
    return [torch.randn(2, 3, 32, 32)]


def get_small_init_inputs():
    return [10, 8, 32, [(1, 3, 1, 8, 1), (4, 3, 2, 12, 2), (4, 5, 2, 16, 1)], 32]
