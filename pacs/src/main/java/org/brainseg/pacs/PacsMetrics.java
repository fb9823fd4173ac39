package org.brainseg.pacs;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
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
    }

    public void seen() {
        seen.increment();
    }

    public void published(Duration took) {
        published.increment();
        conversion.record(took);
    }

    public void failed(ErrorCode code) {
        Counter.builder(STUDIES_FAILED).description("Studies reported on brainseg.scans.failed, by code").tag("code", code.name())
                .register(registry).increment();
    }

    public void segStored() {
        segStored.increment();
    }

    public void segFailed(String code) {
        Counter.builder(SEG_FAILED).description("Results not turned into a SEG, by code").tag("code", code).register(registry)
                .increment();
    }

    public void pacsError() {
        pacsErrors.increment();
    }

    public void position(long p) {
        position.set(p);
    }
}
