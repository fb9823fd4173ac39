package org.brainseg.synthetic;

/**
 * What one generated case contains and cost: tumour volumes in mL and generation time.
 *
 * @param id case identifier
 * @param wholeTumourMl WT = NCR/NET + edema + enhancing
 * @param ncrNetMl necrotic / non-enhancing core (internal label 1)
 * @param edemaMl peritumoural edema (internal label 2)
 * @param enhancingMl enhancing tumour (internal label 3)
 * @param seconds wall time to synthesize and write the case
 */
public record CaseReport(String id, double wholeTumourMl, double ncrNetMl, double edemaMl, double enhancingMl,
        double seconds) {}
