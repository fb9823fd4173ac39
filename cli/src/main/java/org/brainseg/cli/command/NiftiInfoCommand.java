package org.brainseg.cli.command;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.brainseg.imaging.nifti.NiftiHeader;
import org.brainseg.imaging.nifti.NiftiImage;
import org.brainseg.imaging.nifti.NiftiReader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code brainseg nifti-info FILE}: shape, datatype, voxel sizes, affine and value statistics as JSON. */
@Command(
        name = "nifti-info",
        mixinStandardHelpOptions = true,
        description = {
            "Print a NIfTI image's geometry and value statistics as JSON.",
            "Keys: dims, datatype, pixdim (x, y, z), affine (as nibabel's img.affine), min, max, mean",
            "(over finite scaled values; nonFinite counts NaN/Inf voxels).",
            "A file that is not a readable NIfTI-1/2 image: exit code 2 and one line on stderr."
        })
public final class NiftiInfoCommand implements Callable<Integer> {
    @Parameters(paramLabel = "FILE", description = "a .nii or .nii.gz file")
    Path file;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        NiftiImage img = NiftiReader.read(file);
        NiftiHeader h = img.header();
        double min = Double.POSITIVE_INFINITY, max = Double.NEGATIVE_INFINITY, sum = 0;
        long finite = 0;
        for (float v : img.data()) {
            if (Float.isFinite(v)) {
                min = Math.min(min, v);
                max = Math.max(max, v);
                sum += v;
                finite++;
            }
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("dims", h.dim());
        out.put("datatype", h.datatype().label());
        out.put("pixdim", h.zooms());
        out.put("affine", h.affine().rows());
        out.put("min", finite == 0 ? null : min);
        out.put("max", finite == 0 ? null : max);
        out.put("mean", finite == 0 ? null : sum / finite);
        long nonFinite = img.data().length - finite;
        if (nonFinite > 0) {
            out.put("nonFinite", nonFinite);
        }
        spec.commandLine().getOut().println(Json.write(out));
        return 0;
    }
}
