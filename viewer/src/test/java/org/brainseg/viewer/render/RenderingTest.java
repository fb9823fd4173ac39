package org.brainseg.viewer.render;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import javax.imageio.ImageIO;
import org.brainseg.imaging.Affine;
import org.brainseg.imaging.Volume;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Windowing, orientation, the compact encodings and the preview, on small volumes with known answers. */
class RenderingTest {
    /** A 20 x 16 x 10 ramp (value = i + 1) with a 3 x 2 tumour on slice 6 and one voxel on slice 2. */
    static Volume scan(Affine a) {
        float[] d = new float[20 * 16 * 10];
        Volume v = new Volume(20, 16, 10, d, a);
        for (int k = 0; k < 10; k++) {
            for (int j = 0; j < 16; j++) {
                for (int i = 0; i < 20; i++) {
                    v.set(i, j, k, i + 1);
                }
            }
        }
        return v;
    }

    static Volume mask(Volume like) {
        Volume m = Volume.zerosLike(like);
        for (int i = 4; i < 7; i++) {
            m.set(i, 3, 6, 2);
            m.set(i, 4, 6, i == 5 ? 1 : 3);
        }
        m.set(10, 10, 2, 2);
        return m;
    }

    @Test
    void shouldPickTheAxialSliceWithTheLargestTumourCrossSection() {
        Volume s = scan(Affine.identity());
        assertThat(PreviewImage.largestCrossSection(mask(s))).isEqualTo(6);
        assertThat(PreviewImage.largestCrossSection(Volume.zerosLike(s))).as("empty mask: the middle").isEqualTo(5);
    }

    @Test
    void shouldColourOnlyTumourVoxelsInTheBratsColours() {
        Volume s = scan(Affine.identity());
        Volume m = mask(s);
        Display d = new Display(0, 20, false, false, false);
        BufferedImage on = PreviewImage.axial(s, d, m, 6, 1.0);
        BufferedImage off = PreviewImage.axial(s, d, m, 6, 0);
        BufferedImage none = PreviewImage.axial(s, d, null, 6, 1.0);
        int zoom = on.getWidth() / 20;
        assertThat(zoom).isGreaterThan(1);
        for (int j = 0; j < 16; j++) {
            for (int i = 0; i < 20; i++) {
                int x = i * zoom;
                int y = j * zoom;
                int label = (int) m.get(i, j, 6);
                assertThat(off.getRGB(x, y)).isEqualTo(none.getRGB(x, y));
                if (label == 0) {
                    assertThat(on.getRGB(x, y)).as("(%d,%d)", i, j).isEqualTo(off.getRGB(x, y));
                } else {
                    int[] c = LabelColours.rgb(label);
                    assertThat(on.getRGB(x, y) & 0xffffff).isEqualTo((c[0] << 16) | (c[1] << 8) | c[2]);
                }
            }
        }
    }

    @ParameterizedTest(name = "affine diagonal {0},{1},{2}: flips {3},{4},{5}")
    @CsvSource({"1,1,1,true,true,true", "-1,-1,1,false,false,true", "3,-2,-1,true,false,false"})
    void shouldShowTheRadiologicalConventionFromTheAffine(double x, double y, double z, boolean fi, boolean fj, boolean fk) {
        Display d = Display.of(scan(Affine.scaling(x, y, z)));
        assertThat(new boolean[] {d.flipI(), d.flipJ(), d.flipK()}).containsExactly(fi, fj, fk);
    }

    @Test
    void shouldDrawThePatientsRightOnTheLeftAndAnteriorUp() {
        Volume s = scan(Affine.identity()); // RAS: i to the right, j anterior
        Display d = Display.of(s);
        BufferedImage img = PreviewImage.axial(s, d, null, 0, 0);
        int zoom = img.getWidth() / 20;
        // voxel i = 19 (the patient's rightmost, brightest) is drawn in the leftmost column
        assertThat(img.getRGB(0, 0) & 0xff).isGreaterThan(img.getRGB(img.getWidth() - 1, 0) & 0xff);
        assertThat(zoom).isPositive();
    }

    @Test
    void shouldWindowBetweenTheLowAndHighPercentilesOfTheBrain() {
        float[] data = new float[10_000];
        for (int i = 0; i < data.length; i++) {
            data[i] = i % 2 == 0 ? 0 : i; // half background
        }
        data[1] = 1e9f; // one outlier must not set the window
        float[] w = Display.window(data);
        assertThat(w[0]).isBetween(0f, 200f);
        assertThat(w[1]).isLessThan(1e8f);
        Display d = new Display(10, 20, false, false, false);
        assertThat(d.grey(5)).isZero();
        assertThat(d.grey(15)).isBetween(126, 129);
        assertThat(d.grey(25)).isEqualTo(255);
        assertThat(Display.window(new float[8])).containsExactly(0f, 1f);
    }

    @Test
    void shouldEncodeIntensitiesAsSixteenBitStepsAndMasksAsBytes() {
        Volume s = scan(Affine.identity());
        byte[] b = VolumeEncoding.intensities(s);
        assertThat(b).hasSize(s.size() * 2);
        float[] r = VolumeEncoding.range(s);
        assertThat(r).containsExactly(1f, 20f);
        for (int n : new int[] {0, 7, s.size() - 1}) {
            int q = (b[2 * n] & 0xff) | ((b[2 * n + 1] & 0xff) << 8);
            double back = r[0] + q * (r[1] - r[0]) / 65535.0;
            assertThat(back).isCloseTo(s.data()[n], org.assertj.core.data.Offset.offset(1e-3));
        }
        byte[] m = VolumeEncoding.labels(mask(s));
        assertThat(m).hasSize(s.size());
        assertThat(m[s.index(5, 4, 6)]).isEqualTo((byte) 1);
        assertThat(m[s.index(4, 4, 6)]).isEqualTo((byte) 3);
    }

    @Test
    void shouldWriteAPreviewPngHeadless() throws Exception {
        Volume s = scan(Affine.identity());
        byte[] png = PreviewImage.png(s, mask(s));
        BufferedImage img = ImageIO.read(new ByteArrayInputStream(png));
        assertThat(img.getWidth()).isGreaterThanOrEqualTo(PreviewImage.TARGET - 20);
        assertThat(img.getHeight()).isPositive();
    }
}
