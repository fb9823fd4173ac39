package org.brainseg.model.train;

import java.util.Map;

/**
 * Validation result of one case.
 *
 * @param caseId the case
 * @param dice Dice per label and region ({@link DiceScore#KEYS})
 * @param loss the training loss on the whole volume
 */
public record CaseDice(String caseId, Map<String, Double> dice, double loss) {
    public CaseDice {
        dice = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(dice));
    }
}
