package org.brainseg.service.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * The {@code http} section of every service's configuration (worker, trainer, PACS bridge, viewer):
 * where the {@code /metrics}, {@code /health/*} and {@code /v1/status} endpoints listen, whether
 * they speak TLS only, and whether they want a bearer token.
 *
 * @param host address the HTTP endpoints bind to
 * @param port port (0: any free port)
 * @param tls the server's certificate and key, or null for plain HTTP
 * @param metricsTokenFile a file holding the bearer token that {@code /metrics}, {@code /health/*}
 *     and {@code /v1/status} require, or null to leave them open
 */
public record HttpSection(String host, int port, Tls tls, Path metricsTokenFile) {
    /** Keys of the section, for the loaders' tables. */
    public static final String CERTIFICATE = "tls.certificate";
    public static final String KEY = "tls.key";
    public static final String RELOAD_SECONDS = "tls.reloadSeconds";
    public static final String METRICS_TOKEN_FILE = "metricsTokenFile";
    /** How often the certificate files are checked for a new pair unless configured. */
    public static final int DEFAULT_RELOAD_SECONDS = 60;
    /** A token shorter than this is guessable; {@code openssl rand -hex 32} gives 64 characters. */
    static final int MIN_TOKEN_CHARS = 16;
    private static final int MAX_TOKEN_BYTES = 4096;

    public HttpSection {
        ConfigException.require(host != null && !host.isBlank(), "http.host", "must not be empty");
        ConfigException.require(port >= 0 && port <= 65535, "http.port", "must be 0..65535, got " + port);
    }

    /** Plain HTTP, no token. */
    public HttpSection(String host, int port) {
        this(host, port, null, null);
    }

    /**
     * The server's PEM certificate (chain) and key, checked again every {@code reloadInterval}
     * (zero: never) for a new pair.
     */
    public record Tls(Path certificate, Path key, Duration reloadInterval) {
        public Tls {
            ConfigException.require(certificate != null, "http." + CERTIFICATE, "is required with http." + KEY);
            ConfigException.require(key != null, "http." + KEY, "is required with http." + CERTIFICATE);
            ConfigException.require(!reloadInterval.isNegative(), "http." + RELOAD_SECONDS,
                    "must be 0 (off) or more, got " + reloadInterval.toSeconds());
        }

        /** Reads and checks the pair (see {@link PemKeyPair#read}). */
        public PemKeyPair read() {
            return PemKeyPair.read(certificate, "http." + CERTIFICATE, key, "http." + KEY);
        }
    }

    /** The section's rows of a loader's defaults table, with this service's host and port. */
    public static Map<String, Object> defaults(String host, int port) {
        return ConfigFile.ordered("host", host, "port", port, CERTIFICATE, null, KEY, null,
                RELOAD_SECONDS, DEFAULT_RELOAD_SECONDS, METRICS_TOKEN_FILE, null);
    }

    /** The section as {@code file} holds it; the certificate, key and token files are read and checked. */
    public static HttpSection read(ConfigFile file) {
        return new HttpSection(file.string("http", "host"), file.integer("http", "port"), tls(file), metricsTokenFile(file));
    }

    /** {@code http.tls.*}: null when neither file is set; the pair is read and checked. */
    public static Tls tls(ConfigFile file) {
        Path cert = file.path("http", CERTIFICATE);
        Path key = file.path("http", KEY);
        if (cert == null && key == null) {
            return null;
        }
        Tls tls = new Tls(cert, key, Duration.ofSeconds(file.integer("http", RELOAD_SECONDS)));
        tls.read();
        return tls;
    }

    /** {@code http.metricsTokenFile}: null when unset; the token is read and checked. */
    public static Path metricsTokenFile(ConfigFile file) {
        Path p = file.path("http", METRICS_TOKEN_FILE);
        if (p != null) {
            readToken(p);
        }
        return p;
    }

    /**
     * The bearer token in {@code file}: its content without surrounding white space (a mounted
     * Secret often ends in a newline), at least {@value #MIN_TOKEN_CHARS} visible ASCII characters.
     */
    public static String readToken(Path file) {
        String key = "http." + METRICS_TOKEN_FILE;
        String token;
        try {
            if (Files.isDirectory(file)) {
                throw new ConfigException(key, file + " is a directory, not a token file");
            }
            if (Files.size(file) > MAX_TOKEN_BYTES) {
                throw new ConfigException(key, file + " is larger than " + MAX_TOKEN_BYTES + " bytes: not a token file");
            }
            token = Files.readString(file, StandardCharsets.US_ASCII).strip();
        } catch (NoSuchFileException e) {
            throw new ConfigException(key, "no such file: " + file);
        } catch (IOException e) {
            throw new ConfigException(key, "cannot read " + file + ": " + e);
        }
        ConfigException.require(token.chars().allMatch(c -> c > 0x20 && c < 0x7f), key,
                file + " must hold one token of visible ASCII characters");
        ConfigException.require(token.length() >= MIN_TOKEN_CHARS, key,
                file + " holds " + token.length() + " characters; a token needs at least " + MIN_TOKEN_CHARS);
        return token;
    }
}
