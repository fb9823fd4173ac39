package org.brainseg.model.engine;

import java.util.Locale;

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
        String n = name.trim().toLowerCase(Locale.ROOT);
        for (DeviceChoice d : values()) {
            if (d.id.equals(n)) {
                return d;
            }
        }
        throw new IllegalArgumentException("unknown device '" + name + "' (expected cpu, gpu or auto)");
    }

    @Override
    public String toString() {
        return id;
    }
}
