package org.brainseg.model.train;

import java.util.Objects;
import org.brainseg.schemas.RegionValues;

/**
 * Validation result of one case.
 *
 * @param caseId the case
 * @param dice Dice per label and region
 * @param loss the training loss on the whole volume
 */
public record CaseDice(String caseId, RegionValues dice, double loss) {
    public CaseDice {
        Objects.requireNonNull(dice, "dice");
    }
}
