package org.brainseg.cli.demo;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.brainseg.schemas.Promotion;

/**
 * What a demo run does. {@link #full} and {@link #quick} hold the two budgets (the one place their
 * numbers live: {@code brainseg demo} and the tests take them from here); the builder changes what
 * a run changes.
 *
 * @param workDir registry, masks and broker log live here
 * @param cacheRoot where the synthetic cohort is cached
 * @param data a BraTS/MSD dataset folder to use instead of the synthetic cohort (null: synthetic)
 * @param bootstrap an external Kafka (null: the embedded broker)
 * @param kafkaProperties client properties for the external Kafka (TLS, SASL)
 * @param cases synthetic cases (ignored with {@code data})
 * @param spacingMm synthetic cohort spacing (training is at the shipped model's 2 mm)
 * @param stepsPerEpoch training steps per epoch of the retrain
 * @param epochs epochs of the retrain (and of an initial model, when one must be trained)
 * @param workerPort worker HTTP port (0: any free one)
 * @param trainerPort trainer HTTP port (0: any free one)
 * @param promotion policy of the part-way retrain
 * @param keepRunning stay up after the summary until interrupted
 * @param timeout limit for the whole run
 * @param orthanc stream the scans through this Orthanc as DICOM studies (null: as NIfTI files)
 * @param importBundle a MONAI bundle or TorchScript folder (or .zip) imported half-way instead of the
 *     retrain, so that the worker swaps from the native model to it (null: the retrain)
 */
public record DemoOptions(Path workDir, Path cacheRoot, Path data, String bootstrap, Map<String, String> kafkaProperties,
        int cases, double spacingMm, int stepsPerEpoch, int epochs, int workerPort, int trainerPort, Promotion promotion,
        boolean keepRunning, Duration timeout, DemoPacs.Target orthanc, Path importBundle) {

    public DemoOptions {
        kafkaProperties = Map.copyOf(kafkaProperties);
        if (cases < 2 || cases > 500) {
            throw new IllegalArgumentException("--cases must be 2..500, got " + cases);
        }
        if (!(spacingMm >= 1 && spacingMm <= 6)) {
            throw new IllegalArgumentException("--spacing must be 1..6 mm, got " + spacingMm);
        }
        if (stepsPerEpoch < 1 || epochs < 1) {
            throw new IllegalArgumentException("training steps and epochs must be at least 1");
        }
    }

    /** The full demo: 16 cases at 3 mm, a retrain of 8 epochs x 50 steps, ports 8080 and 8081, promotion forced. */
    public static Builder full(Path workDir, Path cacheRoot) {
        return new Builder(workDir, cacheRoot, 16, 50, 8);
    }

    /** {@code --quick}: 8 cases, a retrain of 5 epochs x 30 steps; otherwise as {@link #full}. */
    public static Builder quick(Path workDir, Path cacheRoot) {
        return new Builder(workDir, cacheRoot, 8, 30, 5);
    }

    /** Builds {@link DemoOptions}; every value starts at its budget's default. */
    public static final class Builder {
        private final Path workDir;
        private final Path cacheRoot;
        private Path data;
        private String bootstrap;
        private Map<String, String> kafkaProperties = Map.of();
        private int cases;
        private double spacingMm = 3.0;
        private int stepsPerEpoch;
        private int epochs;
        private int workerPort = 8080;
        private int trainerPort = 8081;
        private Promotion promotion = Promotion.FORCE;
        private boolean keepRunning;
        private Duration timeout = Duration.ofMinutes(30);
        private DemoPacs.Target orthanc;
        private Path importBundle;

        private Builder(Path workDir, Path cacheRoot, int cases, int stepsPerEpoch, int epochs) {
            this.workDir = workDir;
            this.cacheRoot = cacheRoot;
            this.cases = cases;
            this.stepsPerEpoch = stepsPerEpoch;
            this.epochs = epochs;
        }

        public Builder data(Path dataset) {
            data = dataset;
            return this;
        }

        public Builder kafka(String bootstrapServers, Map<String, String> properties) {
            bootstrap = bootstrapServers;
            kafkaProperties = properties == null ? Map.of() : properties;
            return this;
        }

        public Builder cases(int n) {
            cases = n;
            return this;
        }

        public Builder spacingMm(double mm) {
            spacingMm = mm;
            return this;
        }

        public Builder training(int steps, int epochCount) {
            stepsPerEpoch = steps;
            epochs = epochCount;
            return this;
        }

        public Builder ports(int worker, int trainer) {
            workerPort = worker;
            trainerPort = trainer;
            return this;
        }

        /** Any free ports (tests, several demos on one machine). */
        public Builder anyPorts() {
            return ports(0, 0);
        }

        public Builder promotion(Promotion p) {
            promotion = p;
            return this;
        }

        public Builder keepRunning(boolean keep) {
            keepRunning = keep;
            return this;
        }

        public Builder timeout(Duration limit) {
            timeout = limit;
            return this;
        }

        public Builder orthanc(DemoPacs.Target target) {
            orthanc = target;
            return this;
        }

        public Builder importBundle(Path bundle) {
            importBundle = bundle;
            return this;
        }

        public DemoOptions build() {
            return new DemoOptions(workDir, cacheRoot, data, bootstrap, kafkaProperties, cases, spacingMm, stepsPerEpoch, epochs,
                    workerPort, trainerPort, promotion, keepRunning, timeout, orthanc, importBundle);
        }
    }
}
