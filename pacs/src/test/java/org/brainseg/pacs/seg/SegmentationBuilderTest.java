package org.brainseg.pacs.seg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.brainseg.imaging.Affine;
import org.brainseg.imaging.Volume;
import org.brainseg.pacs.Tools;
import org.brainseg.pacs.dicom.DicomException;
import org.brainseg.pacs.dicom.Part10;
import org.brainseg.pacs.ingest.ScanSource;
import org.brainseg.schemas.ModelRef;
import org.brainseg.schemas.Quality;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The SEG object on its own: its bytes, then what dciodvfy and pydicom (independent of brainseg) make of them. */
public class SegmentationBuilderTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final int COLS = 7;
    static final int ROWS = 5;
    static final int SLICES = 4;

    @TempDir
    Path dir;

    static ScanSource source() {
        List<String> uids = new ArrayList<>();
        List<double[]> pos = new ArrayList<>();
        for (int k = 0; k < SLICES; k++) {
            uids.add("1.2.826.0.1.3680043.8.498.1." + (k + 1));
            pos.add(new double[] {-10.5, 20.25, 3 * k + 0.5});
        }
        return new ScanSource("s-1", Map.of("t1ce", "x"), "1.2.826.0.1.3680043.8.498.9",
                new ScanSource.Reference("1.2.826.0.1.3680043.8.498.2", "t1ce", "1.2.826.0.1.3680043.8.498.3",
                        "1.2.840.10008.5.1.4.1.1.4", uids, pos, new double[] {1, 0, 0, 0, 1, 0}, new double[] {1.5, 1.25}, 3,
                        ROWS, COLS));
    }

    static JsonNode study() throws Exception {
        return JSON.readTree("""
                {"PatientMainDicomTags": {"PatientName": "Doe^Jane", "PatientID": "SECRET42", "PatientBirthDate": "19700101",
                  "PatientSex": "O"},
                 "MainDicomTags": {"StudyInstanceUID": "1.2.826.0.1.3680043.8.498.9", "StudyDate": "20260101",
                  "StudyTime": "120000", "StudyID": "1", "AccessionNumber": "", "ReferringPhysicianName": ""}}""");
    }

    static Volume mask(long seed) {
        Random r = new Random(seed);
        float[] d = new float[COLS * ROWS * SLICES];
        for (int i = 0; i < d.length; i++) {
            d[i] = r.nextInt(4);
        }
        return new Volume(COLS, ROWS, SLICES, d, Affine.identity());
    }

    static SegmentationBuilder.Result result(int version) {
        return new SegmentationBuilder.Result("orthanc-s-1-abc", version, Instant.parse("2026-12-02T10:15:30Z"), "0.1.0", 9901);
    }

    @Test
    void shouldGiveTheSameBytesForTheSameResult() throws Exception {
        byte[] a = Part10.encode(SegmentationBuilder.build(study(), source(), mask(1), result(3)));
        byte[] b = Part10.encode(SegmentationBuilder.build(study(), source(), mask(1), result(3)));
        assertThat(a).isEqualTo(b);
        assertThat(SegmentationBuilder.instanceUid("orthanc-s-1-abc", 3)).isNotEqualTo(SegmentationBuilder.instanceUid("orthanc-s-1-abc", 4))
                .matches("2\\.25\\.[1-9][0-9]*").hasSizeLessThanOrEqualTo(64);
    }

    @Test
    void shouldRefuseAMaskOnAnotherGrid() {
        Volume wrong = new Volume(ROWS, COLS, SLICES, new float[COLS * ROWS * SLICES], Affine.identity());
        assertThatThrownBy(() -> SegmentationBuilder.build(study(), source(), wrong, result(1))).isInstanceOf(DicomException.class)
                .hasMessageContaining("grid");
    }

    @Test
    void shouldPassDciodvfyWithoutErrors() throws Exception {
        String dciodvfy = Tools.require("dciodvfy", "dicom3tools");
        Path f = dir.resolve("seg.dcm");
        Files.write(f, Part10.encode(SegmentationBuilder.build(study(), source(), mask(2), result(3))));
        Tools.Result r = Tools.run(List.of(dciodvfy, f.toString()), 120);
        Files.writeString(Path.of("target", "seg-unit-dciodvfy.txt"), r.output());
        assertThat(r.output()).as(r.output()).contains("Segmentation").doesNotContain("Error");
    }

    @Test
    void shouldMapEveryFrameOntoTheMaskWhenReadByPydicom() throws Exception {
        String py = Tools.requirePydicom();
        Volume m = mask(3);
        Path f = dir.resolve("seg.dcm");
        Files.write(f, Part10.encode(SegmentationBuilder.build(study(), source(), m, result(3))));
        Path bits = dir.resolve("bits.raw");
        Tools.Result r = Tools.run(List.of(py, Tools.script("read_seg.py", dir).toString(), f.toString(), bits.toString()), 120);
        assertThat(r.code()).as(r.output()).isZero();
        JsonNode seg = JSON.readTree(r.output());
        assertThat(seg.path("frames").asInt()).isEqualTo(3 * SLICES);
        assertThat(seg.path("segmentationType").asText()).isEqualTo("BINARY");
        assertThat(seg.path("seriesDescription").asText()).contains("model v3");
        assertThat(seg.path("frameOfReference").asText()).isEqualTo(source().reference().frameOfReferenceUid());
        assertThat(seg.path("referencedSeries").asText()).isEqualTo(source().reference().seriesInstanceUid());
        assertSegFramesEqualMask(seg, Files.readAllBytes(bits), m, source());
    }

    @Test
    void shouldNameAnImportedNetworkAndStayValidDicom() throws Exception {
        String py = Tools.requirePydicom();
        String dciodvfy = Tools.require("dciodvfy", "dicom3tools");
        SegmentationBuilder.Result imported = new SegmentationBuilder.Result("orthanc-s-1-abc", 5,
                Instant.parse("2026-12-02T10:15:30Z"), "0.1.0", 9901,
                new ModelRef(ModelRef.TORCHSCRIPT, "brats_mri_segmentation", "0.5.3"));
        Path f = dir.resolve("seg-imported.dcm");
        Files.write(f, Part10.encode(SegmentationBuilder.build(study(), source(), mask(4), imported)));
        Tools.Result r = Tools.run(List.of(py, Tools.script("read_seg.py", dir).toString(), f.toString(),
                dir.resolve("bits.raw").toString()), 120);
        assertThat(r.code()).as(r.output()).isZero();
        JsonNode seg = JSON.readTree(r.output());
        assertThat(seg.path("seriesDescription").asText()).isEqualTo("brainseg v5: brats_mri_segmentation 0.5.3");
        assertThat(seg.path("segments")).isNotEmpty()
                .allSatisfy(s -> assertThat(s.path("algorithm").asText()).isEqualTo("brats_mri_segmentation 0.5.3"));
        Tools.Result v = Tools.run(List.of(dciodvfy, f.toString()), 120);
        assertThat(v.output()).as(v.output()).contains("Segmentation").doesNotContain("Error");

        // a hostile name: LO allows 64 characters and no backslash
        SegmentationBuilder.Result odd = new SegmentationBuilder.Result("s", 6, Instant.EPOCH, "0.1.0", 1,
                new ModelRef(ModelRef.TORCHSCRIPT, "a\\b".repeat(40), "1"));
        assertThat(odd.algorithmName()).hasSize(64).doesNotContain("\\");
        assertThat(SegmentationBuilder.seriesDescription(odd)).hasSize(64).doesNotContain("\\");
        assertThat(result(3).algorithmName()).isEqualTo("brainseg U-Net v3");
        assertThat(SegmentationBuilder.seriesDescription(result(3))).isEqualTo("brainseg tumour segmentation, model v3");
    }

    @Test
    void shouldSayInTheSegThatAFlaggedMaskNeedsReview() throws Exception {
        String py = Tools.requirePydicom();
        String dciodvfy = Tools.require("dciodvfy", "dicom3tools");
        Quality flagged = new Quality(new Quality.Regions(0.41, 0.7, 0.6), true,
                List.of("low-predicted-dice", "modalities-swapped:t1<->flair"), Map.of("flipDice.WT", 0.5));
        SegmentationBuilder.Result r = new SegmentationBuilder.Result("orthanc-s-1-abc", 3, Instant.parse("2026-12-02T10:15:30Z"),
                "0.1.0", 9901, ModelRef.nativeVersion("brainseg", 3), flagged);
        assertThat(SegmentationBuilder.contentDescription(r)).as("LO: cut at 64 characters")
                .isEqualTo("NEEDS REVIEW v3: low-predicted-dice, modalities-swapped:t1<->fla");
        assertThat(SegmentationBuilder.seriesDescription(r)).startsWith("REVIEW ");
        Path f = dir.resolve("seg-review.dcm");
        Files.write(f, Part10.encode(SegmentationBuilder.build(study(), source(), mask(5), r)));
        Tools.Result read = Tools.run(List.of(py, Tools.script("read_seg.py", dir).toString(), f.toString(),
                dir.resolve("bits.raw").toString()), 120);
        assertThat(read.code()).as(read.output()).isZero();
        assertThat(JSON.readTree(read.output()).path("seriesDescription").asText())
                .isEqualTo("REVIEW brainseg tumour segmentation, model v3");
        Tools.Result v = Tools.run(List.of(dciodvfy, f.toString()), 120);
        assertThat(v.output()).as(v.output()).contains("Segmentation").doesNotContain("Error");

        Quality fine = new Quality(new Quality.Regions(0.9, 0.9, 0.9), false, List.of(), Map.of());
        SegmentationBuilder.Result ok = new SegmentationBuilder.Result("s", 3, Instant.EPOCH, "0.1.0", 1, null, fine);
        assertThat(SegmentationBuilder.contentDescription(ok)).isEqualTo("BraTS labels by brainseg model v3");
        assertThat(SegmentationBuilder.seriesDescription(ok)).isEqualTo("brainseg tumour segmentation, model v3");
    }

    /** Frame f (segment s, the slice at its position) has pixel (row j, column i) set exactly where the mask is s. */
    public static void assertSegFramesEqualMask(JsonNode seg, byte[] bits, Volume mask, ScanSource src) {
        int rows = seg.path("rows").asInt();
        int cols = seg.path("columns").asInt();
        int f = 0;
        for (JsonNode frame : seg.path("frameList")) {
            int s = frame.path("segment").asInt();
            int k = src.reference().sopInstanceUids().indexOf(frame.path("source").asText());
            assertThat(k).as("frame %d's source image", f).isGreaterThanOrEqualTo(0);
            double[] p = src.reference().positions().get(k);
            for (int a = 0; a < 3; a++) {
                assertThat(frame.path("position").get(a).asDouble()).isCloseTo(p[a], org.assertj.core.data.Offset.offset(1e-3));
            }
            for (int j = 0; j < rows; j++) {
                for (int i = 0; i < cols; i++) {
                    boolean set = bits[f * rows * cols + j * cols + i] == 1;
                    boolean expected = Math.round(mask.get(i, j, k)) == s;
                    if (set != expected) {
                        throw new AssertionError("frame " + f + " (segment " + s + ", slice " + k + ") pixel row " + j
                                + " column " + i + ": " + set + ", mask says " + expected);
                    }
                }
            }
            f++;
        }
        assertThat(f).isEqualTo(3 * mask.nz());
    }
}
