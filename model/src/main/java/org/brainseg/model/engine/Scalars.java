package org.brainseg.model.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/**
 * Scalar operands for operations that autograd records.
 *
 * <p><b>Why.</b> DJL's {@code NDArray.mul(Number)} (and {@code div}, {@code add}, {@code sub},
 * {@code pow} with a {@code Number}) wraps the number in a 0-d tensor whose memory is a Java direct
 * buffer, runs the op and closes that tensor at once. PyTorch's autograd keeps {@code mul}'s and
 * {@code div}'s other operand for the backward pass, but only the native tensor, not the Java
 * buffer: if the garbage collector frees the buffer between the forward and the backward pass,
 * backward multiplies by whatever now lies in that memory. Training then takes one wrong step at a
 * random moment (a wrong gradient scale: the loss rises for a few steps; seen once in CI, made
 * frequent by a thread that calls {@code System.gc()} in a loop, see UNetTrainingTest).
 *
 * <p><b>Rule.</b> In code that runs under autograd (the network's forward pass, the loss), pass
 * numbers as tensors from {@link #of}: PyTorch allocates them ({@code torch.full}), so autograd's
 * reference keeps their memory alive. Code without autograd (inference, in-place updates of
 * detached statistics) may use {@code Number} operands.
 */
public final class Scalars {
    private Scalars() {}

    /** A 0-d tensor holding {@code value}, of {@code like}'s type, on {@code like}'s manager and device. */
    public static NDArray of(NDArray like, double value) {
        return like.getManager().full(new Shape(), (float) value, like.getDataType());
    }
}
