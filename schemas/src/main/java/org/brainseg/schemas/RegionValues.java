package org.brainseg.schemas;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import org.brainseg.imaging.labels.Region;
import org.brainseg.imaging.labels.TumourLabel;

/**
 * One non-negative finite number per tumour label (edema, NCR/NET, enhancing) and per BraTS
 * region (WT, TC, ET): the one type for such sextuples from the metrics through the events,
 * trainer, viewer and CLI (volumes in millilitres, Dice). The wire names are written here and only
 * here ({@link #key(TumourLabel)}, {@link #key(Region)}, {@link #KEYS}); code elsewhere names a
 * structure by its enum.
 */
public record RegionValues(
        double edema,
        double ncrNet,
        double enhancing,
        @JsonProperty("WT") double wt,
        @JsonProperty("TC") double tc,
        @JsonProperty("ET") double et) {

    /** The six wire names in report order: the labels, then the regions. */
    public static final List<String> KEYS = List.of("edema", "ncrNet", "enhancing", "WT", "TC", "ET");

    public RegionValues {
        Require.range(edema, 0, Double.MAX_VALUE, "edema");
        Require.range(ncrNet, 0, Double.MAX_VALUE, "ncrNet");
        Require.range(enhancing, 0, Double.MAX_VALUE, "enhancing");
        Require.range(wt, 0, Double.MAX_VALUE, "WT");
        Require.range(tc, 0, Double.MAX_VALUE, "TC");
        Require.range(et, 0, Double.MAX_VALUE, "ET");
    }

    /** Each label's and region's value from a function of it. */
    public static RegionValues of(ToDoubleFunction<TumourLabel> label, ToDoubleFunction<Region> region) {
        return new RegionValues(label.applyAsDouble(TumourLabel.EDEMA), label.applyAsDouble(TumourLabel.NCR_NET),
                label.applyAsDouble(TumourLabel.ENHANCING), region.applyAsDouble(Region.WT),
                region.applyAsDouble(Region.TC), region.applyAsDouble(Region.ET));
    }

    /** The element-wise mean; null for no values. */
    public static RegionValues mean(Collection<RegionValues> values) {
        if (values.isEmpty()) {
            return null;
        }
        double[] sum = new double[KEYS.size()];
        for (RegionValues v : values) {
            double[] a = v.toArray();
            for (int i = 0; i < sum.length; i++) {
                sum[i] += a[i];
            }
        }
        int n = values.size();
        return new RegionValues(sum[0] / n, sum[1] / n, sum[2] / n, sum[3] / n, sum[4] / n, sum[5] / n);
    }

    /** The wire name of a label, e.g. {@code ncrNet}. */
    public static String key(TumourLabel label) {
        return KEYS.get(label.ordinal());
    }

    /** The wire name of a region, e.g. {@code WT}. */
    public static String key(Region region) {
        return KEYS.get(TumourLabel.values().length + region.ordinal());
    }

    public double get(TumourLabel label) {
        return toArray()[label.ordinal()];
    }

    public double get(Region region) {
        return toArray()[TumourLabel.values().length + region.ordinal()];
    }

    /** Mean of the WT, TC and ET values (the number checkpoints and the promotion gate compare). */
    public double meanRegions() {
        return (wt + tc + et) / 3;
    }

    /** The values keyed by wire name, in {@link #KEYS} order (for tables, CSV columns and meter tags). */
    public Map<String, Double> byKey() {
        double[] a = toArray();
        Map<String, Double> out = new LinkedHashMap<>();
        for (int i = 0; i < a.length; i++) {
            out.put(KEYS.get(i), a[i]);
        }
        return out;
    }

    /** Reads values keyed by wire name (every key of {@link #KEYS} required). */
    public static RegionValues fromKeys(Map<String, ? extends Number> values) {
        double[] a = new double[KEYS.size()];
        for (int i = 0; i < a.length; i++) {
            Number v = values.get(KEYS.get(i));
            if (v == null) {
                throw new IllegalArgumentException("missing " + KEYS.get(i) + " (have " + values.keySet() + ")");
            }
            a[i] = v.doubleValue();
        }
        return new RegionValues(a[0], a[1], a[2], a[3], a[4], a[5]);
    }

    private double[] toArray() {
        return new double[] {edema, ncrNet, enhancing, wt, tc, et};
    }

    /** Checks every value is at most {@code max} (1 for Dice); returns this. */
    RegionValues atMost(double max, String field) {
        double[] v = toArray();
        for (int i = 0; i < v.length; i++) {
            Require.range(v[i], 0, max, field + "." + KEYS.get(i));
        }
        return this;
    }
}
