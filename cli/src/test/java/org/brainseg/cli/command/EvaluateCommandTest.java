package org.brainseg.cli.command;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.brainseg.cli.Main;
import org.brainseg.synthetic.CohortConfig;
import org.brainseg.synthetic.CohortGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** brainseg evaluate: the shipped model on unseen synthetic cases, agreeing with segment + dice; bad input refused. */
class EvaluateCommandTest {
    @TempDir
    Path tmp;

    private record Run(int code, String out, String err) {}

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = Main.commandLine();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int code = cl.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void shouldScoreTheShippedModelLikeSegmentAndDice() throws Exception {
        Path data = tmp.resolve("cohort");
        new CohortGenerator(CohortConfig.of(2, 777).withSpacing(2.0)).generate(data, r -> {});
        Path json = tmp.resolve("eval.json");
        Run r = run("evaluate", "--data", data.toString(), "--json", json.toString(), "--threads", "1");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("on 2 cases").contains("mean ± sd:").contains("WT");
        JsonNode doc = new ObjectMapper().readTree(json.toFile());
        assertThat(doc.get("cases")).hasSize(2);
        JsonNode first = doc.get("cases").get(0);
        double wt = first.at("/dice/WT").asDouble();
        // the shipped model finds the tumour of a case it never saw
        assertThat(wt).isGreaterThan(0.5);
        double mean = (wt + doc.get("cases").get(1).at("/dice/WT").asDouble()) / 2;
        assertThat(doc.at("/dice/WT/mean").asDouble()).isCloseTo(mean, org.assertj.core.data.Offset.offset(1e-12));

        // the same case through segment (the shipped model by default) and dice gives the same WT Dice
        Path caseDir = data.resolve(first.get("case").asText());
        Path mask = tmp.resolve("mask.nii.gz");
        Run seg = run("segment", "--case", caseDir.toString(), "--out", mask.toString(), "--threads", "1");
        assertThat(seg.code()).as(seg.err()).isZero();
        assertThat(seg.err()).contains("using the shipped default model");
        Path truth;
        try (var files = Files.list(caseDir)) {
            truth = files.filter(p -> p.getFileName().toString().endsWith("_seg.nii.gz")).findFirst().orElseThrow();
        }
        Run dice = run("dice", "--pred", mask.toString(), "--truth", truth.toString());
        assertThat(dice.code()).as(dice.err()).isZero();
        assertThat(new ObjectMapper().readTree(dice.out()).at("/regions/WT/dice").asDouble())
                .isCloseTo(wt, org.assertj.core.data.Offset.offset(1e-9));
    }

    @Test
    void shouldRefuseMissingOrUnlabelledData() throws Exception {
        Run missing = run("evaluate", "--data", tmp.resolve("nope").toString());
        assertThat(missing.code()).isEqualTo(2);
        assertThat(missing.err()).contains("no such directory");
        Path empty = Files.createDirectories(tmp.resolve("empty"));
        Run none = run("evaluate", "--data", empty.toString());
        assertThat(none.code()).isEqualTo(2);
        assertThat(none.err()).contains("no BraTS or MSD cases found");
        // cases without ground truth cannot be scored
        Path unlabelled = tmp.resolve("unlabelled");
        new CohortGenerator(CohortConfig.of(1, 5).withSpacing(4.0)).generate(unlabelled, r -> {});
        try (var files = Files.walk(unlabelled)) {
            for (Path f : files.filter(p -> p.getFileName().toString().endsWith("_seg.nii.gz")).toList()) {
                Files.delete(f);
            }
        }
        Run noLabels = run("evaluate", "--data", unlabelled.toString());
        assertThat(noLabels.code()).isEqualTo(2);
        assertThat(noLabels.err()).contains("no labelled case to score");
        Run badModel = run("evaluate", "--data", unlabelled.toString(), "--model", tmp.resolve("nomodel").toString());
        assertThat(badModel.code()).isEqualTo(2);
        assertThat(badModel.err()).contains("nomodel: no model.json there");
    }
}
