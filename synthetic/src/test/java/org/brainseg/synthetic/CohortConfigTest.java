package org.brainseg.synthetic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.function.Supplier;
import java.util.stream.Stream;
import org.brainseg.imaging.dataset.DatasetLayout;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class CohortConfigTest {

    static Stream<Arguments> badConfigs() {
        return Stream.of(
                Arguments.of("cases", (Supplier<CohortConfig>) () -> new CohortConfig(0, 1, DatasetLayout.MSD, 1, null, false)),
                Arguments.of("cases", (Supplier<CohortConfig>) () -> new CohortConfig(-3, 1, DatasetLayout.MSD, 1, null, false)),
                Arguments.of("layout", (Supplier<CohortConfig>) () -> new CohortConfig(1, 1, null, 1, null, false)),
                Arguments.of("spacingMm", (Supplier<CohortConfig>) () -> new CohortConfig(1, 1, DatasetLayout.MSD, 0, null, false)),
                Arguments.of("spacingMm", (Supplier<CohortConfig>) () -> new CohortConfig(1, 1, DatasetLayout.MSD, Double.NaN, null, false)),
                Arguments.of("spacingMm", (Supplier<CohortConfig>) () -> new CohortConfig(1, 1, DatasetLayout.MSD, 20, null, false)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badConfigs")
    void shouldRejectBadValuesNamingTheField(String field, Supplier<CohortConfig> config) {
        assertThatThrownBy(config::get).hasMessageContaining(field);
    }

    @Test
    void shouldUseTheBratsGridAtOneMillimetre() {
        CohortConfig c = CohortConfig.of(1, 42);
        assertThat(c.shape()).containsExactly(240, 240, 155);
        assertThat(c.affine().spacing()).containsExactly(1.0, 1.0, 1.0);
    }

    @Test
    void shouldKeepTheFieldOfViewAtCoarserSpacing() {
        CohortConfig c = CohortConfig.of(1, 42).withSpacing(2);
        assertThat(c.shape()).containsExactly(120, 120, 78);
        double[] centre = c.affine().apply(59.5, 59.5, 38.5);
        assertThat(centre).containsExactly(0.0, 0.0, 0.0);
    }
}
