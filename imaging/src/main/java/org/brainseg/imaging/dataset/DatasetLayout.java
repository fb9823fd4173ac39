package org.brainseg.imaging.dataset;

import java.nio.file.Path;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.brainseg.imaging.EnumNames;
import org.brainseg.imaging.labels.LabelConvention;

/**
 * The on-disk layouts brainseg reads and writes.
 *
 * <ul>
 *   <li>{@link #BRATS2020}: {@code <case>/<case>_{t1,t1ce,t2,flair,seg}.nii[.gz]} (BraTS 2018-2021),
 *       labels in the BraTS 2021 convention (ET = 4).
 *   <li>{@link #BRATS2023}: {@code <case>/<case>-{t1n,t1c,t2w,t2f,seg}.nii.gz}, ET = 3.
 *   <li>{@link #MSD}: Medical Segmentation Decathlon Task01, {@code dataset.json},
 *       4-D {@code imagesTr/<case>.nii.gz} (FLAIR, T1w, t1gd, T2w) and {@code labelsTr/<case>.nii.gz}.
 * </ul>
 */
public enum DatasetLayout {
    BRATS2020("brats2020", LabelConvention.BRATS2021, "_", Map.of(
            Modality.T1, "t1", Modality.T1CE, "t1ce", Modality.T2, "t2", Modality.FLAIR, "flair")),
    BRATS2023("brats2023", LabelConvention.BRATS2023, "-", Map.of(
            Modality.T1, "t1n", Modality.T1CE, "t1c", Modality.T2, "t2w", Modality.FLAIR, "t2f")),
    MSD("msd", LabelConvention.MSD, "", Map.of());

    /** MSD Task01's channel order in the 4-D images. */
    public static final List<Modality> MSD_CHANNELS = List.of(Modality.FLAIR, Modality.T1, Modality.T1CE, Modality.T2);

    private final String id;
    private final LabelConvention convention;
    private final String separator;
    private final Map<Modality, String> suffixes;

    DatasetLayout(String id, LabelConvention convention, String separator, Map<Modality, String> suffixes) {
        this.id = id;
        this.convention = convention;
        this.separator = separator;
        this.suffixes = suffixes.isEmpty() ? Map.of() : new EnumMap<>(suffixes);
    }

    public String id() {
        return id;
    }

    /** The label convention this layout's segmentations use. */
    public LabelConvention convention() {
        return convention;
    }

    /** Whether each modality is its own 3-D file (BraTS) rather than one 4-D image (MSD). */
    public boolean separateModalities() {
        return this != MSD;
    }

    /** File name stem of a modality, e.g. {@code BraTS20_001_flair}. */
    public String modalityStem(String caseId, Modality m) {
        requireSeparate();
        return caseId + separator + suffixes.get(m);
    }

    /** File name stem of the segmentation, e.g. {@code BraTS20_001_seg}. */
    public String labelStem(String caseId) {
        requireSeparate();
        return caseId + separator + "seg";
    }

    /** Where a case's modality file goes when writing (gzip). */
    public Path modalityPath(Path root, String caseId, Modality m) {
        return root.resolve(caseId).resolve(modalityStem(caseId, m) + ".nii.gz");
    }

    /** Where a case's label file goes when writing (gzip). */
    public Path labelPath(Path root, String caseId) {
        if (this == MSD) {
            return root.resolve("labelsTr").resolve(caseId + ".nii.gz");
        }
        return root.resolve(caseId).resolve(labelStem(caseId) + ".nii.gz");
    }

    /** MSD only: the 4-D image of a training case. */
    public Path imagePath(Path root, String caseId) {
        if (this != MSD) {
            throw new UnsupportedOperationException(id + " stores one file per modality");
        }
        return root.resolve("imagesTr").resolve(caseId + ".nii.gz");
    }

    private void requireSeparate() {
        if (!separateModalities()) {
            throw new UnsupportedOperationException(id + " stores modalities in one 4-D image");
        }
    }

    public static DatasetLayout parse(String name) {
        return EnumNames.parse(values(), DatasetLayout::id, "layout", name);
    }

    @Override
    public String toString() {
        return id;
    }
}
