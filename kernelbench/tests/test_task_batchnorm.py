"""The whole-network tasks share one BatchNorm calibration (tasks/_batchnorm_calibration.py):
no task keeps its own copy, each imports it whatever the working directory or loader,
and it sets the statistics of the calibration batch."""
import os
import re
import subprocess
import sys

import pytest
import torch
import torch.nn as nn
import torch.nn.functional as F

import taskload

KB = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TASKS_DIR = os.path.join(KB, "tasks")
sys.path.insert(0, TASKS_DIR)
import _batchnorm_calibration as shared  # noqa: E402

WHOLE_NETWORKS = ["18_resnet50", "19_resnet20_cifar", "20_densenet121", "21_efficientnet_b0",
                  "22_shufflenetv2", "23_googlenet", "29_unet"]


def test_no_task_defines_its_own_calibration():
    for path in taskload.discover(TASKS_DIR):
        with open(path) as f:
            assert not re.search(r"^def calibrate_batchnorm\b", f.read(), re.M), path


@pytest.mark.parametrize("name", WHOLE_NETWORKS)
def test_whole_network_tasks_use_the_shared_calibration(name):
    mod = taskload.load_task(os.path.join(TASKS_DIR, "level3", name + ".py"))
    assert mod.calibrate_batchnorm is shared.calibrate_batchnorm
    model = taskload.make_model(mod, 0, small=True)
    bns = [m for m in model.modules() if isinstance(m, nn.BatchNorm2d)]
    assert bns
    for m in bns:
        assert not m.training and m.momentum == 0.1
        assert m.num_batches_tracked.item() == 1  # exactly one calibration batch
        assert ((m.weight >= 0.5) & (m.weight <= 1.0)).all()
        assert (m.running_var >= 1e-3).all()


def test_task_imports_the_helper_from_any_directory_and_loader(tmp_path):
    # runpy, not taskload, from a directory that is neither kernelbench nor the tasks folder.
    task = os.path.join(TASKS_DIR, "level3", "19_resnet20_cifar.py")
    code = ("import runpy, torch; g = runpy.run_path(%r); torch.manual_seed(0); "
            "m = g['Model'](*g['get_small_init_inputs']()); print(type(m).__name__)" % task)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    r = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, env=env, capture_output=True,
                       text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == "Model"


def test_calibration_sets_the_statistics_of_the_batch():
    torch.manual_seed(0)
    net = nn.Sequential(nn.Conv2d(3, 4, 3, padding=1), nn.BatchNorm2d(4), nn.ReLU(),
                        nn.Conv2d(4, 5, 1), nn.BatchNorm2d(5))
    with torch.no_grad():
        net[3].weight[0].zero_()  # channel 0 of the second BatchNorm sees a constant
        net[3].bias[0] = 0.25
    batch = torch.randn(6, 3, 8, 8)
    shared.calibrate_batchnorm(net, batch)
    bn1, bn2 = net[1], net[4]
    with torch.no_grad():
        x1 = net[0](batch)
        x2 = net[3](torch.relu(F.batch_norm(x1, None, None, bn1.weight, bn1.bias, training=True)))
    for bn, x in ((bn1, x1), (bn2, x2)):
        assert not bn.training and bn.momentum == 0.1
        assert ((bn.weight >= 0.5) & (bn.weight <= 1.0)).all()
        assert ((bn.bias >= -0.1) & (bn.bias <= 0.1)).all()
        torch.testing.assert_close(bn.running_mean, x.mean(dim=(0, 2, 3)))
    torch.testing.assert_close(bn1.running_var, x1.var(dim=(0, 2, 3), unbiased=True))
    # The constant channel's variance (0) is replaced by 1; the others are the batch's.
    assert bn2.running_var[0].item() == 1.0
    torch.testing.assert_close(bn2.running_var[1:], x2.var(dim=(0, 2, 3), unbiased=True)[1:])
    assert not net.training
