package org.brainseg.viewer.auth;

import io.vertx.core.Vertx;
import io.vertx.core.http.CookieSameSite;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.User;
import io.vertx.ext.auth.oauth2.OAuth2Auth;
import io.vertx.ext.auth.oauth2.OAuth2Options;
import io.vertx.ext.auth.oauth2.providers.OpenIDConnectAuth;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.OAuth2AuthHandler;
import io.vertx.ext.web.handler.SessionHandler;
import io.vertx.ext.web.sstore.LocalSessionStore;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.brainseg.service.config.ConfigException;
import org.brainseg.viewer.config.ViewerConfig;
import org.brainseg.viewer.config.ViewerConfig.AuthMode;

/**
 * Who may see the viewer's pages and volumes, per {@code auth.mode}, installed on the router after
 * {@code /metrics} and {@code /health/*} (which stay open for Prometheus and the orchestrator):
 *
 * <ul>
 *   <li>{@code none}: everyone (the configuration allows it on a loopback address only);
 *   <li>{@code oidc}: a browser without a session is sent to the issuer to sign in (authorization code
 *       with PKCE; the session cookie is {@code Secure}, {@code HttpOnly}, {@code SameSite=Lax});
 *       an API client sends the issuer's access token as {@code Authorization: Bearer}, checked
 *       against the issuer's JWKS (signature), and here again for {@code iss}, {@code aud} and
 *       {@code exp}; {@code /auth/logout} ends the session;
 *   <li>{@code proxy}: an authenticating proxy names the user in a header, and is believed only
 *       when it also sends the shared secret of {@code auth.proxySecretFile}.
 * </ul>
 *
 * With {@code auth.requiredGroup} the user must also hold that group or role (403 otherwise). API
 * and image routes answer 401 instead of redirecting to a login page. Refusals carry no image data.
 */
public final class AccessControl {
    public static final String CALLBACK = "/auth/callback";
    public static final String LOGOUT = "/auth/logout";
    /** Who is signed in, for the page header: {@code {"name": ..., "logout": "/auth/logout"}}. */
    public static final String ME = "/auth/me";
    static final String SESSION_COOKIE = "brainseg.session";
    /** Where the proxy mode keeps the subject for the audit trail. */
    static final String SUBJECT_KEY = "brainseg.subject";
    /** A user id from the proxy: what an IdP's subject or user name looks like, nothing that could break a log line. */
    private static final Pattern PROXY_USER = Pattern.compile("[A-Za-z0-9._@:+-]{1,128}");
    private static final long DISCOVERY_TIMEOUT_S = 30;
    private static final String EXPIRED = "the token has expired";

    private final Vertx vertx;
    private final ViewerConfig.Auth auth;
    private final OAuth2Auth provider;
    private final byte[] proxySecret;

    private AccessControl(Vertx vertx, ViewerConfig.Auth auth, OAuth2Auth provider, byte[] proxySecret) {
        this.vertx = vertx;
        this.auth = auth;
        this.provider = provider;
        this.proxySecret = proxySecret;
    }

    /**
     * The access control {@code auth} describes. For {@code oidc} this reads the issuer's discovery
     * document and keys, so it blocks (call it off the event loop).
     *
     * @throws ConfigException for a secret file that cannot be read or is empty (naming its key)
     * @throws IllegalStateException when the issuer cannot be discovered
     */
    public static AccessControl create(Vertx vertx, ViewerConfig.Auth auth) {
        return switch (auth.mode()) {
            case NONE -> new AccessControl(vertx, auth, null, null);
            case PROXY -> new AccessControl(vertx, auth, null, ViewerConfig.Auth.readSecret("auth.proxySecretFile", auth.proxySecretFile()));
            case OIDC -> new AccessControl(vertx, auth, discover(vertx, auth), null);
        };
    }

