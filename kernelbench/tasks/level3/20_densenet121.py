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

# DenseNet-121 (Huang et al. 2017, DenseNet-BC) on 224x224 images: 7x7 stem + max pool,
# four dense blocks of 6/12/24/16 layers with growth rate 32 (each layer: BN-ReLU-1x1 conv
# to 4*growth channels, BN-ReLU-3x3 conv to growth channels, its output concatenated to
# the block's features), transitions with compression 0.5 (BN-ReLU-1x1 conv, 2x2 average
# pool), final BN-ReLU, global average pool, classifier.
BATCH = 8


class DenseLayer(nn.Module):
    def __init__(self, c_in, growth, bottleneck):
        super().__init__()
        self.bn1 = nn.BatchNorm2d(c_in)
        self.conv1 = nn.Conv2d(c_in, bottleneck * growth, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(bottleneck * growth)
        self.conv2 = nn.Conv2d(bottleneck * growth, growth, 3, padding=1, bias=False)

    def forward(self, features):
        x = torch.cat(features, dim=1)
        x = self.conv1(torch.relu(self.bn1(x)))
        return self.conv2(torch.relu(self.bn2(x)))


class DenseBlock(nn.Module):
    def __init__(self, layers, c_in, growth, bottleneck):
        super().__init__()
        self.layers = nn.ModuleList(DenseLayer(c_in + i * growth, growth, bottleneck) for i in range(layers))

    def forward(self, x):
        features = [x]
        for layer in self.layers:
            features.append(layer(features))
        return torch.cat(features, dim=1)


class Transition(nn.Module):
    def __init__(self, c_in, c_out):
        super().__init__()
        self.bn = nn.BatchNorm2d(c_in)
        self.conv = nn.Conv2d(c_in, c_out, 1, bias=False)

    def forward(self, x):
        return F.avg_pool2d(self.conv(torch.relu(self.bn(x))), 2)


class Model(nn.Module):
    def __init__(self, num_classes, growth, stem, block_layers, image, bottleneck=4):
        super().__init__()
        self.stem = nn.Sequential(
            nn.Conv2d(3, stem, 7, stride=2, padding=3, bias=False), nn.BatchNorm2d(stem), nn.ReLU(),
            nn.MaxPool2d(3, stride=2, padding=1))
        stages = []
        c = stem
        for i, n in enumerate(block_layers):
            stages.append(DenseBlock(n, c, growth, bottleneck))
            c += n * growth
            if i + 1 < len(block_layers):
                stages.append(Transition(c, c // 2))
                c //= 2
        self.stages = nn.Sequential(*stages)
        self.bn = nn.BatchNorm2d(c)
        self.fc = nn.Linear(c, num_classes)
        calibrate_batchnorm(self, torch.randn(2, 3, image, image))

    def forward(self, x):
        x = torch.relu(self.bn(self.stages(self.stem(x))))
        return self.fc(torch.flatten(torch.mean(x, dim=(2, 3)), 1))


def get_inputs():
    return [torch.randn(BATCH, 3, 224, 224)]


def get_init_inputs():
    return [1000, 32, 64, [6, 12, 24, 16], 224]


def get_small_inputs():
    return [torch.randn(2, 3, 32, 32)]


def get_small_init_inputs():
    return [10, 4, 8, [2, 2, 2, 2], 32]
