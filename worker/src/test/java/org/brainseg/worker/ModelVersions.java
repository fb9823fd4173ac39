package org.brainseg.worker;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.brainseg.imaging.labels.LabelConvention;
import org.brainseg.imaging.preprocess.PreprocessOptions;
import org.brainseg.model.artifact.ModelArtifact;
import org.brainseg.model.artifact.ModelManifest;
import org.brainseg.model.bundle.BundleContract;
import org.brainseg.model.bundle.BundleImport;
import org.brainseg.model.bundle.BundleReader;
import org.brainseg.model.bundle.TestBundles;
import org.brainseg.model.engine.EngineSettings;
import org.brainseg.model.net.UNet3d;
import org.brainseg.model.net.UNetConfig;
import org.brainseg.schemas.EventCodec;
import org.brainseg.schemas.ModelStatus;
import org.brainseg.schemas.ModelVersionPublished;
import org.brainseg.schemas.Normalization;
import org.brainseg.schemas.RegionValues;
import org.brainseg.schemas.Topics;

/**
 * Model versions for the hot-swap tests: untrained (seeded) networks saved as real model
 * directories, the ModelVersionPublished events a trainer would publish for them, and a
 * transactional publisher (the trainer's service is not needed to test the workers).
 */
public final class ModelVersions {
    private static final EventCodec CODEC = new EventCodec();
    private static final ObjectMapper JSON = new ObjectMapper();

    private ModelVersions() {}

    /** Saves a freshly initialized (seeded) U-Net as a model directory {@code dir}. */
    public static Path untrained(Path dir, int depth, int baseWidth, int patch, double spacingMm, long seed)
            throws IOException {
        UNetConfig arch = UNetConfig.brats(depth, baseWidth, Normalization.LAYER);
        Engine.getEngine(EngineSettings.ENGINE).setRandomSeed((int) seed);
        try (Model model = Model.newInstance("brainseg-unet3d", Device.cpu(), EngineSettings.ENGINE)) {
            UNet3d net = new UNet3d(arch);
            model.setBlock(net);
            net.initialize(model.getNDManager(), DataType.FLOAT32, new Shape(1, arch.inChannels(), patch, patch, patch));
            ModelArtifact.save(dir, net, new ModelManifest("brainseg-unet3d", arch, patch,
                    PreprocessOptions.isotropic(spacingMm), LabelConvention.INTERNAL, "", Map.of("seed", seed), Map.of(),
                    ModelArtifact.PARAMS_FILE, "", Instant.now().toString(), "test"));
        }
        return dir;
    }

    /** What a trainer publishes for the model directory {@code dir} (architecture and sha256 from its model.json). */
    public static ModelVersionPublished event(String name, int version, Path dir, ModelStatus status) throws IOException {
        ModelManifest m = ModelArtifact.readManifest(dir);
        UNetConfig a = m.architecture();
        int p = m.patchSize();
        return new ModelVersionPublished(UUID.randomUUID(), name, version, dir.toUri(), m.paramsSha256(),
                a.normalization(),
                new ModelVersionPublished.Architecture("unet3d", a.depth(), a.baseWidth(), a.inChannels(), a.classes(),
                        List.of(p, p, p)),
                "synthetic", new ModelVersionPublished.Validation(0.5, new RegionValues(0.5, 0.5, 0.5, 0.5, 0.5, 0.5)),
                status, null, Instant.now());
    }

    /** The same event with another status (a new event id). */
    public static ModelVersionPublished withStatus(ModelVersionPublished e, ModelStatus status) {
        return new ModelVersionPublished(UUID.randomUUID(), e.name(), e.version(), e.artifactUri(), e.sha256(),
                e.normalization(), e.architecture(), e.trainedOn(), e.validation(), status, e.parentVersion(), Instant.now(),
                e.comparedWith(), e.source());
    }

