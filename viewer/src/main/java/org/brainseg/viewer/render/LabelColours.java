package org.brainseg.viewer.render;

import java.util.List;
import org.brainseg.imaging.labels.TumourLabel;
import org.brainseg.schemas.RegionValues;

/**
 * The mask colours, as ITK-SNAP and the BraTS papers draw them: NCR/NET red, edema green,
 * enhancing tumour yellow; indexed by internal label. The page's legend and JavaScript use the
 * same table (served as JSON), so the browser and {@code preview.png} agree.
 */
public final class LabelColours {
    /** One label: internal value, short name, long name, RGB. */
    public record Entry(int label, String key, String name, int[] rgb) {}

    public static final List<Entry> ENTRIES = List.of(
            entry(TumourLabel.NCR_NET, "necrotic / non-enhancing core (NCR/NET)", new int[] {230, 40, 40}),
            entry(TumourLabel.EDEMA, "peritumoural edema (ED)", new int[] {40, 210, 60}),
            entry(TumourLabel.ENHANCING, "enhancing tumour (ET)", new int[] {250, 230, 30}));

    /** Default overlay opacity. */
    public static final double ALPHA = 0.45;

    private LabelColours() {}

    private static Entry entry(TumourLabel label, String name, int[] rgb) {
        return new Entry(label.internal(), RegionValues.key(label), name, rgb);
    }

    /** RGB of an internal label 1-3, else null. */
    public static int[] rgb(int label) {
        return label >= 1 && label <= 3 ? ENTRIES.get(label - 1).rgb() : null;
    }
}
