package org.brainseg.pacs.seg;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import org.brainseg.imaging.Volume;
import org.brainseg.pacs.dicom.DicomDataset;
import org.brainseg.pacs.dicom.DicomException;
import org.brainseg.pacs.dicom.Tags;
import org.brainseg.pacs.dicom.Uids;
import org.brainseg.pacs.ingest.ScanSource;
import org.brainseg.schemas.ErrorCode;
import org.brainseg.schemas.ModelRef;
import org.brainseg.schemas.Quality;

/**
 * A binary DICOM Segmentation (PS3.3 A.51, Segmentation IOD) of a brainseg mask: one segment per
 * BraTS label (NCR/NET, edema, enhancing tumour) with SNOMED CT category, type and anatomic
 * region codes, one frame per segment and slice of the reference series (frames of empty
 * slices included, so frame {@code (s - 1) * slices + k} is segment s on slice k), each frame
 * derived from and positioned as that series' image, in its frame of reference. The patient and
 * study modules are copied from the study, so that the PACS files it into the same study.
 *
 * <p>UIDs derive from scan id and model version ({@link Uids#fromName}), dates from the
 * completion time: the same result always gives the same object.
 */
public final class SegmentationBuilder {
    public static final String SEGMENTATION_STORAGE = "1.2.840.10008.5.1.4.1.1.66.4";
    static final DateTimeFormatter DA = DateTimeFormatter.ofPattern("yyyyMMdd").withZone(ZoneOffset.UTC);
    static final DateTimeFormatter TM = DateTimeFormatter.ofPattern("HHmmss").withZone(ZoneOffset.UTC);

    /** A coded concept (code value, scheme, meaning). */
    record Code(String value, String scheme, String meaning) {}

    /** One segment: the internal label it holds, its label and codes. */
    record Segment(int label, String name, Code category, Code type) {}

    static final Code MORPHOLOGICALLY_ALTERED = new Code("49755003", "SCT", "Morphologically Altered Structure");
    static final Code BRAIN = new Code("12738006", "SCT", "Brain");
    static final List<Segment> SEGMENTS = List.of(
            new Segment(1, "Necrotic and non-enhancing tumour core", MORPHOLOGICALLY_ALTERED, new Code("6574001", "SCT", "Necrosis")),
            new Segment(2, "Peritumoural edema", MORPHOLOGICALLY_ALTERED, new Code("79654002", "SCT", "Edema")),
            new Segment(3, "Enhancing tumour", MORPHOLOGICALLY_ALTERED, new Code("108369006", "SCT", "Neoplasm")));

    /**
     * What identifies the result.
     *
     * @param scanId          the scan
     * @param modelVersion    the model version that made the mask
     * @param completedAt     when the mask was made (content date and time)
     * @param softwareVersion brainseg's version
     * @param seriesNumber    SeriesNumber of the SEG series
     * @param model           the model by kind, name and version as the SegmentationCompleted names it, or
     *                        null for an event that does not (schema version 1): then "brainseg U-Net"
     * @param quality         the worker's quality estimate, or null: a mask that needs review says so in the
     *                        SEG's Content Description (0070,0081) and Series Description
     */
    public record Result(String scanId, int modelVersion, Instant completedAt, String softwareVersion, int seriesNumber,
            ModelRef model, Quality quality) {
        /** A result of brainseg's own U-Net, named by its version number only. */
        public Result(String scanId, int modelVersion, Instant completedAt, String softwareVersion, int seriesNumber) {
            this(scanId, modelVersion, completedAt, softwareVersion, seriesNumber, null, null);
        }

        /** Without a quality estimate. */
        public Result(String scanId, int modelVersion, Instant completedAt, String softwareVersion, int seriesNumber,
                ModelRef model) {
            this(scanId, modelVersion, completedAt, softwareVersion, seriesNumber, model, null);
        }

        /** Whether the worker flagged the mask for review. */
        public boolean needsReview() {
            return quality != null && quality.needsReview();
        }

        /** The SEG's algorithm name: the model's own name and version (an imported network's), at most 64 characters. */
        public String algorithmName() {
            String n = model == null || ModelRef.NATIVE.equals(model.kind()) ? "brainseg U-Net v" + modelVersion
                    : model.name() + " " + model.version();
            return longString(n);
        }
    }

    private SegmentationBuilder() {}

    /** "brainseg tumour segmentation, model v3", naming an imported network too (at most 64 characters). */
    static String seriesDescription(Result r) {
        String d = "brainseg tumour segmentation, model v" + r.modelVersion();
        if (r.model() != null && !ModelRef.NATIVE.equals(r.model().kind())) {
            d = "brainseg v" + r.modelVersion() + ": " + r.model().name() + " " + r.model().version();
        }
        return longString(r.needsReview() ? "REVIEW " + d : d);
    }

