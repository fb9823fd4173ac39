package org.brainseg.model.engine;

import org.brainseg.imaging.EnumNames;

/** Where the network runs: {@code cpu}, {@code gpu}, or {@code auto} (the first GPU if PyTorch sees one). */
public enum DeviceChoice {
    CPU("cpu"),
    GPU("gpu"),
    AUTO("auto");

    private final String id;

    DeviceChoice(String id) {
        this.id = id;
    }

    public String id() {
        return id;
    }

    public static DeviceChoice parse(String name) {
        return EnumNames.parse(values(), DeviceChoice::id, "device", name);
    }

    @Override
    public String toString() {
        return id;
    }
}
