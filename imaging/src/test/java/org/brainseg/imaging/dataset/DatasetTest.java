package org.brainseg.imaging.dataset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.brainseg.imaging.Affine;
import org.brainseg.imaging.Volume;
import org.brainseg.imaging.labels.LabelConvention;
import org.brainseg.imaging.nifti.NiftiDataType;
import org.brainseg.imaging.nifti.NiftiReader;
import org.brainseg.imaging.nifti.NiftiWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class DatasetTest {
    @TempDir
    Path tmp;

    private final NiftiWriter writer = new NiftiWriter();

    @ParameterizedTest
    @EnumSource(value = DatasetLayout.class, names = {"BRATS2020", "BRATS2023"})
    void shouldDetectBratsLayoutsAndMapLabelsToInternal(DatasetLayout layout) throws IOException {
        TinyDatasets.brats(tmp, layout, 3);
        DatasetScan scan = DatasetScanner.scan(tmp);
        assertThat(scan.layout()).isEqualTo(layout);
        assertThat(scan.cases()).hasSize(3);
        assertThat(scan.labelled()).isEqualTo(3);
        assertThat(scan.problems()).isEmpty();
        LoadedCase c = new CaseLoader().load(scan.cases().get(0));
        assertThat(c.labels().data()).containsExactly(TinyDatasets.internalLabels().data());
        assertThat(c.channel(Modality.FLAIR).data())
                .containsExactly(NiftiReader.read(scan.cases().get(0).modalities().get(Modality.FLAIR)).data());
    }

    @Test
    void shouldReadMsdChannelsInTheOrderDatasetJsonGives() throws IOException {
        TinyDatasets.msd(tmp, 2);
        DatasetScan scan = DatasetScanner.scan(tmp);
        assertThat(scan.layout()).isEqualTo(DatasetLayout.MSD);
        assertThat(scan.cases()).hasSize(2);
        LoadedCase c = new CaseLoader().load(scan.cases().get(1));
        // channel 0 of the 4-D file is FLAIR, 1 is T1w, 2 is t1gd, 3 is T2w
        assertThat(c.channel(Modality.FLAIR).data()).containsExactly(TinyDatasets.image(1).data());
        assertThat(c.channel(Modality.T1).data()).containsExactly(TinyDatasets.image(1001).data());
        assertThat(c.channel(Modality.T1CE).data()).containsExactly(TinyDatasets.image(2001).data());
        assertThat(c.channel(Modality.T2).data()).containsExactly(TinyDatasets.image(3001).data());
        assertThat(c.labels().data()).containsExactly(TinyDatasets.internalLabels().data());
    }

    @Test
    void shouldTreatACaseDirectoryAsAOneCaseDataset() throws IOException {
        TinyDatasets.brats(tmp, DatasetLayout.BRATS2020, 2);
        DatasetScan scan = DatasetScanner.scan(tmp.resolve("BraTS20_Training_002"));
        assertThat(scan.cases()).extracting(Case::id).containsExactly("BraTS20_Training_002");
    }

    @Test
    void shouldAcceptUncompressedCopiesAndCasesWithoutLabels() throws IOException {
        TinyDatasets.brats(tmp, DatasetLayout.BRATS2020, 1);
        Path dir = tmp.resolve("BraTS20_Training_001");
        Files.delete(dir.resolve("BraTS20_Training_001_seg.nii.gz"));
        writer.write(dir.resolve("BraTS20_Training_001_t1.nii"), TinyDatasets.image(5), NiftiDataType.INT16);
        Files.delete(dir.resolve("BraTS20_Training_001_t1.nii.gz"));
        DatasetScan scan = DatasetScanner.scan(tmp);
        assertThat(scan.cases()).hasSize(1);
        assertThat(scan.labelled()).isZero();
        assertThat(new CaseLoader().load(scan.cases().get(0)).hasLabels()).isFalse();
    }

    @Test
    void shouldReportAMissingModalityNamingTheCaseAndFile() throws IOException {
        TinyDatasets.brats(tmp, DatasetLayout.BRATS2020, 2);
        Files.delete(tmp.resolve("BraTS20_Training_002/BraTS20_Training_002_t1ce.nii.gz"));
        DatasetScan scan = DatasetScanner.scan(tmp);
        assertThat(scan.cases()).hasSize(1);
        assertThat(scan.problems()).singleElement().asString()
                .contains("BraTS20_Training_002").contains("BraTS20_Training_002_t1ce.nii");
    }

    @Test
    void shouldIgnoreDirectoriesThatHoldNoCaseImages() throws IOException {
        TinyDatasets.brats(tmp, DatasetLayout.BRATS2020, 2);
        Files.createDirectories(tmp.resolve("previews"));
        Files.writeString(tmp.resolve("previews/BraTS20_Training_001.png"), "png");
        DatasetScan scan = DatasetScanner.scan(tmp);
        assertThat(scan.cases()).hasSize(2);
        assertThat(scan.problems()).isEmpty();
    }

    @Test
    void shouldRefuseADirectoryWithoutCases() throws IOException {
        Files.createDirectories(tmp.resolve("empty/sub"));
        assertThatThrownBy(() -> DatasetScanner.scan(tmp.resolve("empty"))).hasMessageContaining("no BraTS or MSD cases");
        assertThatThrownBy(() -> DatasetScanner.scan(tmp.resolve("absent"))).hasMessageContaining("absent");
    }

    @Test
    void shouldRejectModalitiesOfDifferentShape() throws IOException {
        TinyDatasets.brats(tmp, DatasetLayout.BRATS2020, 1);
        Volume small = new Volume(4, 4, 4, new float[64], Affine.scaling(2, 2, 2));
        small.data()[0] = 1;
        writer.write(DatasetLayout.BRATS2020.modalityPath(tmp, "BraTS20_Training_001", Modality.T2), small, NiftiDataType.INT16);
        assertRejected("GEOMETRY_MISMATCH", "BraTS20_Training_001_t2.nii.gz", "shape");
    }

    @Test
    void shouldRejectModalitiesWithDifferentAffines() throws IOException {
        TinyDatasets.brats(tmp, DatasetLayout.BRATS2020, 1);
        Volume shifted = new Volume(8, 8, 8, TinyDatasets.image(9).data(), Affine.scaling(2, 2, 2).translateVoxels(0, 0, 1));
        writer.write(DatasetLayout.BRATS2020.modalityPath(tmp, "BraTS20_Training_001", Modality.FLAIR), shifted, NiftiDataType.INT16);
        assertRejected("GEOMETRY_MISMATCH", "BraTS20_Training_001_flair.nii.gz", "affine");
    }

    @Test
    void shouldRejectLabelsOutsideTheConvention() throws IOException {
        TinyDatasets.brats(tmp, DatasetLayout.BRATS2020, 1);
        Volume bad = TinyDatasets.stored(TinyDatasets.internalLabels(), LabelConvention.BRATS2021);
        bad.set(0, 0, 0, 3); // 3 is not a BraTS 2021 label
        writer.write(DatasetLayout.BRATS2020.labelPath(tmp, "BraTS20_Training_001"), bad, NiftiDataType.UINT8);
        assertRejected("LABEL_OUT_OF_RANGE", "BraTS20_Training_001_seg.nii.gz", "3.0", "brats2021");
    }

    @Test
    void shouldRejectEmptyAndAllNanVolumes() throws IOException {
        TinyDatasets.brats(tmp, DatasetLayout.BRATS2020, 1);
        Volume zero = Volume.zerosLike(TinyDatasets.image(1));
        writer.write(DatasetLayout.BRATS2020.modalityPath(tmp, "BraTS20_Training_001", Modality.T1), zero, NiftiDataType.INT16);
        assertRejected("EMPTY_VOLUME", "_t1.nii.gz", "all zero");

        Volume nan = TinyDatasets.image(1).copy();
        java.util.Arrays.fill(nan.data(), Float.NaN);
        writer.write(DatasetLayout.BRATS2020.modalityPath(tmp, "BraTS20_Training_001", Modality.T1), nan, NiftiDataType.FLOAT32);
        assertRejected("EMPTY_VOLUME", "_t1.nii.gz", "NaN");
    }

    @Test
    void shouldRejectAFourDimensionalModality() throws IOException {
        TinyDatasets.brats(tmp, DatasetLayout.BRATS2020, 1);
        writer.write4d(DatasetLayout.BRATS2020.modalityPath(tmp, "BraTS20_Training_001", Modality.T1CE),
                new Volume[] {TinyDatasets.image(1), TinyDatasets.image(2)}, NiftiDataType.FLOAT32);
        assertRejected("NOT_3D", "_t1ce.nii.gz", "4-D");
    }

    @Test
    void shouldRejectAnMsdImageWithTheWrongNumberOfChannels() throws IOException {
        TinyDatasets.msd(tmp, 1);
        writer.write4d(DatasetLayout.MSD.imagePath(tmp, "BRATS_001"),
                new Volume[] {TinyDatasets.image(1), TinyDatasets.image(2)}, NiftiDataType.FLOAT32);
        assertRejected("WRONG_CHANNELS", "BRATS_001.nii.gz", "2 volumes");
    }

    @Test
    void shouldMapEveryConventionBothWays() {
        for (LabelConvention c : LabelConvention.values()) {
            for (int internal = 0; internal < 4; internal++) {
                assertThat(c.toInternal(c.fromInternal(internal))).isEqualTo(internal);
            }
            assertThat(c.toInternal(7)).isEqualTo(-1);
        }
        assertThat(LabelConvention.MSD.toInternal(1)).isEqualTo(2); // MSD 1 = edema
        assertThat(LabelConvention.BRATS2021.fromInternal(3)).isEqualTo(4);
        assertThatThrownBy(() -> LabelConvention.parse("brats1999")).hasMessageContaining("brats1999");
    }

    private void assertRejected(String code, String... fragments) throws IOException {
        Case c = DatasetScanner.scan(tmp).cases().get(0);
        assertThatThrownBy(() -> new CaseLoader().load(c))
                .isInstanceOf(CaseValidationException.class)
                .satisfies(e -> assertThat(((CaseValidationException) e).code()).isEqualTo(code))
                .satisfies(e -> {
                    for (String f : fragments) {
                        assertThat(e.getMessage()).contains(f);
                    }
                    assertThat(e.getMessage()).contains(c.id());
                });
    }
}
