package org.brainseg.imaging.nifti;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.brainseg.imaging.Affine;
import org.brainseg.imaging.io.AtomicWrite;
import org.brainseg.imaging.Volume;

/**
 * Writes little-endian NIfTI-1 volumes ({@code .nii}, or gzip when the name ends in {@code .gz}).
 *
 * <p>Geometry comes either from a reference header (pixdim, units, qform and sform with their
 * codes copied, so a mask overlays its scan exactly) or from the volume's affine (sform and
 * qform both set, code 2 "aligned"). The file is written to a temporary name in the same
 * directory and renamed into place, so a reader never sees a partial file. Gzip runs on all cores
 * ({@link ParallelGzipOutputStream}).
 */
public final class NiftiWriter {
    private static final int HEADER = NiftiLayout.NIFTI1.headerBytes;
    /** NIfTI-1's {@code regular} byte. */
    private static final int REGULAR = 38;
    /** The qform and sform code of the geometry we write: NIFTI_XFORM_ALIGNED_ANAT. */
    private static final int ALIGNED_ANAT = 2;
    private static final int VOX_OFFSET = 352;
    private static final int CHUNK_VOXELS = 1 << 18;

    private final int gzipLevel;

    /** Gzip level 1, as nibabel: most of the size gain at a fraction of the time. */
    public NiftiWriter() {
        this(1);
    }

    public NiftiWriter(int gzipLevel) {
        if (gzipLevel < 0 || gzipLevel > 9) {
            throw new IllegalArgumentException("gzip level must be 0..9, got " + gzipLevel);
        }
        this.gzipLevel = gzipLevel;
    }

    /** Writes a volume with geometry from its affine. */
    public void write(Path file, Volume v, NiftiDataType type) throws IOException {
        write(file, v, type, null);
    }

    /**
     * Writes a volume; with a reference header of the same grid, its geometry fields are copied.
     */
    public void write(Path file, Volume v, NiftiDataType type, NiftiHeader reference) throws IOException {
        if (reference != null && (reference.size(0) != v.nx() || reference.size(1) != v.ny() || reference.size(2) != v.nz())) {
            throw new IllegalArgumentException("reference grid " + java.util.Arrays.toString(reference.dim())
                    + " differs from the volume's " + java.util.Arrays.toString(v.shape()));
        }
        writeRaw(file, new long[] {v.nx(), v.ny(), v.nz()}, v.data(), type, reference, v.affine());
    }

    /** Writes a 4-D image: channels of the same grid stacked along the 4th axis. */
    public void write4d(Path file, Volume[] channels, NiftiDataType type) throws IOException {
        Volume first = channels[0];
        int n = first.size();
        float[] data = new float[Math.multiplyExact(n, channels.length)];
        for (int t = 0; t < channels.length; t++) {
            if (!channels[t].sameShape(first)) {
                throw new IllegalArgumentException("channel " + t + " has another shape");
            }
            System.arraycopy(channels[t].data(), 0, data, t * n, n);
        }
        writeRaw(file, new long[] {first.nx(), first.ny(), first.nz(), channels.length}, data, type, null, first.affine());
    }

    private void writeRaw(Path file, long[] dim, float[] data, NiftiDataType type, NiftiHeader ref, Affine affine)
            throws IOException {
        checkRange(data, type);
        byte[] header = header(dim, type, ref, affine);
        AtomicWrite.write(file, tmp -> {
            try (OutputStream out = open(tmp, file.getFileName().toString().endsWith(".gz"))) {
                out.write(header);
                out.write(new byte[VOX_OFFSET - HEADER]); // no extensions
                writeData(out, data, type);
            }
        });
    }

    private OutputStream open(Path tmp, boolean gzip) throws IOException {
        OutputStream raw = new BufferedOutputStream(Files.newOutputStream(tmp), 1 << 16);
        if (!gzip) {
            return raw;
        }
        return new ParallelGzipOutputStream(raw, gzipLevel);
    }

    private static void checkRange(float[] data, NiftiDataType type) {
        if (!type.isInteger()) {
            return;
        }
        for (int i = 0; i < data.length; i++) {
            float v = data[i];
            if (!(Math.rint(v) >= type.min() && Math.rint(v) <= type.max())) {
                throw new IllegalArgumentException("voxel " + i + " = " + v + " does not fit " + type.label());
            }
        }
    }

