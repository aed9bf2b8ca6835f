import torch
import torch.nn as nn
import torch.nn.functional as F

# EfficientNet MBConv: expand -> SiLU -> 5x5 depthwise -> SiLU -> squeeze-excite -> project (+ skip).
BATCH, C, H, W, EXPAND = 32, 64, 56, 56, 4


class Model(nn.Module):
    def __init__(self, channels, expand, se_ratio=0.25):
        super().__init__()
        hidden = channels * expand
        squeezed = max(1, int(channels * se_ratio))
        self.expand = nn.Conv2d(channels, hidden, 1, bias=False)
        self.bn0 = nn.BatchNorm2d(hidden)
        self.dw = nn.Conv2d(hidden, hidden, 5, padding=2, groups=hidden, bias=False)
        self.bn1 = nn.BatchNorm2d(hidden)
        self.se_reduce = nn.Conv2d(hidden, squeezed, 1)
        self.se_expand = nn.Conv2d(squeezed, hidden, 1)
        self.project = nn.Conv2d(hidden, channels, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(channels)

    def forward(self, x):
        h = F.silu(self.bn0(self.expand(x)))
        h = F.silu(self.bn1(self.dw(h)))
        s = F.adaptive_avg_pool2d(h, 1)
        s = torch.sigmoid(self.se_expand(F.silu(self.se_reduce(s))))
        h = h * s
        return x + self.bn2(self.project(h))


def get_inputs():
    return [torch.randn(BATCH, C, H, W)]


def get_init_inputs():
    return [C, EXPAND]


def get_small_inputs():
    return [torch.randn(2, 8, 7, 7)]


def get_small_init_inputs():
    return [8, 2]
