package org.brainseg.pacs.dicom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.brainseg.imaging.Volume;
import org.brainseg.schemas.ErrorCode;
import org.junit.jupiter.api.Test;

class SeriesConverterTest {

    /**
     * The DICOM definition (PS3.3 C.7.6.2.1.1): pixel (row j, column i) of an image lies at
     * IPP + i * PixelSpacing[1] * row cosines + j * PixelSpacing[0] * column cosines, in LPS.
     * RAS negates x and y. Every voxel of the volume must sit where its source pixel sits and
     * carry its rescaled value.
     */
    private static void assertEveryVoxelWhereItsPixelIs(Slices s, SeriesConverter.Converted c) {
        Volume v = c.volume();
        assertThat(v.shape()).containsExactly(s.columns, s.rows, s.slices);
        double[] r = {s.orientation[0], s.orientation[1], s.orientation[2]};
        double[] col = {s.orientation[3], s.orientation[4], s.orientation[5]};
        for (int k = 0; k < s.slices; k++) {
            double[] ipp = s.position(k);
            for (int j = 0; j < s.rows; j++) {
                for (int i = 0; i < s.columns; i++) {
                    double[] lps = new double[3];
                    for (int a = 0; a < 3; a++) {
                        lps[a] = ipp[a] + i * s.pixelSpacing[1] * r[a] + j * s.pixelSpacing[0] * col[a];
                    }
                    double[] ras = v.affine().apply(i, j, k);
                    assertThat(ras[0]).isCloseTo(-lps[0], within(1e-4));
                    assertThat(ras[1]).isCloseTo(-lps[1], within(1e-4));
                    assertThat(ras[2]).isCloseTo(lps[2], within(1e-4));
                    assertThat(v.get(i, j, k)).isEqualTo((float) (Slices.stored(i, j, k) * s.slope + s.intercept));
                }
            }
        }
    }

    @Test
    void shouldGiveTheLpsToRasAffineOfAnAxialSeries() throws Exception {
        Slices s = new Slices();
        s.origin = new double[] {-100, -120, 30};
        s.pixelSpacing = new double[] {0.9, 0.8};
        s.spacing = 2.5;
        SeriesConverter.Converted c = SeriesConverter.convert(s.all());
        double[][] a = c.volume().affine().rows();
        assertThat(a[0]).containsExactly(new double[] {-0.8, 0, 0, 100}, within(1e-9));
        assertThat(a[1]).containsExactly(new double[] {0, -0.9, 0, 120}, within(1e-9));
        assertThat(a[2]).containsExactly(new double[] {0, 0, 2.5, 30}, within(1e-9));
        assertThat(c.sliceSpacing()).isCloseTo(2.5, within(1e-9));
        assertEveryVoxelWhereItsPixelIs(s, c);
    }

    @Test
    void shouldSortSlicesByPositionAlongTheNormalWhateverTheirOrder() throws Exception {
        Slices s = new Slices();
        s.slices = 7;
        s.spacing = 1.5;
        List<SeriesConverter.Slice> shuffled = new ArrayList<>(s.all());
        Collections.shuffle(shuffled, new Random(3));
        SeriesConverter.Converted c = SeriesConverter.convert(shuffled);
        for (int k = 0; k < s.slices; k++) {
            assertThat(c.slices().get(k).sopInstanceUid()).isEqualTo("1.2.3." + (k + 1));
        }
        assertEveryVoxelWhereItsPixelIs(s, c);
    }

    @Test
    void shouldPlaceEveryVoxelOfAnObliqueSeries() throws Exception {
        Slices s = new Slices();
        s.orientation = Slices.oblique(Math.toRadians(25), Math.toRadians(-15));
        s.origin = new double[] {12.5, -40.25, 7};
        s.pixelSpacing = new double[] {1.1, 0.7};
        s.spacing = 3;
        List<SeriesConverter.Slice> reversed = new ArrayList<>(s.all());
        Collections.reverse(reversed);
        assertEveryVoxelWhereItsPixelIs(s, SeriesConverter.convert(reversed));
    }