    /** The Content Description: the labels and the model, and "NEEDS REVIEW (reasons)" when flagged. */
    static String contentDescription(Result r) {
        if (!r.needsReview()) {
            return longString("BraTS labels by brainseg model v" + r.modelVersion());
        }
        return longString("NEEDS REVIEW v" + r.modelVersion() + ": " + String.join(", ", r.quality().reasons()));
    }

    /** A DICOM LO value: at most 64 characters, no backslash (LO's value separator). */
    static String longString(String s) {
        String v = s.replace('\\', '/');
        return v.length() > 64 ? v.substring(0, 64) : v;
    }

    public static String seriesUid(String scanId, int modelVersion) {
        return Uids.fromName("brainseg/seg/series/" + scanId + "/" + modelVersion);
    }

    public static String instanceUid(String scanId, int modelVersion) {
        return Uids.fromName("brainseg/seg/instance/" + scanId + "/" + modelVersion);
    }

    /**
     * @param study  Orthanc's {@code /studies/{id}} answer (its PatientMainDicomTags and MainDicomTags)
     * @param source the reference series the mask is on
     * @param mask   the mask in internal labels, on the reference series' grid (i along rows, j down columns, k slices)
     */
    public static DicomDataset build(JsonNode study, ScanSource source, Volume mask, Result r) throws DicomException {
        ScanSource.Reference ref = source.reference();
        int slices = ref.sopInstanceUids().size();
        if (mask.nx() != ref.columns() || mask.ny() != ref.rows() || mask.nz() != slices) {
            throw new DicomException(ErrorCode.GEOMETRY_MISMATCH, "the mask's grid " + java.util.Arrays.toString(mask.shape())
                    + " is not the reference series' " + ref.columns() + "x" + ref.rows() + "x" + slices);
        }
        DicomDataset d = new DicomDataset();
        d.text(Tags.SPECIFIC_CHARACTER_SET, "CS", "ISO_IR 192");
        patientAndStudy(d, study, source);
        String date = DA.format(r.completedAt());
        String time = TM.format(r.completedAt());
        d.text(Tags.SOP_CLASS_UID, "UI", SEGMENTATION_STORAGE)
                .text(Tags.SOP_INSTANCE_UID, "UI", instanceUid(r.scanId(), r.modelVersion()))
                .text(Tags.SERIES_INSTANCE_UID, "UI", seriesUid(r.scanId(), r.modelVersion()))
                .text(Tags.MODALITY, "CS", "SEG")
                .text(Tags.SERIES_NUMBER, "IS", Integer.toString(r.seriesNumber()))
                .text(Tags.SERIES_DESCRIPTION, "LO", seriesDescription(r))
                .text(Tags.SERIES_DATE, "DA", date).text(Tags.SERIES_TIME, "TM", time)
                .text(Tags.INSTANCE_NUMBER, "IS", "1")
                .text(Tags.CONTENT_DATE, "DA", date).text(Tags.CONTENT_TIME, "TM", time)
                .texts(Tags.IMAGE_TYPE, "CS", List.of("DERIVED", "PRIMARY"))
                .text(Tags.CONTENT_LABEL, "CS", "BRAINSEG")
                .text(Tags.CONTENT_DESCRIPTION, "LO", contentDescription(r))
                .text(Tags.CONTENT_CREATOR_NAME, "PN", "")
                .text(Tags.FRAME_OF_REFERENCE_UID, "UI", ref.frameOfReferenceUid())
                .text(Tags.POSITION_REFERENCE_INDICATOR, "LO", "")
                .text(Tags.MANUFACTURER, "LO", "brainseg")
                .text(Tags.MANUFACTURER_MODEL_NAME, "LO", "brainseg tumour segmentation") // the version: DeviceSerialNumber
                .text(Tags.DEVICE_SERIAL_NUMBER, "LO", "model-v" + r.modelVersion())
                .text(Tags.SOFTWARE_VERSIONS, "LO", r.softwareVersion())
                .text(Tags.SEGMENTATION_TYPE, "CS", "BINARY")
                .text(Tags.LOSSY_IMAGE_COMPRESSION, "CS", "00")
                .us(Tags.SAMPLES_PER_PIXEL, 1).text(Tags.PHOTOMETRIC_INTERPRETATION, "CS", "MONOCHROME2")
                .us(Tags.ROWS, ref.rows()).us(Tags.COLUMNS, ref.columns())
                .us(Tags.BITS_ALLOCATED, 1).us(Tags.BITS_STORED, 1).us(Tags.HIGH_BIT, 0).us(Tags.PIXEL_REPRESENTATION, 0)
                .text(Tags.NUMBER_OF_FRAMES, "IS", Integer.toString(SEGMENTS.size() * slices));
        d.sequence(Tags.SEGMENT_SEQUENCE, segments(r));
        d.sequence(Tags.REFERENCED_SERIES_SEQUENCE, referencedSeries(ref));
        dimensions(d, r);
        d.sequence(Tags.SHARED_FUNCTIONAL_GROUPS_SEQUENCE, shared(ref));
        d.sequence(Tags.PER_FRAME_FUNCTIONAL_GROUPS_SEQUENCE, perFrame(ref));
        d.bytes(Tags.PIXEL_DATA, "OB", pixels(mask, ref));
        return d;
    }

