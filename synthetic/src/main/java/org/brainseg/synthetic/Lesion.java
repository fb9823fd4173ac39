package org.brainseg.synthetic;

/**
 * One tumour focus in output-grid mm (relative to the grid centre).
 *
 * @param centre centre in mm
 * @param radius mean radius of the tumour core (enhancing rim plus necrosis) in mm
 * @param axes per-axis stretch of the core (about 1)
 * @param necrotic necrotic part of the core as a fraction of the radius (0..1)
 * @param enhancingCover fraction of the rim that enhances; the rest is non-enhancing tumour
 * @param massRadius radius of the ball of tissue the tumour pushes aside (0: no mass effect)
 */
record Lesion(double[] centre, double radius, double[] axes, double necrotic, double enhancingCover, double massRadius) {}
