import torch
import torch.nn as nn

# A block whose forward branches on a static bool attribute (`if self.flag:`), fixed
# at construction. Tracing keeps the taken branch only; the task checks that the
# exported graph and the compiled versions agree with eager for flag=True.
BATCH, C, H, W = 16, 64, 56, 56


class Model(nn.Module):
    def __init__(self, channels, use_residual):
        super().__init__()
        self.flag = bool(use_residual)
        self.conv1 = nn.Conv2d(channels, channels, 3, padding=1, bias=False)
        self.bn = nn.BatchNorm2d(channels)
        self.conv2 = nn.Conv2d(channels, channels, 3, padding=1)

    def forward(self, x):
        h = self.conv2(torch.relu(self.bn(self.conv1(x))))
        if self.flag:
            h = h + x
        else:
            h = h * torch.sigmoid(x)
        return torch.relu(h)


def get_inputs():
    return [torch.randn(BATCH, C, H, W)]


def get_init_inputs():
    return [C, True]


def get_small_inputs():
    return [torch.randn(2, 4, 6, 6)]


def get_small_init_inputs():
    return [4, True]
