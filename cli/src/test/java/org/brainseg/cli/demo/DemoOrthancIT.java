package org.brainseg.cli.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.brainseg.imaging.dataset.Case;
import org.brainseg.imaging.dataset.DatasetScanner;
import org.brainseg.synthetic.CohortConfig;
import org.brainseg.synthetic.CohortGenerator;
import org.brainseg.pacs.OrthancServer;
import org.brainseg.pacs.Tools;
import org.brainseg.pacs.dicom.CaseStudy;
import org.brainseg.pacs.orthanc.OrthancClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.brainseg.pacs.config.PacsConfig;

/**
 * {@code brainseg demo --orthanc} against a real Orthanc (Debian's package, started by the test):
 * the cohort goes in as DICOM studies, every study comes back with a DICOM SEG of the serving
 * version, the stream survives the hot swap, and a study that was in Orthanc before the demo is
 * left alone. A demo against an Orthanc that is not there stops at once with a clear error.
 */
@Timeout(value = 8, unit = TimeUnit.MINUTES)
class DemoOrthancIT {
    @TempDir
    Path tmp;

    private DemoOptions options(Path work, URI orthanc) {
        return DemoOptions.quick(work, tmp.resolve("cache")).cases(4).training(3, 1).anyPorts().timeout(Duration.ofMinutes(7))
                .orthanc(new DemoPacs.Target(orthanc, OrthancServer.USER, OrthancServer.PASSWORD)).build();
    }

    @Test
    void streamsTheCohortThroughOrthancAndStoresASegInEveryStudy() throws Exception {
        String exe = Tools.require("Orthanc", "orthanc");
        try (OrthancServer orthanc = OrthancServer.start(exe, tmp.resolve("orthanc"))) {
            OrthancClient client = new OrthancClient(new org.brainseg.pacs.config.PacsConfig.Orthanc(orthanc.url(), OrthancServer.USER,
                    OrthancServer.PASSWORD, null, Duration.ofSeconds(30), Duration.ofMillis(200)));
            // a study already in the PACS before the demo: not the demo's to segment
            new CohortGenerator(CohortConfig.of(1, 5).withSpacing(3.0)).generate(tmp.resolve("before"), r -> {});
            Case before = DatasetScanner.scan(tmp.resolve("before")).cases().get(0);
            String earlier = CaseStudy.of(before, "before-the-demo").upload(client);
            // stable before the demo starts: a study still arriving (its StableStudy change not yet
            // emitted) is in flight, and a bridge that starts from the current change rightly takes it
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!client.getJson("studies/" + earlier).path("IsStable").asBoolean() && System.nanoTime() < until) {
                Thread.sleep(200);
            }
            assertThat(client.getJson("studies/" + earlier).path("IsStable").asBoolean()).as("the earlier study is stable").isTrue();

            ByteArrayOutputStream buf = new ByteArrayOutputStream();
            DemoRunner.Summary s = new DemoRunner(options(tmp.resolve("work"), orthanc.url()),
                    new PrintStream(buf, true, StandardCharsets.UTF_8)).run();
            String out = buf.toString(StandardCharsets.UTF_8);

            assertThat(s.submitted()).isEqualTo(8);
            assertThat(s.completed()).as(out).isEqualTo(8);
            assertThat(s.failed()).as(out).isZero();
            assertThat(s.finalVersion()).as(out).isEqualTo(2);
            assertThat(s.completedByVersion().getOrDefault(2, 0)).as(out).isGreaterThanOrEqualTo(4);
            assertThat(out).contains("PACS bridge: following " + orthanc.url()).contains("hot swap: v1 -> v2")
                    .contains("DICOM SEG:  8 of 8 segmented studies").contains("Dice:       none for PACS studies")
                    .doesNotContain(OrthancServer.PASSWORD);

            // in Orthanc: 9 studies (8 streamed, 1 from before); a SEG series in each streamed one, none in the earlier one
            JsonNode studies = client.getJson("studies");
            assertThat(studies).hasSize(9);
            Set<String> withSeg = new HashSet<>();
            int segs = 0;
            for (JsonNode series : client.getJson("series?expand")) {
                if ("SEG".equals(series.path("MainDicomTags").path("Modality").asText())) {
                    segs++;
                    withSeg.add(series.path("ParentStudy").asText());
                }
            }
            assertThat(segs).isEqualTo(8);
            assertThat(withSeg).hasSize(8).doesNotContain(earlier);
        }
    }

    @Test
    void stopsAtOnceWithAClearErrorWhenOrthancIsNotThere() throws Exception {
        URI nowhere = URI.create("http://127.0.0.1:" + OrthancServer.freePort() + "/");
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        long t0 = System.nanoTime();
        assertThatThrownBy(() -> new DemoRunner(options(tmp.resolve("work-nowhere"), nowhere),
                new PrintStream(buf, true, StandardCharsets.UTF_8)).run())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--orthanc " + nowhere)
                .hasMessageContaining("is Orthanc running there?").hasMessageNotContaining(OrthancServer.PASSWORD);
        assertThat((System.nanoTime() - t0) / 1e9).as("no waiting for a PACS that is not there").isLessThan(120);
    }
}
