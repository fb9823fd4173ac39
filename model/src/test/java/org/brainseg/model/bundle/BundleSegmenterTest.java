package org.brainseg.model.bundle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import org.brainseg.imaging.Volume;
import org.brainseg.imaging.dataset.LoadedCase;
import org.brainseg.model.Phantoms;
import org.brainseg.model.engine.DeviceChoice;
import org.brainseg.model.engine.EngineSettings;
import org.brainseg.model.infer.Segmentation;
import org.brainseg.model.net.TorchReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A network traced by Debian's PyTorch into the MONAI bundle layout, served by brainseg and
 * compared voxel by voxel with a PyTorch reference inference of the same bundle over the same
 * windows (bundle_tool.py: MONAI's window placement, blending, activation and BraTS label rule,
 * written out since MONAI is not packaged). A non-cubic window catches swapped axes; a contract with
 * the channels in the wrong order must give another mask; a broken network is refused at load.
 */
class BundleSegmenterTest {
    static final EngineSettings CPU = EngineSettings.of(DeviceChoice.CPU, 1);

    @TempDir
    Path tmp;

    Path bundle(String name, String blend, String kind) throws Exception {
        Path dir = tmp.resolve(name);
        python("make", dir.toString(), "32,24,16", blend, kind);
        return dir;
    }

    @ParameterizedTest(name = "blend {0}")
    @ValueSource(strings = {"gaussian", "constant"})
    void shouldSegmentLikeAPyTorchReferenceOfTheSameBundle(String blend) throws Exception {
        assumeTrue(TorchReference.available(), "/usr/bin/python3 with torch is not installed");
        Path dir = bundle("b-" + blend, blend, "good");
        Phantoms.Scan scan = Phantoms.scan("case", 36, 1.0, 41, 0.1);
        byte[] reference = reference(dir, scan.channels());
        try (BundleSegmenter s = BundleSegmenter.load(dir, CPU)) {
            assertThat(s.contract().window().blend().name().toLowerCase()).isEqualTo(blend);
            Segmentation seg = s.segment(new LoadedCase("case", scan.channels(), null, null));
            Volume mask = seg.mask();
            assertThat(mask.shape()).containsExactly(36, 36, 36);
            assertThat(agreement(mask, reference)).as("voxel agreement with the PyTorch reference").isGreaterThanOrEqualTo(0.999);
            long[] counts = new long[4];
            for (float v : mask.data()) {
                counts[(int) v]++;
            }
            assertThat(counts).as("every label occurs, so the comparison can fail").doesNotContain(0L);
        }
    }

    @Test
    void shouldGiveAnotherMaskWhenTheChannelOrderIsIgnored() throws Exception {
        assumeTrue(TorchReference.available(), "/usr/bin/python3 with torch is not installed");
        Path dir = bundle("order", "constant", "good");
        Phantoms.Scan scan = Phantoms.scan("case", 36, 1.0, 41, 0.1);
        byte[] reference = reference(dir, scan.channels());
        // brainseg's own order instead of the bundle's T1c, T1, T2, FLAIR
        Files.writeString(dir.resolve(BundleReader.OVERRIDE_FILE), "{\"channels\": [\"t1\", \"t1ce\", \"t2\", \"flair\"]}");
        try (BundleSegmenter s = BundleSegmenter.load(dir, CPU)) {
            double a = agreement(s.segment(new LoadedCase("case", scan.channels(), null, null)).mask(), reference);
            assertThat(a).as("agreement with the channels in the wrong order (0.946 when measured)").isLessThan(0.99);
        }
    }

    @Test
    void shouldRefuseANetworkThatDoesNotLoadOrAnswersWrongly() throws Exception {
        assumeTrue(TorchReference.available(), "/usr/bin/python3 with torch is not installed");
        Path garbage = bundle("garbage", "constant", "good");
        Files.writeString(garbage.resolve("models/model.ts"), "not a TorchScript archive");
        assertThatThrownBy(() -> BundleSegmenter.load(garbage, CPU)).isInstanceOf(BundleException.class)
                .hasMessageContaining("not a TorchScript this engine can load");
        Path nan = bundle("nan", "constant", "nan");
        assertThatThrownBy(() -> BundleSegmenter.load(nan, CPU)).isInstanceOf(BundleException.class)
                .hasMessageContaining("non-finite");
        Path rank4 = bundle("rank4", "constant", "rank4");
        assertThatThrownBy(() -> BundleSegmenter.load(rank4, CPU)).isInstanceOf(BundleException.class)
                .hasMessageContaining("the network returns (1, 3, 32, 24) for a window, the contract says (1, 3, 32, 24, 16)");
        Path fourClasses = bundle("four", "constant", "good");
        Files.writeString(fourClasses.resolve(BundleReader.OVERRIDE_FILE), """
                {"output": {"kind": "softmax-labels", "labels": ["background", "ncrNet", "edema", "enhancing"]}}""");
        assertThatThrownBy(() -> BundleSegmenter.load(fourClasses, CPU)).isInstanceOf(BundleException.class)
                .hasMessageContaining("the contract says (1, 4, 32, 24, 16)");
        Path fiveInputs = bundle("five", "constant", "in5"); // metadata says 4 channels, the network takes 5
        assertThatThrownBy(() -> BundleSegmenter.load(fiveInputs, CPU)).isInstanceOf(BundleException.class)
                .hasMessageContaining("fails on a (1, 4, 32, 24, 16)");
        Path resampled = bundle("resampled", "constant", "good");
        Files.writeString(resampled.resolve(BundleReader.OVERRIDE_FILE), "{\"spacingMm\": [2, 2, 2]}");
        assertThatThrownBy(() -> BundleSegmenter.load(resampled, CPU)).isInstanceOf(BundleException.class)
                .hasMessageContaining("not supported yet");
    }

