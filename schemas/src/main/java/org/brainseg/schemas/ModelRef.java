package org.brainseg.schemas;

import java.util.regex.Pattern;

/**
 * Which model produced something, as a person names it: its kind, its name and its version as
 * its authors wrote them. A native version is {@code (native, brainseg, 3)}; a MONAI bundle
 * imported as registry version 5 is e.g. {@code (torchscript, brats_mri_segmentation, 0.5.3)}.
 * What a SEG writes as its algorithm name and version.
 *
 * @param kind    {@code native} (brainseg's own U-Net) or {@code torchscript} (a network trained elsewhere)
 * @param name    1-128 printable characters
 * @param version 1-64 printable characters
 */
public record ModelRef(String kind, String name, String version) {
    public static final String NATIVE = "native";
    public static final String TORCHSCRIPT = "torchscript";
    private static final Pattern KIND = Pattern.compile(NATIVE + "|" + TORCHSCRIPT);
    private static final Pattern PRINTABLE = Pattern.compile("[\\x20-\\x7E]+");

    public ModelRef {
        Require.matches(Require.nonNull(kind, "model.kind"), KIND, "model.kind", NATIVE + " or " + TORCHSCRIPT);
        Require.text(name, "model.name", 1, 128);
        Require.matches(name, PRINTABLE, "model.name", "printable ASCII");
        Require.text(version, "model.version", 1, 64);
        Require.matches(version, PRINTABLE, "model.version", "printable ASCII");
    }

    /** A version of brainseg's own network: the registry's name and version number. */
    public static ModelRef nativeVersion(String name, int version) {
        return new ModelRef(NATIVE, name, Integer.toString(version));
    }

    /** E.g. {@code brats_mri_segmentation 0.5.3}. */
    @Override
    public String toString() {
        return name + " " + version;
    }
}
