package org.brainseg.viewer.web;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The page files, read once from the jar ({@code org/brainseg/viewer/web/}): no CDN, no network.
 * Pages are static; every datum reaches the page as JSON that its script puts in with
 * {@code textContent}, so nothing from an event or a URL is ever parsed as HTML.
 */
final class Pages {
    static final Map<String, String> STATIC_TYPES = Map.of(
            "viewer.js", "text/javascript; charset=utf-8",
            "list.js", "text/javascript; charset=utf-8",
            "common.js", "text/javascript; charset=utf-8",
            "viewer.css", "text/css; charset=utf-8");

    private final Map<String, byte[]> files;
    private final String list;
    private final String scan;

    Pages() {
        list = text("list.html");
        scan = text("scan.html");
        java.util.HashMap<String, byte[]> f = new java.util.HashMap<>();
        STATIC_TYPES.keySet().forEach(n -> f.put(n, text(n).getBytes(StandardCharsets.UTF_8)));
        files = Map.copyOf(f);
    }

    String list() {
        return list;
    }

    String scan() {
        return scan;
    }

    /** A static file by name, or null: only the names in {@link #STATIC_TYPES} exist. */
    byte[] file(String name) {
        return files.get(name);
    }

    /** An error page; {@code title} and {@code message} are escaped. */
    static String error(int code, String title, String message) {
        return "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>" + escape(title)
                + " · brainseg viewer</title><link rel=\"stylesheet\" href=\"/static/viewer.css\"></head><body>"
                + "<header><a href=\"/\">brainseg viewer</a></header><main class=\"error-page\" data-status=\"" + code
                + "\"><h1>" + code + " · " + escape(title) + "</h1><p id=\"error\">" + escape(message)
                + "</p><p><a href=\"/\">all scans</a></p></main></body></html>";
    }

    static String escape(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            switch (c) {
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '&' -> b.append("&amp;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }

    private static String text(String name) {
        try (InputStream in = Pages.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing resource org/brainseg/viewer/web/" + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
