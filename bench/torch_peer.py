#!/usr/bin/python3
"""PyTorch peer of brainseg's U-Net for `./bench/run peer` (docs/BENCHMARKS.md).

Builds the same network as model/net/UNet3d.java in plain PyTorch eager, as a PyTorch user would
write it, and times a forward pass (eval, no_grad) or one training step (forward, Dice + CE loss as
model/train/DiceCeLoss.java, backward, Adam with DJL's defaults).

The architecture, level by level (the model tests compare it numerically: torch_reference.py):
  encoder level l: [conv3d 3x3x3 pad 1 (bias), norm, leaky_relu 0.01] x 2, widths width*2^l,
                   2x2x2 max pooling between levels;
  decoder level l: conv3d 1x1x1 (width(l+1) -> width(l)) at the coarse level, nearest upsampling x2,
                   concat [skip, up] on channels, the same double conv block;
  head: conv3d 1x1x1 -> 4 classes.
  Normalizations: none | layer (GroupNorm 1 group) | layer-channel (layer_norm over channels) |
  instance (InstanceNorm3d, affine) | group (GroupNorm, largest divisor of C <= 8) | batch (BatchNorm3d).

Two ways to run it:
  torch_peer.py --serve       JSON lines on stdin, one JSON reply per line on stdout (used by
                              `./bench/run peer`, which alternates with its own runs):
      {"cmd":"setup","patch":64,"batch":1,"norm":"layer","mode":"forward","depth":3,"width":8,
       "threads":2,"warmup":1}                                   -> {"ok":true,"params":N}
      {"cmd":"run"}                                              -> {"ms":12.3}
      {"cmd":"matmul","n":2048,"reps":5}                         -> {"ms":[...]}
      {"cmd":"profile","out":"/tmp/peer.json"}                   -> {"ms":12.3} (one run under torch's
                                                                    profiler, written as a Chrome trace)
      {"cmd":"quit"}
  torch_peer.py --patch 64 --batch 1 --norm layer --mode forward --rounds 5 [--threads 2]
                              stand-alone: prints the median ms.
"""
import argparse
import json
import statistics
import sys
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

LEAKY = 0.01
EPS = 1e-5
SMOOTH = 1.0
CLASSES = 4
IN_CHANNELS = 4


def groups_for(c):
    for g in range(min(8, c), 1, -1):
        if c % g == 0:
            return g
    return 1


class ChannelLayerNorm(nn.Module):
    """LayerNorm over the channel axis of (N, C, D, H, W) (Keras LayerNormalization, channels last)."""

    def __init__(self, c):
        super().__init__()
        self.ln = nn.LayerNorm(c, eps=EPS)

    def forward(self, x):
        return self.ln(x.permute(0, 2, 3, 4, 1)).permute(0, 4, 1, 2, 3)


def make_norm(kind, c):
    if kind == "none":
        return nn.Identity()
    if kind == "layer":
        return nn.GroupNorm(1, c, eps=EPS)
    if kind == "instance":
        return nn.InstanceNorm3d(c, eps=EPS, affine=True)
    if kind == "group":
        return nn.GroupNorm(groups_for(c), c, eps=EPS)
    if kind == "layer-channel":
        return ChannelLayerNorm(c)
    if kind == "batch":
        return nn.BatchNorm3d(c, eps=EPS, momentum=0.1)
    raise ValueError("unknown normalization " + kind)


class ConvBlock(nn.Module):
    def __init__(self, cin, cout, kind):
        super().__init__()
        self.conv1 = nn.Conv3d(cin, cout, 3, padding=1)
        self.norm1 = make_norm(kind, cout)
        self.conv2 = nn.Conv3d(cout, cout, 3, padding=1)
        self.norm2 = make_norm(kind, cout)

    def forward(self, x):
        x = F.leaky_relu(self.norm1(self.conv1(x)), LEAKY)
        return F.leaky_relu(self.norm2(self.conv2(x)), LEAKY)


class UNet3d(nn.Module):
    def __init__(self, depth, width, kind):
        super().__init__()
        w = [width << l for l in range(depth)]
        self.depth = depth
        self.enc = nn.ModuleList([ConvBlock(IN_CHANNELS if l == 0 else w[l - 1], w[l], kind) for l in range(depth)])
        self.up = nn.ModuleList([nn.Conv3d(w[l + 1], w[l], 1) for l in range(depth - 1)])
        self.dec = nn.ModuleList([ConvBlock(2 * w[l], w[l], kind) for l in range(depth - 1)])
        self.head = nn.Conv3d(w[0], CLASSES, 1)
        for m in self.modules():
            if isinstance(m, nn.Conv3d):  # He normal, fan in, biases zero, as UNet3d.java
                nn.init.kaiming_normal_(m.weight, nonlinearity="relu")
                nn.init.zeros_(m.bias)

    def forward(self, x):
        skips = []
        for l in range(self.depth):
            x = self.enc[l](x)
            if l < self.depth - 1:
                skips.append(x)
                x = F.max_pool3d(x, 2)
        for l in range(self.depth - 2, -1, -1):
            x = F.interpolate(self.up[l](x), scale_factor=2, mode="nearest")
            x = self.dec[l](torch.cat([skips[l], x], dim=1))
        return self.head(x)


def dice_ce(logits, one_hot):
    """model/train/DiceCeLoss.java: CE + 1 - mean foreground soft Dice over the batch."""
    voxels = logits.numel() // logits.shape[1]
    logp = F.log_softmax(logits, 1)
    ce = -(one_hot * logp).sum() / voxels
    p = logp.exp()
    axes = (0, 2, 3, 4)
    inter = (p * one_hot).sum(axes)
    den = p.sum(axes) + one_hot.sum(axes)
    dice = (2 * inter + SMOOTH) / (den + SMOOTH)
    return ce + 1 - dice[1:].mean()


