#!/usr/bin/python3
"""Writes the NIfTI fixtures of NiftiReaderNibabelTest with nibabel, an independent implementation.

Each fixture <name>.nii[.gz] comes with <name>.json: what nibabel reports when it loads the file
(shape, dtype, affine, scaled voxel values in Fortran order). Run with Debian's python3-nibabel:
    /usr/bin/python3 imaging/src/test/python/make_nifti_fixtures.py imaging/src/test/resources/nifti
"""
import gzip
import json
import os
import sys

import nibabel as nib
import numpy as np

OUT = sys.argv[1]
rng = np.random.default_rng(20261128)

OBLIQUE = np.array([[0.9, -0.2, 0.1, -90.5],
                    [0.25, 1.1, -0.15, -126.25],
                    [-0.05, 0.12, 2.4, -72.0],
                    [0, 0, 0, 1]])


def data_for(dtype, shape):
    dt = np.dtype(dtype)
    if dt.kind == 'f':
        return (rng.standard_normal(shape) * 100).astype(dt)
    info = np.iinfo(dt)
    lo, hi = max(info.min, -30000), min(info.max, 30000)
    d = rng.integers(lo, hi, size=shape, endpoint=True).astype(dt)
    d.flat[0] = info.min  # the extremes of the type must survive
    d.flat[-1] = info.max if dt.itemsize < 4 else hi
    return d


def write_raw(path, hdr, data, gz=False):
    """Header and bytes written by hand, so the file holds exactly what the header says."""
    zooms = hdr.get_zooms()
    hdr.set_data_shape(data.shape)
    if len(zooms) >= 3:
        hdr.set_zooms(tuple(zooms[:3]) + (1.0,) * (len(data.shape) - 3))
    hdr.set_data_dtype(data.dtype)
    opener = gzip.open if gz else open
    with opener(path, 'wb') as f:
        hdr.write_to(f)
        f.write(b'\x00' * (int(hdr['vox_offset']) - f.tell()))
        f.write(data.astype(hdr.get_data_dtype()).tobytes(order='F'))


def record(name, path):
    img = nib.load(path)
    hdr = img.header
    fdata = np.asarray(img.get_fdata(), dtype=np.float64)
    doc = {
        'file': os.path.basename(path),
        'shape': list(img.shape),
        'dtype': str(hdr.get_data_dtype().name),
        'affine': img.affine.tolist(),
        'zooms': [float(z) for z in hdr.get_zooms()[:3]],
        'slope_inter': [None if v is None else float(v) for v in hdr.get_slope_inter()],
        'data': fdata.ravel(order='F').tolist(),
    }
    with open(os.path.join(OUT, name + '.json'), 'w') as f:
        json.dump(doc, f)


def header(endian='<', version=1):
    cls = nib.Nifti1Header if version == 1 else nib.Nifti2Header
    h = cls(endianness=endian)
    h['vox_offset'] = 352 if version == 1 else 544
    return h


shape = (5, 4, 3)
for dtype in ['uint8', 'int8', 'int16', 'uint16', 'int32', 'float32', 'float64']:
    h = header()
    h.set_sform(OBLIQUE, code=1)
    h.set_qform(OBLIQUE, code=1)
    p = os.path.join(OUT, dtype + '.nii')
    write_raw(p, h, data_for(dtype, shape))
    record(dtype, p)

for dtype in ['int16', 'float32', 'float64']:
    h = header('>')
    h.set_sform(OBLIQUE, code=2)
    p = os.path.join(OUT, 'big_endian_' + dtype + '.nii')
    write_raw(p, h, data_for(dtype, shape))
    record('big_endian_' + dtype, p)

h = header()
h.set_sform(np.diag([1.5, 1.5, 2.0, 1.0]), code=1)
h.set_slope_inter(2.5, -10.0)
p = os.path.join(OUT, 'scaled_int16.nii')
write_raw(p, h, data_for('int16', shape))
record('scaled_int16', p)

# qform only, with a rotation and qfac -1 (pixdim[0] = -1)
h = header()
h.set_qform(np.array([[-1.0, 0, 0, 90], [0, 0.0, 1.2, -120], [0, 1.0, 0.0, -60], [0, 0, 0, 1]]), code=1)
h['sform_code'] = 0
p = os.path.join(OUT, 'qform_only.nii')
write_raw(p, h, data_for('int16', shape))
record('qform_only', p)

h = header()
h.set_sform(OBLIQUE, code=4)
h['qform_code'] = 0
p = os.path.join(OUT, 'sform_only.nii')
write_raw(p, h, data_for('float32', shape))
record('sform_only', p)

h = header()
h['qform_code'] = 0
h['sform_code'] = 0
h.set_data_shape(shape)
h.set_zooms((2.0, 3.0, 4.0))
p = os.path.join(OUT, 'pixdim_only.nii')
write_raw(p, h, data_for('uint8', shape))
record('pixdim_only', p)

h = header()
h.set_sform(np.diag([2.0, 2.0, 2.0, 1.0]), code=1)
p = os.path.join(OUT, 'four_d.nii.gz')
write_raw(p, h, data_for('float32', (3, 4, 5, 2)), gz=True)
record('four_d', p)

h = header()
h.set_sform(OBLIQUE, code=1)
p = os.path.join(OUT, 'gzip_int16.nii.gz')
write_raw(p, h, data_for('int16', (6, 5, 4)), gz=True)
record('gzip_int16', p)

h = header(version=2)
h.set_sform(OBLIQUE, code=1)
p = os.path.join(OUT, 'nifti2_float32.nii')
write_raw(p, h, data_for('float32', shape))
record('nifti2_float32', p)

h = header('>', version=2)
h.set_qform(OBLIQUE, code=1)
h['sform_code'] = 0
p = os.path.join(OUT, 'nifti2_big_endian_int16.nii.gz')
write_raw(p, h, data_for('int16', shape), gz=True)
record('nifti2_big_endian_int16', p)
print('fixtures written to', OUT)
