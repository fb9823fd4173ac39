package org.brainseg.cli.command;

import org.brainseg.pacs.PacsBridgeMain;
import org.brainseg.pacs.config.PacsConfig;
import org.brainseg.pacs.config.PacsConfigLoader;
import picocli.CommandLine.Command;

/** {@code brainseg pacs-bridge --config FILE}: runs {@link PacsBridgeMain} with a YAML configuration. */
@Command(
        name = "pacs-bridge",
        mixinStandardHelpOptions = true,
        description = {
            "Bridge a PACS (Orthanc) and brainseg until stopped (SIGTERM or Ctrl-C: graceful). Follows Orthanc's /changes",
            "for stable studies, picks the T1, T1ce, T2 and FLAIR series by the series rules, converts them to NIfTI under",
            "store.inputDir and publishes one ScanArrived per study (or a ScanFailed: SERIES_MISSING, DICOM_UNSUPPORTED,",
            "SERIES_TOO_LARGE, GEOMETRY_MISMATCH); turns each SegmentationCompleted of such a scan into a DICOM SEG stored",
            "in the same study. Essential keys: kafka.bootstrapServers, orthanc.url, store.inputDir (inside the workers'",
            "store.inputRoots), store.positionFile; every key is documented in deploy/pacs-bridge.example.yaml and can be",
            "overridden by BRAINSEG_<SECTION>_<KEY> (the password: BRAINSEG_ORTHANC_PASSWORD). See docs/PACS.md.",
            "Exit codes: 0 stopped, 2 bad configuration, 3 fatal error (restart me)."
        })
public final class PacsBridgeCommand extends ServiceCommand<PacsConfig> {
    PacsBridgeCommand() {
        super(PacsConfigLoader::load, PacsBridgeMain::run);
    }
}
