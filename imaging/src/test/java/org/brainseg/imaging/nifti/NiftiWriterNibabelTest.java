package org.brainseg.imaging.nifti;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.stream.Stream;
import org.brainseg.imaging.Affine;
import org.brainseg.imaging.Volume;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Files we write are read back by nibabel with identical data and affine. */
class NiftiWriterNibabelTest {
    @TempDir
    Path tmp;

    static Stream<Arguments> cases() {
        return Stream.of(
                Arguments.of(NiftiDataType.FLOAT32, "out.nii.gz"),
                Arguments.of(NiftiDataType.FLOAT32, "out.nii"),
                Arguments.of(NiftiDataType.INT16, "out.nii.gz"),
                Arguments.of(NiftiDataType.UINT8, "out.nii"));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("cases")
    void shouldWriteFilesNibabelReadsIdentically(NiftiDataType type, String name) throws Exception {
        Nibabel.require();
        Affine oblique = Affine.of(new double[][] {
            {0.9, -0.2, 0.1, -90.5}, {0.25, 1.1, -0.15, -126.25}, {-0.05, 0.12, 2.4, -72}, {0, 0, 0, 1}});
        Volume v = randomVolume(type, 7, 6, 5, oblique);
        Path out = tmp.resolve(name);
        new NiftiWriter().write(out, v, type);

        JsonNode nib = Nibabel.dump(out);
        assertThat(nib.get("dtype").asText()).isEqualTo(type.label());
        assertThat(nib.get("shape").toString()).isEqualTo("[7,6,5]");
        assertThat(nib.get("sform_code").asInt()).isEqualTo(2);
        assertThat(nib.get("qform_code").asInt()).isEqualTo(2);
        NiftiReaderNibabelTest.assertAffine(v.affine(), nib.get("affine"));
        JsonNode data = nib.get("data");
        for (int i = 0; i < v.size(); i++) {
            assertThat(data.get(i).asDouble()).isEqualTo((double) v.data()[i]);
        }
        // and our reader agrees with itself
        NiftiImage back = NiftiReader.read(out);
        assertThat(back.data()).containsExactly(v.data());
    }

    @Test
    void shouldCopyReferenceGeometryExactlyForAMask() throws Exception {
        Nibabel.require();
        // A qform-only scan with qfac -1: the mask must carry the same qform, codes and units.
        Path scan = Nibabel.resource("qform_only.nii");
        NiftiImage img = NiftiReader.read(scan);
        Volume mask = img.volume().withData(new float[img.data().length]);
        mask.data()[3] = 2;
        Path out = tmp.resolve("mask.nii.gz");
        new NiftiWriter().write(out, mask, NiftiDataType.UINT8, img.header());

        JsonNode scanNib = Nibabel.dump(scan);
        JsonNode maskNib = Nibabel.dump(out);
        assertThat(maskNib.get("affine")).isEqualTo(scanNib.get("affine"));
        assertThat(maskNib.get("qform_code")).isEqualTo(scanNib.get("qform_code"));
        assertThat(maskNib.get("sform_code")).isEqualTo(scanNib.get("sform_code"));
        assertThat(maskNib.get("zooms")).isEqualTo(scanNib.get("zooms"));
        assertThat(maskNib.get("xyzt_units")).isEqualTo(scanNib.get("xyzt_units"));
        assertThat(maskNib.get("data").get(3).asDouble()).isEqualTo(2.0);
    }

    @Test
    void shouldWriteFourDimensionalStacks() throws Exception {
        Nibabel.require();
        Volume a = randomVolume(NiftiDataType.FLOAT32, 4, 3, 2, Affine.scaling(2, 2, 2));
        Volume b = randomVolume(NiftiDataType.FLOAT32, 4, 3, 2, Affine.scaling(2, 2, 2));
        Path out = tmp.resolve("stack.nii.gz");
        new NiftiWriter().write4d(out, new Volume[] {a, b}, NiftiDataType.FLOAT32);
        JsonNode nib = Nibabel.dump(out);
        assertThat(nib.get("shape").toString()).isEqualTo("[4,3,2,2]");
        assertThat(nib.get("data").get(a.size()).asDouble()).isCloseTo(b.data()[0], within(0.0));
    }

    @Test
    void shouldRefuseValuesThatDoNotFitTheType() {
        Volume v = new Volume(2, 1, 1, new float[] {1, 300}, Affine.identity());
        assertThatThrownBy(() -> new NiftiWriter().write(tmp.resolve("x.nii"), v, NiftiDataType.UINT8))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("300").hasMessageContaining("uint8");
        assertThat(tmp.resolve("x.nii")).doesNotExist();
    }

    @Test
    void shouldLeaveNoTemporaryFilesBehind() throws Exception {
        Volume v = randomVolume(NiftiDataType.FLOAT32, 3, 3, 3, Affine.identity());
        new NiftiWriter().write(tmp.resolve("a.nii.gz"), v, NiftiDataType.FLOAT32);
        new NiftiWriter().write(tmp.resolve("a.nii.gz"), v, NiftiDataType.FLOAT32);
        try (Stream<Path> s = Files.list(tmp)) {
            assertThat(s.map(p -> p.getFileName().toString())).containsExactly("a.nii.gz");
        }
    }

    static Volume randomVolume(NiftiDataType type, int nx, int ny, int nz, Affine affine) {
        Random r = new Random(7);
        float[] d = new float[nx * ny * nz];
        for (int i = 0; i < d.length; i++) {
            d[i] = switch (type) {
                case UINT8 -> r.nextInt(256);
                case INT16 -> r.nextInt(65536) - 32768;
                default -> (float) (r.nextGaussian() * 1000);
            };
        }
        return new Volume(nx, ny, nz, d, affine);
    }
}
