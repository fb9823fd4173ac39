package org.brainseg.viewer.web;

import java.util.List;
import java.util.Locale;
import org.brainseg.imaging.dataset.Modality;
import org.brainseg.service.store.LocalFileStore;
import org.brainseg.viewer.index.ScanView;

/**
 * Checks what a browser sends: path and query values are parsed against short allow-lists and
 * anything else is a {@link BadRequest} (400), never an exception further in. Scan ids follow
 * the store's rule ({@link LocalFileStore#SCAN_ID}), the same the events obey.
 */
final class Params {
    /** A value the viewer will not take; its message is safe to show (it never echoes the value). */
    static final class BadRequest extends RuntimeException {
        private static final long serialVersionUID = 1L;

        BadRequest(String message) {
            super(message, null, false, false);
        }
    }

    private Params() {}

    static String scanId(String raw) {
        if (raw == null || !LocalFileStore.SCAN_ID.matcher(raw).matches()) {
            throw new BadRequest("a scan id is 1 to 128 letters, digits, '.', '-' or '_', not starting with '.'");
        }
        return raw;
    }

    /** The one value of a query parameter, null when absent; repeated is refused. */
    static String single(List<String> values, String name) {
        if (values == null || values.isEmpty()) {
            return null;
        }
        if (values.size() > 1) {
            throw new BadRequest("query parameter " + name + " is given more than once");
        }
        return values.get(0);
    }

    /** A model version (1 to 2^31-1), null when absent or empty. */
    static Integer version(String raw, String name) {
        if (raw == null || raw.isEmpty()) {
            return null;
        }
        if (raw.length() > 10 || !raw.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new BadRequest(name + " must be a model version number");
        }
        long v = Long.parseLong(raw);
        if (v < 1 || v > Integer.MAX_VALUE) {
            throw new BadRequest(name + " must be a model version number");
        }
        return (int) v;
    }

    static ScanView.Status status(String raw) {
        if (raw == null || raw.isEmpty() || raw.equals("all")) {
            return null;
        }
        for (ScanView.Status s : ScanView.Status.values()) {
            if (s.key().equals(raw)) {
                return s;
            }
        }
        throw new BadRequest("status must be all, pending, done or failed");
    }

    /** The list's order: false for newest first (absent, empty or "newest"), true for "predicted" (lowest predicted WT Dice first). */
    static boolean byPredictedDice(String raw) {
        if (raw == null || raw.isEmpty() || raw.equals("newest")) {
            return false;
        }
        if (raw.equals("predicted")) {
            return true;
        }
        throw new BadRequest("sort must be newest or predicted");
    }

    static Modality modality(String raw) {
        if (raw == null || raw.isEmpty()) {
            return Modality.FLAIR;
        }
        for (Modality m : Modality.values()) {
            if (m.key().equals(raw.toLowerCase(Locale.ROOT))) {
                return m;
            }
        }
        throw new BadRequest("modality must be t1, t1ce, t2 or flair");
    }

    /** The overlay switch of the scan page: 0 or 1. */
    static void overlay(String raw) {
        if (raw != null && !raw.equals("0") && !raw.equals("1")) {
            throw new BadRequest("overlay must be 0 or 1");
        }
    }
}
