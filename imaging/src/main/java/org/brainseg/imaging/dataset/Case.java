package org.brainseg.imaging.dataset;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.brainseg.imaging.labels.LabelConvention;

/**
 * One case of a dataset: where its images and optional ground truth are.
 *
 * @param id case identifier (the folder or file stem)
 * @param modalities one 3-D file per modality (empty for a 4-D image)
 * @param image4d the 4-D image holding all modalities, or null
 * @param channelOrder modality of each channel of {@code image4d} (empty when separate files)
 * @param label ground-truth segmentation, or null (test sets have none)
 * @param convention label convention of {@code label}
 */
public record Case(
        String id,
        Map<Modality, Path> modalities,
        Path image4d,
        List<Modality> channelOrder,
        Path label,
        LabelConvention convention) {

    public Case {
        Objects.requireNonNull(id, "id");
        modalities = Map.copyOf(modalities);
        channelOrder = List.copyOf(channelOrder);
        Objects.requireNonNull(convention, "convention");
        if (image4d == null && modalities.size() != Modality.values().length) {
            throw new IllegalArgumentException("case " + id + " needs all four modalities or a 4-D image");
        }
        if (image4d != null && channelOrder.size() != Modality.values().length) {
            throw new IllegalArgumentException("case " + id + ": a 4-D image needs the order of its four channels");
        }
    }

    /** A case with one file per modality. */
    public static Case separate(String id, Map<Modality, Path> modalities, Path label, LabelConvention convention) {
        return new Case(id, modalities, null, List.of(), label, convention);
    }

    /** A case whose modalities are channels of one 4-D image. */
    public static Case stacked(String id, Path image4d, List<Modality> order, Path label, LabelConvention convention) {
        return new Case(id, Map.of(), image4d, order, label, convention);
    }

    public boolean hasLabel() {
        return label != null;
    }
}
