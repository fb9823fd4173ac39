package org.brainseg.viewer.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.brainseg.service.config.ConfigException;
import org.brainseg.service.config.HttpSection;

/**
 * The viewer's configuration, validated at construction; each part names its key when wrong.
 *
 * @param kafka where the topics are
 * @param store the directories volumes and masks may be read from (the worker's input roots and output root)
 * @param http where the pages, {@code /metrics} and {@code /health/*} are served
 * @param maxScans scans kept in the index; beyond it the earliest arrival is forgotten
 * @param auth who may see the pages and volumes; {@code none} only on a loopback address
 */
public record ViewerConfig(Kafka kafka, Store store, Http http, int maxScans, Auth auth) {
    public ViewerConfig {
        if (maxScans < 1) {
            throw new ConfigException("index.maxScans", "must be at least 1, got " + maxScans);
        }
        java.util.Objects.requireNonNull(auth, "auth");
        if (auth.mode() == AuthMode.NONE && !isLoopback(http.host())) {
            throw new ConfigException("auth.mode", "is none, but http.host " + http.host() + " is not a loopback address and the "
                    + "viewer serves patient images: set auth.mode to oidc (with auth.issuer, auth.clientId, auth.publicUrl) or "
                    + "proxy (with auth.proxySecretFile), or http.host to 127.0.0.1");
        }
    }

    /** Without a login: only for a viewer on a loopback address (the demo, a laptop). */
    public ViewerConfig(Kafka kafka, Store store, Http http, int maxScans) {
        this(kafka, store, http, maxScans, Auth.NONE);
    }

    /** 127.0.0.0/8, ::1 and localhost; any other name or address counts as reachable from elsewhere. */
    public static boolean isLoopback(String host) {
        String h = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        return h.equalsIgnoreCase("localhost") || h.equals("::1") || h.equals("0:0:0:0:0:0:0:1")
                || h.matches("127\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}");
    }

    /** How the viewer knows who is asking. */
    public enum AuthMode {
        /** Nobody is asked: loopback only. */
        NONE,
        /** Login at an OpenID Connect issuer; API clients send the issuer's access tokens as bearer tokens. */
        OIDC,
        /** An authenticating proxy in front names the user in a header, pinned by a shared secret. */
        PROXY;

        public static AuthMode parse(String s) {
            for (AuthMode m : values()) {
                if (m.name().equalsIgnoreCase(s == null ? "" : s.trim())) {
                    return m;
                }
            }
            throw new ConfigException("auth.mode", "must be none, oidc or proxy, got '" + s + "'");
        }

