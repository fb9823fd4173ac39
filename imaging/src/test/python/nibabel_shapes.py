#!/usr/bin/python3
"""For each NIfTI file given, prints its shape as nibabel reads it (comma-separated), after decoding all voxels; or ERROR and the reason."""
import sys

import nibabel as nib
import numpy as np

for path in sys.argv[1:]:
    try:
        img = nib.load(path)
        np.asarray(img.dataobj)
        print(','.join(str(s) for s in img.shape))
    except Exception as e:  # one line per file, whatever nibabel objects to
        print('ERROR ' + type(e).__name__ + ': ' + str(e).replace('\n', ' '))
