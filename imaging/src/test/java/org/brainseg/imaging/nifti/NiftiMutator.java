package org.brainseg.imaging.nifti;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * Seeded mutations of valid NIfTI files for {@link NiftiFuzzTest}: bit flips, byte overwrites,
 * truncation at every structural boundary, header fields set to extremes (NIfTI-1 and NIfTI-2
 * layouts), gzip damage (corrupt, truncated, concatenated, trailing garbage, wrong CRC/ISIZE) and
 * gzip bombs. Every mutation is a pure function of the seed file and a {@link Random}, so a case
 * is reproduced from its index alone.
 */
final class NiftiMutator {
    /** Mutation families; each case uses one. */
    enum Family { BIT_FLIP, BYTE_OVERWRITE, TRUNCATE, HEADER_EXTREME, GZIP_WRAPPED, GZIP_DAMAGE, GZIP_BOMB }

    enum Kind { BYTE, I16, I32, I64, F32, F64 }

    record Field(String name, int offset, Kind kind) {}

    /** The fields of a NIfTI-1 header that steer decoding (offsets from the standard). */
    static final List<Field> NIFTI1 = new ArrayList<>();
    /** The same for NIfTI-2. */
    static final List<Field> NIFTI2 = new ArrayList<>();

    static {
        NIFTI1.add(new Field("sizeof_hdr", 0, Kind.I32));
        for (int i = 0; i < 8; i++) {
            NIFTI1.add(new Field("dim[" + i + "]", 40 + 2 * i, Kind.I16));
            NIFTI1.add(new Field("pixdim[" + i + "]", 76 + 4 * i, Kind.F32));
        }
        NIFTI1.add(new Field("intent_code", 68, Kind.I16));
        NIFTI1.add(new Field("datatype", 70, Kind.I16));
        NIFTI1.add(new Field("bitpix", 72, Kind.I16));
        NIFTI1.add(new Field("vox_offset", 108, Kind.F32));
        NIFTI1.add(new Field("scl_slope", 112, Kind.F32));
        NIFTI1.add(new Field("scl_inter", 116, Kind.F32));
        NIFTI1.add(new Field("xyzt_units", 123, Kind.BYTE));
        NIFTI1.add(new Field("qform_code", 252, Kind.I16));
        NIFTI1.add(new Field("sform_code", 254, Kind.I16));
        for (int i = 0; i < 3; i++) {
            NIFTI1.add(new Field("quatern[" + i + "]", 256 + 4 * i, Kind.F32));
            NIFTI1.add(new Field("qoffset[" + i + "]", 268 + 4 * i, Kind.F32));
        }
        for (int i = 0; i < 12; i++) {
            NIFTI1.add(new Field("srow[" + i + "]", 280 + 4 * i, Kind.F32));
        }
        for (int i = 0; i < 4; i++) {
            NIFTI1.add(new Field("magic[" + i + "]", 344 + i, Kind.BYTE));
        }

        NIFTI2.add(new Field("sizeof_hdr", 0, Kind.I32));
        for (int i = 0; i < 8; i++) {
            NIFTI2.add(new Field("magic[" + i + "]", 4 + i, Kind.BYTE));
            NIFTI2.add(new Field("dim[" + i + "]", 16 + 8 * i, Kind.I64));
            NIFTI2.add(new Field("pixdim[" + i + "]", 104 + 8 * i, Kind.F64));
        }
        NIFTI2.add(new Field("datatype", 12, Kind.I16));
        NIFTI2.add(new Field("bitpix", 14, Kind.I16));
        NIFTI2.add(new Field("vox_offset", 168, Kind.I64));
        NIFTI2.add(new Field("scl_slope", 176, Kind.F64));
        NIFTI2.add(new Field("scl_inter", 184, Kind.F64));
        NIFTI2.add(new Field("qform_code", 344, Kind.I32));
        NIFTI2.add(new Field("sform_code", 348, Kind.I32));
        for (int i = 0; i < 3; i++) {
            NIFTI2.add(new Field("quatern[" + i + "]", 352 + 8 * i, Kind.F64));
            NIFTI2.add(new Field("qoffset[" + i + "]", 376 + 8 * i, Kind.F64));
        }
        for (int i = 0; i < 12; i++) {
            NIFTI2.add(new Field("srow[" + i + "]", 400 + 8 * i, Kind.F64));
        }
        NIFTI2.add(new Field("xyzt_units", 500, Kind.I32));
        NIFTI2.add(new Field("intent_code", 504, Kind.I32));
    }

