package org.brainseg.cli.command;

import static org.assertj.core.api.Assertions.assertThat;

import org.brainseg.schemas.Normalization;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code brainseg doctor} as a user runs it: the machine facts, every normalization's check, the exit code. */
class DoctorCommandTest {
    @Test
    void shouldPrintTheMachineAndPassTheNumericsCheckForEveryNormalization() {
        CliTest.Run r = CliTest.run("doctor", "--threads", "1");
        assertThat(r.code()).as(r.out() + r.err()).isZero();
        assertThat(r.err()).isEmpty();
        assertThat(r.out()).contains("cpu:").contains("vector ISA:").contains("engine:     DJL 0.33.0, PyTorch 2.5.1")
                .contains("threads:    1 intra-op").contains("device:     cpu()").contains("numerics:   OK");
        for (Normalization n : Normalization.values()) {
            assertThat(r.out()).containsPattern("(?m)^  " + n.wire() + " +ok ");
        }
    }

    @ParameterizedTest
    @CsvSource({"--threads, -1, --threads must be 0", "--device, tpu, tpu", "--device, '', device"})
    void shouldRejectBadOptionsWithExitCode2(String option, String value, String message) {
        CliTest.Run r = CliTest.run("doctor", option, value);
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains(message);
        assertThat(r.out()).doesNotContain("numerics:");
    }
}
