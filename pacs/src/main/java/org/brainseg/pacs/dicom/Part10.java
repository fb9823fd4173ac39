package org.brainseg.pacs.dicom;

import java.io.ByteArrayOutputStream;

/**
 * A DICOM Part 10 file (PS3.10 7.1): 128-byte preamble, "DICM", the file meta information
 * group, then the data set, all in Explicit VR Little Endian, the transfer syntax every DICOM
 * reader and PACS accepts.
 */
public final class Part10 {
    public static final String EXPLICIT_VR_LITTLE_ENDIAN = "1.2.840.10008.1.2.1";
    /** brainseg's implementation class UID (a 2.25 UUID-derived root, see {@link Uids}). */
    public static final String IMPLEMENTATION_CLASS_UID = Uids.fromName("brainseg implementation class");
    public static final String IMPLEMENTATION_VERSION = "BRAINSEG_01";

    private Part10() {}

    /** The file bytes of {@code dataset}, whose SOP Class and Instance UIDs go into the meta group. */
    public static byte[] encode(DicomDataset dataset) {
        String sopClass = dataset.textOf(Tags.SOP_CLASS_UID);
        String sopInstance = dataset.textOf(Tags.SOP_INSTANCE_UID);
        if (sopClass == null || sopInstance == null) {
            throw new IllegalArgumentException("the data set needs SOPClassUID and SOPInstanceUID");
        }
        DicomDataset meta = new DicomDataset()
                .bytes(0x00020001, "OB", new byte[] {0, 1})
                .text(0x00020002, "UI", sopClass)
                .text(0x00020003, "UI", sopInstance)
                .text(0x00020010, "UI", EXPLICIT_VR_LITTLE_ENDIAN)
                .text(0x00020012, "UI", IMPLEMENTATION_CLASS_UID)
                .text(0x00020013, "SH", IMPLEMENTATION_VERSION);
        byte[] metaBytes = meta.encode();
        DicomDataset groupLength = new DicomDataset();
        groupLength.bytes(0x00020000, "UL", java.nio.ByteBuffer.allocate(4).order(java.nio.ByteOrder.LITTLE_ENDIAN)
                .putInt(metaBytes.length).array());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[128]);
        out.writeBytes(new byte[] {'D', 'I', 'C', 'M'});
        out.writeBytes(groupLength.encode());
        out.writeBytes(metaBytes);
        dataset.encodeTo(out);
        return out.toByteArray();
    }
}
