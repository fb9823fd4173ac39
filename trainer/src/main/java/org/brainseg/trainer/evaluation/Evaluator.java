package org.brainseg.trainer.evaluation;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.brainseg.imaging.Volume;
import org.brainseg.imaging.dataset.Case;
import org.brainseg.imaging.dataset.CaseLoader;
import org.brainseg.imaging.dataset.LoadedCase;
import org.brainseg.imaging.preprocess.PreprocessedCase;
import org.brainseg.imaging.preprocess.Preprocessor;
import org.brainseg.model.artifact.ModelArtifactException;
import org.brainseg.model.engine.EngineSettings;
import org.brainseg.model.infer.ScanSegmenter;
import org.brainseg.model.infer.Segmenter;
import org.brainseg.model.train.DiceCeLoss;
import org.brainseg.model.train.DiceScore;
import org.brainseg.schemas.RegionValues;

/**
 * Judges model versions on the same held-out cases, each case loaded once for all of them. Every
 * model preprocesses the scan as it was trained (its own spacing), predicts with the sliding window
 * and maps the probabilities back to the scan's grid; Dice is computed there against the original
 * ground truth, so models trained at different spacings are compared on equal terms. The loss is
 * the training loss on the model's own grid.
 *
 * <p>An imported model (a MONAI bundle or TorchScript folder) segments the scan as it is served
 * ({@link ScanSegmenter#segment}); its Dice is computed the same way, and it has no loss.
 */
public final class Evaluator {
    private final EngineSettings engine;

    public Evaluator(EngineSettings engine) {
        this.engine = engine;
    }

    /** One evaluation per model directory, in the order given. */
    public List<Evaluation> evaluate(List<Path> modelDirs, List<Case> heldOut) throws IOException, ModelArtifactException {
        List<ScanSegmenter> segmenters = new ArrayList<>();
        try {
            for (Path d : modelDirs) {
                segmenters.add(ScanSegmenter.load(d, engine));
            }
            int m = segmenters.size();
            double[] loss = new double[m];
            List<List<RegionValues>> dice = new ArrayList<>();
            for (int i = 0; i < m; i++) {
                dice.add(new ArrayList<>());
            }
            CaseLoader loader = new CaseLoader();
            List<String> ids = new ArrayList<>();
            for (Case c : heldOut) {
                LoadedCase lc = loader.load(c);
                if (!lc.hasLabels()) {
                    throw new IllegalArgumentException("held-out case " + c.id() + " has no ground truth");
                }
                ids.add(lc.id());
                for (int i = 0; i < m; i++) {
                    if (segmenters.get(i) instanceof Segmenter s) {
                        Volume[] copies = new Volume[lc.channels().length];
                        for (int k = 0; k < copies.length; k++) {
                            copies[k] = lc.channels()[k].copy(); // preprocessing normalizes in place
                        }
                        PreprocessedCase p = new Preprocessor(s.manifest().preprocessing()).apply(lc.id(), copies,
                                lc.labels().copy());
                        float[][] probs = s.predictProbabilities(p, false);
                        loss[i] += DiceCeLoss.compute(probs, p.labels().data());
                        Volume mask = Preprocessor.restoreFromProbabilities(probs, p.geometry());
                        dice.get(i).add(DiceScore.of(mask.data(), lc.labels().data()));
                    } else {
                        Volume mask = segmenters.get(i).segment(lc, false).mask();
                        dice.get(i).add(DiceScore.of(mask.data(), lc.labels().data()));
                    }
                }
            }
            List<Evaluation> out = new ArrayList<>();
            int n = Math.max(1, ids.size());
            for (int i = 0; i < m; i++) {
                RegionValues mean = ids.isEmpty() ? new RegionValues(0, 0, 0, 0, 0, 0) : RegionValues.mean(dice.get(i));
                out.add(new Evaluation(segmenters.get(i) instanceof Segmenter ? loss[i] / n : null, mean, ids));
            }
            return out;
        } finally {
            segmenters.forEach(ScanSegmenter::close);
        }
    }
}
