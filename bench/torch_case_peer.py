#!/usr/bin/python3
"""Whole-case inference as a PyTorch user would run it, beside brainseg's (`./bench/run case-peer`).

The native model's weights are loaded into the identical PyTorch network (torch_peer.UNet3d, the
parameter names mapped as export_torchscript.py maps them); the preprocessed case (brainseg's crop,
z-score and resampling: both sides start from the same float32 channels) is segmented by a sliding
window with MONAI's `sliding_window_inference` semantics, written here since MONAI is not installable:
cubic windows of the model's patch overlapping by half (starts spread evenly, the last window ending
at the border, volumes smaller than a patch zero-padded), a Gaussian importance map (sigma = patch/8,
maximum 1), softmax probabilities weighted and divided by the summed weights, 2 windows per forward
pass; with TTA the probabilities are averaged over the 8 flip combinations of the three axes. The
labels are the argmax over the classes.

Serves JSON lines on stdin so that the Java side alternates with it in one run (never both at once):
  {"cmd": "load", "params": P, "model_json": M, "input": RAW, "shape": [C, nz, ny, nx], "batch": 2, "threads": 2}
  {"cmd": "run", "tta": false, "labels": PATH or null}   -> {"ms": ...}  (labels: uint8, x fastest)
  {"cmd": "quit"}
"""
import json
import math
import os
import sys
import time

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import export_torchscript  # noqa: E402  (reads the native parameters, maps their names)
import torch_peer  # noqa: E402  (the identical network)

FLIPS = [(), (2,), (3,), (4,), (2, 3), (2, 4), (3, 4), (2, 3, 4)]


def starts(size, patch):
    s = max(size, patch)
    n = int(math.ceil((s - patch) / (patch * 0.5))) + 1
    step = (s - patch) / (n - 1) if n > 1 else 0
    return [int(math.floor(step * i + 0.5)) for i in range(n)]


def gaussian(patch):
    sigma = patch / 8.0
    c = (patch - 1) / 2.0
    g = torch.tensor([math.exp(-(i - c) ** 2 / (2 * sigma * sigma)) for i in range(patch)], dtype=torch.float64)
    g = g / g.max()
    return (g[:, None, None] * g[None, :, None] * g[None, None, :]).float()


class Peer:
    def __init__(self, cmd):
        torch.set_num_threads(int(cmd.get("threads") or os.cpu_count()))
        manifest = json.load(open(cmd["model_json"]))
        a = manifest["architecture"]
        self.net = torch_peer.UNet3d(int(a["depth"]), int(a["baseWidth"]), a["normalization"])
        state = self.net.state_dict()
        loaded = {}
        for k, v in export_torchscript.read(cmd["params"]).items():
            loaded[export_torchscript.torch_name(k)] = v.reshape(state[export_torchscript.torch_name(k)].shape)
        self.net.load_state_dict(loaded)
        self.net.eval()
        patch = manifest["patchSize"]
        self.patch = patch if isinstance(patch, int) else patch[0]
        self.batch = int(cmd.get("batch", 2))
        c, nz, ny, nx = cmd["shape"]
        self.x = torch.from_numpy(np.fromfile(cmd["input"], dtype="<f4").reshape(c, nz, ny, nx).copy())
        self.importance = gaussian(self.patch)

    def segment(self, tta):
        p = self.patch
        c, nz, ny, nx = self.x.shape
        pz, py, px = max(nz, p), max(ny, p), max(nx, p)
        x = torch.nn.functional.pad(self.x, (0, px - nx, 0, py - ny, 0, pz - nz))
        classes = None
        acc = None
        weight = torch.zeros(pz, py, px)
        windows = [(z, y, xx) for z in starts(nz, p) for y in starts(ny, p) for xx in starts(nx, p)]
        with torch.no_grad():
            for first in range(0, len(windows), self.batch):
                group = windows[first:first + self.batch]
                inp = torch.stack([x[:, z:z + p, y:y + p, xx:xx + p] for z, y, xx in group])
                probs = None
                for axes in (FLIPS if tta else FLIPS[:1]):
                    flipped = inp.flip(axes) if axes else inp
                    out = torch.softmax(self.net(flipped), dim=1)
                    out = out.flip(axes) if axes else out
                    probs = out if probs is None else probs + out
                if tta:
                    probs = probs / len(FLIPS)
                if acc is None:
                    classes = probs.shape[1]
                    acc = torch.zeros(classes, pz, py, px)
                for i, (z, y, xx) in enumerate(group):
                    acc[:, z:z + p, y:y + p, xx:xx + p] += probs[i] * self.importance
                    weight[z:z + p, y:y + p, xx:xx + p] += self.importance
        acc = acc[:, :nz, :ny, :nx] / weight[:nz, :ny, :nx]
        return acc.argmax(dim=0).to(torch.uint8)


def serve():
    torch.set_num_interop_threads(1)  # once, before any parallel work, as torch_peer.py
    peer = None
    for line in sys.stdin:
        cmd = json.loads(line)
        if cmd["cmd"] == "quit":
            break
        if cmd["cmd"] == "load":
            peer = Peer(cmd)
            reply = {"loaded": True, "threads": torch.get_num_threads(), "torch": torch.__version__}
        elif cmd["cmd"] == "run":
            t0 = time.perf_counter()
            labels = peer.segment(bool(cmd.get("tta")))
            ms = (time.perf_counter() - t0) * 1e3
            if cmd.get("labels"):
                labels.numpy().tofile(cmd["labels"])
            reply = {"ms": ms}
        else:
            reply = {"error": "unknown command " + cmd["cmd"]}
        sys.stdout.write(json.dumps(reply) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    if sys.argv[1:] != ["--serve"]:
        sys.stderr.write(__doc__)
        sys.exit(2)
    serve()
