package org.brainseg.imaging.dataset;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.brainseg.imaging.Affine;
import org.brainseg.imaging.Volume;
import org.brainseg.imaging.labels.LabelConvention;
import org.brainseg.imaging.nifti.NiftiDataType;
import org.brainseg.imaging.nifti.NiftiWriter;

/** Tiny seeded datasets in each layout, for dataset and CLI tests. */
public final class TinyDatasets {
    public static final int N = 8;
    private static final NiftiWriter WRITER = new NiftiWriter();

    private TinyDatasets() {}

    /** A labelled volume: background 0, a cube of edema around a core of NCR and ET (internal labels). */
    public static Volume internalLabels() {
        Volume v = new Volume(N, N, N, new float[N * N * N], Affine.scaling(2, 2, 2));
        for (int k = 2; k < 6; k++) {
            for (int j = 2; j < 6; j++) {
                for (int i = 2; i < 6; i++) {
                    v.set(i, j, k, 2);
                }
            }
        }
        v.set(3, 3, 3, 1);
        v.set(4, 4, 4, 3);
        return v;
    }

    public static Volume image(long seed) {
        Random r = new Random(seed);
        float[] d = new float[N * N * N];
        for (int i = 0; i < d.length; i++) {
            d[i] = 100 + r.nextInt(500);
        }
        return new Volume(N, N, N, d, Affine.scaling(2, 2, 2));
    }

    /** Stored labels of {@code internal} in a convention. */
    public static Volume stored(Volume internal, LabelConvention c) {
        float[] d = internal.data().clone();
        for (int i = 0; i < d.length; i++) {
            d[i] = c.fromInternal((int) d[i]);
        }
        return internal.withData(d);
    }

    /** Writes {@code cases} BraTS-layout cases (brats2020 or brats2023), with labels. */
    public static Path brats(Path root, DatasetLayout layout, int cases) throws IOException {
        for (int c = 0; c < cases; c++) {
            String id = (layout == DatasetLayout.BRATS2020 ? "BraTS20_Training_" : "BraTS-GLI-") + String.format("%03d", c + 1);
            for (Modality m : Modality.values()) {
                WRITER.write(layout.modalityPath(root, id, m), image(31L * c + m.ordinal()), NiftiDataType.INT16);
            }
            WRITER.write(layout.labelPath(root, id), stored(internalLabels(), layout.convention()), NiftiDataType.UINT8);
        }
        return root;
    }

    /** Writes an MSD Task01-style dataset with dataset.json. */
    public static Path msd(Path root, int cases) throws IOException {
        Files.createDirectories(root);
        Files.writeString(root.resolve("dataset.json"),
                "{\"name\":\"BRATS\",\"modality\":{\"0\":\"FLAIR\",\"1\":\"T1w\",\"2\":\"t1gd\",\"3\":\"T2w\"},"
                        + "\"labels\":{\"0\":\"background\",\"1\":\"edema\",\"2\":\"non-enhancing tumor\",\"3\":\"enhancing tumour\"}}");
        for (int c = 0; c < cases; c++) {
            String id = String.format("BRATS_%03d", c + 1);
            Volume[] ch = new Volume[4];
            for (int t = 0; t < 4; t++) {
                ch[t] = image(1000L * t + c);
            }
            WRITER.write4d(DatasetLayout.MSD.imagePath(root, id), ch, NiftiDataType.FLOAT32);
            WRITER.write(DatasetLayout.MSD.labelPath(root, id), stored(internalLabels(), LabelConvention.MSD), NiftiDataType.UINT8);
        }
        return root;
    }
}
