package org.brainseg.client.watch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.brainseg.client.submit.ScanSubmitter;
import org.brainseg.imaging.dataset.Case;
import org.brainseg.imaging.dataset.DatasetLayout;
import org.brainseg.imaging.dataset.DatasetScan;
import org.brainseg.imaging.dataset.DatasetScanner;
import org.brainseg.imaging.io.AtomicWrite;
import org.brainseg.imaging.io.JsonMappers;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches a drop folder the way a PACS export lands: each sub-folder is one case in a BraTS
 * layout ({@code <case>/<case>_t1.nii.gz}... or {@code <case>/<case>-t1n.nii.gz}...). A case is
 * published once it is <em>complete</em> (all four modalities present) and <em>settled</em>
 * (names, sizes and modification times of its files unchanged for the settle time, and no
 * hidden or {@code .part}/{@code .tmp} file in it, which copy tools write before renaming).
 *
 * <p>Published folders are remembered in a JSON state file written atomically (temp file +
 * rename), so a restart does not publish them again. The state is written after the broker
 * acknowledged the event: a crash in between republishes that one folder (at least once,
 * never lost). A corrupt state file is refused with a {@link StateFileException} rather than
 * replaced, since starting afresh would republish every folder.
 *
 * <p>Pure logic around a {@link Clock} and a {@link Publisher}: tests drive {@link #scanOnce()}
 * with a fake clock and a fake publisher; {@code brainseg watch} wires in a {@link ScanSubmitter}.
 * Not thread-safe: one thread drives it.
 */
public final class DropFolderWatcher {
    /** State file name inside the watched folder unless told otherwise (hidden, so never taken for a case). */
    public static final String DEFAULT_STATE_FILE = ".brainseg-watch.json";
    private static final int STATE_VERSION = 1;
    private static final Logger LOG = LoggerFactory.getLogger(DropFolderWatcher.class);
    private static final ObjectMapper JSON = JsonMappers.plain();

    /** Publishes one complete case and returns the scan id it was published under. */
    @FunctionalInterface
    public interface Publisher {
        String publish(Case c) throws Exception;
    }

    /**
     * What one pass over the folder found.
     *
     * @param published  folders published in this pass, with their scan ids
     * @param settling   complete folders still changing or not yet quiet for the settle time
     * @param incomplete folders without all four modalities (yet)
     * @param failed     folders whose publication failed in this pass, with the reason; retried next pass
     */
    public record Pass(Map<String, String> published, List<String> settling, List<String> incomplete, Map<String, String> failed) {
        public Pass {
            published = Collections.unmodifiableMap(new LinkedHashMap<>(published));
            settling = List.copyOf(settling);
            incomplete = List.copyOf(incomplete);
            failed = Collections.unmodifiableMap(new LinkedHashMap<>(failed));
        }
    }

    /** The state file cannot be read as a watch state; the message names the file and what to do. */
    public static final class StateFileException extends IOException {
        private static final long serialVersionUID = 1L;

        StateFileException(Path file, String problem, Throwable cause) {
            super(file + ": " + problem + "; fix it, or delete it to publish every complete folder again", cause);
        }
    }

    private record Published(String scanId, Instant publishedAt) {}

    /** Files of a folder as (name, size, mtime): any copy in progress changes it. */
    private record Fingerprint(Map<String, List<Long>> files, Instant newest, boolean inProgress) {}

    private record Observation(Fingerprint fingerprint, Instant stableSince) {}

    private final Path dir;
    private final Duration settle;
    private final Path stateFile;
    private final Clock clock;
    private final Publisher publisher;
    private final Map<String, Published> published;
    private final Map<String, Observation> observed = new HashMap<>();
    private final Map<String, String> lastFailure = new HashMap<>();

    /**
     * @param dir       the drop folder; must exist
     * @param settle    how long a complete folder must stay unchanged before it is published
     * @param stateFile where published folders are remembered ({@code null}: {@value #DEFAULT_STATE_FILE} in {@code dir})
     * @throws NoSuchFileException if {@code dir} does not exist
     * @throws StateFileException  if the state file exists but is not a valid state
     */
    public DropFolderWatcher(Path dir, Duration settle, Path stateFile, Clock clock, Publisher publisher) throws IOException {
        if (!Files.exists(dir)) {
            throw new NoSuchFileException(dir.toString(), null, "no such directory");
        }
        if (!Files.isDirectory(dir)) {
            throw new NotDirectoryException(dir.toString());
        }
        if (settle.isNegative()) {
            throw new IllegalArgumentException("settle time must not be negative, got " + settle);
        }
        this.dir = dir;
        this.settle = settle;
        this.stateFile = stateFile == null ? dir.resolve(DEFAULT_STATE_FILE) : stateFile;
        this.clock = clock;
        this.publisher = publisher;
        this.published = load(this.stateFile);
    }

    /** Folder names published so far (this run and earlier ones). */
    public Set<String> published() {
        return Collections.unmodifiableSet(published.keySet());
    }

    public Path stateFile() {
        return stateFile;
    }

    /** One pass: looks at every folder not yet published and publishes those complete and settled. */
    public Pass scanOnce() throws IOException {
        Instant now = clock.instant();
        Map<String, String> done = new LinkedHashMap<>();
        List<String> settling = new ArrayList<>();
        List<String> incomplete = new ArrayList<>();
        Map<String, String> failed = new LinkedHashMap<>();
        List<Path> folders;
        try (Stream<Path> s = Files.list(dir)) {
            folders = s.filter(Files::isDirectory).filter(p -> !p.getFileName().toString().startsWith(".")).sorted().toList();
        }
        observed.keySet().retainAll(folders.stream().map(p -> p.getFileName().toString()).toList());
        for (Path folder : folders) {
            String name = folder.getFileName().toString();
            if (published.containsKey(name)) {
                continue;
            }
            Fingerprint fp;
            Case c;
            try {
                fp = fingerprint(folder);
                c = completeCase(folder);
            } catch (NoSuchFileException e) {
                continue; // removed while we looked
            }
            Observation before = observed.get(name);
            Observation now0 = before != null && before.fingerprint().equals(fp) ? before
                    // first sight: quiet since its newest file was written (so a restart or --once need
                    // not wait again for folders that settled long ago); any change restarts the clock
                    : new Observation(fp, before == null ? min(now, fp.newest()) : now);
            observed.put(name, now0);
            if (c == null) {
                incomplete.add(name);
            } else if (fp.inProgress() || Duration.between(now0.stableSince(), now).compareTo(settle) < 0) {
                settling.add(name);
            } else {
                try {
                    String scanId = publisher.publish(c);
                    published.put(name, new Published(scanId, now));
                    save();
                    done.put(name, scanId);
                    lastFailure.remove(name);
                    LOG.info("published {} as scan {}", folder, scanId);
                } catch (IOException e) {
                    throw e; // the state file cannot be written: stop rather than republish later
                } catch (Exception e) {
                    String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
                    failed.put(name, why);
                    if (!why.equals(lastFailure.put(name, why))) {
                        LOG.warn("cannot publish {}, will retry: {}", folder, why);
                    }
                }
            }
        }
        return new Pass(done, settling, incomplete, failed);
    }

    /** Passes every {@code interval} until {@code keepGoing} says stop; each pass is handed to {@code onPass}. */
    public void run(Duration interval, BooleanSupplier keepGoing, Consumer<Pass> onPass) throws IOException, InterruptedException {
        while (keepGoing.getAsBoolean()) {
            onPass.accept(scanOnce());
            Thread.sleep(interval.toMillis());
        }
    }

    /** The case in a folder when all four modalities are there; null otherwise. */
    private static Case completeCase(Path folder) throws NoSuchFileException {
        DatasetScan scan;
        try {
            scan = DatasetScanner.scan(folder);
        } catch (NoSuchFileException e) {
            throw e;
        } catch (IOException e) {
            return null; // no image of a case yet
        }
        if (scan.layout() == DatasetLayout.MSD || scan.cases().size() != 1) {
            return null;
        }
        return scan.cases().get(0);
    }

    private static Fingerprint fingerprint(Path folder) throws IOException {
        Map<String, List<Long>> files = new TreeMap<>();
        Instant newest = Files.getLastModifiedTime(folder).toInstant();
        boolean inProgress = false;
        try (Stream<Path> s = Files.walk(folder, 2)) {
            for (Path p : s.toList()) {
                if (p.equals(folder)) {
                    continue;
                }
                BasicFileAttributes a;
                try {
                    a = Files.readAttributes(p, BasicFileAttributes.class);
                } catch (NoSuchFileException e) {
                    inProgress = true; // renamed or removed while we looked: a copy is running
                    continue;
                }
                String rel = folder.relativize(p).toString();
                String base = p.getFileName().toString();
                inProgress |= base.startsWith(".") || base.endsWith(".part") || base.endsWith(".tmp") || base.endsWith(".partial");
                Instant m = a.lastModifiedTime().toInstant();
                newest = m.isAfter(newest) ? m : newest;
                files.put(rel, List.of(a.isDirectory() ? -1L : a.size(), m.toEpochMilli()));
            }
        }
        return new Fingerprint(files, newest, inProgress);
    }

    private static Instant min(Instant a, Instant b) {
        return a.isBefore(b) ? a : b;
    }

    private static Map<String, Published> load(Path file) throws IOException {
        Map<String, Published> out = new TreeMap<>();
        if (!Files.exists(file)) {
            return out;
        }
        JsonNode root;
        try {
            root = JSON.readTree(file.toFile());
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            String where = e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr() + ", column "
                    + e.getLocation().getColumnNr();
            throw new StateFileException(file, "not valid JSON" + where, e);
        }
        if (root == null || !root.isObject() || root.path("version").asInt(-1) != STATE_VERSION
                || !root.path("published").isObject()) {
            throw new StateFileException(file, "not a brainseg watch state (expected {\"version\": 1, \"published\": {...}})", null);
        }
        var it = root.get("published").fields();
        while (it.hasNext()) {
            var e = it.next();
            JsonNode v = e.getValue();
            try {
                out.put(e.getKey(), new Published(v.get("scanId").asText(), Instant.parse(v.get("publishedAt").asText())));
            } catch (RuntimeException ex) {
                throw new StateFileException(file, "entry " + e.getKey() + " needs scanId and publishedAt", ex);
            }
        }
        return out;
    }

    /** Writes the whole state to a temp file beside it and renames it into place: never half-written. */
    private void save() throws IOException {
        ObjectNode root = JSON.createObjectNode();
        root.put("version", STATE_VERSION);
        root.put("directory", dir.toAbsolutePath().toString());
        ObjectNode pub = root.putObject("published");
        new TreeMap<>(published).forEach((name, p) -> {
            ObjectNode n = pub.putObject(name);
            n.put("scanId", p.scanId());
            n.put("publishedAt", p.publishedAt().toString());
        });
        AtomicWrite.write(stateFile, tmp -> JSON.writerWithDefaultPrettyPrinter().writeValue(tmp.toFile(), root));
    }
}
