package org.brainseg.schemas;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * 95th percentile Hausdorff distance in millimetres per label and region. A value is null when
 * it is undefined: exactly one of the two masks is empty (both empty gives 0, the BraTS
 * convention). JSON has no infinity, hence null rather than a sentinel.
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record Hd95Values(
        Double edema,
        Double ncrNet,
        Double enhancing,
        @JsonProperty("WT") Double wt,
        @JsonProperty("TC") Double tc,
        @JsonProperty("ET") Double et) {

    public Hd95Values {
        check(edema, "edema");
        check(ncrNet, "ncrNet");
        check(enhancing, "enhancing");
        check(wt, "WT");
        check(tc, "TC");
        check(et, "ET");
    }

    private static void check(Double v, String field) {
        if (v != null) {
            Require.range(v, 0, Double.MAX_VALUE, field);
        }
    }
}
