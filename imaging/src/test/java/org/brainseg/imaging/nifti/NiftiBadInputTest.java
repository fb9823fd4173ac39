package org.brainseg.imaging.nifti;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.function.Consumer;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Broken and hostile files end in a NiftiFormatException naming the file and the field, before
 * anything large is allocated: never an OutOfMemoryError, a hang or an unexplained exception.
 */
class NiftiBadInputTest {
    @TempDir
    Path tmp;

    private byte[] valid() throws IOException {
        return Files.readAllBytes(Nibabel.resource("int16.nii"));
    }

    private Path write(String name, byte[] bytes) throws IOException {
        Path p = tmp.resolve(name);
        Files.write(p, bytes);
        return p;
    }

    private Path mutate(Consumer<ByteBuffer> change) throws IOException {
        byte[] b = valid();
        change.accept(ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN));
        return write("mutated.nii", b);
    }

    private static byte[] gzip(byte[] data) throws IOException {
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        try (OutputStream gz = new GZIPOutputStream(bos)) {
            gz.write(data);
        }
        return bos.toByteArray();
    }

    private void assertRejected(Path p, String field, String... fragments) {
        assertThatThrownBy(() -> NiftiReader.read(p))
                .isInstanceOf(NiftiFormatException.class)
                .hasMessageContaining(p.toString())
                .satisfies(e -> assertThat(((NiftiFormatException) e).field()).isEqualTo(field))
                .hasMessageContaining(field + ":")
                .satisfies(e -> {
                    for (String f : fragments) {
                        assertThat(e.getMessage()).contains(f);
                    }
                });
    }

    @Test
    void shouldRejectWrongMagic() throws IOException {
        assertRejected(mutate(b -> b.put(344, (byte) 'x')), "magic", "n+1");
    }

    @Test
    void shouldRejectAFileThatIsNotNifti() throws IOException {
        assertRejected(write("text.nii", "hello, this is not an image at all".repeat(20).getBytes()), "sizeof_hdr");
    }

    @Test
    void shouldRejectAnEmptyFile() throws IOException {
        assertRejected(write("empty.nii", new byte[0]), "sizeof_hdr", "too short");
    }

    @Test
    void shouldRejectATruncatedHeader() throws IOException {
        assertRejected(write("short.nii", Arrays.copyOf(valid(), 200)), "header", "truncated");
    }

    @Test
    void shouldRejectTruncatedData() throws IOException {
        byte[] v = valid();
        assertRejected(write("cut.nii", Arrays.copyOf(v, v.length - 7)), "data", "truncated");
    }

    @Test
    void shouldRejectTrailingBytes() throws IOException {
        byte[] v = valid();
        assertRejected(write("long.nii", Arrays.copyOf(v, v.length + 5)), "data", "5 bytes after");
    }

    @Test
    void shouldRejectZeroAndNegativeDims() throws IOException {
        assertRejected(mutate(b -> b.putShort(42, (short) 0)), "dim", "dim[1]");
        assertRejected(mutate(b -> b.putShort(44, (short) -4)), "dim", "dim[2]");
        assertRejected(mutate(b -> b.putShort(40, (short) 0)), "dim", "dim[0]");
        assertRejected(mutate(b -> b.putShort(40, (short) 9)), "dim", "dim[0]");
    }

    @Test
    void shouldRejectAbsurdDimsBeforeAllocating() throws IOException {
        // 32767^3 int16 voxels: 2^45 bytes promised by a 400-byte file
        Path p = mutate(b -> {
            b.putShort(42, Short.MAX_VALUE);
            b.putShort(44, Short.MAX_VALUE);
            b.putShort(46, Short.MAX_VALUE);
        });
        assertRejected(p, "dim", "above the limit");
    }

    @Test
    void shouldApplyAConfigurableVoxelLimit() {
        Path p = Nibabel.resource("int16.nii"); // 60 voxels = 240 decoded bytes
        assertThatThrownBy(() -> new NiftiReader(new NiftiLimits(100)).readImage(p))
                .isInstanceOf(NiftiFormatException.class).hasMessageContaining("above the limit of 100");
    }

    @Test
    void shouldRejectFiveDimensionalImages() throws IOException {
        assertRejected(mutate(b -> {
            b.putShort(40, (short) 5);
            b.putShort(48, (short) 1);
            b.putShort(50, (short) 2);
        }), "dim", "more than 4 dimensions");
    }

    @Test
    void shouldRejectVoxOffsetPastTheEnd() throws IOException {
        assertRejected(mutate(b -> b.putFloat(108, 1e9f)), "vox_offset", "past the end");
        assertRejected(mutate(b -> b.putFloat(108, 100f)), "vox_offset", "inside");
        assertRejected(mutate(b -> b.putFloat(108, Float.NaN)), "vox_offset");
        assertRejected(mutate(b -> b.putFloat(108, -352f)), "vox_offset");
    }

    @Test
    void shouldRejectUnsupportedDatatypes() throws IOException {
        assertRejected(mutate(b -> b.putShort(70, (short) 32)), "datatype", "32"); // complex64
        assertRejected(mutate(b -> b.putShort(70, (short) 12345)), "datatype", "12345");
    }

    @Test
    void shouldRejectNonFiniteGeometry() throws IOException {
        assertRejected(mutate(b -> b.putFloat(280, Float.POSITIVE_INFINITY)), "srow");
        assertRejected(mutate(b -> {
            b.putShort(254, (short) 0);
            b.putFloat(80, Float.NaN);
        }), "pixdim");
    }

    @Test
    void shouldRejectAValidSlopeWithANonFiniteIntercept() throws IOException {
        // found by NiftiFuzzTest: the intercept used to be dropped silently, shifting every voxel
        assertRejected(mutate(b -> {
            b.putFloat(112, 2f);
            b.putFloat(116, Float.NaN);
        }), "scl_inter", "NaN");
        assertRejected(mutate(b -> {
            b.putFloat(112, 1f);
            b.putFloat(116, Float.NEGATIVE_INFINITY);
        }), "scl_inter", "Infinity");
    }

    @Test
    void shouldReadAnUnscaledImageWhateverItsIntercept() throws IOException {
        // scl_slope 0 means unscaled (NIfTI standard, nibabel): the intercept is then ignored
        Path p = mutate(b -> {
            b.putFloat(112, 0f);
            b.putFloat(116, Float.NaN);
        });
        assertThat(NiftiReader.read(p).data()).containsExactly(NiftiReader.read(Nibabel.resource("int16.nii")).data());
    }

    @Test
    void shouldRejectAQformQuaternionLongerThanOne() throws IOException {
        // found by NiftiFuzzTest: b^2+c^2+d^2 > 1 used to be clamped silently to a made-up rotation
        Path p = mutate(b -> {
            b.putShort(254, (short) 0); // sform unset: the qform decides the geometry
            b.putShort(252, (short) 1);
            b.putFloat(256, 0.9f);
            b.putFloat(260, 0.5f);
            b.putFloat(264, 0f);
        });
        assertRejected(p, "quatern", "exceeds 1");
    }

    @Test
    void shouldAcceptAHalfTurnQuaternionWithinRounding() throws IOException {
        // b = 1 (w = 0) written as float32 is a valid 180-degree rotation
        Path p = mutate(b -> {
            b.putShort(254, (short) 0);
            b.putShort(252, (short) 1);
            b.putFloat(256, 1f);
            b.putFloat(260, 0f);
            b.putFloat(264, 0f);
        });
        assertThat(NiftiReader.read(p).affine().isFinite()).isTrue();
    }

    @Test
    void shouldNeverQuoteHeaderTextInItsMessages() throws IOException {
        // descrip, aux_file, db_name and intent_name may hold patient data: messages go to logs and events
        String name = "Qwyzzle^Brunhilde";
        java.util.List<Consumer<ByteBuffer>> damage = java.util.List.of(
                b -> b.put(344, (byte) 'x'), b -> b.putShort(40, (short) 0), b -> b.putShort(70, (short) 32),
                b -> b.putFloat(108, 1e9f), b -> b.putFloat(280, Float.NaN), b -> b.putFloat(116, Float.NaN));
        for (Consumer<ByteBuffer> d : damage) {
            Path p = mutate(b -> {
                for (int[] field : new int[][] {{148, 80}, {228, 24}, {14, 18}, {328, 16}}) {
                    byte[] t = name.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
                    b.put(field[0], t, 0, Math.min(t.length, field[1] - 1));
                }
                b.putFloat(112, 1f);
                d.accept(b);
            });
            assertThatThrownBy(() -> NiftiReader.read(p)).isInstanceOf(NiftiFormatException.class)
                    .satisfies(e -> assertThat(e.getMessage()).doesNotContain("Qwyzzle").doesNotContain("Brunhilde"));
        }
    }

    @Test
    void shouldRejectAGzipStreamShorterThanPromised() throws IOException {
        byte[] v = valid();
        assertRejected(write("short.nii.gz", gzip(Arrays.copyOf(v, v.length - 10))), "data", "truncated");
    }

    @Test
    void shouldRejectAGzipStreamLongerThanPromised() throws IOException {
        byte[] v = valid();
        assertRejected(write("long.nii.gz", gzip(Arrays.copyOf(v, v.length + 1000))), "data", "more than");
    }

    @Test
    void shouldRejectAGzipBombWithoutInflatingIt() throws IOException {
        // a valid header promising 2 GB of zeros and a stream of ~2 MB of zeros compressed to a few KB
        byte[] v = valid();
        ByteBuffer b = ByteBuffer.wrap(v).order(ByteOrder.LITTLE_ENDIAN);
        b.putShort(42, (short) 1024);
        b.putShort(44, (short) 1024);
        b.putShort(46, (short) 1024);
        byte[] head = Arrays.copyOf(v, 352);
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        try (OutputStream gz = new GZIPOutputStream(bos)) {
            gz.write(head);
            gz.write(new byte[2 << 20]);
        }
        Path p = write("bomb.nii.gz", bos.toByteArray());
        long t0 = System.nanoTime();
        assertThatThrownBy(() -> new NiftiReader(new NiftiLimits(1L << 34)).readImage(p))
                .isInstanceOf(NiftiFormatException.class)
                .hasMessageContaining("gzip file can hold");
        assertThat(System.nanoTime() - t0).isLessThan(5_000_000_000L);
    }

    @Test
    void shouldRejectACorruptGzipStream() throws IOException {
        byte[] gz = gzip(valid());
        for (int i = 20; i < gz.length - 8; i += 3) {
            gz[i] ^= 0x5a;
        }
        assertRejected(write("corrupt.nii.gz", gz), "gzip", "corrupt");
    }

    @Test
    void shouldRejectSeparateHeaderImagePairs() throws IOException {
        assertRejected(mutate(b -> b.put(345, (byte) 'i')), "magic", "ni1");
    }

    @Test
    void shouldRejectDirectoriesAndMissingFiles() throws IOException {
        Files.createDirectory(tmp.resolve("dir.nii"));
        assertRejected(tmp.resolve("dir.nii"), "file", "not a regular file");
        assertThatThrownBy(() -> NiftiReader.read(tmp.resolve("absent.nii"))).isInstanceOf(NoSuchFileException.class);
    }

    @Test
    void shouldSurviveEveryTruncationOfAGzipFile() throws IOException {
        byte[] gz = Files.readAllBytes(Nibabel.resource("gzip_int16.nii.gz"));
        for (int len = 0; len < gz.length; len++) {
            Path p = write("t.nii.gz", Arrays.copyOf(gz, len));
            assertThatThrownBy(() -> NiftiReader.read(p)).as("length %d", len).isInstanceOf(NiftiFormatException.class);
        }
    }
}
