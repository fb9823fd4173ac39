#!/usr/bin/python3
"""Writes one DICOM MR series with pydicom (an independent writer for brainseg's tests).

usage: write_series.py SPEC.json OUTDIR [SPEC.json OUTDIR ...]

SPEC (JSON): rows, columns, slices, voxels (path of int16 little-endian raw, slice-major:
value of (row j, column i, slice k) at index i + columns*(j + rows*k)), pixelSpacing [row, col],
orientation [6], origin [3] (ImagePositionPatient of slice 0), sliceSpacing, slope, intercept,
studyUid, seriesUid, frameOfReferenceUid, seriesNumber, seriesDescription, protocolName,
modality, patientName, patientId, order (list of slice indices: file names 0000.dcm... written in
this order, so an upload by file name is out of order), frameUidPrefix.
Slice k lies at origin + k*sliceSpacing*(row x column).
"""
import json
import sys

import numpy as np
import pydicom
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.uid import ExplicitVRLittleEndian, MRImageStorage, generate_uid


def main(spec_path, out_dir):
    spec = json.load(open(spec_path))
    rows, cols, n = spec["rows"], spec["columns"], spec["slices"]
    vox = np.fromfile(spec["voxels"], dtype="<i2").reshape(n, rows, cols)
    iop = np.array(spec["orientation"], dtype=float)
    normal = np.cross(iop[:3], iop[3:])
    origin = np.array(spec["origin"], dtype=float)
    for file_no, k in enumerate(spec["order"]):
        meta = FileMetaDataset()
        meta.MediaStorageSOPClassUID = MRImageStorage
        sop = spec["sopUidPrefix"] + "." + str(k + 1)
        meta.MediaStorageSOPInstanceUID = sop
        meta.TransferSyntaxUID = ExplicitVRLittleEndian
        ds = Dataset()
        ds.file_meta = meta
        ds.is_little_endian = True
        ds.is_implicit_VR = False
        ds.SOPClassUID = MRImageStorage
        ds.SOPInstanceUID = sop
        ds.PatientName = spec["patientName"]
        ds.PatientID = spec["patientId"]
        ds.PatientBirthDate = "19700101"
        ds.PatientSex = "O"
        ds.StudyInstanceUID = spec["studyUid"]
        ds.StudyDate = "20260101"
        ds.StudyTime = "120000"
        ds.StudyID = "1"
        ds.AccessionNumber = ""
        ds.ReferringPhysicianName = ""
        ds.SeriesInstanceUID = spec["seriesUid"]
        ds.SeriesNumber = spec["seriesNumber"]
        ds.SeriesDescription = spec["seriesDescription"]
        ds.ProtocolName = spec["protocolName"]
        ds.Modality = spec["modality"]
        ds.FrameOfReferenceUID = spec["frameOfReferenceUid"]
        ds.PositionReferenceIndicator = ""
        ds.InstanceNumber = k + 1
        ds.ImageType = ["ORIGINAL", "PRIMARY", "M"]
        ds.ImageOrientationPatient = [float("%.10f" % v) for v in iop]
        pos = origin + k * spec["sliceSpacing"] * normal
        ds.ImagePositionPatient = [float("%.6f" % v) for v in pos]
        ds.PixelSpacing = spec["pixelSpacing"]
        ds.SliceThickness = spec["sliceSpacing"]
        ds.SamplesPerPixel = 1
        ds.PhotometricInterpretation = "MONOCHROME2"
        ds.Rows = rows
        ds.Columns = cols
        ds.BitsAllocated = 16
        ds.BitsStored = 16
        ds.HighBit = 15
        ds.PixelRepresentation = 1
        ds.RescaleSlope = spec["slope"]
        ds.RescaleIntercept = spec["intercept"]
        ds.RescaleType = "US"
        ds.ScanningSequence = "SE"
        ds.SequenceVariant = "NONE"
        ds.ScanOptions = ""
        ds.MRAcquisitionType = "3D"
        ds.EchoTime = 10
        ds.RepetitionTime = 500
        ds.EchoTrainLength = 1
        ds.PixelData = vox[k].astype("<i2").tobytes()
        pydicom.dcmwrite("%s/%04d.dcm" % (out_dir, file_no), ds, write_like_original=False)


if __name__ == "__main__":
    args = sys.argv[1:]
    for i in range(0, len(args), 2):
        main(args[i], args[i + 1])
