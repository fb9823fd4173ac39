package org.brainseg.worker;

import java.util.List;
import java.util.Map;
import org.brainseg.worker.model.ModelFollowStatus;

/**
 * What {@code /v1/status} reports.
 *
 * @param modelVersion version being served (0: none loaded)
 * @param device where inference runs
 * @param inFlight scans taken and not yet committed
 * @param received scans taken from Kafka since start
 * @param completed scans segmented and committed since start
 * @param failed scans sent to brainseg.scans.failed since start, by reason
 * @param partitions assigned partitions of brainseg.scans.arrived
 * @param ready whether the worker takes scans (model loaded, loop running, partitions assigned)
 * @param problems why it is not ready, or what went wrong last
 * @param modelSource where the served model comes from: following brainseg.models (active, loading,
 *     last refused version, broker error) or pinned to a directory
 */
public record WorkerStatus(int modelVersion, String device, long inFlight, long received, long completed,
        Map<String, Long> failed, List<String> partitions, boolean ready, List<String> problems,
        ModelFollowStatus modelSource)
        implements org.brainseg.service.http.HttpVerticle.Status {}
