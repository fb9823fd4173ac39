package org.brainseg.cli.ops;

import java.util.Set;
import java.util.TreeSet;

/** Sample names in a Prometheus text exposition ({@code _bucket}, {@code _sum}, {@code _count} included). */
final class Scrape {
    private Scrape() {}

    static Set<String> names(String exposition) {
        Set<String> names = new TreeSet<>();
        for (String line : exposition.lines().toList()) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            int end = 0;
            while (end < line.length() && line.charAt(end) != '{' && line.charAt(end) != ' ') {
                end++;
            }
            names.add(line.substring(0, end));
        }
        return names;
    }
}
