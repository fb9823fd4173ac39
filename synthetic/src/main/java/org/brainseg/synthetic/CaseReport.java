package org.brainseg.synthetic;

import java.util.Objects;

/**
 * What one generated case contains and cost: tumour volumes in mL, generation time and the
 * acquisition shift applied to its images.
 *
 * @param id case identifier
 * @param wholeTumourMl WT = NCR/NET + edema + enhancing
 * @param ncrNetMl necrotic / non-enhancing core (internal label 1)
 * @param edemaMl peritumoural edema (internal label 2)
 * @param enhancingMl enhancing tumour (internal label 3)
 * @param seconds wall time to synthesize and write the case
 * @param perturbation the parameters drawn for its images ({@link Perturbation#none()} when unperturbed)
 */
public record CaseReport(String id, double wholeTumourMl, double ncrNetMl, double edemaMl, double enhancingMl,
        double seconds, Perturbation perturbation) {
    public CaseReport {
        Objects.requireNonNull(perturbation, "perturbation must not be null");
    }

    /** An unperturbed case. */
    public CaseReport(String id, double wholeTumourMl, double ncrNetMl, double edemaMl, double enhancingMl, double seconds) {
        this(id, wholeTumourMl, ncrNetMl, edemaMl, enhancingMl, seconds, Perturbation.none());
    }

    public CaseReport withPerturbation(Perturbation p) {
        return new CaseReport(id, wholeTumourMl, ncrNetMl, edemaMl, enhancingMl, seconds, p);
    }
}
