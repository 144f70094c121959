#!/usr/bin/env python3
"""PyTorch twin of fewbeat's "bench" workload: the measuring stick, not a dependency.

Same network, loss, optimiser and data shapes as `fewbeat bench` (src/bench/model.ts):

  ECG encoder   [B, 12, 1000] -> stem conv k7 s2 12->32 (no bias) + BN + ReLU
                -> 3 residual basic blocks 32->64, 64->128, 128->128 (k5, stride 2, 'same'):
                   conv-BN-ReLU-conv(s1)-BN, shortcut 1x1 strided conv + BN, add, ReLU
                -> global average pool -> Dense 128->128                        = h
  clinical      Dense 24->64, ReLU, Dense 64->128                               = g
  late fusion   Dense 256->128 on [h; g]                                        = z
  projections   Dense 128->64 on h and on g, L2-normalised; log-scale s0 = 2.659
  424,577 trainable parameters.

One train step = one 5-way 5-shot 10-query episode (75 samples), two ECG views:
  loss = InfoNCE(u(h1), v(g)) + 1.0 * ProtoCE(z1) + 0.5 * mean(1 - cos(h1, h2)), then Adam.
The two views run through the encoder as two calls of 75 (BatchNorm statistics per view), as fewbeat's
step does (two forward calls, which its worker threads can run in parallel).
Inference = eval-mode forward of 256 ECGs with clinical context (z, u and v), no autograd.

Prints one JSON line with the keys of `fewbeat bench --json`. Single thread: torch.set_num_threads(1).
Run: /usr/bin/python3 bench/torch_twin.py [--runs 10] [--warmup 3]   (Debian: apt-get install python3-torch)
"""
import argparse
import json
import math
import resource
import statistics
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

WAYS, SHOTS, QUERIES = 5, 5, 10
SAMPLES, LEADS, CLINICAL = 1000, 12, 24
INFER_BATCH = 256


def conv_bn(cin, cout, k, stride):
    # Symmetric padding k//2: the same output lengths as TensorFlow's 'same' at every layer of this
    # network (1000 -> 500 -> 250 -> 125 -> 63); for stride 2 TensorFlow puts the odd zero on the
    # right instead of splitting it evenly, which shifts the windows by one sample but not the work.
    return nn.Sequential(nn.Conv1d(cin, cout, k, stride, padding=k // 2, bias=False), nn.BatchNorm1d(cout))


class Block(nn.Module):
    def __init__(self, cin, cout, stride, k):
        super().__init__()
        self.conv1 = conv_bn(cin, cout, k, stride)
        self.conv2 = conv_bn(cout, cout, k, 1)
        self.shortcut = conv_bn(cin, cout, 1, stride)

    def forward(self, x):
        y = self.conv2(F.relu(self.conv1(x)))
        return F.relu(y + self.shortcut(x))


class BenchModel(nn.Module):
    def __init__(self):
        super().__init__()
        self.stem = conv_bn(LEADS, 32, 7, 2)
        self.blocks = nn.Sequential(Block(32, 64, 2, 5), Block(64, 128, 2, 5), Block(128, 128, 2, 5))
        self.ecg_out = nn.Linear(128, 128)
        self.clinical = nn.Sequential(nn.Linear(CLINICAL, 64), nn.ReLU(), nn.Linear(64, 128))
        self.fusion = nn.Linear(256, 128)
        self.ecg_proj = nn.Linear(128, 64)
        self.clinical_proj = nn.Linear(128, 64)
        self.logit_scale = nn.Parameter(torch.tensor(math.log(1 / 0.07)))

    def encode_ecg(self, x):  # x [B, 12, 1000]
        h = self.blocks(F.relu(self.stem(x)))
        return self.ecg_out(h.mean(dim=2))  # [B, 128]

    def heads(self, h, c):
        g = self.clinical(c)
        z = self.fusion(torch.cat([h, g], dim=1))
        u = F.normalize(self.ecg_proj(h), dim=1)
        v = F.normalize(self.clinical_proj(g), dim=1)
        return z, u, v


def info_nce(u, v, scale):
    logits = scale * u @ v.t()
    target = torch.arange(u.shape[0])
    return 0.5 * (F.cross_entropy(logits, target) + F.cross_entropy(logits.t(), target))


def proto_ce(z, support_labels, query_labels, n_support):
    support, query = z[:n_support], z[n_support:]
    protos = torch.stack([support[support_labels == c].mean(0) for c in range(WAYS)])
    d2 = ((query[:, None, :] - protos[None, :, :]) ** 2).sum(-1)
    return F.cross_entropy(-d2, query_labels)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--runs', type=int, default=10)
    ap.add_argument('--warmup', type=int, default=3)
    args = ap.parse_args()
    torch.set_num_threads(1)
    torch.manual_seed(0)
    model = BenchModel()
    params = sum(p.numel() for p in model.parameters() if p.requires_grad)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)

    n = WAYS * (SHOTS + QUERIES)
    view1 = torch.randn(n, LEADS, SAMPLES)
    view2 = torch.randn(n, LEADS, SAMPLES)
    clinical = torch.randn(n, CLINICAL)
    support_labels = torch.arange(WAYS).repeat_interleave(SHOTS)
    query_labels = torch.arange(WAYS).repeat_interleave(QUERIES)

    def train_step():
        model.train()
        h1 = model.encode_ecg(view1)
        h2 = model.encode_ecg(view2)
        z, u, v = model.heads(h1, clinical)
        scale = model.logit_scale.clamp(max=math.log(100)).exp()
        loss = info_nce(u, v, scale) + 1.0 * proto_ce(z, support_labels, query_labels, WAYS * SHOTS) \
            + 0.5 * (1 - F.cosine_similarity(h1, h2, dim=1)).mean()
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        return loss.item()

    def timed(f, runs, warmup):
        """Median wall-clock and CPU (process_time: user + system, all threads) seconds."""
        for _ in range(warmup):
            f()
        wall, cpu = [], []
        for _ in range(runs):
            c0, t0 = time.process_time(), time.perf_counter()
            f()
            wall.append(time.perf_counter() - t0)
            cpu.append(time.process_time() - c0)
        return statistics.median(wall), statistics.median(cpu)

    train_s, train_cpu_s = timed(train_step, args.runs, args.warmup)

    ecg = torch.randn(INFER_BATCH, LEADS, SAMPLES)
    clin = torch.randn(INFER_BATCH, CLINICAL)

    def infer():
        model.eval()
        with torch.no_grad():
            z, u, v = model.heads(model.encode_ecg(ecg), clin)
            return float(z[0, 0] + u[0, 0] + v[0, 0])

    infer_s, infer_cpu_s = timed(infer, args.runs, min(args.warmup, 2))
    print(json.dumps({
        'framework': f'pytorch {torch.__version__}',
        'params': params,
        'train_step_ms_median': round(train_s * 1000, 1),
        'train_step_cpu_ms_median': round(train_cpu_s * 1000, 1),
        'infer_ecg_per_s': round(INFER_BATCH / infer_s, 1),
        'infer_ecg_per_cpu_s': round(INFER_BATCH / infer_cpu_s, 1),
        'backend': f'cpu, {torch.get_num_threads()} thread',
        'peak_rss_mb': round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        'runs': args.runs,
    }))


if __name__ == '__main__':
    main()
