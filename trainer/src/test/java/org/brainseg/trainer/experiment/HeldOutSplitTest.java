package org.brainseg.trainer.experiment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class HeldOutSplitTest {
    static List<String> ids(int n) {
        return IntStream.rangeClosed(1, n).mapToObj(i -> String.format("case_%03d", i)).toList();
    }

    @Test
    void shouldSplitIntoThreeDisjointPartsCoveringEveryCase() {
        HeldOutSplit s = HeldOutSplit.of(ids(24), 0.2, 0.2, 1313);
        assertThat(s.test()).hasSize(5);
        assertThat(s.validation()).hasSize(5);
        assertThat(s.train()).hasSize(14);
        Set<String> all = new HashSet<>(s.train());
        all.addAll(s.validation());
        all.addAll(s.test());
        assertThat(all).hasSize(24).containsExactlyInAnyOrderElementsOf(ids(24));
        assertThat(s.test()).doesNotContainAnyElementsOf(s.validation()).doesNotContainAnyElementsOf(s.train());
        assertThat(s.validation()).doesNotContainAnyElementsOf(s.train());
    }

    @Test
    void shouldBeDeterministicForTheSameSeedWhateverTheInputOrder() {
        List<String> shuffled = new ArrayList<>(ids(20));
        Collections.reverse(shuffled);
        assertThat(HeldOutSplit.of(shuffled, 0.2, 0.25, 7)).isEqualTo(HeldOutSplit.of(ids(20), 0.2, 0.25, 7));
        assertThat(HeldOutSplit.of(ids(20), 0.2, 0.25, 8).test()).isNotEqualTo(HeldOutSplit.of(ids(20), 0.2, 0.25, 7).test());
    }

    @Test
    void shouldHoldOutAtLeastOneCaseOfEachKindFromThreeCases() {
        HeldOutSplit s = HeldOutSplit.of(ids(3), 0.1, 0.1, 1);
        assertThat(s.train()).hasSize(1);
        assertThat(s.validation()).hasSize(1);
        assertThat(s.test()).hasSize(1);
    }

    @Test
    void shouldSelectItemsOfEachPart() {
        HeldOutSplit s = HeldOutSplit.of(ids(10), 0.2, 0.3, 3);
        assertThat(s.testOf(ids(10), id -> id)).containsExactlyElementsOf(s.test());
        assertThat(s.validationOf(ids(10), id -> id)).containsExactlyElementsOf(s.validation());
        assertThat(s.trainOf(ids(10), id -> id)).containsExactlyElementsOf(s.train());
    }

    @ParameterizedTest(name = "{0} cases, val {1}, test {2}: {3}")
    @CsvSource({
        "10, 0.5, 0.5, must sum to less than 1",
        "10, 0.7, 0.4, must sum to less than 1",
        "10, 0, 0.2, --val-fraction must be in (0, 1)",
        "10, 0.2, 0, --test-fraction must be in (0, 1)",
        "10, 0.2, -0.1, --test-fraction must be in (0, 1)",
        "10, 0.2, 1.0, --test-fraction must be in (0, 1)",
        "2, 0.2, 0.2, 2 labelled cases are too few",
        "4, 0.4, 0.4, 4 labelled cases are too few",
    })
    void shouldRejectSplitsThatLeaveAPartEmpty(int n, double val, double test, String message) {
        assertThatThrownBy(() -> HeldOutSplit.of(ids(n), val, test, 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(message);
    }

    @Test
    void shouldRejectDuplicateIds() {
        assertThatThrownBy(() -> HeldOutSplit.of(List.of("a", "b", "c", "a"), 0.2, 0.2, 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unique");
    }
}
