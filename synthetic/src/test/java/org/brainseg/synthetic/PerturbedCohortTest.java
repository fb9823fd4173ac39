package org.brainseg.synthetic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.brainseg.imaging.dataset.DatasetLayout;
import org.brainseg.imaging.dataset.Modality;
import org.brainseg.imaging.io.JsonMappers;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A cohort with an acquisition shift: images perturbed, labels clean, parameters recorded; 3 mm grids. */
class PerturbedCohortTest {
    static Anatomy anatomy;

    @TempDir
    Path tmp;

    @BeforeAll
    static void loadAnatomy() throws IOException {
        anatomy = Anatomy.load(null);
    }

    static CohortGenerator generator(int cases, PerturbationStrength strength) {
        return new CohortGenerator(new CohortConfig(cases, 17, DatasetLayout.BRATS2020, 3, null, false)
                .withPerturbation(strength), anatomy);
    }

    @Test
    void shouldPerturbTheImagesAndKeepTheLabelsAndTheBackground() {
        SyntheticCase clean = generator(1, PerturbationStrength.NONE).synthesize(0);
        SyntheticCase shifted = generator(1, PerturbationStrength.STRONG).synthesize(0);
        assertThat(shifted.labels().data()).isEqualTo(clean.labels().data());
        assertThat(shifted.tissue().data()).isEqualTo(clean.tissue().data());
        assertThat(shifted.id()).isEqualTo(clean.id());
        for (Modality m : Modality.values()) {
            float[] c = clean.channel(m).data();
            float[] s = shifted.channel(m).data();
            assertThat(s).as(m + " changed").isNotEqualTo(c);
            int broken = 0;
            for (int v = 0; v < c.length; v++) {
                boolean ok = c[v] == 0 ? s[v] == 0 : s[v] >= 1 && s[v] == Math.rint(s[v]);
                broken += ok ? 0 : 1;
            }
            assertThat(broken).as(m + ": voxels not 0 outside the brain, or not an integer >= 1 inside").isZero();
        }
    }

    @Test
    void shouldSynthesizeTheSamePerturbedCaseForTheSameSeed() {
        SyntheticCase a = generator(2, PerturbationStrength.MILD).synthesize(1);
        SyntheticCase b = generator(1, PerturbationStrength.MILD).synthesize(1);
        for (Modality m : Modality.values()) {
            assertThat(a.channel(m).data()).isEqualTo(b.channel(m).data());
        }
    }

    @Test
    void shouldChangeTheImagesMoreAtEachStrongerStrength() {
        SyntheticCase clean = generator(1, PerturbationStrength.NONE).synthesize(0);
        double previous = 0;
        for (PerturbationStrength s : List.of(PerturbationStrength.MILD, PerturbationStrength.STRONG, PerturbationStrength.STRONGER)) {
            SyntheticCase shifted = generator(1, s).synthesize(0);
            double sum = 0;
            long n = 0;
            for (Modality m : Modality.values()) {
                float[] c = clean.channel(m).data();
                float[] p = shifted.channel(m).data();
                for (int v = 0; v < c.length; v++) {
                    if (c[v] != 0) {
                        sum += Math.abs(p[v] - c[v]);
                        n++;
                    }
                }
            }
            double mad = sum / n;
            assertThat(mad).as("mean absolute difference in the brain at " + s).isGreaterThan(previous);
            previous = mad;
        }
    }

    @Test
    void shouldRecordTheStrengthAndEachCasesParameters() throws IOException {
        CohortGenerator g = generator(2, PerturbationStrength.MILD);
        CohortResult r = g.generate(tmp, null);
        for (int k = 0; k < 2; k++) {
            assertThat(r.cases().get(k).perturbation()).isEqualTo(g.perturbation(k));
        }
        JsonNode json = JsonMappers.plain().readTree(tmp.resolve(CohortGenerator.PERTURBATIONS_FILE).toFile());
        assertThat(json.get("strength").asText()).isEqualTo("mild");
        assertThat(json.get("strengthValue").asDouble()).isEqualTo(0.5);
        assertThat(json.get("cases")).hasSize(2);
        JsonNode second = json.get("cases").get(1);
        Perturbation p = g.perturbation(1);
        assertThat(second.get("id").asText()).isEqualTo("BraTS20_Synth_002");
        assertThat(second.get("seed").asLong()).isEqualTo(p.seed());
        assertThat(second.get("resolutionFactor").asDouble()).isEqualTo(p.resolutionFactor());
        JsonNode flair = second.get("channels").get("flair");
        Perturbation.Channel expected = p.channels().get(Modality.FLAIR.ordinal());
        assertThat(flair.get("gamma").asDouble()).isCloseTo(expected.gamma(), within(1e-12));
        assertThat(flair.get("biasAmplitude").asDouble()).isCloseTo(expected.biasAmplitude(), within(1e-12));
        assertThat(flair.get("noiseSigma").asDouble()).isCloseTo(expected.noiseSigma(), within(1e-12));
        assertThat(flair.get("sliceAxis").asInt()).isEqualTo(expected.sliceAxis());
        assertThat(flair.get("sliceThicknessMm").asDouble()).isCloseTo(expected.sliceThicknessMm(), within(1e-12));
    }

    @Test
    void shouldWriteNoPerturbationFileForAnUnperturbedCohort() throws IOException {
        CohortResult r = generator(1, PerturbationStrength.NONE).generate(tmp, null);
        assertThat(tmp.resolve(CohortGenerator.PERTURBATIONS_FILE)).doesNotExist();
        assertThat(r.cases().get(0).perturbation().isIdentity()).isTrue();
    }

    @Test
    void shouldDefaultToNoPerturbationAndKeepTheOtherSettings() {
        CohortConfig base = new CohortConfig(3, 5, DatasetLayout.MSD, 2, null, true);
        assertThat(base.perturbation()).isEqualTo(PerturbationStrength.NONE);
        assertThat(CohortConfig.of(1, 1).perturbation()).isEqualTo(PerturbationStrength.NONE);
        CohortConfig shifted = base.withPerturbation(PerturbationStrength.STRONGER);
        assertThat(shifted).isEqualTo(new CohortConfig(3, 5, DatasetLayout.MSD, 2, null, true, PerturbationStrength.STRONGER));
        assertThat(shifted.withSpacing(3).perturbation()).isEqualTo(PerturbationStrength.STRONGER);
        assertThatThrownBy(() -> base.withPerturbation(null)).hasMessageContaining("perturbation");
    }

    @Test
    void shouldParseTheNamedStrengths() {
        assertThat(PerturbationStrength.parse(" Strong ")).isEqualTo(PerturbationStrength.STRONG);
        assertThat(List.of(PerturbationStrength.values())).extracting(PerturbationStrength::value)
                .containsExactly(0.0, 0.5, 1.0, 1.5);
        assertThat(Perturbation.forCase(PerturbationStrength.NONE, 1, 0)).isEqualTo(Perturbation.none());
        assertThatThrownBy(() -> Perturbation.forCase(PerturbationStrength.MILD, 1, -1)).hasMessageContaining("case index");
    }
}