    private static void patientAndStudy(DicomDataset d, JsonNode study, ScanSource source) {
        JsonNode p = study.path("PatientMainDicomTags");
        JsonNode s = study.path("MainDicomTags");
        d.text(Tags.PATIENT_NAME, "PN", p.path("PatientName").asText(""))
                .text(Tags.PATIENT_ID, "LO", p.path("PatientID").asText(""))
                .text(Tags.PATIENT_BIRTH_DATE, "DA", p.path("PatientBirthDate").asText(""))
                .text(Tags.PATIENT_SEX, "CS", p.path("PatientSex").asText(""))
                .text(Tags.STUDY_INSTANCE_UID, "UI", s.path("StudyInstanceUID").asText(source.studyInstanceUid()))
                .text(Tags.STUDY_DATE, "DA", s.path("StudyDate").asText(""))
                .text(Tags.STUDY_TIME, "TM", s.path("StudyTime").asText(""))
                .text(Tags.REFERRING_PHYSICIAN_NAME, "PN", s.path("ReferringPhysicianName").asText(""))
                .text(Tags.STUDY_ID, "SH", s.path("StudyID").asText(""))
                .text(Tags.ACCESSION_NUMBER, "SH", s.path("AccessionNumber").asText(""));
        if (s.hasNonNull("StudyDescription")) {
            d.text(Tags.STUDY_DESCRIPTION, "LO", s.path("StudyDescription").asText());
        }
    }

    static DicomDataset code(Code c) {
        return new DicomDataset().text(Tags.CODE_VALUE, "SH", c.value()).text(Tags.CODING_SCHEME_DESIGNATOR, "SH", c.scheme())
                .text(Tags.CODE_MEANING, "LO", c.meaning());
    }

    private static List<DicomDataset> segments(Result r) {
        List<DicomDataset> items = new ArrayList<>();
        for (int i = 0; i < SEGMENTS.size(); i++) {
            Segment s = SEGMENTS.get(i);
            items.add(new DicomDataset()
                    .us(Tags.SEGMENT_NUMBER, i + 1)
                    .text(Tags.SEGMENT_LABEL, "LO", s.name())
                    .text(Tags.SEGMENT_ALGORITHM_TYPE, "CS", "AUTOMATIC")
                    .text(Tags.SEGMENT_ALGORITHM_NAME, "LO", r.algorithmName())
                    .sequence(Tags.SEGMENTED_PROPERTY_CATEGORY_CODE_SEQUENCE, code(s.category()))
                    .sequence(Tags.SEGMENTED_PROPERTY_TYPE_CODE_SEQUENCE, code(s.type()))
                    .sequence(Tags.ANATOMIC_REGION_SEQUENCE, code(BRAIN)));
        }
        return items;
    }

    private static DicomDataset referencedSeries(ScanSource.Reference ref) {
        List<DicomDataset> instances = new ArrayList<>();
        for (String uid : ref.sopInstanceUids()) {
            instances.add(new DicomDataset().text(Tags.REFERENCED_SOP_CLASS_UID, "UI", ref.sopClassUid())
                    .text(Tags.REFERENCED_SOP_INSTANCE_UID, "UI", uid));
        }
        return new DicomDataset().text(Tags.SERIES_INSTANCE_UID, "UI", ref.seriesInstanceUid())
                .sequence(Tags.REFERENCED_INSTANCE_SEQUENCE, instances);
    }

