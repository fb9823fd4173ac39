package org.brainseg.pacs;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.brainseg.imaging.Volume;
import org.brainseg.imaging.dataset.Case;
import org.brainseg.imaging.dataset.Modality;
import org.brainseg.imaging.nifti.NiftiReader;

/**
 * A synthetic case written as a DICOM MR study by pydicom ({@code write_series.py}): one series
 * per modality, voxel (i, j, k) of the case as pixel (column i, row j) of slice k, stored as
 * int16 with a rescale slope and intercept, on a chosen orientation and position.
 */
final class SyntheticStudy {
    static final ObjectMapper JSON = new ObjectMapper();
    static final Map<Modality, String> NAMES = Map.of(Modality.T1, "t1_mprage_sag", Modality.T1CE, "T1 post GAD",
            Modality.T2, "AX T2 TSE", Modality.FLAIR, "T2-FLAIR");

    final String studyUid;
    final Map<Modality, Path> seriesDirs = new EnumMap<>(Modality.class);
    final Map<Modality, List<Path>> files = new EnumMap<>(Modality.class);
    final Map<Modality, String> seriesUids = new EnumMap<>(Modality.class);
    final double slope;
    final double intercept = -12.5;

    /** Geometry of the series. */
    record Geometry(double[] orientation, double[] origin, double[] pixelSpacing, double sliceSpacing) {}

    /**
     * @param modalities the series to write (a study lacking one: fewer)
     * @param shuffle    write (and so upload, by file name) the slices in a random order
     * @param geometry   per modality (the same for all in a good study)
     */
    SyntheticStudy(String python, Path script, Case c, String name, List<Modality> modalities, Map<Modality, Geometry> geometry,
            boolean shuffle, Path dir) throws Exception {
        this.studyUid = "1.2.826.0.1.3680043.8.498." + Math.abs(name.hashCode()) + ".1";
        double max = 0;
        Map<Modality, Volume> volumes = new EnumMap<>(Modality.class);
        for (Modality m : modalities) {
            Volume v = NiftiReader.read(c.modalities().get(m)).volume();
            volumes.put(m, v);
            for (float x : v.data()) {
                max = Math.max(max, Math.abs(x - intercept));
            }
        }
        this.slope = niceSlope(max);
        List<String> args = new ArrayList<>(List.of(python, script.toString()));
        int number = 2;
        for (Modality m : modalities) {
            Volume v = volumes.get(m);
            Path d = Files.createDirectories(dir.resolve(name).resolve(m.key()));
            Path raw = dir.resolve(name).resolve(m.key() + ".raw");
            ByteBuffer bb = ByteBuffer.allocate(v.size() * 2).order(ByteOrder.LITTLE_ENDIAN);
            for (float x : v.data()) {
                bb.putShort((short) Math.round((x - intercept) / slope));
            }
            Files.write(raw, bb.array());
            Geometry g = geometry.get(m);
            List<Integer> order = new ArrayList<>();
            for (int k = 0; k < v.nz(); k++) {
                order.add(k);
            }
            if (shuffle) {
                Collections.shuffle(order, new Random(name.hashCode() + m.ordinal()));
            }
            String seriesUid = studyUid + "." + number;
            seriesUids.put(m, seriesUid);
            ObjectNode spec = JSON.createObjectNode();
            spec.put("rows", v.ny()).put("columns", v.nx()).put("slices", v.nz()).put("voxels", raw.toString());
            spec.putPOJO("pixelSpacing", g.pixelSpacing()).putPOJO("orientation", g.orientation()).putPOJO("origin", g.origin());
            spec.put("sliceSpacing", g.sliceSpacing()).put("slope", slope).put("intercept", intercept);
            spec.put("studyUid", studyUid).put("seriesUid", seriesUid).put("frameOfReferenceUid", studyUid + ".99");
            spec.put("seriesNumber", number++).put("seriesDescription", NAMES.get(m)).put("protocolName", "");
            spec.put("modality", "MR").put("patientName", "Doe^Jane").put("patientId", "SECRET42");
            spec.putPOJO("order", order).put("sopUidPrefix", seriesUid);
            Path specFile = dir.resolve(name).resolve(m.key() + ".json");
            Files.write(specFile, JSON.writeValueAsBytes(spec));
            args.add(specFile.toString());
            args.add(d.toString());
            seriesDirs.put(m, d);
        }
        Tools.Result r = Tools.run(args, 300);
        if (r.code() != 0) {
            throw new IllegalStateException("write_series.py failed: " + r.output());
        }
        for (Modality m : modalities) {
            try (var s = Files.list(seriesDirs.get(m))) {
                files.put(m, s.sorted().toList());
            }
        }
    }

    /** 1, 2 or 5 times a power of ten, the smallest that keeps every stored value under 30000. */
    static double niceSlope(double max) {
        double p = Math.pow(10, Math.floor(Math.log10(Math.max(max, 1e-6) / 30000)));
        for (double f : new double[] {1, 2, 5, 10}) {
            if (max / (f * p) < 30000) {
                return Double.parseDouble(String.format(java.util.Locale.ROOT, "%.1e", f * p));
            }
        }
        throw new IllegalStateException();
    }

    /** Every file, the series one after the other, each in its written (possibly shuffled) order. */
    List<Path> allFiles() {
        List<Path> out = new ArrayList<>();
        files.values().forEach(out::addAll);
        return out;
    }

    static Map<Modality, Geometry> same(Geometry g) {
        Map<Modality, Geometry> m = new EnumMap<>(Modality.class);
        for (Modality x : Modality.values()) {
            m.put(x, g);
        }
        return m;
    }
}
