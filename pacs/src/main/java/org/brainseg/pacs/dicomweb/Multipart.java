package org.brainseg.pacs.dicomweb;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import org.brainseg.pacs.orthanc.PacsException;

/** The first part of a {@code multipart/related} answer (RFC 2046), as WADO-RS sends frames. */
final class Multipart {
    private Multipart() {}

    /** The boundary parameter of a content type, quotes removed. */
    static String boundary(String contentType) throws PacsException {
        for (String p : contentType.split(";")) {
            String t = p.trim();
            if (t.toLowerCase(Locale.ROOT).startsWith("boundary=")) {
                String b = t.substring("boundary=".length()).trim();
                return b.startsWith("\"") && b.endsWith("\"") && b.length() > 1 ? b.substring(1, b.length() - 1) : b;
            }
        }
        throw new PacsException(200, "a multipart answer without boundary: " + contentType, null);
    }

    static byte[] firstPart(byte[] body, String contentType) throws PacsException {
        byte[] delimiter = ("--" + boundary(contentType)).getBytes(StandardCharsets.US_ASCII);
        int start = indexOf(body, delimiter, 0);
        if (start < 0) {
            throw new PacsException(200, "a multipart answer without its boundary", null);
        }
        int headersEnd = indexOf(body, "\r\n\r\n".getBytes(StandardCharsets.US_ASCII), start);
        if (headersEnd < 0) {
            throw new PacsException(200, "a multipart part without headers' end", null);
        }
        int content = headersEnd + 4;
        byte[] close = ("\r\n--" + boundary(contentType)).getBytes(StandardCharsets.US_ASCII);
        int end = indexOf(body, close, content);
        if (end < 0) {
            throw new PacsException(200, "a multipart part without closing boundary", null);
        }
        return java.util.Arrays.copyOfRange(body, content, end);
    }

    static int indexOf(byte[] hay, byte[] needle, int from) {
        outer:
        for (int i = Math.max(0, from); i <= hay.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
