package org.brainseg.pacs.dicom;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * A DICOM data set being written: elements by tag (kept sorted, as the encoding requires), each
 * with its value representation given by the caller (no data dictionary: brainseg writes a few
 * dozen known tags). Encodes as Explicit VR Little Endian with defined lengths throughout,
 * values padded to even length as PS3.5 7.1 requires.
 */
public final class DicomDataset {
    /** VRs whose explicit-VR header has two reserved bytes and a 32-bit length (PS3.5 7.1.2). */
    private static final Set<String> LONG_VRS = Set.of("OB", "OD", "OF", "OL", "OV", "OW", "SQ", "UC", "UN", "UR", "UT", "SV", "UV");

    private record Element(String vr, byte[] value, List<DicomDataset> items) {}

    private final TreeMap<Integer, Element> elements = new TreeMap<>(Integer::compareUnsigned);

    /** A text value (string VRs: AE, AS, CS, DA, DS, DT, IS, LO, LT, PN, SH, ST, TM, UC, UI, UR, UT); multiple values joined by backslash. */
    public DicomDataset text(int tag, String vr, String value) {
        if (value == null) {
            value = "";
        }
        byte[] b = value.getBytes(StandardCharsets.UTF_8);
        if (b.length % 2 == 1) {
            byte[] p = new byte[b.length + 1];
            System.arraycopy(b, 0, p, 0, b.length);
            p[b.length] = vr.equals("UI") ? 0 : (byte) ' ';
            b = p;
        }
        return put(tag, vr, b);
    }

    /** Several text values, joined by backslash. */
    public DicomDataset texts(int tag, String vr, List<String> values) {
        return text(tag, vr, String.join("\\", values));
    }

    /** Decimal strings (DS), at most 16 characters each. */
    public DicomDataset decimals(int tag, double... values) {
        StringBuilder s = new StringBuilder();
        for (double v : values) {
            if (s.length() > 0) {
                s.append('\\');
            }
            s.append(ds(v));
        }
        return text(tag, "DS", s.toString());
    }

    /** An unsigned short (US). */
    public DicomDataset us(int tag, int... values) {
        ByteBuffer bb = ByteBuffer.allocate(2 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (int v : values) {
            bb.putShort((short) v);
        }
        return put(tag, "US", bb.array());
    }

    /** An attribute tag value (AT): group and element of each tag. */
    public DicomDataset at(int tag, int... tags) {
        ByteBuffer bb = ByteBuffer.allocate(4 * tags.length).order(ByteOrder.LITTLE_ENDIAN);
        for (int t : tags) {
            bb.putShort((short) (t >>> 16)).putShort((short) t);
        }
        return put(tag, "AT", bb.array());
    }

    /** Bytes as they are (OB, OW...), padded with a zero byte to even length. */
    public DicomDataset bytes(int tag, String vr, byte[] value) {
        byte[] b = value;
        if (b.length % 2 == 1) {
            b = java.util.Arrays.copyOf(value, value.length + 1);
        }
        return put(tag, vr, b);
    }

    /** A sequence of items. */
    public DicomDataset sequence(int tag, List<DicomDataset> items) {
        elements.put(tag, new Element("SQ", null, List.copyOf(items)));
        return this;
    }

    /** A sequence with one item. */
    public DicomDataset sequence(int tag, DicomDataset item) {
        return sequence(tag, List.of(item));
    }

    private DicomDataset put(int tag, String vr, byte[] value) {
        if (vr.length() != 2) {
            throw new IllegalArgumentException("VR must be two letters, got " + vr);
        }
        elements.put(tag, new Element(vr, value, null));
        return this;
    }

    public boolean contains(int tag) {
        return elements.containsKey(tag);
    }

    /** The text of a string element (trailing padding removed), or null. */
    public String textOf(int tag) {
        Element e = elements.get(tag);
        if (e == null || e.value() == null) {
            return null;
        }
        return new String(e.value(), StandardCharsets.UTF_8).replaceAll("[\\s\\x00]+$", "");
    }

    /** The elements of one group (the file meta group 0002 is written apart). */
    Map<Integer, Element> view() {
        return elements;
    }

    /** Explicit VR Little Endian encoding of every element, in tag order. */
    public byte[] encode() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        encodeTo(out);
        return out.toByteArray();
    }

    void encodeTo(ByteArrayOutputStream out) {
        for (Map.Entry<Integer, Element> en : elements.entrySet()) {
            int tag = en.getKey();
            Element e = en.getValue();
            byte[] value = e.items() == null ? e.value() : encodeItems(e.items());
            header(out, tag, e.vr(), value.length);
            out.writeBytes(value);
        }
    }

    private static byte[] encodeItems(List<DicomDataset> items) {
        ByteArrayOutputStream seq = new ByteArrayOutputStream();
        for (DicomDataset item : items) {
            byte[] body = item.encode();
            ByteBuffer h = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            h.putShort((short) 0xFFFE).putShort((short) 0xE000).putInt(body.length);
            seq.writeBytes(h.array());
            seq.writeBytes(body);
        }
        return seq.toByteArray();
    }

    private static void header(ByteArrayOutputStream out, int tag, String vr, int length) {
        boolean longForm = LONG_VRS.contains(vr);
        ByteBuffer h = ByteBuffer.allocate(longForm ? 12 : 8).order(ByteOrder.LITTLE_ENDIAN);
        h.putShort((short) (tag >>> 16)).putShort((short) tag);
        h.put((byte) vr.charAt(0)).put((byte) vr.charAt(1));
        if (longForm) {
            h.putShort((short) 0).putInt(length);
        } else {
            if (length > 0xFFFF) {
                throw new IllegalArgumentException(String.format("value of (%04X,%04X) %s too long: %d bytes", tag >>> 16,
                        tag & 0xFFFF, vr, length));
            }
            h.putShort((short) length);
        }
        out.writeBytes(h.array());
    }

    /** A decimal string of at most 16 characters (PS3.5 DS). */
    static String ds(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return Long.toString((long) v);
        }
        for (int digits = 10; digits > 0; digits--) {
            String s = new java.math.BigDecimal(v).round(new java.math.MathContext(digits)).stripTrailingZeros().toPlainString();
            if (s.length() <= 16) {
                return s;
            }
            s = String.format(java.util.Locale.ROOT, "%." + digits + "E", v);
            if (s.length() <= 16) {
                return s;
            }
        }
        throw new IllegalArgumentException("cannot write " + v + " as a decimal string");
    }
}
