import torch
import torch.nn as nn

# ShuffleNet v1 unit (stride 1): grouped 1x1 -> channel shuffle -> depthwise 3x3 -> grouped 1x1, + skip.
BATCH, C, H, W, GROUPS = 32, 240, 28, 28, 3


def channel_shuffle(x, groups: int):
    b, c, h, w = x.shape
    x = x.view(b, groups, c // groups, h, w).transpose(1, 2).contiguous()
    return x.view(b, c, h, w)


class Model(nn.Module):
    def __init__(self, channels, groups):
        super().__init__()
        mid = channels // 4
        self.groups = groups
        self.gconv1 = nn.Conv2d(channels, mid, 1, groups=groups, bias=False)
        self.bn1 = nn.BatchNorm2d(mid)
        self.dw = nn.Conv2d(mid, mid, 3, padding=1, groups=mid, bias=False)
        self.bn2 = nn.BatchNorm2d(mid)
        self.gconv2 = nn.Conv2d(mid, channels, 1, groups=groups, bias=False)
        self.bn3 = nn.BatchNorm2d(channels)

    def forward(self, x):
        h = torch.relu(self.bn1(self.gconv1(x)))
        h = channel_shuffle(h, self.groups)
        h = self.bn2(self.dw(h))
        h = self.bn3(self.gconv2(h))
        return torch.relu(x + h)


def get_inputs():
    return [torch.randn(BATCH, C, H, W)]


def get_init_inputs():
    return [C, GROUPS]


def get_small_inputs():
    return [torch.randn(2, 24, 5, 5)]


def get_small_init_inputs():
    return [24, 3]
