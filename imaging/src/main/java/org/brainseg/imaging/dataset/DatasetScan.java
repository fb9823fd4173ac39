package org.brainseg.imaging.dataset;

import java.util.List;

/**
 * What {@link DatasetScanner} found in a directory.
 *
 * @param layout the detected layout
 * @param cases usable cases, sorted by id
 * @param problems one message per case or file that could not be used, naming it
 */
public record DatasetScan(DatasetLayout layout, List<Case> cases, List<String> problems) {
    public DatasetScan {
        cases = List.copyOf(cases);
        problems = List.copyOf(problems);
    }

    public long labelled() {
        return cases.stream().filter(Case::hasLabel).count();
    }
}
