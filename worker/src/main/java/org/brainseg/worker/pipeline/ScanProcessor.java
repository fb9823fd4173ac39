package org.brainseg.worker.pipeline;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.brainseg.imaging.dataset.Case;
import org.brainseg.imaging.dataset.CaseLoader;
import org.brainseg.imaging.dataset.CaseValidationException;
import org.brainseg.imaging.dataset.LoadedCase;
import org.brainseg.imaging.dataset.Modality;
import org.brainseg.imaging.io.Sha256;
import org.brainseg.imaging.metrics.SegmentationMetrics;
import org.brainseg.imaging.nifti.NiftiDataType;
import org.brainseg.imaging.nifti.NiftiFormatException;
import org.brainseg.imaging.nifti.NiftiWriter;
import org.brainseg.model.infer.NonFiniteOutputException;
import org.brainseg.model.infer.Segmentation;
import org.brainseg.model.quality.QualityEstimator;
import org.brainseg.schemas.DiceReported;
import org.brainseg.schemas.ErrorCode;
import org.brainseg.schemas.Event;
import org.brainseg.schemas.EventCodec;
import org.brainseg.schemas.EventDecodingException;
import org.brainseg.schemas.Hd95Values;
import org.brainseg.schemas.Quality;
import org.brainseg.schemas.RegionValues;
import org.brainseg.schemas.ScanArrived;
import org.brainseg.schemas.ScanFailed;
import org.brainseg.schemas.SegmentationCompleted;
import org.brainseg.service.store.ScanStore;
import org.brainseg.service.store.StoreAccessException;
import org.brainseg.worker.config.WorkerConfig;
import org.brainseg.worker.model.ModelHolder;
import org.brainseg.worker.model.ServingModel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One scan from record bytes to output events: decode and validate the ScanArrived, resolve its
 * URIs inside the store's roots, load and check the volumes, segment with the current model,
 * write the mask atomically at its deterministic path, score it against the ground truth.
 *
 * <p>Never throws: poison input becomes a ScanFailed with its error code; transient faults
 * (I/O errors, a full disk) are retried with bounded exponential backoff, then reported as
 * {@code TRANSIENT_EXHAUSTED}; a bug becomes {@code INTERNAL}. Knows nothing of Kafka beyond the
 * record's provenance. Thread-safe: inference threads call it concurrently.
 */
public final class ScanProcessor {
    private static final Logger LOG = LoggerFactory.getLogger(ScanProcessor.class);
    /** How many recent eventIds are remembered to catch duplicates (about 100 bytes each). */
    static final int RECENT_EVENT_IDS = 10_000;

    private final ScanStore store;
    private final ModelHolder models;
    private final EventCodec codec;
    private final WorkerConfig.Retry retry;
    private final boolean tta;
    private final double reviewBelowWt;
    private final Clock clock;
    private final CaseLoader loader = new CaseLoader();
    private final NiftiWriter writer = new NiftiWriter();
    /**
     * Model calls at once ({@code inference.threads}). More scans than that are processed at once
     * (see WorkerVerticle#processingThreads): while one is in the model, another is loaded, or
     * written and scored, so that the model is not idle between scans.
     */
    private final Semaphore modelSlots;
    /**
     * Where each recent eventId was first taken up. The same record seen again (a redelivery after
     * a rebalance) has the same source and is processed; another record with that eventId is a
     * duplicate. Memory only: a duplicate arriving after a restart is processed again, and its
     * deterministic mask path makes that an overwrite, not a second file.
     */
    private final Map<UUID, ScanFailed.Source> recentEventIds = Collections.synchronizedMap(
            new LinkedHashMap<>(1024, 0.75f, false) {
                private static final long serialVersionUID = 1L;

                @Override
                protected boolean removeEldestEntry(Map.Entry<UUID, ScanFailed.Source> eldest) {
                    return size() > RECENT_EVENT_IDS;
                }
            });

