package org.brainseg.client.watch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.brainseg.imaging.dataset.DatasetLayout;
import org.brainseg.imaging.dataset.Modality;
import org.brainseg.service.kafka.BrokerUnavailableException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The drop-folder rules without a broker: a fake clock, a fake publisher, files named like BraTS cases. */
class DropFolderWatcherTest {
    static final Instant T0 = Instant.parse("2025-01-01T10:00:00Z");
    static final Duration SETTLE = Duration.ofSeconds(10);

    @TempDir
    Path drop;

    final FakeClock clock = new FakeClock(T0);
    final List<String> publishedCases = new ArrayList<>();
    final DropFolderWatcher.Publisher publisher = c -> {
        publishedCases.add(c.id());
        return "scan-" + c.id();
    };

    /** A mutable clock: tests move time by hand. */
    static final class FakeClock extends Clock {
        Instant now;

        FakeClock(Instant now) {
            this.now = now;
        }

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }
    }

    /** A BraTS 2020 case folder with the given modalities (only names matter here), every file modified at {@code mtime}. */
    private Path caseFolder(String id, Instant mtime, Modality... modalities) throws IOException {
        for (Modality m : modalities) {
            Path f = DatasetLayout.BRATS2020.modalityPath(drop, id, m);
            Files.createDirectories(f.getParent());
            Files.write(f, new byte[] {1, 2, 3});
            Files.setLastModifiedTime(f, FileTime.from(mtime));
        }
        Path dir = drop.resolve(id);
        Files.setLastModifiedTime(dir, FileTime.from(mtime));
        return dir;
    }

    private Path completeCase(String id, Instant mtime) throws IOException {
        return caseFolder(id, mtime, Modality.values());
    }

    private DropFolderWatcher watcher() throws IOException {
        return new DropFolderWatcher(drop, SETTLE, null, clock, publisher);
    }

    @Test
    void shouldPublishACompleteFolderOnlyOnceItIsUnchangedForTheSettleTime() throws Exception {
        completeCase("BraTS20_001", T0);
        DropFolderWatcher w = watcher();
        assertThat(w.scanOnce().settling()).containsExactly("BraTS20_001");
        clock.advance(Duration.ofSeconds(9));
        assertThat(w.scanOnce().published()).isEmpty();
        clock.advance(Duration.ofSeconds(1));
        DropFolderWatcher.Pass pass = w.scanOnce();
        assertThat(pass.published()).containsEntry("BraTS20_001", "scan-BraTS20_001");
        assertThat(publishedCases).containsExactly("BraTS20_001");
        clock.advance(Duration.ofMinutes(5));
        assertThat(w.scanOnce().published()).isEmpty();
        assertThat(publishedCases).hasSize(1);
    }

    @Test
    void shouldRestartTheSettleClockWhenAFileGrows() throws Exception {
        Path dir = completeCase("BraTS20_001", T0);
        DropFolderWatcher w = watcher();
        w.scanOnce();
        clock.advance(Duration.ofSeconds(8));
        Path flair = dir.resolve("BraTS20_001_flair.nii.gz");
        Files.write(flair, new byte[] {4, 5}, StandardOpenOption.APPEND); // the copy is still running
        Files.setLastModifiedTime(flair, FileTime.from(clock.instant()));
        w.scanOnce();
        clock.advance(Duration.ofSeconds(9));
        assertThat(w.scanOnce().settling()).containsExactly("BraTS20_001");
        clock.advance(Duration.ofSeconds(1));
        assertThat(w.scanOnce().published()).containsKey("BraTS20_001");
    }

    @Test
    void shouldNotPublishAFolderMissingAModality() throws Exception {
        caseFolder("BraTS20_002", T0.minus(Duration.ofHours(1)), Modality.T1, Modality.T1CE, Modality.T2);
        DropFolderWatcher w = watcher();
        clock.advance(Duration.ofHours(1));
        DropFolderWatcher.Pass pass = w.scanOnce();
        assertThat(pass.incomplete()).containsExactly("BraTS20_002");
        assertThat(pass.published()).isEmpty();
        assertThat(publishedCases).isEmpty();

        caseFolder("BraTS20_002", clock.instant(), Modality.FLAIR); // the last file lands
        assertThat(w.scanOnce().settling()).containsExactly("BraTS20_002");
        clock.advance(SETTLE);
        assertThat(w.scanOnce().published()).containsKey("BraTS20_002");
    }

    @Test
    void shouldWaitWhileACopyToolStillHasATemporaryFileInTheFolder() throws Exception {
        Path dir = completeCase("BraTS20_003", T0.minus(Duration.ofHours(1)));
        Files.write(dir.resolve(".BraTS20_003_seg.nii.gz.Xy12ab"), new byte[] {1});
        DropFolderWatcher w = watcher();
        clock.advance(Duration.ofHours(1));
        assertThat(w.scanOnce().settling()).containsExactly("BraTS20_003");
        Files.delete(dir.resolve(".BraTS20_003_seg.nii.gz.Xy12ab"));
        w.scanOnce();
        clock.advance(SETTLE);
        assertThat(w.scanOnce().published()).containsKey("BraTS20_003");
    }

    @Test
    void shouldPublishAtOnceAFolderThatSettledBeforeTheWatcherStarted() throws Exception {
        completeCase("BraTS20_004", T0.minus(Duration.ofMinutes(1)));
        completeCase("BraTS20_005", T0.minus(Duration.ofSeconds(2)));
        DropFolderWatcher.Pass pass = watcher().scanOnce(); // what `brainseg watch --once` does
        assertThat(pass.published()).containsOnlyKeys("BraTS20_004");
        assertThat(pass.settling()).containsExactly("BraTS20_005");
    }

    @Test
    void shouldRememberPublishedFoldersAcrossRestarts() throws Exception {
        completeCase("BraTS20_001", T0.minus(Duration.ofMinutes(1)));
        completeCase("BraTS20_002", T0.minus(Duration.ofMinutes(1)));
        assertThat(watcher().scanOnce().published()).hasSize(2);
        assertThat(drop.resolve(DropFolderWatcher.DEFAULT_STATE_FILE)).exists();

        completeCase("BraTS20_003", T0.minus(Duration.ofMinutes(1)));
        DropFolderWatcher restarted = watcher();
        assertThat(restarted.published()).containsExactlyInAnyOrder("BraTS20_001", "BraTS20_002");
        assertThat(restarted.scanOnce().published()).containsOnlyKeys("BraTS20_003");
        assertThat(publishedCases).containsExactly("BraTS20_001", "BraTS20_002", "BraTS20_003");
        // written by temp file + rename: nothing left beside it
        try (Stream<Path> s = Files.list(drop)) {
            assertThat(s.map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".tmp"));
        }
    }

    @Test
    void shouldKeepTheStateFileWhereToldAndOutsideTheDropFolder(@TempDir Path elsewhere) throws Exception {
        completeCase("BraTS20_001", T0.minus(Duration.ofMinutes(1)));
        Path state = elsewhere.resolve("sub/watch.json");
        new DropFolderWatcher(drop, SETTLE, state, clock, publisher).scanOnce();
        assertThat(state).exists().content().contains("\"BraTS20_001\"").contains("scan-BraTS20_001");
        assertThat(drop.resolve(DropFolderWatcher.DEFAULT_STATE_FILE)).doesNotExist();
    }

    @ParameterizedTest
    @ValueSource(strings = {"{not json", "", "[]", "{\"version\": 2, \"published\": {}}", "{\"version\": 1, \"published\": {\"a\": {}}}"})
    void shouldRefuseACorruptStateFileRatherThanRepublishEverything(String content) throws Exception {
        Files.writeString(drop.resolve(DropFolderWatcher.DEFAULT_STATE_FILE), content);
        assertThatThrownBy(this::watcher).isInstanceOf(DropFolderWatcher.StateFileException.class)
                .hasMessageContaining(DropFolderWatcher.DEFAULT_STATE_FILE).hasMessageContaining("delete it");
    }

    @Test
    void shouldRetryAFolderWhosePublicationFailed() throws Exception {
        completeCase("BraTS20_001", T0.minus(Duration.ofMinutes(1)));
        int[] calls = {0};
        DropFolderWatcher w = new DropFolderWatcher(drop, SETTLE, null, clock, c -> {
            if (calls[0]++ == 0) {
                throw new BrokerUnavailableException("no answer from Kafka", null);
            }
            return c.id();
        });
        DropFolderWatcher.Pass first = w.scanOnce();
        assertThat(first.failed()).containsKey("BraTS20_001");
        assertThat(w.published()).isEmpty();
        assertThat(w.scanOnce().published()).containsKey("BraTS20_001");
    }

    @Test
    void shouldIgnoreHiddenFoldersAndLooseFiles() throws Exception {
        Files.createDirectories(drop.resolve(".trash"));
        Files.write(drop.resolve("notes.txt"), new byte[] {1});
        Files.createDirectories(drop.resolve("empty-folder"));
        DropFolderWatcher.Pass pass = watcher().scanOnce();
        assertThat(pass.incomplete()).containsExactly("empty-folder");
        assertThat(pass.published()).isEmpty();
    }

    @Test
    void shouldRefuseAMissingDropFolder() {
        assertThatThrownBy(() -> new DropFolderWatcher(drop.resolve("absent"), SETTLE, null, clock, publisher))
                .isInstanceOf(NoSuchFileException.class);
    }
}
