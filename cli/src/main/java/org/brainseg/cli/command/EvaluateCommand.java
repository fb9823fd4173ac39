package org.brainseg.cli.command;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.brainseg.cli.console.ProgressBar;
import org.brainseg.imaging.dataset.Case;
import org.brainseg.imaging.dataset.CaseLoader;
import org.brainseg.imaging.dataset.DatasetScan;
import org.brainseg.imaging.dataset.DatasetScanner;
import org.brainseg.imaging.dataset.LoadedCase;
import org.brainseg.imaging.io.JsonMappers;
import org.brainseg.model.artifact.ShippedModel;
import org.brainseg.model.bundle.BundleReader;
import org.brainseg.model.infer.ScanSegmenter;
import org.brainseg.model.infer.Segmentation;
import org.brainseg.model.quality.QualityEstimator;
import org.brainseg.model.quality.QualityProfile;
import org.brainseg.model.train.DiceScore;
import org.brainseg.schemas.RegionValues;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code brainseg evaluate}: segments every labelled case of a dataset with a model, exactly as
 * {@code brainseg segment} and the worker do (the mask on the scan's own grid), and reports Dice per
 * label and region, per case and as mean ± sd.
 */
@Command(name = "evaluate", mixinStandardHelpOptions = true,
        description = {"Score a model on a labelled dataset: Dice per label and region, per case and mean ± sd.",
            "Segments each case as brainseg segment does (on the scan's grid); the ground truth is only used to score."})
public final class EvaluateCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--data", required = true, paramLabel = "DIR", description = "Labelled dataset (BraTS or MSD layout); "
            + "repeatable: the cases of all of them are scored together (e.g. cohorts of several perturbation strengths).")
    List<Path> data;

    @Option(names = "--model", paramLabel = "DIR", description = "Model directory, MONAI bundle folder or model.ts folder (default: the shipped model, models/default).")
    Path model;

    @Option(names = "--json", paramLabel = "FILE", description = "Also write the per-case and mean figures as JSON.")
    Path json;

    @Mixin
    InferenceOptions inference;

    @Option(names = "--quality", description = {"Also estimate each mask's quality as brainseg segment and the worker do "
            + "(without the ground truth) and set it beside the true Dice: predicted WT, flip agreement, needsReview and its "
            + "reasons per case; the correlation and mean error of predicted against true WT, and how many cases under",
            "--review-below were flagged. Costs one more pass per case."})
    boolean quality;

    @Option(names = "--review-below", defaultValue = "0.8", paramLabel = "DICE",
            description = "With --quality: needsReview below this predicted WT Dice (default: ${DEFAULT-VALUE}).")
    double reviewBelow;

    @Override
    public Integer call() throws Exception {
        for (Path d : data) {
            if (!Files.isDirectory(d)) {
                throw new BadInputException("--data " + d + ": no such directory");
            }
        }
        if (model != null && !Files.isRegularFile(model.resolve("model.json")) && !BundleReader.isBundle(model)) {
            throw new BadInputException("--model " + model + ": no model.json there, and not a MONAI bundle or model.ts folder");
        }
        List<Case> labelled = new ArrayList<>();
        for (Path d : data) {
            DatasetScan scan = DatasetScanner.scan(d);
            List<Case> found = scan.cases().stream().filter(Case::hasLabel).toList();
            if (found.isEmpty()) {
                throw new BadInputException(d + ": no labelled case to score" + (scan.problems().isEmpty() ? ""
                        : " (" + String.join("; ", scan.problems()) + ")"));
            }
            labelled.addAll(found);
        }
        if (!(reviewBelow >= 0 && reviewBelow <= 1)) {
            throw new BadInputException("--review-below must be in [0, 1], got " + reviewBelow);
        }
        Path modelDir = model != null ? model : ShippedModel.directory();
        QualityEstimator estimator = null;
        if (quality) {
            try {
                estimator = new QualityEstimator(QualityProfile.read(modelDir), reviewBelow);
            } catch (java.io.IOException e) {
                throw new BadInputException(e.getMessage());
            }
        }
        PrintWriter out = spec.commandLine().getOut();
        List<Map<String, Object>> rows = new ArrayList<>();
        Map<String, List<Double>> byKey = new LinkedHashMap<>();
        List<Double> seconds = new ArrayList<>();
        CaseLoader loader = new CaseLoader();
        try (ScanSegmenter segmenter = inference.load(modelDir);
                ProgressBar bar = new ProgressBar("evaluate", labelled.size())) {
            for (Case c : labelled) {
                LoadedCase lc = loader.load(c);
                long t0 = System.nanoTime();
                Segmentation seg = segmenter.segment(lc, inference.tta);
                double s = (System.nanoTime() - t0) / 1e9;
                Map<String, Double> dice = DiceScore.of(seg.mask().data(), lc.labels().data()).byKey();
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("case", lc.id());
                row.put("dice", dice);
                row.put("seconds", s);
                if (estimator != null) {
                    QualityEstimator.Estimate e = estimator.estimate(segmenter, lc, seg);
                    row.put("quality", e.quality());
                    row.put("qualitySeconds", e.millis() / 1e3);
                }
                rows.add(row);
                seconds.add(s);
                dice.forEach((k, v) -> byKey.computeIfAbsent(k, x -> new ArrayList<>()).add(v));
                bar.step(String.format(Locale.ROOT, "%s WT %.3f TC %.3f ET %.3f", lc.id(), dice.get("WT"), dice.get("TC"),
                        dice.get("ET")));
            }
        }
        String dataNames = String.join(", ", data.stream().map(Path::toString).toList());
        out.printf(Locale.ROOT, "model %s on %d cases of %s%n", modelDir, labelled.size(), dataNames);
        out.printf(Locale.ROOT, "%-22s %s%n", "case", String.join(" ", RegionValues.KEYS.stream()
                .map(k -> String.format(Locale.ROOT, "%9s", k)).toList()));
        for (Map<String, Object> r : rows) {
            @SuppressWarnings("unchecked")
            Map<String, Double> d = (Map<String, Double>) r.get("dice");
            out.printf(Locale.ROOT, "%-22s %s%n", r.get("case"), String.join(" ", RegionValues.KEYS.stream()
                    .map(k -> String.format(Locale.ROOT, "%9.3f", d.get(k))).toList()));
        }
        Map<String, Object> summary = new LinkedHashMap<>();
        StringBuilder line = new StringBuilder();
        for (String k : RegionValues.KEYS) {
            double[] v = byKey.get(k).stream().mapToDouble(Double::doubleValue).toArray();
            double mean = java.util.Arrays.stream(v).average().orElse(Double.NaN);
            double sd = v.length < 2 ? 0 : Math.sqrt(java.util.Arrays.stream(v).map(x -> (x - mean) * (x - mean)).sum() / (v.length - 1));
            summary.put(k, Map.of("mean", mean, "sd", sd));
            line.append(String.format(Locale.ROOT, " %s %.3f ± %.3f", k, mean, sd));
        }
        double median = seconds.stream().sorted().toList().get(seconds.size() / 2);
        out.printf(Locale.ROOT, "mean ± sd:%s%nmedian %.1f s per case%n", line, median);
        Map<String, Object> qualitySummary = estimator == null ? null : QualityReport.print(out, rows, reviewBelow);
        if (json != null) {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("model", modelDir.toString());
            doc.put("data", dataNames);
            doc.put("cases", rows);
            doc.put("dice", summary);
            doc.put("medianSecondsPerCase", median);
            if (qualitySummary != null) {
                doc.put("quality", qualitySummary);
            }
            JsonMappers.indented().writeValue(json.toFile(), doc);
        }
        return 0;
    }
}
