package org.brainseg.service.config;

/**
 * The {@code http} section of the worker's and the trainer's configuration: where their
 * {@code /metrics}, {@code /health/*} and {@code /v1/status} endpoints listen.
 *
 * @param host address the HTTP endpoints bind to
 * @param port port (0: any free port)
 */
public record HttpSection(String host, int port) {
    public HttpSection {
        ConfigException.require(host != null && !host.isBlank(), "http.host", "must not be empty");
        ConfigException.require(port >= 0 && port <= 65535, "http.port", "must be 0..65535, got " + port);
    }

    /** The section as {@code file} holds it. */
    public static HttpSection read(ConfigFile file) {
        return new HttpSection(file.string("http", "host"), file.integer("http", "port"));
    }
}
