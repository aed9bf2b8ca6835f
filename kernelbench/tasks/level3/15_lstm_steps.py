import torch
import torch.nn as nn

# LSTM over a short sequence with the cell written out in torch ops (no cuDNN LSTM).
# Returns (outputs [T, B, H], h_T, c_T).
STEPS, BATCH, IN_F, HIDDEN = 16, 128, 512, 1024


class Model(nn.Module):
    def __init__(self, in_f, hidden):
        super().__init__()
        self.hidden = hidden
        self.w_ih = nn.Linear(in_f, 4 * hidden)
        self.w_hh = nn.Linear(hidden, 4 * hidden, bias=False)

    def forward(self, x, h, c):
        outs = []
        for t in range(x.shape[0]):
            gates = self.w_ih(x[t]) + self.w_hh(h)
            i, f, g, o = gates.chunk(4, dim=1)
            c = torch.sigmoid(f) * c + torch.sigmoid(i) * torch.tanh(g)
            h = torch.sigmoid(o) * torch.tanh(c)
            outs.append(h)
        return torch.stack(outs, dim=0), h, c


def get_inputs():
    return [torch.randn(STEPS, BATCH, IN_F), torch.randn(BATCH, HIDDEN), torch.randn(BATCH, HIDDEN)]


def get_init_inputs():
    return [IN_F, HIDDEN]


def get_small_inputs():
    return [torch.randn(3, 2, 6), torch.randn(2, 8), torch.randn(2, 8)]


def get_small_init_inputs():
    return [6, 8]
