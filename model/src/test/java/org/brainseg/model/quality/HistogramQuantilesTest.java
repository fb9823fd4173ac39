package org.brainseg.model.quality;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The histogram selection against the order statistics of a sorted copy. */
class HistogramQuantilesTest {
    private static final double[] P = {0.05, 0.25, 0.5, 0.75, 0.95};

    @ParameterizedTest(name = "{0} values, {1} distinct, outlier {2}")
    @CsvSource({
        "1, 0, false",
        "2, 0, false",
        "7, 0, false",
        "1000, 0, false",
        "100000, 0, false",
        "100000, 5, false",
        "100000, 2000, false",
        "100000, 0, true",
        "54321, 40, true",
    })
    void shouldEqualTheSortedOrderStatistics(int n, int distinct, boolean outlier) {
        Random r = new Random(n * 31L + distinct);
        float[] v = new float[n + 3];
        for (int i = 0; i < n; i++) {
            v[i] = distinct > 0 ? r.nextInt(distinct) * 3.5f : (float) (500 + 150 * r.nextGaussian());
        }
        if (outlier) {
            v[n / 2] = 3e30f;
            v[0] = -2e30f;
        }
        v[n] = Float.NaN; // beyond n: not looked at
        float[] sorted = Arrays.copyOf(v, n);
        Arrays.sort(sorted);
        float[] before = v.clone();
        double[] q = HistogramQuantiles.select(v, n, P);
        for (int i = 0; i < P.length; i++) {
            assertThat(q[i]).as("p %s", P[i]).isEqualTo(sorted[(int) Math.round(P[i] * (n - 1))]);
        }
        assertThat(Arrays.equals(before, v)).as("values left as they are").isTrue();
    }

    @Test
    void shouldRefuseNoValuesOrUnorderedProbabilities() {
        assertThatThrownBy(() -> HistogramQuantiles.select(new float[3], 0, 0.5))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> HistogramQuantiles.select(new float[] {1, 2, 3}, 3, 0.9, 0.1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ascending");
    }
}
