package org.brainseg.viewer;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * A minimal but real OpenID Connect issuer in the test JVM (JDK HTTP server, tokens signed with
 * nimbus-jose-jwt): discovery, JWKS, an authorization endpoint that signs in a fixed user at once
 * (PKCE S256 required), a token endpoint (authorization code, client secret by Basic or form) and an
 * end-session endpoint. It also mints arbitrary tokens for the refusal tests: expired, for another
 * audience or issuer, signed by a forged key, unsigned ({@code alg: none}), without a group.
 */
final class TestIssuer implements AutoCloseable {
    static final String SUBJECT = "u-5b1f0c9e";
    static final String GROUP = "radiology";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer server;
    private final String issuer;
    private final String clientId;
    private final String clientSecret;
    private final RSAKey key;
    private final Map<String, String[]> codes = new ConcurrentHashMap<>();
    final AtomicInteger authorizations = new AtomicInteger();
    final AtomicInteger tokens = new AtomicInteger();
    /** How long the tokens of a sign-in live. */
    volatile long loginLifetimeMs = 600_000;

    private TestIssuer(String clientId, String clientSecret) throws Exception {
        this.clientId = clientId;
        this.clientSecret = clientSecret;
        this.key = new RSAKeyGenerator(2048).keyID("k1").generate();
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        issuer = "http://localhost:" + server.getAddress().getPort();
        server.createContext("/.well-known/openid-configuration", ex -> json(ex, 200, discovery()));
        server.createContext("/jwks", ex -> json(ex, 200, new JWKSet(key.toPublicJWK()).toJSONObject()));
        server.createContext("/authorize", this::authorize);
        server.createContext("/token", this::token);
        server.createContext("/logout", ex -> text(ex, 200, "signed out"));
        server.start();
    }

    static TestIssuer start(String clientId, String clientSecret) throws Exception {
        return new TestIssuer(clientId, clientSecret);
    }

    String issuer() {
        return issuer;
    }

    private Map<String, Object> discovery() {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("issuer", issuer);
        d.put("authorization_endpoint", issuer + "/authorize");
        d.put("token_endpoint", issuer + "/token");
        d.put("jwks_uri", issuer + "/jwks");
        d.put("end_session_endpoint", issuer + "/logout");
        d.put("response_types_supported", List.of("code"));
        d.put("subject_types_supported", List.of("public"));
        d.put("id_token_signing_alg_values_supported", List.of("RS256"));
        d.put("code_challenge_methods_supported", List.of("S256"));
        d.put("grant_types_supported", List.of("authorization_code"));
        d.put("token_endpoint_auth_methods_supported", List.of("client_secret_basic", "client_secret_post"));
        return d;
    }

    /** Signs in {@link #SUBJECT} at once and returns to the client with a code; PKCE S256 is required. */
    private void authorize(HttpExchange ex) throws IOException {
        Map<String, String> q = form(ex.getRequestURI().getRawQuery());
        authorizations.incrementAndGet();
        String redirect = q.get("redirect_uri");
        if (!clientId.equals(q.get("client_id")) || redirect == null || !"code".equals(q.get("response_type"))
                || q.get("code_challenge") == null || !"S256".equals(q.get("code_challenge_method"))) {
            text(ex, 400, "bad authorization request: " + q);
            return;
        }
        String code = UUID.randomUUID().toString();
        codes.put(code, new String[] {redirect, q.get("code_challenge"), q.getOrDefault("nonce", "")});
        String location = redirect + (redirect.contains("?") ? "&" : "?") + "code=" + code
                + (q.get("state") == null ? "" : "&state=" + URLEncoder.encode(q.get("state"), StandardCharsets.UTF_8));
        ex.getResponseHeaders().add("Location", location);
        ex.sendResponseHeaders(302, -1);
        ex.close();
    }

