import torch
import torch.nn as nn
import torch.nn.functional as F

# Swin-T (Liu et al. 2021) on 224x224 images: 4x4 patch embedding, four stages of 2/2/6/2
# Swin blocks at 96/192/384/768 channels and 3/6/12/24 heads, patch merging between
# stages, final LayerNorm, global average pool, classifier. Blocks alternate regular
# window attention (7x7 windows) and shifted-window attention (the map rolled by half a
# window, an attention mask keeping windows that wrap around apart); both add a learned
# relative position bias. Where a stage's map is no larger than a window, the window is
# the whole map and nothing shifts.
BATCH = 8


def window_partition(x, ws):
    b, h, w, c = x.shape
    return x.view(b, h // ws, ws, w // ws, ws, c).permute(0, 1, 3, 2, 4, 5).reshape(-1, ws * ws, c)


def window_reverse(win, ws, b, h, w):
    c = win.shape[-1]
    return win.view(b, h // ws, w // ws, ws, ws, c).permute(0, 1, 3, 2, 4, 5).reshape(b, h, w, c)


def shift_mask(h, w, ws, shift):
    """(windows, ws*ws, ws*ws): 0 inside one region, -100 between regions that the roll joined."""
    region = torch.zeros(1, h, w, 1)
    label = 0
    for hs in (slice(0, -ws), slice(-ws, -shift), slice(-shift, None)):
        for wsl in (slice(0, -ws), slice(-ws, -shift), slice(-shift, None)):
            region[:, hs, wsl, :] = label
            label += 1
    r = window_partition(region, ws).squeeze(-1)
    diff = r.unsqueeze(1) - r.unsqueeze(2)
    return diff.masked_fill(diff != 0, -100.0).masked_fill(diff == 0, 0.0)


class SwinBlock(nn.Module):
    def __init__(self, dim, heads, resolution, window, shift, mlp_ratio=4):
        super().__init__()
        if resolution <= window:
            window, shift = resolution, 0
        self.window, self.shift, self.heads = window, shift, heads
        self.scale = (dim // heads) ** -0.5
        self.norm1 = nn.LayerNorm(dim)
        self.qkv = nn.Linear(dim, 3 * dim)
        self.proj = nn.Linear(dim, dim)
        self.norm2 = nn.LayerNorm(dim)
        self.fc1 = nn.Linear(dim, mlp_ratio * dim)
        self.fc2 = nn.Linear(mlp_ratio * dim, dim)
        self.bias_table = nn.Parameter(torch.randn((2 * window - 1) ** 2, heads) * 0.02)
        coords = torch.stack(torch.meshgrid(torch.arange(window), torch.arange(window), indexing="ij")).flatten(1)
        rel = (coords[:, :, None] - coords[:, None, :]).permute(1, 2, 0) + (window - 1)
        self.register_buffer("rel_index", rel[..., 0] * (2 * window - 1) + rel[..., 1])
        self.register_buffer("mask", shift_mask(resolution, resolution, window, shift) if shift else None)

    def attention(self, x):
        b, h, w, c = x.shape
        ws, n = self.window, self.window * self.window
        if self.shift:
            x = torch.roll(x, shifts=(-self.shift, -self.shift), dims=(1, 2))
        win = window_partition(x, ws)                                     # (b*nw, n, c)
        qkv = self.qkv(win).reshape(-1, n, 3, self.heads, c // self.heads).permute(2, 0, 3, 1, 4)
        q, k, v = qkv[0], qkv[1], qkv[2]
        attn = torch.matmul(q * self.scale, k.transpose(-2, -1))
        bias = self.bias_table[self.rel_index.reshape(-1)].reshape(n, n, self.heads).permute(2, 0, 1)
        attn = attn + bias.unsqueeze(0)
        if self.mask is not None:
            nw = self.mask.shape[0]
            attn = (attn.view(b, nw, self.heads, n, n) + self.mask.view(1, nw, 1, n, n)).view(-1, self.heads, n, n)
        out = torch.matmul(torch.softmax(attn, dim=-1), v).transpose(1, 2).reshape(-1, n, c)
        x = window_reverse(self.proj(out), ws, b, h, w)
        if self.shift:
            x = torch.roll(x, shifts=(self.shift, self.shift), dims=(1, 2))
        return x

    def forward(self, x):
        x = x + self.attention(self.norm1(x))
        return x + self.fc2(F.gelu(self.fc1(self.norm2(x))))


class PatchMerging(nn.Module):
    def __init__(self, dim):
        super().__init__()
        self.norm = nn.LayerNorm(4 * dim)
        self.reduction = nn.Linear(4 * dim, 2 * dim, bias=False)

    def forward(self, x):
        x = torch.cat([x[:, 0::2, 0::2], x[:, 1::2, 0::2], x[:, 0::2, 1::2], x[:, 1::2, 1::2]], dim=-1)
        return self.reduction(self.norm(x))


class Model(nn.Module):
    def __init__(self, num_classes, image, patch, dim, depths, heads, window):
        super().__init__()
        self.patch_embed = nn.Conv2d(3, dim, patch, stride=patch)
        self.embed_norm = nn.LayerNorm(dim)
        layers = []
        res = image // patch
        for i, (depth, nh) in enumerate(zip(depths, heads)):
            if i > 0:
                layers.append(PatchMerging(dim))
                dim, res = dim * 2, res // 2
            layers += [SwinBlock(dim, nh, res, window, 0 if j % 2 == 0 else window // 2) for j in range(depth)]
        self.layers = nn.Sequential(*layers)
        self.norm = nn.LayerNorm(dim)
        self.head = nn.Linear(dim, num_classes)

    def forward(self, x):
        x = self.embed_norm(self.patch_embed(x).permute(0, 2, 3, 1))     # (b, h, w, c)
        x = self.norm(self.layers(x))
        return self.head(torch.mean(x, dim=(1, 2)))


def get_inputs():
    return [torch.randn(BATCH, 3, 224, 224)]


def get_init_inputs():
    return [1000, 224, 4, 96, [2, 2, 6, 2], [3, 6, 12, 24], 7]


def get_small_inputs():
    return [torch.randn(2, 3, 32, 32)]


def get_small_init_inputs():
    return [10, 32, 2, 8, [2, 2], [2, 4], 4]
