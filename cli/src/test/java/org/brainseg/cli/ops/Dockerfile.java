package org.brainseg.cli.ops;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A Dockerfile's instructions grouped by build stage (continuation lines joined, comments dropped). */
final class Dockerfile {
    private static final Pattern FROM = Pattern.compile("FROM\\s+\\S+\\s+AS\\s+(\\S+)", Pattern.CASE_INSENSITIVE);

    private Dockerfile() {}

    static Map<String, List<String>> stages(String text) {
        Map<String, List<String>> stages = new LinkedHashMap<>();
        List<String> current = null;
        StringBuilder line = new StringBuilder();
        for (String raw : text.lines().toList()) {
            String l = raw.strip();
            if (l.startsWith("#") || (l.isEmpty() && line.length() == 0)) {
                continue;
            }
            if (l.endsWith("\\")) {
                line.append(l, 0, l.length() - 1).append(' ');
                continue;
            }
            line.append(l);
            String instruction = line.toString().replaceAll("\\s+", " ").strip();
            line.setLength(0);
            Matcher m = FROM.matcher(instruction);
            if (m.matches()) {
                current = new ArrayList<>();
                stages.put(m.group(1), current);
            }
            if (current != null) {
                current.add(instruction);
            }
        }
        return stages;
    }
}
