package org.brainseg.schemas;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.net.URI;
import java.time.Instant;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import org.brainseg.imaging.dataset.Modality;
import org.brainseg.imaging.labels.LabelConvention;

/**
 * A multi-modal MRI scan is ready to segment (topic {@code brainseg.scans.arrived}, key
 * {@code scanId}). Volumes travel by reference: either one URI per modality or one 4-D image
 * with its channel order, exactly one of the two.
 *
 * @param eventId         unique id of this event
 * @param scanId          scan id; also part of the mask path, hence restricted to {@code [A-Za-z0-9._-]}
 * @param subjectId       pseudonymous subject id, or null
 * @param arrivedAt       when the scan arrived
 * @param modalities      one 3-D volume per modality, or null when {@code image4d} is given
 * @param image4d         one 4-D volume, or null when {@code modalities} is given
 * @param labelUri        ground-truth label map, or null
 * @param labelConvention numbering of the label map (and of the mask written back)
 * @param sha256          optional SHA-256 per file, keyed by {@link #SHA256_KEYS}; never null
 */
public record ScanArrived(
        UUID eventId,
        String scanId,
        String subjectId,
        Instant arrivedAt,
        Modalities modalities,
        Image4d image4d,
        URI labelUri,
        LabelConvention labelConvention,
        @JsonInclude(JsonInclude.Include.NON_EMPTY) Map<String, String> sha256) implements Event {

    /** Keys allowed in {@link #sha256()}: the modality keys, {@code image4d} and {@code label}. */
    public static final Set<String> SHA256_KEYS = Set.of("t1", "t1ce", "t2", "flair", "image4d", "label");

    public ScanArrived {
        Require.nonNull(eventId, "eventId");
        Require.id(scanId, "scanId");
        if (subjectId != null) {
            Require.id(subjectId, "subjectId");
        }
        Require.nonNull(arrivedAt, "arrivedAt");
        if ((modalities == null) == (image4d == null)) {
            throw new IllegalArgumentException("exactly one of modalities or image4d is required, got "
                    + (modalities == null ? "neither" : "both"));
        }
        if (labelUri != null) {
            Require.uri(labelUri, "labelUri");
        }
        Require.nonNull(labelConvention, "labelConvention");
        TreeMap<String, String> sums = new TreeMap<>();
        if (sha256 != null) {
            sha256.forEach((k, v) -> {
                if (!SHA256_KEYS.contains(k)) {
                    throw new IllegalArgumentException("sha256 key must be one of " + new TreeSet<>(SHA256_KEYS)
                            + ", got " + Require.quote(String.valueOf(k)));
                }
                sums.put(k, Require.sha256(v, "sha256." + k));
            });
        }
        // Sorted so that encoding is deterministic.
        sha256 = Collections.unmodifiableMap(sums);
    }

    /** Whether a ground truth is given, so a DiceReported is expected. */
    public boolean hasGroundTruth() {
        return labelUri != null;
    }

    /**
     * One NIfTI volume per modality.
     */
    public record Modalities(URI t1, URI t1ce, URI t2, URI flair) {
        public Modalities {
            Require.uri(t1, "modalities.t1");
            Require.uri(t1ce, "modalities.t1ce");
            Require.uri(t2, "modalities.t2");
            Require.uri(flair, "modalities.flair");
        }

        /** The volume of one modality. */
        public URI uri(Modality m) {
            return switch (m) {
                case T1 -> t1;
                case T1CE -> t1ce;
                case T2 -> t2;
                case FLAIR -> flair;
            };
        }
    }

    /**
     * One 4-D NIfTI volume holding the four modalities as channels, in {@code channelOrder}
     * (e.g. MSD Task01 stores FLAIR, T1w, T1gd, T2w).
     */
    public record Image4d(URI uri, List<Modality> channelOrder) {
        public Image4d {
            Require.uri(uri, "image4d.uri");
            Require.nonNull(channelOrder, "image4d.channelOrder");
            EnumSet<Modality> seen = EnumSet.noneOf(Modality.class);
            for (Modality m : channelOrder) {
                seen.add(Require.nonNull(m, "image4d.channelOrder[]"));
            }
            if (channelOrder.size() != 4 || seen.size() != 4) {
                throw new IllegalArgumentException(
                        "image4d.channelOrder must name each of t1, t1ce, t2, flair once, got " + channelOrder);
            }
            channelOrder = List.copyOf(channelOrder);
        }
    }
}
