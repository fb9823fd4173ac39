package org.brainseg.worker;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;
import org.brainseg.client.submit.ScanSubmitter;
import org.brainseg.imaging.dataset.Case;
import org.brainseg.imaging.dataset.DatasetScanner;
import org.brainseg.synthetic.CohortConfig;
import org.brainseg.synthetic.CohortGenerator;
import org.brainseg.schemas.ScanArrived;
import org.brainseg.worker.config.WorkerConfig;

/**
 * Real data for the worker's integration tests: a small synthetic cohort at 3 mm (the model
 * they serve is model's {@code TinyModels}).
 */
final class Fixtures {
    static final double SPACING_MM = 3.0;

    private Fixtures() {}

    static List<Case> cohort(Path dir, int cases, long seed) throws Exception {
        return cohort(dir, cases, seed, SPACING_MM);
    }

    /** A cohort at another spacing (coarser: fewer voxels, faster scans). */
    static List<Case> cohort(Path dir, int cases, long seed, double spacingMm) throws Exception {
        new CohortGenerator(CohortConfig.of(cases, seed).withSpacing(spacingMm)).generate(dir, r -> {});
        return DatasetScanner.scan(dir).cases();
    }

    /** Submits one ScanArrived per case, scan id {@code prefix + case id}, in one transaction. */
    static List<ScanArrived> submit(String bootstrap, String prefix, List<Case> cs) throws Exception {
        return submit(bootstrap, cs.size(), cs::get, i -> prefix + cs.get(i).id());
    }

    /**
     * Submits {@code n} scans cycling through the cases (a stream longer than the cohort), scan id
     * {@code prefix + i + "-" + case id}, in one transaction.
     */
    static List<ScanArrived> submitCycling(String bootstrap, String prefix, List<Case> cs, int n) throws Exception {
        return submit(bootstrap, n, i -> cs.get(i % cs.size()), i -> prefix + i + "-" + cs.get(i % cs.size()).id());
    }

    private static List<ScanArrived> submit(String bootstrap, int n, IntFunction<Case> caseAt, IntFunction<String> idAt)
            throws Exception {
        try (ScanSubmitter s = new ScanSubmitter(bootstrap, Map.of(), Clock.systemUTC())) {
            List<ScanArrived> events = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                events.add(s.eventFor(caseAt.apply(i), idAt.apply(i)));
            }
            return s.submit(events);
        }
    }

    static WorkerConfig config(String bootstrap, Path inputRoot, Path outputRoot, Path model, int threads, int maxInFlight,
            String transactionalId) throws Exception {
        Files.createDirectories(outputRoot);
        return WorkerConfig.local(bootstrap, transactionalId, inputRoot, outputRoot, model, threads, maxInFlight, 1);
    }
}