    private static final long[] INTS = {0, 1, -1, 2, 3, 4, 5, 7, 8, 16, 64, 255, 256, 348, 352, 540, 544, 1024,
        Short.MAX_VALUE, Short.MIN_VALUE, 65535, Integer.MAX_VALUE, Integer.MIN_VALUE, 1L << 31, 1L << 32, 1L << 40,
        Long.MAX_VALUE, Long.MIN_VALUE};
    private static final double[] FLOATS = {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 0.0, -0.0,
        -1, 1, 1e-30, 1e30, Float.MAX_VALUE, -Float.MAX_VALUE, Float.MIN_VALUE, Double.MAX_VALUE, 352, 351.5, 544,
        -352, 4e9, 1e19};

    /** A valid seed file: its bytes as stored and decompressed, its NIfTI version and byte order. */
    record Seed(String name, byte[] stored, byte[] plain, boolean gzip, int version, ByteOrder order, long voxOffset) {
        static Seed of(String name, byte[] stored) {
            boolean gz = stored.length > 1 && (stored[0] & 0xff) == 0x1f && (stored[1] & 0xff) == 0x8b;
            byte[] plain = gz ? gunzip(stored) : stored;
            ByteBuffer b = ByteBuffer.wrap(plain);
            int le = b.order(ByteOrder.LITTLE_ENDIAN).getInt(0);
            ByteOrder order = le == 348 || le == 540 ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN;
            int size = b.order(order).getInt(0);
            int version = size == 348 ? 1 : 2;
            long vox = version == 1 ? (long) b.getFloat(108) : b.getLong(168);
            return new Seed(name, stored, plain, gz, version, order, vox);
        }

        List<Field> fields() {
            return version == 1 ? NIFTI1 : NIFTI2;
        }

        int headerSize() {
            return version == 1 ? 348 : 540;
        }
    }

    /** One generated case: what was done (for the failure message) and the bytes to read. */
    record Mutant(Family family, String description, byte[] bytes) {}

    private final byte[] bombZeros;

    NiftiMutator() {
        // 8 MiB of zeros deflate to ~8 KiB: the body of every gzip bomb, compressed once
        this.bombZeros = gzip(new byte[0], new byte[8 << 20]);
    }

    Mutant mutate(Seed s, Family f, Random r) {
        return switch (f) {
            case BIT_FLIP -> bitFlip(s, r);
            case BYTE_OVERWRITE -> overwrite(s, r);
            case TRUNCATE -> truncate(s, r);
            case HEADER_EXTREME -> headerExtreme(s, r, s.plain.clone(), new StringBuilder());
            case GZIP_WRAPPED -> gzipWrapped(s, r);
            case GZIP_DAMAGE -> gzipDamage(s, r);
            case GZIP_BOMB -> gzipBomb(s, r);
        };
    }

    /** Structural boundaries of a seed: where truncation is most likely to confuse a reader. */
    static List<Integer> boundaries(Seed s, byte[] bytes) {
        List<Integer> cuts = new ArrayList<>();
        int[] fixed = {0, 1, 2, 3, 4, 5, 12, 40, 70, 108, 200, 344, 347, 348, 349, 351, 352, 353, 539, 540, 541, 543, 544};
        for (int c : fixed) {
            cuts.add(c);
        }
        long v = s.voxOffset;
        for (long c : new long[] {v - 1, v, v + 1, v + 2, v + 4, (v + bytes.length) / 2, bytes.length - 8, bytes.length - 4,
            bytes.length - 2, bytes.length - 1}) {
            cuts.add((int) c);
        }
        cuts.removeIf(c -> c < 0 || c >= bytes.length);
        return cuts.stream().distinct().sorted().toList();
    }

    private Mutant bitFlip(Seed s, Random r) {
        byte[] b = s.plain.clone();
        int n = 1 + r.nextInt(8);
        int span = r.nextInt(4) == 0 ? b.length : s.headerSize(); // mostly the header, where decisions are made
        StringBuilder d = new StringBuilder("flip bits");
        for (int i = 0; i < n; i++) {
            int at = r.nextInt(span);
            int bit = r.nextInt(8);
            b[at] ^= (byte) (1 << bit);
            d.append(' ').append(at).append('.').append(bit);
        }
        return maybeGzip(s, Family.BIT_FLIP, d, b, r);
    }