    /**
     * A small TorchScript network in the MONAI bundle layout (model's bundle_tool.py, Debian's
     * PyTorch), imported into the registry directory {@code dir} as {@code brainseg models import}
     * does (copied and sealed with import.json); {@code work} holds the source bundle.
     */
    public static Path importedBundle(Path dir, Path work) throws Exception {
        Path source = TestBundles.make(work.resolve("test-bundle"));
        String name = BundleImport.stage(source, dir);
        BundleImport.seal(dir, source.toString(), name, Instant.now());
        return dir;
    }

    /** What {@code brainseg models import} publishes for the imported directory {@code dir}. */
    public static ModelVersionPublished importedEvent(String name, int version, Path dir, ModelStatus status)
            throws Exception {
        BundleImport.Manifest m = BundleImport.read(dir);
        BundleContract c = BundleReader.read(dir);
        int[] roi = c.window().roi();
        return new ModelVersionPublished(UUID.randomUUID(), name, version, dir.toUri(), m.files().get(m.modelFile()), null,
                new ModelVersionPublished.Architecture(ModelVersionPublished.IMPORTED_FAMILY, null, null, c.channels().size(),
                        Math.max(2, c.output().channels()), List.of(roi[0], roi[1], roi[2])),
                "imported", new ModelVersionPublished.Validation(null, new RegionValues(0.5, 0.5, 0.5, 0.5, 0.5, 0.5)),
                status, null, Instant.now(), null, m.ref());
    }

    /** Publishes {@code events} on brainseg.models in one transaction, keyed as the topic says. */
    public static void publish(String bootstrap, ModelVersionPublished... events) {
        Map<String, Object> p = new HashMap<>();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "test-model-publisher-" + UUID.randomUUID());
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
            producer.initTransactions();
            producer.beginTransaction();
            for (ModelVersionPublished e : events) {
                producer.send(new ProducerRecord<>(Topics.MODELS, Topics.key(e).getBytes(StandardCharsets.UTF_8),
                        CODEC.encode(e)));
            }
            producer.commitTransaction();
        }
    }

    /** Copies a model directory (params + model.json). */
    public static Path copy(Path from, Path to) throws IOException {
        ModelArtifact.copy(from, to);
        return to;
    }

    /** Cuts the params file to half its size, leaving model.json as it was. */
    public static void truncateParams(Path dir) throws IOException {
        Path params = dir.resolve(ModelArtifact.PARAMS_FILE);
        byte[] b = Files.readAllBytes(params);
        Files.write(params, java.util.Arrays.copyOf(b, b.length / 2));
    }

    /** Rewrites model.json's params.sha256 to the params file as it is now. */
    public static void resealParams(Path dir) throws IOException {
        Path json = dir.resolve(ModelManifest.FILE_NAME);
        ObjectNode root = (ObjectNode) JSON.readTree(json.toFile());
        ((ObjectNode) root.get("params")).put("sha256", ModelArtifact.sha256(dir.resolve(ModelArtifact.PARAMS_FILE)));
        JSON.writeValue(json.toFile(), root);
    }

    /** Overwrites every parameter with NaN and saves the model again (consistent checksums, unusable network). */
    public static void poisonParams(Path dir) throws IOException {
        try (org.brainseg.model.artifact.LoadedModel m = ModelArtifact.load(dir, Device.cpu())) {
            for (var p : m.net().getParameters()) {
                ai.djl.ndarray.NDArray a = p.getValue().getArray();
                float[] nan = new float[Math.toIntExact(a.size())];
                java.util.Arrays.fill(nan, Float.NaN);
                a.set(nan);
            }
            ModelArtifact.save(dir, m.net(), m.manifest());
        }
    }

    /** NDArrays alive in the whole process (every manager hangs under the engine's system manager). */
    public static int liveNdArrays() {
        try (NDManager probe = NDManager.newBaseManager(Device.cpu(), EngineSettings.ENGINE)) {
            return probe.getParentManager().getManagedArrays().size();
        }
    }

    /** This process's resident set size in bytes, from /proc/self/status (VmRSS). */
    public static long rssBytes() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                String[] f = line.trim().split("\\s+");
                return Long.parseLong(f[1]) * 1024;
            }
        }
        throw new IOException("no VmRSS in /proc/self/status");
    }
}
