package org.brainseg.trainer.service;

import java.util.List;
import org.brainseg.service.http.HttpVerticle;

/**
 * What {@code /v1/status} reports.
 *
 * @param model model name
 * @param activeVersion active version on brainseg.models (0: none)
 * @param current the request being trained, or null
 * @param queue requests waiting on brainseg.training.requests
 * @param last the last finished request, or null
 * @param autoRetrain labelled scans counted towards the next automatic request (-1: off)
 * @param ready whether the service takes requests
 * @param problems why not, or what went wrong last
 */
public record TrainerStatus(String model, int activeVersion, Current current, long queue, Last last, long autoRetrain,
        boolean ready, List<String> problems) implements HttpVerticle.Status {

    /** The run in progress. */
    public record Current(String requestId, String datasetUri, String promotion, int epoch, int epochs, String startedAt) {}

    /**
     * The last outcome.
     *
     * @param outcome how the request ended
     * @param version the version produced, 0 when none
     * @param candidateMeanDice its held-out mean Dice (NaN when none)
     * @param activeMeanDice the compared active version's (NaN when none)
     * @param message the gate's reason or the failure
     */
    public record Last(String requestId, TrainingOutcome outcome, int version, double candidateMeanDice, double activeMeanDice,
            String message, String finishedAt) {}
}
