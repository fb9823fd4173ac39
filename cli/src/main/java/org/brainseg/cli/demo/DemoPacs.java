package org.brainseg.cli.demo;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.brainseg.imaging.dataset.Case;
import org.brainseg.imaging.io.FileTrees;
import org.brainseg.pacs.PacsBridge;
import org.brainseg.pacs.config.PacsConfig;
import org.brainseg.pacs.dicom.CaseStudy;
import org.brainseg.pacs.ingest.PositionFile;
import org.brainseg.pacs.orthanc.OrthancClient;
import org.brainseg.pacs.orthanc.PacsException;
import org.brainseg.pacs.rules.SeriesRules;

/**
 * {@code brainseg demo --orthanc URL}: the scans go through a running Orthanc instead of as NIfTI
 * files. Each case is uploaded as a DICOM study ({@link CaseStudy}); a PACS bridge in the demo
 * follows Orthanc's changes from where the feed stands at the start (earlier studies in that
 * Orthanc are left alone), converts each study and announces it; the worker segments it and the
 * bridge stores the DICOM SEG in the study. DICOM studies carry no ground truth, so these scans
 * have no Dice.
 */
public final class DemoPacs implements AutoCloseable {
    /**
     * @param url      Orthanc's REST root
     * @param user     HTTP basic user, or null
     * @param password its password (from BRAINSEG_ORTHANC_PASSWORD), or null
     */
    public record Target(URI url, String user, String password) {
        @Override
        public String toString() {
            return url + (user == null ? "" : " as " + user); // never the password
        }
    }

    private final OrthancClient client;
    private final PacsBridge bridge;
    private final Path scans;
    private final AtomicInteger started = new AtomicInteger();
    private final AtomicInteger uploaded = new AtomicInteger();
    private final AtomicReference<Exception> failure = new AtomicReference<>();
    private final List<Thread> uploads = new CopyOnWriteArrayList<>();

    private DemoPacs(OrthancClient client, PacsBridge bridge, Path scans) {
        this.client = client;
        this.bridge = bridge;
        this.scans = scans;
    }

    /** Where the bridge writes the converted studies: the worker must be allowed to read it. */
    static Path scansDir(Path workDir) {
        return workDir.resolve("pacs").resolve("scans").toAbsolutePath().normalize();
    }

    /** Checks that Orthanc answers, then starts the bridge at the feed's current end. */
    static DemoPacs start(Target t, String bootstrap, Map<String, String> kafkaProperties, Path workDir, Path masks, String runId,
            Consumer<Throwable> onFatal) throws Exception {
        PacsConfig.Orthanc orthanc = new PacsConfig.Orthanc(t.url(), t.user(), t.password(), null, Duration.ofSeconds(30),
                Duration.ofMillis(200));
        OrthancClient client = new OrthancClient(orthanc);
        long last;
        try {
            client.system();
            last = client.getJson("changes?last").path("Last").asLong();
        } catch (PacsException e) {
            throw new IllegalArgumentException("--orthanc " + t + ": " + e.getMessage()
                    + " (is Orthanc running there? for a password: BRAINSEG_ORTHANC_PASSWORD)", e);
        }
        Path dir = workDir.resolve("pacs");
        FileTrees.delete(dir); // a fresh position per run: only this run's studies
        Path position = dir.resolve("position.json");
        Files.createDirectories(dir);
        PositionFile.start().after(last, null, null).save(position);
        Path scans = scansDir(workDir);
        // the demo's studies may be larger than a production bridge's default limits allow
        PacsConfig config = PacsConfig.local(
                new PacsConfig.Kafka(bootstrap, "brainseg-demo-pacs-" + runId, "brainseg-demo-pacs", kafkaProperties), orthanc,
                new PacsConfig.Store(scans, position, List.of(masks.toAbsolutePath().normalize())))
                .withSeries(new PacsConfig.Series(SeriesRules.DEFAULTS, 2048, 256L << 20));
        return new DemoPacs(client, PacsBridge.start(config, onFatal), scans);
    }

    /**
     * Uploads each case as a new study (the key makes each wave another study) on a thread of its
     * own, so that the demo's progress keeps moving; a failure surfaces in {@link #uploadNote}.
     */
    void uploadInBackground(List<Case> cases, String key) {
        started.addAndGet(cases.size());
        Thread t = new Thread(() -> {
            try {
                for (Case c : cases) {
                    CaseStudy.of(c, key).upload(client);
                    uploaded.incrementAndGet();
                }
            } catch (Exception e) {
                failure.compareAndSet(null, e);
            }
        }, "brainseg-demo-upload-" + key);
        t.setDaemon(true);
        t.start();
        uploads.add(t);
    }

    /** " · n/total studies uploaded" while uploads run, "" otherwise; throws once an upload failed. */
    String uploadNote(int total) {
        Exception f = failure.get();
        if (f != null) {
            throw new IllegalStateException("uploading to the PACS failed: " + f.getMessage(), f);
        }
        int n = uploaded.get();
        return n == started.get() ? "" : String.format(Locale.ROOT, " · %d/%d studies uploaded", n, total);
    }

    /** Stops uploads still running (the demo ends or was interrupted). */
    void stopUploads() throws InterruptedException {
        for (Thread t : uploads) {
            t.interrupt();
            t.join(10_000);
        }
    }

    /** DICOM SEG objects the bridge has stored so far. */
    long segStored() {
        return bridge.segStored();
    }

    Path scans() {
        return scans;
    }

    int httpPort() {
        return bridge.httpPort();
    }

    @Override
    public void close() {
        bridge.close();
    }
}
