package org.brainseg.synthetic;

/**
 * Relative signal of each tissue and tumour compartment in T1, T1ce, T2 and FLAIR (brainseg's
 * channel order), before per-case scaling. The relations follow clinical glioma MRI: T1 WM > GM
 * > CSF; T2 CSF brightest, GM > WM; FLAIR CSF suppressed, GM > WM, edema bright; enhancing
 * rim bright on T1ce only; necrosis dark on T1/T1ce and bright on T2; solid non-enhancing tumour
 * bright on T2 and FLAIR.
 */
final class Contrast {
    static final int MODALITIES = 4;
    /** Signal at tissue coordinate 0 (CSF), 1 (GM), 2 (WM), per modality. */
    static final float[][] TISSUE = {
        {0.28f, 0.62f, 0.85f}, // T1
        {0.30f, 0.64f, 0.84f}, // T1ce
        {1.00f, 0.60f, 0.42f}, // T2
        {0.12f, 0.62f, 0.47f}, // FLAIR
    };
    static final float[] EDEMA = {0.60f, 0.62f, 0.80f, 0.88f};
    static final float[] NECROSIS = {0.30f, 0.33f, 0.92f, 0.52f};
    static final float[] SOLID = {0.50f, 0.53f, 0.76f, 0.86f};
    static final float[] ENHANCING = {0.60f, 1.35f, 0.70f, 0.82f};
    /** Signal unit: WM on T1 ends up around 800, enhancement around 1300, as int16 BraTS data. */
    static final float SCALE = 950f;

    private Contrast() {}

    /** Healthy-tissue signal at tissue coordinate t (piecewise linear, extrapolated at the ends). */
    static float tissue(int m, float t) {
        float[] c = TISSUE[m];
        return t < 1 ? c[0] + t * (c[1] - c[0]) : c[1] + (t - 1) * (c[2] - c[1]);
    }
}
