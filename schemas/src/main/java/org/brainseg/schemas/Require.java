package org.brainseg.schemas;

import java.net.URI;
import java.util.regex.Pattern;

/**
 * Checks shared by the event records' compact constructors. They repeat the JSON Schema's
 * constraints so that an event built in Java is exactly as valid as one read from the wire;
 * every message starts with the field name.
 */
final class Require {
    /** Ids end up in file names (mask paths) and Kafka keys: no separators, no dot-dot. */
    static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
    static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");
    static final Pattern TOPIC = Pattern.compile("[A-Za-z0-9._-]{1,249}");
    static final int MAX_URI = 2048;
    /** Longest value quoted back in a message: enough to recognise it, never a flood. */
    private static final int QUOTE = 64;

    private Require() {
    }

    static <T> T nonNull(T value, String field) {
        if (value == null) {
            throw new IllegalArgumentException(field + " is required");
        }
        return value;
    }

    static String id(String value, String field) {
        return matches(nonNull(value, field), ID, field, "an id of 1-128 characters [A-Za-z0-9._-] starting alphanumeric");
    }

    static String sha256(String value, String field) {
        return matches(nonNull(value, field), SHA256, field, "64 lower-case hex digits");
    }

    static String matches(String value, Pattern p, String field, String expected) {
        if (!p.matcher(value).matches()) {
            throw new IllegalArgumentException(field + " must be " + expected + ", got " + quote(value));
        }
        return value;
    }

    static String text(String value, String field, int min, int max) {
        nonNull(value, field);
        if (value.length() < min || value.length() > max) {
            throw new IllegalArgumentException(field + " must have " + min + ".." + max
                    + " characters, got " + value.length());
        }
        return value;
    }

    /** An absolute URI (it has a scheme) of bounded length; where it may point is the worker's call. */
    static URI uri(URI value, String field) {
        nonNull(value, field);
        if (!value.isAbsolute()) {
            throw new IllegalArgumentException(field + " must be an absolute URI, got " + quote(value.toString()));
        }
        if (value.toString().length() > MAX_URI) {
            throw new IllegalArgumentException(field + " must be at most " + MAX_URI + " characters");
        }
        return value;
    }

    static long range(long value, long min, long max, String field) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(field + " must be in " + min + ".." + max + ", got " + value);
        }
        return value;
    }

    static double range(double value, double min, double max, String field) {
        // NaN fails both comparisons, so test the accepted range positively.
        if (!(value >= min && value <= max)) {
            throw new IllegalArgumentException(field + " must be in [" + min + ", " + max + "], got " + value);
        }
        return value;
    }

    static String quote(String value) {
        String v = value.length() > QUOTE ? value.substring(0, QUOTE) + "..." : value;
        StringBuilder sb = new StringBuilder("'");
        // Control characters are shown escaped so a message never breaks a log line.
        v.codePoints().forEach(c -> {
            if (c < 0x20 || c == 0x7f) {
                sb.append(String.format("\\u%04x", c));
            } else {
                sb.appendCodePoint(c);
            }
        });
        return sb.append('\'').toString();
    }
}
