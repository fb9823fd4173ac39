package org.brainseg.imaging.dataset;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import org.brainseg.imaging.Affine;
import org.brainseg.imaging.Volume;
import org.brainseg.imaging.labels.LabelConvention;
import org.brainseg.imaging.nifti.NiftiImage;
import org.brainseg.imaging.nifti.NiftiReader;

/**
 * Loads a {@link Case} and checks that its images belong together: same shape, affines equal
 * within {@link #AFFINE_TOLERANCE_MM}, a plausible grid (at least {@link #MIN_VOXELS_PER_AXIS}
 * voxels of at least {@link #MIN_SPACING_MM} along each axis, a field of view of at most
 * {@link #MAX_FIELD_OF_VIEW_MM}, a non-degenerate affine), each modality non-empty and not all
 * NaN, labels within the convention. Every failure names the case and the file. Scattered
 * non-finite voxels are allowed: preprocessing treats them as background.
 */
public final class CaseLoader {
    /** Largest difference between two modalities' affine elements still called the same grid. */
    public static final double AFFINE_TOLERANCE_MM = 1e-3;
    /** Fewest voxels along any axis: fewer make a point, a line or a slice, not a 3-D scan to segment. */
    public static final int MIN_VOXELS_PER_AXIS = 4;
    /** Smallest voxel edge accepted; a zero column (a singular affine) is below it. */
    public static final double MIN_SPACING_MM = 0.01;
    /**
     * Largest extent of the grid along one axis. A head is under 300 mm; a header claiming metres
     * would make resampling to the model's spacing allocate (and infer over) a gigantic grid.
     */
    public static final double MAX_FIELD_OF_VIEW_MM = 1000;

    private final NiftiReader reader;

    public CaseLoader() {
        this(new NiftiReader());
    }

    public CaseLoader(NiftiReader reader) {
        this.reader = reader;
    }

    public LoadedCase load(Case c) throws IOException {
        Volume[] channels = new Volume[Modality.values().length];
        NiftiImage first;
        NiftiImage labelImage = null; // read beside the modalities when they are separate files
        if (c.image4d() != null) {
            first = reader.readImage(c.image4d());
            if (first.header().timepoints() != channels.length) {
                throw new CaseValidationException("WRONG_CHANNELS", "case " + c.id() + ": " + c.image4d().getFileName()
                        + " has " + first.header().timepoints() + " volumes, expected 4 modalities");
            }
            for (int t = 0; t < channels.length; t++) {
                channels[c.channelOrder().get(t).ordinal()] = first.channel(t);
            }
            checkPlausibleGrid(c, c.image4d().getFileName().toString(), channels[0]);
            for (Modality m : Modality.values()) {
                checkContent(c, m.key() + " (channel " + c.channelOrder().indexOf(m) + ")", channels[m.ordinal()]);
            }
        } else {
            first = null;
            Volume ref = null;
            String refName = null;
            List<Path> files = new ArrayList<>();
            for (Modality m : Modality.values()) {
                files.add(c.modalities().get(m));
            }
            if (c.label() != null) {
                files.add(c.label());
            }
            List<Read> read = readAll(files);
            for (Modality m : Modality.values()) {
                Path p = c.modalities().get(m);
                NiftiImage img = read.get(m.ordinal()).image();
                if (img.is4d()) {
                    throw new CaseValidationException("NOT_3D", "case " + c.id() + ": " + p.getFileName() + " is 4-D ("
                            + img.header().timepoints() + " volumes); one 3-D volume per modality expected");
                }
                if (first == null) {
                    first = img;
                }
                Volume v = img.volume();
                if (ref == null) {
                    ref = v;
                    refName = p.getFileName().toString();
                    checkPlausibleGrid(c, refName, v);
                } else {
                    checkSameGrid(c, refName, ref, p.getFileName().toString(), v);
                }
                checkContent(c, p.getFileName().toString(), v);
                channels[m.ordinal()] = v;
            }
            if (c.label() != null) {
                labelImage = read.get(files.size() - 1).image();
            }
        }
        Volume labels = c.label() == null ? null
                : labels(c, channels[0], labelImage != null ? labelImage : reader.readImage(c.label()));
        return new LoadedCase(c.id(), channels, labels, first.header());
    }

    /** One file's read: the image, or the exception reading it threw. */
    private record Read(NiftiImage result, Exception failure) {
        NiftiImage image() throws IOException {
            if (failure instanceof IOException e) {
                throw e;
            }
            if (failure instanceof RuntimeException e) {
                throw e;
            }
            return result;
        }
    }

    /**
     * Reads {@code files} at once, on the cores there are (decompressing a NIfTI is CPU-bound), each
     * slot holding the image or the exception its read threw, so that the checks still run, and fail,
     * in the modalities' order.
     */
    private List<Read> readAll(List<Path> files) {
        return IntStream.range(0, files.size()).parallel().mapToObj(i -> {
            try {
                return new Read(reader.readImage(files.get(i)), null);
            } catch (IOException | RuntimeException e) {
                return new Read(null, e);
            }
        }).toList();
    }

