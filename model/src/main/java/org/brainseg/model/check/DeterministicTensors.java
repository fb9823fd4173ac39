package org.brainseg.model.check;

import java.nio.charset.StandardCharsets;

/**
 * Tensor values that any implementation can regenerate exactly from a name: a 32-bit linear
 * congruential generator (Numerical Recipes constants) seeded with the FNV-1a hash of the name,
 * giving floats uniform in [-1, 1). No engine's random generator is involved, so the stored
 * reference of {@link NumericsCheck} stays valid across PyTorch and DJL versions.
 */
public final class DeterministicTensors {
    private DeterministicTensors() {}

    /** {@code n} values in [-1, 1) for {@code name}. */
    public static float[] uniform(String name, int n) {
        int state = fnv1a(name);
        float[] out = new float[n];
        for (int i = 0; i < n; i++) {
            state = state * 1664525 + 1013904223;
            out[i] = (float) ((state >>> 8) / (double) (1 << 24) * 2 - 1);
        }
        return out;
    }

    /** 32-bit FNV-1a of the UTF-8 bytes. */
    static int fnv1a(String name) {
        int h = 0x811c9dc5;
        for (byte b : name.getBytes(StandardCharsets.UTF_8)) {
            h ^= b & 0xff;
            h *= 0x01000193;
        }
        return h;
    }

    /**
     * Values for a U-Net parameter by its DJL name and shape: He-uniform weights (variance 2/fan-in),
     * small biases and β, γ near 1, running statistics 0 and 1.
     */
    public static float[] parameter(String name, long[] shape) {
        int n = 1;
        for (long d : shape) {
            n = Math.multiplyExact(n, (int) d);
        }
        float[] u = uniform(name, n);
        if (name.endsWith("runningMean")) {
            return new float[n];
        }
        if (name.endsWith("runningVar")) {
            java.util.Arrays.fill(u, 1f);
            return u;
        }
        float scale;
        float offset = 0;
        if (name.endsWith("weight")) {
            int fanIn = n / (int) shape[0];
            scale = (float) Math.sqrt(6.0 / fanIn);
        } else if (name.endsWith("gamma")) {
            scale = 0.2f;
            offset = 1;
        } else {
            scale = name.endsWith("beta") ? 0.2f : 0.1f;
        }
        for (int i = 0; i < n; i++) {
            u[i] = offset + scale * u[i];
        }
        return u;
    }

    /** A small fingerprint to compare: [L2 norm, two fixed projections, element count]. */
    public static double[] fingerprint(String name, float[] values) {
        double norm = 0;
        double p0 = 0;
        double p1 = 0;
        float[] r0 = uniform(name + "#0", values.length);
        float[] r1 = uniform(name + "#1", values.length);
        for (int i = 0; i < values.length; i++) {
            norm += (double) values[i] * values[i];
            p0 += (double) values[i] * r0[i];
            p1 += (double) values[i] * r1[i];
        }
        return new double[] {Math.sqrt(norm), p0, p1, values.length};
    }
}
