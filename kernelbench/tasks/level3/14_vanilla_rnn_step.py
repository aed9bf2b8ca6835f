import torch
import torch.nn as nn

# One step of an Elman RNN: h' = tanh(W_ih x + W_hh h + b); y = W_out h'. Returns (y, h').
BATCH, IN_F, HIDDEN, OUT_F = 1024, 1024, 2048, 1024


class Model(nn.Module):
    def __init__(self, in_f, hidden, out_f):
        super().__init__()
        self.i2h = nn.Linear(in_f, hidden)
        self.h2h = nn.Linear(hidden, hidden, bias=False)
        self.h2o = nn.Linear(hidden, out_f)

    def forward(self, x, h):
        h_new = torch.tanh(self.i2h(x) + self.h2h(h))
        return self.h2o(h_new), h_new


def get_inputs():
    return [torch.randn(BATCH, IN_F), torch.randn(BATCH, HIDDEN)]


def get_init_inputs():
    return [IN_F, HIDDEN, OUT_F]


def get_small_inputs():
    return [torch.randn(3, 8), torch.randn(3, 12)]


def get_small_init_inputs():
    return [8, 12, 5]
