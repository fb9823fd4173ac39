package org.brainseg.model.bundle;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipInputStream;
import org.brainseg.imaging.io.AtomicWrite;
import org.brainseg.imaging.io.JsonMappers;
import org.brainseg.imaging.io.Sha256;
import org.brainseg.schemas.ModelRef;
import org.brainseg.schemas.RegistryLayout;

/**
 * Brings a model trained elsewhere into a registry version directory, and checks one there.
 *
 * <p>{@link #stage} copies a bundle folder, or extracts a bundle {@code .zip} as the MONAI Model
 * Zoo ships them, into an empty directory. It refuses what could write or read outside that
 * directory or exhaust the disk: archive entries that escape the folder (absolute paths,
 * {@code ..}), symbolic links and other non-regular files, more than {@link #MAX_FILES} files or
 * {@link #MAX_BYTES} bytes. A zip whose files sit in one top folder ({@code brats_mri_segmentation/configs/...})
 * is unwrapped. Then {@link #seal} writes {@value RegistryLayout#IMPORT_MANIFEST_FILE}: the
 * model's name and version and the SHA-256 of every file, which {@link #verify} checks before a
 * worker serves the version.
 */
public final class BundleImport {
    /** A bundle holds a handful of configs and one network; thousands of files are an attack or a mistake. */
    public static final int MAX_FILES = 1_000;
    /** 4 GiB: the largest TorchScript networks in the MONAI Model Zoo are a few hundred MB. */
    public static final long MAX_BYTES = 4L << 30;
    private static final ObjectMapper JSON = JsonMappers.indented();

    private BundleImport() {}

    /**
     * The import manifest of a version directory.
     *
     * @param kind       always {@value ModelRef#TORCHSCRIPT}
     * @param name       the network's own name (metadata.json or the override file)
     * @param version    the network's own version
     * @param modelFile  the TorchScript, relative to the version directory
     * @param importedFrom where the bundle came from (a path, for the record)
     * @param importedAt ISO-8601 instant
     * @param files      relative path (with {@code /}) to lowercase hex SHA-256, every file but this manifest
     */
    public record Manifest(String kind, String name, String version, String modelFile, String importedFrom,
            String importedAt, Map<String, String> files) {
        public ModelRef ref() {
            return new ModelRef(kind, name, version);
        }
    }

    /**
     * Copies the bundle at {@code source} (a folder or a {@code .zip}) into {@code target}, which
     * must not exist yet or be empty.
     *
     * @return the bundle's own folder name (of the folder, the zip's single top folder, or the zip
     *     without {@code .zip}), to name a network that states no name
     * @throws BundleException when the source is not a bundle brainseg may copy (naming the entry)
     */
    public static String stage(Path source, Path target) throws BundleException, IOException {
        if (Files.isDirectory(target)) {
            try (Stream<Path> s = Files.list(target)) {
                if (s.findAny().isPresent()) {
                    throw new IOException(target + ": not empty");
                }
            }
        }
        Files.createDirectories(target);
        if (Files.exists(source)) {
            source = source.toRealPath(); // the path given may be a link to the bundle; links inside it are refused
        }
        String file = source.getFileName() == null ? "bundle" : source.getFileName().toString();
        if (Files.isDirectory(source, LinkOption.NOFOLLOW_LINKS)) {
            copyFolder(source, target);
            return file;
        } else if (Files.isRegularFile(source) && file.toLowerCase(java.util.Locale.ROOT).endsWith(".zip")) {
            extract(source, target);
            String top = unwrap(target);
            return top != null ? top : file.substring(0, file.length() - ".zip".length());
        } else {
            throw new BundleException(source, "", Files.exists(source) ? "not a bundle folder or .zip"
                    : "no such file or folder");
        }
    }

