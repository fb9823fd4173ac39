package org.brainseg.viewer;

import java.util.List;
import org.brainseg.service.http.HttpVerticle;

/**
 * What {@code /health/ready} and {@code /v1/status} report: ready once the topics were read up to
 * where they stood at the start and while the follower runs. A volume that cannot be read (a
 * deleted mask) is the page's problem, shown there; it never makes the service unready.
 */
public record ViewerStatus(boolean ready, List<String> problems, int scans, boolean caughtUp) implements HttpVerticle.Status {
    public ViewerStatus {
        problems = List.copyOf(problems);
    }
}
