package org.brainseg.trainer.experiment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class StatsTest {
    @Test
    void shouldGiveMeanAndSampleSd() {
        assertThat(Stats.mean(new double[] {1, 2, 3})).isEqualTo(2.0);
        assertThat(Stats.sd(new double[] {1, 2, 3})).isEqualTo(1.0);
        assertThat(Stats.sd(new double[] {5})).isZero();
        assertThat(Stats.mean(new double[0])).isNaN();
        assertThat(Stats.sd(null)).isNaN();
        Stats.Summary s = Stats.Summary.of(new double[] {0.2, 0.4, 0.9});
        assertThat(s.mean()).isCloseTo(0.5, within(1e-12));
        assertThat(s.sd()).isCloseTo(Math.sqrt((0.09 + 0.01 + 0.16) / 2), within(1e-12));
        assertThat(s.n()).isEqualTo(3);
    }

    @Test
    void shouldPairBySeedNotByPosition() {
        // b's runs come in another seed order and lack seed 3
        Stats.Paired p = Stats.paired(new double[] {0.8, 0.7, 0.5}, List.of(1L, 2L, 3L), new double[] {0.65, 0.6},
                List.of(2L, 1L), false);
        assertThat(p.seeds()).containsExactly(1L, 2L);
        assertThat(p.diff()).containsExactly(new double[] {0.2, 0.05}, within(1e-12));
        assertThat(p.aBetter()).isEqualTo(2);
        assertThat(p.bBetter()).isZero();
    }

    @Test
    void shouldCountWinsByTheMetricsDirection() {
        Stats.Paired loss = new Stats.Paired(List.of(1L, 2L, 3L, 4L), new double[] {-0.1, 0.2, 0, -0.3}, true);
        assertThat(loss.aBetter()).isEqualTo(2);
        assertThat(loss.bBetter()).isEqualTo(1);
        Stats.Paired dice = new Stats.Paired(List.of(1L, 2L, 3L, 4L), new double[] {-0.1, 0.2, 0, -0.3}, false);
        assertThat(dice.aBetter()).isEqualTo(1);
        assertThat(dice.bBetter()).isEqualTo(2);
        assertThat(dice.summary().mean()).isCloseTo(-0.05, within(1e-12));
    }

    @Test
    void shouldRejectADifferenceCountThatDoesNotMatchTheSeeds() {
        assertThatThrownBy(() -> new Stats.Paired(List.of(1L), new double[] {1, 2}, true))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
