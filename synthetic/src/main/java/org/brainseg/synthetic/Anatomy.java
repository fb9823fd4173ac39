package org.brainseg.synthetic;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Objects;
import org.brainseg.imaging.Affine;
import org.brainseg.imaging.Volume;
import org.brainseg.imaging.nifti.NiftiImage;
import org.brainseg.imaging.nifti.NiftiReader;

/**
 * The normal brain every synthetic case starts from: a skull-stripped T1 (the Colin27 "ch2bet"
 * template that Debian's {@code mricron-data} installs, a user-given file, or a procedural
 * phantom) reduced to a continuous tissue coordinate per voxel.
 *
 * <p>The tissue coordinate is 0 at the CSF intensity, 1 at grey and 2 at white matter, linear
 * in T1 intensity in between (a partial-volume model) and extrapolated a little beyond, so the
 * real anatomy's texture survives into the synthetic contrasts. Class intensities come from a
 * 3-class k-means on the brain's histogram. Outside the brain (intensity 0, as in skull-stripped
 * data) the coordinate is NaN. Immutable and safe to share between threads.
 */
public final class Anatomy {
    /** The real brain used by default when installed. */
    public static final Path DEFAULT_TEMPLATE = Path.of("/usr/share/mricron/templates/ch2bet.nii.gz");
    /**
     * System property choosing the default anatomy: {@code phantom} forces the procedural phantom
     * even where ch2bet is installed (so a machine with {@code mricron-data} can run what a bare
     * machine runs), {@code auto} or unset keeps the rule of {@link #load}. The environment variable
     * {@link #ANATOMY_ENV} does the same where a property cannot reach (forked test JVMs, scripts).
     */
    public static final String ANATOMY_PROPERTY = "brainseg.anatomy";
    /** Environment variable read when {@link #ANATOMY_PROPERTY} is not set. */
    public static final String ANATOMY_ENV = "BRAINSEG_ANATOMY";
    /** Tissue coordinates are clamped to this margin beyond CSF and WM. */
    static final float EXTRAPOLATE = 0.3f;

    private final String description;
    private final boolean phantom;
    private final int nx;
    private final int ny;
    private final int nz;
    private final float[] t1;
    private final double[] inverse; // world -> voxel, 3x4 row-major
    private final double[] centre; // world coordinates of the brain's bounding-box centre
    private final double[] means; // CSF, GM, WM intensities
    private final double brainMl;

    private Anatomy(Volume v, String description, boolean phantom) {
        this.description = description;
        this.phantom = phantom;
        nx = v.nx();
        ny = v.ny();
        nz = v.nz();
        t1 = sanitize(v.data());
        inverse = invert(v.affine());
        centre = brainCentre(v, t1);
        means = TissueClasses.kMeans(t1);
        long n = 0;
        for (float f : t1) {
            if (f > 0) {
                n++;
            }
        }
        brainMl = n * v.voxelMl();
    }

    /**
     * The anatomy to use: {@code t1} when given, else the procedural phantom when
     * {@link #ANATOMY_PROPERTY} (or {@link #ANATOMY_ENV}) says {@code phantom}, else
     * {@link #DEFAULT_TEMPLATE} when installed, else the procedural phantom.
     */
    public static Anatomy load(Path t1) throws IOException {
        if (t1 != null) {
            return fromFile(t1);
        }
        if (!phantomForced() && Files.isRegularFile(DEFAULT_TEMPLATE)) {
            return fromFile(DEFAULT_TEMPLATE);
        }
        return phantom();
    }

    /**
     * Whether {@link #ANATOMY_PROPERTY} or {@link #ANATOMY_ENV} forces the phantom; any value other
     * than {@code phantom}, {@code auto} or empty is refused, naming the setting, so a typo cannot
     * silently leave the installed brain in use.
     */
    static boolean phantomForced() {
        String property = System.getProperty(ANATOMY_PROPERTY);
        String name = property != null ? ANATOMY_PROPERTY : ANATOMY_ENV;
        String value = property != null ? property : System.getenv(ANATOMY_ENV);
        return parseChoice(name, value);
    }

    /** {@code phantom} → true; {@code auto}, blank or null → false; anything else refused. */
    static boolean parseChoice(String name, String value) {
        String v = value == null ? "" : value.trim().toLowerCase(Locale.ROOT);
        return switch (v) {
            case "phantom" -> true;
            case "", "auto" -> false;
            default -> throw new IllegalArgumentException(name + "=" + value + ": expected phantom or auto");
        };
    }

    /** A skull-stripped T1 image (brain > 0, background 0). */
    public static Anatomy fromFile(Path t1) throws IOException {
        NiftiImage img = NiftiReader.read(t1);
        if (img.is4d()) {
            throw new IllegalArgumentException("anatomy " + t1 + " is 4-D; a 3-D T1 is needed");
        }
        return fromT1(img.volume(), "T1 " + t1);
    }

    /** A skull-stripped T1 volume; refused when it does not look skull-stripped. */
    public static Anatomy fromT1(Volume t1, String description) {
        Objects.requireNonNull(t1, "t1");
        long inside = 0;
        for (float f : t1.data()) {
            if (f > 0 && Float.isFinite(f)) {
                inside++;
            }
        }
        if (inside < 1000 || inside > 0.9 * t1.size()) {
            throw new IllegalArgumentException("anatomy " + description + " does not look like a skull-stripped T1 ("
                    + inside + " of " + t1.size() + " voxels > 0; expected a brain surrounded by zeros)");
        }
        return new Anatomy(t1, description, false);
    }

    /** The procedural head phantom (fixed, so every run gets the same one). */
    public static Anatomy phantom() {
        return new Anatomy(PhantomHead.build(), "procedural phantom (ellipsoidal brain, cortex, ventricles)", true);
    }

