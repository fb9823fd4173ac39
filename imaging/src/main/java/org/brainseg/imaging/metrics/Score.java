package org.brainseg.imaging.metrics;

/**
 * Overlap and boundary agreement of one structure.
 *
 * @param dice Dice coefficient, 1 when both masks are empty
 * @param hd95 95th-percentile symmetric Hausdorff distance in mm; 0 when both are empty, the
 *     image diagonal when exactly one is (BraTS reports 373.13 mm, the diagonal of 240x240x155 at 1 mm)
 */
public record Score(double dice, double hd95) {}
