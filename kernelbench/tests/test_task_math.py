"""Reference checks for the tasks whose forward is a reformulation of a recurrence."""
import math
import os

import torch

import taskload

KB = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def load(rel):
    return taskload.load_task(os.path.join(KB, "tasks", rel))


def test_mamba2_ssd_matches_sequential_scan():
    mod = load("level3/16_mamba2_ssd.py")
    m = taskload.make_model(mod, 0, small=True).double()
    u = torch.randn(2, 16, 12, dtype=torch.float64)
    with torch.no_grad():
        got = m(u)
        h, p, n = m.heads, m.head_dim, m.d_state
        x, dt, B, C = torch.split(m.in_proj(u), [h * p, h, n, n], dim=-1)
        x = x.reshape(2, 16, h, p)
        dt = torch.nn.functional.softplus(dt + m.dt_bias)
        A = -torch.exp(m.A_log)
        state = torch.zeros(2, h, p, n, dtype=torch.float64)
        ys = []
        for t in range(16):
            decay = torch.exp(A * dt[:, t])                                   # (b, h)
            state = state * decay[..., None, None] + (x[:, t] * dt[:, t, :, None])[..., None] * B[:, t, None, None, :]
            ys.append(torch.einsum("bhpn,bn->bhp", state, C[:, t]) + x[:, t] * m.D[None, :, None])
        ref = m.out_proj(torch.stack(ys, 1).reshape(2, 16, h * p))
    torch.testing.assert_close(got, ref, atol=1e-9, rtol=1e-9)


def test_rwkv_parallel_form_matches_recurrence():
    mod = load("level5/03_rwkv_time_mix.py")
    m = taskload.make_model(mod, 0, small=True).double()
    x = torch.randn(2, 7, 12, dtype=torch.float64)
    with torch.no_grad():
        got = m(x)
        xx = torch.cat([torch.zeros_like(x[:, :1]), x[:, :-1]], 1)
        k = m.key(x * m.mix_k + xx * (1 - m.mix_k))
        v = m.value(x * m.mix_v + xx * (1 - m.mix_v))
        r = torch.sigmoid(m.receptance(x * m.mix_r + xx * (1 - m.mix_r)))
        w, u = -torch.exp(m.time_decay), m.time_first
        a = torch.zeros(2, 12, dtype=torch.float64)
        b = torch.zeros(2, 12, dtype=torch.float64)
        outs = []
        for t in range(7):
            kt, vt = k[:, t], v[:, t]
            outs.append((a + torch.exp(u + kt) * vt) / (b + torch.exp(u + kt)))
            a = torch.exp(w) * a + torch.exp(kt) * vt
            b = torch.exp(w) * b + torch.exp(kt)
        ref = m.output(r * torch.stack(outs, 1))
    torch.testing.assert_close(got, ref, atol=1e-9, rtol=1e-9)


def test_s4_kernel_matches_complex_formula():
    mod = load("level5/07_s4_layer.py")
    m = taskload.make_model(mod, 0, small=True).double()
    L = 16
    with torch.no_grad():
        got = m.kernel(L)
        dt = torch.exp(m.log_dt).unsqueeze(-1)
        A = torch.complex(-torch.exp(m.log_a_re), m.a_im)
        C = torch.complex(m.c_re, m.c_im)
        dtA = A * dt
        Ct = C * (torch.exp(dtA) - 1) / A
        l = torch.arange(L, dtype=torch.float64)
        ref = 2 * (Ct.unsqueeze(-1) * torch.exp(dtA.unsqueeze(-1) * l)).sum(1).real
    torch.testing.assert_close(got, ref, atol=1e-9, rtol=1e-9)


def test_s4_fft_conv_is_causal_conv():
    mod = load("level5/07_s4_layer.py")
    m = taskload.make_model(mod, 0, small=True).double()
    u = torch.randn(2, 4, 16, dtype=torch.float64)
    with torch.no_grad():
        got = m(u)
        k = m.kernel(16)
        y = torch.zeros_like(u)
        for t in range(16):
            y[..., t] = (u[..., : t + 1] * k[:, : t + 1].flip(-1)).sum(-1)
        ref = m.out(torch.nn.functional.gelu(y + u * m.D.unsqueeze(-1)))
    torch.testing.assert_close(got, ref, atol=1e-9, rtol=1e-9)


def _attend(q, k, v):
    return torch.softmax(q @ k.transpose(-2, -1) / math.sqrt(q.shape[-1]), -1) @ v


def test_llama_decode_matches_attention_over_concatenated_cache():
    mod = load("level5/04_llama_decode_layer.py")
    m = taskload.make_model(mod, 0, small=True).double()
    x, kc, vc, pos = taskload.make_inputs(mod, 0, small=True)
    x, kc, vc = x.double(), kc.double(), vc.double()
    with torch.no_grad():
        got = m(x, kc, vc, pos)
        b, g = x.shape[0], m.heads // m.kv_heads
        h = m.attn_norm(x)
        q = mod.rope(m.wq(h).view(b, m.kv_heads, g, m.hd), pos)
        k = mod.rope(m.wk(h).view(b, m.kv_heads, 1, m.hd), pos)
        v = m.wv(h).view(b, m.kv_heads, 1, m.hd)
        o = _attend(q, torch.cat([kc, k], 2), torch.cat([vc, v], 2))
        y = x + m.wo(o.reshape(b, -1))
        hh = m.ffn_norm(y)
        ref = y + m.w2(torch.nn.functional.silu(m.w1(hh)) * m.w3(hh))
    torch.testing.assert_close(got, ref, atol=1e-9, rtol=1e-9)


