#!/usr/bin/python3
"""nibabel side of `./bench/run nifti`: times one read or write in this process, prints seconds.

    nibabel_io.py read FILE          -> get_fdata(dtype=float32), as brainseg's reader decodes
    nibabel_io.py write SRC DST      -> load SRC once (not timed), time nib.save to DST
"""
import sys
import time

import nibabel as nib
import numpy as np

mode = sys.argv[1]
if mode == 'read':
    t0 = time.perf_counter()
    img = nib.load(sys.argv[2])
    data = img.get_fdata(dtype=np.float32)
    t = time.perf_counter() - t0
    assert data.size > 0
elif mode == 'write':
    src = nib.load(sys.argv[2])
    data = src.get_fdata(dtype=np.float32)
    img = nib.Nifti1Image(data, src.affine)
    img.set_data_dtype(np.float32)
    t0 = time.perf_counter()
    nib.save(img, sys.argv[3])
    t = time.perf_counter() - t0
else:
    raise SystemExit('usage: nibabel_io.py read FILE | write SRC DST')
print(f'{t:.6f}')
