package org.brainseg.service.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.brainseg.service.store.StoreAccessException.Reason;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Paths stay inside the configured roots, whatever the URI tries. */
class LocalFileStoreTest {
    @TempDir
    Path tmp;

    Path root;
    Path outside;
    LocalFileStore store;

    @BeforeEach
    void setUp() throws IOException {
        root = Files.createDirectories(tmp.resolve("scans"));
        outside = Files.createDirectories(tmp.resolve("secret"));
        Files.writeString(root.resolve("ok.nii.gz"), "x");
        Files.writeString(outside.resolve("passwd.nii"), "x");
        store = new LocalFileStore(List.of(root), tmp.resolve("out"));
    }

    private String uri(Path p) {
        return p.toUri().toString();
    }

    private void assertRefused(String uri, Reason reason, String fragment) {
        assertThatThrownBy(() -> store.resolveInput(uri))
                .isInstanceOf(StoreAccessException.class)
                .satisfies(e -> assertThat(((StoreAccessException) e).reason()).isEqualTo(reason))
                .hasMessageContaining(fragment);
    }

    @Test
    void shouldResolveAFileUnderARoot() throws IOException {
        assertThat(store.resolveInput(uri(root.resolve("ok.nii.gz")))).isEqualTo(root.resolve("ok.nii.gz").toRealPath());
        assertThat(store.resolveInput("file://localhost" + root.resolve("ok.nii.gz"))).isNotNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://example.org/a.nii.gz", "https://x/y", "ftp://h/f", "jar:file:/a.jar!/x", "data:,abc", "s3://bucket/key"})
    void shouldRefuseOtherSchemes(String u) {
        assertRefused(u, Reason.URI_NOT_ALLOWED, "only file: URIs");
    }

    @ParameterizedTest
    @ValueSource(strings = {"scans/ok.nii.gz", "ok.nii.gz", "file:ok.nii.gz", "file:scans/ok.nii.gz", ""})
    void shouldRefuseRelativeReferences(String u) {
        assertThatThrownBy(() -> store.resolveInput(u)).isInstanceOf(StoreAccessException.class)
                .satisfies(e -> assertThat(((StoreAccessException) e).reason()).isEqualTo(Reason.URI_NOT_ALLOWED));
    }

    @Test
    void shouldRefuseDotDotEvenWhenEncoded() {
        assertRefused("file://" + root + "/../secret/passwd.nii", Reason.URI_NOT_ALLOWED, "..");
        assertRefused("file://" + root + "/%2e%2e/secret/passwd.nii", Reason.URI_NOT_ALLOWED, "..");
        assertRefused("file://" + root + "/./ok.nii.gz", Reason.URI_NOT_ALLOWED, "'.'");
    }

    @Test
    void shouldRefuseFilesOutsideTheRoots() {
        assertRefused(uri(outside.resolve("passwd.nii")), Reason.URI_NOT_ALLOWED, "outside the allowed roots");
        assertRefused("file:///etc/passwd", Reason.URI_NOT_ALLOWED, "outside");
    }

    @Test
    void shouldRefuseSymlinksLeavingTheRoot() throws IOException {
        Files.createSymbolicLink(root.resolve("link.nii"), outside.resolve("passwd.nii"));
        Files.createSymbolicLink(root.resolve("dirlink"), outside);
        assertRefused(uri(root.resolve("link.nii")), Reason.URI_NOT_ALLOWED, "symbolic link");
        assertRefused("file://" + root + "/dirlink/passwd.nii", Reason.URI_NOT_ALLOWED, "symbolic link");
    }

    @Test
    void shouldAcceptSymlinksStayingInside() throws IOException {
        Files.createSymbolicLink(root.resolve("alias.nii.gz"), root.resolve("ok.nii.gz"));
        assertThat(store.resolveInput(uri(root.resolve("alias.nii.gz")))).isEqualTo(root.resolve("ok.nii.gz").toRealPath());
    }

    @Test
    void shouldRefuseDirectoriesMissingFilesAndOddSyntax() {
        assertRefused(uri(root), Reason.NOT_A_FILE, "directory");
        assertRefused(uri(root.resolve("absent.nii.gz")), Reason.FILE_MISSING, "no such file");
        assertRefused("file://evil.example.org" + root + "/ok.nii.gz", Reason.URI_NOT_ALLOWED, "another host");
        assertRefused(uri(root.resolve("ok.nii.gz")) + "?x=1", Reason.URI_NOT_ALLOWED, "query");
        assertRefused("file:///a b", Reason.URI_NOT_ALLOWED, "malformed");
    }

    @Test
    void shouldRefuseDeviceFiles() throws IOException {
        LocalFileStore dev = new LocalFileStore(List.of(Path.of("/dev")), tmp.resolve("out2"));
        assertThatThrownBy(() -> dev.resolveInput("file:///dev/zero"))
                .isInstanceOf(StoreAccessException.class).hasMessageContaining("device, FIFO");
        Files.createSymbolicLink(root.resolve("zero.nii"), Path.of("/dev/zero"));
        assertRefused(uri(root.resolve("zero.nii")), Reason.URI_NOT_ALLOWED, "symbolic link");
    }

    @Test
    void shouldRefuseFifosWithoutBlocking() throws Exception {
        Path fifo = root.resolve("pipe.nii");
        Process p = new ProcessBuilder("mkfifo", fifo.toString()).start();
        assumeTrue(p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0, "mkfifo unavailable");
        assertRefused(uri(fifo), Reason.NOT_A_FILE, "FIFO");
    }

    @Test
    void shouldPutMasksAtADeterministicPath() {
        Path a = store.maskPath("BraTS20_001", 3);
        assertThat(a).isEqualTo(store.maskPath("BraTS20_001", 3));
        assertThat(a.toString()).endsWith("BraTS20_001/v3/BraTS20_001_seg.nii.gz");
        assertThatThrownBy(() -> store.maskPath("../etc", 1)).hasMessageContaining("scanId");
        assertThatThrownBy(() -> store.maskPath(".hidden", 1)).hasMessageContaining("scanId");
        assertThatThrownBy(() -> store.maskPath("a/b", 1)).hasMessageContaining("scanId");
        assertThatThrownBy(() -> store.maskPath("ok", 0)).hasMessageContaining("version");
    }
}
