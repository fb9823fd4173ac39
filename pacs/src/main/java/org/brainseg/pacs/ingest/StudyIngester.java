package org.brainseg.pacs.ingest;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.brainseg.imaging.Volume;
import org.brainseg.imaging.dataset.Modality;
import org.brainseg.imaging.io.AtomicWrite;
import org.brainseg.imaging.io.Sha256;
import org.brainseg.imaging.labels.LabelConvention;
import org.brainseg.imaging.nifti.NiftiDataType;
import org.brainseg.imaging.nifti.NiftiWriter;
import org.brainseg.pacs.dicom.DicomException;
import org.brainseg.pacs.dicom.SeriesConverter;
import org.brainseg.pacs.dicom.SliceHeader;
import org.brainseg.pacs.orthanc.PacsException;
import org.brainseg.pacs.rules.SeriesInfo;
import org.brainseg.pacs.rules.SeriesRules;
import org.brainseg.pacs.source.DicomSource;
import org.brainseg.schemas.ErrorCode;
import org.brainseg.schemas.ScanArrived;

/**
 * One stable study to one ScanArrived: picks the four series ({@link SeriesRules}), converts
 * each to NIfTI ({@link SeriesConverter}), checks the four share one grid, writes them and a
 * {@link ScanSource} under {@code inputDir/<scanId>/} (temp file + rename: a redo overwrites),
 * and returns the event. The scan id is {@code orthanc-<study id>-<fingerprint>}, where the
 * fingerprint hashes the chosen series and their image counts, and the event id is derived
 * from the scan id: the same study announced again after a crash is the same event, which the
 * worker recognises as a duplicate.
 */
public final class StudyIngester {
    /** The series the DICOM SEG is derived from and refers to, frame by frame. */
    public static final Modality REFERENCE = Modality.T1CE;
    /** Modality grids must agree this closely (mm, affine entries) to be one scan. */
    static final double GRID_TOLERANCE = 1e-3;

    /** Size limits of one series. */
    public record Limits(int maxSlices, long maxVoxels) {}

    /** What was picked: the study's chosen series and their fingerprint, and the event once converted. */
    public record Announcement(String study, String fingerprint, String scanId, ScanArrived event) {}

    private final DicomSource source;
    private final SeriesRules rules;
    private final Limits limits;
    private final Path inputDir;
    private final Clock clock;
    private final NiftiWriter writer = new NiftiWriter(1);

    public StudyIngester(DicomSource source, SeriesRules rules, Limits limits, Path inputDir, Clock clock) {
        this.source = source;
        this.rules = rules;
        this.limits = limits;
        this.inputDir = inputDir;
        this.clock = clock;
    }

    /** The series of a study, as the rules see them. */
    public List<SeriesInfo> seriesOf(String study) throws PacsException {
        return source.seriesOf(study);
    }

    /** The series to take for each modality. */
    public Map<Modality, SeriesInfo> select(List<SeriesInfo> series) throws DicomException {
        return rules.select(series);
    }

    /** A short hash of the chosen series ids and their image counts. */
    public static String fingerprint(Map<Modality, SeriesInfo> chosen) {
        StringBuilder s = new StringBuilder();
        chosen.forEach((m, i) -> s.append(m.key()).append('=').append(i.id()).append(':').append(i.instances()).append(';'));
        return Sha256.hex(s.toString()).substring(0, 12);
    }

    public static String scanId(String study, String fingerprint) {
        return "orthanc-" + study + "-" + fingerprint;
    }

