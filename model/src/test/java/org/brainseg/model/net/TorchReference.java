package org.brainseg.model.net;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs {@code torch_reference.py} (test resources) with Debian's PyTorch at /usr/bin/python3:
 * an independent implementation of each normalization and of the whole U-Net forward pass.
 */
public final class TorchReference {
    public static final Path PYTHON = Path.of("/usr/bin/python3");
    private static Boolean available;

    public record Tensor(long[] shape, float[] data) {}

    private TorchReference() {}

    /** Whether /usr/bin/python3 can import torch (CI installs python3-torch). */
    public static synchronized boolean available() {
        if (available == null) {
            available = false;
            if (Files.isExecutable(PYTHON)) {
                try {
                    Process p = new ProcessBuilder(PYTHON.toString(), "-c", "import torch, numpy").redirectErrorStream(true).start();
                    p.getInputStream().readAllBytes();
                    available = p.waitFor(120, TimeUnit.SECONDS) && p.exitValue() == 0;
                } catch (IOException e) {
                    available = false;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
        return available;
    }

    public static Map<String, Tensor> run(String op, String optionsJson, Map<String, Tensor> inputs, Path dir)
            throws IOException, InterruptedException {
        Path script = dir.resolve("torch_reference.py");
        try (InputStream in = TorchReference.class.getResourceAsStream("/torch_reference.py")) {
            Files.write(script, in.readAllBytes());
        }
        Path src = dir.resolve("in.bin");
        Path dst = dir.resolve("out.bin");
        Files.write(src, encode(inputs));
        Process p = new ProcessBuilder(PYTHON.toString(), script.toString(), op, optionsJson, src.toString(), dst.toString())
                .redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(300, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException("torch_reference.py failed: " + log);
        }
        return decode(Files.readAllBytes(dst));
    }

    static byte[] encode(Map<String, Tensor> tensors) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            byte[] name = e.getKey().getBytes(StandardCharsets.UTF_8);
            Tensor t = e.getValue();
            ByteBuffer b = ByteBuffer.allocate(8 + name.length + 8 * t.shape().length + 4 * t.data().length)
                    .order(ByteOrder.LITTLE_ENDIAN);
            b.putInt(name.length).put(name).putInt(t.shape().length);
            for (long d : t.shape()) {
                b.putLong(d);
            }
            b.asFloatBuffer().put(t.data());
            out.write(b.array(), 0, b.capacity());
        }
        return out.toByteArray();
    }

    static Map<String, Tensor> decode(byte[] bytes) {
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        Map<String, Tensor> out = new LinkedHashMap<>();
        while (b.hasRemaining()) {
            byte[] name = new byte[b.getInt()];
            b.get(name);
            long[] shape = new long[b.getInt()];
            long n = 1;
            for (int i = 0; i < shape.length; i++) {
                shape[i] = b.getLong();
                n *= shape[i];
            }
            float[] data = new float[(int) n];
            b.asFloatBuffer().get(data);
            b.position(b.position() + 4 * data.length);
            out.put(new String(name, StandardCharsets.UTF_8), new Tensor(shape, data));
        }
        return out;
    }

    /** max |a - b| / max |b|: a relative error that does not blow up on values near zero. */
    public static double relativeError(float[] actual, float[] expected) {
        if (actual.length != expected.length) {
            throw new AssertionError("length " + actual.length + " != " + expected.length);
        }
        double diff = 0;
        double scale = 0;
        for (int i = 0; i < actual.length; i++) {
            diff = Math.max(diff, Math.abs((double) actual[i] - expected[i]));
            scale = Math.max(scale, Math.abs((double) expected[i]));
        }
        return diff / Math.max(scale, 1e-30);
    }
}
