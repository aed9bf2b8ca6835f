import torch
import torch.nn as nn

# U-Net (Ronneberger et al. 2015) for 256x256 images with padded convolutions and
# BatchNorm: an encoder of four 2x2 max-pool downsamplings, each level two 3x3
# conv-BN-ReLU layers (32 -> 512 channels), a bottleneck, a decoder that upsamples with
# 2x2 transposed convolutions, concatenates the encoder's feature map of the same level
# (skip connection) and applies two 3x3 conv-BN-ReLU layers, and a 1x1 convolution to
# per-pixel class scores.
BATCH = 4


def double_conv(c_in, c_out):
    return nn.Sequential(
        nn.Conv2d(c_in, c_out, 3, padding=1, bias=False), nn.BatchNorm2d(c_out), nn.ReLU(),
        nn.Conv2d(c_out, c_out, 3, padding=1, bias=False), nn.BatchNorm2d(c_out), nn.ReLU())


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
    def __init__(self, in_ch, classes, base, levels, image):
        super().__init__()
        widths = [base * 2 ** i for i in range(levels + 1)]
        self.down = nn.ModuleList([double_conv(in_ch, widths[0])] +
                                  [double_conv(widths[i], widths[i + 1]) for i in range(levels)])
        self.pool = nn.MaxPool2d(2)
        self.up = nn.ModuleList(nn.ConvTranspose2d(widths[i + 1], widths[i], 2, stride=2)
                                for i in reversed(range(levels)))
        self.up_conv = nn.ModuleList(double_conv(2 * widths[i], widths[i]) for i in reversed(range(levels)))
        self.out = nn.Conv2d(widths[0], classes, 1)
        calibrate_batchnorm(self, torch.randn(1, in_ch, image, image))

    def forward(self, x):
        skips = []
        for i, block in enumerate(self.down):
            x = block(x if i == 0 else self.pool(x))
            skips.append(x)
        x = skips.pop()
        for up, conv in zip(self.up, self.up_conv):
            x = conv(torch.cat([skips.pop(), up(x)], dim=1))
        return self.out(x)


def get_inputs():
    return [torch.randn(BATCH, 3, 256, 256)]


def get_init_inputs():
    return [3, 2, 32, 4, 256]


def get_small_inputs():
    return [torch.randn(2, 3, 16, 16)]


def get_small_init_inputs():
    return [3, 2, 4, 2, 16]
