#!/usr/bin/python3
"""Reads a DICOM SEG with pydicom (independent of brainseg) and prints what the tests check as JSON:
the segments, the frame count, per frame its referenced segment, position and source SOP instance,
and the unpacked frames as a bit string file (one byte 0/1 per pixel, frames in order).

usage: read_seg.py SEG.dcm OUT_PIXELS
"""
import json
import sys

import numpy as np
import pydicom


def main(path, out_pixels):
    ds = pydicom.dcmread(path)
    frames = []
    for f in ds.PerFrameFunctionalGroupsSequence:
        frames.append({
            "segment": int(f.SegmentIdentificationSequence[0].ReferencedSegmentNumber),
            "position": [float(v) for v in f.PlanePositionSequence[0].ImagePositionPatient],
            "source": str(f.DerivationImageSequence[0].SourceImageSequence[0].ReferencedSOPInstanceUID),
        })
    bits = np.unpackbits(np.frombuffer(ds.PixelData, dtype=np.uint8), bitorder="little")
    n = int(ds.NumberOfFrames) * int(ds.Rows) * int(ds.Columns)
    bits[:n].astype(np.uint8).tofile(out_pixels)
    print(json.dumps({
        "sopClass": str(ds.SOPClassUID),
        "sopInstance": str(ds.SOPInstanceUID),
        "series": str(ds.SeriesInstanceUID),
        "study": str(ds.StudyInstanceUID),
        "frameOfReference": str(ds.FrameOfReferenceUID),
        "seriesDescription": str(ds.SeriesDescription),
        "segmentationType": str(ds.SegmentationType),
        "rows": int(ds.Rows), "columns": int(ds.Columns), "frames": int(ds.NumberOfFrames),
        "segments": [{"number": int(s.SegmentNumber), "label": str(s.SegmentLabel),
                      "type": str(s.SegmentedPropertyTypeCodeSequence[0].CodeValue),
                      "algorithm": str(s.SegmentAlgorithmName)} for s in ds.SegmentSequence],
        "referencedSeries": str(ds.ReferencedSeriesSequence[0].SeriesInstanceUID),
        "frameList": frames,
    }))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
