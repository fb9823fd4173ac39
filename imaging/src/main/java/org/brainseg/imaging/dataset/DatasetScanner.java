package org.brainseg.imaging.dataset;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.brainseg.imaging.io.JsonMappers;

/**
 * Finds the cases of a dataset directory and detects its layout (BraTS 2018-2021, BraTS 2023+,
 * MSD Task01). Only file names are checked here; {@link CaseLoader} checks the images themselves.
 */
public final class DatasetScanner {
    private static final ObjectMapper JSON = JsonMappers.plain();

    private DatasetScanner() {}

    /** Scans a dataset directory; a directory that is itself one BraTS case gives a one-case dataset. */
    public static DatasetScan scan(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            throw new NoSuchFileException(dir.toString(), null, "no such directory");
        }
        if (!Files.isDirectory(dir)) {
            throw new NotDirectoryException(dir.toString());
        }
        if (Files.isRegularFile(dir.resolve("dataset.json")) || Files.isDirectory(dir.resolve("imagesTr"))) {
            return scanMsd(dir);
        }
        DatasetLayout single = detectCase(dir);
        if (single != null) {
            List<String> problems = new ArrayList<>();
            Case c = caseOf(dir, single, problems);
            return new DatasetScan(single, c == null ? List.of() : List.of(c), problems);
        }
        List<Path> subdirs;
        try (Stream<Path> s = Files.list(dir)) {
            subdirs = s.filter(Files::isDirectory).filter(p -> !p.getFileName().toString().startsWith(".")).sorted().toList();
        }
        DatasetLayout layout = null;
        for (Path d : subdirs) {
            layout = detectCase(d);
            if (layout != null) {
                break;
            }
        }
        if (layout == null) {
            throw new IOException(dir + ": no BraTS or MSD cases found (expected <case>/<case>_flair.nii.gz, "
                    + "<case>/<case>-t2f.nii.gz, or dataset.json with imagesTr/)");
        }
        List<Case> cases = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        for (Path d : subdirs) {
            if (detectCase(d) == null) {
                continue; // no image of a case at all (e.g. previews/): not a case, not a problem
            }
            Case c = caseOf(d, layout, problems);
            if (c != null) {
                cases.add(c);
            }
        }
        return new DatasetScan(layout, cases, problems);
    }

    /** The layout of a single BraTS case directory, or null if it is not one. */
    static DatasetLayout detectCase(Path caseDir) {
        String id = caseDir.getFileName() == null ? "" : caseDir.getFileName().toString();
        for (DatasetLayout l : List.of(DatasetLayout.BRATS2020, DatasetLayout.BRATS2023)) {
            for (Modality m : Modality.values()) {
                if (find(caseDir, l.modalityStem(id, m)) != null) {
                    return l;
                }
            }
        }
        return null;
    }

    private static Case caseOf(Path caseDir, DatasetLayout layout, List<String> problems) {
        String id = caseDir.getFileName().toString();
        Map<Modality, Path> files = new EnumMap<>(Modality.class);
        List<String> missing = new ArrayList<>();
        for (Modality m : Modality.values()) {
            Path p = find(caseDir, layout.modalityStem(id, m));
            if (p == null) {
                missing.add(layout.modalityStem(id, m) + ".nii[.gz]");
            } else {
                files.put(m, p);
            }
        }
        if (!missing.isEmpty()) {
            problems.add("case " + id + ": missing modality file " + String.join(", ", missing));
            return null;
        }
        Path label = find(caseDir, layout.labelStem(id));
        return Case.separate(id, files, label, layout.convention());
    }

    /** {@code stem.nii.gz} or {@code stem.nii}, preferring gzip; null if neither is a file. */
    private static Path find(Path dir, String stem) {
        for (String ext : List.of(".nii.gz", ".nii")) {
            Path p = dir.resolve(stem + ext);
            if (Files.isRegularFile(p)) {
                return p;
            }
        }
        return null;
    }

    private static DatasetScan scanMsd(Path dir) throws IOException {
        List<String> problems = new ArrayList<>();
        List<Modality> order = DatasetLayout.MSD_CHANNELS;
        Path json = dir.resolve("dataset.json");
        if (Files.isRegularFile(json)) {
            try {
                order = channelOrder(JSON.readTree(json.toFile()));
            } catch (IOException | IllegalArgumentException e) {
                problems.add("dataset.json: " + e.getMessage() + "; assuming Task01 order FLAIR, T1w, t1gd, T2w");
                order = DatasetLayout.MSD_CHANNELS;
            }
        } else {
            problems.add("dataset.json: missing; assuming Task01 channel order FLAIR, T1w, t1gd, T2w");
        }
        List<Case> cases = new ArrayList<>();
        for (String images : List.of("imagesTr", "imagesTs")) {
            Path imgDir = dir.resolve(images);
            if (!Files.isDirectory(imgDir)) {
                continue;
            }
            List<Path> files;
            try (Stream<Path> s = Files.list(imgDir)) {
                files = s.filter(p -> isNifti(p.getFileName().toString()) && !p.getFileName().toString().startsWith("."))
                        .sorted().toList();
            }
            for (Path f : files) {
                String id = stem(f.getFileName().toString());
                Path label = null;
                if (images.equals("imagesTr")) {
                    Path l = dir.resolve("labelsTr").resolve(f.getFileName().toString());
                    if (Files.isRegularFile(l)) {
                        label = l;
                    } else {
                        problems.add("case " + id + ": no label in labelsTr/ (used without ground truth)");
                    }
                }
                cases.add(Case.stacked(id, f, order, label, DatasetLayout.MSD.convention()));
            }
        }
        if (cases.isEmpty()) {
            throw new IOException(dir + ": MSD layout without images in imagesTr/ or imagesTs/");
        }
        return new DatasetScan(DatasetLayout.MSD, cases, problems);
    }

    /** Channel order from dataset.json's {@code modality} map, e.g. {"0": "FLAIR", "1": "T1w", ...}. */
    static List<Modality> channelOrder(JsonNode root) {
        JsonNode mod = root.get("modality");
        if (mod == null) {
            mod = root.get("channel_names");
        }
        if (mod == null || !mod.isObject()) {
            return DatasetLayout.MSD_CHANNELS;
        }
        Modality[] order = new Modality[Modality.values().length];
        if (mod.size() != order.length) {
            throw new IllegalArgumentException("modality lists " + mod.size() + " channels, expected 4");
        }
        for (int i = 0; i < order.length; i++) {
            JsonNode n = mod.get(Integer.toString(i));
            if (n == null || !n.isTextual()) {
                throw new IllegalArgumentException("modality has no channel \"" + i + "\"");
            }
            order[i] = modalityName(n.asText());
        }
        List<Modality> list = List.of(order);
        if (list.stream().distinct().count() != order.length) {
            throw new IllegalArgumentException("modality names a channel twice: " + list);
        }
        return list;
    }

    private static Modality modalityName(String s) {
        return switch (s.trim().toLowerCase(Locale.ROOT)) {
            case "flair", "t2f" -> Modality.FLAIR;
            case "t1", "t1w", "t1n" -> Modality.T1;
            case "t1gd", "t1ce", "t1c" -> Modality.T1CE;
            case "t2", "t2w" -> Modality.T2;
            default -> throw new IllegalArgumentException("unknown modality name '" + s + "'");
        };
    }

    static boolean isNifti(String name) {
        return name.endsWith(".nii.gz") || name.endsWith(".nii");
    }

    static String stem(String name) {
        return name.endsWith(".nii.gz") ? name.substring(0, name.length() - 7) : name.substring(0, name.length() - 4);
    }
}
