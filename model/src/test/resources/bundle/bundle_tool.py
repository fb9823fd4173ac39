#!/usr/bin/python3
"""Test helper for brainseg's imported-model support, with Debian's PyTorch (no MONAI: it is not
packaged). Three jobs:

  make DIR ROI BLEND [KIND] a small 3-D network traced to DIR/models/model.ts, with
                           DIR/configs/metadata.json and inference.json in the MONAI bundle layout:
                           inputs T1c, T1, T2, FLAIR; outputs TC, WT, ET as sigmoids, threshold 0.5;
                           NormalizeIntensityd(nonzero, channel_wise); SlidingWindowInferer with
                           roi_size ROI (x,y,z), overlap 0.5, sw_batch_size 2, mode BLEND.
  dice DIR DATASET         that reference inference on every case of a BraTS 2020-layout dataset: Dice
                           per region as JSON (the figure `brainseg evaluate --model DIR` must match).
  infer DIR IN OUT         the reference inference of that bundle, written from MONAI's semantics:
                           IN holds float32 (4, X, Y, Z) in brainseg's order (T1, T1ce, T2, FLAIR),
                           OUT gets uint8 (X, Y, Z) internal labels (1 NCR/NET, 2 edema, 3 enhancing).
"""
import json
import math
import os
import sys

import numpy as np
import torch

MODALITY = {"t1": 0, "t1c": 1, "t1ce": 1, "t2": 2, "flair": 3}


class Net(torch.nn.Module):
    """kind: 'good'; 'nan' (every output NaN); 'rank4' (drops the last spatial axis); 'in5' (takes 5 channels)."""

    def __init__(self, kind):
        super().__init__()
        self.kind = kind
        self.a = torch.nn.Conv3d(5 if kind == "in5" else 4, 6, 3, padding=1)
        self.b = torch.nn.Conv3d(6, 3, 1)

    def forward(self, x):
        y = self.b(torch.relu(self.a(x)))
        if self.kind == "nan":
            return y * float("nan")
        if self.kind == "rank4":
            return y[:, :, :, :, 0]
        return y


def make(out, roi, blend, kind):
    torch.manual_seed(2022)
    net = Net(kind).eval()
    os.makedirs(os.path.join(out, "models"), exist_ok=True)
    os.makedirs(os.path.join(out, "configs"), exist_ok=True)
    example = torch.zeros(1, 5 if kind == "in5" else 4, *roi)
    torch.jit.trace(net, example).save(os.path.join(out, "models", "model.ts"))
    metadata = {
        "version": "0.1.0",
        "description": "a test network in the MONAI bundle layout",
        "intended_use": "tests only",
        "network_data_format": {
            "inputs": {"image": {"num_channels": 4, "channel_def": {"0": "T1c", "1": "T1", "2": "T2", "3": "FLAIR"}}},
            "outputs": {"pred": {"num_channels": 3,
                                 "channel_def": {"0": "Tumor core", "1": "Whole tumor", "2": "Enhancing tumor"}}},
        },
    }
    inference = {
        "device": "$torch.device('cpu')",
        "preprocessing": {"_target_": "Compose", "transforms": [
            {"_target_": "LoadImaged", "keys": "image"},
            {"_target_": "NormalizeIntensityd", "keys": "image", "nonzero": True, "channel_wise": True}]},
        "inferer": {"_target_": "SlidingWindowInferer", "roi_size": list(roi), "sw_batch_size": 2, "overlap": 0.5,
                    "mode": blend},
        "postprocessing": {"_target_": "Compose", "transforms": [
            {"_target_": "Activationsd", "keys": "pred", "sigmoid": True},
            {"_target_": "AsDiscreted", "keys": "pred", "threshold": 0.5}]},
    }
    with open(os.path.join(out, "configs", "metadata.json"), "w") as f:
        json.dump(metadata, f, indent=2)
    with open(os.path.join(out, "configs", "inference.json"), "w") as f:
        json.dump(inference, f, indent=2)


def starts(size, roi, overlap):
    interval = roi if roi == size else max(int(roi * (1 - overlap)), 1)
    num = int(math.ceil(size / interval))
    last = next(d for d in range(num) if d * interval + roi >= size)
    return [d * interval - max(d * interval + roi - size, 0) for d in range(last + 1)]


