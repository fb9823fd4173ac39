package org.brainseg.synthetic;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import org.brainseg.imaging.dataset.CaseLoader;
import org.brainseg.imaging.dataset.DatasetLayout;
import org.brainseg.imaging.dataset.DatasetScan;
import org.brainseg.imaging.dataset.DatasetScanner;
import org.brainseg.imaging.dataset.LoadedCase;
import org.brainseg.imaging.dataset.Modality;
import org.brainseg.imaging.nifti.NiftiDataType;
import org.brainseg.imaging.nifti.NiftiReader;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Each layout is read back by the dataset scanner and loader with the same images and labels. */
class LayoutRoundTripTest {
    static Anatomy anatomy;

    @TempDir
    Path tmp;

    @BeforeAll
    static void load() throws IOException {
        anatomy = Anatomy.load(null);
    }

    @ParameterizedTest
    @EnumSource(DatasetLayout.class)
    void shouldRoundTripThroughScannerAndLoader(DatasetLayout layout) throws IOException {
        CohortGenerator g = new CohortGenerator(new CohortConfig(2, 99, layout, 3, null, false), anatomy);
        g.generate(tmp, null);

        DatasetScan scan = DatasetScanner.scan(tmp);
        assertThat(scan.layout()).isEqualTo(layout);
        assertThat(scan.problems()).isEmpty();
        assertThat(scan.cases()).hasSize(2);
        assertThat(scan.labelled()).isEqualTo(2);
        for (int k = 0; k < 2; k++) {
            SyntheticCase expected = g.synthesize(k);
            var c = scan.cases().get(k);
            assertThat(c.id()).isEqualTo(CohortGenerator.caseId(layout, k));
            assertThat(storedLabels(c.label())).isSubsetOf(boxed(layout.convention().storedValues()));
            LoadedCase loaded = new CaseLoader().load(c);
            assertThat(loaded.labels().data()).isEqualTo(expected.labels().data());
            for (Modality m : Modality.values()) {
                assertThat(loaded.channel(m).data()).as(m.key()).isEqualTo(expected.channel(m).data());
            }
            assertThat(loaded.labels().affine().maxAbsDifference(g.config().affine())).isLessThan(1e-4);
        }
    }

    @Test
    void shouldWriteTask01StyleDatasetJsonForMsd() throws IOException {
        new CohortGenerator(new CohortConfig(2, 1, DatasetLayout.MSD, 3, null, false), anatomy).generate(tmp, null);
        JsonNode json = new ObjectMapper().readTree(tmp.resolve("dataset.json").toFile());
        assertThat(json.get("modality").toString()).isEqualTo("{\"0\":\"FLAIR\",\"1\":\"T1w\",\"2\":\"t1gd\",\"3\":\"T2w\"}");
        assertThat(json.get("labels").get("1").asText()).isEqualTo("edema");
        assertThat(json.get("numTraining").asInt()).isEqualTo(2);
        assertThat(json.get("training").get(1).get("image").asText()).isEqualTo("./imagesTr/BRATS_002.nii.gz");
        assertThat(Files.exists(tmp.resolve("labelsTr").resolve("BRATS_002.nii.gz"))).isTrue();
    }

    @Test
    void shouldStoreImagesAsInt16AndLabelsAsUint8() throws IOException {
        new CohortGenerator(new CohortConfig(1, 1, DatasetLayout.BRATS2023, 3, null, false), anatomy).generate(tmp, null);
        Path dir = tmp.resolve("BraTS-SYN-00001-000");
        NiftiReader reader = new NiftiReader();
        assertThat(reader.readHeader(dir.resolve("BraTS-SYN-00001-000-t2f.nii.gz")).datatype())
                .isEqualTo(NiftiDataType.INT16);
        assertThat(reader.readHeader(dir.resolve("BraTS-SYN-00001-000-seg.nii.gz")).datatype())
                .isEqualTo(NiftiDataType.UINT8);
    }

    private static Set<Integer> storedLabels(Path seg) throws IOException {
        Set<Integer> values = new TreeSet<>();
        for (float f : NiftiReader.read(seg).data()) {
            values.add((int) f);
        }
        return values;
    }

    private static Set<Integer> boxed(int[] values) {
        Set<Integer> s = new TreeSet<>();
        for (int v : values) {
            s.add(v);
        }
        return s;
    }
}
