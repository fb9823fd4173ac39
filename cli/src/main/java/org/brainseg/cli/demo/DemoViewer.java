package org.brainseg.cli.demo;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.brainseg.viewer.Viewer;
import org.brainseg.viewer.config.ViewerConfig;

/** The demo's viewer: reads the cohort and the masks, on port 8090 or, when taken, any free port. */
final class DemoViewer {
    static final int PORT = 8090;

    private DemoViewer() {}

    static Viewer start(String bootstrap, Map<String, String> kafkaProperties, Path data, Path masks, boolean anyPort)
            throws Exception {
        try {
            return Viewer.start(config(bootstrap, kafkaProperties, data, masks, anyPort ? 0 : PORT));
        } catch (Exception e) {
            if (anyPort) {
                throw e;
            }
            return Viewer.start(config(bootstrap, kafkaProperties, data, masks, 0)); // 8090 taken: any free port
        }
    }

    private static ViewerConfig config(String bootstrap, Map<String, String> kafkaProperties, Path data, Path masks, int port) {
        return new ViewerConfig(new ViewerConfig.Kafka(bootstrap, kafkaProperties), new ViewerConfig.Store(List.of(data, masks)),
                new ViewerConfig.Http("127.0.0.1", port), 100_000);
    }
}
