#!/usr/bin/python3
"""Writes hard out-of-distribution inputs for the quality estimate's check (docs/QUALITY.md), from the
cases of a BraTS 2020-layout cohort (CASE/CASE_{t1,t1ce,t2,flair,seg}.nii.gz), with nibabel:

  swapped   FLAIR and T1 files exchanged
  noise     T2 replaced by Gaussian noise of the same mean and sd (seeded)
  constant  T1ce set to its brain mean inside the brain
  blank     FLAIR zero except 20 voxels (the loader refuses an all-zero file as unreadable)
  allnoise  every modality replaced by noise: no brain-like signal at all

Each case keeps its ground truth, so `brainseg evaluate --quality` can score it; every one of them
must come out needsReview with the matching reason.

Usage: hard_inputs.py SOURCE_COHORT OUT_DIR [CASES]   (CASES: how many source cases, default 2)
"""
import os
import shutil
import sys

import nibabel as nib
import numpy as np

MODS = ("t1", "t1ce", "t2", "flair")


def load(d, case, m):
    img = nib.load(os.path.join(d, case, "%s_%s.nii.gz" % (case, m)))
    return img, np.asarray(img.dataobj).astype(np.float32)


def save(img, data, path):
    nib.save(nib.Nifti1Image(data.astype(np.int16), img.affine, img.header), path)


def main():
    src, out = sys.argv[1], sys.argv[2]
    n = int(sys.argv[3]) if len(sys.argv) > 3 else 2
    cases = sorted(c for c in os.listdir(src) if os.path.isfile(os.path.join(src, c, c + "_seg.nii.gz")))[:n]
    rng = np.random.default_rng(2027)
    for case in cases:
        for kind in ("swapped", "noise", "constant", "blank", "allnoise"):
            new = "%s_%s" % (case, kind)
            d = os.path.join(out, new)
            os.makedirs(d, exist_ok=True)
            shutil.copy(os.path.join(src, case, case + "_seg.nii.gz"), os.path.join(d, new + "_seg.nii.gz"))
            vols = {m: load(src, case, m) for m in MODS}
            brain = np.zeros(vols["t1"][1].shape, dtype=bool)
            for m in MODS:
                brain |= vols[m][1] != 0
            data = {m: vols[m][1].copy() for m in MODS}
            if kind == "swapped":
                data["t1"], data["flair"] = vols["flair"][1], vols["t1"][1]
            elif kind == "noise":
                x = data["t2"][brain]
                data["t2"] = np.abs(rng.normal(x.mean(), x.std(), data["t2"].shape))
            elif kind == "constant":
                data["t1ce"] = np.where(brain, round(float(data["t1ce"][brain].mean())), 0)
            elif kind == "blank":
                z = np.zeros_like(data["flair"])
                idx = np.argwhere(brain)[:20]
                z[tuple(idx.T)] = 100
                data["flair"] = z
            elif kind == "allnoise":
                for m in MODS:
                    x = data[m][brain]
                    data[m] = np.abs(rng.normal(x.mean(), x.std(), data[m].shape))
            for m in MODS:
                save(vols[m][0], data[m], os.path.join(d, "%s_%s.nii.gz" % (new, m)))
            print(new)


if __name__ == "__main__":
    main()
