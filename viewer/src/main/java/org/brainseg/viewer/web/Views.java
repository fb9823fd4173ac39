package org.brainseg.viewer.web;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.brainseg.imaging.Volume;
import org.brainseg.imaging.dataset.Modality;
import org.brainseg.imaging.labels.Region;
import org.brainseg.imaging.labels.TumourLabel;
import org.brainseg.schemas.DiceReported;
import org.brainseg.schemas.Quality;
import org.brainseg.schemas.RegionValues;
import org.brainseg.schemas.ScanFailed;
import org.brainseg.schemas.SegmentationCompleted;
import org.brainseg.viewer.index.ScanView;
import org.brainseg.viewer.render.Display;
import org.brainseg.viewer.render.LabelColours;
import org.brainseg.viewer.render.VolumeEncoding;

/** The JSON the pages read: what a person looks at, never a file path or URI. */
final class Views {
    private Views() {}

    /** One row of the list: the version asked for (or the newest) with its volumes and Dice. */
    static Map<String, Object> row(ScanView v, Integer version) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("scanId", v.scanId());
        m.put("status", v.status().key());
        m.put("arrivedAt", v.arrived() == null ? null : v.arrived().arrivedAt().toString());
        m.put("versions", List.copyOf(v.segmentations().keySet()));
        int shown = version != null ? version : v.latestVersion();
        SegmentationCompleted s = v.segmentations().get(shown);
        m.put("version", s == null ? null : shown);
        m.put("completedAt", s == null ? null : s.completedAt().toString());
        m.put("volumesMl", s == null ? null : regions(s.volumesMl()));
        DiceReported d = v.dice().get(shown);
        m.put("dice", d == null ? null : regions(d.dice()));
        m.put("quality", s == null ? null : quality(s.quality()));
        ScanFailed f = v.failures().isEmpty() ? null : v.failures().get(v.failures().size() - 1);
        m.put("failure", f == null ? null : failure(f));
        return m;
    }

    /** The scan page's data. */
    static Map<String, Object> detail(ScanView v) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("scanId", v.scanId());
        m.put("status", v.status().key());
        m.put("arrivedAt", v.arrived() == null ? null : v.arrived().arrivedAt().toString());
        m.put("subjectId", v.arrived() == null ? null : v.arrived().subjectId());
        m.put("hasImages", v.arrived() != null);
        m.put("hasGroundTruth", v.arrived() != null && v.arrived().hasGroundTruth());
        m.put("modalities", List.of(Modality.values()).stream().map(Modality::key).toList());
        List<Map<String, Object>> versions = new ArrayList<>();
        v.segmentations().forEach((n, s) -> {
            Map<String, Object> x = new LinkedHashMap<>();
            x.put("version", n);
            x.put("completedAt", s.completedAt().toString());
            x.put("device", s.device());
            x.put("totalMs", s.timingsMs().total());
            x.put("volumesMl", regions(s.volumesMl()));
            DiceReported d = v.dice().get(n);
            x.put("dice", d == null ? null : regions(d.dice()));
            x.put("quality", quality(s.quality()));
            versions.add(x);
        });
        m.put("versions", versions);
        m.put("failures", v.failures().stream().map(Views::failure).toList());
        m.put("labels", LabelColours.ENTRIES.stream().map(e -> Map.of("label", e.label(), "key", e.key(), "name", e.name(),
                "rgb", List.of(e.rgb()[0], e.rgb()[1], e.rgb()[2]))).toList());
        m.put("alpha", LabelColours.ALPHA);
        return m;
    }

    /** The predicted WT Dice of the version shown in the list (asked for, or the newest), or null. */
    static Double predictedWt(ScanView v, Integer version) {
        SegmentationCompleted s = v.segmentations().get(version != null ? version : v.latestVersion());
        return s == null || s.quality() == null || s.quality().predictedDice() == null ? null : s.quality().predictedDice().wt();
    }

    /** The quality estimate a person reads: predicted Dice, review flag and reasons (null when the worker made none). */
    static Map<String, Object> quality(Quality q) {
        if (q == null) {
            return null;
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("predictedDice", q.predictedDice() == null ? null
                : Map.of("WT", q.predictedDice().wt(), "TC", q.predictedDice().tc(), "ET", q.predictedDice().et()));
        m.put("needsReview", q.needsReview());
        m.put("reasons", q.reasons());
        return m;
    }

    /** Geometry, value range and display settings of a volume sent as {@link VolumeEncoding#intensities}. */
    static Map<String, Object> volume(Volume v) {
        Display d = Display.of(v);
        float[] r = VolumeEncoding.range(v);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("dims", List.of(v.nx(), v.ny(), v.nz()));
        double[] sp = v.spacing();
        m.put("spacing", List.of(sp[0], sp[1], sp[2]));
        m.put("min", r[0]);
        m.put("max", r[1]);
        m.put("window", List.of(d.windowLow(), d.windowHigh()));
        m.put("flip", List.of(d.flipI(), d.flipJ(), d.flipK()));
        return m;
    }

    private static Map<String, Object> failure(ScanFailed f) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("errorCode", f.errorCode().name());
        m.put("message", f.message());
        m.put("attempts", f.attempts());
        m.put("failedAt", f.failedAt().toString());
        return m;
    }

    /** Regions first, then labels: the page's column order (viewer.js shows them as they come). */
    private static Map<String, Object> regions(RegionValues r) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (Region g : Region.values()) {
            m.put(RegionValues.key(g), r.get(g));
        }
        for (TumourLabel l : TumourLabel.values()) {
            m.put(RegionValues.key(l), r.get(l));
        }
        return m;
    }
}
