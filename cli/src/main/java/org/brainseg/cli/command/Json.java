package org.brainseg.cli.command;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import org.brainseg.imaging.io.JsonMappers;

/** The JSON the commands print: one object, keys in insertion order. */
public final class Json {
    static final ObjectMapper MAPPER = JsonMappers.plain().disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);

    private Json() {}

    static String write(Object o) {
        try {
            return MAPPER.writeValueAsString(o);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise " + o.getClass().getSimpleName(), e);
        }
    }

    /** NaN and infinities are not JSON: they become null. */
    static Double finite(double v) {
        return Double.isFinite(v) ? v : null;
    }
}
