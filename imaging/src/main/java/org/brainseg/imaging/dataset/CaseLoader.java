package org.brainseg.imaging.dataset;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import org.brainseg.imaging.Affine;
import org.brainseg.imaging.Volume;
import org.brainseg.imaging.labels.LabelConvention;
import org.brainseg.imaging.nifti.NiftiImage;
import org.brainseg.imaging.nifti.NiftiReader;

/**
 * Loads a {@link Case} and checks that its images belong together: same shape, affines equal
 * within {@link #AFFINE_TOLERANCE_MM}, each modality non-empty and not all NaN, labels within the
 * convention. Every failure names the case and the file.
 */
public final class CaseLoader {
    /** Largest difference between two modalities' affine elements still called the same grid. */
    public static final double AFFINE_TOLERANCE_MM = 1e-3;

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
        if (c.image4d() != null) {
            first = reader.readImage(c.image4d());
            if (first.header().timepoints() != channels.length) {
                throw new CaseValidationException("WRONG_CHANNELS", "case " + c.id() + ": " + c.image4d().getFileName()
                        + " has " + first.header().timepoints() + " volumes, expected 4 modalities");
            }
            for (int t = 0; t < channels.length; t++) {
                channels[c.channelOrder().get(t).ordinal()] = first.channel(t);
            }
            for (Modality m : Modality.values()) {
                checkContent(c, m.key() + " (channel " + c.channelOrder().indexOf(m) + ")", channels[m.ordinal()]);
            }
        } else {
            first = null;
            Volume ref = null;
            String refName = null;
            for (Modality m : Modality.values()) {
                Path p = c.modalities().get(m);
                NiftiImage img = reader.readImage(p);
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
                } else {
                    checkSameGrid(c, refName, ref, p.getFileName().toString(), v);
                }
                checkContent(c, p.getFileName().toString(), v);
                channels[m.ordinal()] = v;
            }
        }
        Volume labels = c.label() == null ? null : loadLabels(c, channels[0]);
        return new LoadedCase(c.id(), channels, labels, first.header());
    }

    private Volume loadLabels(Case c, Volume grid) throws IOException {
        Path p = c.label();
        NiftiImage img = reader.readImage(p);
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
