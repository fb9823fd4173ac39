package org.brainseg.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code brainseg bench pipeline} on an embedded broker with two coarse scans (about 20 s on 2 cores). */
@Timeout(value = 3, unit = java.util.concurrent.TimeUnit.MINUTES)
class BenchPipelineIT {
    @TempDir
    Path tmp;

    @Test
    void shouldRunScansEndToEndAndReportThroughputAndOverhead() throws Exception {
        Path csv = tmp.resolve("pipeline.csv");
        CliTest.Run r = CliTest.run("bench", "pipeline", "--scans", "2", "--spacing", "4", "--cache", tmp.resolve("cache").toString(),
                "--csv", csv.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("2 scans at 4.0 mm").contains("| workers | mode | scans | scans/min |");
        String row = r.out().strip().lines().reduce((a, b) -> b).orElseThrow();
        assertThat(row).startsWith("| 1 | batch | 2 | ").endsWith("% |");
        double scansPerMinute = Double.parseDouble(row.split("\\|")[4].strip());
        assertThat(scansPerMinute).isPositive();
        assertThat(Files.readAllLines(csv)).hasSize(3).first().isEqualTo(BenchPipelineCommand.CSV_HEADER);
    }
}
