package org.brainseg.model.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Random;
import org.junit.jupiter.api.Test;

class LossAndDiceTest {

    @Test
    void shouldComputeTheSameLossOnTensorsAndInJava() {
        Random r = new Random(1);
        int k = 4;
        int n = 6 * 5 * 4;
        float[] logits = new float[k * n];
        float[] labels = new float[n];
        float[] oneHot = new float[k * n];
        for (int i = 0; i < logits.length; i++) {
            logits[i] = (float) (2 * r.nextGaussian());
        }
        for (int i = 0; i < n; i++) {
            labels[i] = r.nextInt(k);
            oneHot[(int) labels[i] * n + i] = 1;
        }
        double tensorLoss;
        try (NDManager m = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
            Shape s = new Shape(1, k, 6, 5, 4);
            tensorLoss = DiceCeLoss.compute(m.create(logits, s), m.create(oneHot, s)).getFloat();
        }
        float[][] probs = new float[k][n];
        for (int i = 0; i < n; i++) {
            double sum = 0;
            for (int c = 0; c < k; c++) {
                sum += Math.exp(logits[c * n + i]);
            }
            for (int c = 0; c < k; c++) {
                probs[c][i] = (float) (Math.exp(logits[c * n + i]) / sum);
            }
        }
        assertThat(tensorLoss).isCloseTo(DiceCeLoss.compute(probs, labels), within(1e-4));
    }

    @Test
    void shouldGiveNearZeroLossForAConfidentCorrectPrediction() {
        try (NDManager m = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
            Shape s = new Shape(2, 4, 4, 4, 4);
            NDArray target = m.randomInteger(0, 4, new Shape(2, 4, 4, 4), ai.djl.ndarray.types.DataType.INT32)
                    .oneHot(4).transpose(0, 4, 1, 2, 3).toType(ai.djl.ndarray.types.DataType.FLOAT32, false);
            assertThat(target.getShape()).isEqualTo(s);
            float loss = DiceCeLoss.compute(target.mul(30), target).getFloat();
            assertThat(loss).isLessThan(0.01f);
        }
    }

    @Test
    void shouldScoreDicePerLabelAndRegion() {
        float[] truth = {0, 1, 1, 2, 2, 3, 3, 0};
        float[] pred = {0, 1, 3, 2, 0, 3, 1, 0};
        var d = DiceScore.of(pred, truth);
        assertThat(d.ncrNet()).isCloseTo(2.0 * 1 / (2 + 2), within(1e-12));
        assertThat(d.edema()).isCloseTo(2.0 * 1 / (1 + 2), within(1e-12));
        assertThat(d.enhancing()).isCloseTo(2.0 * 1 / (2 + 2), within(1e-12));
        assertThat(d.wt()).isCloseTo(2.0 * 5 / (5 + 6), within(1e-12));
        assertThat(d.tc()).isCloseTo(2.0 * 4 / (4 + 4), within(1e-12));
        assertThat(DiceScore.of(new float[] {0, 2}, new float[] {0, 2}).et()).isEqualTo(1.0);
    }

    @Test
    void shouldDecayTheLearningRate() {
        PolyLearningRate poly = new PolyLearningRate(1e-2f, 100, LrSchedule.POLY);
        assertThat(poly.getNewValue(1)).isEqualTo(1e-2f);
        assertThat(poly.rateAt(50)).isCloseTo((float) (1e-2 * Math.pow(0.5, 0.9)), within(1e-7f));
        assertThat(poly.rateAt(99)).isGreaterThan(0f).isLessThan(1e-3f);
        PolyLearningRate cos = new PolyLearningRate(1e-2f, 100, LrSchedule.COSINE);
        assertThat(cos.rateAt(50)).isCloseTo(5e-3f, within(1e-7f));
    }
}
