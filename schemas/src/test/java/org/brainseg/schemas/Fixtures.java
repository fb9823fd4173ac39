package org.brainseg.schemas;

import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.brainseg.imaging.dataset.Modality;
import org.brainseg.imaging.labels.LabelConvention;

/** One valid instance of every event, deterministic, for tests. */
final class Fixtures {
    static final UUID ID = UUID.fromString("3f2b8c1e-9a4d-4e7f-8b6a-0c1d2e3f4a5b");
    static final UUID SOURCE = UUID.fromString("7a6b5c4d-3e2f-4a1b-9c8d-7e6f5a4b3c2d");
    static final Instant T = Instant.parse("2025-03-01T12:34:56.789Z");
    static final String SHA = "a".repeat(64);
    static final RegionValues VOLUMES = new RegionValues(41.5, 3.25, 7.0, 51.75, 10.25, 7.0);
    static final RegionValues DICE = new RegionValues(0.9, 0.74, 0.95, 0.91, 0.85, 0.95);

    private Fixtures() {
    }

    static ScanArrived scanWithModalities() {
        return new ScanArrived(ID, "BraTS2021_00000", "subj-007", T,
                new ScanArrived.Modalities(URI.create("file:///data/c0/t1.nii.gz"),
                        URI.create("file:///data/c0/t1ce.nii.gz"), URI.create("file:///data/c0/t2.nii.gz"),
                        URI.create("file:///data/c0/flair.nii.gz")),
                null, URI.create("file:///data/c0/seg.nii.gz"), LabelConvention.BRATS2021,
                Map.of("t1", SHA, "label", "b".repeat(64)));
    }

    static ScanArrived scanWith4d() {
        return new ScanArrived(ID, "BRATS_001", null, T, null,
                new ScanArrived.Image4d(URI.create("file:///msd/imagesTr/BRATS_001.nii.gz"),
                        List.of(Modality.FLAIR, Modality.T1, Modality.T1CE, Modality.T2)),
                null, LabelConvention.MSD, null);
    }

    static SegmentationCompleted segmentation() {
        return new SegmentationCompleted(ID, "BraTS2021_00000", SOURCE, 3,
                URI.create("file:///masks/BraTS2021_00000/v3/mask.nii.gz"), SHA, LabelConvention.BRATS2021,
                VOLUMES, new SegmentationCompleted.Timings(5, 120, 2300, 40, 2465), "cpu", T);
    }

    static DiceReported dice() {
        return new DiceReported(ID, "BraTS2021_00000", 3, DICE, new Hd95Values(2.0, null, 1.0, 3.5, 2.2, 0.0));
    }

    static ScanFailed failed() {
        return new ScanFailed(ID, null, new ScanFailed.Source(Topics.SCANS_ARRIVED, 2, 1234),
                ErrorCode.BAD_JSON, "$: not well-formed JSON", false, 1, "{oops", T);
    }

    static TrainingRequested training() {
        return new TrainingRequested(ID, "req-1", "nightly retrain", URI.create("file:///data/brats2021"),
                Normalization.LAYER, 50, 42, Promotion.AUTO);
    }

    static ModelVersionPublished model() {
        return new ModelVersionPublished(ID, "unet-ln", 4, URI.create("file:///registry/unet-ln/4"), SHA,
                Normalization.LAYER_CHANNEL,
                new ModelVersionPublished.Architecture("unet3d", 4, 16, 4, 4, List.of(64, 64, 64)),
                "file:///data/brats2021#sha256=" + SHA,
                new ModelVersionPublished.Validation(0.31, DICE), ModelStatus.ACTIVE, 3, T,
                new ModelVersionPublished.Comparison(3, 0.35, DICE));
    }

    /** Schema version 2: the mask names the imported network that made it. */
    static SegmentationCompleted segmentationByImported() {
        return new SegmentationCompleted(ID, "BraTS2021_00001", SOURCE, 5,
                URI.create("file:///masks/BraTS2021_00001/v5/mask.nii.gz"), SHA, LabelConvention.BRATS2021,
                VOLUMES, new SegmentationCompleted.Timings(5, 120, 2300, 40, 2465), "cpu", T,
                new ModelRef(ModelRef.TORCHSCRIPT, "brats_mri_segmentation", "0.5.3"),
                new Quality(new Quality.Regions(0.62, 0.81, 0.75), true, List.of("low-predicted-dice", "intensity-shift:flair"),
                        Map.of("flipDice.WT", 0.71, "flipDice.TC", 0.86, "flipDice.ET", 0.8, "input.maxZ.flair", 6.5)));
    }

    /** Schema version 2: a MONAI bundle imported as version 5, judged against native version 4 (no losses). */
    static ModelVersionPublished imported() {
        return new ModelVersionPublished(ID, "unet-ln", 5, URI.create("file:///registry/unet-ln/5"), SHA, null,
                new ModelVersionPublished.Architecture("torchscript", null, null, 4, 3, List.of(240, 240, 160)),
                "imported from /bundles/brats_mri_segmentation: SegResNet trained on BraTS 2018",
                new ModelVersionPublished.Validation(null, DICE), ModelStatus.ACTIVE, null, T,
                new ModelVersionPublished.Comparison(4, null, DICE),
                new ModelRef(ModelRef.TORCHSCRIPT, "brats_mri_segmentation", "0.5.3"));
    }

    /** One event of each kind as schema version 1 could write it. */
    static List<Event> version1() {
        return List.of(scanWithModalities(), scanWith4d(), segmentation(), dice(), failed(), training(), model());
    }

    /** Every fixture: version 1's, then what version 2 added. */
    static List<Event> all() {
        List<Event> all = new java.util.ArrayList<>(version1());
        all.add(segmentationByImported());
        all.add(imported());
        return all;
    }
}
