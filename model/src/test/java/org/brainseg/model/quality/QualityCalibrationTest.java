package org.brainseg.model.quality;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The predicted-Dice lines: fitted by least squares, clamped, robust to too few or constant points, stored and read back. */
class QualityCalibrationTest {
    @TempDir
    Path tmp;

    static double[] v(double wt, double tc, double et) {
        return new double[] {wt, tc, et};
    }

    @Test
    void shouldRecoverAnExactLineAndClampItsPredictions() {
        // true = 0.1 + 0.8 x flip on WT; TC and ET equal to flip
        List<double[]> flip = List.of(v(0.5, 0.5, 0.5), v(0.7, 0.7, 0.7), v(0.9, 0.9, 0.9), v(1.0, 1.0, 1.0));
        List<double[]> truth = flip.stream().map(f -> v(0.1 + 0.8 * f[0], f[1], f[2])).toList();
        QualityCalibration c = QualityCalibration.fit(flip, truth);
        assertThat(c.wt().intercept()).isCloseTo(0.1, within(1e-9));
        assertThat(c.wt().slope()).isCloseTo(0.8, within(1e-9));
        assertThat(c.wt().residualSd()).isCloseTo(0, within(1e-9));
        assertThat(c.wt().baseline()).isCloseTo(truth.stream().mapToDouble(t -> t[0]).average().orElseThrow(), within(1e-12));
        assertThat(c.tc().slope()).isCloseTo(1, within(1e-9));
        assertThat(c.cases()).isEqualTo(4);
        assertThat(c.predict(v(0.6, 0.2, 0.0))).containsExactly(new double[] {0.58, 0.2, 0.0}, within(1e-9));
        QualityCalibration.Fit steep = new QualityCalibration.Fit(-1, 3, 0, 0.5);
        assertThat(steep.predict(0.1)).isZero();
        assertThat(steep.predict(0.9)).isEqualTo(1.0);
    }

    @Test
    void shouldFallBackToAnOffsetWithTooFewOrConstantPointsAndNeverANegativeSlope() {
        QualityCalibration few = QualityCalibration.fit(List.of(v(0.9, 0.9, 0.9), v(0.8, 0.8, 0.8)),
                List.of(v(0.85, 0.85, 0.85), v(0.7, 0.7, 0.7)));
        assertThat(few.wt().slope()).isEqualTo(1.0);
        assertThat(few.wt().intercept()).isCloseTo(-0.075, within(1e-9));
        QualityCalibration constant = QualityCalibration.fit(List.of(v(1, 1, 1), v(1, 1, 1), v(1, 1, 1), v(1, 1, 1)),
                List.of(v(0.9, 0.9, 0.9), v(0.8, 0.8, 0.8), v(0.85, 0.85, 0.85), v(0.95, 0.95, 0.95)));
        assertThat(constant.wt().slope()).isEqualTo(1.0);
        assertThat(constant.wt().predict(1)).isCloseTo(0.875, within(1e-9));
        QualityCalibration inverted = QualityCalibration.fit(List.of(v(0.5, 0.5, 0.5), v(0.6, 0.6, 0.6), v(0.7, 0.7, 0.7),
                v(0.8, 0.8, 0.8)), List.of(v(0.9, 0.9, 0.9), v(0.8, 0.8, 0.8), v(0.7, 0.7, 0.7), v(0.6, 0.6, 0.6)));
        assertThat(inverted.wt().slope()).isZero();
        assertThatThrownBy(() -> QualityCalibration.fit(List.of(), List.of())).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new QualityCalibration.Fit(Double.NaN, 1, 0, 0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldWriteAndReadTheProfileAndRefuseABrokenOne() throws Exception {
        QualityCalibration c = QualityCalibration.fit(List.of(v(0.5, 0.6, 0.7), v(0.9, 0.9, 0.9), v(0.7, 0.8, 0.6),
                v(1, 1, 1)), List.of(v(0.4, 0.6, 0.7), v(0.88, 0.9, 0.85), v(0.6, 0.75, 0.5), v(0.95, 0.97, 0.9)));
        QualityProfile p = QualityProfile.of(c, null);
        p.write(tmp);
        assertThat(QualityProfile.read(tmp)).isEqualTo(p);
        assertThat(QualityProfile.read(tmp.resolve("nowhere"))).isNull();
        for (String broken : new String[] {"{", "[]", "{\"formatVersion\": 7}", "{\"formatVersion\":1,\"calibration\":{\"wt\":"
                + "{\"intercept\":0,\"slope\":-1,\"residualSd\":0,\"baseline\":0}}}"}) {
            Files.writeString(tmp.resolve(QualityProfile.FILE_NAME), broken);
            assertThatThrownBy(() -> QualityProfile.read(tmp)).hasMessageContaining(QualityProfile.FILE_NAME);
        }
        assertThat(new ObjectMapper().readTree(Files.readString(tmp.resolve(QualityProfile.FILE_NAME)))).isNotNull();
    }
}
