import torch
import torch.nn as nn

# GoogLeNet inception module (3a sizes): four branches concatenated.
BATCH, C_IN, H, W = 16, 192, 28, 28


def conv_relu(c_in, c_out, k):
    return nn.Sequential(nn.Conv2d(c_in, c_out, k, padding=k // 2), nn.ReLU())


class Model(nn.Module):
    def __init__(self, c_in, c1, c3r, c3, c5r, c5, cp):
        super().__init__()
        self.b1 = conv_relu(c_in, c1, 1)
        self.b2 = nn.Sequential(conv_relu(c_in, c3r, 1), conv_relu(c3r, c3, 3))
        self.b3 = nn.Sequential(conv_relu(c_in, c5r, 1), conv_relu(c5r, c5, 5))
        self.b4 = nn.Sequential(nn.MaxPool2d(3, stride=1, padding=1), conv_relu(c_in, cp, 1))

    def forward(self, x):
        return torch.cat([self.b1(x), self.b2(x), self.b3(x), self.b4(x)], dim=1)


def get_inputs():
    return [torch.randn(BATCH, C_IN, H, W)]


def get_init_inputs():
    return [C_IN, 64, 96, 128, 16, 32, 32]


def get_small_inputs():
    return [torch.randn(2, 6, 7, 7)]


def get_small_init_inputs():
    return [6, 2, 3, 4, 2, 3, 2]
