package org.brainseg.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import org.brainseg.imaging.dataset.Case;
import org.brainseg.imaging.dataset.DatasetScanner;
import org.brainseg.imaging.io.FileTrees;
import org.brainseg.synthetic.CaseReport;
import org.brainseg.synthetic.CohortConfig;
import org.brainseg.synthetic.CohortGenerator;

/**
 * Synthetic BraTS-like cohorts for the benchmarks (BraTS field of view, so 240 x 240 x 155 at
 * 1 mm), generated once per (cases, spacing, seed) under a cache folder and reused: a 1 mm case
 * takes far longer to synthesize than to segment. A cohort counts as cached only once a marker
 * file is written after its last case, so an interrupted run is regenerated.
 */
public final class BenchCases {
    public static final long SEED = 1;
    private static final String COMPLETE = ".complete";

    private final Path cacheDir;

    public BenchCases(Path cacheDir) {
        this.cacheDir = cacheDir;
    }

    /** The default cache: {@code brainseg-bench-cache} under the system temporary folder. */
    public static Path defaultCacheDir() {
        return Path.of(System.getProperty("java.io.tmpdir"), "brainseg-bench-cache");
    }

    /**
     * The cases of a cached cohort, generating it first if needed.
     *
     * @param onGenerated called per case when they have to be generated
     */
    public Cohort cohort(int cases, double spacingMm, Consumer<CaseReport> onGenerated) throws IOException {
        Path dir = cacheDir.resolve(String.format(Locale.ROOT, "cohort-%d-%smm-seed%d", cases, spacingMm, SEED));
        if (!Files.exists(dir.resolve(COMPLETE))) {
            FileTrees.delete(dir);
            new CohortGenerator(CohortConfig.of(cases, SEED).withSpacing(spacingMm)).generate(dir, onGenerated);
            Files.writeString(dir.resolve(COMPLETE), "");
        }
        List<Case> all = DatasetScanner.scan(dir).cases();
        if (all.size() != cases) {
            throw new IOException(dir + ": expected " + cases + " cases, found " + all.size() + "; delete it to regenerate");
        }
        return new Cohort(dir, all);
    }

    /** A cached cohort: its folder and its cases. */
    public record Cohort(Path dir, List<Case> cases) {
        public Cohort {
            cases = List.copyOf(cases);
        }
    }

    /** The same case without its ground truth: what a scan to segment looks like. */
    public static Case withoutLabel(Case c) {
        return new Case(c.id(), c.modalities(), c.image4d(), c.channelOrder(), null, c.convention());
    }
}
