package org.brainseg.schemas;

import java.util.Objects;
import java.util.Optional;

/**
 * An event could not be decoded. Always poison (never retried): the {@link #code()} says
 * which check failed and the message names the JSON path of the offending field, so the
 * failed-scans topic tells the sender exactly what to fix.
 */
public final class EventDecodingException extends Exception {
    private final ErrorCode code;
    private final String path;
    private final String scanId;

    /**
     * @param code   which check failed
     * @param path   JSON path of the offending field ({@code $} for the document itself)
     * @param detail what is wrong there
     * @param scanId the scan id when it could be read from the document, else null
     */
    public EventDecodingException(ErrorCode code, String path, String detail, String scanId) {
        // Validator messages already start with their own path; don't say it twice.
        super(detail.startsWith(path + ":") ? detail : path + ": " + detail);
        this.code = Objects.requireNonNull(code, "code");
        this.path = Objects.requireNonNull(path, "path");
        this.scanId = scanId;
    }

    public ErrorCode code() {
        return code;
    }

    /** JSON path of the first offending field, e.g. {@code $.modalities.t1}. */
    public String path() {
        return path;
    }

    /**
     * The scan id, when the document was JSON with a well-formed {@code scanId}, so that the
     * failure can be keyed and correlated even though the event as a whole was rejected.
     */
    public Optional<String> scanId() {
        return Optional.ofNullable(scanId);
    }
}
