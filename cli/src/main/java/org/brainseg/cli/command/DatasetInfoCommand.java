package org.brainseg.cli.command;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.brainseg.cli.console.ProgressBar;
import org.brainseg.imaging.dataset.Case;
import org.brainseg.imaging.dataset.CaseLoader;
import org.brainseg.imaging.dataset.DatasetScan;
import org.brainseg.imaging.dataset.DatasetScanner;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code brainseg dataset-info DIR}: layout, label convention, case counts and every problem, as JSON. */
@Command(
        name = "dataset-info",
        mixinStandardHelpOptions = true,
        description = {
            "Check a dataset directory and summarise it as JSON.",
            "Detects the layout (BraTS 2018-2021, BraTS 2023+, MSD Task01) and checks every case: all modalities present, same shape and affine, not empty or all-NaN, labels within the",
            "convention. Prints JSON; exit code 2 if any case is unusable."
        })
public final class DatasetInfoCommand implements Callable<Integer> {
    @Parameters(paramLabel = "DIR", description = "dataset directory (or a single case directory)")
    Path dir;

    @Option(names = "--names-only", description = "check file names only, do not open the images")
    boolean namesOnly;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        DatasetScan scan = DatasetScanner.scan(dir);
        List<String> problems = new ArrayList<>(scan.problems());
        int unusable = (int) scan.problems().stream().filter(p -> p.contains("missing modality")).count();
        if (!namesOnly) {
            CaseLoader loader = new CaseLoader();
            try (ProgressBar bar = new ProgressBar("checking", scan.cases().size())) {
                for (Case c : scan.cases()) {
                    try {
                        loader.load(c);
                    } catch (IOException e) {
                        problems.add(e.getMessage());
                        unusable++;
                    }
                    bar.step(c.id());
                }
            }
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("directory", dir.toString());
        out.put("layout", scan.layout().id());
        out.put("labelConvention", scan.layout().convention().id());
        out.put("cases", scan.cases().size() + (int) scan.problems().stream().filter(p -> p.contains("missing modality")).count());
        out.put("withLabels", scan.labelled());
        out.put("withoutLabels", scan.cases().size() - scan.labelled());
        out.put("unusable", unusable);
        out.put("problems", problems);
        spec.commandLine().getOut().println(Json.write(out));
        return unusable > 0 ? ErrorHandler.BAD_INPUT : 0;
    }
}
