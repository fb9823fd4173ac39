package org.brainseg.synthetic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.brainseg.imaging.dataset.DatasetLayout;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * nibabel (Debian's python3-nibabel, which CI installs) loads a generated case with the same
 * shape, affine and label set. Skipped only where /usr/bin/python3 cannot import nibabel.
 */
class NibabelCrossCheckTest {
    private static final Path PYTHON = Path.of("/usr/bin/python3");
    private static final String SCRIPT = String.join("\n",
            "import json, sys, nibabel as nib, numpy as np",
            "out = {}",
            "for key, path in [('image', sys.argv[1]), ('seg', sys.argv[2])]:",
            "    img = nib.load(path)",
            "    data = np.asanyarray(img.dataobj)",
            "    out[key] = {'shape': list(img.shape), 'affine': img.affine.tolist(), 'dtype': str(img.get_data_dtype()),",
            "                'values': sorted(int(v) for v in np.unique(data)) if key == 'seg' else [], 'max': float(data.max())}",
            "print(json.dumps(out))");

    @TempDir
    Path tmp;

    @Test
    void shouldBeReadByNibabelWithTheSameGeometryAndLabels() throws Exception {
        assumeTrue(nibabelAvailable(), "/usr/bin/python3 with nibabel is not installed");
        CohortConfig config = new CohortConfig(1, 42, DatasetLayout.BRATS2020, 3, null, false);
        CohortGenerator g = new CohortGenerator(config, Anatomy.load(null));
        g.generate(tmp, null);
        SyntheticCase c = g.synthesize(0);
        Path dir = tmp.resolve(c.id());
        JsonNode out = run(dir.resolve(c.id() + "_t1ce.nii.gz"), dir.resolve(c.id() + "_seg.nii.gz"));

        for (String key : new String[] {"image", "seg"}) {
            JsonNode r = out.get(key);
            assertThat(r.get("shape").toString()).isEqualTo("[80,80,52]");
            double[][] affine = config.affine().rows();
            for (int row = 0; row < 4; row++) {
                for (int col = 0; col < 4; col++) {
                    assertThat(r.get("affine").get(row).get(col).asDouble()).isCloseTo(affine[row][col],
                            org.assertj.core.data.Offset.offset(1e-4));
                }
            }
        }
        assertThat(out.get("image").get("dtype").asText()).isEqualTo("int16");
        assertThat(out.get("seg").get("dtype").asText()).isEqualTo("uint8");
        java.util.Set<Integer> expected = new java.util.TreeSet<>();
        for (float f : c.labels().data()) {
            expected.add(DatasetLayout.BRATS2020.convention().fromInternal((int) f));
        }
        assertThat(out.get("seg").get("values").toString()).isEqualTo(expected.toString().replace(" ", ""));
        float max = 0;
        for (float f : c.channels()[1].data()) {
            max = Math.max(max, f);
        }
        assertThat(out.get("image").get("max").asDouble()).isEqualTo(max);
    }

    private static boolean nibabelAvailable() throws InterruptedException {
        if (!Files.isExecutable(PYTHON)) {
            return false;
        }
        try {
            Process p = new ProcessBuilder(PYTHON.toString(), "-c", "import nibabel").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        }
    }

    private static JsonNode run(Path image, Path seg) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(PYTHON.toString(), "-c", SCRIPT, image.toString(), seg.toString()).start();
        String stdout = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String stderr = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(stderr).isZero();
        return new ObjectMapper().readTree(stdout);
    }
}