    public ScanProcessor(ScanStore store, ModelHolder models, EventCodec codec, WorkerConfig.Retry retry, boolean tta,
            Clock clock) {
        this(store, models, codec, retry, tta, clock, Integer.MAX_VALUE);
    }

    /** @param modelSlots how many scans may be in the model at once */
    public ScanProcessor(ScanStore store, ModelHolder models, EventCodec codec, WorkerConfig.Retry retry, boolean tta,
            Clock clock, int modelSlots) {
        this(store, models, codec, retry, tta, clock, new Semaphore(requirePositive(modelSlots)));
    }

    /** @param modelSlots its permits are the scans that may be in the model at once */
    public ScanProcessor(ScanStore store, ModelHolder models, EventCodec codec, WorkerConfig.Retry retry, boolean tta,
            Clock clock, Semaphore modelSlots) {
        this(store, models, codec, retry, tta, clock, modelSlots, -1);
    }

    /**
     * @param modelSlots    its permits are the scans that may be in the model at once
     * @param reviewBelowWt with a value in [0, 1], each mask gets a quality estimate ({@link QualityEstimator}: a
     *                      second, mirrored pass in the model slot, and the input guard) and needsReview below this
     *                      predicted WT Dice; negative: no estimate
     */
    public ScanProcessor(ScanStore store, ModelHolder models, EventCodec codec, WorkerConfig.Retry retry, boolean tta,
            Clock clock, Semaphore modelSlots, double reviewBelowWt) {
        this.reviewBelowWt = reviewBelowWt;
        this.modelSlots = modelSlots;
        this.store = store;
        this.models = models;
        this.codec = codec;
        this.retry = retry;
        this.tta = tta;
        this.clock = clock;
    }

    private static int requirePositive(int modelSlots) {
        if (modelSlots < 1) {
            throw new IllegalArgumentException("modelSlots must be at least 1, got " + modelSlots);
        }
        return modelSlots;
    }

    /**
     * @param source where the record came from (for ScanFailed provenance and logs)
     * @param value the record value
     * @param queuedMs how long the record waited between poll and processing
     */
    public Outcome process(ScanFailed.Source source, byte[] value, long queuedMs) {
        ScanArrived event;
        try {
            event = codec.decode(value, ScanArrived.class);
        } catch (EventDecodingException e) {
            return failed(e.scanId().orElse(null), source, e.code(), e.getMessage(), 1, value);
        } catch (RuntimeException e) {
            LOG.error("decoding failed unexpectedly at {}", source, e);
            return failed(null, source, ErrorCode.INTERNAL, "decoding failed: " + e, 1, value);
        }
        ScanFailed.Source first = recentEventIds.putIfAbsent(event.eventId(), source);
        if (first != null && !first.equals(source)) {
            LOG.warn("scan {} at {}: eventId {} already taken up at {}", event.scanId(), source, event.eventId(), first);
            return failed(event.scanId(), source, ErrorCode.DUPLICATE_EVENT, "eventId " + event.eventId()
                    + " was already taken up at " + first.topic() + "-" + first.partition() + " offset " + first.offset()
                    + "; this copy is not processed", 1, value);
        }
        for (int attempt = 1; ; attempt++) {
            try {
                return segment(event, queuedMs);
            } catch (PoisonException e) {
                LOG.warn("scan {} at {}: {} {}", event.scanId(), source, e.code(), e.getMessage());
                return failed(event.scanId(), source, e.code(), e.getMessage(), attempt, value);
            } catch (IOException e) {
                if (attempt >= retry.maxAttempts()) {
                    LOG.error("scan {} at {}: giving up after {} attempts", event.scanId(), source, attempt, e);
                    return failed(event.scanId(), source, ErrorCode.TRANSIENT_EXHAUSTED,
                            "after " + attempt + " attempts: " + e, attempt, value);
                }
                long wait = retry.backoffMs(attempt + 1);
                LOG.warn("scan {} at {}: attempt {} failed ({}), retrying in {} ms", event.scanId(), source, attempt, e, wait);
                if (!sleep(wait)) {
                    return failed(event.scanId(), source, ErrorCode.TRANSIENT_EXHAUSTED, "interrupted while retrying: " + e,
                            attempt, value);
                }
            } catch (RuntimeException | OutOfMemoryError e) {
                LOG.error("scan {} at {}: unexpected failure", event.scanId(), source, e);
                return failed(event.scanId(), source, ErrorCode.INTERNAL, e.toString(), attempt, value);
            }
        }
    }

