package org.brainseg.model.train;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.brainseg.schemas.RegionValues;

/**
 * Appends one line per epoch: {@code epoch, train_loss, val_loss, dice_<label|region>..., lr, seconds,
 * best}. Flushed after every line so a crashed run still leaves its history.
 */
public final class EpochCsv implements AutoCloseable {
    /** The header line. */
    public static final String HEADER = "epoch,train_loss,val_loss,"
            + String.join(",", RegionValues.KEYS.stream().map(k -> "dice_" + k).toList()) + ",lr,seconds,best";

    private final BufferedWriter out;

    public EpochCsv(Path file) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        out = Files.newBufferedWriter(file);
        out.write(HEADER);
        out.newLine();
        out.flush();
    }

    public void write(EpochResult r) throws IOException {
        StringBuilder s = new StringBuilder();
        s.append(r.epoch()).append(',').append(num(r.trainLoss())).append(',').append(num(r.valLoss()));
        for (String k : RegionValues.KEYS) {
            s.append(',').append(r.valDice() == null ? "" : num(r.valDice().byKey().get(k)));
        }
        s.append(',').append(String.format(Locale.ROOT, "%.6g", r.learningRate()))
                .append(',').append(String.format(Locale.ROOT, "%.2f", r.seconds()))
                .append(',').append(r.best());
        out.write(s.toString());
        out.newLine();
        out.flush();
    }

    private static String num(double v) {
        return Double.isNaN(v) ? "" : String.format(Locale.ROOT, "%.6f", v);
    }

    @Override
    public void close() throws IOException {
        out.close();
    }
}
