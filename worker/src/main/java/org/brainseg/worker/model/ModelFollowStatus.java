package org.brainseg.worker.model;

/**
 * What {@code /v1/status} says about where the served model comes from.
 *
 * @param mode {@code follow} (brainseg.models) or {@code pinned} (one directory)
 * @param name model name followed
 * @param activeVersion version brainseg.models names active, null when none (or pinned)
 * @param loadingVersion version being loaded, verified and warmed up now, or null
 * @param caughtUp whether the follower has read brainseg.models up to its end at least once
 * @param swapped versions taken into service since start
 * @param refused versions refused since start
 * @param lastRefused the latest refusal, or null
 * @param brokerError the follower's latest broker error while it persists, or null
 */
public record ModelFollowStatus(String mode, String name, Integer activeVersion, Integer loadingVersion, boolean caughtUp,
        long swapped, long refused, Refusal lastRefused, String brokerError) {

    /**
     * @param version the refused version
     * @param sha256 the params checksum its event announced
     * @param reason why it was refused
     * @param at when (ISO-8601)
     */
    public record Refusal(int version, String sha256, String reason, String at) {}

    /** A worker serving one directory, following nothing. */
    public static ModelFollowStatus pinned(String name) {
        return new ModelFollowStatus("pinned", name, null, null, true, 0, 0, null, null);
    }
}
