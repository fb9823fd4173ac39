#!/usr/bin/python3
"""Dice and HD95 as MedPy computes them (scipy's exact EDT), for SegmentationMetricsTest.

Usage: metrics_reference.py PRED.nii TRUTH.nii  (internal labels 0..3) -> JSON like `brainseg dice`.
"""
import json
import sys

import nibabel as nib
import numpy as np
from scipy.ndimage import binary_erosion, distance_transform_edt, generate_binary_structure

pred_img = nib.load(sys.argv[1])
pred = np.asarray(pred_img.dataobj).astype(int)
truth = np.asarray(nib.load(sys.argv[2]).dataobj).astype(int)
spacing = np.sqrt((pred_img.affine[:3, :3] ** 2).sum(axis=0))


def surface_distances(a, b):
    fp = generate_binary_structure(3, 1)
    a_border = a ^ binary_erosion(a, structure=fp, iterations=1)
    b_border = b ^ binary_erosion(b, structure=fp, iterations=1)
    dt = distance_transform_edt(~b_border, sampling=spacing)
    return dt[a_border]


def score(a, b):
    if not a.any() and not b.any():
        return {'dice': 1.0, 'hd95': 0.0}
    dice = 2.0 * np.logical_and(a, b).sum() / (a.sum() + b.sum())
    if not a.any() or not b.any():
        return {'dice': float(dice), 'hd95': float(np.sqrt(((np.array(a.shape) * spacing) ** 2).sum()))}
    hd95 = max(np.percentile(surface_distances(a, b), 95), np.percentile(surface_distances(b, a), 95))
    return {'dice': float(dice), 'hd95': float(hd95)}


labels = {'edema': [2], 'ncrNet': [1], 'enhancing': [3]}
regions = {'WT': [1, 2, 3], 'TC': [1, 3], 'ET': [3]}
print(json.dumps({
    'labels': {k: score(np.isin(pred, v), np.isin(truth, v)) for k, v in labels.items()},
    'regions': {k: score(np.isin(pred, v), np.isin(truth, v)) for k, v in regions.items()},
}))
