package org.brainseg.imaging.io;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

/**
 * The one place brainseg makes a Jackson mapper for its files and HTTP bodies (model.json, registry
 * records, dataset.json, state files, CLI output). The event wire has its own strict codec
 * (schemas' {@code EventCodec}) and YAML config its own reader (service's {@code ConfigFile}); both
 * are deliberate exceptions with their reasons there. A mapper is thread-safe once configured: keep
 * one per class in a constant, never reconfigure it after first use.
 */
public final class JsonMappers {
    private JsonMappers() {}

    /** Jackson's defaults: compact output. */
    public static ObjectMapper plain() {
        return new ObjectMapper();
    }

    /** The same, indented: files and output that people read. */
    public static ObjectMapper indented() {
        return plain().enable(SerializationFeature.INDENT_OUTPUT);
    }
}