    private static OAuth2Auth discover(Vertx vertx, ViewerConfig.Auth auth) {
        OAuth2Options options = new OAuth2Options().setSite(auth.issuer()).setClientId(auth.clientId()).setValidateIssuer(true)
                .setJWTOptions(new JWTOptions().setIssuer(auth.issuer()).setAudience(List.of(auth.expectedAudience())));
        if (auth.clientSecretFile() != null) {
            options.setClientSecret(new String(ViewerConfig.Auth.readSecret("auth.clientSecretFile",
                    auth.clientSecretFile()), StandardCharsets.UTF_8));
        }
        try {
            return OpenIDConnectAuth.discover(vertx, options).toCompletionStage().toCompletableFuture()
                    .get(DISCOVERY_TIMEOUT_S, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("auth.issuer: interrupted while reading " + auth.issuer(), e);
        } catch (Exception e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw new IllegalStateException("auth.issuer: cannot read the OpenID configuration of " + auth.issuer()
                    + " (/.well-known/openid-configuration and its jwks_uri): " + cause.getMessage(), cause);
        }
    }

    public AuthMode mode() {
        return auth.mode();
    }

    /** Adds the handlers to {@code r}; every route added after them is protected. */
    public void install(Router r) {
        switch (auth.mode()) {
            case NONE -> { }
            case PROXY -> r.route().handler(this::proxy);
            case OIDC -> {
                r.route().handler(SessionHandler.create(LocalSessionStore.create(vertx)).setSessionCookieName(SESSION_COOKIE)
                        .setCookieSecureFlag(true).setCookieHttpOnlyFlag(true).setCookieSameSite(CookieSameSite.LAX));
                OAuth2AuthHandler oauth = OAuth2AuthHandler.create(vertx, provider, auth.publicUrl() + CALLBACK)
                        .setupCallback(r.get(CALLBACK)).pkceVerifierLength(64).withScopes(List.of("openid"));
                r.get(LOGOUT).handler(this::logout);
                r.route().handler(this::apiNeedsToken);
                r.route().handler(oauth);
                r.route().handler(this::authorize);
                r.get(ME).handler(this::me);
            }
            default -> throw new IllegalStateException("unknown auth mode " + auth.mode());
        }
    }

    /** The user the audit trail names: the configured claim, or "-" when nobody is signed in. */
    public String subject(RoutingContext ctx) {
        if (auth.mode() == AuthMode.NONE) {
            return "local";
        }
        if (auth.mode() == AuthMode.PROXY) {
            String s = ctx.get(SUBJECT_KEY);
            return s == null ? "-" : s;
        }
        User u = ctx.user();
        if (u == null) {
            return "-";
        }
        Object v = claim(claims(u), auth.subjectClaim());
        return v == null ? "unknown" : v.toString();
    }

    private void proxy(RoutingContext ctx) {
        String given = ctx.request().getHeader(ViewerConfig.Auth.PROXY_SECRET_HEADER);
        String user = ctx.request().getHeader(auth.proxyUserHeader());
        boolean pinned = given != null && MessageDigest.isEqual(given.getBytes(StandardCharsets.UTF_8), proxySecret);
        if (!pinned || user == null || !PROXY_USER.matcher(user).matches()) {
            refuse(ctx, 401, pinned ? "no valid user in " + auth.proxyUserHeader() : "requests must come through the proxy");
            return;
        }
        ctx.put(SUBJECT_KEY, user);
        ctx.next();
    }

    /** API and image routes without a session or a token: 401 rather than a redirect to a login page. */
    private void apiNeedsToken(RoutingContext ctx) {
        if (ctx.user() == null && ctx.request().getHeader("Authorization") == null && isData(ctx.normalizedPath())) {
            refuse(ctx, 401, "sign in, or send an access token as Authorization: Bearer");
            return;
        }
        ctx.next();
    }

    static boolean isData(String path) {
        return path.startsWith("/api/") || path.endsWith(".png") || path.endsWith(".bin") || path.endsWith(".json");
    }

    /** After authentication: the token's issuer, audience, expiry and the required group. */
    private void authorize(RoutingContext ctx) {
        User u = ctx.user();
        JsonObject claims = claims(u);
        String problem = problem(claims);
        if (problem != null || u.expired()) {
            if (ctx.session() != null) {
                ctx.session().destroy();
            }
            ctx.userContext().clear();
            boolean page = ctx.request().getHeader("Authorization") == null && !isData(ctx.normalizedPath());
            if (page && (problem == null || problem.equals(EXPIRED))) {
                // a browser whose session outlived its token: the same page again, which signs in anew (a token
                // with a wrong issuer or audience is refused instead: signing in again would only loop)
                ctx.redirect(ctx.request().uri());
                return;
            }
            refuse(ctx, 401, problem != null ? problem : EXPIRED);
            return;
        }
        if (!auth.requiredGroup().isEmpty() && !holds(claim(claims, auth.groupsClaim()), auth.requiredGroup())) {
            refuse(ctx, 403, "your account is not in the group this viewer requires");
            return;
        }
        ctx.next();
    }

    /** The signed-in user's display name (name, preferred_username, email or sub, the first present) and the way out. */
    private void me(RoutingContext ctx) {
        JsonObject claims = claims(ctx.user());
        String name = "";
        for (String k : List.of("name", "preferred_username", "email", "sub")) {
            if (claims.getValue(k) instanceof String s && !s.isBlank()) {
                name = s;
                break;
            }
        }
        ctx.response().putHeader("content-type", "application/json").putHeader("cache-control", "no-store")
                .end(new JsonObject().put("name", name).put("logout", LOGOUT).encode());
    }

    /** Why the claims are not acceptable, or null. */
    String problem(JsonObject claims) {
        if (!auth.issuer().equals(claims.getString("iss"))) {
            return "the token is from another issuer";
        }
        Object aud = claims.getValue("aud");
        if (!holds(aud, auth.expectedAudience())) {
            return "the token is for another audience";
        }
        Object exp = claims.getValue("exp");
        if (!(exp instanceof Number n) || n.longValue() * 1000 <= System.currentTimeMillis()) {
            return EXPIRED;
        }
        return null;
    }

    private void logout(RoutingContext ctx) {
        User u = ctx.user();
        String next = "/";
        if (u != null) {
            String end = provider.endSessionURL(u);
            if (end != null) {
                next = end;
            }
        }
        if (ctx.session() != null) {
            ctx.session().destroy();
        }
        ctx.userContext().clear();
        ctx.redirect(next);
    }

    private static void refuse(RoutingContext ctx, int code, String why) {
        if (code == 401) {
            ctx.response().putHeader("WWW-Authenticate", "Bearer realm=\"brainseg\"");
        }
        ctx.response().setStatusCode(code).putHeader("content-type", "text/plain; charset=utf-8")
                .putHeader("cache-control", "no-store").end((code == 401 ? "401 sign-in required: " : "403 not allowed: ") + why + "\n");
    }

    /** The decoded access token's claims, else the id token's, else the principal. */
    static JsonObject claims(User u) {
        JsonObject a = u.attributes();
        if (a != null) {
            for (String k : List.of("accessToken", "idToken")) {
                Object v = a.getValue(k);
                if (v instanceof JsonObject j && !j.isEmpty()) {
                    return j;
                }
            }
        }
        return u.principal() == null ? new JsonObject() : u.principal();
    }

    /** A claim by name, or by a dotted path ({@code realm_access.roles}). */
    static Object claim(JsonObject claims, String name) {
        if (claims.containsKey(name)) {
            return claims.getValue(name);
        }
        Object cur = claims;
        for (String part : name.split("\\.")) {
            if (!(cur instanceof JsonObject o)) {
                return null;
            }
            cur = o.getValue(part);
        }
        return cur;
    }

    /** Whether a claim value (a string or an array of strings) holds {@code wanted}. */
    static boolean holds(Object value, String wanted) {
        if (value instanceof String s) {
            return s.equals(wanted);
        }
        if (value instanceof JsonArray arr) {
            return arr.stream().anyMatch(wanted::equals);
        }
        if (value instanceof List<?> list) {
            return list.stream().anyMatch(wanted::equals);
        }
        return false;
    }
}