def tumour_like(batch, p, seed=1):
    """Seeded images (batch, 4, p, p, p) and one-hot labels, a spherical lesion per patch (as StepBenchmark)."""
    rng = np.random.default_rng(seed)
    z, y, x = np.meshgrid(*(np.arange(p),) * 3, indexing="ij")
    images = np.empty((batch, IN_CHANNELS, p, p, p), np.float32)
    one_hot = np.zeros((batch, CLASSES, p, p, p), np.float32)
    for b in range(batch):
        c = p * (0.35 + 0.3 * rng.random(3))
        r = p * (0.15 + 0.1 * rng.random())
        d = np.sqrt((x - c[0]) ** 2 + (y - c[1]) ** 2 + (z - c[2]) ** 2) / r
        label = np.select([d < 0.5, d < 0.8, d < 1.6], [1, 3, 2], 0)
        for k in range(CLASSES):
            one_hot[b, k] = label == k
        for ch in range(IN_CHANNELS):
            images[b, ch] = 0.4 * label * (ch + 1) / 4.0 + rng.standard_normal((p, p, p))
    return images, one_hot


class Bench:
    def __init__(self, patch, batch, norm, mode, depth=3, width=8, threads=0):
        if threads > 0:
            torch.set_num_threads(threads)
        torch.manual_seed(1)
        self.mode = mode
        self.net = UNet3d(depth, width, norm)
        self.images, self.one_hot = tumour_like(batch, patch)
        if mode == "train":
            self.net.train()
            # DJL's Adam defaults: learning rate 0.001, betas 0.9 / 0.999, epsilon 1e-8.
            self.opt = torch.optim.Adam(self.net.parameters(), lr=1e-3, betas=(0.9, 0.999), eps=1e-8)
        elif mode == "forward":
            self.net.eval()
        else:
            raise ValueError("mode must be forward or train, got " + mode)

    def once(self):
        """One timed operation in milliseconds; like ours, the tensors are made from host arrays each time."""
        t0 = time.perf_counter()
        x = torch.from_numpy(self.images)
        if self.mode == "forward":
            with torch.no_grad():
                probs = F.softmax(self.net(x), 1)
                probs.numpy()
        else:
            y = torch.from_numpy(self.one_hot)
            self.opt.zero_grad(set_to_none=True)
            loss = dice_ce(self.net(x), y)
            loss.backward()
            loss.item()
            self.opt.step()
        return (time.perf_counter() - t0) * 1e3


def matmul_ms(n, reps):
    a = torch.randn(n, n)
    b = torch.randn(n, n)
    torch.mm(a, b)  # warm-up
    out = []
    for _ in range(reps):
        t0 = time.perf_counter()
        torch.mm(a, b)
        out.append((time.perf_counter() - t0) * 1e3)
    return out


def serve():
    bench = None
    for line in sys.stdin:
        line = line.strip()
        if not line:
            continue
        try:
            req = json.loads(line)
            cmd = req["cmd"]
            if cmd == "setup":
                bench = None
                bench = Bench(req["patch"], req["batch"], req["norm"], req["mode"], req.get("depth", 3),
                              req.get("width", 8), req.get("threads", 0))
                for _ in range(req.get("warmup", 1)):
                    bench.once()
                reply = {"ok": True, "params": sum(p.numel() for p in bench.net.parameters()),
                         "threads": torch.get_num_threads(), "torch": torch.__version__}
            elif cmd == "run":
                reply = {"ms": bench.once()}
            elif cmd == "profile":
                with torch.autograd.profiler.profile() as prof:
                    ms = bench.once()
                prof.export_chrome_trace(req["out"])
                reply = {"ms": ms}
            elif cmd == "matmul":
                if req.get("threads", 0) > 0:
                    torch.set_num_threads(req["threads"])
                reply = {"ms": matmul_ms(req.get("n", 2048), req.get("reps", 5))}
            elif cmd == "quit":
                return
            else:
                reply = {"error": "unknown cmd " + cmd}
        except Exception as e:  # reported to the caller, which stops with the message
            reply = {"error": "%s: %s" % (type(e).__name__, e)}
        sys.stdout.write(json.dumps(reply) + "\n")
        sys.stdout.flush()


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--serve", action="store_true")
    ap.add_argument("--patch", type=int, default=64)
    ap.add_argument("--batch", type=int, default=1)
    ap.add_argument("--norm", default="layer")
    ap.add_argument("--mode", default="forward", choices=["forward", "train"])
    ap.add_argument("--depth", type=int, default=3)
    ap.add_argument("--width", type=int, default=8)
    ap.add_argument("--threads", type=int, default=0)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--warmup", type=int, default=1)
    a = ap.parse_args()
    torch.set_num_interop_threads(1)  # as brainseg (EngineSettings): the graph is sequential
    if a.serve:
        serve()
        return
    b = Bench(a.patch, a.batch, a.norm, a.mode, a.depth, a.width, a.threads)
    for _ in range(a.warmup):
        b.once()
    ms = [b.once() for _ in range(a.rounds)]
    print("%s %d^3 batch %d %s: median %.1f ms (min %.1f, max %.1f), %d threads" % (
        a.mode, a.patch, a.batch, a.norm, statistics.median(ms), min(ms), max(ms), torch.get_num_threads()))


if __name__ == "__main__":
    main()
