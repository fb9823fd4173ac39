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
    private static final int NIFTI1_HEADER = NiftiLayout.NIFTI1.headerBytes;
    private static final int NIFTI2_HEADER = NiftiLayout.NIFTI2.headerBytes;
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
        NiftiLayout layout = version == 1 ? NiftiLayout.NIFTI1 : NiftiLayout.NIFTI2;
        checkMagic(file, b, layout);
        return parse(file, b, order, layout);
    }

    private static void checkMagic(Path file, ByteBuffer b, NiftiLayout l) throws NiftiFormatException {
        String separate = l == NiftiLayout.NIFTI1 ? "ni1" : "ni2";
        String single = l == NiftiLayout.NIFTI1 ? "n+1" : "n+2";
        byte[] magic = new byte[l.magicLength];
        b.get(l.magic, magic);
        byte[] expected = l == NiftiLayout.NIFTI1 ? new byte[] {'n', '+', '1', 0} : new byte[] {'n', '+', '2', 0, '\r', '\n', 0x1a, '\n'};
        if (java.util.Arrays.equals(magic, expected)) {
            return;
        }
        String m = ascii(b, l.magic, 4);
        if (m.equals(separate)) {
            throw new NiftiFormatException(file, "magic", "'" + separate + "' is a separate .hdr/.img pair; only single-file .nii is supported");
        }
        throw new NiftiFormatException(file, "magic", "expected '" + single + "', found '" + printable(m) + "'");
    }

    /** Reads every field through the version's layout and checks each before anything depends on it. */
    private static NiftiHeader parse(Path file, ByteBuffer b, ByteOrder order, NiftiLayout l) throws NiftiFormatException {
        long voxOffset = voxOffset(file, b, l);
        long ndim = l.dim(b, 0);
        if (ndim < 1 || ndim > 7) {
            throw new NiftiFormatException(file, "dim", "dim[0] must be 1..7, found " + ndim);
        }
        for (int i = 1; i <= ndim; i++) {
            if (l.dim(b, i) < 1) {
                throw new NiftiFormatException(file, "dim", "dim[" + i + "] must be positive, found " + l.dim(b, i));
            }
        }
        for (int i = 5; i <= ndim; i++) {
            if (l.dim(b, i) != 1) {
                throw new NiftiFormatException(file, "dim", "images of more than 4 dimensions are not supported (dim[" + i + "] = "
                        + l.dim(b, i) + ")");
            }
        }
        long[] dim = new long[(int) Math.min(ndim, 4)];
        for (int i = 0; i < dim.length; i++) {
            dim[i] = l.dim(b, i + 1);
        }
        NiftiDataType type = NiftiDataType.fromCode(l.datatype(b));
        if (type == null) {
            throw new NiftiFormatException(file, "datatype", "unsupported datatype code " + l.datatype(b)
                    + " (supported: uint8, int8, int16, uint16, int32, uint32, int64, float32, float64)");
        }
        if (voxOffset < l.headerBytes) {
            throw new NiftiFormatException(file, "vox_offset", voxOffset + " lies inside the " + l.headerBytes + "-byte header");
        }
        double[] pixdim = new double[8];
        for (int i = 0; i < 8; i++) {
            pixdim[i] = l.pixdim(b, i);
        }
        double[][] srow = new double[3][4];
        for (int r = 0; r < 3; r++) {
            for (int c = 0; c < 4; c++) {
                srow[r][c] = l.srow(b, r, c);
            }
        }
        NiftiHeader h = new NiftiHeader(l.version(), order, dim, type, pixdim, voxOffset, l.sclSlope(b), l.sclInter(b),
                l.qformCode(b), l.sformCode(b), new double[] {l.quatern(b, 0), l.quatern(b, 1), l.quatern(b, 2)},
                new double[] {l.qoffset(b, 0), l.qoffset(b, 1), l.qoffset(b, 2)}, srow, l.xyztUnits(b),
                ascii(b, l.descrip, NiftiLayout.DESCRIP_LENGTH));
        checkGeometry(file, h);
        checkScaling(file, h);
        return h;
    }

    /** NIfTI-1 stores vox_offset as a float: it must be a whole, non-negative number. */
    private static long voxOffset(Path file, ByteBuffer b, NiftiLayout l) throws NiftiFormatException {
        long voxOffset;
        if (l == NiftiLayout.NIFTI1) {
            double f = l.real(b, l.voxOffset);
            if (!Double.isFinite(f) || f < 0 || f != Math.floor(f) || f > Long.MAX_VALUE / 2) {
                throw new NiftiFormatException(file, "vox_offset", "not a non-negative whole number: " + f);
            }
            voxOffset = (long) f;
        } else {
            voxOffset = b.getLong(l.voxOffset);
            if (voxOffset < 0) {
                throw new NiftiFormatException(file, "vox_offset", "negative: " + voxOffset);
            }
        }
        return voxOffset;
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
