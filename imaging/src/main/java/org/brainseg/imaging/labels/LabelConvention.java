package org.brainseg.imaging.labels;

import java.util.Arrays;
import org.brainseg.imaging.EnumNames;

/**
 * How a label map numbers the tumour sub-regions, with exact mapping to and from brainseg's
 * internal convention: 0 background, 1 necrotic / non-enhancing core (NCR/NET),
 * 2 peritumoural edema (ED), 3 enhancing tumour (ET).
 */
public enum LabelConvention {
    /** brainseg's own numbering (equal to BraTS 2023+). */
    INTERNAL("internal", new int[] {0, 1, 2, 3}),
    /** BraTS 2017-2021: ET stored as 4. */
    BRATS2021("brats2021", new int[] {0, 1, 2, 4}),
    /** BraTS 2023 and later: ET stored as 3. */
    BRATS2023("brats2023", new int[] {0, 1, 2, 3}),
    /** Medical Segmentation Decathlon Task01: 1 edema, 2 non-enhancing tumour, 3 enhancing tumour. */
    MSD("msd", new int[] {0, 2, 1, 3});

    private final String id;
    /** Stored value of each internal label 0..3. */
    private final int[] stored;

    LabelConvention(String id, int[] stored) {
        this.id = id;
        this.stored = stored;
    }

    /** The name used on the command line and in events, e.g. {@code brats2021}. */
    public String id() {
        return id;
    }

    /** The values a label map in this convention may contain. */
    public int[] storedValues() {
        int[] v = stored.clone();
        Arrays.sort(v);
        return v;
    }

    public boolean isValid(int value) {
        for (int s : stored) {
            if (s == value) {
                return true;
            }
        }
        return false;
    }

    /** The internal label of a stored value; -1 when the value is not in this convention. */
    public int toInternal(int value) {
        for (int i = 0; i < stored.length; i++) {
            if (stored[i] == value) {
                return i;
            }
        }
        return -1;
    }

    /** The stored value of an internal label 0..3. */
    public int fromInternal(int internal) {
        if (internal < 0 || internal > 3) {
            throw new IllegalArgumentException("internal label must be 0..3, got " + internal);
        }
        return stored[internal];
    }

    /** Parses a name ({@code internal}, {@code brats2021}, {@code brats2023}, {@code msd}; case-insensitive). */
    public static LabelConvention parse(String name) {
        return EnumNames.parse(values(), LabelConvention::id, "label convention", name);
    }

    @Override
    public String toString() {
        return id;
    }
}
