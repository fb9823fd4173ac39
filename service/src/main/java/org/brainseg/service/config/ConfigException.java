package org.brainseg.service.config;

/** A configuration value that stops start-up; the message names the key. */
public class ConfigException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ConfigException(String key, String problem) {
        super(key + ": " + problem);
    }
}
