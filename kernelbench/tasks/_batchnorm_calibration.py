"""BatchNorm statistics for the whole-network tasks (level3 ResNet, DenseNet,
EfficientNet, ShuffleNet, GoogLeNet, U-Net), shared so that every task calibrates
the same way. Task files import it by putting this folder on sys.path (see any
of them), which works from any working directory and with any loader.

Not a task: taskload.discover skips files whose name starts with "_".
"""
import torch
import torch.nn as nn


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
