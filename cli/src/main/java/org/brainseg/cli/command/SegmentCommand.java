package org.brainseg.cli.command;

import java.nio.file.Path;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.brainseg.imaging.dataset.Case;
import org.brainseg.imaging.dataset.CaseLoader;
import org.brainseg.imaging.dataset.DatasetScan;
import org.brainseg.imaging.dataset.DatasetScanner;
import org.brainseg.imaging.dataset.LoadedCase;
import org.brainseg.imaging.dataset.Modality;
import org.brainseg.imaging.io.JsonMappers;
import org.brainseg.imaging.labels.LabelConvention;
import org.brainseg.imaging.nifti.NiftiDataType;
import org.brainseg.imaging.nifti.NiftiWriter;
import org.brainseg.model.artifact.ShippedModel;
import org.brainseg.model.infer.ScanSegmenter;
import org.brainseg.model.infer.Segmentation;
import org.brainseg.model.quality.QualityEstimator;
import org.brainseg.model.quality.QualityProfile;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code brainseg segment}: segments one scan with a model directory, writes the mask (uint8, the
 * scan's geometry) and prints the tumour volumes as JSON.
 */
@Command(name = "segment", mixinStandardHelpOptions = true,
        description = {"Segment one scan with a trained model.",
            "Writes the mask (uint8, geometry of the scan) and prints volumes in mL per label and region as JSON."})
public final class SegmentCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--model", description = "Model directory (params + model.json), a MONAI bundle folder or a folder with "
            + "model.ts and brainseg-bundle.json (docs/MODELS.md); default: the shipped model (models/default: trained on "
            + "synthetic data, not for clinical use).")
    Path model;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Input input;

    static final class Input {
        @Option(names = "--case", description = "A BraTS case directory.")
        Path caseDir;

        @Option(names = "--images", split = ",", description = "Four NIfTI files in the order t1,t1ce,t2,flair.")
        List<Path> images;
    }

    @Option(names = "--out", required = true, description = "Mask file to write (.nii or .nii.gz).")
    Path out;

    @Option(names = "--convention", description = "Label values of the mask: brats2021, brats2023, msd or internal "
            + "(default: the case's dataset convention with --case, internal with --images).")
    String convention;

    @Mixin
    InferenceOptions inference;

    @Option(names = "--no-quality", description = "Skip the quality estimate (by default the report's \"quality\" says how far "
            + "to trust the mask without ground truth: one more, mirrored pass, the input guard, and the Dice predicted from "
            + "the model's quality.json).")
    boolean noQuality;

    @Option(names = "--review-below", defaultValue = "0.8", paramLabel = "DICE",
            description = "needsReview when the predicted WT Dice is below this (default: ${DEFAULT-VALUE}).")
    double reviewBelow;

    @Override
    public Integer call() throws Exception {
        LabelConvention conv = convention == null ? null : LabelConvention.parse(convention);
        Case c;
        if (input.caseDir != null) {
            DatasetScan scan = DatasetScanner.scan(input.caseDir);
            if (scan.cases().size() != 1) {
                throw new BadInputException(input.caseDir + ": expected one case directory, found "
                        + scan.cases().size() + " cases" + (scan.problems().isEmpty() ? "" : ": " + scan.problems()));
            }
            Case found = scan.cases().get(0);
            // The ground truth, if present, is not needed to segment.
            c = found.image4d() != null
                    ? Case.stacked(found.id(), found.image4d(), found.channelOrder(), null, found.convention())
                    : Case.separate(found.id(), found.modalities(), null, found.convention());
            conv = conv == null ? found.convention() : conv;
        } else {
            if (input.images.size() != 4) {
                throw new BadInputException("--images needs four files (t1,t1ce,t2,flair), got " + input.images.size());
            }
            Map<Modality, Path> files = new EnumMap<>(Modality.class);
            for (Modality m : Modality.values()) {
                files.put(m, input.images.get(m.ordinal()));
            }
            c = Case.separate("scan", files, null, LabelConvention.INTERNAL);
            conv = conv == null ? LabelConvention.INTERNAL : conv;
        }
        if (!(reviewBelow >= 0 && reviewBelow <= 1)) {
            throw new BadInputException("--review-below must be in [0, 1], got " + reviewBelow);
        }
        LoadedCase scan = new CaseLoader().load(c);
        Segmentation seg;
        String sha;
        Path modelDir = model;
        if (modelDir == null) {
            modelDir = ShippedModel.directory();
            spec.commandLine().getErr().println("using the shipped default model (models/default: trained on synthetic data, "
                    + "not for clinical use; see its MODEL_CARD.md); --model DIR for another");
        }
        String modelName;
        QualityEstimator.Estimate estimate = null;
        try (ScanSegmenter segmenter = inference.load(modelDir)) {
            seg = segmenter.segment(scan, inference.tta);
            sha = segmenter.modelSha256();
            modelName = segmenter.modelName();
            if (!noQuality) {
                QualityProfile profile;
                try {
                    profile = QualityProfile.read(modelDir);
                } catch (java.io.IOException e) {
                    throw new BadInputException(e.getMessage());
                }
                estimate = new QualityEstimator(profile, reviewBelow).estimate(segmenter, scan, seg);
            }
        }
        long w0 = System.nanoTime();
        new NiftiWriter().write(out, seg.mask(conv), NiftiDataType.UINT8, scan.reference());
        long writeMs = (System.nanoTime() - w0) / 1_000_000;
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("case", scan.id());
        report.put("mask", out.toString());
        report.put("labelConvention", conv.id());
        report.put("volumesMl", seg.volumesMl());
        Map<String, Object> timings = new LinkedHashMap<>();
        timings.put("preprocess", seg.preprocessMs());
        timings.put("infer", seg.inferenceMs());
        timings.put("postprocess", seg.postprocessMs());
        timings.put("write", writeMs);
        if (estimate != null) {
            timings.put("quality", estimate.millis());
        }
        report.put("timingsMs", timings);
        report.put("model", modelName);
        report.put("modelSha256", sha);
        report.put("tta", inference.tta);
        if (estimate != null) {
            report.put("quality", estimate.quality());
        }
        spec.commandLine().getOut().println(JsonMappers.indented()
                .writeValueAsString(report));
        return 0;
    }
}
