package org.brainseg.viewer.volume;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.brainseg.imaging.Volume;
import org.brainseg.imaging.dataset.CaseLoader;
import org.brainseg.imaging.dataset.Modality;
import org.brainseg.imaging.nifti.NiftiImage;
import org.brainseg.imaging.nifti.NiftiReader;
import org.brainseg.schemas.ScanArrived;
import org.brainseg.schemas.SegmentationCompleted;
import org.brainseg.service.store.ScanStore;
import org.brainseg.service.store.StoreAccessException;

/**
 * Reads the volumes the viewer draws, only through a {@link ScanStore} (the worker's root
 * confinement: no {@code ..}, no symbolic link out, no device), so a URI in an event can never
 * make the viewer read outside the configured roots; the browser only ever names a scan id.
 * Keeps the last few volumes in memory, keyed by file, size and modification time, so a file
 * replaced or deleted is read again (or reported missing), never served stale.
 */
public final class VolumeSource {
    private final ScanStore store;
    private final NiftiReader reader;
    private final Map<String, Volume> cache;
    private final Object decoding = new Object();

    public VolumeSource(ScanStore store, int cachedVolumes) {
        this.store = store;
        this.reader = new NiftiReader();
        this.cache = new LinkedHashMap<>(16, 0.75f, true) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Volume> e) {
                return size() > cachedVolumes;
            }
        };
    }

    /** One modality of a scan, in its stored intensities. */
    public Volume modality(ScanArrived scan, Modality m) throws IOException {
        if (scan.modalities() != null) {
            return read(scan.modalities().uri(m).toString(), -1);
        }
        int channel = scan.image4d().channelOrder().indexOf(m);
        return read(scan.image4d().uri().toString(), channel);
    }

    /**
     * A mask in internal labels (0 background, 1 NCR/NET, 2 edema, 3 enhancing).
     *
     * @throws VolumeException when its values are not labels of its convention
     */
    public Volume mask(SegmentationCompleted s) throws IOException {
        Volume raw = read(s.maskUri().toString(), -1);
        try {
            return CaseLoader.toInternal("mask", raw, s.labelConvention());
        } catch (IOException e) {
            throw new VolumeException(VolumeException.Kind.CORRUPT, "the mask of model version " + s.modelVersion()
                    + " holds values that are not " + s.labelConvention().id() + " labels");
        }
    }

    /** The mask, checked to lie on the scan's voxel grid. */
    public Volume mask(SegmentationCompleted s, Volume scan) throws IOException {
        Volume m = mask(s);
        if (!Arrays.equals(m.shape(), scan.shape())) {
            throw new VolumeException(VolumeException.Kind.CORRUPT, "the mask of model version " + s.modelVersion()
                    + " has shape " + Arrays.toString(m.shape()) + ", the scan " + Arrays.toString(scan.shape()));
        }
        return m;
    }

    private Volume read(String uri, int channel) throws IOException {
        Path p;
        try {
            p = store.resolveInput(uri);
        } catch (StoreAccessException e) {
            throw switch (e.reason()) {
                case FILE_MISSING -> new VolumeException(VolumeException.Kind.MISSING, "file missing from the store");
                case NOT_A_FILE, URI_NOT_ALLOWED -> new VolumeException(VolumeException.Kind.REFUSED,
                        "refused: not a regular file under the viewer's roots");
            };
        }
        BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
        String key = p + "|" + a.size() + "|" + a.lastModifiedTime().toMillis() + "|" + channel;
        synchronized (cache) {
            Volume v = cache.get(key);
            if (v != null) {
                return v;
            }
        }
        // one decode at a time: a page asks for a volume's header and data at once, and a decoded
        // BraTS volume is 35 MB of floats; the second request then finds it in the cache
        synchronized (decoding) {
            synchronized (cache) {
                Volume v = cache.get(key);
                if (v != null) {
                    return v;
                }
            }
            Volume v;
            try {
                NiftiImage img = reader.readImage(p);
                v = channel < 0 ? img.volume() : img.channel(channel);
            } catch (IOException | RuntimeException e) {
                throw new VolumeException(VolumeException.Kind.CORRUPT, "not a readable NIfTI volume ("
                        + e.getClass().getSimpleName() + ")");
            }
            synchronized (cache) {
                cache.put(key, v);
            }
            return v;
        }
    }
}
