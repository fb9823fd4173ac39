package org.brainseg.imaging.dataset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.brainseg.imaging.Affine;
import org.brainseg.imaging.Volume;
import org.brainseg.imaging.labels.LabelConvention;
import org.brainseg.imaging.nifti.NiftiDataType;
import org.brainseg.imaging.nifti.NiftiWriter;
import org.brainseg.imaging.preprocess.PreprocessOptions;
import org.brainseg.imaging.preprocess.PreprocessedCase;
import org.brainseg.imaging.preprocess.Preprocessor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Volumes that decode fine but make no case: the table gives, per input class, the
 * CaseValidationException code (the worker's ScanFailed errorCode) or "accepted". Complements
 * {@link DatasetTest}, which covers shape and affine mismatches, all-zero and all-NaN volumes, a
 * 4-D modality and out-of-convention labels.
 */
class CaseLoaderBadVolumeTest {
    @TempDir
    Path tmp;

    private final NiftiWriter writer = new NiftiWriter();

    static Stream<Arguments> badT2() {
        return Stream.of(
                Arguments.of("all +Inf", (UnaryOperator<Volume>) v -> fill(v, Float.POSITIVE_INFINITY), "EMPTY_VOLUME"),
                Arguments.of("NaN and Inf only", (UnaryOperator<Volume>) v -> alternate(v), "EMPTY_VOLUME"),
                Arguments.of("zero spacing (singular sform)", (UnaryOperator<Volume>) v -> new Volume(v.nx(), v.ny(), v.nz(), v.data(),
                        Affine.scaling(2, 0, 2)), "IMPLAUSIBLE_GEOMETRY"),
                Arguments.of("parallel axes", (UnaryOperator<Volume>) v -> new Volume(v.nx(), v.ny(), v.nz(), v.data(),
                        Affine.fromRows(new double[] {2, 2, 0, 0}, new double[] {0, 0, 0, 0}, new double[] {0, 0, 2, 0})),
                        "IMPLAUSIBLE_GEOMETRY"),
                Arguments.of("200 mm voxels", (UnaryOperator<Volume>) v -> new Volume(v.nx(), v.ny(), v.nz(), v.data(),
                        Affine.scaling(200, 200, 200)), "IMPLAUSIBLE_GEOMETRY"),
                Arguments.of("1 nm voxels", (UnaryOperator<Volume>) v -> new Volume(v.nx(), v.ny(), v.nz(), v.data(),
                        Affine.scaling(1e-6, 1e-6, 1e-6)), "IMPLAUSIBLE_GEOMETRY"));
    }

    @ParameterizedTest(name = "{0} in the first modality -> {2}")
    @MethodSource("badT2")
    void shouldRejectAnUnusableFirstModalityWithItsCode(String what, UnaryOperator<Volume> change, String code) throws IOException {
        Case c = tinyCase(Map.of(Modality.T1, change), null);
        assertThatThrownBy(() -> new CaseLoader().load(c)).isInstanceOf(CaseValidationException.class)
                .satisfies(e -> assertThat(((CaseValidationException) e).code()).isEqualTo(code))
                .hasMessageContaining(c.id()).hasMessageContaining("t1.nii.gz");
    }

    @Test
    void shouldRejectAnImplausibleGridInA4dImage() throws IOException {
        Volume[] ch = new Volume[4];
        for (int t = 0; t < 4; t++) {
            Volume v = TinyDatasets.image(t);
            ch[t] = new Volume(v.nx(), v.ny(), v.nz(), v.data(), Affine.scaling(500, 500, 500));
        }
        Path img = tmp.resolve("huge.nii.gz");
        writer.write4d(img, ch, NiftiDataType.FLOAT32);
        Case c = Case.stacked("huge", img, Arrays.asList(Modality.values()), null, LabelConvention.BRATS2021);
        assertThatThrownBy(() -> new CaseLoader().load(c)).isInstanceOf(CaseValidationException.class)
                .satisfies(e -> assertThat(((CaseValidationException) e).code()).isEqualTo("IMPLAUSIBLE_GEOMETRY"))
                .hasMessageContaining("4000.0 mm");
    }

    @Test
    void shouldRejectAOneVoxelCase() throws IOException {
        UnaryOperator<Volume> one = v -> new Volume(1, 1, 1, new float[] {v.data()[0]}, v.affine());
        Map<Modality, UnaryOperator<Volume>> all = new EnumMap<>(Modality.class);
        for (Modality m : Modality.values()) {
            all.put(m, one);
        }
        Case c = tinyCase(all, null);
        assertThatThrownBy(() -> new CaseLoader().load(c)).isInstanceOf(CaseValidationException.class)
                .satisfies(e -> assertThat(((CaseValidationException) e).code()).isEqualTo("IMPLAUSIBLE_GEOMETRY"))
                .hasMessageContaining("[1, 1, 1]");
    }

    @Test
    void shouldRejectASingleSliceButAcceptTheSmallestScan() throws IOException {
        Case slice = tinyCase(Map.of(Modality.T1, v -> new Volume(8, 8, 1, Arrays.copyOf(v.data(), 64), v.affine())), null);
        assertThatThrownBy(() -> new CaseLoader().load(slice)).isInstanceOf(CaseValidationException.class)
                .satisfies(e -> assertThat(((CaseValidationException) e).code()).isEqualTo("IMPLAUSIBLE_GEOMETRY"));
        Map<Modality, UnaryOperator<Volume>> all = new EnumMap<>(Modality.class);
        for (Modality m : Modality.values()) {
            all.put(m, v -> new Volume(4, 4, 4, Arrays.copyOf(v.data(), 64), v.affine()));
        }
        LoadedCase lc = new CaseLoader().load(tinyCase(all, null));
        PreprocessedCase p = new Preprocessor(PreprocessOptions.isotropic(3)).apply(lc.id(), lc.channels(), null);
        for (float f : p.channels()[0].data()) {
            assertThat(f).isFinite();
        }
    }

    @Test
    void shouldAcceptScatteredNonFiniteVoxelsAndTreatThemAsBackground() throws IOException {
        UnaryOperator<Volume> holes = v -> {
            Volume h = v.copy();
            h.data()[0] = Float.NaN;
            h.data()[100] = Float.POSITIVE_INFINITY;
            h.data()[200] = Float.NEGATIVE_INFINITY;
            return h;
        };
        LoadedCase lc = new CaseLoader().load(tinyCase(Map.of(Modality.T1, holes, Modality.FLAIR, holes), null));
        PreprocessedCase p = new Preprocessor(PreprocessOptions.isotropic(3)).apply(lc.id(), lc.channels(), null);
        for (Volume ch : p.channels()) {
            for (float f : ch.data()) {
                assertThat(f).isFinite();
            }
        }
    }

    static Stream<Arguments> badLabels() {
        return Stream.of(Arguments.of("negative", -1f), Arguments.of("fractional", 1.5f), Arguments.of("NaN", Float.NaN),
                Arguments.of("huge", 1e9f), Arguments.of("3 in brats2021", 3f));
    }

    @ParameterizedTest(name = "label value {0} -> LABEL_OUT_OF_RANGE")
    @MethodSource("badLabels")
    void shouldRejectUnknownLabelValues(String what, float value) throws IOException {
        Volume labels = TinyDatasets.stored(TinyDatasets.internalLabels(), LabelConvention.BRATS2021).copy();
        labels.data()[5] = value;
        Case c = tinyCase(Map.of(), labels);
        assertThatThrownBy(() -> new CaseLoader().load(c)).isInstanceOf(CaseValidationException.class)
                .satisfies(e -> assertThat(((CaseValidationException) e).code()).isEqualTo("LABEL_OUT_OF_RANGE"))
                .hasMessageContaining("seg.nii.gz");
    }

    /** A 4-modality case of {@link TinyDatasets} volumes (float32), each changed as given. */
    private Case tinyCase(Map<Modality, UnaryOperator<Volume>> changes, Volume labels) throws IOException {
        Map<Modality, Path> files = new EnumMap<>(Modality.class);
        for (Modality m : Modality.values()) {
            Volume v = changes.getOrDefault(m, UnaryOperator.identity()).apply(TinyDatasets.image(m.ordinal()));
            Path p = tmp.resolve("case_" + m.key() + ".nii.gz");
            writer.write(p, v, NiftiDataType.FLOAT32);
            files.put(m, p);
        }
        Path seg = null;
        if (labels != null) {
            seg = tmp.resolve("case_seg.nii.gz");
            writer.write(seg, labels, NiftiDataType.FLOAT32);
        }
        return Case.separate("case", files, seg, LabelConvention.BRATS2021);
    }

    private static Volume fill(Volume v, float x) {
        float[] d = new float[v.size()];
        Arrays.fill(d, x);
        return v.withData(d);
    }

    private static Volume alternate(Volume v) {
        float[] d = new float[v.size()];
        for (int i = 0; i < d.length; i++) {
            d[i] = i % 2 == 0 ? Float.NaN : Float.NEGATIVE_INFINITY;
        }
        return v.withData(d);
    }
}
