import os
import sys

import torch
import torch.nn as nn

# Shared with the other whole-network tasks: kernelbench/tasks/_batchnorm_calibration.py.
_TASKS_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if _TASKS_DIR not in sys.path:
    sys.path.insert(0, _TASKS_DIR)
from _batchnorm_calibration import calibrate_batchnorm  # noqa: E402

# ShuffleNetV2 1.0x (Ma et al. 2018) on 224x224 images: 3x3 stride-2 stem + max pool,
# three stages of 4/8/4 units at 116/232/464 channels, 1x1 conv to 1024, global average
# pool, classifier. A stride-1 unit splits the channels in half, transforms one half
# (1x1 conv, depthwise 3x3, 1x1 conv) and concatenates; a stride-2 unit transforms both
# branches (the left one: depthwise 3x3 stride 2 + 1x1). Every unit ends with a channel
# shuffle of 2 groups.
BATCH = 16


def channel_shuffle(x, groups):
    b, c, h, w = x.shape
    return x.view(b, groups, c // groups, h, w).transpose(1, 2).reshape(b, c, h, w)


def conv_bn(c_in, c_out, k, stride=1, groups=1, relu=True):
    layers = [nn.Conv2d(c_in, c_out, k, stride=stride, padding=k // 2, groups=groups, bias=False),
              nn.BatchNorm2d(c_out)]
    if relu:
        layers.append(nn.ReLU())
    return nn.Sequential(*layers)


class ShuffleUnit(nn.Module):
    def __init__(self, c_in, c_out, stride):
        super().__init__()
        self.stride = stride
        half = c_out // 2
        branch_in = c_in if stride == 2 else c_in // 2
        self.left = None
        if stride == 2:
            self.left = nn.Sequential(conv_bn(c_in, c_in, 3, 2, groups=c_in, relu=False), conv_bn(c_in, half, 1))
        self.right = nn.Sequential(conv_bn(branch_in, half, 1), conv_bn(half, half, 3, stride, groups=half, relu=False),
                                   conv_bn(half, half, 1))

    def forward(self, x):
        if self.left is None:
            keep, x2 = x.chunk(2, dim=1)
            out = torch.cat([keep, self.right(x2)], dim=1)
        else:
            out = torch.cat([self.left(x), self.right(x)], dim=1)
        return channel_shuffle(out, 2)


class Model(nn.Module):
    def __init__(self, num_classes, stem, stage_channels, stage_units, head, image):
        super().__init__()
        self.stem = nn.Sequential(conv_bn(3, stem, 3, 2), nn.MaxPool2d(3, stride=2, padding=1))
        units = []
        c = stem
        for c_out, n in zip(stage_channels, stage_units):
            units.append(ShuffleUnit(c, c_out, 2))
            units += [ShuffleUnit(c_out, c_out, 1) for _ in range(n - 1)]
            c = c_out
        self.units = nn.Sequential(*units)
        self.head = conv_bn(c, head, 1)
        self.fc = nn.Linear(head, num_classes)
        calibrate_batchnorm(self, torch.randn(2, 3, image, image))

    def forward(self, x):
        x = self.head(self.units(self.stem(x)))
        return self.fc(torch.flatten(torch.mean(x, dim=(2, 3)), 1))


def get_inputs():
    return [torch.randn(BATCH, 3, 224, 224)]


def get_init_inputs():
    return [1000, 24, [116, 232, 464], [4, 8, 4], 1024, 224]


def get_small_inputs():
    return [torch.randn(2, 3, 32, 32)]


def get_small_init_inputs():
    return [10, 8, [8, 16, 32], [2, 2, 1], 32, 32]
