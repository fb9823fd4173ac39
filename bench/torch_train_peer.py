#!/usr/bin/python3
"""Reference training peer of `brainseg train`, in plain PyTorch (Debian's python3-torch).

Trains the identical U-Net (torch_peer.UNet3d: same layers, He-normal init, biases zero) with the
same recipe as model/train/UNetTraining.java, on the same preprocessed arrays, and writes the same
epochs.csv columns, so that the two trainings can be put side by side. If ours and this loop
diverge for one normalization, that is a defect of ours (or of this peer) to find.

What is the same, rule for rule (the random streams differ: numpy here, SplittableRandom there):
  data      cases written by `./bench/run preprocess` (crop, z-score, resample, exactly as
            brainseg train preprocesses them), read with nibabel; the split is taken from a
            brainseg model.json (trainCases / validationCases) so both train and validate on the
            same cases;
  sampling  PatchSampler.java: a random case; with probability --foreground (1/3) a patch centred
            on a voxel of a tumour class drawn uniformly among those present, else a uniformly
            placed patch; corners clamped to [min(0, n-P), max(0, n-P)]; outside the volume zero
            images and background labels; flips with p 0.5 per axis; per channel scale
            1 +- 0.1 and shift +- 0.1;
  loss      DiceCeLoss.java: CE + 1 - batch soft Dice over the foreground classes, smooth 1;
  optimizer Adam (DJL's defaults: betas 0.9 / 0.999, eps 1e-8), lr0 * (1 - t/T)^0.9 per step;
  validation SlidingWindow.java: half-patch overlap, Gaussian importance (sigma P/8), softmax
            average; Dice per label and region on the preprocessed grid (both empty = 1); the
            validation loss is the same CE + Dice loss on the whole volume's probabilities.

Usage:
  ./bench/run preprocess --data data/cohort --out /tmp/pre --spacing 2
  bench/torch_train_peer.py --cases /tmp/pre --split runs/ours/model.json --norm layer \
      --epochs 10 --steps-per-epoch 40 --patch 48 --batch 2 --out runs/peer-layer
"""
import argparse
import json
import math
import os
import sys
import time

import nibabel as nib
import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from torch_peer import UNet3d, dice_ce  # noqa: E402  (the network and loss the peer benchmark uses)

KEYS = ["edema", "ncrNet", "enhancing", "WT", "TC", "ET"]
MEMBERS = {"edema": {2}, "ncrNet": {1}, "enhancing": {3}, "WT": {1, 2, 3}, "TC": {1, 3}, "ET": {3}}
SMOOTH = 1.0


def load_case(folder, case_id):
    """Channels (4, z, y, x) float32 and labels (z, y, x) uint8; nibabel gives (x, y, z), brainseg's memory order is x fastest."""
    chans = []
    for c in range(4):
        path = os.path.join(folder, "%s_%04d.nii.gz" % (case_id, c))
        if not os.path.isfile(path):
            raise SystemExit("case %s: %s is missing (--cases must be a folder written by ./bench/run preprocess)"
                             % (case_id, path))
        chans.append(np.asarray(nib.load(path).dataobj, dtype=np.float32).transpose(2, 1, 0))
    seg = np.asarray(nib.load(os.path.join(folder, case_id + "_seg.nii.gz")).dataobj).transpose(2, 1, 0)
    labels = np.rint(seg).astype(np.uint8)
    if labels.max() > 3:
        raise SystemExit("case %s: label %d is not an internal label 0..3" % (case_id, labels.max()))
    return np.ascontiguousarray(np.stack(chans)), np.ascontiguousarray(labels)


