package org.brainseg.service.store;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Locale;

/**
 * The one way brainseg turns a URI from an event into a local path: an absolute {@code file:}
 * URI on this host, without query or fragment, without {@code .} or {@code ..} segments (encoded
 * or not) and without NUL. Whether the path lies under an allowed root is the caller's check
 * (scan store, model registry), done on the path as written and after resolving links.
 */
public final class FileUris {
    private FileUris() {}

    /**
     * The local path a URI names.
     *
     * @throws IllegalArgumentException with the reason when the URI is not an acceptable local file URI
     */
    public static Path localPath(String uriText) {
        if (uriText == null || uriText.isEmpty()) {
            throw new IllegalArgumentException("empty URI");
        }
        URI uri;
        try {
            uri = new URI(uriText);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("malformed URI: " + e.getReason());
        }
        String scheme = uri.getScheme();
        if (scheme == null || !scheme.toLowerCase(Locale.ROOT).equals("file")) {
            throw new IllegalArgumentException("only file: URIs are read, not "
                    + (scheme == null ? "a relative reference" : scheme + ":"));
        }
        if (uri.isOpaque() || uri.getPath() == null || !uri.getPath().startsWith("/")) {
            throw new IllegalArgumentException("file URI must be absolute (file:///path)");
        }
        String authority = uri.getRawAuthority();
        if (authority != null && !authority.isEmpty() && !authority.equalsIgnoreCase("localhost")) {
            throw new IllegalArgumentException("file URI names another host: " + authority);
        }
        if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
            throw new IllegalArgumentException("file URI must not have a query or fragment");
        }
        String path = uri.getPath(); // decoded: %2e%2e is '..' here
        for (String segment : path.split("/")) {
            if (segment.equals("..") || segment.equals(".")) {
                throw new IllegalArgumentException("path contains '" + segment + "'");
            }
        }
        if (path.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("path contains a NUL character");
        }
        try {
            return Paths.get(path);
        } catch (InvalidPathException e) {
            throw new IllegalArgumentException("not a valid path: " + e.getReason());
        }
    }
}
