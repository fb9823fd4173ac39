package org.brainseg.worker.pipeline;

import java.util.List;
import org.brainseg.schemas.ErrorCode;
import org.brainseg.schemas.Event;
import org.brainseg.schemas.SegmentationCompleted;

/**
 * What processing one record produced: the events to publish with its offset (a
 * SegmentationCompleted and maybe a DiceReported, or one ScanFailed).
 *
 * @param events events to publish, in order
 * @param error the failure code, or null on success
 * @param timings stage timings on success, else null
 * @param modelVersion the model version that produced the mask, 0 on failure
 */
public record Outcome(List<Event> events, ErrorCode error, SegmentationCompleted.Timings timings, int modelVersion) {
    public Outcome {
        events = List.copyOf(events);
    }

    public boolean failed() {
        return error != null;
    }
}
