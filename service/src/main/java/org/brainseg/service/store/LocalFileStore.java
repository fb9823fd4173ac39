package org.brainseg.service.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Scan files on the local file system, confined to configured roots.
 *
 * <p>An input URI is accepted only if it is an absolute {@code file:} URI without query or
 * fragment, has no {@code ..} segment (encoded or not), lies under an allowed root both as
 * written and after resolving symbolic links, and names a regular file (not a directory,
 * device, FIFO or socket). Masks go to {@code <outputRoot>/<scanId>/v<version>/<scanId>_seg.nii.gz}.
 */
public final class LocalFileStore implements ScanStore {
    /** Scan ids become directory names: letters, digits, dot, dash, underscore; no leading dot. */
    public static final Pattern SCAN_ID = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9._-]{0,127}");

    private final List<Path> roots;
    private final Path outputRoot;

    /**
     * @param inputRoots directories scans may be read from (must exist)
     * @param outputRoot directory masks are written under (created if missing)
     */
    public LocalFileStore(List<Path> inputRoots, Path outputRoot) throws IOException {
        if (inputRoots.isEmpty()) {
            throw new IllegalArgumentException("at least one input root is needed");
        }
        List<Path> real = new ArrayList<>();
        for (Path r : inputRoots) {
            if (!Files.isDirectory(r)) {
                throw new IllegalArgumentException("input root " + r + " is not a directory");
            }
            real.add(r.toRealPath());
        }
        this.roots = List.copyOf(real);
        Files.createDirectories(outputRoot);
        this.outputRoot = outputRoot.toRealPath();
    }

    public List<Path> roots() {
        return roots;
    }

    @Override
    public Path resolveInput(String uriText) throws StoreAccessException {
        Path p;
        try {
            p = FileUris.localPath(uriText);
        } catch (IllegalArgumentException e) {
            throw refused(e.getMessage());
        }
        String path = p.toString();
        if (!underRoot(p)) {
            throw refused(path + " is outside the allowed roots " + roots);
        }
        if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
            throw new StoreAccessException(StoreAccessException.Reason.FILE_MISSING, path + ": no such file");
        }
        Path real;
        try {
            real = p.toRealPath();
        } catch (IOException e) {
            throw new StoreAccessException(StoreAccessException.Reason.FILE_MISSING, path + ": cannot resolve (" + e.getMessage() + ")");
        }
        if (!underRoot(real)) {
            throw refused(path + " resolves through a symbolic link to " + real + ", outside the allowed roots");
        }
        BasicFileAttributes attrs;
        try {
            attrs = Files.readAttributes(real, BasicFileAttributes.class);
        } catch (IOException e) {
            throw new StoreAccessException(StoreAccessException.Reason.FILE_MISSING, path + ": " + e.getMessage());
        }
        if (!attrs.isRegularFile()) {
            String kind = attrs.isDirectory() ? "a directory" : "a device, FIFO or socket";
            throw new StoreAccessException(StoreAccessException.Reason.NOT_A_FILE, path + " is " + kind + ", not a regular file");
        }
        return real;
    }

    private boolean underRoot(Path p) {
        Path n = p.normalize();
        for (Path r : roots) {
            if (n.startsWith(r)) {
                return true;
            }
        }
        return false;
    }

    private static StoreAccessException refused(String why) {
        return new StoreAccessException(StoreAccessException.Reason.URI_NOT_ALLOWED, why);
    }

    @Override
    public Path maskPath(String scanId, int modelVersion) {
        if (scanId == null || !SCAN_ID.matcher(scanId).matches()) {
            throw new IllegalArgumentException("scanId must match " + SCAN_ID.pattern() + ": " + scanId);
        }
        if (modelVersion < 1) {
            throw new IllegalArgumentException("model version must be positive: " + modelVersion);
        }
        return outputRoot.resolve(scanId).resolve("v" + modelVersion).resolve(scanId + "_seg.nii.gz");
    }
}
