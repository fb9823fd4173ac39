package org.brainseg.bench.command;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.brainseg.cli.command.BadInputException;
import org.brainseg.cli.console.ProgressBar;
import org.brainseg.imaging.dataset.DatasetScan;
import org.brainseg.imaging.dataset.DatasetScanner;
import org.brainseg.imaging.nifti.NiftiDataType;
import org.brainseg.imaging.nifti.NiftiWriter;
import org.brainseg.imaging.preprocess.PreprocessOptions;
import org.brainseg.imaging.preprocess.PreprocessedCase;
import org.brainseg.model.train.TrainingData;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code ./bench/run preprocess}: writes the cases exactly as {@code brainseg train} feeds them to the
 * network (cropped, z-scored, resampled), so that the PyTorch training peer
 * ({@code bench/torch_train_peer.py}) trains on the same arrays: per case {@code <id>_0000..0003.nii.gz}
 * (T1, T1ce, T2, FLAIR, float32) and {@code <id>_seg.nii.gz} (internal labels 0..3: background,
 * NCR/NET, edema, enhancing).
 */
@Command(
        name = "preprocess",
        mixinStandardHelpOptions = true,
        description = {
            "Write a labelled dataset's cases preprocessed as brainseg train sees them (crop, z-score, resample),",
            "one float32 NIfTI per channel and the internal labels, for bench/torch_train_peer.py."
        })
final class BenchPreprocessCommand implements Callable<Integer> {
    @Option(names = "--data", required = true, paramLabel = "DIR", description = "labelled dataset (BraTS or MSD layout)")
    Path data;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "folder to write (created)")
    Path out;

    @Option(names = "--spacing", defaultValue = "2", paramLabel = "MM",
            description = "isotropic spacing in mm, as brainseg train --spacing (default: ${DEFAULT-VALUE})")
    double spacing;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        BadInputException.requireMm("--spacing", spacing, 0.5, 8);
        if (!Files.isDirectory(data)) {
            throw new BadInputException("--data " + data + " is not a directory");
        }
        DatasetScan scan = DatasetScanner.scan(data);
        if (scan.cases().stream().noneMatch(c -> c.hasLabel())) {
            throw new BadInputException("--data " + data + ": no labelled case (" + String.join("; ", scan.problems()) + ")");
        }
        Files.createDirectories(out);
        List<PreprocessedCase> cases;
        try (ProgressBar bar = new ProgressBar("preprocess", (int) scan.cases().stream().filter(c -> c.hasLabel()).count())) {
            cases = TrainingData.load(scan.cases(), PreprocessOptions.isotropic(spacing), (done, total) -> bar.update(done, ""));
        }
        NiftiWriter writer = new NiftiWriter();
        for (PreprocessedCase c : cases) {
            for (int ch = 0; ch < c.channels().length; ch++) {
                writer.write(out.resolve(String.format(Locale.ROOT, "%s_%04d.nii.gz", c.id(), ch)), c.channels()[ch],
                        NiftiDataType.FLOAT32);
            }
            writer.write(out.resolve(c.id() + "_seg.nii.gz"), c.labels(), NiftiDataType.UINT8);
        }
        PrintWriter pw = spec.commandLine().getOut();
        pw.printf(Locale.ROOT, "%d cases preprocessed at %.1f mm into %s (hash %s)%n", cases.size(), spacing, out,
                TrainingData.hash(cases));
        return 0;
    }
}
