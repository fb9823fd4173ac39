package org.brainseg.pacs.rules;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.brainseg.imaging.dataset.Modality;
import org.brainseg.pacs.dicom.DicomException;
import org.brainseg.schemas.ErrorCode;

/**
 * Picks the four MR series of a study by one regular expression per modality, matched (found,
 * case-insensitively) in SeriesDescription and in ProtocolName after both are lower-cased and
 * {@code _ - / .} turned into spaces. A series is given to the first modality whose rule
 * matches, in the order T1ce, FLAIR, T2, T1 (most specific first: "T1 post GAD" is T1ce,
 * "T2-FLAIR" is FLAIR). Only Modality MR is considered. When several series match one
 * modality, the one with the highest SeriesNumber wins (a repeat after motion comes later),
 * then the one with more images.
 */
public final class SeriesRules {
    /** Rules for common scanner and BraTS names. */
    public static final Map<Modality, String> DEFAULTS = defaults();
    private static final List<Modality> ORDER = List.of(Modality.T1CE, Modality.FLAIR, Modality.T2, Modality.T1);

    private static Map<Modality, String> defaults() {
        Map<Modality, String> d = new EnumMap<>(Modality.class);
        // a T1 name with a contrast word, the BraTS names, or a contrast word on a series that is not T2 or FLAIR
        d.put(Modality.T1CE, "\\bt1 ?(ce|c|gd)\\b|t1 ?\\+ ?c\\b|(\\bt1|mprage|\\bspgr\\b|\\bbravo\\b).*(\\bpost\\b|\\bgad|\\bgd\\b"
                + "|contrast|\\+ ?c\\b)|^(?!.*(\\bt2|flair)).*(post ?contrast|\\bgad|\\bgd\\b)");
        d.put(Modality.FLAIR, "flair|\\bdark ?fluid");
        d.put(Modality.T2, "\\bt2|\\bt2w\\b");
        d.put(Modality.T1, "\\bt1|mprage|\\bspgr\\b|\\btfl\\b|\\bbravo\\b");
        return d;
    }

    private final Map<Modality, Pattern> patterns;

    /** @param rules one regular expression per modality (all four) */
    public SeriesRules(Map<Modality, String> rules) {
        Map<Modality, Pattern> p = new EnumMap<>(Modality.class);
        for (Modality m : Modality.values()) {
            String r = rules.get(m);
            if (r == null || r.isBlank()) {
                throw new IllegalArgumentException("series." + m.key() + ": a rule is required");
            }
            try {
                p.put(m, Pattern.compile(r, Pattern.CASE_INSENSITIVE));
            } catch (PatternSyntaxException e) {
                throw new IllegalArgumentException("series." + m.key() + ": not a regular expression: " + e.getDescription());
            }
        }
        this.patterns = p;
    }

    public static SeriesRules defaultRules() {
        return new SeriesRules(DEFAULTS);
    }

    /** The modality a series is taken for, or null. */
    public Modality classify(SeriesInfo s) {
        if (!"MR".equalsIgnoreCase(s.modality().trim())) {
            return null;
        }
        String desc = normalize(s.description());
        String prot = normalize(s.protocol());
        for (Modality m : ORDER) {
            Pattern p = patterns.get(m);
            if (p.matcher(desc).find() || p.matcher(prot).find()) {
                return m;
            }
        }
        return null;
    }

    static String normalize(String s) {
        return s.toLowerCase(Locale.ROOT).replaceAll("[_\\-/.]", " ").replaceAll("\\s+", " ").trim();
    }

    /**
     * One series per modality.
     *
     * @throws DicomException {@link ErrorCode#SERIES_MISSING} naming the missing modalities and every series seen
     */
    public Map<Modality, SeriesInfo> select(List<SeriesInfo> series) throws DicomException {
        Map<Modality, List<SeriesInfo>> found = new EnumMap<>(Modality.class);
        for (SeriesInfo s : series) {
            Modality m = classify(s);
            if (m != null) {
                found.computeIfAbsent(m, x -> new ArrayList<>()).add(s);
            }
        }
        Map<Modality, SeriesInfo> chosen = new EnumMap<>(Modality.class);
        List<String> missing = new ArrayList<>();
        for (Modality m : Modality.values()) {
            List<SeriesInfo> c = found.get(m);
            if (c == null) {
                missing.add(m.key());
                continue;
            }
            chosen.put(m, c.stream().max(Comparator.comparingInt(SeriesInfo::number).thenComparingInt(SeriesInfo::instances)
                    .thenComparing(SeriesInfo::id)).orElseThrow());
        }
        if (!missing.isEmpty()) {
            Map<String, String> seen = new LinkedHashMap<>();
            for (SeriesInfo s : series) {
                Modality m = classify(s);
                seen.put(s.describe(), m == null ? "-" : m.key());
            }
            throw new DicomException(ErrorCode.SERIES_MISSING, "no series for " + String.join(", ", missing)
                    + " under the series rules; series seen (→ taken as): " + (seen.isEmpty() ? "none" : seen));
        }
        return chosen;
    }
}