    private static void copyFolder(Path source, Path target) throws BundleException, IOException {
        List<Path> files = new ArrayList<>();
        long bytes = 0;
        try (Stream<Path> s = Files.walk(source)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                if (Files.isSymbolicLink(p)) {
                    throw new BundleException(p, "", "a symbolic link; a bundle is copied as plain files only (it could point "
                            + "outside the folder)");
                }
                if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                    continue;
                }
                if (!Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
                    throw new BundleException(p, "", "not a regular file");
                }
                files.add(p);
                bytes += Files.size(p);
                checkLimits(p, files.size(), bytes);
            }
        }
        for (Path p : files) {
            Path to = target.resolve(source.relativize(p).toString());
            Files.createDirectories(to.getParent());
            Files.copy(p, to, StandardCopyOption.COPY_ATTRIBUTES);
        }
    }

    private static void extract(Path zip, Path target) throws BundleException, IOException {
        Path root = target.toAbsolutePath().normalize();
        int count = 0;
        long bytes = 0;
        byte[] buf = new byte[1 << 16];
        try (InputStream in = Files.newInputStream(zip); ZipInputStream z = new ZipInputStream(in)) {
            ZipEntry e;
            while ((e = z.getNextEntry()) != null) {
                String name = e.getName();
                Path to = root.resolve(name).normalize();
                if (name.isEmpty() || name.startsWith("/") || name.contains("\\") || name.contains(":")
                        || !to.startsWith(root) || to.equals(root)) {
                    throw new BundleException(zip, name, "an archive entry that escapes the bundle folder; refused");
                }
                if (e.isDirectory()) {
                    Files.createDirectories(to);
                    continue;
                }
                count++;
                checkLimits(zip, count, bytes);
                Files.createDirectories(to.getParent());
                try (OutputStream out = Files.newOutputStream(to, java.nio.file.StandardOpenOption.CREATE_NEW)) {
                    int n;
                    while ((n = z.read(buf)) > 0) {
                        bytes += n;
                        checkLimits(zip, count, bytes);
                        out.write(buf, 0, n);
                    }
                } catch (java.nio.file.FileAlreadyExistsException x) {
                    throw new BundleException(zip, name, "an archive entry that appears twice; refused");
                }
            }
        } catch (ZipException x) {
            throw new BundleException(zip, "", "not a readable zip archive: " + x.getMessage());
        }
        if (count == 0) {
            throw new BundleException(zip, "", "an empty archive");
        }
    }

    /** A zip of {@code name/configs/...}: moves the single top folder's content up and returns its name (else null). */
    private static String unwrap(Path target) throws IOException {
        List<Path> top;
        try (Stream<Path> s = Files.list(target)) {
            top = s.toList();
        }
        if (top.size() != 1 || !Files.isDirectory(top.get(0)) || BundleReader.isBundle(target)) {
            return null;
        }
        Path inner = top.get(0);
        Path moved = target.resolve(".unwrap-" + inner.getFileName());
        Files.move(inner, moved);
        try (Stream<Path> s = Files.list(moved)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                Files.move(p, target.resolve(p.getFileName().toString()));
            }
        }
        Files.delete(moved);
        return inner.getFileName().toString();
    }

    private static void checkLimits(Path where, int files, long bytes) throws BundleException {
        if (files > MAX_FILES) {
            throw new BundleException(where, "", "more than " + MAX_FILES + " files; not a model bundle");
        }
        if (bytes > MAX_BYTES) {
            throw new BundleException(where, "", "more than " + (MAX_BYTES >> 30) + " GiB; not a model bundle");
        }
    }

    /**
     * Reads the staged bundle's contract (refusing what {@link BundleReader} refuses) and writes
     * the import manifest with every file's SHA-256.
     *
     * @param defaultName the name of a network that states none (what {@link #stage} returned)
     * @return the manifest written
     */
    public static Manifest seal(Path dir, String importedFrom, String defaultName, Instant now)
            throws BundleException, IOException {
        BundleContract c = BundleReader.read(dir, defaultName);
        Map<String, String> files = checksums(dir);
        Manifest m = new Manifest(ModelRef.TORCHSCRIPT, c.name(), c.version(),
                relative(dir, BundleReader.modelFile(dir)), importedFrom, now.toString(), files);
        AtomicWrite.write(dir.resolve(RegistryLayout.IMPORT_MANIFEST_FILE), JSON.writeValueAsBytes(m));
        return m;
    }

    /** Whether {@code dir} holds an import manifest (an imported version, not a native one). */
    public static boolean isImported(Path dir) {
        return Files.isRegularFile(dir.resolve(RegistryLayout.IMPORT_MANIFEST_FILE));
    }

    /** The import manifest of a version directory. */
    public static Manifest read(Path dir) throws BundleException {
        Path f = dir.resolve(RegistryLayout.IMPORT_MANIFEST_FILE);
        try {
            Manifest m = JSON.readValue(f.toFile(), Manifest.class);
            if (m.files() == null || m.modelFile() == null || m.name() == null || m.version() == null) {
                throw new BundleException(f, "", "incomplete: files, modelFile, name and version are required");
            }
            return m;
        } catch (IOException e) {
            throw new BundleException(f, "", "unreadable: " + e.getMessage());
        }
    }

    /**
     * Checks that the version directory holds exactly the files its import manifest lists, each
     * with its SHA-256, and returns the manifest.
     *
     * @throws BundleException naming the first file missing, added or changed
     */
    public static Manifest verify(Path dir) throws BundleException {
        Manifest m = read(dir);
        Map<String, String> actual;
        try {
            actual = checksums(dir);
        } catch (IOException e) {
            throw new BundleException(dir, "", "unreadable: " + e.getMessage());
        }
        for (Map.Entry<String, String> e : m.files().entrySet()) {
            String sha = actual.get(e.getKey());
            if (sha == null) {
                throw new BundleException(dir.resolve(e.getKey()), "", "missing (the import manifest lists it)");
            }
            if (!sha.equals(e.getValue())) {
                throw new BundleException(dir.resolve(e.getKey()), "", "sha256 " + sha + " does not match the import "
                        + "manifest's " + e.getValue() + " (changed after the import)");
            }
        }
        for (String f : actual.keySet()) {
            if (!m.files().containsKey(f)) {
                throw new BundleException(dir.resolve(f), "", "not in the import manifest (added after the import)");
            }
        }
        return m;
    }

    private static Map<String, String> checksums(Path dir) throws IOException {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)
                        && !p.equals(dir.resolve(RegistryLayout.IMPORT_MANIFEST_FILE))) {
                    out.put(relative(dir, p), Sha256.ofFile(p));
                }
            }
        }
        return out;
    }

    private static String relative(Path dir, Path p) {
        return dir.relativize(p).toString().replace('\\', '/');
    }
}
