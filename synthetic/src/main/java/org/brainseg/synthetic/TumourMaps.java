package org.brainseg.synthetic;

/**
 * A case's tumour: internal labels on the full grid plus, inside {@link #box}, the soft maps the
 * contrast model blends with (all 0..1): edema strength, partial-volume fractions of the
 * NCR/NET and enhancing labels, how solid (vs. necrotic fluid) label 1 looks, and a texture.
 * Soft maps are what keep the images from matching the labels by a threshold: boundaries are
 * blurred and edema fades out around its label edge.
 */
record TumourMaps(byte[] labels, Box box, float[] edema, float[] ncr, float[] enhancing, float[] solid, float[] texture,
        int[] focus) {}
