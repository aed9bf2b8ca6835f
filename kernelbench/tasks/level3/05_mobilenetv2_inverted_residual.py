import torch
import torch.nn as nn

# MobileNetV2 inverted residual: 1x1 expand -> ReLU6 -> 3x3 depthwise -> ReLU6 -> 1x1 project (+ skip).
BATCH, C, H, W, EXPAND = 32, 32, 56, 56, 6


class Model(nn.Module):
    def __init__(self, channels, expand):
        super().__init__()
        hidden = channels * expand
        self.block = nn.Sequential(
            nn.Conv2d(channels, hidden, 1, bias=False), nn.BatchNorm2d(hidden), nn.ReLU6(),
            nn.Conv2d(hidden, hidden, 3, padding=1, groups=hidden, bias=False), nn.BatchNorm2d(hidden), nn.ReLU6(),
            nn.Conv2d(hidden, channels, 1, bias=False), nn.BatchNorm2d(channels),
        )

    def forward(self, x):
        return x + self.block(x)


def get_inputs():
    return [torch.randn(BATCH, C, H, W)]


def get_init_inputs():
    return [C, EXPAND]


def get_small_inputs():
    return [torch.randn(2, 4, 6, 6)]


def get_small_init_inputs():
    return [4, 2]
