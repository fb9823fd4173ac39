package org.brainseg.imaging.nifti;

import java.nio.ByteBuffer;

/** The NIfTI voxel datatypes brainseg reads, with nibabel's names. */
public enum NiftiDataType {
    UINT8(2, 1, "uint8"),
    INT16(4, 2, "int16"),
    INT32(8, 4, "int32"),
    FLOAT32(16, 4, "float32"),
    FLOAT64(64, 8, "float64"),
    INT8(256, 1, "int8"),
    UINT16(512, 2, "uint16"),
    UINT32(768, 4, "uint32"),
    INT64(1024, 8, "int64");

    private final int code;
    private final int bytes;
    private final String label;

    NiftiDataType(int code, int bytes, String label) {
        this.code = code;
        this.bytes = bytes;
        this.label = label;
    }

    public int code() {
        return code;
    }

    public int bytesPerVoxel() {
        return bytes;
    }

    public int bitpix() {
        return bytes * 8;
    }

    /** nibabel's dtype name, e.g. {@code int16}. */
    public String label() {
        return label;
    }

    /** The datatype with this NIfTI code, or null when brainseg does not read it. */
    public static NiftiDataType fromCode(int code) {
        for (NiftiDataType t : values()) {
            if (t.code == code) {
                return t;
            }
        }
        return null;
    }

    /** Reads one voxel from the buffer's current position as a double. */
    double read(ByteBuffer b) {
        return switch (this) {
            case UINT8 -> b.get() & 0xff;
            case INT8 -> b.get();
            case INT16 -> b.getShort();
            case UINT16 -> b.getShort() & 0xffff;
            case INT32 -> b.getInt();
            case UINT32 -> b.getInt() & 0xffffffffL;
            case INT64 -> b.getLong();
            case FLOAT32 -> b.getFloat();
            case FLOAT64 -> b.getDouble();
        };
    }

    /** Smallest and largest value an integer type holds; infinite for floating types. */
    double min() {
        return switch (this) {
            case UINT8, UINT16, UINT32 -> 0;
            case INT8 -> Byte.MIN_VALUE;
            case INT16 -> Short.MIN_VALUE;
            case INT32 -> Integer.MIN_VALUE;
            case INT64 -> Long.MIN_VALUE;
            case FLOAT32, FLOAT64 -> Double.NEGATIVE_INFINITY;
        };
    }

    double max() {
        return switch (this) {
            case UINT8 -> 255;
            case UINT16 -> 65535;
            case UINT32 -> 4294967295.0;
            case INT8 -> Byte.MAX_VALUE;
            case INT16 -> Short.MAX_VALUE;
            case INT32 -> Integer.MAX_VALUE;
            case INT64 -> Long.MAX_VALUE;
            case FLOAT32, FLOAT64 -> Double.POSITIVE_INFINITY;
        };
    }

    boolean isInteger() {
        return this != FLOAT32 && this != FLOAT64;
    }
}
