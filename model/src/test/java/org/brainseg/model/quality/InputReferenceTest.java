package org.brainseg.model.quality;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.brainseg.imaging.Volume;
import org.brainseg.imaging.dataset.Modality;
import org.brainseg.imaging.io.JsonMappers;
import org.brainseg.model.quality.InputReference.Stat;
import org.junit.jupiter.api.Test;

class InputReferenceTest {
    private static final ObjectMapper JSON = JsonMappers.plain();

    @Test
    void shouldDescribeTheReferenceCases() {
        InputReference ref = InputPhantoms.reference();
        assertThat(ref.cases()).isEqualTo(3);
        assertThat(ref.modalities()).extracting(InputReference.ModalityReference::modality)
                .containsExactly(Modality.values());
        assertThat(ref.minVoxelMm()).isEqualTo(InputPhantoms.MM);
        assertThat(ref.maxVoxelMm()).isEqualTo(InputPhantoms.MM);
        assertThat(ref.brainVolumeMl().mean()).isBetween(1100.0, 1500.0);
        // The phantoms' contrasts: T2 is right-skewed (bright CSF), FLAIR's CSF is dark.
        assertThat(ref.modality(Modality.T2).skew().mean()).isPositive();
        assertThat(ref.modality(Modality.FLAIR).q05().mean()).isLessThan(ref.modality(Modality.T2).q05().mean());
        assertThat(ref.correlations().get(1).first()).isEqualTo(Modality.T1);
        assertThat(ref.correlations().get(1).second()).isEqualTo(Modality.T2);
        assertThat(ref.correlations().get(1).r().mean()).isLessThan(-0.8);
        for (InputReference.ModalityReference m : ref.modalities()) {
            assertThat(m.q05().mean()).isLessThan(m.q25().mean());
            assertThat(m.q25().mean()).isLessThan(1.0);
            assertThat(m.q75().mean()).isGreaterThan(1.0).isLessThan(m.q95().mean());
        }
    }

    @Test
    void shouldFitTheSameFeaturesWhateverTheScannerScale() {
        List<Volume[]> scaled = new ArrayList<>();
        for (Volume[] c : InputPhantoms.referenceCases()) {
            Volume[] s = c.clone();
            float[] d = c[Modality.T1CE.ordinal()].data().clone();
            for (int i = 0; i < d.length; i++) {
                d[i] *= 8;
            }
            s[Modality.T1CE.ordinal()] = c[Modality.T1CE.ordinal()].withData(d);
            scaled.add(s);
        }
        InputReference ref = InputPhantoms.reference();
        InputReference other = InputReference.fit(scaled);
        assertThat(other.modality(Modality.T1CE).q95().mean())
                .isCloseTo(ref.modality(Modality.T1CE).q95().mean(), within(1e-9));
        assertThat(other.correlations().get(0).r().mean())
                .isCloseTo(ref.correlations().get(0).r().mean(), within(1e-6));
    }

    @Test
    void shouldRoundTripThroughJson() throws Exception {
        InputReference ref = InputPhantoms.reference();
        String json = JSON.writeValueAsString(ref);
        assertThat(JSON.readValue(json, InputReference.class)).isEqualTo(ref);
        JsonNode tree = JSON.readTree(json);
        assertThat(tree.path("modalities").get(3).path("modality").asText()).isEqualTo("FLAIR");
        assertThat(tree.path("modalities").get(0).path("q05").path("sd").isNumber()).isTrue();
        assertThat(tree.path("brainVolumeMl").path("mean").asDouble()).isEqualTo(ref.brainVolumeMl().mean());
        assertThat(tree.fieldNames()).toIterable().containsExactly("cases", "modalities", "correlations",
                "brainVolumeMl", "minVoxelMm", "maxVoxelMm");
    }

    @Test
    void shouldNotMakeEveryScanAnOutlierWhenFittedOnOneCase() {
        InputReference one = InputReference.fit(Collections.singletonList(InputPhantoms.scan(1, InputPhantoms.MM)));
        assertThat(one.cases()).isEqualTo(1);
        assertThat(one.brainVolumeMl().sd()).isZero();
        assertThat(one.modality(Modality.T1).q25().sd()).isZero();
        InputGuard guard = new InputGuard(one);
        for (long seed = 20; seed < 23; seed++) {
            assertThat(guard.check(InputPhantoms.scan(seed, InputPhantoms.MM)).reasons()).as("seed %d", seed).isEmpty();
        }
    }

    @Test
    void shouldRefuseAnEmptyOrUncleanReference() {
        assertThatThrownBy(() -> InputReference.fit(List.of())).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("a reference needs at least one case");
        Volume[] blank = InputPhantoms.scan(4, InputPhantoms.MM);
        blank[3] = Volume.zerosLike(blank[3]);
        List<Volume[]> cases = List.of(InputPhantoms.scan(1, InputPhantoms.MM), blank);
        assertThatThrownBy(() -> InputReference.fit(cases)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("reference case 1: flair is blank");
        Volume[] three = {blank[0], blank[1], blank[2]};
        assertThatThrownBy(() -> InputReference.fit(Collections.singletonList(three)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("reference case 0: expected 4 channels");
    }

    @Test
    void shouldValidateItsComponents() {
        InputReference ref = InputPhantoms.reference();
        List<InputReference.ModalityReference> reordered = List.of(ref.modalities().get(1), ref.modalities().get(0),
                ref.modalities().get(2), ref.modalities().get(3));
        assertThatThrownBy(() -> new InputReference(3, reordered, ref.correlations(), ref.brainVolumeMl(), 1, 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("modality 0 must be t1");
        assertThatThrownBy(() -> new InputReference(3, ref.modalities(), ref.correlations().subList(0, 5),
                ref.brainVolumeMl(), 1, 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("6 correlations");
        assertThatThrownBy(() -> new InputReference(0, ref.modalities(), ref.correlations(), ref.brainVolumeMl(), 1, 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cases");
        assertThatThrownBy(() -> new InputReference(3, ref.modalities(), ref.correlations(), ref.brainVolumeMl(), 2, 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("voxel sizes");
        assertThatThrownBy(() -> new Stat(Double.NaN, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Stat(1, -1)).isInstanceOf(IllegalArgumentException.class);
        assertThat(new Stat(1, 0).z(1.5, 0.25)).isEqualTo(2.0);
        assertThat(new Stat(1, 0.5).z(0, 0.25)).isEqualTo(-2.0);
    }
}
