package org.brainseg.imaging.nifti;

import java.nio.ByteBuffer;

/**
 * Where each header field lies in a NIfTI-1 and a NIfTI-2 file, and how wide it is (nifti1.h and
 * nifti2.h): the one table the reader and the writer use, so no header offset is a bare number
 * elsewhere. NIfTI-2 widens the integers ({@code dim} to 8 bytes, the codes to 4) and the reals (to
 * 8 bytes) and moves most fields.
 */
enum NiftiLayout {
    NIFTI1(348, 344, 4, 40, 2, 70, 72, 76, 4, 108, 112, 116, 252, 254, 2, 256, 268, 280, 123, 1, 148),
    NIFTI2(540, 4, 8, 16, 8, 12, 14, 104, 8, 168, 176, 184, 344, 348, 4, 352, 376, 400, 500, 4, 240);

    /** The first field: the header's own size, which also tells the version and the byte order. */
    static final int SIZEOF_HDR = 0;
    /** Length of {@code descrip}, in both versions. */
    static final int DESCRIP_LENGTH = 80;

    final int headerBytes;
    final int magic;
    final int magicLength;
    final int dim;
    final int intWidth;
    final int datatype;
    final int bitpix;
    final int pixdim;
    final int realWidth;
    final int voxOffset;
    final int sclSlope;
    final int sclInter;
    final int qformCode;
    final int sformCode;
    final int codeWidth;
    final int quatern;
    final int qoffset;
    final int srow;
    final int xyztUnits;
    final int unitsWidth;
    final int descrip;

    NiftiLayout(int headerBytes, int magic, int magicLength, int dim, int intWidth, int datatype, int bitpix, int pixdim,
            int realWidth, int voxOffset, int sclSlope, int sclInter, int qformCode, int sformCode, int codeWidth, int quatern,
            int qoffset, int srow, int xyztUnits, int unitsWidth, int descrip) {
        this.headerBytes = headerBytes;
        this.magic = magic;
        this.magicLength = magicLength;
        this.dim = dim;
        this.intWidth = intWidth;
        this.datatype = datatype;
        this.bitpix = bitpix;
        this.pixdim = pixdim;
        this.realWidth = realWidth;
        this.voxOffset = voxOffset;
        this.sclSlope = sclSlope;
        this.sclInter = sclInter;
        this.qformCode = qformCode;
        this.sformCode = sformCode;
        this.codeWidth = codeWidth;
        this.quatern = quatern;
        this.qoffset = qoffset;
        this.srow = srow;
        this.xyztUnits = xyztUnits;
        this.unitsWidth = unitsWidth;
        this.descrip = descrip;
    }

    int version() {
        return ordinal() + 1;
    }

    /** {@code dim[i]}, i in 0..7. */
    long dim(ByteBuffer b, int i) {
        return integer(b, dim + intWidth * i, intWidth);
    }

    /** {@code pixdim[i]}, i in 0..7. */
    double pixdim(ByteBuffer b, int i) {
        return real(b, pixdim + realWidth * i);
    }

    /** Element {@code c} of {@code srow_x}, {@code srow_y} or {@code srow_z} (r = 0, 1, 2). */
    double srow(ByteBuffer b, int r, int c) {
        return real(b, srow + realWidth * (4 * r + c));
    }

    /** {@code quatern_b, c, d} (i = 0, 1, 2). */
    double quatern(ByteBuffer b, int i) {
        return real(b, quatern + realWidth * i);
    }

    /** {@code qoffset_x, y, z} (i = 0, 1, 2). */
    double qoffset(ByteBuffer b, int i) {
        return real(b, qoffset + realWidth * i);
    }

    int datatype(ByteBuffer b) {
        return b.getShort(datatype);
    }

    double sclSlope(ByteBuffer b) {
        return real(b, sclSlope);
    }

    double sclInter(ByteBuffer b) {
        return real(b, sclInter);
    }

    int qformCode(ByteBuffer b) {
        return (int) integer(b, qformCode, codeWidth);
    }

    int sformCode(ByteBuffer b) {
        return (int) integer(b, sformCode, codeWidth);
    }

    int xyztUnits(ByteBuffer b) {
        return (int) integer(b, xyztUnits, unitsWidth);
    }

    /** A real field: float32 in NIfTI-1, float64 in NIfTI-2. */
    double real(ByteBuffer b, int offset) {
        return realWidth == 4 ? b.getFloat(offset) : b.getDouble(offset);
    }

    private static long integer(ByteBuffer b, int offset, int width) {
        return switch (width) {
            case 1 -> b.get(offset) & 0xff;
            case 2 -> b.getShort(offset);
            case 4 -> b.getInt(offset);
            default -> b.getLong(offset);
        };
    }
}