    /** The outcome for a record whose processing died outside the normal paths (a bug or an Error). */
    public Outcome internalFailure(ScanFailed.Source source, byte[] value, Throwable t) {
        LOG.error("processing {} failed unexpectedly", source, t);
        return failed(null, source, ErrorCode.INTERNAL, t.toString(), 1, value);
    }

    private Outcome segment(ScanArrived event, long queuedMs) throws PoisonException, IOException {
        long t0 = System.nanoTime();
        LoadedCase loaded = load(event);
        long loadedAt = System.nanoTime();
        try {
            modelSlots.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for the model", e);
        }
        long t1 = System.nanoTime();
        long waitedMs = ms(t1 - loadedAt); // behind another scan in the model: counted as queueing
        ServingModel model = null;
        try {
            Segmentation seg;
            Quality quality = null;
            try {
                model = models.acquire();
                if (model == null) {
                    throw new IOException("no model loaded yet");
                }
                seg = model.segment(loaded, tta);
                if (reviewBelowWt >= 0) {
                    quality = estimate(model, loaded, seg);
                }
            } catch (NonFiniteOutputException x) {
                throw new PoisonException(ErrorCode.NUMERIC_ERROR, "model v" + model.version() + ": " + x.getMessage(), x);
            } finally {
                modelSlots.release(); // the model is free for the next scan while this one is written and scored
            }
            long t2 = System.nanoTime();
            Path mask = store.maskPath(event.scanId(), model.version());
            removeStaleTemporaries(mask);
            writer.write(mask, seg.mask(event.labelConvention()), NiftiDataType.UINT8, loaded.reference());
            String sha = Sha256.ofFile(mask);
            long t3 = System.nanoTime();
            SegmentationCompleted.Timings timings = new SegmentationCompleted.Timings(queuedMs + waitedMs, ms(loadedAt - t0),
                    ms(t2 - t1), ms(t3 - t2), queuedMs + ms(t3 - t0));
            List<Event> events = new ArrayList<>();
            events.add(new SegmentationCompleted(UUID.randomUUID(), event.scanId(), event.eventId(), model.version(),
                    mask.toUri(), sha, event.labelConvention(), seg.volumesMl(), timings, model.device(),
                    clock.instant(), model.ref(), quality));
            if (loaded.hasLabels()) {
                SegmentationMetrics.Report r = SegmentationMetrics.compute(seg.mask(), loaded.labels());
                events.add(new DiceReported(UUID.randomUUID(), event.scanId(), model.version(),
                        dice(r), hd95(r)));
            }
            LOG.debug("scan {}: load {} ms, infer {} ms, write {} ms, score {} ms", event.scanId(), timings.load(),
                    timings.infer(), timings.write(), ms(System.nanoTime() - t3));
            return new Outcome(events, null, timings, model.version());
        } finally {
            if (model != null) {
                model.release();
            }
        }
    }

    /** The quality estimate, or null (logged) when it cannot be made: a scan is never failed for it. */
    private Quality estimate(ServingModel model, LoadedCase loaded, Segmentation seg) {
        try {
            return new QualityEstimator(model.quality(), reviewBelowWt).estimate(model.segmenter(), loaded, seg).quality();
        } catch (NonFiniteOutputException e) {
            throw e; // the model itself failed on this scan: a numeric error, as for the first pass
        } catch (RuntimeException e) {
            LOG.warn("scan {}: no quality estimate: {}", loaded.id(), e.toString());
            return null;
        }
    }

