package org.brainseg.viewer;

import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.brainseg.service.config.ConfigException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.brainseg.viewer.config.ViewerConfig;
import org.brainseg.viewer.config.ViewerConfigLoader;

/**
 * Runs the viewer until SIGTERM, or until its event follower fails (exit code 3, for the
 * orchestrator to restart it). {@code brainseg viewer} calls {@link #run}.
 */
public final class ViewerMain {
    private static final Logger LOG = LoggerFactory.getLogger(ViewerMain.class);

    private ViewerMain() {}

    public static void main(String[] args) throws Exception {
        if (args.length != 1) {
            System.err.println("usage: ViewerMain CONFIG.yaml");
            System.exit(2);
        }
        ViewerConfig config;
        try {
            config = ViewerConfigLoader.load(Path.of(args[0]));
        } catch (ConfigException e) {
            System.err.println("brainseg viewer: " + args[0] + ": " + e.getMessage());
            System.exit(2);
            return;
        }
        System.exit(run(config, url -> {}));
    }

    /** Runs until stopped; {@code onStarted} hears the URL once serving. Returns the exit code. */
    public static int run(ViewerConfig config, java.util.function.Consumer<String> onStarted) throws Exception {
        Viewer viewer;
        try {
            viewer = Viewer.start(config);
        } catch (Exception e) {
            LOG.error("fatal: cannot start: {}", e.getMessage(), e);
            return 3;
        }
        LOG.info("viewer on {}", viewer.url());
        onStarted.accept(viewer.url());
        CountDownLatch stop = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            viewer.close();
            stop.countDown();
        }, "brainseg-viewer-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        while (!stop.await(1, TimeUnit.SECONDS)) {
            if (viewer.fatal() != null) {
                LOG.error("fatal: {}", viewer.fatal().toString());
                Runtime.getRuntime().removeShutdownHook(hook);
                viewer.close();
                return 3;
            }
        }
        return 0;
    }
}