    @Test
    void shouldStackAlongTheNormalWhenPositionsRunAgainstIt() throws Exception {
        Slices s = new Slices();
        s.spacing = -2; // slice k+1 lies 2 mm below slice k: sorted, slice 0 is the lowest
        SeriesConverter.Converted c = SeriesConverter.convert(s.all());
        assertThat(c.slices().get(0).sopInstanceUid()).isEqualTo("1.2.3." + s.slices);
        assertThat(c.sliceSpacing()).isCloseTo(2, within(1e-9));
        assertThat(c.volume().affine().get(2, 2)).isCloseTo(2, within(1e-9));
    }

    @Test
    void shouldApplyRescaleSlopeAndInterceptToSignedValues() throws Exception {
        Slices s = new Slices();
        s.slope = 0.25;
        s.intercept = -1024;
        SeriesConverter.Converted c = SeriesConverter.convert(s.all());
        assertThat(c.volume().get(0, 0, 0)).isEqualTo((float) (-7 * 0.25 - 1024));
        assertEveryVoxelWhereItsPixelIs(s, c);
    }

    @Test
    void shouldMaskUnusedHighBitsOfUnsignedPixels() throws Exception {
        Slices s = new Slices();
        s.pixelRepresentation = 0;
        s.bitsStored = 12;
        SliceHeader h = s.slice(0).header();
        float[] out = new float[1];
        SeriesConverter.decode(new byte[] {(byte) 0xFF, (byte) 0xFF}, h, out, 0, 1);
        assertThat(out[0]).isEqualTo(4095f);
    }

    @Test
    void shouldRefuseSlicesOfDifferentOrientation() throws Exception {
        Slices s = new Slices();
        List<SeriesConverter.Slice> in = new ArrayList<>(s.inOrder(0, 1, 2));
        s.orientation = Slices.oblique(0.2, 0);
        in.add(s.slice(3));
        assertThatThrownBy(() -> SeriesConverter.convert(in)).isInstanceOf(DicomException.class)
                .hasMessageContaining("ImageOrientationPatient")
                .satisfies(e -> assertThat(((DicomException) e).code()).isEqualTo(ErrorCode.DICOM_UNSUPPORTED));
    }

    @Test
    void shouldRefuseTwoImagesAtOnePosition() throws Exception {
        Slices s = new Slices();
        assertThatThrownBy(() -> SeriesConverter.convert(s.inOrder(0, 1, 1, 2))).isInstanceOf(DicomException.class)
                .hasMessageContaining("uneven slice spacing or missing slices");
        assertThatThrownBy(() -> SeriesConverter.convert(s.inOrder(1, 1))).hasMessageContaining("share one slice position");
    }

    @Test
    void shouldRefuseAMissingSlice() throws Exception {
        Slices s = new Slices();
        assertThatThrownBy(() -> SeriesConverter.convert(s.inOrder(0, 1, 3, 4))).isInstanceOf(DicomException.class)
                .hasMessageContaining("uneven slice spacing or missing slices");
    }

    @Test
    void shouldRefuseGantryTilt() throws Exception {
        Slices s = new Slices();
        List<SeriesConverter.Slice> in = new ArrayList<>();
        for (int k = 0; k < 4; k++) {
            var t = s.tags(k);
            t.put("ImagePositionPatient", Slices.join(new double[] {0, 0.5 * k, k}));
            in.add(new SeriesConverter.Slice(SliceHeader.fromTags(t), s.pixels(k)));
        }
        assertThatThrownBy(() -> SeriesConverter.convert(in)).hasMessageContaining("gantry tilt");
    }

    @Test
    void shouldRefuseShortPixelData() throws Exception {
        Slices s = new Slices();
        List<SeriesConverter.Slice> in = new ArrayList<>(s.inOrder(0, 1));
        in.add(new SeriesConverter.Slice(s.slice(2).header(), new byte[5]));
        assertThatThrownBy(() -> SeriesConverter.convert(in)).hasMessageContaining("pixel data has 5 bytes");
    }

    @Test
    void shouldRefuseASingleImage() throws Exception {
        assertThatThrownBy(() -> SeriesConverter.convert(new Slices().inOrder(0))).hasMessageContaining("not a volume");
    }
}
