package org.brainseg.cli.demo;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.brainseg.schemas.DiceReported;
import org.brainseg.schemas.RegionValues;
import org.brainseg.schemas.ScanFailed;
import org.brainseg.schemas.SegmentationCompleted;

/**
 * What the demo has seen on the output topics (read_committed): completed scans with their
 * latency and model version, Dice per model version, failures. Thread-safe; renders the live
 * progress line and the closing summary table.
 */
public final class DemoStats {
    private final long startNanos;
    private final Set<String> completedIds = new HashSet<>();
    private final Set<String> failedIds = new HashSet<>();
    private final Map<Integer, PerVersion> versions = new TreeMap<>();
    private final List<String> failureLines = new ArrayList<>();
    private final Map<String, Integer> flaggedReasons = new TreeMap<>();
    private int assessed;
    private int flagged;
    private int lastVersion;

    private static final class PerVersion {
        final List<Double> latencySeconds = new ArrayList<>();
        final List<RegionValues> dice = new ArrayList<>();
    }

    /** @param startNanos {@link System#nanoTime()} when the first scan was submitted */
    public DemoStats(long startNanos) {
        this.startNanos = startNanos;
    }

    /** Counts a completed scan once (a redelivered duplicate would be ignored, and there should be none). */
    public synchronized void completed(SegmentationCompleted e) {
        if (completedIds.add(e.scanId() + "@" + e.modelVersion())) {
            perVersion(e.modelVersion()).latencySeconds.add(e.timingsMs().total() / 1e3);
            lastVersion = e.modelVersion();
            if (e.quality() != null) {
                assessed++;
                if (e.quality().needsReview()) {
                    flagged++;
                    for (String r : e.quality().reasons()) {
                        flaggedReasons.merge(r.contains(":") ? r.substring(0, r.indexOf(':')) : r, 1, Integer::sum);
                    }
                }
            }
        }
    }

    public synchronized void dice(DiceReported e) {
        perVersion(e.modelVersion()).dice.add(e.dice());
    }

    public synchronized void failed(ScanFailed e) {
        String id = e.scanId() == null ? "offset " + e.source().offset() : e.scanId();
        if (failedIds.add(id)) {
            failureLines.add(id + ": " + e.errorCode() + " " + e.message());
        }
    }

    private PerVersion perVersion(int v) {
        return versions.computeIfAbsent(v, k -> new PerVersion());
    }

    public synchronized int completedCount() {
        return completedIds.size();
    }

    public synchronized int failedCount() {
        return failedIds.size();
    }

    /** Completed scans per model version, ascending versions. */
    public synchronized Map<Integer, Integer> completedByVersion() {
        Map<Integer, Integer> out = new TreeMap<>();
        versions.forEach((v, p) -> out.put(v, p.latencySeconds.size()));
        return out;
    }

    /** Scans with a quality estimate, and of them those flagged needsReview. */
    public synchronized int[] assessedAndFlagged() {
        return new int[] {assessed, flagged};
    }

    /** The model version of the most recently seen output, 0 before any. */
    public synchronized int lastVersion() {
        return lastVersion;
    }

    public synchronized List<String> failures() {
        return List.copyOf(failureLines);
    }

    /** One line: done/total, failures, rate, p50 latency, running mean Dice of the regions, serving version. */
    public synchronized String progressLine(int total, int activeVersion, long nowNanos) {
        int done = completedIds.size();
        double minutes = Math.max(1e-9, (nowNanos - startNanos) / 60e9);
        List<Double> lat = new ArrayList<>();
        List<RegionValues> dice = new ArrayList<>();
        for (PerVersion p : versions.values()) {
            lat.addAll(p.latencySeconds);
            dice.addAll(p.dice);
        }
        StringBuilder s = new StringBuilder(String.format(Locale.ROOT, "%d/%d done · %d failed · %.1f scans/min", done, total,
                failedIds.size(), done / minutes));
        if (!lat.isEmpty()) {
            s.append(String.format(Locale.ROOT, " · p50 %.2f s", percentile(lat, 50)));
        }
        if (!dice.isEmpty()) {
            RegionValues m = RegionValues.mean(dice);
            s.append(String.format(Locale.ROOT, " · Dice WT %.2f TC %.2f ET %.2f", m.wt(), m.tc(), m.et()));
        }
        s.append(activeVersion > 0 ? " · model v" + activeVersion : " · no model yet");
        return s.toString();
    }

    /** Mean Dice per version (versions without Dice events are absent). */
    public synchronized Map<Integer, RegionValues> meanDiceByVersion() {
        Map<Integer, RegionValues> out = new TreeMap<>();
        versions.forEach((v, p) -> {
            if (!p.dice.isEmpty()) {
                out.put(v, RegionValues.mean(p.dice));
            }
        });
        return out;
    }

    /** The closing table: one row per model version, then all scans. */
    public synchronized String summaryTable() {
        StringBuilder s = new StringBuilder();
        String head = String.format(Locale.ROOT, "%-8s %6s %8s %8s  %s", "model", "scans", "p50 s", "p95 s",
                String.join(" ", RegionValues.KEYS.stream().map(k -> String.format(Locale.ROOT, "%9s", k)).toList()));
        s.append(head).append('\n').append("-".repeat(head.length())).append('\n');
        List<Double> allLat = new ArrayList<>();
        List<RegionValues> allDice = new ArrayList<>();
        for (Map.Entry<Integer, PerVersion> e : versions.entrySet()) {
            s.append(row("v" + e.getKey(), e.getValue().latencySeconds, e.getValue().dice)).append('\n');
            allLat.addAll(e.getValue().latencySeconds);
            allDice.addAll(e.getValue().dice);
        }
        s.append(row("all", allLat, allDice)).append('\n');
        s.append(String.format(Locale.ROOT, "failed scans: %d%n", failedIds.size()));
        if (assessed > 0) {
            s.append(String.format(Locale.ROOT, "flagged for review: %d of %d scans with a quality estimate%s%n", flagged, assessed,
                    flaggedReasons.isEmpty() ? "" : " (" + String.join(", ", flaggedReasons.entrySet().stream()
                            .map(x -> x.getKey() + " " + x.getValue()).toList()) + ")"));
        }
        return s.toString();
    }

    private static String row(String label, List<Double> lat, List<RegionValues> dice) {
        String p50 = lat.isEmpty() ? "-" : String.format(Locale.ROOT, "%.2f", percentile(lat, 50));
        String p95 = lat.isEmpty() ? "-" : String.format(Locale.ROOT, "%.2f", percentile(lat, 95));
        RegionValues m = RegionValues.mean(dice);
        String d = String.join(" ", RegionValues.KEYS.stream().map(k -> String.format(Locale.ROOT, "%9s",
                m == null ? "-" : String.format(Locale.ROOT, "%.3f", m.byKey().get(k)))).toList());
        return String.format(Locale.ROOT, "%-8s %6d %8s %8s  %s", label, lat.size(), p50, p95, d);
    }

    /** Nearest-rank percentile (p in 0..100) of a non-empty list. */
    static double percentile(List<Double> values, double p) {
        double[] v = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        int rank = (int) Math.ceil(p / 100 * v.length);
        return v[Math.max(0, Math.min(v.length - 1, rank - 1))];
    }
}
