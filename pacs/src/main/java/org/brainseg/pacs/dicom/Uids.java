package org.brainseg.pacs.dicom;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * DICOM UIDs under the {@code 2.25} root (PS3.5 B.2: a UUID as one decimal integer). Derived
 * from names (name-based UUIDs), so that the same scan and model version always give the same
 * series and instance UIDs: a redelivered result replaces nothing and adds no duplicate.
 */
public final class Uids {
    private Uids() {}

    /** The {@code 2.25.<decimal>} UID of the name-based UUID of {@code name}. */
    public static String fromName(String name) {
        return fromUuid(UUID.nameUUIDFromBytes(name.getBytes(StandardCharsets.UTF_8)));
    }

    public static String fromUuid(UUID u) {
        byte[] b = ByteBuffer.allocate(16).putLong(u.getMostSignificantBits()).putLong(u.getLeastSignificantBits()).array();
        return "2.25." + new BigInteger(1, b);
    }
}
