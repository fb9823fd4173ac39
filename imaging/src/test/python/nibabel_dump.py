#!/usr/bin/python3
"""Prints what nibabel sees in a NIfTI file as JSON: shape, dtype, affine, sform/qform codes, zooms, xyzt units, voxel values (Fortran order)."""
import json
import sys

import nibabel as nib
import numpy as np

img = nib.load(sys.argv[1])
hdr = img.header
print(json.dumps({
    'shape': list(img.shape),
    'dtype': str(hdr.get_data_dtype().name),
    'affine': img.affine.tolist(),
    'sform_code': int(hdr['sform_code']),
    'qform_code': int(hdr['qform_code']),
    'zooms': [float(z) for z in hdr.get_zooms()],
    'xyzt_units': list(hdr.get_xyzt_units()),
    'data': np.asarray(img.get_fdata(), dtype=np.float64).ravel(order='F').tolist(),
}))
