package org.brainseg.viewer.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.brainseg.schemas.Quality;
import org.junit.jupiter.api.Test;

/** What the pages get of a mask's quality estimate: the predicted Dice, the flag and its reasons, never the raw features. */
class ViewsTest {
    @Test
    void shouldShowThePredictionTheFlagAndItsReasons() {
        Quality q = new Quality(new Quality.Regions(0.42, 0.8, 0.7), true, List.of("low-predicted-dice", "blank-modality:flair"),
                Map.of("flipDice.WT", 0.5, "input.t1.max-abs-z", 3.0));
        Map<String, Object> m = Views.quality(q);
        assertThat(m).containsOnlyKeys("predictedDice", "needsReview", "reasons");
        assertThat(m.get("predictedDice")).isEqualTo(Map.of("WT", 0.42, "TC", 0.8, "ET", 0.7));
        assertThat(m.get("needsReview")).isEqualTo(true);
        assertThat(m.get("reasons")).isEqualTo(List.of("low-predicted-dice", "blank-modality:flair"));
        Map<String, Object> uncalibrated = Views.quality(new Quality(null, false, List.of(), Map.of()));
        assertThat(uncalibrated.get("predictedDice")).isNull();
        assertThat(uncalibrated.get("needsReview")).isEqualTo(false);
        assertThat(Views.quality(null)).isNull();
    }
}