        public String wire() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /**
     * Who may see the pages and volumes (docs/OPERATIONS.md, "Viewer login").
     *
     * @param mode none, oidc or proxy
     * @param issuer oidc: the issuer URL; its {@code /.well-known/openid-configuration} is read at start
     * @param clientId oidc: the viewer's client id at the issuer
     * @param clientSecretFile oidc: a file holding the client secret (a mounted Secret); null for a public client
     * @param publicUrl oidc: the viewer's address as browsers reach it; the login returns to {@code publicUrl/auth/callback}
     * @param audience oidc: the {@code aud} a bearer token must hold (empty: the client id)
     * @param requiredGroup a group or role the user must hold in {@code groupsClaim} (empty: any signed-in user)
     * @param groupsClaim the token claim holding groups or roles (default {@code groups})
     * @param subjectClaim the claim the audit trail names the user by (default {@code sub}; set {@code email} or
     *     {@code preferred_username} only if your policy allows names in logs)
     * @param proxyUserHeader proxy: the header holding the user id
     * @param proxySecretFile proxy: a file holding the secret the proxy sends in {@value #PROXY_SECRET_HEADER}
     */
    public record Auth(AuthMode mode, String issuer, String clientId, Path clientSecretFile, String publicUrl, String audience,
            String requiredGroup, String groupsClaim, String subjectClaim, String proxyUserHeader, Path proxySecretFile) {
        /** The header that pins the proxy: it must carry the secret of {@code auth.proxySecretFile}. */
        public static final String PROXY_SECRET_HEADER = "X-Brainseg-Proxy-Secret";
        public static final Auth NONE = new Auth(AuthMode.NONE, "", "", null, "", "", "", "groups", "sub", "X-Forwarded-User", null);

        public Auth {
            java.util.Objects.requireNonNull(mode, "auth.mode");
            issuer = blankToEmpty(issuer);
            clientId = blankToEmpty(clientId);
            publicUrl = stripSlash(blankToEmpty(publicUrl));
            audience = blankToEmpty(audience);
            requiredGroup = blankToEmpty(requiredGroup);
            groupsClaim = blankToEmpty(groupsClaim).isEmpty() ? "groups" : groupsClaim.trim();
            subjectClaim = blankToEmpty(subjectClaim).isEmpty() ? "sub" : subjectClaim.trim();
            proxyUserHeader = blankToEmpty(proxyUserHeader).isEmpty() ? "X-Forwarded-User" : proxyUserHeader.trim();
            if (mode == AuthMode.OIDC) {
                httpUrl("auth.issuer", issuer);
                if (clientId.isEmpty()) {
                    throw new ConfigException("auth.clientId", "is required with auth.mode oidc: the viewer's client id at the issuer");
                }
                httpUrl("auth.publicUrl", publicUrl);
            }
            if (mode == AuthMode.PROXY) {
                if (proxySecretFile == null) {
                    throw new ConfigException("auth.proxySecretFile", "is required with auth.mode proxy: a bare header is never "
                            + "trusted, the proxy must also send the secret of this file in " + PROXY_SECRET_HEADER);
                }
                if (!proxyUserHeader.matches("[A-Za-z0-9-]{1,64}")) {
                    throw new ConfigException("auth.proxyUserHeader", "must be a header name (letters, digits, -), got '"
                            + proxyUserHeader + "'");
                }
            }
        }

        /**
         * Reads the secret files this mode uses ({@code auth.clientSecretFile} for oidc when set,
         * {@code auth.proxySecretFile} for proxy), so that a missing, unreadable or empty one is a
         * configuration error at load, naming its key, not a failure once the server starts.
         */
        public void checkSecretFiles() {
            if (mode == AuthMode.OIDC && clientSecretFile != null) {
                readSecret("auth.clientSecretFile", clientSecretFile);
            }
            if (mode == AuthMode.PROXY) {
                readSecret("auth.proxySecretFile", proxySecretFile);
            }
        }

        /** The trimmed content of a secret file; a missing, unreadable or empty file names {@code key}. */
        public static byte[] readSecret(String key, Path file) {
            String s;
            try {
                s = Files.readString(file, StandardCharsets.UTF_8).trim();
            } catch (IOException | RuntimeException e) {
                throw new ConfigException(key, "cannot read " + file + ": " + e.getMessage());
            }
            if (s.isEmpty()) {
                throw new ConfigException(key, file + " is empty");
            }
            return s.getBytes(StandardCharsets.UTF_8);
        }

        /** The audience bearer tokens must hold. */
        public String expectedAudience() {
            return audience.isEmpty() ? clientId : audience;
        }

        private static String blankToEmpty(String s) {
            return s == null ? "" : s.trim();
        }

        private static String stripSlash(String s) {
            return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
        }

        private static void httpUrl(String key, String value) {
            if (value.isEmpty()) {
                throw new ConfigException(key, "is required with auth.mode oidc");
            }
            try {
                java.net.URI u = new java.net.URI(value);
                if (!("https".equals(u.getScheme()) || "http".equals(u.getScheme())) || u.getHost() == null
                        || u.getQuery() != null || u.getFragment() != null) {
                    throw new ConfigException(key, "must be an http(s) URL without query or fragment, got '" + value + "'");
                }
            } catch (java.net.URISyntaxException e) {
                throw new ConfigException(key, "is not a URL: '" + value + "'");
            }
        }
    }

    /** Kafka bootstrap servers and client properties (security.protocol, ssl.*, sasl.*). */
    public record Kafka(String bootstrapServers, Map<String, String> properties) {
        public Kafka {
            if (bootstrapServers == null || bootstrapServers.isBlank()) {
                throw new ConfigException("kafka.bootstrapServers", "is required");
            }
            properties = Map.copyOf(properties);
        }
    }

    /** Directories (existing) the viewer may read from. */
    public record Store(List<Path> roots) {
        public Store {
            if (roots == null || roots.isEmpty()) {
                throw new ConfigException("store.roots", "at least one directory is needed: where the scans and masks are");
            }
            roots = List.copyOf(roots);
        }
    }

    /**
     * Where the pages, {@code /metrics} and {@code /health/*} listen, with TLS ({@code tls}, null:
     * plain HTTP) and the token of {@code /metrics}, {@code /health/*} and {@code /v1/status}
     * ({@code metricsTokenFile}, null: open), by the rules of {@link HttpSection}.
     */
    public record Http(String host, int port, HttpSection.Tls tls, Path metricsTokenFile) {
        public Http {
            if (port < 0 || port > 65535) {
                throw new ConfigException("http.port", "must be 0 to 65535, got " + port);
            }
        }

        /** Plain HTTP, no token. */
        public Http(String host, int port) {
            this(host, port, null, null);
        }

        /** The section as the shared HTTP endpoint takes it. */
        public HttpSection section() {
            return new HttpSection(host, port, tls, metricsTokenFile);
        }
    }

    /** The URL people open (the loopback address when listening on all interfaces). */
    public String url(int actualPort) {
        String h = http.host().equals("0.0.0.0") || http.host().equals("::") ? "127.0.0.1" : http.host();
        return (http.tls() == null ? "http://" : "https://") + h + ":" + actualPort + "/";
    }
}
