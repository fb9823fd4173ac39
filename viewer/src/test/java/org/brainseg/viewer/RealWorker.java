package org.brainseg.viewer;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.brainseg.client.consume.EventReader;
import org.brainseg.schemas.Topics;

/** For the browser test's real worker (which serves model's TinyModels): whether its output is committed. */
final class RealWorker {
    private RealWorker() {}

    /** Whether a SegmentationCompleted for {@code scanId} is committed. */
    static boolean completed(String bootstrap, String scanId) {
        try (EventReader r = new EventReader(bootstrap, Map.of(), Topics.SEGMENTATIONS)) {
            return r.readAll(Duration.ofSeconds(10)).stream()
                    .anyMatch(rec -> rec.key() != null && new String(rec.key(), StandardCharsets.UTF_8).equals(scanId));
        }
    }
}
