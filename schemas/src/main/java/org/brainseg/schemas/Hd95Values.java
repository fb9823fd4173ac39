package org.brainseg.schemas;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.function.Function;
import org.brainseg.imaging.labels.Region;
import org.brainseg.imaging.labels.TumourLabel;

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
        Double[] v = {edema, ncrNet, enhancing, wt, tc, et};
        for (int i = 0; i < v.length; i++) {
            check(v[i], RegionValues.KEYS.get(i));
        }
    }

    /** Each label's and region's distance (null where undefined) from a function of it. */
    public static Hd95Values of(Function<TumourLabel, Double> label, Function<Region, Double> region) {
        return new Hd95Values(label.apply(TumourLabel.EDEMA), label.apply(TumourLabel.NCR_NET),
                label.apply(TumourLabel.ENHANCING), region.apply(Region.WT), region.apply(Region.TC), region.apply(Region.ET));
    }

    private static void check(Double v, String field) {
        if (v != null) {
            Require.range(v, 0, Double.MAX_VALUE, field);
        }
    }
}
