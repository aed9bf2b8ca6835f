import torch
import torch.nn as nn
import torch.nn.functional as F

# ResNet-20 for 32x32 images (He et al. 2016, section 4.2): a 3x3 stem, three stages of
# three basic blocks at 16/32/64 channels (the first block of stages 2 and 3 halves the
# resolution), global average pool, classifier. Shortcuts that change shape use option A:
# stride-2 subsampling and zero-padded channels, no parameters.
BATCH = 32


class BasicBlock(nn.Module):
    def __init__(self, c_in, c_out, stride):
        super().__init__()
        self.stride, self.pad = stride, c_out - c_in
        self.conv1 = nn.Conv2d(c_in, c_out, 3, stride=stride, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(c_out)
        self.conv2 = nn.Conv2d(c_out, c_out, 3, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(c_out)

    def forward(self, x):
        out = torch.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        shortcut = x
        if self.stride != 1 or self.pad:
            shortcut = F.pad(x[:, :, ::self.stride, ::self.stride], (0, 0, 0, 0, self.pad // 2, self.pad - self.pad // 2))
        return torch.relu(out + shortcut)


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
    def __init__(self, num_classes, width, blocks_per_stage, image):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(3, width, 3, padding=1, bias=False), nn.BatchNorm2d(width), nn.ReLU())
        blocks = []
        c = width
        for stage in range(3):
            c_out = width * 2 ** stage
            for i in range(blocks_per_stage):
                blocks.append(BasicBlock(c, c_out, 2 if (i == 0 and stage > 0) else 1))
                c = c_out
        self.blocks = nn.Sequential(*blocks)
        self.fc = nn.Linear(c, num_classes)
        calibrate_batchnorm(self, torch.randn(8, 3, image, image))

    def forward(self, x):
        x = self.blocks(self.stem(x))
        return self.fc(torch.flatten(torch.mean(x, dim=(2, 3)), 1))


def get_inputs():
    return [torch.randn(BATCH, 3, 32, 32)]


def get_init_inputs():
    return [10, 16, 3, 32]


def get_small_inputs():
    return [torch.randn(2, 3, 8, 8)]


def get_small_init_inputs():
    return [10, 4, 1, 8]