    private Volume labels(Case c, Volume grid, NiftiImage img) throws CaseValidationException {
        Path p = c.label();
        if (img.is4d()) {
            throw new CaseValidationException("NOT_3D", "case " + c.id() + ": label " + p.getFileName() + " is 4-D");
        }
        Volume raw = img.volume();
        checkSameGrid(c, "the images", grid, p.getFileName().toString(), raw);
        return toInternal(c.id() + ": " + p.getFileName(), raw, c.convention());
    }

    /** Maps a label volume to internal labels; any value outside the convention is an error. */
    public static Volume toInternal(String what, Volume raw, LabelConvention convention) throws CaseValidationException {
        float[] in = raw.data();
        float[] out = new float[in.length];
        for (int i = 0; i < in.length; i++) {
            float v = in[i];
            int iv = (int) v;
            int internal = v == iv ? convention.toInternal(iv) : -1;
            if (internal < 0) {
                throw new CaseValidationException("LABEL_OUT_OF_RANGE", what + ": voxel value " + v + " is not a "
                        + convention.id() + " label " + Arrays.toString(convention.storedValues()));
            }
            out[i] = internal;
        }
        return raw.withData(out);
    }

    private static void checkSameGrid(Case c, String refName, Volume ref, String name, Volume v)
            throws CaseValidationException {
        if (!ref.sameShape(v)) {
            throw new CaseValidationException("GEOMETRY_MISMATCH", "case " + c.id() + ": " + name + " has shape "
                    + Arrays.toString(v.shape()) + ", " + refName + " has " + Arrays.toString(ref.shape()));
        }
        Affine a = ref.affine();
        Affine b = v.affine();
        if (a.maxAbsDifference(b) > AFFINE_TOLERANCE_MM) {
            throw new CaseValidationException("GEOMETRY_MISMATCH", "case " + c.id() + ": " + name + " has affine "
                    + b + ", " + refName + " has " + a + " (tolerance " + AFFINE_TOLERANCE_MM + " mm)");
        }
    }

    /** The grid must be one a scanner could produce: the others are compared with it. */
    private static void checkPlausibleGrid(Case c, String name, Volume v) throws CaseValidationException {
        double[] s = v.spacing();
        int[] shape = v.shape();
        for (int a = 0; a < 3; a++) {
            if (shape[a] < MIN_VOXELS_PER_AXIS) {
                throw new CaseValidationException("IMPLAUSIBLE_GEOMETRY", "case " + c.id() + ": " + name + " has shape "
                        + Arrays.toString(shape) + "; a 3-D scan needs at least " + MIN_VOXELS_PER_AXIS + " voxels along each axis");
            }
            if (!(s[a] >= MIN_SPACING_MM)) {
                throw new CaseValidationException("IMPLAUSIBLE_GEOMETRY", "case " + c.id() + ": " + name + " has voxel spacing "
                        + Arrays.toString(s) + " mm; each axis must be at least " + MIN_SPACING_MM + " mm (affine " + v.affine() + ")");
            }
            if (shape[a] * s[a] > MAX_FIELD_OF_VIEW_MM) {
                throw new CaseValidationException("IMPLAUSIBLE_GEOMETRY", "case " + c.id() + ": " + name + " spans "
                        + shape[a] * s[a] + " mm along axis " + a + " (" + shape[a] + " voxels of " + s[a] + " mm); at most "
                        + MAX_FIELD_OF_VIEW_MM + " mm is accepted");
            }
        }
        double[][] r = v.affine().rows();
        double det = r[0][0] * (r[1][1] * r[2][2] - r[1][2] * r[2][1]) - r[0][1] * (r[1][0] * r[2][2] - r[1][2] * r[2][0])
                + r[0][2] * (r[1][0] * r[2][1] - r[1][1] * r[2][0]);
        // |det| / product of column lengths is 1 for orthogonal axes, 0 for a flat (degenerate) grid
        if (!(Math.abs(det) / (s[0] * s[1] * s[2]) >= 1e-3)) {
            throw new CaseValidationException("IMPLAUSIBLE_GEOMETRY", "case " + c.id() + ": " + name + " has a degenerate affine "
                    + v.affine() + " (its axes are nearly parallel)");
        }
    }

    private static void checkContent(Case c, String name, Volume v) throws CaseValidationException {
        boolean anyFinite = false;
        boolean anyNonZero = false;
        for (float f : v.data()) {
            if (Float.isFinite(f)) {
                anyFinite = true;
                if (f != 0) {
                    anyNonZero = true;
                    break;
                }
            }
        }
        if (!anyFinite) {
            throw new CaseValidationException("EMPTY_VOLUME", "case " + c.id() + ": " + name + " has no finite voxel (all NaN/Inf)");
        }
        if (!anyNonZero) {
            throw new CaseValidationException("EMPTY_VOLUME", "case " + c.id() + ": " + name + " is all zero");
        }
    }
}
