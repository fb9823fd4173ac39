package org.brainseg.imaging.preprocess;

import org.brainseg.imaging.Volume;

/**
 * A case ready for the network: channels cropped to the brain, z-scored inside it (0 outside)
 * and optionally resampled, all on one grid.
 *
 * @param id case identifier
 * @param channels T1, T1ce, T2, FLAIR
 * @param labels internal labels 0..3 on the same grid, or null
 * @param geometry how to map back to the scan's grid
 */
public record PreprocessedCase(String id, Volume[] channels, Volume labels, PreprocessGeometry geometry) {
    public int nx() {
        return channels[0].nx();
    }

    public int ny() {
        return channels[0].ny();
    }

    public int nz() {
        return channels[0].nz();
    }

    public boolean hasLabels() {
        return labels != null;
    }
}
