package org.brainseg.trainer.experiment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SeedsTest {
    @Test
    void shouldRunOnceWithTheBaseSeedByDefault() {
        assertThat(Seeds.parse(null, 42)).containsExactly(42L);
        assertThat(Seeds.parse(" ", 42)).containsExactly(42L);
    }

    @Test
    void shouldCountUpFromTheBaseSeedForACount() {
        assertThat(Seeds.parse("3", 1313)).containsExactly(1313L, 1314L, 1315L);
        assertThat(Seeds.parse("1", 5)).containsExactly(5L);
    }

    @Test
    void shouldTakeAnExplicitListAsGiven() {
        assertThat(Seeds.parse("7, 1,2", 42)).containsExactly(7L, 1L, 2L);
    }

    @ParameterizedTest(name = "--seeds {0}")
    @CsvSource(delimiter = ';', value = {
        "0; at least 1",
        "-2; at least 1",
        "a; expected a number of seeds",
        "1.5; expected a number of seeds",
        "1,1,2; listed twice",
        "1,a; 'a' is not an integer seed",
        "1,,2; '' is not an integer seed",
    })
    void shouldRejectBadSeedSpecs(String spec, String message) {
        assertThatThrownBy(() -> Seeds.parse(spec, 42))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--seeds").hasMessageContaining(message);
    }
}
