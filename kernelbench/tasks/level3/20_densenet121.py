import torch
import torch.nn as nn
import torch.nn.functional as F

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


def calibrate_batchnorm(model, batch):
    """BatchNorm as in a trained network: affine parameters away from 1/0 and running
    statistics equal to the statistics of the activations (measured on one random batch at
    the resolution the network is built for: at another one, zero padding changes the
    statistics of the deep, small maps), so every layer's output stays O(1) and the
    correctness check sees real signal.
    Channels that the batch leaves inactive keep variance 1."""
    bns = [m for m in model.modules() if isinstance(m, nn.BatchNorm2d)]
    for m in bns:
        nn.init.uniform_(m.weight, 0.5, 1.0)
        nn.init.uniform_(m.bias, -0.1, 0.1)
        m.reset_running_stats()
        m.momentum = None                       # cumulative average: exactly this batch's statistics
    model.train()
    with torch.no_grad():
        model(batch)
    model.eval()
    for m in bns:
        m.momentum = 0.1
        m.running_var.masked_fill_(m.running_var < 1e-3, 1.0)


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