    private static void dimensions(DicomDataset d, Result r) {
        String org = Uids.fromName("brainseg/seg/dimensions/" + r.scanId() + "/" + r.modelVersion());
        d.sequence(Tags.DIMENSION_ORGANIZATION_SEQUENCE, new DicomDataset().text(Tags.DIMENSION_ORGANIZATION_UID, "UI", org));
        d.sequence(Tags.DIMENSION_INDEX_SEQUENCE, List.of(
                new DicomDataset().text(Tags.DIMENSION_ORGANIZATION_UID, "UI", org)
                        .at(Tags.DIMENSION_INDEX_POINTER, Tags.REFERENCED_SEGMENT_NUMBER)
                        .at(Tags.FUNCTIONAL_GROUP_POINTER, Tags.SEGMENT_IDENTIFICATION_SEQUENCE)
                        .text(Tags.DIMENSION_DESCRIPTION_LABEL, "LO", "ReferencedSegmentNumber"),
                new DicomDataset().text(Tags.DIMENSION_ORGANIZATION_UID, "UI", org)
                        .at(Tags.DIMENSION_INDEX_POINTER, Tags.IMAGE_POSITION_PATIENT)
                        .at(Tags.FUNCTIONAL_GROUP_POINTER, Tags.PLANE_POSITION_SEQUENCE)
                        .text(Tags.DIMENSION_DESCRIPTION_LABEL, "LO", "ImagePositionPatient")));
    }

    private static DicomDataset shared(ScanSource.Reference ref) {
        return new DicomDataset()
                .sequence(Tags.PIXEL_MEASURES_SEQUENCE, new DicomDataset()
                        .decimals(Tags.PIXEL_SPACING, ref.pixelSpacing())
                        .decimals(Tags.SLICE_THICKNESS, ref.sliceSpacing())
                        .decimals(Tags.SPACING_BETWEEN_SLICES, ref.sliceSpacing()))
                .sequence(Tags.PLANE_ORIENTATION_SEQUENCE, new DicomDataset()
                        .decimals(Tags.IMAGE_ORIENTATION_PATIENT, ref.orientation()));
    }

    private static List<DicomDataset> perFrame(ScanSource.Reference ref) {
        int slices = ref.sopInstanceUids().size();
        List<DicomDataset> frames = new ArrayList<>();
        for (int s = 1; s <= SEGMENTS.size(); s++) {
            for (int k = 0; k < slices; k++) {
                DicomDataset source = new DicomDataset()
                        .text(Tags.REFERENCED_SOP_CLASS_UID, "UI", ref.sopClassUid())
                        .text(Tags.REFERENCED_SOP_INSTANCE_UID, "UI", ref.sopInstanceUids().get(k))
                        .sequence(Tags.PURPOSE_OF_REFERENCE_CODE_SEQUENCE,
                                code(new Code("121322", "DCM", "Source image for image processing operation")));
                frames.add(new DicomDataset()
                        .sequence(Tags.DERIVATION_IMAGE_SEQUENCE, new DicomDataset()
                                .sequence(Tags.SOURCE_IMAGE_SEQUENCE, source)
                                .sequence(Tags.DERIVATION_CODE_SEQUENCE, code(new Code("113076", "DCM", "Segmentation"))))
                        .sequence(Tags.FRAME_CONTENT_SEQUENCE, new DicomDataset()
                                .bytes(Tags.DIMENSION_INDEX_VALUES, "UL", ul(s, k + 1)))
                        .sequence(Tags.PLANE_POSITION_SEQUENCE, new DicomDataset()
                                .decimals(Tags.IMAGE_POSITION_PATIENT, ref.positions().get(k)))
                        .sequence(Tags.SEGMENT_IDENTIFICATION_SEQUENCE, new DicomDataset().us(Tags.REFERENCED_SEGMENT_NUMBER, s)));
            }
        }
        return frames;
    }

    private static byte[] ul(int... v) {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(4 * v.length).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        for (int x : v) {
            b.putInt(x);
        }
        return b.array();
    }

    /** Frame (s, k): pixel (row j, column i) set when the mask holds segment s's label at (i, j, k); bits packed LSB first. */
    static byte[] pixels(Volume mask, ScanSource.Reference ref) {
        int plane = ref.rows() * ref.columns();
        int slices = ref.sopInstanceUids().size();
        long bits = (long) plane * slices * SEGMENTS.size();
        byte[] out = new byte[(int) ((bits + 7) / 8)];
        long bit = 0;
        for (Segment s : SEGMENTS) {
            for (int k = 0; k < slices; k++) {
                for (int j = 0; j < ref.rows(); j++) {
                    for (int i = 0; i < ref.columns(); i++, bit++) {
                        if (Math.round(mask.get(i, j, k)) == s.label()) {
                            out[(int) (bit >>> 3)] |= (byte) (1 << (bit & 7));
                        }
                    }
                }
            }
        }
        return out;
    }
}
