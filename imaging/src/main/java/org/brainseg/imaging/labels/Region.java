package org.brainseg.imaging.labels;

/** The BraTS evaluation regions, unions of internal labels: WT = 1∪2∪3, TC = 1∪3, ET = 3. */
public enum Region {
    WT(1, 2, 3),
    TC(1, 3),
    ET(3);

    private final boolean[] member = new boolean[4];

    Region(int... labels) {
        for (int l : labels) {
            member[l] = true;
        }
    }

    /** Whether an internal label belongs to this region. */
    public boolean contains(int internalLabel) {
        return internalLabel > 0 && internalLabel < 4 && member[internalLabel];
    }
}
