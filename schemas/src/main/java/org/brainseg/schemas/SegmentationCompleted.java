package org.brainseg.schemas;

import java.net.URI;
import java.time.Instant;
import java.util.UUID;
import org.brainseg.imaging.labels.LabelConvention;

/**
 * A scan was segmented and its mask written (topic {@code brainseg.segmentations}, key
 * {@code scanId}). Published in the same Kafka transaction that commits the input offset, so
 * a read_committed consumer sees exactly one per scan and model version.
 *
 * @param eventId         unique id of this event
 * @param scanId          scan id (as in {@link ScanArrived})
 * @param sourceEventId   eventId of the ScanArrived that was segmented
 * @param modelVersion    model version that produced the mask (at least 1)
 * @param maskUri         mask NIfTI, at a deterministic path per (scanId, modelVersion)
 * @param maskSha256      SHA-256 of the mask file, lower-case hex
 * @param labelConvention numbering of the mask
 * @param volumesMl       volume of each label and region in millilitres
 * @param timingsMs       wall time of each stage
 * @param device          where inference ran, e.g. {@code cpu} or {@code gpu(0)}
 * @param completedAt     when the mask was written
 * @param model           the model that produced the mask, by kind, name and version (schema
 *                        version 2; null in version-1 events)
 * @param quality         how far to trust the mask without ground truth (schema version 2; null when
 *                        the worker does not estimate it)
 */
public record SegmentationCompleted(
        UUID eventId,
        String scanId,
        UUID sourceEventId,
        int modelVersion,
        URI maskUri,
        String maskSha256,
        LabelConvention labelConvention,
        RegionValues volumesMl,
        Timings timingsMs,
        String device,
        Instant completedAt,
        ModelRef model,
        Quality quality) implements Event {

    public SegmentationCompleted {
        Require.nonNull(eventId, "eventId");
        Require.id(scanId, "scanId");
        Require.nonNull(sourceEventId, "sourceEventId");
        Require.range(modelVersion, 1, Integer.MAX_VALUE, "modelVersion");
        Require.uri(maskUri, "maskUri");
        Require.sha256(maskSha256, "maskSha256");
        Require.nonNull(labelConvention, "labelConvention");
        Require.nonNull(volumesMl, "volumesMl");
        Require.nonNull(timingsMs, "timingsMs");
        Require.text(device, "device", 1, 64);
        Require.nonNull(completedAt, "completedAt");
    }

    /** Without a quality estimate. */
    public SegmentationCompleted(UUID eventId, String scanId, UUID sourceEventId, int modelVersion, URI maskUri,
            String maskSha256, LabelConvention labelConvention, RegionValues volumesMl, Timings timingsMs, String device,
            Instant completedAt, ModelRef model) {
        this(eventId, scanId, sourceEventId, modelVersion, maskUri, maskSha256, labelConvention, volumesMl, timingsMs,
                device, completedAt, model, null);
    }

    /** An event that does not name the model beyond its version number (as schema version 1 did). */
    public SegmentationCompleted(UUID eventId, String scanId, UUID sourceEventId, int modelVersion, URI maskUri,
            String maskSha256, LabelConvention labelConvention, RegionValues volumesMl, Timings timingsMs, String device,
            Instant completedAt) {
        this(eventId, scanId, sourceEventId, modelVersion, maskUri, maskSha256, labelConvention, volumesMl, timingsMs,
                device, completedAt, null, null);
    }

    /** Wall time per stage in milliseconds: waiting in the worker, loading, inference, writing, and all of it. */
    public record Timings(long queue, long load, long infer, long write, long total) {
        public Timings {
            Require.range(queue, 0, Long.MAX_VALUE, "timingsMs.queue");
            Require.range(load, 0, Long.MAX_VALUE, "timingsMs.load");
            Require.range(infer, 0, Long.MAX_VALUE, "timingsMs.infer");
            Require.range(write, 0, Long.MAX_VALUE, "timingsMs.write");
            Require.range(total, 0, Long.MAX_VALUE, "timingsMs.total");
        }
    }
}