    private Mutant overwrite(Seed s, Random r) {
        byte[] b = s.plain.clone();
        int n = 1 + r.nextInt(6);
        int span = r.nextInt(4) == 0 ? b.length : s.headerSize();
        byte[] interesting = {0, (byte) 0xff, 0x7f, (byte) 0x80, 1, (byte) 0xfe};
        StringBuilder d = new StringBuilder("overwrite");
        for (int i = 0; i < n; i++) {
            int at = r.nextInt(span);
            byte v = r.nextBoolean() ? interesting[r.nextInt(interesting.length)] : (byte) r.nextInt(256);
            int run = r.nextInt(5) == 0 ? 1 + r.nextInt(8) : 1;
            for (int k = 0; k < run && at + k < b.length; k++) {
                b[at + k] = v;
            }
            d.append(' ').append(at).append('x').append(run).append('=').append(v & 0xff);
        }
        return maybeGzip(s, Family.BYTE_OVERWRITE, d, b, r);
    }

    private Mutant truncate(Seed s, Random r) {
        byte[] src = s.stored;
        List<Integer> cuts = s.gzip ? List.of() : boundaries(s, src);
        int cut = cuts.isEmpty() || r.nextInt(4) == 0 ? r.nextInt(src.length) : cuts.get(r.nextInt(cuts.size()));
        return new Mutant(Family.TRUNCATE, "truncate at " + cut + " of " + src.length, Arrays.copyOf(src, cut));
    }

    private Mutant headerExtreme(Seed s, Random r, byte[] b, StringBuilder d) {
        ByteBuffer bb = ByteBuffer.wrap(b).order(s.order);
        int n = 1 + r.nextInt(3);
        d.append("set");
        for (int i = 0; i < n; i++) {
            Field f = s.fields().get(r.nextInt(s.fields().size()));
            String v = put(bb, f, r);
            d.append(' ').append(f.name()).append('=').append(v);
        }
        return maybeGzip(s, Family.HEADER_EXTREME, d, b, r);
    }

    private static String put(ByteBuffer b, Field f, Random r) {
        long i = r.nextInt(5) == 0 ? r.nextLong() : INTS[r.nextInt(INTS.length)];
        double x = FLOATS[r.nextInt(FLOATS.length)];
        switch (f.kind()) {
            case BYTE -> {
                b.put(f.offset(), (byte) i);
                return Long.toString(i & 0xff);
            }
            case I16 -> {
                b.putShort(f.offset(), (short) i);
                return Short.toString((short) i);
            }
            case I32 -> {
                b.putInt(f.offset(), (int) i);
                return Integer.toString((int) i);
            }
            case I64 -> {
                b.putLong(f.offset(), i);
                return Long.toString(i);
            }
            case F32 -> {
                b.putFloat(f.offset(), (float) x);
                return Float.toString((float) x);
            }
            default -> {
                b.putDouble(f.offset(), x);
                return Double.toString(x);
            }
        }
    }

    /** Keeps a seed's compression (and sometimes gzips a plain one) after a content mutation. */
    private static Mutant maybeGzip(Seed s, Family f, StringBuilder d, byte[] plain, Random r) {
        if (s.gzip || r.nextInt(5) == 0) {
            return new Mutant(f, d.append(" (gzipped)").toString(), gzip(plain));
        }
        return new Mutant(f, d.toString(), plain);
    }

    /** Valid or mutated content in a damaged gzip container. */
    private Mutant gzipWrapped(Seed s, Random r) {
        byte[] plain = s.plain;
        String what = "intact";
        if (r.nextBoolean()) {
            Mutant m = headerExtreme(s, r, s.plain.clone(), new StringBuilder());
            plain = s.gzip || m.description().endsWith("(gzipped)") ? gunzipOrSame(m.bytes()) : m.bytes();
            what = m.description();
        }
        byte[] gz = gzip(plain);
        return switch (r.nextInt(6)) {
            case 0 -> new Mutant(Family.GZIP_WRAPPED, what + " + second gzip member", concat(gz, gzip(plain)));
            case 1 -> new Mutant(Family.GZIP_WRAPPED, what + " + empty gzip member", concat(gz, gzip(new byte[0])));
            case 2 -> new Mutant(Family.GZIP_WRAPPED, what + " + trailing garbage", concat(gz, randomBytes(r, 1 + r.nextInt(64))));
            case 3 -> new Mutant(Family.GZIP_WRAPPED, what + " + trailing zeros", concat(gz, new byte[1 + r.nextInt(64)]));
            case 4 -> new Mutant(Family.GZIP_WRAPPED, what + " split into two members",
                    concat(gzip(Arrays.copyOf(plain, plain.length / 2)), gzip(Arrays.copyOfRange(plain, plain.length / 2, plain.length))));
            default -> new Mutant(Family.GZIP_WRAPPED, what + " + garbage gzip member", concat(gz, new byte[] {0x1f, (byte) 0x8b, 8, 0},
                    randomBytes(r, 20)));
        };
    }

