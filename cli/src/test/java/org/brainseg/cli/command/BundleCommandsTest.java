package org.brainseg.cli.command;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import org.brainseg.imaging.nifti.NiftiReader;
import org.brainseg.model.bundle.TestBundles;
import org.brainseg.model.net.TorchReference;
import org.brainseg.synthetic.CohortConfig;
import org.brainseg.synthetic.CohortGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code brainseg segment} and {@code brainseg evaluate} with a MONAI-layout bundle folder as the
 * model (a small network traced by Debian's PyTorch; model's bundle_tool.py), and a bad bundle
 * refused in one line with exit code 2.
 */
class BundleCommandsTest {
    @TempDir
    Path tmp;

    Path bundle() throws Exception {
        return TestBundles.make(tmp.resolve("test-bundle"));
    }

    @Test
    void shouldSegmentAndEvaluateWithABundleFolderAsTheModel() throws Exception {
        assumeTrue(TorchReference.available(), "/usr/bin/python3 with torch is not installed");
        Path model = bundle();
        Path data = tmp.resolve("cohort");
        new CohortGenerator(CohortConfig.of(2, 5).withSpacing(4.0)).generate(data, r -> {});
        Path caseDir;
        try (var dirs = Files.list(data)) {
            caseDir = dirs.filter(Files::isDirectory).sorted().findFirst().orElseThrow();
        }
        Path out = tmp.resolve("mask.nii.gz");
        CliTest.Run r = CliTest.run("segment", "--model", model.toString(), "--case", caseDir.toString(), "--out", out.toString(),
                "--threads", "1");
        assertThat(r.code()).as(r.err()).isZero();
        JsonNode report = r.json();
        assertThat(report.get("model").asText()).isEqualTo("test-bundle 0.1.0");
        assertThat(report.get("modelSha256").asText()).hasSize(64);
        assertThat(report.at("/volumesMl/WT").asDouble()).isPositive();
        assertThat(NiftiReader.read(out).volume().shape()).isEqualTo(NiftiReader.read(Files.list(caseDir)
                .filter(f -> f.getFileName().toString().endsWith("_t1.nii.gz")).findFirst().orElseThrow()).volume().shape());

        CliTest.Run e = CliTest.run("evaluate", "--model", model.toString(), "--data", data.toString(), "--threads", "1");
        assertThat(e.code()).as(e.err()).isZero();
        assertThat(e.out()).contains("on 2 cases").contains("mean ± sd:");

        CliTest.Run tta = CliTest.run("segment", "--model", model.toString(), "--case", caseDir.toString(), "--out",
                tmp.resolve("tta.nii.gz").toString(), "--tta");
        assertThat(tta.code()).isEqualTo(2);
        assertThat(tta.err().strip()).doesNotContain("\n").contains("test-time flips are not supported for imported models");
    }

    @Test
    void shouldRefuseABundleWithoutMetadataInOneLine() throws Exception {
        Path model = Files.createDirectories(tmp.resolve("broken/configs"));
        Files.createDirectories(tmp.resolve("broken/models"));
        Files.writeString(tmp.resolve("broken/models/model.ts"), "x");
        Path data = tmp.resolve("cohort");
        new CohortGenerator(CohortConfig.of(1, 5).withSpacing(4.0)).generate(data, r -> {});
        Path caseDir;
        try (var dirs = Files.list(data)) {
            caseDir = dirs.filter(Files::isDirectory).findFirst().orElseThrow();
        }
        CliTest.Run r = CliTest.run("segment", "--model", model.getParent().toString(), "--case", caseDir.toString(), "--out",
                tmp.resolve("m.nii.gz").toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err().strip()).doesNotContain("\n").contains("metadata.json").contains("missing");
    }
}
