package org.brainseg.model.quality;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Map;
import org.brainseg.imaging.Affine;
import org.brainseg.imaging.Volume;
import org.junit.jupiter.api.Test;

/**
 * The mask-only features of the flip agreement, on hand-made masks whose Dice, volumes and
 * components are counted by hand.
 */
class FlipAgreementTest {
    static Volume mask(int nx, int ny, int nz, int[][] voxels) {
        float[] d = new float[nx * ny * nz];
        for (int[] v : voxels) {
            d[v[0] + nx * (v[1] + ny * v[2])] = v[3];
        }
        return new Volume(nx, ny, nz, d, Affine.identity());
    }

    @Test
    void shouldScoreEachRegionAndCountBothEmptyAsAgreement() {
        // a: NCR at 0, edema at 1, ET at 2; b: NCR at 0, edema at 1 and 3, nothing at 2
        Volume a = mask(4, 1, 1, new int[][] {{0, 0, 0, 1}, {1, 0, 0, 2}, {2, 0, 0, 3}});
        Volume b = mask(4, 1, 1, new int[][] {{0, 0, 0, 1}, {1, 0, 0, 2}, {3, 0, 0, 2}});
        double[] d = FlipAgreement.dice(a, b);
        assertThat(d[0]).isCloseTo(2.0 * 2 / (3 + 3), within(1e-12)); // WT: {0,1,2} vs {0,1,3}
        assertThat(d[1]).isCloseTo(2.0 * 1 / (2 + 1), within(1e-12)); // TC: {0,2} vs {0}
        assertThat(d[2]).isZero(); // ET: {2} vs {}
        Volume empty = mask(4, 1, 1, new int[0][]);
        assertThat(FlipAgreement.dice(empty, empty)).containsExactly(1.0, 1.0, 1.0);
    }

    @Test
    void shouldMeasureVolumesAndComponents() {
        // two blobs: 3 voxels in a row, and 1 voxel apart from them (diagonal neighbours are not 6-connected)
        Volume a = mask(5, 5, 1, new int[][] {{0, 0, 0, 2}, {1, 0, 0, 2}, {2, 0, 0, 1}, {3, 1, 0, 3}});
        Volume b = mask(5, 5, 1, new int[][] {{0, 0, 0, 2}, {1, 0, 0, 2}});
        Map<String, Double> f = FlipAgreement.features(a, b);
        assertThat(f.get("components.WT")).isEqualTo(2.0);
        assertThat(f.get("largestComponent.WT")).isEqualTo(0.75);
        assertThat(f.get("volumeRatio.WT")).isEqualTo(0.5);
        assertThat(f.get("volume.WT")).isCloseTo(4 / 1000.0, within(1e-12)); // 4 voxels of 1 mm³
        assertThat(f).containsKeys("flipDice.WT", "flipDice.TC", "flipDice.ET");
        assertThatThrownBy(() -> FlipAgreement.features(a, mask(4, 5, 1, new int[0][])))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("shape");
    }

    @Test
    void shouldMirrorAlongTheFirstAxisAndBack() {
        Volume a = mask(3, 2, 2, new int[][] {{0, 1, 1, 2}, {2, 0, 0, 3}});
        Volume f = FlipAgreement.flipX(a);
        assertThat(f.data()[2 + 3 * (1 + 2 * 1)]).isEqualTo(2f);
        assertThat(f.data()[0]).isEqualTo(3f);
        assertThat(FlipAgreement.flipX(f).data()).containsExactly(a.data());
        assertThat(f.spacing()).containsExactly(a.spacing());
    }
}
