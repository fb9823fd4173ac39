package org.brainseg.synthetic;

import java.nio.file.Path;
import java.util.List;

/**
 * The outcome of writing a cohort: which anatomy was used (so a reader knows whether the
 * cases rest on a real brain or the phantom), where things are, and one report per case.
 *
 * @param anatomy description of the anatomy source
 * @param phantom whether the procedural phantom was used
 * @param out dataset root
 * @param previews folder of preview PNGs, or null when none were written
 * @param cases one report per case, in index order
 */
public record CohortResult(String anatomy, boolean phantom, Path out, Path previews, List<CaseReport> cases) {
    public CohortResult {
        cases = List.copyOf(cases);
    }

    public double meanWholeTumourMl() {
        return cases.stream().mapToDouble(CaseReport::wholeTumourMl).average().orElse(0);
    }
}
