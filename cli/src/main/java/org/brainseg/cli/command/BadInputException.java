package org.brainseg.cli.command;

/**
 * Input the user must fix; reported as one line with exit code 2. The {@code require} methods are
 * the commands' one way of checking a numeric option, so that every refusal reads alike:
 * {@code --rounds must be 1..100, got 0}.
 */
public class BadInputException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public BadInputException(String message) {
        super(message);
    }

    /** Refuses {@code value} outside {@code min..max}: {@code OPTION must be MIN..MAX, got VALUE}. */
    public static void requireRange(String option, long value, long min, long max) {
        if (value < min || value > max) {
            throw new BadInputException(option + " must be " + min + ".." + max + ", got " + value);
        }
    }

    /** Refuses a length (or NaN) outside {@code min..max} mm: {@code OPTION must be MIN..MAX mm, got VALUE}. */
    public static void requireMm(String option, double value, double min, double max) {
        if (!(value >= min && value <= max)) {
            throw new BadInputException(option + " must be " + plain(min) + ".." + plain(max) + " mm, got " + value);
        }
    }

    /**
     * Refuses {@code value} below {@code min}: {@code OPTION must be at least MIN[ UNIT], got VALUE}.
     *
     * @param unit the unit after {@code min} ({@code "minute"}), or {@code ""}
     */
    public static void requireAtLeast(String option, long value, long min, String unit) {
        if (value < min) {
            throw new BadInputException(option + " must be at least " + min + (unit.isEmpty() ? "" : " " + unit) + ", got "
                    + value);
        }
    }

    /** {@code 8} for 8.0, {@code 0.5} for 0.5. */
    private static String plain(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
    }
}
