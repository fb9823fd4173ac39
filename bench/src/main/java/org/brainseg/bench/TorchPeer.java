package org.brainseg.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.brainseg.imaging.io.JsonMappers;

/**
 * The PyTorch peer ({@code bench/torch_peer.py --serve}) as a child process that waits on its stdin
 * between requests, so that its runs and ours alternate without ever overlapping: one JSON request
 * per line, one JSON reply per line. Owns the process; {@link #close()} ends it.
 *
 * <p>The peer runs with {@value #NO_MMAP} unless the caller's environment says otherwise (or
 * {@code BRAINSEG_GLIBC_MALLOC=1} asks for glibc's defaults on both sides): tensors over glibc's
 * largest mmap threshold (32 MB, e.g. a 64³ batch-2 width-16 activation) would otherwise be mapped
 * afresh and fault in page by page on every operator, which PyTorch 1.13 cannot avoid and our
 * libtorch does with 2 MB pages. Without it the peer measured mostly page faults (docs/BENCHMARKS.md,
 * "Why the 64³ peer is erratic").
 */
public final class TorchPeer implements AutoCloseable {
    /** glibc's limit on mmap'd allocations; the peer gets 0 (none), so freed tensors are reused from the heap. */
    private static final String MMAP_MAX = "MALLOC_MMAP_MAX_";
    /** The peer's allocator setting, as the header prints it. */
    public static final String NO_MMAP = MMAP_MAX + "=0";
    private static final ObjectMapper JSON = JsonMappers.plain();
    private final Process process;
    private final Writer in;
    private final BufferedReader out;

    /** How the peer's allocator is set, as the benchmark's header says it. */
    public static String peerAllocator() {
        if (glibcDefaults()) {
            return "glibc's allocator defaults (BRAINSEG_GLIBC_MALLOC=1)";
        }
        String set = System.getenv(MMAP_MAX);
        return set != null ? MMAP_MAX + "=" + set + " (from the environment)" : NO_MMAP + " (no page faults on large tensors)";
    }

    /** {@code BRAINSEG_GLIBC_MALLOC=1}: glibc's allocator defaults on both sides, as the launcher reads it. */
    private static boolean glibcDefaults() {
        return "1".equals(System.getenv("BRAINSEG_GLIBC_MALLOC"));
    }

    public TorchPeer(String python, Path script) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(python, script.toString(), "--serve").redirectError(ProcessBuilder.Redirect.INHERIT);
        if (!glibcDefaults()) {
            pb.environment().putIfAbsent(MMAP_MAX, "0");
        }
        process = pb.start();
        in = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    }

    /** Builds the peer network and runs its warm-up; returns the peer's parameter count. */
    public long setup(PeerBenchmark.Case c, int depth, int width, int threads, int warmup) throws IOException {
        ObjectNode req = JSON.createObjectNode().put("cmd", "setup").put("patch", c.patch()).put("batch", c.batch())
                .put("norm", c.normalization().wire()).put("mode", c.mode().id).put("depth", depth).put("width", width)
                .put("threads", threads).put("warmup", warmup);
        return call(req).path("params").asLong();
    }

    /** One timed operation, in milliseconds as the peer measured it. */
    public double run() throws IOException {
        return call(JSON.createObjectNode().put("cmd", "run")).path("ms").asDouble();
    }

    /** One operation under PyTorch's profiler, its events written to {@code trace} (Chrome trace JSON); returns its ms. */
    public double profile(Path trace) throws IOException {
        return call(JSON.createObjectNode().put("cmd", "profile").put("out", trace.toAbsolutePath().toString())).path("ms")
                .asDouble();
    }

    /** Times of {@code reps} n × n float32 matrix products after one warm-up, in milliseconds. */
    public double[] matmul(int n, int reps, int threads) throws IOException {
        JsonNode ms = call(JSON.createObjectNode().put("cmd", "matmul").put("n", n).put("reps", reps).put("threads", threads))
                .path("ms");
        double[] t = new double[ms.size()];
        for (int i = 0; i < t.length; i++) {
            t[i] = ms.get(i).asDouble();
        }
        return t;
    }

    /** A new request object for {@link #call}. */
    public static ObjectNode request(String cmd) {
        return JSON.createObjectNode().put("cmd", cmd);
    }

    /** Sends one JSON request line and returns the reply line; an {@code error} reply is thrown. */
    public JsonNode call(ObjectNode req) throws IOException {
        in.write(JSON.writeValueAsString(req));
        in.write('\n');
        in.flush();
        String line = out.readLine();
        if (line == null) {
            throw new IOException("the PyTorch peer exited (see its stderr above)");
        }
        JsonNode reply = JSON.readTree(line);
        if (reply.has("error")) {
            throw new IOException("the PyTorch peer failed: " + reply.get("error").asText());
        }
        return reply;
    }

    @Override
    public void close() {
        try {
            in.write("{\"cmd\":\"quit\"}\n");
            in.flush();
        } catch (IOException e) {
            // already gone
        }
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
