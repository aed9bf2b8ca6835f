import torch
import torch.nn as nn

# SqueezeNet fire module: 1x1 squeeze, then parallel 1x1 and 3x3 expands, concatenated.
BATCH, C_IN, H, W, SQUEEZE, EXPAND = 32, 128, 55, 55, 32, 128


class Model(nn.Module):
    def __init__(self, c_in, squeeze, expand):
        super().__init__()
        self.squeeze = nn.Conv2d(c_in, squeeze, 1)
        self.expand1 = nn.Conv2d(squeeze, expand, 1)
        self.expand3 = nn.Conv2d(squeeze, expand, 3, padding=1)

    def forward(self, x):
        s = torch.relu(self.squeeze(x))
        return torch.cat([torch.relu(self.expand1(s)), torch.relu(self.expand3(s))], dim=1)


def get_inputs():
    return [torch.randn(BATCH, C_IN, H, W)]


def get_init_inputs():
    return [C_IN, SQUEEZE, EXPAND]


def get_small_inputs():
    return [torch.randn(2, 8, 7, 7)]


def get_small_init_inputs():
    return [8, 3, 5]
