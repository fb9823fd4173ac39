package org.brainseg.schemas;

/**
 * Why an input could not be processed. Carried by {@link EventDecodingException} and, on the
 * failed-scans topic, by {@link ScanFailed}; the names are the wire values, so operators can
 * alert and count per reason without parsing messages.
 */
public enum ErrorCode {
    /** The record value was empty or null (including a tombstone on a non-compacted topic). */
    EMPTY_PAYLOAD,
    /** The record value is larger than the codec's limit; events carry URIs, never voxels. */
    PAYLOAD_TOO_LARGE,
    /** The bytes are not valid UTF-8, or a string holds an unpaired UTF-16 surrogate. */
    BAD_ENCODING,
    /** Not well-formed JSON (syntax, duplicate keys, trailing data, nesting too deep). */
    BAD_JSON,
    /** Well-formed JSON that breaks the event's schema or its record's invariants. */
    SCHEMA_VIOLATION,
    /** {@code schemaVersion} is an integer this build does not know. */
    UNKNOWN_SCHEMA_VERSION,
    /** A URI is outside the configured roots, of another scheme, or leaves a root by link. */
    URI_NOT_ALLOWED,
    /** A referenced file does not exist or is not a regular file. */
    FILE_MISSING,
    /** A file's SHA-256 differs from the one the event announced. */
    CHECKSUM_MISMATCH,
    /** A volume cannot be decoded as NIfTI (truncated, bad header, unsupported datatype). */
    NIFTI_CORRUPT,
    /** The modalities (or the label) disagree on shape or orientation. */
    GEOMETRY_MISMATCH,
    /** The label map holds values outside its declared convention. */
    LABEL_OUT_OF_RANGE,
    /** A volume has no voxels, or no brain (all zero). */
    EMPTY_VOLUME,
    /** A per-modality volume is not 3-D. */
    NOT_3D,
    /** A 4-D image does not have exactly the four announced channels. */
    WRONG_CHANNELS,
    /**
     * A volume's grid is not a 3-D scan: fewer than 4 voxels along an axis, a degenerate (singular)
     * affine, voxels under 0.01 mm, or a field of view over 1 m (which resampling to the model's
     * spacing would turn into a gigantic grid).
     */
    IMPLAUSIBLE_GEOMETRY,
    /**
     * The record repeats the eventId of an earlier record this worker has processed (at another
     * offset); the earlier one's outputs stand.
     */
    DUPLICATE_EVENT,
    /**
     * The model gave NaN or infinite class probabilities for the scan (a broken model version, or
     * wrong native numbers on this machine: see {@code brainseg doctor}); no mask was made.
     */
    NUMERIC_ERROR,
    /**
     * A training request asks to fine-tune the active version, whose architecture or preprocessing
     * differs from what the request and the trainer's configuration would train (e.g. another
     * normalization); or its files cannot be read on the trainer's machine.
     */
    INCOMPATIBLE_MODEL,
    /**
     * A PACS study lacks one of the four MR series (T1, T1ce, T2, FLAIR) under the configured
     * series rules; the message names the missing ones and the series that were seen.
     */
    SERIES_MISSING,
    /**
     * A DICOM series cannot be turned into a volume: malformed or missing geometry or pixel tags,
     * a compressed or big-endian transfer syntax, multi-frame or 4-D data, uneven slice spacing.
     */
    DICOM_UNSUPPORTED,
    /** A DICOM series exceeds the configured limit on slices or voxels. */
    SERIES_TOO_LARGE,
    /** A transient fault (I/O, broker) persisted through every allowed retry. */
    TRANSIENT_EXHAUSTED,
    /** A bug or unexpected condition in brainseg itself. */
    INTERNAL
}
