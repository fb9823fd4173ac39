package org.brainseg.synthetic;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.brainseg.imaging.Volume;
import org.brainseg.imaging.dataset.DatasetLayout;
import org.brainseg.imaging.dataset.Modality;
import org.brainseg.imaging.io.AtomicWrite;
import org.brainseg.imaging.io.JsonMappers;
import org.brainseg.imaging.labels.LabelConvention;
import org.brainseg.imaging.nifti.NiftiDataType;
import org.brainseg.imaging.nifti.NiftiWriter;

/**
 * Writes synthetic cases in a dataset layout: int16 images and uint8 labels in the layout's
 * label convention; for MSD, 4-D images in Task01's channel order and a Task01-style
 * {@code dataset.json}; for a perturbed cohort, the drawn parameters of every case.
 */
final class CohortWriter {
    private static final ObjectMapper JSON = JsonMappers.indented();

    private final Path root;
    private final DatasetLayout layout;
    private final NiftiWriter nifti = new NiftiWriter();

    CohortWriter(Path root, DatasetLayout layout) {
        this.root = root;
        this.layout = layout;
    }

    /** Writes a case's files; they are independent, so they are compressed in parallel (gzip dominates). */
    void write(SyntheticCase c) throws IOException {
        List<FileJob> jobs = new ArrayList<>();
        if (layout.separateModalities()) {
            for (Modality m : Modality.values()) {
                jobs.add(() -> nifti.write(layout.modalityPath(root, c.id(), m), c.channel(m), NiftiDataType.INT16));
            }
        } else {
            Volume[] stacked = DatasetLayout.MSD_CHANNELS.stream().map(c::channel).toArray(Volume[]::new);
            jobs.add(() -> nifti.write4d(layout.imagePath(root, c.id()), stacked, NiftiDataType.INT16));
        }
        jobs.add(() -> nifti.write(layout.labelPath(root, c.id()), stored(c.labels(), layout.convention()), NiftiDataType.UINT8));
        try {
            jobs.parallelStream().forEach(job -> {
                try {
                    job.run();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    @FunctionalInterface
    private interface FileJob {
        void run() throws IOException;
    }

    /** Writes what a layout needs besides the cases: MSD's dataset.json. */
    void finish(List<String> ids) throws IOException {
        if (layout != DatasetLayout.MSD) {
            return;
        }
        ObjectNode json = JSON.createObjectNode();
        json.put("name", "BRATS");
        json.put("description", "Synthetic gliomas (brainseg generate): tumour, necrosis and oedema on brain images");
        json.put("reference", "brainseg synthetic cohort");
        json.put("licence", "CC-BY-SA 4.0");
        json.put("release", "1.0");
        json.put("tensorImageSize", "4D");
        ObjectNode modality = json.putObject("modality");
        String[] names = {"FLAIR", "T1w", "t1gd", "T2w"};
        for (int i = 0; i < names.length; i++) {
            modality.put(Integer.toString(i), names[i]);
        }
        ObjectNode labels = json.putObject("labels");
        labels.put("0", "background");
        labels.put("1", "edema"); // MSD Task01's own label names (its file format, not our event keys)
        labels.put("2", "non-enhancing tumor");
        labels.put("3", "enhancing tumour");
        json.put("numTraining", ids.size());
        json.put("numTest", 0);
        ArrayNode training = json.putArray("training");
        for (String id : ids) {
            training.addObject().put("image", "./imagesTr/" + id + ".nii.gz").put("label", "./labelsTr/" + id + ".nii.gz");
        }
        json.putArray("test");
        byte[] content = JSON.writeValueAsBytes(json);
        AtomicWrite.write(root.resolve("dataset.json"), tmp -> Files.write(tmp, content));
    }

    /**
     * Writes the perturbation of each case: the cohort's strength, then per case its parameters
     * per modality (keys as {@link Modality#key()}), so that an evaluation can say what was applied.
     */
    void writePerturbations(Path file, CohortConfig config, List<CaseReport> cases) throws IOException {
        ObjectNode json = JSON.createObjectNode();
        json.put("strength", config.perturbation().id());
        json.put("strengthValue", config.perturbation().value());
        json.put("seed", config.seed());
        json.put("spacingMm", config.spacingMm());
        json.put("order", "gamma, bias field, thick slices and resolution, Rician noise; brain only, labels untouched");
        ArrayNode list = json.putArray("cases");
        for (int k = 0; k < cases.size(); k++) {
            CaseReport r = cases.get(k);
            Perturbation p = r.perturbation();
            ObjectNode c = list.addObject();
            c.put("id", r.id());
            c.put("index", k);
            c.put("seed", p.seed());
            c.put("resolutionFactor", p.resolutionFactor());
            ObjectNode channels = c.putObject("channels");
            for (Modality m : Modality.values()) {
                Perturbation.Channel ch = p.channels().get(m.ordinal());
                channels.putObject(m.key())
                        .put("biasAmplitude", ch.biasAmplitude())
                        .put("gamma", ch.gamma())
                        .put("noiseSigma", ch.noiseSigma())
                        .put("sliceAxis", ch.sliceAxis())
                        .put("sliceThicknessMm", ch.sliceThicknessMm());
            }
        }
        byte[] content = JSON.writeValueAsBytes(json);
        AtomicWrite.write(file, tmp -> Files.write(tmp, content));
    }

    /** Internal labels mapped to the layout's stored values. */
    static Volume stored(Volume internal, LabelConvention convention) {
        int[] map = new int[4];
        for (int l = 0; l < 4; l++) {
            map[l] = convention.fromInternal(l);
        }
        float[] in = internal.data();
        float[] out = new float[in.length];
        for (int v = 0; v < in.length; v++) {
            out[v] = map[(int) in[v]];
        }
        return internal.withData(out);
    }
}
