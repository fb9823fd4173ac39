package org.brainseg.pacs;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.brainseg.schemas.ErrorCode;

/** The bridge's meters, names in one place (Prometheus: base units, {@code _total}, {@code _seconds}). */
public final class PacsMetrics {
    public static final String STUDIES_SEEN = "brainseg_pacs_studies_seen";
    public static final String STUDIES_PUBLISHED = "brainseg_pacs_studies_published";
    public static final String STUDIES_FAILED = "brainseg_pacs_studies_failed";
    public static final String CONVERSION = "brainseg_pacs_conversion";
    public static final String SEG_STORED = "brainseg_pacs_seg_stored";
    public static final String SEG_FAILED = "brainseg_pacs_seg_failed";
    public static final String PACS_ERRORS = "brainseg_pacs_request_errors";
    public static final String FEED_POSITION = "brainseg_pacs_feed_position";

    /** The codes a study fails with (the DicomException codes of selection and conversion). */
    public static final List<ErrorCode> STUDY_FAILURE_CODES = List.of(ErrorCode.SERIES_MISSING, ErrorCode.DICOM_UNSUPPORTED,
            ErrorCode.SERIES_TOO_LARGE, ErrorCode.GEOMETRY_MISMATCH);
    /** The codes a result is not turned into a SEG with ({@link org.brainseg.pacs.seg.SegExporter}). */
    public static final List<String> SEG_FAILURE_CODES = List.of("STUDY_GONE", "PACS_REJECTED", "MASK_NOT_ALLOWED",
            "MASK_UNREADABLE", ErrorCode.GEOMETRY_MISMATCH.name(), ErrorCode.DICOM_UNSUPPORTED.name());

    private final MeterRegistry registry;
    private final Counter seen;
    private final Counter published;
    private final Counter segStored;
    private final Counter pacsErrors;
    private final Timer conversion;
    private final AtomicLong position = new AtomicLong();

    public PacsMetrics(MeterRegistry registry) {
        this.registry = registry;
        seen = Counter.builder(STUDIES_SEEN).description("Stable studies read from the PACS feed").register(registry);
        published = Counter.builder(STUDIES_PUBLISHED).description("Studies converted and announced as ScanArrived")
                .register(registry);
        segStored = Counter.builder(SEG_STORED).description("DICOM SEG objects stored in the PACS").register(registry);
        pacsErrors = Counter.builder(PACS_ERRORS).description("PACS requests that failed (retried)").register(registry);
        conversion = Timer.builder(CONVERSION).description("Fetching and converting a study's four series").register(registry);
        registry.gauge(FEED_POSITION, position);
        // every known code at 0 from the start: increase() in an alert sees the first failure, not only the second
        STUDY_FAILURE_CODES.forEach(c -> studyFailures(c));
        SEG_FAILURE_CODES.forEach(c -> segFailures(c));
    }

    private Counter studyFailures(ErrorCode code) {
        return Counter.builder(STUDIES_FAILED).description("Studies reported on brainseg.scans.failed, by code")
                .tag("code", code.name()).register(registry);
    }

    private Counter segFailures(String code) {
        return Counter.builder(SEG_FAILED).description("Results not turned into a SEG, by code").tag("code", code)
                .register(registry);
    }

    public void seen() {
        seen.increment();
    }

    public void published(Duration took) {
        published.increment();
        conversion.record(took);
    }

    public void failed(ErrorCode code) {
        studyFailures(code).increment();
    }

    public void segStored() {
        segStored.increment();
    }

    /** SEG objects stored since the start. */
    public long segStoredCount() {
        return (long) segStored.count();
    }

    public void segFailed(String code) {
        segFailures(code).increment();
    }

    public void pacsError() {
        pacsErrors.increment();
    }

    public void position(long p) {
        position.set(p);
    }
}
