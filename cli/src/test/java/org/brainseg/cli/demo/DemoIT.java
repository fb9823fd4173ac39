package org.brainseg.cli.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.brainseg.model.bundle.TestBundles;
import org.brainseg.model.net.TorchReference;
import org.brainseg.schemas.RegionValues;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The demo end to end at the smallest size that still shows everything: embedded broker, cohort,
 * the trainer training v1, a following worker, the stream, a forced retrain half-way, the hot
 * swap to v2, and a second wave served by v2. Then a second run on the same work directory
 * reuses the registry instead of training from scratch. No {@code EmbeddedKafkaExtension}: starting
 * its own broker is part of what the demo does.
 */
@Timeout(value = 8, unit = TimeUnit.MINUTES)
class DemoIT {
    @TempDir
    Path tmp;

    private DemoOptions options(Path work) {
        return DemoOptions.quick(work, tmp.resolve("cache")).cases(4).training(3, 1).anyPorts().timeout(Duration.ofMinutes(7))
                .build();
    }

    @Test
    void trainsStreamsRetrainsAndSwapsWithoutLosingAScan() throws Exception {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        DemoRunner.Summary s = new DemoRunner(options(tmp.resolve("work")), new PrintStream(buf, true, StandardCharsets.UTF_8)).run();
        String out = buf.toString(StandardCharsets.UTF_8);

        assertThat(s.submitted()).isEqualTo(8);
        assertThat(s.completed()).as(out).isEqualTo(8);
        assertThat(s.failed()).as(out).isZero();
        assertThat(s.initialVersion()).isEqualTo(1);
        assertThat(s.finalVersion()).as(out).isEqualTo(2);
        // the second wave is submitted after the swap, so v2 served at least those 4 scans
        assertThat(s.completedByVersion().getOrDefault(2, 0)).as(out).isGreaterThanOrEqualTo(4);
        assertThat(s.completedByVersion().values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(8);
        // the shipped model serves from the first scan, on cases no model of the run trained on
        assertThat(out).contains("the shipped default model").contains("no training before the first scan")
                .contains("the streamed scans are held out").doesNotContain("training the initial");
        RegionValues v1 = s.meanDiceByVersion().get(1);
        assertThat(v1).as(out).isNotNull();
        v1.byKey().forEach((k, dice) -> assertThat(dice).as("v1 mean Dice of %s\n%s", k, out).isGreaterThan(0.05));
        assertThat(out).contains("retrain requested").contains("fine-tune v1")
                .contains("hot swap: v1 -> v2").contains("Summary (8 scans, 0 failed)");
        assertThat(s.table()).as("the worker estimates every mask's quality").containsPattern("flagged for review: \\d+ of 8 scans");
        assertThat(out).containsPattern("viewer: +http://127\\.0\\.0\\.1:\\d+/");
        assertThat(s.table()).contains("v1").contains("v2").contains("all");
        try (Stream<Path> masks = Files.walk(tmp.resolve("work/masks"))) {
            assertThat(masks.filter(p -> p.toString().endsWith("_seg.nii.gz")).count()).isEqualTo(8);
        }

        // a second run on the same work directory: the registry's newest version is published, no training
        ByteArrayOutputStream buf2 = new ByteArrayOutputStream();
        DemoRunner.Summary again = new DemoRunner(options(tmp.resolve("work")), new PrintStream(buf2, true, StandardCharsets.UTF_8))
                .run();
        String out2 = buf2.toString(StandardCharsets.UTF_8);
        assertThat(out2).as(out2).contains("cached in").contains("from an earlier run").doesNotContain("training the initial");
        assertThat(again.completed()).isEqualTo(8);
        assertThat(again.initialVersion()).isEqualTo(2);
        assertThat(again.finalVersion()).isEqualTo(3);
    }

    @Test
    void importsABundleHalfWayAndSwapsFromTheNativeModelToIt() throws Exception {
        assumeTrue(TorchReference.available(), "/usr/bin/python3 with torch is not installed (it traces the bundle)");
        Path bundle = TestBundles.make(tmp.resolve("bundles/test-bundle"));
        DemoOptions o = DemoOptions.quick(tmp.resolve("work-import"), tmp.resolve("cache")).cases(4).training(3, 1).anyPorts()
                .timeout(Duration.ofMinutes(7)).importBundle(bundle).build();
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        DemoRunner.Summary s = new DemoRunner(o, new PrintStream(buf, true, StandardCharsets.UTF_8)).run();
        String out = buf.toString(StandardCharsets.UTF_8);

        assertThat(s.completed()).as(out).isEqualTo(8);
        assertThat(s.failed()).as(out).isZero();
        assertThat(s.initialVersion()).isEqualTo(1);
        assertThat(s.finalVersion()).as(out).isEqualTo(2);
        assertThat(s.completedByVersion().getOrDefault(2, 0)).as(out).isGreaterThanOrEqualTo(4);
        assertThat(out).contains("an import of test-bundle").contains("imported test-bundle 0.1.0 as v2")
                .contains("hot swap: v1 -> v2").doesNotContain("retrain requested");
        assertThat(tmp.resolve("work-import/registry/brainseg/2/import.json")).isRegularFile();
    }
}
