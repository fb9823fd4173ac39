package org.brainseg.model.quality;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.brainseg.imaging.io.AtomicWrite;
import org.brainseg.imaging.io.JsonMappers;

/**
 * What a model version knows about its own quality, stored beside it as {@value #FILE_NAME}: the
 * calibration that turns flip agreement into predicted Dice, and the intensity statistics of the
 * scans it was validated on (for the input guard). Written by the trainer after validation, by
 * {@code brainseg models import} from the held-out cases, and by {@code brainseg models calibrate}.
 * A version without the file still gets flip features and the reference-free input checks, but no
 * predicted Dice.
 *
 * @param formatVersion {@value #FORMAT_VERSION}
 * @param method        how the features are made ({@value #METHOD})
 * @param calibration   the predicted-Dice lines, or null
 * @param input         the validation scans' input statistics, or null
 */
public record QualityProfile(int formatVersion, String method, QualityCalibration calibration, InputReference input) {
    public static final String FILE_NAME = org.brainseg.model.artifact.ModelArtifact.QUALITY_FILE;
    public static final int FORMAT_VERSION = 1;
    public static final String METHOD = "flip-agreement: a second pass mirrored along array axis 0";
    private static final ObjectMapper JSON = JsonMappers.indented();

    public QualityProfile {
        if (formatVersion != FORMAT_VERSION) {
            throw new IllegalArgumentException(FILE_NAME + ": formatVersion " + formatVersion + " is not supported (expected "
                    + FORMAT_VERSION + ")");
        }
    }

    public static QualityProfile of(QualityCalibration calibration, InputReference input) {
        return new QualityProfile(FORMAT_VERSION, METHOD, calibration, input);
    }

    /** The profile in model directory {@code dir}, or null when it has none. */
    public static QualityProfile read(Path dir) throws IOException {
        Path f = dir.resolve(FILE_NAME);
        if (!Files.isRegularFile(f)) {
            return null;
        }
        if (Files.size(f) > (4 << 20)) {
            throw new IOException(f + ": larger than 4 MiB, not a quality profile");
        }
        try {
            return JSON.readValue(f.toFile(), QualityProfile.class);
        } catch (IOException | IllegalArgumentException e) {
            throw new IOException(f + ": unreadable: " + e.getMessage(), e);
        }
    }

    /** Writes it into {@code dir} (temp file and rename). */
    public void write(Path dir) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(this);
        AtomicWrite.write(dir.resolve(FILE_NAME), tmp -> Files.write(tmp, bytes));
    }
}
