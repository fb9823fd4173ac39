package org.brainseg.pacs.ingest;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.brainseg.imaging.io.AtomicWrite;
import org.brainseg.imaging.io.JsonMappers;

/**
 * The bridge's durable place in the PACS's change feed, and the studies it announced (with the
 * fingerprint of the series it took, so that a study becoming stable again, for instance when
 * our own SEG is added to it, is not announced twice). Written atomically after each change has
 * been published, so that a restart neither skips a study (saved only after the publish) nor,
 * apart from a crash in between, repeats one (and then the repeat carries the same eventId).
 *
 * @param since     the last change sequence number fully handled
 * @param announced fingerprint of the announced series per Orthanc study id, oldest first
 */
public record PositionFile(long since, Map<String, String> announced) {
    /** Studies remembered; beyond it the oldest are forgotten (a study changed years later is announced again). */
    public static final int MAX_STUDIES = 100_000;
    private static final ObjectMapper JSON = JsonMappers.plain();

    public PositionFile {
        announced = new LinkedHashMap<>(announced);
    }

    public static PositionFile start() {
        return new PositionFile(0, Map.of());
    }

    /** The saved position, or the start of the feed when there is no file yet. */
    public static PositionFile load(Path file) throws IOException {
        if (!Files.exists(file)) {
            return start();
        }
        try {
            return JSON.readValue(file.toFile(), PositionFile.class);
        } catch (IOException e) {
            throw new IOException("the position file " + file + " is unreadable (" + e.getMessage()
                    + "); fix or delete it (deleting it re-reads the whole change feed)", e);
        }
    }

    public void save(Path file) throws IOException {
        AtomicWrite.write(file, JSON.writeValueAsBytes(this));
    }

    public boolean alreadyAnnounced(String study, String fingerprint) {
        return fingerprint.equals(announced.get(study));
    }

    /** This position moved past {@code seq}, with {@code study} announced under {@code fingerprint} (null: none). */
    public PositionFile after(long seq, String study, String fingerprint) {
        Map<String, String> a = new LinkedHashMap<>(announced);
        if (study != null && fingerprint != null) {
            a.remove(study);
            a.put(study, fingerprint);
            while (a.size() > MAX_STUDIES) {
                a.remove(a.keySet().iterator().next());
            }
        }
        return new PositionFile(Math.max(since, seq), a);
    }
}
