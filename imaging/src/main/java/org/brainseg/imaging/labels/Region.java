package org.brainseg.imaging.labels;

/** The BraTS evaluation regions, unions of internal labels: WT = 1∪2∪3, TC = 1∪3, ET = 3. */
public enum Region {
    WT("WT", 1, 2, 3),
    TC("TC", 1, 3),
    ET("ET", 3);

    private final String key;
    private final boolean[] member = new boolean[4];

    Region(String key, int... labels) {
        this.key = key;
        for (int l : labels) {
            member[l] = true;
        }
    }

    public String key() {
        return key;
    }

    /** Whether an internal label belongs to this region. */
    public boolean contains(int internalLabel) {
        return internalLabel > 0 && internalLabel < 4 && member[internalLabel];
    }
}
