package org.brainseg.cli.command;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class BadInputExceptionTest {
    @Test
    void shouldNameTheOptionItsRangeAndTheValue() {
        assertThatThrownBy(() -> BadInputException.requireRange("--rounds", 0, 1, 100))
                .isInstanceOf(BadInputException.class).hasMessage("--rounds must be 1..100, got 0");
        assertThatThrownBy(() -> BadInputException.requireRange("--threads", 257, 0, 256))
                .hasMessage("--threads must be 0..256, got 257");
        assertThatCode(() -> BadInputException.requireRange("--rounds", 100, 1, 100)).doesNotThrowAnyException();
    }

    @Test
    void shouldRefuseALengthOutsideItsRangeOrNotANumber() {
        assertThatThrownBy(() -> BadInputException.requireMm("--spacing", 9, 0.5, 8))
                .hasMessage("--spacing must be 0.5..8 mm, got 9.0");
        assertThatThrownBy(() -> BadInputException.requireMm("--spacing", Double.NaN, 0.5, 8))
                .hasMessage("--spacing must be 0.5..8 mm, got NaN");
        assertThatCode(() -> BadInputException.requireMm("--spacing", 0.5, 0.5, 8)).doesNotThrowAnyException();
    }

    @Test
    void shouldSayTheUnitOfALowerBound() {
        assertThatThrownBy(() -> BadInputException.requireAtLeast("--timeout", 0, 1, "minute"))
                .hasMessage("--timeout must be at least 1 minute, got 0");
        assertThatThrownBy(() -> BadInputException.requireAtLeast("--max", -1, 0, ""))
                .hasMessage("--max must be at least 0, got -1");
    }
}
