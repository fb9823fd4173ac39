package org.brainseg.trainer.evaluation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.brainseg.schemas.ModelStatus;
import org.brainseg.schemas.Promotion;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PromotionGateTest {
    @ParameterizedTest(name = "{0}: candidate {1} vs active {2} -> {3}")
    @CsvSource(nullValues = "none", value = {
        "AUTO,   0.10, none, ACTIVE",      // first model ever
        "AUTO,   0.80, 0.70, ACTIVE",      // better
        "AUTO,   0.70, 0.70, ACTIVE",      // equal
        "AUTO,   0.695, 0.70, ACTIVE",     // within the tolerance
        "AUTO,   0.689, 0.70, REJECTED",   // below it
        "AUTO,   0.00, 0.70, REJECTED",
        "AUTO,   NaN, 0.70, REJECTED",     // no figure never passes
        "FORCE,  0.00, 0.70, ACTIVE",
        "FORCE,  0.00, none, ACTIVE",
        "NEVER,  0.99, 0.10, CANDIDATE",
        "NEVER,  0.99, none, CANDIDATE",
    })
    void shouldDecideByPolicyAndTolerance(Promotion policy, double candidate, Double active, ModelStatus expected) {
        PromotionGate.Decision d = new PromotionGate(0.01).decide(policy, candidate, active);
        assertThat(d.status()).isEqualTo(expected);
        assertThat(d.reason()).contains("candidate mean Dice");
        if (active != null) {
            assertThat(d.reason()).as("both figures in the reason").contains(String.format(java.util.Locale.ROOT, "%.4f", active));
        }
    }

    @ParameterizedTest
    @CsvSource({"-0.1", "1.5", "NaN"})
    void shouldRefuseATolernceOutsideZeroToOne(double t) {
        assertThatThrownBy(() -> new PromotionGate(t)).isInstanceOf(IllegalArgumentException.class);
    }
}
