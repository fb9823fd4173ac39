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

    @Test
    void shouldCalibrateAModelThenEstimateEachMasksQualityBesideTheTruth() throws Exception {
        Path data = tmp.resolve("calibration");
        new CohortGenerator(CohortConfig.of(4, 811).withSpacing(3.0)).generate(data, r -> {});
        Path model = tmp.resolve("model");
        org.brainseg.model.artifact.ModelArtifact.copy(org.brainseg.model.artifact.ShippedModel.directory(), model);
        java.nio.file.Files.deleteIfExists(model.resolve("quality.json"));

        Path held = tmp.resolve("held");
        new CohortGenerator(CohortConfig.of(2, 812).withSpacing(3.0)).generate(held, r -> {});

        // a dry run (on the 2 held-out cases: the smallest calibration there is) writes nothing
        Run dry = run("models", "calibrate", "--model", model.toString(), "--data", held.toString(), "--dry-run", "--threads", "1");
        assertThat(dry.code()).as(dry.err()).isZero();
        assertThat(dry.out()).contains("flip WT").contains("WT: predicted = ").contains("nothing written");
        assertThat(model.resolve("quality.json")).doesNotExist();
        Run cal = run("models", "calibrate", "--model", model.toString(), "--data", data.toString(), "--threads", "1");
        assertThat(cal.code()).as(cal.err()).isZero();
        JsonNode profile = new ObjectMapper().readTree(model.resolve("quality.json").toFile());
        assertThat(profile.at("/calibration/cases").asInt()).isEqualTo(4);
        assertThat(profile.at("/input/cases").asInt()).isEqualTo(4);

        Path json = tmp.resolve("q.json");
        Run ev = run("evaluate", "--data", held.toString(), "--model", model.toString(), "--quality", "--json", json.toString(),
                "--threads", "1");
        assertThat(ev.code()).as(ev.err()).isZero();
        assertThat(ev.out()).contains("pred. WT").contains("predicted against true WT Dice").contains("needsReview:");
        JsonNode doc = new ObjectMapper().readTree(json.toFile());
        JsonNode q = doc.at("/cases/0/quality");
        assertThat(q.at("/predictedDice/WT").asDouble()).isBetween(0.0, 1.0);
        assertThat(q.at("/features/flipDice.WT").asDouble()).isBetween(0.0, 1.0);
        assertThat(doc.at("/quality/meanAbsoluteErrorWT").isNumber()).isTrue();

        // segment carries the same object
        Path caseDir = held.resolve(doc.at("/cases/0/case").asText());
        Run seg = run("segment", "--model", model.toString(), "--case", caseDir.toString(), "--out",
                tmp.resolve("m.nii.gz").toString(), "--threads", "1");
        assertThat(seg.code()).as(seg.err()).isZero();
        JsonNode report = new ObjectMapper().readTree(seg.out());
        assertThat(report.at("/quality/predictedDice/WT").asDouble()).isEqualTo(q.at("/predictedDice/WT").asDouble());
        assertThat(report.at("/quality/needsReview").isBoolean()).isTrue();
        assertThat(report.at("/timingsMs/quality").isNumber()).isTrue();
        Run skip = run("segment", "--model", model.toString(), "--case", caseDir.toString(), "--out",
                tmp.resolve("m2.nii.gz").toString(), "--threads", "1", "--no-quality");
        assertThat(new ObjectMapper().readTree(skip.out()).has("quality")).isFalse();
    }

    @Test
    void shouldRefuseBadCalibrationAndQualityInputWithExit2() throws Exception {
        Path data = tmp.resolve("one");
        new CohortGenerator(CohortConfig.of(1, 813).withSpacing(4.0)).generate(data, r -> {});
        Path model = org.brainseg.model.artifact.ShippedModel.directory();
        Path sealed = java.nio.file.Files.createDirectories(tmp.resolve("sealed"));
        java.nio.file.Files.writeString(sealed.resolve("model.json"), "{}");
        java.nio.file.Files.writeString(sealed.resolve("import.json"), "{}");
        String[][] bad = {
            {"models", "calibrate", "--model", tmp.resolve("nowhere").toString(), "--data", data.toString()},
            {"models", "calibrate", "--model", sealed.toString(), "--data", data.toString()},
            {"models", "calibrate", "--model", model.toString(), "--data", data.toString()},
            {"models", "calibrate", "--model", model.toString(), "--data", tmp.resolve("nodata").toString()},
            {"evaluate", "--data", data.toString(), "--quality", "--review-below", "1.5"},
            {"segment", "--case", data.resolve("BraTS20_Synth_001").toString(), "--out", tmp.resolve("x.nii.gz").toString(),
                "--review-below", "-0.1"},
        };
        String[] says = {"not a model folder", "sealed by", "1 labelled case(s)", "no such directory", "--review-below",
            "--review-below"};
        for (int i = 0; i < bad.length; i++) {
            Run r = run(bad[i]);
            assertThat(r.code()).as("%s: %s", String.join(" ", bad[i]), r.err()).isEqualTo(2);
            assertThat(r.err()).contains(says[i]);
        }
        Path broken = tmp.resolve("broken-model");
        org.brainseg.model.artifact.ModelArtifact.copy(model, broken);
        java.nio.file.Files.writeString(broken.resolve("quality.json"), "{\"formatVersion\": 9}");
        Run r = run("segment", "--model", broken.toString(), "--case", data.resolve("BraTS20_Synth_001").toString(), "--out",
                tmp.resolve("y.nii.gz").toString(), "--threads", "1");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("quality.json");
    }
}
