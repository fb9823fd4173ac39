package org.brainseg.cli.command;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.brainseg.imaging.Volume;
import org.brainseg.imaging.dataset.CaseLoader;
import org.brainseg.imaging.labels.LabelConvention;
import org.brainseg.imaging.metrics.Score;
import org.brainseg.imaging.metrics.SegmentationMetrics;
import org.brainseg.imaging.nifti.NiftiImage;
import org.brainseg.imaging.nifti.NiftiReader;
import org.brainseg.schemas.RegionValues;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code brainseg dice}: Dice and HD95 of a mask against a ground truth, per label and region. */
@Command(
        name = "dice",
        mixinStandardHelpOptions = true,
        description = {
            "Dice and HD95 of a mask against a ground truth, as JSON.",
            "HD95 in mm (from the affine), for labels edema, ncrNet, enhancing and regions WT, TC, ET, printed as JSON.",
            "Both empty: Dice 1, HD95 0. One empty: Dice 0, HD95 = the image diagonal in mm (BraTS",
            "reports 373.13, the diagonal of 240x240x155 at 1 mm)."
        })
public final class DiceCommand implements Callable<Integer> {
    @Option(names = "--pred", required = true, paramLabel = "MASK", description = "predicted label map (.nii[.gz])")
    Path pred;

    @Option(names = "--truth", required = true, paramLabel = "SEG", description = "ground-truth label map (.nii[.gz])")
    Path truth;

    @Option(names = "--pred-convention", paramLabel = "NAME", defaultValue = "brats2021",
            description = "labels of MASK: internal, brats2021, brats2023, msd (default: ${DEFAULT-VALUE})")
    String predConvention;

    @Option(names = "--truth-convention", paramLabel = "NAME", defaultValue = "brats2021",
            description = "labels of SEG (default: ${DEFAULT-VALUE})")
    String truthConvention;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        LabelConvention pc = LabelConvention.parse(predConvention);
        LabelConvention tc = LabelConvention.parse(truthConvention);
        Volume p = load(pred, pc);
        Volume t = load(truth, tc);
        if (!p.sameShape(t)) {
            throw new BadInputException("--pred has shape " + java.util.Arrays.toString(p.shape()) + ", --truth has "
                    + java.util.Arrays.toString(t.shape()));
        }
        if (p.affine().maxAbsDifference(t.affine()) > CaseLoader.AFFINE_TOLERANCE_MM) {
            throw new BadInputException("--pred and --truth have different affines: " + p.affine() + " vs " + t.affine());
        }
        SegmentationMetrics.Report r = SegmentationMetrics.compute(p, t);
        Map<String, Score> labels = new LinkedHashMap<>();
        r.labels().forEach((l, s) -> labels.put(RegionValues.key(l), s));
        Map<String, Score> regions = new LinkedHashMap<>();
        r.regions().forEach((g, s) -> regions.put(RegionValues.key(g), s));
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("labels", labels);
        doc.put("regions", regions);
        spec.commandLine().getOut().println(Json.write(doc));
        return 0;
    }

    private static Volume load(Path file, LabelConvention c) throws Exception {
        NiftiImage img = NiftiReader.read(file);
        if (img.is4d()) {
            throw new BadInputException(file + ": a label map must be 3-D, this image has " + img.header().timepoints() + " volumes");
        }
        return CaseLoader.toInternal(file.toString(), img.volume(), c);
    }
}