    private void token(HttpExchange ex) throws IOException {
        Map<String, String> f = form(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
        String basic = ex.getRequestHeaders().getFirst("Authorization");
        String id = f.get("client_id");
        String secret = f.get("client_secret");
        if (basic != null && basic.startsWith("Basic ")) {
            String[] pair = new String(Base64.getDecoder().decode(basic.substring(6)), StandardCharsets.UTF_8).split(":", 2);
            id = URLDecoder.decode(pair[0], StandardCharsets.UTF_8);
            secret = pair.length > 1 ? URLDecoder.decode(pair[1], StandardCharsets.UTF_8) : null;
        }
        String[] pending = f.get("code") == null ? null : codes.remove(f.get("code"));
        if (!clientId.equals(id) || !clientSecret.equals(secret)) {
            json(ex, 401, Map.of("error", "invalid_client"));
            return;
        }
        if (pending == null || !pending[0].equals(f.get("redirect_uri")) || f.get("code_verifier") == null
                || !pending[1].equals(s256(f.get("code_verifier")))) {
            json(ex, 400, Map.of("error", "invalid_grant"));
            return;
        }
        tokens.incrementAndGet();
        try {
            Map<String, Object> body = new LinkedHashMap<>();
            Date expires = new Date(System.currentTimeMillis() + loginLifetimeMs);
            body.put("access_token", token(b -> b.expirationTime(expires)));
            body.put("id_token", token(b -> {
                b.expirationTime(expires);
                if (!pending[2].isEmpty()) {
                    b.claim("nonce", pending[2]);
                }
            }));
            body.put("token_type", "Bearer");
            body.put("expires_in", loginLifetimeMs / 1000);
            body.put("scope", "openid");
            json(ex, 200, body);
        } catch (Exception e) {
            json(ex, 500, Map.of("error", e.toString()));
        }
    }

    /** A valid token for {@link #SUBJECT} in {@link #GROUP}, changed by {@code changes}, signed with the issuer's key. */
    String token(Consumer<JWTClaimsSet.Builder> changes) throws Exception {
        return signed(claims(changes), key);
    }

    /** The same claims signed by another key that claims the issuer's key id: a forged signature. */
    String forged(Consumer<JWTClaimsSet.Builder> changes) throws Exception {
        return signed(claims(changes), new RSAKeyGenerator(2048).keyID(key.getKeyID()).generate());
    }

    /** The same claims, unsigned ({@code alg: none}). */
    String unsigned(Consumer<JWTClaimsSet.Builder> changes) {
        return new PlainJWT(claims(changes)).serialize();
    }

    private JWTClaimsSet claims(Consumer<JWTClaimsSet.Builder> changes) {
        long now = System.currentTimeMillis();
        JWTClaimsSet.Builder b = new JWTClaimsSet.Builder().issuer(issuer).subject(SUBJECT).audience(clientId)
                .claim("azp", clientId).issueTime(new Date(now)).expirationTime(new Date(now + 600_000))
                .claim("groups", List.of(GROUP)).claim("email", "dr.who@example.org").jwtID(UUID.randomUUID().toString());
        changes.accept(b);
        return b.build();
    }

    private static String signed(JWTClaimsSet claims, RSAKey with) throws Exception {
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(with.getKeyID()).type(JOSEObjectType.JWT)
                .build(), claims);
        jwt.sign(new RSASSASigner(with));
        return jwt.serialize();
    }

    private static String s256(String verifier) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(d);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static Map<String, String> form(String raw) {
        Map<String, String> out = new LinkedHashMap<>();
        if (raw == null || raw.isEmpty()) {
            return out;
        }
        for (String kv : raw.split("&")) {
            String[] p = kv.split("=", 2);
            out.put(URLDecoder.decode(p[0], StandardCharsets.UTF_8), p.length > 1 ? URLDecoder.decode(p[1], StandardCharsets.UTF_8) : "");
        }
        return out;
    }

    private static void json(HttpExchange ex, int code, Object body) throws IOException {
        byte[] b = JSON.writeValueAsBytes(body);
        ex.getResponseHeaders().add("Content-Type", "application/json");
        ex.sendResponseHeaders(code, b.length);
        ex.getResponseBody().write(b);
        ex.close();
    }

    private static void text(HttpExchange ex, int code, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        ex.sendResponseHeaders(code, b.length);
        ex.getResponseBody().write(b);
        ex.close();
    }

    /** The URI a page was redirected to, for checks. */
    static URI location(java.net.http.HttpResponse<?> r) {
        return URI.create(r.headers().firstValue("location").orElse(""));
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
