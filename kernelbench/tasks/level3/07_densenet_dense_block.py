import torch
import torch.nn as nn

# DenseNet dense block: each layer sees the concatenation of all earlier outputs.
BATCH, C_IN, H, W, LAYERS, GROWTH = 16, 64, 56, 56, 4, 32


class DenseLayer(nn.Module):
    def __init__(self, c_in, growth):
        super().__init__()
        self.bn1 = nn.BatchNorm2d(c_in)
        self.conv1 = nn.Conv2d(c_in, 4 * growth, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(4 * growth)
        self.conv2 = nn.Conv2d(4 * growth, growth, 3, padding=1, bias=False)

    def forward(self, x):
        h = self.conv1(torch.relu(self.bn1(x)))
        return self.conv2(torch.relu(self.bn2(h)))


class Model(nn.Module):
    def __init__(self, c_in, layers, growth):
        super().__init__()
        self.layers = nn.ModuleList([DenseLayer(c_in + i * growth, growth) for i in range(layers)])

    def forward(self, x):
        feats = [x]
        for layer in self.layers:
            feats.append(layer(torch.cat(feats, dim=1)))
        return torch.cat(feats, dim=1)


def get_inputs():
    return [torch.randn(BATCH, C_IN, H, W)]


def get_init_inputs():
    return [C_IN, LAYERS, GROWTH]


def get_small_inputs():
    return [torch.randn(2, 4, 6, 6)]


def get_small_init_inputs():
    return [4, 3, 2]
