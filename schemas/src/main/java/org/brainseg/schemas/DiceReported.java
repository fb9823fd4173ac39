package org.brainseg.schemas;

import java.util.UUID;

/**
 * Agreement of a predicted mask with the scan's ground truth (topic {@code brainseg.dice},
 * key {@code scanId}); published with the {@link SegmentationCompleted} it belongs to.
 *
 * @param eventId      unique id of this event
 * @param scanId       scan id
 * @param modelVersion model version that produced the mask
 * @param dice         Dice per label and region, in [0, 1]; 1 when both masks are empty
 * @param hd95         HD95 in millimetres per label and region; null entries where undefined
 */
public record DiceReported(UUID eventId, String scanId, int modelVersion, RegionValues dice, Hd95Values hd95)
        implements Event {

    public DiceReported {
        Require.nonNull(eventId, "eventId");
        Require.id(scanId, "scanId");
        Require.range(modelVersion, 1, Integer.MAX_VALUE, "modelVersion");
        Require.nonNull(dice, "dice").atMost(1.0, "dice");
        Require.nonNull(hd95, "hd95");
    }
}
