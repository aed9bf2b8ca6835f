import os
import sys

import torch
import torch.nn as nn

# Shared with the other whole-network tasks: kernelbench/tasks/_batchnorm_calibration.py.
_TASKS_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if _TASKS_DIR not in sys.path:
    sys.path.insert(0, _TASKS_DIR)
from _batchnorm_calibration import calibrate_batchnorm  # noqa: E402

# GoogLeNet / Inception v1 (Szegedy et al. 2015) with BatchNorm after every convolution,
# on 224x224 images: 7x7 stem, 1x1 + 3x3 convolutions, nine inception modules (3a-5b),
# each four branches -- 1x1; 1x1 then 3x3; 1x1 then 5x5; 3x3 max pool then 1x1 --
# concatenated on channels; max pools between the groups, global average pool, classifier
# (no auxiliary heads, no dropout: inference).
BATCH = 8
# (1x1, 3x3 reduce, 3x3, 5x5 reduce, 5x5, pool proj) for 3a, 3b | 4a-4e | 5a, 5b
INCEPTION = [[(64, 96, 128, 16, 32, 32), (128, 128, 192, 32, 96, 64)],
             [(192, 96, 208, 16, 48, 64), (160, 112, 224, 24, 64, 64), (128, 128, 256, 24, 64, 64),
              (112, 144, 288, 32, 64, 64), (256, 160, 320, 32, 128, 128)],
             [(256, 160, 320, 32, 128, 128), (384, 192, 384, 48, 128, 128)]]


def conv_bn_relu(c_in, c_out, k, stride=1):
    return nn.Sequential(nn.Conv2d(c_in, c_out, k, stride=stride, padding=k // 2, bias=False),
                         nn.BatchNorm2d(c_out, eps=1e-3), nn.ReLU())


class Inception(nn.Module):
    def __init__(self, c_in, c1, c3r, c3, c5r, c5, cp):
        super().__init__()
        self.b1 = conv_bn_relu(c_in, c1, 1)
        self.b3 = nn.Sequential(conv_bn_relu(c_in, c3r, 1), conv_bn_relu(c3r, c3, 3))
        self.b5 = nn.Sequential(conv_bn_relu(c_in, c5r, 1), conv_bn_relu(c5r, c5, 5))
        self.bp = nn.Sequential(nn.MaxPool2d(3, stride=1, padding=1), conv_bn_relu(c_in, cp, 1))
        self.c_out = c1 + c3 + c5 + cp

    def forward(self, x):
        return torch.cat([self.b1(x), self.b3(x), self.b5(x), self.bp(x)], dim=1)


class Model(nn.Module):
    def __init__(self, num_classes, stem, groups, image):
        super().__init__()
        s1, s2, s3 = stem
        layers = [conv_bn_relu(3, s1, 7, 2), nn.MaxPool2d(3, stride=2, padding=1),
                  conv_bn_relu(s1, s2, 1), conv_bn_relu(s2, s3, 3), nn.MaxPool2d(3, stride=2, padding=1)]
        c = s3
        for gi, group in enumerate(groups):
            for cfg in group:
                m = Inception(c, *cfg)
                layers.append(m)
                c = m.c_out
            if gi + 1 < len(groups):
                layers.append(nn.MaxPool2d(3, stride=2, padding=1))
        self.features = nn.Sequential(*layers)
        self.fc = nn.Linear(c, num_classes)
        calibrate_batchnorm(self, torch.randn(2, 3, image, image))

    def forward(self, x):
        x = self.features(x)
        return self.fc(torch.flatten(torch.mean(x, dim=(2, 3)), 1))


def get_inputs():
    return [torch.randn(BATCH, 3, 224, 224)]


def get_init_inputs():
    return [1000, (64, 64, 192), INCEPTION, 224]


def get_small_inputs():
    return [torch.randn(2, 3, 32, 32)]


def get_small_init_inputs():
    return [10, (8, 8, 16), [[(4, 4, 8, 2, 4, 4)], [(8, 4, 8, 2, 4, 4), (8, 4, 8, 2, 4, 4)], [(8, 8, 8, 4, 8, 8)]], 32]
