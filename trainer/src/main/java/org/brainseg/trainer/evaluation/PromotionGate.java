package org.brainseg.trainer.evaluation;

import java.util.Locale;
import org.brainseg.schemas.ModelStatus;
import org.brainseg.schemas.Promotion;

/**
 * Decides what a freshly trained version becomes. {@code auto}: active when its held-out mean Dice
 * (WT, TC, ET) is at least the active version's minus the tolerance, or when there is no active
 * version yet; otherwise rejected. {@code force}: active. {@code never}: candidate.
 */
public final class PromotionGate {
    private final double tolerance;

    public PromotionGate(double tolerance) {
        if (!(tolerance >= 0 && tolerance <= 1)) {
            throw new IllegalArgumentException("tolerance must be in [0, 1], got " + tolerance);
        }
        this.tolerance = tolerance;
    }

    /**
     * @param status what the new version becomes
     * @param reason one line for the log and /v1/status, with both figures
     */
    public record Decision(ModelStatus status, String reason) {}

    /**
     * @param candidateDice the candidate's held-out mean Dice
     * @param activeDice the active version's on the same cases, or null when none is active
     */
    public Decision decide(Promotion policy, double candidateDice, Double activeDice) {
        String figures = activeDice == null
                ? String.format(Locale.ROOT, "candidate mean Dice %.4f, no active version", candidateDice)
                : String.format(Locale.ROOT, "candidate mean Dice %.4f vs active %.4f (tolerance %.4f)", candidateDice,
                        activeDice, tolerance);
        return switch (policy) {
            case FORCE -> new Decision(ModelStatus.ACTIVE, "promotion forced: " + figures);
            case NEVER -> new Decision(ModelStatus.CANDIDATE, "kept as candidate (promotion never): " + figures);
            case AUTO -> {
                if (activeDice == null) {
                    yield new Decision(ModelStatus.ACTIVE, "first active version: " + figures);
                }
                // NaN (no figure) never passes
                boolean pass = candidateDice >= activeDice - tolerance;
                yield new Decision(pass ? ModelStatus.ACTIVE : ModelStatus.REJECTED,
                        (pass ? "promoted: " : "rejected: ") + figures);
            }
        };
    }
}