    private static void writeData(OutputStream out, float[] data, NiftiDataType type) throws IOException {
        int bpv = type.bytesPerVoxel();
        ByteBuffer bb = ByteBuffer.allocate(CHUNK_VOXELS * bpv).order(ByteOrder.LITTLE_ENDIAN);
        for (int start = 0; start < data.length; start += CHUNK_VOXELS) {
            int n = Math.min(CHUNK_VOXELS, data.length - start);
            bb.clear();
            switch (type) {
                case FLOAT32 -> bb.asFloatBuffer().put(data, start, n);
                case FLOAT64 -> {
                    for (int i = 0; i < n; i++) {
                        bb.putDouble(data[start + i]);
                    }
                }
                case INT16 -> {
                    var sb = bb.asShortBuffer();
                    for (int i = 0; i < n; i++) {
                        sb.put((short) Math.rint(data[start + i]));
                    }
                }
                case UINT8 -> {
                    for (int i = 0; i < n; i++) {
                        bb.put((byte) (int) Math.rint(data[start + i]));
                    }
                }
                default -> throw new IllegalArgumentException("writing " + type.label() + " is not supported; use float32, int16 or uint8");
            }
            out.write(bb.array(), 0, n * bpv);
        }
    }

    private static byte[] header(long[] dim, NiftiDataType type, NiftiHeader ref, Affine affine) {
        if (type != NiftiDataType.FLOAT32 && type != NiftiDataType.INT16 && type != NiftiDataType.UINT8
                && type != NiftiDataType.FLOAT64) {
            throw new IllegalArgumentException("writing " + type.label() + " is not supported; use float32, int16 or uint8");
        }
        for (long d : dim) {
            if (d > Short.MAX_VALUE) {
                throw new IllegalArgumentException("dimension " + d + " does not fit a NIfTI-1 header");
            }
        }
        NiftiLayout l = NiftiLayout.NIFTI1;
        ByteBuffer b = ByteBuffer.allocate(HEADER).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(NiftiLayout.SIZEOF_HDR, HEADER);
        b.put(REGULAR, (byte) 'r'); // a NIfTI-1 relic from ANALYZE 7.5 that old readers check
        b.putShort(l.dim, (short) dim.length);
        for (int i = 0; i < 7; i++) {
            b.putShort(l.dim + l.intWidth * (i + 1), (short) (i < dim.length ? dim[i] : 1));
        }
        b.putShort(l.datatype, (short) type.code());
        b.putShort(l.bitpix, (short) type.bitpix());
        b.putFloat(l.voxOffset, VOX_OFFSET);
        b.putFloat(l.sclSlope, 1f);
        b.putFloat(l.sclInter, 0f);
        double[] pixdim = new double[8];
        pixdim[4] = 1;
        if (ref != null) {
            System.arraycopy(ref.pixdim(), 0, pixdim, 0, 8);
            if (dim.length < 4) {
                pixdim[4] = ref.pixdim()[4] == 0 ? 1 : ref.pixdim()[4];
            }
            b.put(l.xyztUnits, (byte) ref.xyztUnits());
            b.putShort(l.qformCode, (short) ref.qformCode());
            b.putShort(l.sformCode, (short) ref.sformCode());
            putFloats(b, l.quatern, ref.quatern());
            putFloats(b, l.qoffset, ref.qoffset());
            for (int r = 0; r < 3; r++) {
                putFloats(b, l.srow + 16 * r, ref.srow()[r]);
            }
            if (ref.sformCode() == 0 && ref.qformCode() == 0) {
                // Only pixdim geometry in the reference: keep it that way.
                pixdim[0] = ref.pixdim()[0] == -1 ? -1 : 1;
            }
        } else {
            double[][] m = affine.rows();
            double[] q = Quaternions.fromMatrix(m);
            pixdim[0] = q[3];
            pixdim[1] = q[4];
            pixdim[2] = q[5];
            pixdim[3] = q[6];
            b.put(l.xyztUnits, (byte) NiftiHeader.UNITS_MM_SEC);
            b.putShort(l.qformCode, (short) ALIGNED_ANAT);
            b.putShort(l.sformCode, (short) ALIGNED_ANAT);
            putFloats(b, l.quatern, new double[] {q[0], q[1], q[2]});
            putFloats(b, l.qoffset, new double[] {m[0][3], m[1][3], m[2][3]});
            for (int r = 0; r < 3; r++) {
                putFloats(b, l.srow + 16 * r, m[r]);
            }
        }
        for (int i = 0; i < 8; i++) {
            b.putFloat(l.pixdim + l.realWidth * i, (float) pixdim[i]);
        }
        byte[] descrip = "brainseg".getBytes(StandardCharsets.US_ASCII);
        b.put(l.descrip, descrip);
        b.put(l.magic, new byte[] {'n', '+', '1', 0});
        return b.array();
    }

    private static void putFloats(ByteBuffer b, int offset, double[] v) {
        for (int i = 0; i < v.length; i++) {
            b.putFloat(offset + 4 * i, (float) v[i]);
        }
    }
}