    /** Human-readable source, e.g. {@code T1 /usr/share/mricron/templates/ch2bet.nii.gz}. */
    public String description() {
        return description;
    }

    public boolean isPhantom() {
        return phantom;
    }

    /** T1 intensities of CSF, grey and white matter found by k-means. */
    public double[] tissueMeans() {
        return means.clone();
    }

    public double brainMl() {
        return brainMl;
    }

    /**
     * Tissue coordinate at a point given in mm relative to the brain centre (RAS), or NaN outside
     * the brain. Trilinear over brain voxels only, so the brain edge is not darkened by background.
     */
    double tissueAt(double x, double y, double z) {
        double wx = x + centre[0];
        double wy = y + centre[1];
        double wz = z + centre[2];
        double u = inverse[0] * wx + inverse[1] * wy + inverse[2] * wz + inverse[3];
        double v = inverse[4] * wx + inverse[5] * wy + inverse[6] * wz + inverse[7];
        double w = inverse[8] * wx + inverse[9] * wy + inverse[10] * wz + inverse[11];
        int i = (int) Math.floor(u);
        int j = (int) Math.floor(v);
        int k = (int) Math.floor(w);
        if (i < 0 || j < 0 || k < 0 || i >= nx - 1 || j >= ny - 1 || k >= nz - 1) {
            return Double.NaN;
        }
        double fu = u - i;
        double fv = v - j;
        double fw = w - k;
        double sum = 0;
        double weight = 0;
        for (int c = 0; c < 8; c++) {
            int di = c & 1;
            int dj = (c >> 1) & 1;
            int dk = c >> 2;
            float val = t1[(i + di) + nx * ((j + dj) + ny * (k + dk))];
            if (val > 0) {
                double wt = (di == 1 ? fu : 1 - fu) * (dj == 1 ? fv : 1 - fv) * (dk == 1 ? fw : 1 - fw);
                sum += wt * val;
                weight += wt;
            }
        }
        return weight < 0.5 ? Double.NaN : tissueCoordinate(sum / weight);
    }

    /** Maps a T1 intensity to the tissue coordinate (0 CSF, 1 GM, 2 WM), piecewise linear. */
    double tissueCoordinate(double intensity) {
        double t;
        if (intensity < means[1]) {
            t = (intensity - means[0]) / (means[1] - means[0]);
        } else {
            t = 1 + (intensity - means[1]) / (means[2] - means[1]);
        }
        return Math.max(-EXTRAPOLATE, Math.min(2 + EXTRAPOLATE, t));
    }

    /**
     * The tissue coordinate resampled onto a grid whose world origin is the brain centre,
     * NaN outside the brain: the undeformed anatomy as every case starts from it.
     */
    public Volume tissueMap(int[] shape, Affine gridAffine) {
        float[] out = new float[shape[0] * shape[1] * shape[2]];
        for (int k = 0; k < shape[2]; k++) {
            for (int j = 0; j < shape[1]; j++) {
                for (int i = 0; i < shape[0]; i++) {
                    double[] p = gridAffine.apply(i, j, k);
                    out[i + shape[0] * (j + shape[1] * k)] = (float) tissueAt(p[0], p[1], p[2]);
                }
            }
        }
        return new Volume(shape[0], shape[1], shape[2], out, gridAffine);
    }

    private static float[] sanitize(float[] data) {
        float[] out = data.clone();
        for (int i = 0; i < out.length; i++) {
            if (!(out[i] > 0) || !Float.isFinite(out[i])) {
                out[i] = 0;
            }
        }
        return out;
    }

    private static double[] brainCentre(Volume v, float[] t1) {
        int[] lo = {Integer.MAX_VALUE, Integer.MAX_VALUE, Integer.MAX_VALUE};
        int[] hi = {-1, -1, -1};
        for (int k = 0; k < v.nz(); k++) {
            for (int j = 0; j < v.ny(); j++) {
                for (int i = 0; i < v.nx(); i++) {
                    if (t1[v.index(i, j, k)] > 0) {
                        int[] p = {i, j, k};
                        for (int a = 0; a < 3; a++) {
                            lo[a] = Math.min(lo[a], p[a]);
                            hi[a] = Math.max(hi[a], p[a]);
                        }
                    }
                }
            }
        }
        return v.affine().apply((lo[0] + hi[0]) / 2.0, (lo[1] + hi[1]) / 2.0, (lo[2] + hi[2]) / 2.0);
    }

    /** Inverse of the affine's 3x4 part (the last row of an affine is 0 0 0 1). */
    private static double[] invert(Affine a) {
        double[][] m = a.rows();
        double det = m[0][0] * (m[1][1] * m[2][2] - m[1][2] * m[2][1])
                - m[0][1] * (m[1][0] * m[2][2] - m[1][2] * m[2][0])
                + m[0][2] * (m[1][0] * m[2][1] - m[1][1] * m[2][0]);
        if (Math.abs(det) < 1e-12) {
            throw new IllegalArgumentException("anatomy affine is singular");
        }
        double[][] r = new double[3][3];
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 3; j++) {
                int i1 = (j + 1) % 3;
                int i2 = (j + 2) % 3;
                int j1 = (i + 1) % 3;
                int j2 = (i + 2) % 3;
                r[i][j] = (m[i1][j1] * m[i2][j2] - m[i1][j2] * m[i2][j1]) / det;
            }
        }
        double[] out = new double[12];
        for (int i = 0; i < 3; i++) {
            out[4 * i] = r[i][0];
            out[4 * i + 1] = r[i][1];
            out[4 * i + 2] = r[i][2];
            out[4 * i + 3] = -(r[i][0] * m[0][3] + r[i][1] * m[1][3] + r[i][2] * m[2][3]);
        }
        return out;
    }
}
