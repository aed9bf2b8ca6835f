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

# ResNet-20 for 32x32 images (He et al. 2016, section 4.2): a 3x3 stem, three stages of
# three basic blocks at 16/32/64 channels (the first block of stages 2 and 3 halves the
# resolution), global average pool, classifier. Shortcuts that change shape use option A:
# stride-2 subsampling and zero-padded channels, no parameters.
BATCH = 32


class BasicBlock(nn.Module):
    def __init__(self, c_in, c_out, stride):
        super().__init__()
        self.stride, self.pad = stride, c_out - c_in
        self.conv1 = nn.Conv2d(c_in, c_out, 3, stride=stride, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(c_out)
        self.conv2 = nn.Conv2d(c_out, c_out, 3, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(c_out)

    def forward(self, x):
        out = torch.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        shortcut = x
        if self.stride != 1 or self.pad:
            shortcut = F.pad(x[:, :, ::self.stride, ::self.stride], (0, 0, 0, 0, self.pad // 2, self.pad - self.pad // 2))
        return torch.relu(out + shortcut)


class Model(nn.Module):
    def __init__(self, num_classes, width, blocks_per_stage, image):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(3, width, 3, padding=1, bias=False), nn.BatchNorm2d(width), nn.ReLU())
        blocks = []
        c = width
        for stage in range(3):
            c_out = width * 2 ** stage
            for i in range(blocks_per_stage):
                blocks.append(BasicBlock(c, c_out, 2 if (i == 0 and stage > 0) else 1))
                c = c_out
        self.blocks = nn.Sequential(*blocks)
        self.fc = nn.Linear(c, num_classes)
        calibrate_batchnorm(self, torch.randn(8, 3, image, image))

    def forward(self, x):
        x = self.blocks(self.stem(x))
        return self.fc(torch.flatten(torch.mean(x, dim=(2, 3)), 1))


def get_inputs():
    return [torch.randn(BATCH, 3, 32, 32)]


def get_init_inputs():
    return [10, 16, 3, 32]


def get_small_inputs():
    return [torch.randn(2, 3, 8, 8)]


def get_small_init_inputs():
    return [10, 4, 1, 8]