    /** Converts and writes the chosen series; returns the event to publish. */
    public Announcement convert(String study, Map<Modality, SeriesInfo> chosen) throws DicomException, IOException {
        String fp = fingerprint(chosen);
        String scanId = scanId(study, fp);
        Map<Modality, SeriesConverter.Converted> volumes = new EnumMap<>(Modality.class);
        String studyInstanceUid = null;
        for (Map.Entry<Modality, SeriesInfo> e : chosen.entrySet()) {
            Loaded l = load(e.getKey(), e.getValue());
            volumes.put(e.getKey(), l.converted());
            if (e.getKey() == REFERENCE) {
                studyInstanceUid = l.studyInstanceUid();
            }
        }
        sameGrid(volumes);
        Path dir = inputDir.resolve(scanId);
        Files.createDirectories(dir);
        Map<String, String> sums = new TreeMap<>();
        Map<Modality, URI> uris = new EnumMap<>(Modality.class);
        for (Map.Entry<Modality, SeriesConverter.Converted> e : volumes.entrySet()) {
            Path target = dir.resolve(e.getKey().key() + ".nii.gz");
            writer.write(target, e.getValue().volume(), NiftiDataType.FLOAT32); // whole or not at all (AtomicWrite)
            sums.put(e.getKey().key(), Sha256.ofFile(target));
            uris.put(e.getKey(), target.toAbsolutePath().normalize().toUri());
        }
        SeriesConverter.Converted ref = volumes.get(REFERENCE);
        Map<String, String> seriesIds = new TreeMap<>();
        chosen.forEach((m, s) -> seriesIds.put(m.key(), s.id()));
        SliceHeader h0 = ref.slices().get(0);
        ScanSource scanSource = new ScanSource(study, seriesIds, studyInstanceUid,
                new ScanSource.Reference(h0.seriesInstanceUid(), REFERENCE.key(), h0.frameOfReferenceUid(), h0.sopClassUid(),
                        ref.slices().stream().map(SliceHeader::sopInstanceUid).toList(),
                        ref.slices().stream().map(SliceHeader::position).toList(), h0.orientation(), h0.pixelSpacing(),
                        ref.sliceSpacing(), h0.rows(), h0.columns()));
        AtomicWrite.write(dir.resolve(ScanSource.FILE), scanSource.toJson());
        ScanArrived event = new ScanArrived(UUID.nameUUIDFromBytes(("brainseg-pacs/" + scanId).getBytes(StandardCharsets.UTF_8)),
                scanId, null, clock.instant(), new ScanArrived.Modalities(uris.get(Modality.T1), uris.get(Modality.T1CE),
                        uris.get(Modality.T2), uris.get(Modality.FLAIR)), null, null, LabelConvention.BRATS2023, sums);
        return new Announcement(study, fp, scanId, event);
    }

    /** A converted series and the study UID its images carry. */
    private record Loaded(SeriesConverter.Converted converted, String studyInstanceUid) {}

    private Loaded load(Modality m, SeriesInfo s) throws DicomException, IOException {
        if (s.instances() > limits.maxSlices()) {
            throw new DicomException(ErrorCode.SERIES_TOO_LARGE, m.key() + " series " + s.describe() + " has " + s.instances()
                    + " images, over the limit of " + limits.maxSlices() + " (series.maxSlices)");
        }
        List<DicomSource.Image> images = source.images(s);
        if (images.size() > limits.maxSlices()) {
            throw new DicomException(ErrorCode.SERIES_TOO_LARGE, m.key() + " series " + s.describe() + " has " + images.size()
                    + " images, over the limit of " + limits.maxSlices() + " (series.maxSlices)");
        }
        List<SliceHeader> headers = new ArrayList<>();
        for (DicomSource.Image image : images) {
            SliceHeader h;
            try {
                h = SliceHeader.fromTags(image.tags());
            } catch (DicomException e) {
                throw new DicomException(e.code(), m.key() + " series " + s.describe() + ": " + e.getMessage());
            }
            if (headers.isEmpty() && (long) h.rows() * h.columns() * images.size() > limits.maxVoxels()) {
                throw new DicomException(ErrorCode.SERIES_TOO_LARGE, m.key() + " series " + s.describe() + " has "
                        + h.rows() + "x" + h.columns() + "x" + images.size() + " voxels, over the limit of " + limits.maxVoxels()
                        + " (series.maxVoxels)");
            }
            headers.add(h);
        }
        List<SeriesConverter.Slice> slices = new ArrayList<>();
        for (int i = 0; i < images.size(); i++) {
            try {
                slices.add(new SeriesConverter.Slice(headers.get(i), source.frame(images.get(i))));
            } catch (DicomException e) {
                throw new DicomException(e.code(), m.key() + " series " + s.describe() + ": " + e.getMessage());
            }
        }
        try {
            return new Loaded(SeriesConverter.convert(slices),
                    images.isEmpty() ? null : images.get(0).tags().path("StudyInstanceUID").asText(null));
        } catch (DicomException e) {
            throw new DicomException(e.code(), m.key() + " series " + s.describe() + ": " + e.getMessage());
        }
    }

    /** The four modalities must be one grid: same shape and affine. */
    static void sameGrid(Map<Modality, SeriesConverter.Converted> v) throws DicomException {
        Volume ref = v.get(REFERENCE).volume();
        for (Map.Entry<Modality, SeriesConverter.Converted> e : v.entrySet()) {
            Volume x = e.getValue().volume();
            if (!x.sameShape(ref) || x.affine().maxAbsDifference(ref.affine()) > GRID_TOLERANCE) {
                throw new DicomException(ErrorCode.GEOMETRY_MISMATCH, "the " + e.getKey().key() + " series ("
                        + java.util.Arrays.toString(x.shape()) + ", " + x.affine() + ") is not on the " + REFERENCE.key()
                        + " series' grid (" + java.util.Arrays.toString(ref.shape()) + ", " + ref.affine()
                        + "); brainseg needs the four series co-registered on one grid (resample them at the scanner or PACS)");
            }
        }
    }

}
