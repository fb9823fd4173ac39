package org.brainseg.bench.command;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./bench/run pipeline} on an embedded broker with two coarse scans (about 20 s on 2 cores);
 * the benchmark starts that broker itself, as it does outside tests, so no {@code EmbeddedKafkaExtension}.
 */
@Timeout(value = 3, unit = java.util.concurrent.TimeUnit.MINUTES)
class BenchPipelineIT {
    @TempDir
    Path tmp;

    @Test
    void shouldRunScansEndToEndAndReportThroughputOverheadAndMemory() throws Exception {
        Path csv = tmp.resolve("pipeline.csv");
        Path memory = tmp.resolve("memory.csv");
        // Two distinct scans, submitted as three (the first again under a new scan id), memory after each.
        BenchRun r = BenchRun.run("pipeline", "--scans", "3", "--distinct", "2", "--spacing", "4", "--cache",
                tmp.resolve("cache").toString(), "--csv", csv.toString(), "--memory-every", "1", "--memory-csv", memory.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("3 scans at 4.0 mm").contains("| workers | mode | scans | scans/min |")
                .contains("| memory after scans | RSS MB | Java heap used MB | live NDArrays |");
        String row = r.out().lines().filter(l -> l.startsWith("| 1 | batch |")).findFirst().orElseThrow();
        assertThat(row).startsWith("| 1 | batch | 3 | ").endsWith("% |");
        double scansPerMinute = Double.parseDouble(row.split("\\|")[4].strip());
        assertThat(scansPerMinute).isPositive();
        assertThat(Files.readAllLines(csv)).hasSize(4).first().isEqualTo(BenchPipelineCommand.CSV_HEADER);
        List<String> samples = Files.readAllLines(memory);
        assertThat(samples.get(0)).isEqualTo("scans,rss_mb,heap_used_mb,live_ndarrays");
        assertThat(samples).hasSizeBetween(2, 5).last().asString().startsWith("3,");
        for (String s : samples.subList(1, samples.size())) {
            String[] f = s.split(",");
            assertThat(Double.parseDouble(f[1])).as("RSS MB").isGreaterThan(50);
            assertThat(Integer.parseInt(f[3])).as("live NDArrays: at least the model's parameters").isPositive();
        }
    }
}
