package org.brainseg.viewer;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.brainseg.viewer.volume.VolumeException;

/** The viewer's meters; names in one place, Prometheus style (base units, {@code _total}). */
public final class ViewerMetrics {
    public static final String SCANS = "brainseg_viewer_scans";
    public static final String EVENTS = "brainseg_viewer_events";
    public static final String VOLUME_PROBLEMS = "brainseg_viewer_volume_problems";
    public static final String PREVIEW = "brainseg_viewer_preview";

    private final MeterRegistry registry;
    private final Timer preview;

    public ViewerMetrics(MeterRegistry registry, Supplier<Number> indexedScans) {
        this.registry = registry;
        Gauge.builder(SCANS, indexedScans).description("Scans in the viewer's index").register(registry);
        this.preview = Timer.builder(PREVIEW).description("Time to read and draw a preview.png").register(registry);
    }

    /** One record read from a topic; {@code decoded} false when it was not a valid event (skipped). */
    public void event(String topic, boolean decoded) {
        Counter.builder(EVENTS).description("Records read from brainseg's topics").tag("topic", topic)
                .tag("outcome", decoded ? "indexed" : "unreadable").register(registry).increment();
    }

    /** A volume a page asked for could not be shown. */
    public void volumeProblem(VolumeException.Kind kind) {
        Counter.builder(VOLUME_PROBLEMS).description("Volumes that could not be shown, by reason")
                .tag("reason", kind.name().toLowerCase(java.util.Locale.ROOT)).register(registry).increment();
    }

    public void previewRendered(long nanos) {
        preview.record(nanos, TimeUnit.NANOSECONDS);
    }
}
