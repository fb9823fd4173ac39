package org.brainseg.model.artifact;

import ai.djl.Device;
import ai.djl.Model;
import java.util.concurrent.atomic.AtomicBoolean;
import org.brainseg.model.net.UNet3d;

/**
 * A verified model in memory: the network with its parameters on a device, and its manifest.
 * Owns the native memory of the parameters; {@link #close()} (idempotent) frees it.
 */
public final class LoadedModel implements AutoCloseable {
    private final Model model;
    private final UNet3d net;
    private final ModelManifest manifest;
    private final AtomicBoolean closed = new AtomicBoolean();

    LoadedModel(Model model, UNet3d net, ModelManifest manifest) {
        this.model = model;
        this.net = net;
        this.manifest = manifest;
    }

    /** The DJL model, owner of the parameters' manager. */
    public Model model() {
        return model;
    }

    public UNet3d net() {
        return net;
    }

    public ModelManifest manifest() {
        return manifest;
    }

    public Device device() {
        return model.getNDManager().getDevice();
    }

    public boolean isClosed() {
        return closed.get();
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            model.close();
        }
    }
}