class Sampler:
    def __init__(self, cases, patch, foreground, seed, flip=0.5, scale=0.1, shift=0.1):
        self.cases = cases
        self.patch = patch
        self.foreground = foreground
        self.rng = np.random.default_rng(seed)
        self.flip, self.scale, self.shift = flip, scale, shift
        self.fg = [[np.flatnonzero(lab == k) for k in range(4)] for _, lab in cases]

    def origin(self, i, tumour):
        img, lab = self.cases[i]
        n = lab.shape  # (z, y, x)
        p = self.patch
        present = [k for k in (1, 2, 3) if len(self.fg[i][k])]
        if tumour and present:
            k = present[self.rng.integers(len(present))]
            flat = self.fg[i][k][self.rng.integers(len(self.fg[i][k]))]
            centre = np.unravel_index(flat, n)
            return [int(np.clip(centre[a] - p // 2, min(0, n[a] - p), max(0, n[a] - p))) for a in range(3)]
        return [int(self.rng.integers(min(0, n[a] - p), max(0, n[a] - p) + 1)) for a in range(3)]

    def next(self, batch):
        p = self.patch
        images = np.zeros((batch, 4, p, p, p), np.float32)
        labels = np.zeros((batch, p, p, p), np.int64)
        for b in range(batch):
            i = int(self.rng.integers(len(self.cases)))
            o = self.origin(i, self.rng.random() < self.foreground)
            flips = [self.rng.random() < self.flip for _ in range(3)]
            scale = 1 + self.scale * (2 * self.rng.random(4) - 1)
            shift = self.shift * (2 * self.rng.random(4) - 1)
            img, lab = self.cases[i]
            src = tuple(slice(max(o[a], 0), min(o[a] + p, lab.shape[a])) for a in range(3))
            dst = tuple(slice(s.start - o[a], s.stop - o[a]) for a, s in enumerate(src))
            images[b][(slice(None),) + dst] = img[(slice(None),) + src] * scale[:, None, None, None].astype(np.float32) \
                + shift[:, None, None, None].astype(np.float32)
            labels[b][dst] = lab[src]
            axes = [a + 1 for a in range(3) if flips[a]]  # (z, y, x) axes of the patch
            if axes:
                images[b] = np.flip(images[b], axis=axes)
                labels[b] = np.flip(labels[b], axis=[a - 1 for a in axes])
        one_hot = np.moveaxis(np.eye(4, dtype=np.float32)[labels], -1, 1)
        return torch.from_numpy(images), torch.from_numpy(np.ascontiguousarray(one_hot))


def starts(size, patch, overlap=0.5):
    s = max(size, patch)
    n = int(math.ceil((s - patch) / (patch * (1 - overlap)))) + 1
    step = (s - patch) / (n - 1) if n > 1 else 0
    return [int(math.floor(step * i + 0.5)) for i in range(n)]


def gaussian(p):
    sigma = p / 8.0
    c = (p - 1) / 2.0
    g = np.exp(-((np.arange(p) - c) ** 2) / (2 * sigma * sigma))
    g /= g.max()
    return (g[:, None, None] * g[None, :, None] * g[None, None, :]).astype(np.float32)


def predict(net, img, patch, window_batch=2):
    """Class probabilities (4, z, y, x) of a whole volume, as SlidingWindow.java."""
    _, nz, ny, nx = img.shape
    pz, py, px = max(nz, patch), max(ny, patch), max(nx, patch)
    padded = np.zeros((4, pz, py, px), np.float32)
    padded[:, :nz, :ny, :nx] = img
    acc = np.zeros((4, pz, py, px), np.float32)
    weight = np.zeros((pz, py, px), np.float32)
    imp = gaussian(patch)
    windows = [(z, y, x) for z in starts(nz, patch) for y in starts(ny, patch) for x in starts(nx, patch)]
    with torch.no_grad():
        for first in range(0, len(windows), window_batch):
            chunk = windows[first:first + window_batch]
            x = torch.from_numpy(np.stack([padded[:, z:z + patch, y:y + patch, x0:x0 + patch] for z, y, x0 in chunk]))
            probs = F.softmax(net(x), 1).numpy()
            for w, (z, y, x0) in enumerate(chunk):
                acc[:, z:z + patch, y:y + patch, x0:x0 + patch] += probs[w] * imp
                weight[z:z + patch, y:y + patch, x0:x0 + patch] += imp
    return (acc / weight)[:, :nz, :ny, :nx]


def dice_scores(pred, truth):
    out = {}
    for k in KEYS:
        m = list(MEMBERS[k])
        p, t = np.isin(pred, m), np.isin(truth, m)
        s = int(p.sum()) + int(t.sum())
        out[k] = 1.0 if s == 0 else 2.0 * int((p & t).sum()) / s
    return out


def volume_loss(probs, labels):
    """DiceCeLoss.compute(float[][], float[]): CE + 1 - mean foreground soft Dice over one volume, in double."""
    p = probs.reshape(4, -1).astype(np.float64)
    t = labels.reshape(-1).astype(np.int64)
    n = t.size
    pt = p[t, np.arange(n)]
    ce = -np.log(np.maximum(pt, 1e-12)).sum() / n
    dice = 0.0
    for c in range(1, 4):
        inter = pt[t == c].sum()
        dice += (2 * inter + SMOOTH) / (p[c].sum() + (t == c).sum() + SMOOTH)
    return ce + 1 - dice / 3


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cases", required=True, help="folder written by ./bench/run preprocess")
    ap.add_argument("--split", required=True, help="a brainseg model.json, or a JSON of the same keys: its trainCases and "
                    "validationCases are used; testCases, where given, are scored once on the kept epoch (test.json)")
    ap.add_argument("--norm", default="layer")
    ap.add_argument("--depth", type=int, default=3)
    ap.add_argument("--width", type=int, default=8)
    ap.add_argument("--patch", type=int, default=64)
    ap.add_argument("--batch", type=int, default=2)
    ap.add_argument("--epochs", type=int, default=20)
    ap.add_argument("--steps-per-epoch", type=int, default=50)
    ap.add_argument("--lr", type=float, default=1e-3)
    ap.add_argument("--foreground", type=float, default=1.0 / 3)
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--threads", type=int, default=0)
    ap.add_argument("--out", required=True, help="folder for epochs.csv")
    a = ap.parse_args()
    if a.threads > 0:
        torch.set_num_threads(a.threads)
    torch.set_num_interop_threads(1)
    if a.epochs < 1 or a.steps_per_epoch < 1:
        raise SystemExit("--epochs and --steps-per-epoch must be at least 1, got %d and %d" % (a.epochs, a.steps_per_epoch))
    try:
        with open(a.split) as f:
            manifest = json.load(f)
    except (OSError, ValueError) as e:
        raise SystemExit("--split %s: not a readable JSON file (%s)" % (a.split, e))
    if not isinstance(manifest, dict):
        raise SystemExit("--split %s: expected a JSON object with trainCases" % a.split)
    info = manifest.get("training", manifest)
    train_ids, val_ids = info.get("trainCases"), info.get("validationCases")
    test_ids = info.get("testCases") or []
    if not train_ids:
        raise SystemExit("%s has no trainCases: give the model.json of a brainseg train run" % a.split)
    train = [load_case(a.cases, i) for i in train_ids]
    val = [load_case(a.cases, i) for i in val_ids or []]
    torch.manual_seed(a.seed)
    net = UNet3d(a.depth, a.width, a.norm)
    opt = torch.optim.Adam(net.parameters(), lr=a.lr, betas=(0.9, 0.999), eps=1e-8)
    total = a.epochs * a.steps_per_epoch
    sampler = Sampler(train, a.patch, a.foreground, a.seed)
    os.makedirs(a.out, exist_ok=True)
    best = -float("inf")  # without validation cases an epoch's score is minus its training loss
    best_state, best_epoch = None, 0
    t = 0
    with open(os.path.join(a.out, "epochs.csv"), "w") as csv:
        csv.write("epoch,train_loss,val_loss," + ",".join("dice_" + k for k in KEYS) + ",lr,seconds,best\n")
        for epoch in range(1, a.epochs + 1):
            t0 = time.perf_counter()
            net.train()
            losses = []
            for _ in range(a.steps_per_epoch):
                lr = a.lr * (1 - min(t, total - 1) / total) ** 0.9
                for g in opt.param_groups:
                    g["lr"] = lr
                x, y = sampler.next(a.batch)
                opt.zero_grad(set_to_none=True)
                loss = dice_ce(net(x), y)
                loss.backward()
                opt.step()
                losses.append(loss.item())
                if not math.isfinite(losses[-1]):
                    raise SystemExit("diverged at step %d: loss %s" % (t + 1, losses[-1]))
                t += 1
            net.eval()
            scores, vloss = [], []
            for img, lab in val:
                probs = predict(net, img, a.patch)
                scores.append(dice_scores(np.argmax(probs, 0), lab))
                vloss.append(volume_loss(probs, lab))
            dice = {k: float(np.mean([s[k] for s in scores])) for k in KEYS} if scores else {}
            mean_regions = (dice["WT"] + dice["TC"] + dice["ET"]) / 3 if dice else -float(np.mean(losses))
            is_best = mean_regions > best
            best = max(best, mean_regions)
            if is_best:
                best_state, best_epoch = {k: v.detach().clone() for k, v in net.state_dict().items()}, epoch
            row = [str(epoch), "%.6f" % np.mean(losses), "%.6f" % np.mean(vloss) if vloss else ""]
            row += ["%.6f" % dice[k] if dice else "" for k in KEYS]
            row += ["%.6g" % lr, "%.2f" % (time.perf_counter() - t0), "true" if is_best else "false"]
            csv.write(",".join(row) + "\n")
            csv.flush()
            print("epoch %d/%d: train loss %.4f, val loss %s, Dice WT %s TC %s ET %s" % (
                epoch, a.epochs, np.mean(losses), row[2], row[6], row[7], row[8]), flush=True)
    if test_ids:
        # the test cases choose nothing: scored once, on the epoch validation kept
        net.load_state_dict(best_state)
        net.eval()
        scores = []
        for i in test_ids:
            img, lab = load_case(a.cases, i)
            scores.append(dice_scores(np.argmax(predict(net, img, a.patch), 0), lab))
        mean = {k: float(np.mean([s[k] for s in scores])) for k in KEYS}
        with open(os.path.join(a.out, "test.json"), "w") as f:
            json.dump({"keptEpoch": best_epoch, "testCases": test_ids, "mean": mean,
                       "perCase": dict(zip(test_ids, [{k: float(s[k]) for k in KEYS} for s in scores]))}, f, indent=1)
        print("test (%d cases, epoch %d): WT %.3f TC %.3f ET %.3f" % (len(test_ids), best_epoch, mean["WT"], mean["TC"],
                                                                       mean["ET"]), flush=True)


if __name__ == "__main__":
    main()