def test_mla_absorbed_matches_explicit_keys_and_values():
    mod = load("level5/01_mla_decode.py")
    m = taskload.make_model(mod, 0, small=True).double()
    x, ckv, kr, pos = taskload.make_inputs(mod, 0, small=True)
    x, ckv, kr = x.double(), ckv.double(), kr.double()
    with torch.no_grad():
        got = m(x, ckv, kr, pos)
        b, H = x.shape[0], m.heads
        q = m.wq(x).view(b, H, -1)
        q = torch.cat([q[..., : m.d_nope], mod.rope(q[..., m.d_nope:], pos)], -1)
        kv = m.w_dkv(x)
        lat = torch.cat([ckv, kv[:, None, : m.d_latent]], 1)                 # (b, S+1, dc)
        kr_all = torch.cat([kr, mod.rope(kv[:, m.d_latent:], pos)[:, None]], 1)
        k_nope = torch.einsum("bsc,hdc->bhsd", lat, m.w_uk)                   # explicit keys
        vals = torch.einsum("bsc,hcv->bhsv", lat, m.w_uv)                     # explicit values
        k = torch.cat([k_nope, kr_all[:, None].expand(b, H, -1, -1)], -1)
        o = _attend(q.unsqueeze(2), k, vals).squeeze(2)
        ref = m.wo(o.reshape(b, -1))
    torch.testing.assert_close(got, ref, atol=1e-9, rtol=1e-9)


def test_moe_matches_per_token_topk_loop():
    mod = load("level5/02_moe_topk.py")
    m = taskload.make_model(mod, 0, small=True).double()
    x = torch.randn(10, 8, dtype=torch.float64)
    with torch.no_grad():
        got = m(x)
        ref = torch.zeros_like(x)
        for t in range(10):
            vals, idx = torch.topk(m.router(x[t]), m.top_k)
            w = torch.softmax(vals, -1)
            for wi, e in zip(w, idx):
                h = torch.nn.functional.silu(x[t] @ m.w_gate[e]) * (x[t] @ m.w_up[e])
                ref[t] += wi * (h @ m.w_down[e])
    torch.testing.assert_close(got, ref, atol=1e-9, rtol=1e-9)


def test_static_flag_branch_changes_the_function():
    mod = load("level3/17_static_flag_branch.py")
    torch.manual_seed(0)
    on = mod.Model(4, True).eval()
    torch.manual_seed(0)
    off = mod.Model(4, False).eval()
    x = torch.randn(2, 4, 6, 6)
    with torch.no_grad():
        assert not torch.allclose(on(x), off(x))


def test_gru_stack_matches_torch_nn_gru():
    """The written-out GRU is torch.nn.GRU (same gate equations, same weight layout)."""
    mod = load("level3/28_gru_stack.py")
    m = taskload.make_model(mod, 0, small=True).double()
    x, h0 = (t.double() for t in taskload.make_inputs(mod, 0, small=True))
    ref = torch.nn.GRU(x.shape[2], h0.shape[2], num_layers=len(m.layers)).double()
    with torch.no_grad():
        for i, layer in enumerate(m.layers):
            getattr(ref, f"weight_ih_l{i}").copy_(layer.w_ih.weight)
            getattr(ref, f"bias_ih_l{i}").copy_(layer.w_ih.bias)
            getattr(ref, f"weight_hh_l{i}").copy_(layer.w_hh.weight)
            getattr(ref, f"bias_hh_l{i}").copy_(layer.w_hh.bias)
        out, h = m(x, h0)
        ref_out, ref_h = ref(x, h0)
    torch.testing.assert_close(out, ref_out, atol=1e-12, rtol=1e-12)
    torch.testing.assert_close(h, ref_h, atol=1e-12, rtol=1e-12)


def test_mamba2_lm_scan_matches_sequential_recurrence():
    mod = load("level3/27_mamba2_lm.py")
    b, L, h, p, n, chunk = 2, 12, 3, 4, 5, 4
    x = torch.randn(b, L, h, p, dtype=torch.float64)
    dt = torch.nn.functional.softplus(torch.randn(b, L, h, dtype=torch.float64))
    A = -torch.rand(h, dtype=torch.float64) * 2
    B = torch.randn(b, L, n, dtype=torch.float64)
    C = torch.randn(b, L, n, dtype=torch.float64)
    got = mod.ssd_scan(x, dt, A, B, C, chunk)
    state = torch.zeros(b, h, p, n, dtype=torch.float64)
    ys = []
    for t in range(L):
        state = state * torch.exp(A * dt[:, t])[..., None, None] + \
            (x[:, t] * dt[:, t, :, None])[..., None] * B[:, t, None, None, :]
        ys.append(torch.einsum("bhpn,bn->bhp", state, C[:, t]))
    torch.testing.assert_close(got, torch.stack(ys, 1), atol=1e-10, rtol=1e-10)


def test_swin_shift_mask_separates_wrapped_regions():
    """After the roll by -shift, tokens from different original regions never attend to each other."""
    mod = load("level3/25_swin_tiny.py")
    res, ws, shift = 8, 4, 2
    mask = mod.shift_mask(res, res, ws, shift)
    # region id of every position of the rolled map, by brute force from the un-rolled coordinates
    ids = torch.zeros(res, res)
    for i in range(res):
        for j in range(res):
            ri = 0 if i < res - ws else (1 if i < res - shift else 2)
            rj = 0 if j < res - ws else (1 if j < res - shift else 2)
            ids[i, j] = ri * 3 + rj
    win = mod.window_partition(ids.view(1, res, res, 1), ws).squeeze(-1)
    expect = torch.where(win[:, :, None] == win[:, None, :], 0.0, -100.0)
    assert torch.equal(mask, expect)
    assert (mask[0] == 0).all() and (mask[-1] != 0).any()
