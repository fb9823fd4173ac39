package org.brainseg.model.quality;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;
import org.brainseg.imaging.Volume;
import org.brainseg.imaging.dataset.Case;
import org.brainseg.imaging.dataset.CaseLoader;
import org.brainseg.imaging.dataset.LoadedCase;
import org.brainseg.model.infer.ScanSegmenter;
import org.brainseg.model.infer.Segmentation;

/**
 * Makes a model version's {@link QualityProfile} from labelled validation cases: per case the mask,
 * the mirrored pass and the true Dice give the calibration's points; the scans give the input
 * reference. The trainer runs it on its validation split, {@code brainseg models import} on the
 * held-out cases, {@code brainseg models calibrate} on a dataset you name.
 */
public final class QualityFitter {
    private QualityFitter() {}

    /** One validation case's numbers: flip Dice and true Dice (WT, TC, ET). */
    public record Point(String caseId, double[] flipDice, double[] trueDice) {}

    /** The profile and the points it was fitted on. */
    public record Result(QualityProfile profile, List<Point> points) {}

    /**
     * @param cases    labelled cases (unlabelled ones are refused)
     * @param progress (done, total) after each case
     */
    public static Result fit(ScanSegmenter model, List<Case> cases, BiConsumer<Integer, Integer> progress) throws IOException {
        return fit(model, cases, cases.size(), progress);
    }

    /**
     * As {@link #fit(ScanSegmenter, List, BiConsumer)}, with the input reference fitted on the first
     * {@code referenceCases} cases only: the scans the model should see. Perturbed cases given to
     * spread the calibration line would otherwise widen the reference until nothing looks unusual.
     */
    public static Result fit(ScanSegmenter model, List<Case> cases, int referenceCases, BiConsumer<Integer, Integer> progress)
            throws IOException {
        if (referenceCases < 1 || referenceCases > cases.size()) {
            throw new IllegalArgumentException("referenceCases must be 1.." + cases.size() + ", got " + referenceCases);
        }
        if (cases.isEmpty()) {
            throw new IllegalArgumentException("no cases to calibrate on");
        }
        CaseLoader loader = new CaseLoader();
        List<Point> points = new ArrayList<>();
        List<Volume[]> scans = new ArrayList<>();
        for (Case c : cases) {
            if (!c.hasLabel()) {
                throw new IllegalArgumentException("case " + c.id() + " has no ground truth; calibration needs labelled cases");
            }
            LoadedCase loaded = loader.load(c);
            Segmentation first = model.segment(loaded, false);
            var f = FlipAgreement.measure(model, loaded, first);
            double[] flip = {f.get("flipDice.WT"), f.get("flipDice.TC"), f.get("flipDice.ET")};
            points.add(new Point(c.id(), flip, FlipAgreement.dice(first.mask(), loaded.labels())));
            if (scans.size() < referenceCases) {
                scans.add(loaded.channels());
            }
            progress.accept(points.size(), cases.size());
        }
        QualityCalibration cal = QualityCalibration.fit(points.stream().map(Point::flipDice).toList(),
                points.stream().map(Point::trueDice).toList());
        return new Result(QualityProfile.of(cal, InputReference.fit(scans)), points);
    }
}
