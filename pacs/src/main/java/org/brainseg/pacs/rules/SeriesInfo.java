package org.brainseg.pacs.rules;

/**
 * One series of a study as the rules see it (Orthanc's main series tags; nothing about the patient).
 *
 * @param id          the PACS's id of the series (Orthanc's resource id)
 * @param modality    DICOM Modality, e.g. {@code MR}
 * @param description SeriesDescription, or empty
 * @param protocol    ProtocolName, or empty
 * @param number      SeriesNumber, or 0 when absent
 * @param instances   how many images it holds
 */
public record SeriesInfo(String id, String modality, String description, String protocol, int number, int instances) {
    public SeriesInfo {
        description = description == null ? "" : description;
        protocol = protocol == null ? "" : protocol;
        modality = modality == null ? "" : modality;
    }

    /** For messages: number, modality, description and protocol. */
    public String describe() {
        return "#" + number + " " + modality + " '" + description + "'" + (protocol.isEmpty() ? "" : " (protocol '" + protocol + "')");
    }
}
