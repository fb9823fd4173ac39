package org.brainseg.imaging.nifti;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Reads NIfTI-1 and NIfTI-2 single-file images ({@code .nii}, {@code .nii.gz}; gzip is detected by
 * content, not name).
 *
 * <p>Every field that decides how much is read or allocated is checked before anything is
 * allocated: a forged header ends in a {@link NiftiFormatException} naming the file and field,
 * never in an OutOfMemoryError, a hang or a partial image. A gzip stream is read exactly to the
 * size the header promises, plus one byte to detect excess.
 */
public final class NiftiReader {
    private static final int NIFTI1_HEADER = 348;
    private static final int NIFTI2_HEADER = 540;
    /** Deflate cannot expand data more than about 1032:1; a header promising more is a lie. */
    private static final long MAX_DEFLATE_RATIO = 1100;
    private static final int CHUNK = 1 << 20;

    private final NiftiLimits limits;

    public NiftiReader() {
        this(NiftiLimits.DEFAULT);
    }

    public NiftiReader(NiftiLimits limits) {
        this.limits = limits;
    }

    /** Reads the whole image. */
    public static NiftiImage read(Path file) throws IOException {
        return new NiftiReader().readImage(file);
    }

    /** Reads only the header (and checks it against the file size). */
    public NiftiHeader readHeader(Path file) throws IOException {
        long size = regularFileSize(file);
        try (InputStream in = open(file)) {
            NiftiHeader h = parseHeader(file, in);
            checkSizes(file, h, size, isGzip(file));
            return h;
        } catch (ZipException | EOFException e) {
            throw corruptGzip(file, e);
        }
    }

    public NiftiImage readImage(Path file) throws IOException {
        long size = regularFileSize(file);
        boolean gzip = isGzip(file);
        try (InputStream in = open(file)) {
            NiftiHeader h = parseHeader(file, in);
            long dataBytes = checkSizes(file, h, size, gzip);
            long headerBytes = h.version() == 1 ? NIFTI1_HEADER : NIFTI2_HEADER;
            skipFully(file, in, h.voxOffset() - headerBytes);
            float[] data = readData(file, in, h, dataBytes);
            if (gzip && in.read() != -1) {
                throw new NiftiFormatException(file, "data",
                        "gzip stream decompresses to more than the " + (h.voxOffset() + dataBytes)
                                + " bytes the header promises");
            }
            return new NiftiImage(h, data);
        } catch (ZipException | EOFException e) {
            throw corruptGzip(file, e);
        }
    }

    private static NiftiFormatException corruptGzip(Path file, IOException e) {
        return new NiftiFormatException(file, "gzip", "corrupt or truncated stream (" + e.getMessage() + ")", e);
    }

