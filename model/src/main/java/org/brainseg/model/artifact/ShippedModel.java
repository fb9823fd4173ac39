package org.brainseg.model.artifact;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import org.brainseg.imaging.io.FileTrees;

/**
 * The default model shipped with brainseg (top-level {@code models/default/}: parameters,
 * model.json, model card), packed into the model jar. {@code brainseg segment} without
 * {@code --model} uses it, the trainer seeds an empty registry with it and the demo serves it
 * from its first scan. Trained on synthetic data only: not for clinical use (see its
 * MODEL_CARD.md).
 *
 * <p>DJL loads parameters from files, so the first use extracts the model into
 * {@code <java.io.tmpdir>/brainseg-shipped-<sha256 prefix>/} (atomically; concurrent first uses
 * are safe); later uses find it there without copying, and every load verifies it like any model
 * directory.
 */
public final class ShippedModel {
    /** Where the files are on the class path. */
    public static final String RESOURCE_DIR = "org/brainseg/model/shipped/";
    /** The model card beside model.json. */
    public static final String CARD_FILE = "MODEL_CARD.md";
    private static final List<String> FILES = List.of(ModelManifest.FILE_NAME, ModelArtifact.PARAMS_FILE, CARD_FILE);

    private ShippedModel() {}

    /** Whether this build contains the shipped model. */
    public static boolean available() {
        return ShippedModel.class.getClassLoader().getResource(RESOURCE_DIR + ModelManifest.FILE_NAME) != null;
    }

    /**
     * The shipped model as a verified model directory.
     *
     * @throws ModelArtifactException if this build has none, or its files fail verification
     */
    public static Path directory() throws ModelArtifactException {
        return directory(Path.of(System.getProperty("java.io.tmpdir")));
    }

    static Path directory(Path parent) throws ModelArtifactException {
        Path where = parent.resolve("brainseg-shipped-model");
        if (!available()) {
            throw new ModelArtifactException(where, "this build of brainseg has no shipped model (models/default was "
                    + "missing when it was built); pass --model DIR");
        }
        Path tmp = null;
        try {
            // Extracted before (any earlier run): use it as it is; loading it verifies its sha256.
            Path extracted = parent.resolve("brainseg-shipped-" + packedSha256().substring(0, 16));
            if (Files.isRegularFile(extracted.resolve(ModelManifest.FILE_NAME))) {
                refreshQuality(extracted); // an extraction by an older build may lack it, or hold an older one
                return extracted;
            }
            Files.createDirectories(parent);
            tmp = Files.createTempDirectory(parent, ".brainseg-shipped-");
            for (String f : FILES) {
                try (InputStream in = ShippedModel.class.getClassLoader().getResourceAsStream(RESOURCE_DIR + f)) {
                    if (in == null) {
                        throw new ModelArtifactException(tmp.resolve(f), "missing from the shipped model in the jar");
                    }
                    Files.copy(in, tmp.resolve(f));
                }
            }
            refreshQuality(tmp);
            ModelManifest m = ModelArtifact.readManifest(tmp);
            String sha = ModelArtifact.sha256(tmp.resolve(m.paramsFile()));
            if (!sha.equals(m.paramsSha256())) {
                throw new ModelArtifactException(tmp.resolve(m.paramsFile()), "the shipped parameters have sha256 " + sha
                        + ", model.json says " + m.paramsSha256() + " (a broken build)");
            }
            Path target = parent.resolve("brainseg-shipped-" + sha.substring(0, 16));
            if (!Files.isRegularFile(target.resolve(ModelManifest.FILE_NAME))) {
                try {
                    Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
                    tmp = null;
                } catch (FileAlreadyExistsException | java.nio.file.DirectoryNotEmptyException e) {
                    // another process extracted it first: theirs is identical
                } catch (AtomicMoveNotSupportedException e) {
                    throw new ModelArtifactException(target, "cannot extract the shipped model: " + e.getMessage(), e);
                }
            }
            ModelArtifact.readManifest(target);
            return target;
        } catch (ModelArtifactException e) {
            throw e;
        } catch (IOException e) {
            throw new ModelArtifactException(where, "cannot extract the shipped model: " + e.getMessage(), e);
        } finally {
            if (tmp != null) {
                deleteQuietly(tmp);
            }
        }
    }

    /**
     * Writes the packed quality profile (quality.json, optional: a build without one has none) into
     * {@code dir} unless it is there with the same bytes.
     */
    private static void refreshQuality(Path dir) throws IOException {
        byte[] packed;
        try (InputStream in = ShippedModel.class.getClassLoader().getResourceAsStream(RESOURCE_DIR + ModelArtifact.QUALITY_FILE)) {
            if (in == null) {
                return;
            }
            packed = in.readAllBytes();
        }
        Path f = dir.resolve(ModelArtifact.QUALITY_FILE);
        if (!Files.isRegularFile(f) || !java.util.Arrays.equals(Files.readAllBytes(f), packed)) {
            org.brainseg.imaging.io.AtomicWrite.write(f, packed);
        }
    }

    /** params.sha256 of the packed model.json, read from the jar without extracting anything. */
    private static String packedSha256() throws IOException {
        try (InputStream in = ShippedModel.class.getClassLoader().getResourceAsStream(RESOURCE_DIR + ModelManifest.FILE_NAME)) {
            String sha = in == null ? "" : ModelManifest.JSON.readTree(in).path("params").path("sha256").asText("");
            if (!sha.matches("[0-9a-f]{64}")) {
                throw new IOException("the packed model.json names no params.sha256 (a broken build)");
            }
            return sha;
        }
    }

    private static void deleteQuietly(Path dir) {
        try {
            FileTrees.delete(dir);
        } catch (IOException e) {
            // a leftover temp directory is harmless
        }
    }
}
