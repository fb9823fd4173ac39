package org.brainseg.bench.command;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.brainseg.cli.command.BadInputException;
import org.brainseg.model.artifact.LoadedModel;
import org.brainseg.model.artifact.ModelArtifact;
import org.brainseg.model.artifact.ModelManifest;
import org.brainseg.model.engine.DeviceChoice;
import org.brainseg.model.engine.EngineSettings;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code ./bench/run export}: a native model as an imported one. Its parameters go into the
 * identical PyTorch network ({@code bench/torch_peer.py}), which is traced to TorchScript in the
 * MONAI bundle layout with a {@code brainseg-bundle.json} ({@code bench/export_torchscript.py},
 * Debian's PyTorch); then both networks run on the same random window here, through DJL, and the
 * largest logit difference is printed (and must be small, or the export is refused). The result is
 * what {@code brainseg segment --model}, {@code evaluate --model} and {@code models import} take:
 * the same weights served as a native and as an imported model, for comparing the two paths (Dice,
 * time) and for a PyTorch whole-case peer.
 */
@Command(
        name = "export",
        mixinStandardHelpOptions = true,
        description = {
            "Write a native model as a TorchScript bundle (same weights, PyTorch's identical network traced by",
            "/usr/bin/python3 with torch), then check both on one random window: the largest logit difference."
        })
final class BenchExportCommand implements Callable<Integer> {
    /** Largest logit difference accepted between the native network and its TorchScript twin (float32, ~1e-5 seen). */
    static final double TOLERANCE = 1e-3;

    @Option(names = "--model", defaultValue = "models/default", paramLabel = "DIR",
            description = "native model directory (default: ${DEFAULT-VALUE})")
    Path model;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "bundle folder to write (must not exist)")
    Path out;

    @Option(names = "--name", defaultValue = "brainseg-native-ts", paramLabel = "NAME",
            description = "the bundle's name in metadata.json (default: ${DEFAULT-VALUE})")
    String name;

    @Option(names = "--layout", defaultValue = "brainseg", paramLabel = "L",
            description = {"brainseg: the network as it is (T1, T1ce, T2, FLAIR; softmax over 4 classes) with brainseg-bundle.json;",
                "monai: behind MONAI's BraTS contract (T1c, T1, T2, FLAIR; sigmoid TC, WT, ET; inference.json)",
                "(default: ${DEFAULT-VALUE})"})
    String layout;

    @Option(names = "--python", defaultValue = "/usr/bin/python3", paramLabel = "EXE",
            description = "a Python with torch (default: ${DEFAULT-VALUE}, Debian's python3-torch)")
    String python;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (!layout.equals("brainseg") && !layout.equals("monai")) {
            throw new BadInputException("--layout must be brainseg or monai, got '" + layout + "'");
        }
        if (Files.exists(out)) {
            throw new BadInputException("--out " + out + " exists; give a new folder");
        }
        PrintWriter pw = spec.commandLine().getOut();
        EngineSettings settings = EngineSettings.of(DeviceChoice.CPU, 0);
        ModelManifest manifest = ModelArtifact.readManifest(model);
        Path params = Files.createTempFile("brainseg-export", ".tensors");
        try (LoadedModel native_ = ModelArtifact.load(model, settings)) {
            Files.write(params, records(native_));
            run(python, Scripts.find("bench/export_torchscript.py").toString(), params.toString(),
                    model.resolve(ModelManifest.FILE_NAME).toString(), out.toString(), name,
                    "native-" + manifest.paramsSha256().substring(0, 8), layout);
            double diff = compare(native_, out.resolve("models/model.ts"), manifest.patchSize(), layout.equals("monai"));
            pw.printf(Locale.ROOT, "wrote %s: %s as TorchScript (%s layout); largest output difference on a random %d^3 "
                    + "window: %.2e%n", out, model, layout, manifest.patchSize(), diff);
            if (!(diff <= TOLERANCE)) {
                throw new BadInputException("the TorchScript twin differs from the native network by " + diff
                        + " (more than " + TOLERANCE + "): not exported faithfully");
            }
        } finally {
            Files.deleteIfExists(params);
        }
        return 0;
    }

    /** Every parameter as torch_reference.py's tensor records: name, shape, float32 data, little endian. */
    static byte[] records(LoadedModel m) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (Pair<String, Parameter> p : m.net().getParameters()) {
            NDArray a = p.getValue().getArray();
            byte[] nameBytes = p.getKey().getBytes(StandardCharsets.UTF_8);
            long[] shape = a.getShape().getShape();
            float[] data = a.toFloatArray();
            ByteBuffer b = ByteBuffer.allocate(4 + nameBytes.length + 4 + 8 * shape.length + 4 * data.length)
                    .order(ByteOrder.LITTLE_ENDIAN);
            b.putInt(nameBytes.length).put(nameBytes).putInt(shape.length);
            for (long s : shape) {
                b.putLong(s);
            }
            for (float f : data) {
                b.putFloat(f);
            }
            bytes.write(b.array(), 0, b.capacity());
        }
        return bytes.toByteArray();
    }

    /**
     * Largest |native - TorchScript| output on one window of standard-normal input; for the MONAI
     * layout, the native network sees the channels reordered and its softmax is turned into the
     * logits of TC, WT and ET, as the wrapper promises.
     */
    static double compare(LoadedModel native_, Path ts, int patch, boolean monai) throws Exception {
        try (NDManager manager = NDManager.newBaseManager(Device.cpu());
                Model twin = Model.newInstance("twin", Device.cpu(), EngineSettings.ENGINE)) {
            twin.load(ts.getParent(), ts.getFileName().toString());
            manager.getEngine().setRandomSeed(7);
            NDArray x = manager.randomNormal(new Shape(1, 4, patch, patch, patch));
            NDArray in = monai ? NDArrays.concat(new NDList(x.get(":, 1:2"), x.get(":, 0:1"), x.get(":, 2:4")), 1) : x;
            NDArray a = native_.net().forward(new ParameterStore(manager, false), new NDList(in), false).singletonOrThrow();
            if (monai) {
                NDArray p = a.softmax(1);
                NDArray tc = p.get(":, 1:2").add(p.get(":, 3:4"));
                NDArray r = NDArrays.concat(new NDList(tc, tc.add(p.get(":, 2:3")), p.get(":, 3:4")), 1).clip(1e-6, 1 - 1e-6);
                a = r.log().sub(r.neg().add(1).log());
            }
            NDArray b = twin.getBlock().forward(new ParameterStore(manager, false), new NDList(x), false).singletonOrThrow();
            return a.sub(b).abs().max().getFloat();
        }
    }

    private static void run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(600, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new BadInputException("bench/export_torchscript.py failed: " + log.strip());
        }
    }
}
