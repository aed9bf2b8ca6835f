import torch
import torch.nn as nn
import torch.nn.functional as F

# Mixture-of-experts feed-forward layer with top-k softmax routing. The reference
# evaluates every expert densely and weights by the (top-k sparse) gates; a fast
# implementation can skip the (expert, token) pairs whose gate is zero.
TOKENS, D_MODEL, D_FF, EXPERTS, TOP_K = 2048, 1024, 2048, 8, 2


class Model(nn.Module):
    def __init__(self, d_model, d_ff, experts, top_k):
        super().__init__()
        self.top_k = top_k
        self.router = nn.Linear(d_model, experts, bias=False)
        self.w_gate = nn.Parameter(torch.randn(experts, d_model, d_ff) / d_model ** 0.5)
        self.w_up = nn.Parameter(torch.randn(experts, d_model, d_ff) / d_model ** 0.5)
        self.w_down = nn.Parameter(torch.randn(experts, d_ff, d_model) / d_ff ** 0.5)

    def forward(self, x):
        logits = self.router(x)                                   # (T, E)
        vals, idx = torch.topk(logits, self.top_k, dim=-1)
        weights = torch.softmax(vals, dim=-1)
        gates = torch.zeros_like(logits).scatter(1, idx, weights)  # (T, E), k non-zeros per row
        h = F.silu(torch.einsum("td,edf->etf", x, self.w_gate)) * torch.einsum("td,edf->etf", x, self.w_up)
        y = torch.einsum("etf,efd->etd", h, self.w_down)          # (E, T, D)
        return torch.einsum("te,etd->td", gates, y)


def get_inputs():
    return [torch.randn(TOKENS, D_MODEL)]


def get_init_inputs():
    return [D_MODEL, D_FF, EXPERTS, TOP_K]


def get_small_inputs():
    return [torch.randn(10, 8)]


def get_small_init_inputs():
    return [8, 12, 4, 2]
