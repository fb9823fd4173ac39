package org.brainseg.model.bundle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.brainseg.schemas.ModelRef;
import org.brainseg.schemas.RegistryLayout;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Copying a bundle into the registry: a folder or a zip (with or without one top folder), sealed
 * with every file's SHA-256, and verified later so that a file changed, added or removed after the
 * import is named. Hostile input is refused before anything lands outside the target: zip entries
 * that climb out or are absolute, duplicates, symbolic links, archives that are not zips or empty.
 */
class BundleImportTest {
    static final Instant NOW = Instant.parse("2026-12-07T12:00:00Z");

    @TempDir
    Path tmp;

    Path bundle() throws Exception {
        return BundleReaderTest.writeBratsBundle(tmp.resolve("src/brats_mri_segmentation"), m -> {}, i -> {});
    }

    static void zip(Path zip, String[][] entries) throws IOException {
        try (OutputStream out = Files.newOutputStream(zip); ZipOutputStream z = new ZipOutputStream(out)) {
            for (String[] e : entries) {
                z.putNextEntry(new ZipEntry(e[0]));
                z.write(e[1].getBytes(StandardCharsets.UTF_8));
                z.closeEntry();
            }
        }
    }

    /** The bundle's files as zip entries under {@code prefix}. */
    String[][] entries(Path dir, String prefix) throws IOException {
        try (var s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile)
                    .map(p -> {
                        try {
                            return new String[] {prefix + dir.relativize(p).toString().replace('\\', '/'), Files.readString(p)};
                        } catch (IOException e) {
                            throw new IllegalStateException(e);
                        }
                    })
                    .toArray(String[][]::new);
        }
    }

    @Test
    void shouldCopyAFolderAndSealItWithEveryFilesChecksum() throws Exception {
        Path target = tmp.resolve("registry/v3");
        String name = BundleImport.stage(bundle(), target);
        BundleImport.Manifest m = BundleImport.seal(target, "/somewhere/brats_mri_segmentation", name, NOW);

        assertThat(m.ref()).isEqualTo(new ModelRef(ModelRef.TORCHSCRIPT, "brats_mri_segmentation", "0.3.0"));
        assertThat(m.modelFile()).isEqualTo("models/model.ts");
        assertThat(m.files()).containsOnlyKeys("configs/inference.json", "configs/metadata.json", "models/model.ts");
        assertThat(m.files().values()).allMatch(sha -> sha.matches("[0-9a-f]{64}"));
        assertThat(m.importedAt()).isEqualTo("2026-12-07T12:00:00Z");
        assertThat(BundleImport.isImported(target)).isTrue();
        assertThat(BundleImport.verify(target)).isEqualTo(m);
        assertThat(BundleImport.read(target)).isEqualTo(m);
        assertThat(BundleReader.read(target).name()).as("the registry copy keeps the bundle's name, not its folder's")
                .isEqualTo("brats_mri_segmentation");
    }

    @ParameterizedTest(name = "prefix ''{0}''")
    @ValueSource(strings = {"", "brats_mri_segmentation/"})
    void shouldExtractAZipWithOrWithoutOneTopFolder(String prefix) throws Exception {
        Path zip = tmp.resolve("bundle.zip");
        zip(zip, entries(bundle(), prefix));
        Path target = tmp.resolve("registry/v4");
        String name = BundleImport.stage(zip, target);
        assertThat(name).isEqualTo(prefix.isEmpty() ? "bundle" : "brats_mri_segmentation");
        assertThat(target.resolve("configs/metadata.json")).isRegularFile();
        assertThat(target.resolve("models/model.ts")).hasContent("not read by the reader");
        assertThat(BundleImport.seal(target, zip.toString(), name, NOW).name()).isEqualTo(name);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"../evil.txt", "configs/../../evil.txt", "/etc/evil.txt", "configs\\..\\..\\evil.txt", "C:/evil.txt"})
    void shouldRefuseAZipEntryThatEscapesTheFolder(String name) throws Exception {
        Path zip = tmp.resolve("hostile.zip");
        zip(zip, new String[][] {{"configs/metadata.json", "{}"}, {name, "pwned"}});
        Path target = tmp.resolve("registry/sub/v5");
        assertThatThrownBy(() -> BundleImport.stage(zip, target))
                .isInstanceOf(BundleException.class)
                .hasMessageContaining(name)
                .hasMessageContaining("escapes the bundle folder");
        assertThat(tmp.resolve("registry/sub/evil.txt")).doesNotExist();
        assertThat(tmp.resolve("registry/evil.txt")).doesNotExist();
        assertThat(Path.of("/etc/evil.txt")).doesNotExist();
    }

    @Test
    void shouldRefuseADuplicateEntryAnEmptyZipAndAFileThatIsNoZip() throws Exception {
        Path dup = tmp.resolve("dup.zip");
        try (OutputStream out = Files.newOutputStream(dup); ZipOutputStream z = new ZipOutputStream(out)) {
            z.putNextEntry(new ZipEntry("models/model.ts"));
            z.write(1);
            z.closeEntry();
            z.putNextEntry(new ZipEntry("models/./model.ts")); // the same file under another spelling
            z.write(2);
            z.closeEntry();
        }
        assertThatThrownBy(() -> BundleImport.stage(dup, tmp.resolve("a")))
                .isInstanceOf(BundleException.class).hasMessageContaining("appears twice");

        Path empty = tmp.resolve("empty.zip");
        zip(empty, new String[0][]);
        assertThatThrownBy(() -> BundleImport.stage(empty, tmp.resolve("b")))
                .isInstanceOf(BundleException.class).hasMessageContaining("empty archive");

        Path text = tmp.resolve("notes.zip");
        Files.writeString(text, "this is not a zip archive at all");
        assertThatThrownBy(() -> BundleImport.stage(text, tmp.resolve("c")))
                .isInstanceOf(BundleException.class).hasMessageContaining("notes.zip");

        assertThatThrownBy(() -> BundleImport.stage(tmp.resolve("nowhere"), tmp.resolve("d")))
                .isInstanceOf(BundleException.class).hasMessageContaining("no such file or folder");
        Path tarball = Files.writeString(tmp.resolve("bundle.tar"), "x");
        assertThatThrownBy(() -> BundleImport.stage(tarball, tmp.resolve("e")))
                .isInstanceOf(BundleException.class).hasMessageContaining("not a bundle folder or .zip");
    }

    @Test
    void shouldRefuseASymbolicLinkInsideTheFolder() throws Exception {
        Path dir = bundle();
        Path secret = Files.writeString(tmp.resolve("secret.txt"), "outside the bundle");
        Files.createSymbolicLink(dir.resolve("configs/extra.json"), secret);
        Path target = tmp.resolve("registry/v6");
        assertThatThrownBy(() -> BundleImport.stage(dir, target))
                .isInstanceOf(BundleException.class)
                .hasMessageContaining("extra.json")
                .hasMessageContaining("symbolic link");
        try (var s = Files.walk(target)) {
            assertThat(s.filter(Files::isRegularFile)).as("nothing copied before the refusal").isEmpty();
        }
    }

    @Test
    void shouldRefuseATargetThatIsNotEmpty() throws Exception {
        Path target = Files.createDirectories(tmp.resolve("registry/v7"));
        Files.writeString(target.resolve("weights.params"), "a native version");
        assertThatThrownBy(() -> BundleImport.stage(bundle(), target)).hasMessageContaining("not empty");
        assertThat(target.resolve("weights.params")).hasContent("a native version");
    }

    @Test
    void shouldNameAFileChangedAddedOrRemovedAfterTheImport() throws Exception {
        Path target = tmp.resolve("registry/v8");
        BundleImport.seal(target, "src", BundleImport.stage(bundle(), target), NOW);

        Files.writeString(target.resolve("models/model.ts"), "swapped network");
        assertThatThrownBy(() -> BundleImport.verify(target))
                .isInstanceOf(BundleException.class).hasMessageContaining("model.ts").hasMessageContaining("changed after the import");
        Files.writeString(target.resolve("models/model.ts"), "not read by the reader");
        assertThat(BundleImport.verify(target).name()).isEqualTo("brats_mri_segmentation");

        Files.writeString(target.resolve("models/extra.ts"), "smuggled");
        assertThatThrownBy(() -> BundleImport.verify(target)).hasMessageContaining("extra.ts").hasMessageContaining("added after");
        Files.delete(target.resolve("models/extra.ts"));

        Files.delete(target.resolve("configs/inference.json"));
        assertThatThrownBy(() -> BundleImport.verify(target)).hasMessageContaining("inference.json").hasMessageContaining("missing");
    }

    @ParameterizedTest(name = "manifest ''{0}''")
    @ValueSource(strings = {"", "not json", "{}", "{\"name\":\"x\",\"version\":\"1\",\"modelFile\":\"models/model.ts\"}", "[1,2,3]"})
    void shouldRefuseABrokenImportManifest(String content) throws Exception {
        Path target = Files.createDirectories(tmp.resolve("registry/v9"));
        Files.writeString(target.resolve(RegistryLayout.IMPORT_MANIFEST_FILE), content);
        assertThatThrownBy(() -> BundleImport.verify(target))
                .isInstanceOf(BundleException.class).hasMessageContaining(RegistryLayout.IMPORT_MANIFEST_FILE);
    }
}
