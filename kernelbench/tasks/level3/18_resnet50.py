import os
import sys

import torch
import torch.nn as nn

# Shared with the other whole-network tasks: kernelbench/tasks/_batchnorm_calibration.py.
_TASKS_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if _TASKS_DIR not in sys.path:
    sys.path.insert(0, _TASKS_DIR)
from _batchnorm_calibration import calibrate_batchnorm  # noqa: E402

# ResNet-50 (He et al. 2016, "v1.5": the stride sits on the 3x3 convolution of the
# bottleneck) on 224x224 images: stem, 3/4/6/3 bottleneck blocks, global average
# pool, classifier. Inference mode (BatchNorm uses its running statistics).
BATCH = 16


class Bottleneck(nn.Module):
    expansion = 4

    def __init__(self, c_in, width, stride):
        super().__init__()
        c_out = width * self.expansion
        self.conv1 = nn.Conv2d(c_in, width, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(width)
        self.conv2 = nn.Conv2d(width, width, 3, stride=stride, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(width)
        self.conv3 = nn.Conv2d(width, c_out, 1, bias=False)
        self.bn3 = nn.BatchNorm2d(c_out)
        self.down = None
        if stride != 1 or c_in != c_out:
            self.down = nn.Sequential(nn.Conv2d(c_in, c_out, 1, stride=stride, bias=False), nn.BatchNorm2d(c_out))

    def forward(self, x):
        identity = x if self.down is None else self.down(x)
        out = torch.relu(self.bn1(self.conv1(x)))
        out = torch.relu(self.bn2(self.conv2(out)))
        out = self.bn3(self.conv3(out))
        return torch.relu(out + identity)


class Model(nn.Module):
    def __init__(self, num_classes, width, depths, image):
        super().__init__()
        self.stem = nn.Sequential(
            nn.Conv2d(3, width, 7, stride=2, padding=3, bias=False), nn.BatchNorm2d(width), nn.ReLU(),
            nn.MaxPool2d(3, stride=2, padding=1))
        blocks = []
        c = width
        for stage, depth in enumerate(depths):
            w = width * 2 ** stage
            for i in range(depth):
                blocks.append(Bottleneck(c, w, 2 if (i == 0 and stage > 0) else 1))
                c = w * Bottleneck.expansion
        self.blocks = nn.Sequential(*blocks)
        self.fc = nn.Linear(c, num_classes)
        # Non-trivial BatchNorm statistics, as in a trained network.
        calibrate_batchnorm(self, torch.randn(2, 3, image, image))

    def forward(self, x):
        x = self.blocks(self.stem(x))
        return self.fc(torch.flatten(torch.mean(x, dim=(2, 3)), 1))


def get_inputs():
    return [torch.randn(BATCH, 3, 224, 224)]


def get_init_inputs():
    return [1000, 64, [3, 4, 6, 3], 224]


def get_small_inputs():
    return [torch.randn(2, 3, 32, 32)]


def get_small_init_inputs():
    return [10, 4, [1, 2, 1, 1], 32]
