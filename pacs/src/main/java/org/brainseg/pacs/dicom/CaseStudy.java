package org.brainseg.pacs.dicom;

import java.io.IOException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.brainseg.imaging.dataset.Case;
import org.brainseg.imaging.dataset.CaseLoader;
import org.brainseg.imaging.dataset.LoadedCase;
import org.brainseg.imaging.dataset.Modality;
import org.brainseg.pacs.orthanc.OrthancClient;
import org.brainseg.pacs.orthanc.PacsException;

/**
 * A case's four modalities as one DICOM MR study of a synthetic patient, as a scanner would send
 * it: four series named as scanners name them (the bridge's default series rules pick them), UIDs
 * derived from a key so that another key is another study. The ground truth stays behind: DICOM
 * studies carry none.
 */
public final class CaseStudy {
    /** Series descriptions in scanner style, one per modality. */
    public static final Map<Modality, String> SERIES_NAMES = Map.of(Modality.T1, "t1_mprage_sag", Modality.T1CE, "T1 post GAD",
            Modality.T2, "AX T2 TSE", Modality.FLAIR, "T2-FLAIR");

    private final Map<Modality, List<byte[]>> series;
    private final String studyUid;

    private CaseStudy(Map<Modality, List<byte[]>> series, String studyUid) {
        this.series = series;
        this.studyUid = studyUid;
    }

    /** Reads the case's images and writes them as DICOM; {@code key} names the study (e.g. a run and a wave). */
    public static CaseStudy of(Case c, String key) throws IOException, DicomException {
        LoadedCase loaded = new CaseLoader().load(c);
        String base = "brainseg/case-study/" + key + "/" + c.id();
        MrSeriesWriter.Study study = new MrSeriesWriter.Study(Uids.fromName(base + "/study"), Uids.fromName(base + "/frame"),
                "SYNTH-" + Integer.toHexString(base.hashCode()), "Synthetic^" + c.id(), "brainseg synthetic " + c.id());
        Map<Modality, List<byte[]>> series = new EnumMap<>(Modality.class);
        int number = 1;
        for (Modality m : Modality.values()) {
            series.put(m, MrSeriesWriter.write(loaded.channel(m), study, new MrSeriesWriter.Series(
                    Uids.fromName(base + "/series/" + m.key()), number++, SERIES_NAMES.get(m), Uids.fromName(base + "/sop/" + m.key()))));
        }
        return new CaseStudy(series, study.studyUid());
    }

    public String studyInstanceUid() {
        return studyUid;
    }

    /** The Part 10 files of one modality's series, slice 0 first. */
    public List<byte[]> series(Modality m) {
        return series.get(m);
    }

    /** Every file of the study. */
    public List<byte[]> files() {
        List<byte[]> all = new ArrayList<>();
        series.values().forEach(all::addAll);
        return all;
    }

    /** Stores every file in Orthanc ({@code POST /instances}); returns Orthanc's id of the study. */
    public String upload(OrthancClient orthanc) throws PacsException {
        String study = null;
        for (byte[] f : files()) {
            study = orthanc.store(f).path("ParentStudy").asText();
        }
        return study;
    }
}
