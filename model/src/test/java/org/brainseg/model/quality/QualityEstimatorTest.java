package org.brainseg.model.quality;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.brainseg.imaging.Volume;
import org.brainseg.imaging.dataset.LoadedCase;
import org.brainseg.model.infer.ScanSegmenter;
import org.brainseg.model.infer.Segmentation;
import org.brainseg.schemas.Quality;
import org.brainseg.schemas.RegionValues;
import org.junit.jupiter.api.Test;

/**
 * The estimate put together: flip features from a second pass, the calibration's prediction, the
 * review flag and its reasons, with a segmenter that draws a fixed blob (shifted in the mirrored
 * pass, so that the two masks disagree by a known amount) on the guard's phantom scans.
 */
class QualityEstimatorTest {
    static final QualityCalibration.Fit IDENTITY = new QualityCalibration.Fit(0, 1, 0, 0.9);

    /** Draws a WT box of edema; in a mirrored scan (the second pass) the box sits {@code shift} voxels off. */
    static final class BoxSegmenter implements ScanSegmenter {
        final int half;
        final int shift;
        int calls;

        BoxSegmenter(int half, int shift) {
            this.half = half;
            this.shift = shift;
        }

        @Override
        public Segmentation segment(LoadedCase c, boolean tta) {
            Volume v = c.channels()[0];
            float[] d = new float[v.size()];
            int cx = v.nx() / 2 + (calls++ % 2 == 1 ? shift : 0);
            for (int z = v.nz() / 2 - half; z < v.nz() / 2 + half; z++) {
                for (int y = v.ny() / 2 - half; y < v.ny() / 2 + half; y++) {
                    for (int x = cx - half; x < cx + half && half > 0; x++) {
                        d[x + v.nx() * (y + v.ny() * z)] = 2;
                    }
                }
            }
            return new Segmentation(v.withData(d), new RegionValues(0, 0, 0, 0, 0, 0), 0, 0, 0);
        }

        @Override
        public String modelName() {
            return "box";
        }

        @Override
        public String modelSha256() {
            return "0".repeat(64);
        }

        @Override
        public String device() {
            return "cpu()";
        }

        @Override
        public boolean supportsTta() {
            return false;
        }

        @Override
        public void close() {
        }
    }

    static Quality estimate(BoxSegmenter s, QualityProfile profile, double reviewBelow) {
        LoadedCase c = new LoadedCase("c", InputPhantoms.scan(11, InputPhantoms.MM), null, null);
        Segmentation first = s.segment(c, false);
        return new QualityEstimator(profile, reviewBelow).estimate(s, c, first).quality();
    }

    @Test
    void shouldPredictFromFlipAgreementAndFlagBelowTheThreshold() {
        QualityProfile profile = QualityProfile.of(new QualityCalibration(IDENTITY, IDENTITY, IDENTITY, 4),
                InputPhantoms.reference());
        Quality agree = estimate(new BoxSegmenter(5, 0), profile, 0.8);
        assertThat(agree.features().get("flipDice.WT")).isEqualTo(1.0);
        assertThat(agree.predictedDice().wt()).isEqualTo(1.0);
        assertThat(agree.needsReview()).as("%s", agree).isFalse();
        assertThat(agree.features()).containsKeys("volume.WT", "components.WT").anySatisfy((k, v) -> assertThat(k)
                .startsWith("input."));

        // a 10-voxel box shifted by 4: overlap 6/10 along x, Dice 0.6
        Quality shifted = estimate(new BoxSegmenter(5, 4), profile, 0.8);
        assertThat(shifted.features().get("flipDice.WT")).isCloseTo(0.6, within(1e-9));
        assertThat(shifted.predictedDice().wt()).isCloseTo(0.6, within(1e-9));
        assertThat(shifted.reasons()).containsExactly(QualityEstimator.LOW_PREDICTED_DICE);
        assertThat(estimate(new BoxSegmenter(5, 4), profile, 0.5).needsReview()).isFalse();
    }

    @Test
    void shouldCallAnEmptyMaskUnfoundNotPerfect() {
        QualityProfile profile = QualityProfile.of(new QualityCalibration(IDENTITY, IDENTITY, IDENTITY, 4), null);
        Quality empty = estimate(new BoxSegmenter(0, 0), profile, 0.8);
        assertThat(empty.features().get("flipDice.WT")).as("two empty masks agree").isEqualTo(1.0);
        assertThat(empty.predictedDice().wt()).isZero();
        assertThat(empty.reasons()).contains(QualityEstimator.NO_TUMOUR_FOUND, QualityEstimator.LOW_PREDICTED_DICE);
        // without a calibration: no prediction, still flagged
        Quality uncalibrated = estimate(new BoxSegmenter(0, 0), null, 0.8);
        assertThat(uncalibrated.predictedDice()).isNull();
        assertThat(uncalibrated.reasons()).containsExactly(QualityEstimator.NO_TUMOUR_FOUND);
    }

    @Test
    void shouldRefuseAThresholdOutsideZeroToOne() {
        assertThatThrownBy(() -> new QualityEstimator(null, 1.5)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("reviewBelowWt");
        assertThatThrownBy(() -> new QualityEstimator(null, Double.NaN)).isInstanceOf(IllegalArgumentException.class);
        assertThat(List.of(new QualityEstimator(null, 0), new QualityEstimator(null, 1))).hasSize(2);
    }
}
