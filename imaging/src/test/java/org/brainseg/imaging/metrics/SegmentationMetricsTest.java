package org.brainseg.imaging.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.brainseg.imaging.Affine;
import org.brainseg.imaging.Volume;
import org.brainseg.imaging.labels.Region;
import org.brainseg.imaging.labels.TumourLabel;
import org.brainseg.imaging.nifti.Nibabel;
import org.brainseg.imaging.nifti.NiftiDataType;
import org.brainseg.imaging.nifti.NiftiWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SegmentationMetricsTest {
    @TempDir
    Path tmp;

    @Test
    void shouldScorePerfectAgreementAsOneAndZero() {
        Volume v = blobs(new Random(1), 20, 18, 16, Affine.scaling(1, 1, 1));
        SegmentationMetrics.Report r = SegmentationMetrics.compute(v, v.copy());
        r.labels().values().forEach(s -> assertThat(s).isEqualTo(new Score(1.0, 0.0)));
        r.regions().values().forEach(s -> assertThat(s).isEqualTo(new Score(1.0, 0.0)));
    }

    @Test
    void shouldFollowTheBratsConventionForEmptyMasks() {
        Volume empty = new Volume(240, 240, 155, new float[240 * 240 * 155], Affine.identity());
        Volume one = empty.copy();
        one.set(100, 100, 70, 3);
        Score both = SegmentationMetrics.compute(empty, empty).regions().get(Region.ET);
        assertThat(both).isEqualTo(new Score(1.0, 0.0));
        Score missed = SegmentationMetrics.compute(empty, one).regions().get(Region.ET);
        assertThat(missed.dice()).isZero();
        assertThat(missed.hd95()).isCloseTo(373.13, within(0.01));
    }

    @Test
    void shouldComputeKnownDistancesOnAnAnisotropicGrid() {
        // two single voxels 3 voxels apart along k, 2.5 mm slices: HD95 = 7.5 mm
        Volume a = new Volume(5, 5, 8, new float[200], Affine.scaling(1, 1, 2.5));
        Volume b = a.copy();
        a.set(2, 2, 1, 2);
        b.set(2, 2, 4, 2);
        Score s = SegmentationMetrics.compute(a, b).labels().get(TumourLabel.EDEMA);
        assertThat(s.dice()).isZero();
        assertThat(s.hd95()).isCloseTo(7.5, within(1e-9));
    }

    @Test
    void shouldRefuseDifferentShapes() {
        Volume a = new Volume(2, 2, 2, new float[8], Affine.identity());
        Volume b = new Volume(2, 2, 1, new float[4], Affine.identity());
        assertThatThrownBy(() -> SegmentationMetrics.compute(a, b)).hasMessageContaining("differ in shape");
    }

    @Test
    void shouldMatchABruteForceDistanceTransform() {
        Random r = new Random(3);
        int nx = 9, ny = 7, nz = 6;
        boolean[] sites = new boolean[nx * ny * nz];
        for (int i = 0; i < sites.length; i++) {
            sites[i] = r.nextInt(17) == 0;
        }
        double sx = 0.7, sy = 1.3, sz = 2.1;
        double[] fast = DistanceTransform.squared(sites, nx, ny, nz, sx, sy, sz);
        for (int q = 0; q < sites.length; q++) {
            double best = Double.MAX_VALUE;
            for (int p = 0; p < sites.length; p++) {
                if (sites[p]) {
                    double dx = (q % nx - p % nx) * sx;
                    double dy = ((q / nx) % ny - (p / nx) % ny) * sy;
                    double dz = (q / (nx * ny) - p / (nx * ny)) * sz;
                    best = Math.min(best, dx * dx + dy * dy + dz * dz);
                }
            }
            assertThat(fast[q]).as("voxel %d", q).isCloseTo(best, within(1e-9));
        }
    }

    /**
     * compute() scores inside the box around both label maps' tumour voxels: the same Dice and HD95 as
     * each structure scored on the whole grid, also where a tumour touches the image's edge and where a
     * structure is in one map only (HD95 is then the whole image's diagonal, not the box's).
     */
    @ParameterizedTest
    @ValueSource(ints = {21, 22, 23, 24})
    void shouldScoreTheTumourBoxExactlyAsTheWholeGrid(int seed) {
        Random r = new Random(seed);
        Affine aniso = Affine.scaling(1.0, 1.2, 2.0);
        Volume truth = blobs(r, 40, 36, 24, aniso);
        Volume pred = blobs(r, 40, 36, 24, aniso);
        // tumour on the image's edges: a slab at x = 0 in the truth, a corner voxel in the prediction
        for (int k = 5; k < 12; k++) {
            for (int j = 8; j < 15; j++) {
                truth.set(0, j, k, 2);
                truth.set(1, j, k, 2);
            }
        }
        pred.set(39, 35, 23, 1);
        if (seed % 2 == 0) { // enhancing tumour in the prediction only
            for (int i = 0; i < truth.size(); i++) {
                if (truth.data()[i] == 3) {
                    truth.data()[i] = 1;
                }
            }
        }
        SegmentationMetrics.Report boxed = SegmentationMetrics.compute(pred, truth);
        boxed.labels().forEach((l, s) -> {
            Score whole = SegmentationMetrics.score(pred, truth, v -> v == l.internal());
            assertThat(s.dice()).as("%s dice", l).isEqualTo(whole.dice());
            assertThat(s.hd95()).as("%s hd95", l).isEqualTo(whole.hd95());
        });
        boxed.regions().forEach((g, s) -> {
            Score whole = SegmentationMetrics.score(pred, truth, g::contains);
            assertThat(s.dice()).as("%s dice", g).isEqualTo(whole.dice());
            assertThat(s.hd95()).as("%s hd95", g).isEqualTo(whole.hd95());
        });
        if (seed % 2 == 0) {
            assertThat(boxed.labels().get(TumourLabel.ENHANCING).hd95()).as("ET in one map only: the image's diagonal")
                    .isCloseTo(Math.sqrt(40 * 40 + 43.2 * 43.2 + 48 * 48), within(1e-9));
        }
    }

    /** Random tumour-like blobs against MedPy's definition computed with scipy (independent). */
    @ParameterizedTest
    @ValueSource(ints = {11, 12, 13})
    void shouldAgreeWithScipyOnRandomBlobs(int seed) throws Exception {
        Nibabel.require();
        Random r = new Random(seed);
        Affine aniso = Affine.scaling(1.0, 1.2, 2.0);
        Volume truth = blobs(r, 40, 36, 24, aniso);
        Volume pred = blobs(r, 40, 36, 24, aniso);
        Path p = tmp.resolve("pred.nii.gz");
        Path t = tmp.resolve("truth.nii.gz");
        new NiftiWriter().write(p, pred, NiftiDataType.UINT8);
        new NiftiWriter().write(t, truth, NiftiDataType.UINT8);

        Process proc = new ProcessBuilder("/usr/bin/python3",
                Paths.get("src/test/python/metrics_reference.py").toAbsolutePath().toString(), p.toString(), t.toString())
                .start();
        byte[] out = proc.getInputStream().readAllBytes();
        String err = new String(proc.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(proc.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(proc.exitValue()).as(err).isZero();
        JsonNode ref = new ObjectMapper().readTree(out);

        SegmentationMetrics.Report ours = SegmentationMetrics.compute(pred, truth);
        // the script's keys are the event names (schemas' RegionValues.KEYS, out of this module's reach)
        Map<TumourLabel, String> labelKeys = Map.of(TumourLabel.EDEMA, "edema", TumourLabel.NCR_NET, "ncrNet",
                TumourLabel.ENHANCING, "enhancing");
        ours.labels().forEach((l, s) -> assertAgrees(s, ref.get("labels").get(labelKeys.get(l)), l.name()));
        ours.regions().forEach((g, s) -> assertAgrees(s, ref.get("regions").get(g.name()), g.name()));
    }

    private static void assertAgrees(Score s, JsonNode ref, String what) {
        assertThat(s.dice()).as("%s dice", what).isCloseTo(ref.get("dice").asDouble(), within(1e-12));
        assertThat(s.hd95()).as("%s hd95", what).isCloseTo(ref.get("hd95").asDouble(), within(1e-5)); // float32 voxel sizes in the file
    }

    /** A few overlapping spheres with labels 1..3. */
    static Volume blobs(Random r, int nx, int ny, int nz, Affine affine) {
        float[] d = new float[nx * ny * nz];
        Volume v = new Volume(nx, ny, nz, d, affine);
        for (int label : new int[] {2, 1, 3}) {
            for (int b = 0; b < 2; b++) {
                double cx = nx * (0.3 + 0.4 * r.nextDouble());
                double cy = ny * (0.3 + 0.4 * r.nextDouble());
                double cz = nz * (0.3 + 0.4 * r.nextDouble());
                double rad = 2 + r.nextDouble() * nx / 5.0;
                for (int k = 0; k < nz; k++) {
                    for (int j = 0; j < ny; j++) {
                        for (int i = 0; i < nx; i++) {
                            double dd = (i - cx) * (i - cx) + (j - cy) * (j - cy) + (k - cz) * (k - cz);
                            if (dd < rad * rad) {
                                v.set(i, j, k, label);
                            }
                        }
                    }
                }
            }
        }
        return v;
    }
}
