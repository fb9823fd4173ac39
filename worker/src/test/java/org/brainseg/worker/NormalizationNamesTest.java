package org.brainseg.worker;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * The event schema's normalization names (schemas, which must not depend on DJL) and the model's
 * are two enums; they must name the same set, or a TrainingRequested could ask for one the
 * model cannot build.
 */
class NormalizationNamesTest {
    @Test
    void shouldNameTheSameNormalizationsInEventsAndModel() {
        assertThat(Arrays.stream(org.brainseg.schemas.Normalization.values()).map(org.brainseg.schemas.Normalization::wire))
                .containsExactlyInAnyOrderElementsOf(Arrays.stream(org.brainseg.model.net.Normalization.values())
                        .map(org.brainseg.model.net.Normalization::id).toList());
    }
}