    private static long regularFileSize(Path file) throws IOException {
        if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS) && !Files.exists(file)) {
            throw new NoSuchFileException(file.toString(), null, "no such file");
        }
        if (!Files.isRegularFile(file)) {
            throw new NiftiFormatException(file, "file", "not a regular file (directory, device or FIFO)");
        }
        return Files.size(file);
    }

    private static boolean isGzip(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            byte[] b = in.readNBytes(2);
            return b.length == 2 && (b[0] & 0xff) == 0x1f && (b[1] & 0xff) == 0x8b;
        }
    }

    private static InputStream open(Path file) throws IOException {
        InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
        return isGzip(file) ? new GZIPInputStream(raw, 1 << 16) : raw;
    }

    private static NiftiHeader parseHeader(Path file, InputStream in) throws IOException {
        byte[] first = in.readNBytes(NIFTI1_HEADER);
        if (first.length < 4) {
            throw new NiftiFormatException(file, "sizeof_hdr", "file too short for a NIfTI header (" + first.length + " bytes)");
        }
        ByteBuffer probe = ByteBuffer.wrap(first, 0, 4);
        int le = probe.order(ByteOrder.LITTLE_ENDIAN).getInt(0);
        int be = probe.order(ByteOrder.BIG_ENDIAN).getInt(0);
        ByteOrder order;
        int version;
        if (le == NIFTI1_HEADER || be == NIFTI1_HEADER) {
            version = 1;
            order = le == NIFTI1_HEADER ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN;
        } else if (le == NIFTI2_HEADER || be == NIFTI2_HEADER) {
            version = 2;
            order = le == NIFTI2_HEADER ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN;
        } else {
            throw new NiftiFormatException(file, "sizeof_hdr", "expected 348 (NIfTI-1) or 540 (NIfTI-2), found " + le
                    + "; not a NIfTI file");
        }
        byte[] bytes = first;
        if (version == 2) {
            byte[] rest = in.readNBytes(NIFTI2_HEADER - first.length);
            bytes = new byte[first.length + rest.length];
            System.arraycopy(first, 0, bytes, 0, first.length);
            System.arraycopy(rest, 0, bytes, first.length, rest.length);
        }
        int need = version == 1 ? NIFTI1_HEADER : NIFTI2_HEADER;
        if (bytes.length < need) {
            throw new NiftiFormatException(file, "header", "truncated: " + bytes.length + " of " + need + " bytes");
        }
        ByteBuffer b = ByteBuffer.wrap(bytes).order(order);
        return version == 1 ? parse1(file, b, order) : parse2(file, b, order);
    }

    private static NiftiHeader parse1(Path file, ByteBuffer b, ByteOrder order) throws NiftiFormatException {
        String magic = ascii(b, 344, 4);
        if (magic.equals("ni1")) {
            throw new NiftiFormatException(file, "magic", "'ni1' is a separate .hdr/.img pair; only single-file .nii is supported");
        }
        if (!magic.equals("n+1")) {
            throw new NiftiFormatException(file, "magic", "expected 'n+1', found '" + printable(magic) + "'");
        }
        long[] dimRaw = new long[8];
        for (int i = 0; i < 8; i++) {
            dimRaw[i] = b.getShort(40 + 2 * i);
        }
        double[] pixdim = new double[8];
        for (int i = 0; i < 8; i++) {
            pixdim[i] = b.getFloat(76 + 4 * i);
        }
        double voxOffsetF = b.getFloat(108);
        if (!Double.isFinite(voxOffsetF) || voxOffsetF < 0 || voxOffsetF != Math.floor(voxOffsetF) || voxOffsetF > Long.MAX_VALUE / 2) {
            throw new NiftiFormatException(file, "vox_offset", "not a non-negative whole number: " + voxOffsetF);
        }
        double[][] srow = new double[3][4];
        for (int r = 0; r < 3; r++) {
            for (int c = 0; c < 4; c++) {
                srow[r][c] = b.getFloat(280 + 16 * r + 4 * c);
            }
        }
        return build(file, 1, order, dimRaw, b.getShort(70), pixdim, (long) voxOffsetF,
                b.getFloat(112), b.getFloat(116), b.getShort(252), b.getShort(254),
                new double[] {b.getFloat(256), b.getFloat(260), b.getFloat(264)},
                new double[] {b.getFloat(268), b.getFloat(272), b.getFloat(276)},
                srow, b.get(123) & 0xff, ascii(b, 148, 80));
    }

    private static NiftiHeader parse2(Path file, ByteBuffer b, ByteOrder order) throws NiftiFormatException {
        byte[] magic = new byte[8];
        b.get(4, magic);
        byte[] expected = {'n', '+', '2', 0, '\r', '\n', 0x1a, '\n'};
        if (!java.util.Arrays.equals(magic, expected)) {
            String m = ascii(b, 4, 4);
            if (m.equals("ni2")) {
                throw new NiftiFormatException(file, "magic", "'ni2' is a separate .hdr/.img pair; only single-file .nii is supported");
            }
            throw new NiftiFormatException(file, "magic", "expected 'n+2', found '" + printable(m) + "'");
        }
        long[] dimRaw = new long[8];
        for (int i = 0; i < 8; i++) {
            dimRaw[i] = b.getLong(16 + 8 * i);
        }
        double[] pixdim = new double[8];
        for (int i = 0; i < 8; i++) {
            pixdim[i] = b.getDouble(104 + 8 * i);
        }
        long voxOffset = b.getLong(168);
        if (voxOffset < 0) {
            throw new NiftiFormatException(file, "vox_offset", "negative: " + voxOffset);
        }
        double[][] srow = new double[3][4];
        for (int r = 0; r < 3; r++) {
            for (int c = 0; c < 4; c++) {
                srow[r][c] = b.getDouble(400 + 32 * r + 8 * c);
            }
        }
        return build(file, 2, order, dimRaw, b.getShort(12), pixdim, voxOffset,
                b.getDouble(176), b.getDouble(184), b.getInt(344), b.getInt(348),
                new double[] {b.getDouble(352), b.getDouble(360), b.getDouble(368)},
                new double[] {b.getDouble(376), b.getDouble(384), b.getDouble(392)},
                srow, b.getInt(500), ascii(b, 240, 80));
    }

    private static NiftiHeader build(Path file, int version, ByteOrder order, long[] dimRaw, int dtCode,
            double[] pixdim, long voxOffset, double slope, double inter, int qformCode, int sformCode,
            double[] quatern, double[] qoffset, double[][] srow, int units, String descrip)
            throws NiftiFormatException {
        long ndim = dimRaw[0];
        if (ndim < 1 || ndim > 7) {
            throw new NiftiFormatException(file, "dim", "dim[0] must be 1..7, found " + ndim);
        }
        for (int i = 1; i <= ndim; i++) {
            if (dimRaw[i] < 1) {
                throw new NiftiFormatException(file, "dim", "dim[" + i + "] must be positive, found " + dimRaw[i]);
            }
        }
        for (int i = 5; i <= ndim; i++) {
            if (dimRaw[i] != 1) {
                throw new NiftiFormatException(file, "dim", "images of more than 4 dimensions are not supported (dim[" + i + "] = " + dimRaw[i] + ")");
            }
        }
        int kept = (int) Math.min(ndim, 4);
        long[] dim = new long[kept];
        System.arraycopy(dimRaw, 1, dim, 0, kept);
        NiftiDataType type = NiftiDataType.fromCode(dtCode);
        if (type == null) {
            throw new NiftiFormatException(file, "datatype", "unsupported datatype code " + dtCode
                    + " (supported: uint8, int8, int16, uint16, int32, uint32, int64, float32, float64)");
        }
        int headerBytes = version == 1 ? NIFTI1_HEADER : NIFTI2_HEADER;
        if (voxOffset < headerBytes) {
            throw new NiftiFormatException(file, "vox_offset", voxOffset + " lies inside the " + headerBytes + "-byte header");
        }
        NiftiHeader h = new NiftiHeader(version, order, dim, type, pixdim, voxOffset, slope, inter,
                qformCode, sformCode, quatern, qoffset, srow, units, descrip);
        checkGeometry(file, h);
        checkScaling(file, h);
        return h;
    }

    private static void checkGeometry(Path file, NiftiHeader h) throws NiftiFormatException {
        if (h.sformCode() != 0) {
            if (!h.sformAffine().isFinite()) {
                throw new NiftiFormatException(file, "srow", "sform is not finite");
            }
            return;
        }
        for (int i = 1; i <= 3; i++) {
            double p = h.pixdim()[i];
            if (!Double.isFinite(p) || (i <= h.dim().length && p < 0)) {
                throw new NiftiFormatException(file, "pixdim", "pixdim[" + i + "] must be finite and not negative, found " + p);
            }
        }
        if (h.qformCode() != 0) {
            double norm2 = 0;
            for (int i = 0; i < 3; i++) {
                if (!Double.isFinite(h.quatern()[i]) || !Double.isFinite(h.qoffset()[i])) {
                    throw new NiftiFormatException(file, "quatern", "qform parameters are not finite");
                }
                norm2 += h.quatern()[i] * h.quatern()[i];
            }
            // b, c, d of a unit quaternion: b^2 + c^2 + d^2 <= 1 up to the stored precision (nibabel's rule)
            double eps = h.version() == 1 ? Math.ulp(1.0f) : Math.ulp(1.0);
            if (1.0 - norm2 < -3 * eps) {
                throw new NiftiFormatException(file, "quatern", "quatern_b^2 + quatern_c^2 + quatern_d^2 = " + norm2
                        + " exceeds 1: not a rotation");
            }
        }
    }

    /** A valid slope with a non-finite intercept makes every voxel value unknowable (nibabel refuses it too). */
    private static void checkScaling(Path file, NiftiHeader h) throws NiftiFormatException {
        double slope = h.sclSlope();
        if (slope != 0 && Double.isFinite(slope) && !Double.isFinite(h.sclInter())) {
            throw new NiftiFormatException(file, "scl_inter", "scl_slope is " + slope + " but scl_inter is " + h.sclInter());
        }
    }

    /** Checks the promised size against the limit and the file; returns the number of data bytes. */
    private long checkSizes(Path file, NiftiHeader h, long fileSize, boolean gzip) throws NiftiFormatException {
        long voxels;
        long dataBytes;
        try {
            voxels = h.voxelCount();
            dataBytes = Math.multiplyExact(voxels, h.datatype().bytesPerVoxel());
            Math.addExact(dataBytes, h.voxOffset());
        } catch (ArithmeticException e) {
            throw new NiftiFormatException(file, "dim", "image size overflows: " + java.util.Arrays.toString(h.dim()));
        }
        long decoded = voxels > Long.MAX_VALUE / 4 ? Long.MAX_VALUE : voxels * 4;
        if (decoded > limits.maxDecodedBytes()) {
            throw new NiftiFormatException(file, "dim", java.util.Arrays.toString(h.dim()) + " decodes to " + decoded
                    + " bytes, above the limit of " + limits.maxDecodedBytes());
        }
        long promised = h.voxOffset() + dataBytes;
        if (!gzip) {
            if (h.voxOffset() > fileSize) {
                throw new NiftiFormatException(file, "vox_offset", h.voxOffset() + " is past the end of the file (" + fileSize + " bytes)");
            }
            if (fileSize < promised) {
                throw new NiftiFormatException(file, "data", "truncated: header promises " + dataBytes + " data bytes at offset "
                        + h.voxOffset() + ", the file has " + (fileSize - h.voxOffset()));
            }
            if (fileSize > promised) {
                throw new NiftiFormatException(file, "data", (fileSize - promised) + " bytes after the " + dataBytes
                        + " data bytes the header promises");
            }
        } else if (promised / MAX_DEFLATE_RATIO > fileSize) {
            throw new NiftiFormatException(file, "data", "header promises " + promised + " bytes, more than a "
                    + fileSize + "-byte gzip file can hold");
        }
        return dataBytes;
    }

    private static void skipFully(Path file, InputStream in, long n) throws IOException {
        long left = n;
        while (left > 0) {
            long s = in.skip(left);
            if (s <= 0) {
                if (in.read() == -1) {
                    throw new NiftiFormatException(file, "vox_offset", "past the end of the data stream");
                }
                s = 1;
            }
            left -= s;
        }
    }

    private static float[] readData(Path file, InputStream in, NiftiHeader h, long dataBytes) throws IOException {
        NiftiDataType type = h.datatype();
        int bpv = type.bytesPerVoxel();
        int voxels = (int) (dataBytes / bpv);
        float[] out = new float[voxels];
        double slope = h.effectiveSlope();
        double inter = h.effectiveInter();
        boolean scaled = h.isScaled();
        byte[] buf = new byte[Math.min(CHUNK, (int) Math.min(Integer.MAX_VALUE, dataBytes))];
        ByteBuffer bb = ByteBuffer.wrap(buf).order(h.byteOrder());
        long done = 0;
        int v = 0;
        while (done < dataBytes) {
            int want = (int) Math.min(buf.length, dataBytes - done);
            int got = in.readNBytes(buf, 0, want);
            if (got < want) {
                throw new NiftiFormatException(file, "data", "truncated: header promises " + dataBytes
                        + " data bytes, the stream ends after " + (done + got));
            }
            v = decode(bb, want / bpv, type, out, v, scaled, slope, inter);
            done += want;
        }
        return out;
    }

    private static int decode(ByteBuffer bb, int count, NiftiDataType type, float[] out, int at,
            boolean scaled, double slope, double inter) {
        bb.clear();
        switch (type) {
            case FLOAT32 -> bb.asFloatBuffer().get(out, at, count);
            case INT16 -> {
                var sb = bb.asShortBuffer();
                for (int i = 0; i < count; i++) {
                    out[at + i] = sb.get(i);
                }
            }
            case UINT8 -> {
                byte[] a = bb.array();
                for (int i = 0; i < count; i++) {
                    out[at + i] = a[i] & 0xff;
                }
            }
            default -> {
                for (int i = 0; i < count; i++) {
                    out[at + i] = (float) type.read(bb);
                }
            }
        }
        if (scaled) {
            for (int i = at; i < at + count; i++) {
                out[i] = (float) (out[i] * slope + inter);
            }
        }
        return at + count;
    }

    private static String ascii(ByteBuffer b, int offset, int len) {
        byte[] s = new byte[len];
        b.get(offset, s);
        int n = 0;
        while (n < len && s[n] != 0) {
            n++;
        }
        return new String(s, 0, n, StandardCharsets.ISO_8859_1);
    }

    private static String printable(String s) {
        StringBuilder sb = new StringBuilder();
        for (char c : s.toCharArray()) {
            sb.append(c >= 32 && c < 127 ? String.valueOf(c) : String.format("\\x%02x", (int) c));
        }
        return sb.toString();
    }
}
