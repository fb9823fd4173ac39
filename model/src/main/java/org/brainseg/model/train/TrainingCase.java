package org.brainseg.model.train;

import org.brainseg.imaging.preprocess.PreprocessedCase;

/** A preprocessed case in the form the patch sampler reads: raw arrays and tumour voxels per class. */
final class TrainingCase {
    final String id;
    final float[][] channels;
    final byte[] labels;
    final int nx;
    final int ny;
    final int nz;
    /** Voxel indices of labels 1..3 (index 0 unused). */
    final int[][] foreground = new int[4][];

    TrainingCase(PreprocessedCase p) {
        if (!p.hasLabels()) {
            throw new IllegalArgumentException("case " + p.id() + " has no labels; training needs ground truth");
        }
        id = p.id();
        nx = p.nx();
        ny = p.ny();
        nz = p.nz();
        channels = new float[p.channels().length][];
        for (int c = 0; c < channels.length; c++) {
            channels[c] = p.channels()[c].data();
        }
        float[] l = p.labels().data();
        labels = new byte[l.length];
        int[] counts = new int[4];
        for (int i = 0; i < l.length; i++) {
            int v = (int) l[i];
            if (v < 0 || v > 3) {
                throw new IllegalArgumentException("case " + id + ": label " + l[i] + " is not an internal label 0..3");
            }
            labels[i] = (byte) v;
            counts[v]++;
        }
        int[] fill = new int[4];
        for (int c = 1; c < 4; c++) {
            foreground[c] = new int[counts[c]];
        }
        for (int i = 0; i < labels.length; i++) {
            int v = labels[i];
            if (v > 0) {
                foreground[v][fill[v]++] = i;
            }
        }
    }

    boolean hasTumour() {
        return foreground[1].length + foreground[2].length + foreground[3].length > 0;
    }
}
