package org.brainseg.synthetic;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.brainseg.imaging.dataset.DatasetLayout;
import org.brainseg.imaging.labels.TumourLabel;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Determinism, volumes and previews of generated cohorts, on coarse grids to stay fast. */
class CohortGeneratorTest {
    static Anatomy anatomy;

    @TempDir
    Path tmp;

    @BeforeAll
    static void loadAnatomy() throws IOException {
        anatomy = Anatomy.load(null);
    }

    static CohortGenerator generator(int cases, long seed, double spacing) {
        return new CohortGenerator(new CohortConfig(cases, seed, DatasetLayout.BRATS2020, spacing, null, false), anatomy);
    }

    @Test
    void shouldWriteByteIdenticalFilesForTheSameSeed() throws IOException {
        generator(2, 7, 3).generate(tmp.resolve("a"), null);
        generator(2, 7, 3).generate(tmp.resolve("b"), null);
        assertThat(contents(tmp.resolve("a"))).isEqualTo(contents(tmp.resolve("b")));
    }

    @Test
    void shouldWriteDifferentCasesForAnotherSeed() throws IOException {
        generator(1, 7, 3).generate(tmp.resolve("a"), null);
        generator(1, 8, 3).generate(tmp.resolve("b"), null);
        Path flair = Path.of("BraTS20_Synth_001", "BraTS20_Synth_001_flair.nii.gz");
        assertThat(Files.readAllBytes(tmp.resolve("a").resolve(flair)))
                .isNotEqualTo(Files.readAllBytes(tmp.resolve("b").resolve(flair)));
    }

    @Test
    void shouldGenerateCaseKTheSameWhateverTheCohortSize() throws IOException {
        generator(3, 11, 3).generate(tmp.resolve("three"), null);
        new CohortGenerator(new CohortConfig(2, 11, DatasetLayout.BRATS2020, 3, null, false), anatomy)
                .generate(tmp.resolve("two"), null);
        List<String> three = contents(tmp.resolve("three").resolve("BraTS20_Synth_002"));
        assertThat(contents(tmp.resolve("two").resolve("BraTS20_Synth_002"))).isEqualTo(three);
        SyntheticCase inMemory = generator(1, 11, 3).synthesize(1);
        assertThat(inMemory.labels().data()).isEqualTo(generator(3, 11, 3).synthesize(1).labels().data());
    }

    @Test
    void shouldKeepWholeTumourVolumesInTheBratsRange() {
        CohortGenerator g = generator(8, 5, 3);
        for (int k = 0; k < 8; k++) {
            SyntheticCase c = g.synthesize(k);
            assertThat(c.wholeTumourMl()).as(c.id() + " WT mL").isBetween(20.0, 200.0);
            assertThat(c.labelMl(TumourLabel.EDEMA)).as(c.id() + " edema").isPositive();
            assertThat(c.labelMl(TumourLabel.NCR_NET) + c.labelMl(TumourLabel.ENHANCING)).as(c.id() + " core").isPositive();
        }
    }

    @Test
    void shouldReportAnatomyAndVolumesPerCase() throws IOException {
        List<CaseReport> seen = new ArrayList<>();
        CohortResult r = generator(2, 3, 3).generate(tmp, seen::add);
        assertThat(seen).hasSize(2).isEqualTo(r.cases());
        assertThat(r.anatomy()).isEqualTo(anatomy.description());
        assertThat(r.previews()).isNull();
        CaseReport first = r.cases().get(0);
        assertThat(first.id()).isEqualTo("BraTS20_Synth_001");
        assertThat(first.wholeTumourMl()).isCloseTo(first.ncrNetMl() + first.edemaMl() + first.enhancingMl(),
                org.assertj.core.data.Offset.offset(1e-6));
        assertThat(first.seconds()).isPositive();
    }

    @Test
    void shouldWriteAPreviewPngPerCase() throws IOException {
        CohortConfig config = new CohortConfig(1, 42, DatasetLayout.BRATS2020, 2, null, true);
        CohortResult r = new CohortGenerator(config, anatomy).generate(tmp, null);
        Path png = r.previews().resolve("BraTS20_Synth_001.png");
        BufferedImage img = ImageIO.read(png.toFile());
        assertThat(img).isNotNull();
        assertThat(img.getWidth()).isBetween(5 * 200, 5 * 300);
        assertThat(img.getHeight()).isBetween(2 * 200, 2 * 300 + 60);
    }

    /** "relative path sha256" of every regular file under dir, in path order. */
    static List<String> contents(Path dir) throws IOException {
        List<String> out = new ArrayList<>();
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.filter(Files::isRegularFile).sorted().toList()) {
                out.add(dir.relativize(p) + " " + sha256(Files.readAllBytes(p)));
            }
        }
        assertThat(out).isNotEmpty();
        return out;
    }

    static String sha256(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
