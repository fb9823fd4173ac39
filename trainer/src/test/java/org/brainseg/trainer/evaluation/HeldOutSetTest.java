package org.brainseg.trainer.evaluation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.brainseg.model.train.DataSplit;
import org.junit.jupiter.api.Test;

class HeldOutSetTest {
    private static List<String> ids(int n) {
        return IntStream.range(0, n).mapToObj(i -> String.format("case_%03d", i)).toList();
    }

    @Test
    void shouldHoldOutAboutTheFractionAndNeverOverlap() {
        DataSplit s = HeldOutSet.split(ids(400), 0.2, 0);
        assertThat(s.validation().size()).isBetween(55, 105);
        assertThat(s.train()).doesNotContainAnyElementsOf(s.validation());
        assertThat(s.train().size() + s.validation().size()).isEqualTo(400);
    }

    @Test
    void shouldKeepEveryHeldOutCaseWhenTheDatasetGrows() {
        DataSplit before = HeldOutSet.split(ids(50), 0.2, 7);
        DataSplit after = HeldOutSet.split(ids(80), 0.2, 7);
        assertThat(after.validation()).containsAll(before.validation());
        assertThat(after.train()).containsAll(before.train());
        // order of the input does not matter
        List<String> shuffled = new ArrayList<>(ids(50));
        java.util.Collections.reverse(shuffled);
        assertThat(HeldOutSet.split(shuffled, 0.2, 7)).isEqualTo(before);
    }

    @Test
    void shouldDrawAnotherSetForAnotherSeed() {
        assertThat(HeldOutSet.split(ids(100), 0.2, 1).validation()).isNotEqualTo(HeldOutSet.split(ids(100), 0.2, 2).validation());
    }

    @Test
    void shouldHoldOutOneAndTrainOnOneEvenForTinyDatasets() {
        for (int n = 2; n < 6; n++) {
            for (double f : new double[] {0.01, 0.5, 0.99}) {
                DataSplit s = HeldOutSet.split(ids(n), f, 3);
                assertThat(s.validation()).isNotEmpty();
                assertThat(s.train()).isNotEmpty();
            }
        }
    }

    @Test
    void shouldRefuseTooFewOrDuplicateCases() {
        assertThatThrownBy(() -> HeldOutSet.split(ids(1), 0.2, 0)).hasMessageContaining("at least 2 labelled cases");
        assertThatThrownBy(() -> HeldOutSet.split(List.of("a", "a", "b"), 0.2, 0)).hasMessageContaining("unique");
        assertThatThrownBy(() -> HeldOutSet.split(ids(5), 0, 0)).hasMessageContaining("fraction");
    }
}
