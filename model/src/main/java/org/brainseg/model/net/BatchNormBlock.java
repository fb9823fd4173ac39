package org.brainseg.model.net;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import ai.djl.util.PairList;
import org.brainseg.model.engine.Scalars;

/**
 * Batch normalization over (N, D, H, W) per channel, as {@code torch.nn.functional.batch_norm}:
 * batch statistics (biased variance) while training, updating running mean and (unbiased)
 * variance with momentum {@value #MOMENTUM}; the running statistics at inference. With the small
 * batches 3-D training affords, this is the weakest option; it is here for the ablation.
 */
public final class BatchNormBlock extends AffineNormBlock {
    /** Weight of the newest batch in the running statistics, as PyTorch. */
    public static final float MOMENTUM = 0.1f;

    private final Parameter runningMean;
    private final Parameter runningVar;

    public BatchNormBlock(int channels) {
        super(channels);
        Shape s = new Shape(1, channels, 1, 1, 1);
        runningMean = addParameter(Parameter.builder().setName("runningMean").setType(Parameter.Type.RUNNING_MEAN)
                .optShape(s).optInitializer(Initializer.ZEROS).optRequiresGrad(false).build());
        runningVar = addParameter(Parameter.builder().setName("runningVar").setType(Parameter.Type.RUNNING_VAR)
                .optShape(s).optInitializer(Initializer.ONES).optRequiresGrad(false).build());
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow();
        checkInput(x);
        NDArray rm = ps.getValue(runningMean, x.getDevice(), training);
        NDArray rv = ps.getValue(runningVar, x.getDevice(), training);
        NDArray normalized;
        if (training) {
            Shape s = x.getShape();
            long perChannel = s.size() / channels;
            NDArray flat = x.transpose(1, 0, 2, 3, 4).reshape(channels, -1);
            NDArray mean = flat.mean(new int[] {1}, true);
            NDArray centered = flat.sub(mean);
            NDArray var = centered.square().mean(new int[] {1}, true);
            normalized = centered.div(var.add(Scalars.of(var, NormalizationLayers.EPSILON)).sqrt())
                    .reshape(channels, s.get(0), s.get(2), s.get(3), s.get(4)).transpose(1, 0, 2, 3, 4);
            // Running statistics are updated in place, outside autograd.
            float unbias = perChannel > 1 ? (float) perChannel / (perChannel - 1) : 1f;
            rm.muli(1 - MOMENTUM).addi(mean.stopGradient().reshape(1, channels, 1, 1, 1).mul(MOMENTUM));
            rv.muli(1 - MOMENTUM).addi(var.stopGradient().reshape(1, channels, 1, 1, 1).mul(MOMENTUM * unbias));
        } else {
            // Work on copies owned by the input's manager: an op called on a parameter would allocate
            // its result on the model's manager, which lives as long as the model.
            NDArray mean = local(rm, x);
            NDArray var = local(rv, x);
            normalized = x.sub(mean).div(var.add(Scalars.of(var, NormalizationLayers.EPSILON)).sqrt());
        }
        return new NDList(scaleShift(ps, normalized, training));
    }

    private static NDArray local(NDArray parameter, NDArray owner) {
        NDArray copy = parameter.duplicate();
        copy.attach(owner.getManager());
        return copy;
    }
}
