package org.brainseg.imaging;

import java.util.Locale;
import java.util.function.Function;

/**
 * Parses the enums that files, events, configuration and the command line name by a lower-case
 * word (dataset layouts, label conventions, modalities, normalizations, devices, model states):
 * one lookup, trimmed and case-insensitive, and one error message that lists the accepted names.
 */
public final class EnumNames {
    private EnumNames() {}

    /**
     * The constant whose name is {@code value}.
     *
     * @param values the enum's constants, in the order the error message lists them
     * @param name a constant's name (lower case)
     * @param what what the value names, for the message ({@code "normalization"})
     * @throws IllegalArgumentException {@code unknown WHAT 'VALUE' (expected a, b or c)}
     */
    public static <E extends Enum<E>> E parse(E[] values, Function<E, String> name, String what, String value) {
        String v = value.trim().toLowerCase(Locale.ROOT);
        for (E e : values) {
            if (name.apply(e).equals(v)) {
                return e;
            }
        }
        throw new IllegalArgumentException("unknown " + what + " '" + value + "' (expected " + list(values, name) + ")");
    }

    /** {@code a}, {@code a or b}, {@code a, b or c}. */
    static <E> String list(E[] values, Function<E, String> name) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < values.length; i++) {
            if (i > 0) {
                b.append(i == values.length - 1 ? " or " : ", ");
            }
            b.append(name.apply(values[i]));
        }
        return b.toString();
    }
}