    /** Damage inside the compressed stream: flipped bytes, truncation, CRC and ISIZE lies, header flags. */
    private Mutant gzipDamage(Seed s, Random r) {
        byte[] gz = gzip(s.plain);
        int n = gz.length;
        switch (r.nextInt(6)) {
            case 0 -> {
                int at = 10 + r.nextInt(n - 18);
                gz[at] ^= (byte) (1 + r.nextInt(255));
                return new Mutant(Family.GZIP_DAMAGE, "deflate byte " + at + " changed", gz);
            }
            case 1 -> {
                int at = n - 8 + r.nextInt(4);
                gz[at] ^= (byte) (1 + r.nextInt(255));
                return new Mutant(Family.GZIP_DAMAGE, "CRC32 byte " + at + " changed", gz);
            }
            case 2 -> {
                int at = n - 4 + r.nextInt(4);
                gz[at] ^= (byte) (1 + r.nextInt(255));
                return new Mutant(Family.GZIP_DAMAGE, "ISIZE byte " + at + " changed", gz);
            }
            case 3 -> {
                int cut = r.nextInt(n);
                return new Mutant(Family.GZIP_DAMAGE, "gzip truncated at " + cut + " of " + n, Arrays.copyOf(gz, cut));
            }
            case 4 -> {
                gz[3] = (byte) r.nextInt(256); // FLG: FEXTRA/FNAME/FCOMMENT/FHCRC/reserved bits
                return new Mutant(Family.GZIP_DAMAGE, "gzip FLG=" + (gz[3] & 0xff), gz);
            }
            default -> {
                gz[2] = (byte) r.nextInt(256); // CM: only 8 (deflate) is defined
                return new Mutant(Family.GZIP_DAMAGE, "gzip CM=" + (gz[2] & 0xff), gz);
            }
        }
    }

    /**
     * A small file that decompresses to much more: a seed header promising a huge image (or an
     * honest one) followed by 8 MiB of zeros, compressed ~1000:1.
     */
    private Mutant gzipBomb(Seed s, Random r) {
        byte[] head = Arrays.copyOf(s.plain, (int) s.voxOffset);
        ByteBuffer b = ByteBuffer.wrap(head).order(s.order);
        long side = switch (r.nextInt(4)) {
            case 0 -> 1024; // 2^30 voxels: above the default decoded limit
            case 1 -> 400; // 64 M voxels: within the limit, more than the file can hold
            case 2 -> 128; // 2 M voxels, within what 8 MiB of zeros holds for 1- to 4-byte types
            default -> 2; // honest header, then a flood of extra data
        };
        for (int i = 1; i <= 3; i++) {
            if (s.version == 1) {
                b.putShort(40 + 2 * i, (short) side);
            } else {
                b.putLong(16 + 8 * i, side);
            }
        }
        if (s.version == 1) {
            b.putShort(40, (short) 3);
        } else {
            b.putLong(16, 3);
        }
        return new Mutant(Family.GZIP_BOMB, "header " + side + "^3 " + s.name + " + 8 MiB zeros", concat(gzip(head), bombZeros));
    }

    static byte[] gzip(byte[]... parts) {
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        try (OutputStream gz = new GZIPOutputStream(bos)) {
            for (byte[] p : parts) {
                gz.write(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bos.toByteArray();
    }

    static byte[] gunzip(byte[] gz) {
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(gz))) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] gunzipOrSame(byte[] b) {
        return b.length > 1 && (b[0] & 0xff) == 0x1f && (b[1] & 0xff) == 0x8b ? gunzip(b) : b;
    }

    private static byte[] randomBytes(Random r, int n) {
        byte[] b = new byte[n];
        r.nextBytes(b);
        return b;
    }

    private static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) {
            n += p.length;
        }
        byte[] out = new byte[n];
        int at = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }
}
