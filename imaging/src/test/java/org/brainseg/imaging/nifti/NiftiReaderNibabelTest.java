package org.brainseg.imaging.nifti;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.stream.Stream;
import org.brainseg.imaging.Affine;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every fixture under src/test/resources/nifti was written by nibabel, with nibabel's reading of
 * it beside it as JSON (src/test/python/make_nifti_fixtures.py): our reader must agree on shape,
 * datatype, affine and every scaled voxel. Covers all datatypes, both byte orders, scaling,
 * qform-only, sform-only, pixdim-only, 4-D, gzip and NIfTI-2.
 */
class NiftiReaderNibabelTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    static Stream<String> fixtures() throws IOException {
        try (Stream<Path> s = Files.list(Paths.get("src/test/resources/nifti"))) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".json")).sorted().toList().stream();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fixtures")
    void shouldReadWhatNibabelReads(String json) throws IOException {
        JsonNode expected = JSON.readTree(Nibabel.resource(json).toFile());
        NiftiImage img = NiftiReader.read(Nibabel.resource(expected.get("file").asText()));

        JsonNode shape = expected.get("shape");
        assertThat(img.header().dim()).hasSize(shape.size());
        for (int i = 0; i < shape.size(); i++) {
            assertThat(img.header().dim()[i]).isEqualTo(shape.get(i).asLong());
        }
        assertThat(img.header().datatype().label()).isEqualTo(expected.get("dtype").asText());
        assertAffine(img.affine(), expected.get("affine"));

        JsonNode data = expected.get("data");
        assertThat(img.data()).hasSize(data.size());
        for (int i = 0; i < data.size(); i++) {
            double e = data.get(i).asDouble();
            assertThat((double) img.data()[i]).as("voxel %d", i).isCloseTo(e, within(Math.abs(e) * 1e-6 + 1e-6));
        }
    }

    static void assertAffine(Affine actual, JsonNode rows) {
        for (int r = 0; r < 4; r++) {
            for (int c = 0; c < 4; c++) {
                assertThat(actual.get(r, c)).as("affine[%d][%d]", r, c).isCloseTo(rows.get(r).get(c).asDouble(), within(1e-5));
            }
        }
    }
}