def importance(roi, blend):
    if blend == "constant":
        return np.ones(roi, dtype=np.float64)
    axes = []
    for r in roi:
        sigma = r * 0.125
        c = (r - 1) / 2.0
        axes.append(np.exp(-((np.arange(r) - c) ** 2) / (2 * sigma * sigma)))
    g = axes[0][:, None, None] * axes[1][None, :, None] * axes[2][None, None, :]
    g = g / (axes[0][(roi[0] - 1) // 2] * axes[1][(roi[1] - 1) // 2] * axes[2][(roi[2] - 1) // 2])
    return np.maximum(g, 1e-6)


def infer(bundle, src, dst):
    shape = [int(s) for s in open(src + ".shape").read().split()]
    raw = np.fromfile(src, dtype="<f4").reshape(shape)
    infer_array(bundle, raw).tofile(dst)


def infer_array(bundle, raw):
    """raw: float (4, X, Y, Z) in brainseg's order (T1, T1ce, T2, FLAIR); returns uint8 internal labels (X, Y, Z)."""
    with open(os.path.join(bundle, "configs", "metadata.json")) as f:
        metadata = json.load(f)
    with open(os.path.join(bundle, "configs", "inference.json")) as f:
        inference = json.load(f)
    net = torch.jit.load(os.path.join(bundle, "models", "model.ts")).eval()
    channel_def = metadata["network_data_format"]["inputs"]["image"]["channel_def"]
    order = [MODALITY[channel_def[str(i)].lower()] for i in range(len(channel_def))]
    image = raw[order].astype(np.float64)
    for c in range(image.shape[0]):  # NormalizeIntensityd(nonzero=True, channel_wise=True)
        nz = image[c] != 0
        if nz.any():
            mean = image[c][nz].mean()
            std = image[c][nz].std()
            image[c][nz] = (image[c][nz] - mean) / (std if std > 0 else 1.0)
    image = image.astype(np.float32)
    inferer = inference["inferer"]
    roi = inferer["roi_size"]
    size = image.shape[1:]
    pad = [max(r - s, 0) for r, s in zip(roi, size)]
    before = [p // 2 for p in pad]
    padded = np.pad(image, [(0, 0)] + [(b, p - b) for b, p in zip(before, pad)])
    psize = padded.shape[1:]
    w = importance(roi, inferer.get("mode", "constant"))
    out = np.zeros((3,) + psize, dtype=np.float64)
    weight = np.zeros(psize, dtype=np.float64)
    windows = [(x, y, z) for x in starts(psize[0], roi[0], inferer["overlap"])
               for y in starts(psize[1], roi[1], inferer["overlap"])
               for z in starts(psize[2], roi[2], inferer["overlap"])]
    with torch.no_grad():
        for (x, y, z) in windows:
            patch = torch.from_numpy(np.ascontiguousarray(padded[None, :, x:x + roi[0], y:y + roi[1], z:z + roi[2]]))
            o = net(patch)[0].numpy().astype(np.float64)
            out[:, x:x + roi[0], y:y + roi[1], z:z + roi[2]] += o * w
            weight[x:x + roi[0], y:y + roi[1], z:z + roi[2]] += w
    out = out / weight
    out = out[:, before[0]:before[0] + size[0], before[1]:before[1] + size[1], before[2]:before[2] + size[2]]
    prob = 1 / (1 + np.exp(-out))
    on = prob >= 0.5
    tc, wt, et = on[0], on[1], on[2]
    labels = np.where(et, 3, np.where(tc, 1, np.where(wt, 2, 0))).astype(np.uint8)
    return labels


def dice(bundle, dataset):
    """Mean Dice per region (WT, TC, ET; both empty = 1) of the bundle's reference inference on every case
    of a BraTS 2020-layout dataset (CASE/CASE_{t1,t1ce,t2,flair,seg}.nii.gz, seg labels 1, 2, 4), read with nibabel."""
    import nibabel as nib
    regions = {"WT": (1, 2, 3), "TC": (1, 3), "ET": (3,)}
    per_case = []
    for case in sorted(os.listdir(dataset)):
        d = os.path.join(dataset, case)
        seg_file = os.path.join(d, case + "_seg.nii.gz")
        if not os.path.isfile(seg_file):
            continue
        raw = np.stack([np.asarray(nib.load(os.path.join(d, "%s_%s.nii.gz" % (case, m))).dataobj, dtype=np.float32)
                        for m in ("t1", "t1ce", "t2", "flair")])
        truth = np.asarray(nib.load(seg_file).dataobj).astype(np.int16)
        truth = np.where(truth == 4, 3, truth)
        pred = infer_array(bundle, raw)
        row = {"case": case}
        for r, labels in regions.items():
            p, t = np.isin(pred, labels), np.isin(truth, labels)
            denom = p.sum() + t.sum()
            row[r] = 1.0 if denom == 0 else 2.0 * np.logical_and(p, t).sum() / denom
        per_case.append(row)
    mean = {r: float(np.mean([c[r] for c in per_case])) for r in regions}
    print(json.dumps({"cases": per_case, "mean": mean}, default=float))


if __name__ == "__main__":
    if sys.argv[1] == "make":
        make(sys.argv[2], [int(v) for v in sys.argv[3].split(",")], sys.argv[4], sys.argv[5] if len(sys.argv) > 5 else "good")
    elif sys.argv[1] == "infer":
        infer(sys.argv[2], sys.argv[3], sys.argv[4])
    elif sys.argv[1] == "dice":
        dice(sys.argv[2], sys.argv[3])
    else:
        sys.exit("usage: bundle_tool.py make DIR X,Y,Z BLEND | infer DIR IN OUT | dice DIR DATASET")
