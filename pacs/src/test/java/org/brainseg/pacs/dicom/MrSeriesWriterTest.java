package org.brainseg.pacs.dicom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.brainseg.imaging.Affine;
import org.brainseg.imaging.Volume;
import org.brainseg.schemas.ErrorCode;
import org.junit.jupiter.api.Test;

/** The writer's own rules; its geometry and values are checked against dcm2niix and the bridge in PacsBridgeIT. */
class MrSeriesWriterTest {
    static final MrSeriesWriter.Study STUDY = new MrSeriesWriter.Study("2.25.1", "2.25.2", "DEMO-1", "brainseg^demo", "demo");
    static final MrSeriesWriter.Series SERIES = new MrSeriesWriter.Series("2.25.3", 7, "T2-FLAIR", "2.25.4");

    static Volume volume(Affine a) {
        Volume v = new Volume(5, 4, 3, new float[60], a);
        for (int i = 0; i < 60; i++) {
            v.data()[i] = i * 17.25f - 300;
        }
        return v;
    }

    @Test
    void shouldWriteOneFilePerSliceWithItsGeometryAndValuesWithinHalfASlopeStep() throws Exception {
        Affine a = Affine.of(new double[][] {{-2, 0, 0, 90}, {0, 2.5, 0, -126}, {0, 0, 3, -72}, {0, 0, 0, 1}});
        Volume v = volume(a);
        List<byte[]> files = MrSeriesWriter.write(v, STUDY, SERIES);
        assertThat(files).hasSize(3);
        String header = new String(files.get(2), StandardCharsets.ISO_8859_1);
        assertThat(new String(files.get(0), 128, 4, StandardCharsets.US_ASCII)).isEqualTo("DICM");
        // slice 2: voxel (0,0,2) at RAS (90,-126,-66), LPS (-90,126,-66); i runs to RAS -x = LPS +x, j to RAS +y = LPS -y
        assertThat(header).contains("-90\\126\\-66").contains("1\\0\\0\\0\\-1\\0").contains("2.5\\2")
                .contains("2.25.4.3").contains("T2-FLAIR").contains(MrSeriesWriter.MR_IMAGE_STORAGE);

        double max = 59 * 17.25 - 300;
        double slope = MrSeriesWriter.niceSlope(max / MrSeriesWriter.FULL_SCALE);
        for (int k = 0; k < 3; k++) {
            ByteBuffer px = ByteBuffer.wrap(MrSeriesWriter.pixels(v, k, slope)).order(ByteOrder.LITTLE_ENDIAN);
            for (int j = 0; j < 4; j++) {
                for (int i = 0; i < 5; i++) {
                    assertThat(px.getShort() * slope).as("voxel %d,%d,%d", i, j, k).isCloseTo(v.get(i, j, k),
                            org.assertj.core.api.Assertions.within(slope / 2 + 1e-9));
                }
            }
        }
    }

    @Test
    void shouldRefuseAShearedAffineAndNonFiniteValues() {
        Affine sheared = Affine.of(new double[][] {{1, 0.3, 0, 0}, {0, 1, 0, 0}, {0, 0, 1, 0}, {0, 0, 0, 1}});
        assertThatThrownBy(() -> MrSeriesWriter.write(volume(sheared), STUDY, SERIES)).isInstanceOf(DicomException.class)
                .hasMessageContaining("not orthogonal").matches(e -> ((DicomException) e).code() == ErrorCode.DICOM_UNSUPPORTED);
        Volume nan = volume(Affine.identity());
        nan.data()[7] = Float.NaN;
        assertThatThrownBy(() -> MrSeriesWriter.write(nan, STUDY, SERIES)).isInstanceOf(DicomException.class)
                .hasMessageContaining("NaN");
        Volume degenerate = volume(Affine.scaling(1, 0, 1));
        assertThatThrownBy(() -> MrSeriesWriter.write(degenerate, STUDY, SERIES)).isInstanceOf(DicomException.class);
    }

    @Test
    void shouldWriteAnAllZeroVolumeWithSlopeOne() throws Exception {
        Volume zeros = new Volume(2, 2, 2, new float[8], Affine.identity());
        assertThat(new String(MrSeriesWriter.write(zeros, STUDY, SERIES).get(0), StandardCharsets.ISO_8859_1)).contains("MONOCHROME2");
        assertThat(MrSeriesWriter.pixels(zeros, 0, 1)).containsOnly(0);
    }
}
