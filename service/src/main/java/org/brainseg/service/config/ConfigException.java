package org.brainseg.service.config;

/** A configuration value that stops start-up; the message names the key. */
public class ConfigException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ConfigException(String key, String problem) {
        super(key + ": " + problem);
    }

    /** Throws a {@code ConfigException} naming {@code key} unless {@code ok}. */
    public static void require(boolean ok, String key, String problem) {
        if (!ok) {
            throw new ConfigException(key, problem);
        }
    }
}