    private LoadedCase load(ScanArrived e) throws PoisonException, IOException {
        try {
            Path label = e.labelUri() == null ? null : resolve(e.labelUri(), "label", e);
            Case c;
            if (e.modalities() != null) {
                Map<Modality, Path> files = new EnumMap<>(Modality.class);
                for (Modality m : Modality.values()) {
                    files.put(m, resolve(e.modalities().uri(m), m.key(), e));
                }
                c = Case.separate(e.scanId(), files, label, e.labelConvention());
            } else {
                c = Case.stacked(e.scanId(), resolve(e.image4d().uri(), "image4d", e), e.image4d().channelOrder(), label,
                        e.labelConvention());
            }
            return loader.load(c);
        } catch (StoreAccessException x) {
            throw new PoisonException(switch (x.reason()) {
                case URI_NOT_ALLOWED -> ErrorCode.URI_NOT_ALLOWED;
                case FILE_MISSING, NOT_A_FILE -> ErrorCode.FILE_MISSING;
            }, x.getMessage(), x);
        } catch (NoSuchFileException x) {
            throw new PoisonException(ErrorCode.FILE_MISSING, x.getFile() + ": no such file", x);
        } catch (NiftiFormatException x) {
            throw new PoisonException(ErrorCode.NIFTI_CORRUPT, x.getMessage(), x);
        } catch (CaseValidationException x) {
            throw new PoisonException(codeOf(x), x.getMessage(), x);
        }
    }

    private Path resolve(URI uri, String key, ScanArrived e) throws StoreAccessException, PoisonException, IOException {
        Path p = store.resolveInput(uri.toString());
        String expected = e.sha256().get(key);
        if (expected != null) {
            String actual = Sha256.ofFile(p);
            if (!actual.equals(expected)) {
                throw new PoisonException(ErrorCode.CHECKSUM_MISMATCH, key + ": sha256 is " + actual + ", the event announced "
                        + expected, null);
            }
        }
        return p;
    }

    private static ErrorCode codeOf(CaseValidationException x) {
        try {
            return ErrorCode.valueOf(x.code());
        } catch (IllegalArgumentException unknown) {
            return ErrorCode.GEOMETRY_MISMATCH;
        }
    }

    private static RegionValues dice(SegmentationMetrics.Report r) {
        return RegionValues.of(l -> r.labels().get(l).dice(), g -> r.regions().get(g).dice());
    }

    private static Hd95Values hd95(SegmentationMetrics.Report r) {
        return Hd95Values.of(l -> r.labels().get(l).hd95(), g -> r.regions().get(g).hd95());
    }

    private Outcome failed(String scanId, ScanFailed.Source source, ErrorCode code, String message, int attempts, byte[] raw) {
        ScanFailed f = ScanFailed.of(scanId, source, code, message == null ? code.name() : message, attempts, raw, clock.instant());
        return new Outcome(List.of(f), code, null, 0);
    }

    /**
     * Deletes temp files a killed earlier attempt at this mask left behind ({@link NiftiWriter}
     * writes {@code .<name>.<uuid>.tmp} and renames it): a redo must leave the output directory
     * as if the crash never happened. The directory belongs to one scan, which one worker owns
     * at a time; should a fenced zombie still be writing, its rename fails and it retries.
     */
    private static void removeStaleTemporaries(Path mask) throws IOException {
        Path dir = mask.getParent();
        if (dir == null || !Files.isDirectory(dir)) {
            return;
        }
        try (var stale = Files.newDirectoryStream(dir, "." + mask.getFileName() + ".*.tmp")) {
            for (Path p : stale) {
                Files.deleteIfExists(p);
                LOG.info("removed {} left by an interrupted earlier attempt", p);
            }
        }
    }


    private static long ms(long nanos) {
        return TimeUnit.NANOSECONDS.toMillis(nanos);
    }

    private static boolean sleep(long ms) {
        try {
            Thread.sleep(ms);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