    @Test
    void shouldZScoreOverNonzeroVoxelsOrOverTheBrainMask() {
        float[] t1 = {0, 2, 4, 0};
        float[] flair = {0, 0, 1, 1};
        // MONAI's nonzero channel-wise: mean 3, sd 1 over the two nonzero voxels; zeros stay 0
        assertThat(BundleSegmenter.normalized(t1, null)).containsExactly(0f, -1f, 1f, 0f);
        // brain-zscore: the mask is every voxel nonzero in any modality (1, 2, 3): mean 2, sd sqrt(8/3)
        Volume[] channels = {new Volume(4, 1, 1, t1, org.brainseg.imaging.Affine.identity()),
            new Volume(4, 1, 1, flair, org.brainseg.imaging.Affine.identity())};
        boolean[] brain = BundleSegmenter.brain(channels);
        assertThat(brain).containsExactly(false, true, true, true);
        double sd = Math.sqrt(8.0 / 3);
        assertThat(BundleSegmenter.normalized(t1, brain)).containsExactly(0f, 0f, (float) (2 / sd), (float) (-2 / sd));
        assertThat(BundleSegmenter.normalized(new float[] {0, 5, 5}, null)).as("sd 0: only centred").containsExactly(0f, 0f, 0f);
    }

    @Test
    void shouldPlaceWindowsAsMonaiDoes() {
        // 80 voxels, window 32, overlap 0.5: interval 16, the last window flush with the end
        assertThat(BundleSegmenter.starts(80, 32, 0.5)).containsExactly(0, 16, 32, 48);
        assertThat(BundleSegmenter.starts(52, 32, 0.5)).containsExactly(0, 16, 20);
        assertThat(BundleSegmenter.starts(32, 32, 0.5)).containsExactly(0);
        assertThat(BundleSegmenter.starts(100, 32, 0.25)).containsExactly(0, 24, 48, 68);
        assertThat(BundleSegmenter.starts(10, 4, 0.0)).containsExactly(0, 4, 6);
    }

    /** Fraction of voxels where our mask (x fastest) equals the reference (X, Y, Z, z fastest). */
    static double agreement(Volume mask, byte[] reference) {
        int nx = mask.nx();
        int ny = mask.ny();
        int nz = mask.nz();
        long same = 0;
        for (int x = 0; x < nx; x++) {
            for (int y = 0; y < ny; y++) {
                for (int z = 0; z < nz; z++) {
                    if ((int) mask.data()[x + nx * (y + ny * z)] == reference[(x * ny + y) * nz + z]) {
                        same++;
                    }
                }
            }
        }
        return (double) same / ((long) nx * ny * nz);
    }

    /** The reference mask of the bundle for channels in brainseg's order, as (X, Y, Z) bytes. */
    byte[] reference(Path dir, Volume[] channels) throws Exception {
        int nx = channels[0].nx();
        int ny = channels[0].ny();
        int nz = channels[0].nz();
        ByteBuffer b = ByteBuffer.allocate(4 * channels.length * nx * ny * nz).order(ByteOrder.LITTLE_ENDIAN);
        for (Volume v : channels) {
            for (int x = 0; x < nx; x++) {
                for (int y = 0; y < ny; y++) {
                    for (int z = 0; z < nz; z++) {
                        b.putFloat(v.data()[x + nx * (y + ny * z)]);
                    }
                }
            }
        }
        Path in = tmp.resolve("in-" + dir.getFileName() + ".f32");
        Files.write(in, b.array());
        Files.writeString(Path.of(in + ".shape"), channels.length + " " + nx + " " + ny + " " + nz);
        Path out = tmp.resolve("out-" + dir.getFileName() + ".u8");
        python("infer", dir.toString(), in.toString(), out.toString());
        return Files.readAllBytes(out);
    }

    void python(String... args) throws IOException, InterruptedException {
        TestBundles.run(tmp, args);
    }
}
