package org.brainseg.pacs.orthanc;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PacsBackoffTest {
    @Test
    void shouldDoubleFromOneSecondUpToThirtySeconds() {
        PacsBackoff b = new PacsBackoff(() -> false);
        List<Long> waits = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            waits.add(b.failed());
        }
        assertThat(waits).containsExactly(1_000L, 2_000L, 4_000L, 8_000L, 16_000L, 30_000L, 30_000L, 30_000L);
    }

    @Test
    void shouldStartOverAfterASuccess() {
        PacsBackoff b = new PacsBackoff(() -> false);
        b.failed();
        b.failed();
        b.succeeded();
        assertThat(b.failed()).isEqualTo(1_000L);
    }

    @Test
    void shouldCutASleepShortOnceClosed() {
        long start = System.nanoTime();
        new PacsBackoff(() -> true).sleep(10_000);
        assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(5_000);
    }
}
