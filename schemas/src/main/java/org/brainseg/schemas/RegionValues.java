package org.brainseg.schemas;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * One non-negative finite number per tumour label (edema, NCR/NET, enhancing) and per BraTS
 * region (WT, TC, ET); used for volumes in millilitres and for Dice. JSON keys are those of
 * {@code TumourLabel.key()} and {@code Region.key()} in the imaging module.
 */
public record RegionValues(
        double edema,
        double ncrNet,
        double enhancing,
        @JsonProperty("WT") double wt,
        @JsonProperty("TC") double tc,
        @JsonProperty("ET") double et) {

    public RegionValues {
        Require.range(edema, 0, Double.MAX_VALUE, "edema");
        Require.range(ncrNet, 0, Double.MAX_VALUE, "ncrNet");
        Require.range(enhancing, 0, Double.MAX_VALUE, "enhancing");
        Require.range(wt, 0, Double.MAX_VALUE, "WT");
        Require.range(tc, 0, Double.MAX_VALUE, "TC");
        Require.range(et, 0, Double.MAX_VALUE, "ET");
    }

    /** Checks every value is at most {@code max} (1 for Dice); returns this. */
    RegionValues atMost(double max, String field) {
        double[] v = {edema, ncrNet, enhancing, wt, tc, et};
        String[] k = {"edema", "ncrNet", "enhancing", "WT", "TC", "ET"};
        for (int i = 0; i < v.length; i++) {
            Require.range(v[i], 0, max, field + "." + k[i]);
        }
        return this;
    }
}
